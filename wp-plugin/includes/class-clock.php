<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Time conversions at the database edge: the core counts microseconds since the epoch (UTC).
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Clock {

	/** Smallest and largest instants a DATETIME(6) column holds (years 1000 to 9999). */
	public const DATETIME_MIN_US = -30610224000000000;
	public const DATETIME_MAX_US = 253402300799999999;

	public static function now_us(): int {
		[ $frac, $sec ] = explode( ' ', microtime() );
		return (int) $sec * 1000000 + (int) round( (float) $frac * 1000000 );
	}

	/** "Y-m-d H:i:s.uuuuuu" in UTC, for DATETIME(6) columns. */
	public static function to_datetime( int $us ): string {
		$sec  = intdiv( $us, 1000000 );
		$frac = $us % 1000000;
		if ( $frac < 0 ) {
			$sec  -= 1;
			$frac += 1000000;
		}
		return gmdate( 'Y-m-d H:i:s', $sec ) . sprintf( '.%06d', $frac );
	}

	/** Inverse of to_datetime(); also accepts values without a fraction. */
	public static function from_datetime( string $value ): int {
		$parts = explode( '.', trim( $value ), 2 );
		$date  = new \DateTimeImmutable( $parts[0], new \DateTimeZone( 'UTC' ) );
		$frac  = isset( $parts[1] ) ? (int) str_pad( substr( $parts[1], 0, 6 ), 6, '0' ) : 0;
		return $date->getTimestamp() * 1000000 + $frac;
	}

	/** True when a DATETIME(6) column can hold the instant. */
	public static function fits_datetime( int $us ): bool {
		return $us >= self::DATETIME_MIN_US && $us <= self::DATETIME_MAX_US;
	}

	/** "Y-m-d H:i:s" in UTC, for the plain DATETIME bookkeeping columns. */
	public static function mysql_now(): string {
		return gmdate( 'Y-m-d H:i:s' );
	}

	/**
	 * A UTC "Y-m-d H:i:s[.u]" column value as the site shows a date and time (its date and time
	 * formats and time zone, translated); a dash for none, the value itself when it is no time.
	 *
	 * @param string|null $mysql_utc The column's value.
	 * @param bool        $zone      Followed by the time zone's name (for text read away from the site: e-mail, the portal).
	 */
	public static function site_datetime( ?string $mysql_utc, bool $zone = false ): string {
		return self::datetime( $mysql_utc, null, $zone );
	}

	/**
	 * A UTC "Y-m-d H:i:s[.u]" column value as a date and time in a reader's time zone (the site's
	 * formats, translated; the site's zone when none is given), see site_datetime().
	 *
	 * @param string|null        $mysql_utc The column's value.
	 * @param \DateTimeZone|null $in        The reader's zone (ReaderTimeZone); null: the site's.
	 * @param bool               $zone_name Followed by the zone's name, "(Asia/Tokyo)".
	 */
	public static function datetime( ?string $mysql_utc, ?\DateTimeZone $in = null, bool $zone_name = false ): string {
		if ( null === $mysql_utc || '' === $mysql_utc || 0 === strpos( $mysql_utc, '0000' ) ) {
			return '—';
		}
		$timestamp = strtotime( substr( $mysql_utc, 0, 19 ) . ' UTC' );
		return false === $timestamp ? $mysql_utc : self::datetime_at( $timestamp, $in, $zone_name );
	}

	/** A Unix time as the site shows a date and time (see site_datetime()). */
	public static function site_datetime_at( int $timestamp, bool $zone = false ): string {
		return self::datetime_at( $timestamp, null, $zone );
	}

	/**
	 * A Unix time as a date and time in a reader's time zone: the one formatter of every time the
	 * plugin shows (the site's date and time formats, translated by wp_date()).
	 *
	 * @param \DateTimeZone|null $in        The reader's zone; null: the site's (wp-admin).
	 * @param bool               $zone_name Followed by the zone's name in parentheses.
	 */
	public static function datetime_at( int $timestamp, ?\DateTimeZone $in = null, bool $zone_name = false ): string {
		$in  = $in ?? wp_timezone();
		$out = (string) wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $timestamp, $in );
		return $zone_name ? $out . ' (' . self::zone_name( $in ) . ')' : $out;
	}

	/**
	 * A time zone's name as people read it: its IANA name ("Asia/Tokyo"), "UTC", or for a fixed
	 * offset (a site set to "UTC+2" in Settings → General) "UTC+02:00".
	 */
	public static function zone_name( \DateTimeZone $zone ): string {
		$name = $zone->getName();
		if ( preg_match( '/^[+-]\d\d:\d\d$/', $name ) ) {
			return '+00:00' === $name || '-00:00' === $name ? 'UTC' : 'UTC' . $name;
		}
		return $name;
	}

	/** A Unix time as the site shows a date alone (in a reader's zone when given). */
	public static function site_date_at( int $timestamp, ?\DateTimeZone $in = null ): string {
		return (string) wp_date( get_option( 'date_format' ), $timestamp, $in ?? wp_timezone() );
	}

	/** A Unix time as the site shows a time of day alone. */
	public static function site_time_at( int $timestamp ): string {
		return (string) wp_date( get_option( 'time_format' ), $timestamp );
	}

	/** The instant in the site's time zone, in a given PHP date format, untranslated (stored in session_date, never shown). */
	public static function to_site_time( int $us, string $format ): string {
		$date = ( new \DateTimeImmutable( '@' . intdiv( $us, 1000000 ) ) )->setTimezone( wp_timezone() );
		return $date->format( $format );
	}
}
