<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The client address of a request: REMOTE_ADDR, or the right-most untrusted X-Forwarded-For entry behind a trusted proxy.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class ClientAddress {

	/**
	 * @param string      $remote_addr     REMOTE_ADDR.
	 * @param string|null $forwarded_for   X-Forwarded-For, if sent.
	 * @param string[]    $trusted_proxies Addresses and CIDR ranges.
	 */
	public static function resolve( string $remote_addr, ?string $forwarded_for, array $trusted_proxies ): string {
		$remote = self::canonical( $remote_addr ) ?? 'unknown';
		if ( null === $forwarded_for || '' === trim( $forwarded_for ) || ! self::in_any( $remote, $trusted_proxies ) ) {
			return $remote;
		}
		// Walk from the right: every hop we trust may have appended the one
		// before it; the first hop we do not trust is the client.
		$hops    = array_reverse( array_map( 'trim', explode( ',', $forwarded_for ) ) );
		$address = $remote;
		foreach ( $hops as $hop ) {
			$canonical = self::canonical( $hop );
			if ( null === $canonical ) {
				break; // A forged or garbled entry: stop at the last good hop.
			}
			$address = $canonical;
			if ( ! self::in_any( $canonical, $trusted_proxies ) ) {
				break;
			}
		}
		return $address;
	}

	/** True for an IPv4/IPv6 address or a CIDR range of one. */
	public static function is_range( string $value ): bool {
		$parts = explode( '/', $value, 2 );
		$ip    = self::canonical( $parts[0] );
		if ( null === $ip ) {
			return false;
		}
		if ( ! isset( $parts[1] ) ) {
			return true;
		}
		$max = false === strpos( $ip, ':' ) ? 32 : 128;
		return ctype_digit( $parts[1] ) && (int) $parts[1] <= $max;
	}

	/** @param string[] $ranges */
	public static function in_any( string $ip, array $ranges ): bool {
		foreach ( $ranges as $range ) {
			if ( self::in_range( $ip, (string) $range ) ) {
				return true;
			}
		}
		return false;
	}

	private static function in_range( string $ip, string $range ): bool {
		$parts  = explode( '/', $range, 2 );
		$subnet = self::canonical( $parts[0] );
		if ( null === $subnet ) {
			return false;
		}
		$a = inet_pton( $ip );
		$b = inet_pton( $subnet );
		if ( false === $a || false === $b || strlen( $a ) !== strlen( $b ) ) {
			return false;
		}
		$bits = isset( $parts[1] ) ? (int) $parts[1] : strlen( $a ) * 8;
		$full = intdiv( $bits, 8 );
		if ( substr( $a, 0, $full ) !== substr( $b, 0, $full ) ) {
			return false;
		}
		$rest = $bits % 8;
		if ( 0 === $rest ) {
			return true;
		}
		$mask = ( 0xff << ( 8 - $rest ) ) & 0xff;
		return ( ord( $a[ $full ] ) & $mask ) === ( ord( $b[ $full ] ) & $mask );
	}

	/** The address in canonical text form, or null when it is not one. */
	private static function canonical( string $value ): ?string {
		$value = trim( $value, " \t[]" );
		if ( false === filter_var( $value, FILTER_VALIDATE_IP ) ) {
			return null;
		}
		$packed = inet_pton( $value );
		return false === $packed ? null : (string) inet_ntop( $packed );
	}
}
