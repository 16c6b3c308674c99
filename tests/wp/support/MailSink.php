<?php
// SPDX-License-Identifier: MIT
/**
 * Reads the mail the stack "sent": scripts/lib/mail-sink, the stack's sendmail_path, stores
 * every message PHP's mail() hands it as one RFC 5322 .eml file in STACK_MAIL_DIR.  This
 * parses them as a mail client would: unfolded headers, RFC 2047 encoded words, the
 * Content-Transfer-Encoding of the body (and the text/plain part of a multipart message).
 */
final class MailSink {

	/** The stack's mail folder (STACK_MAIL_DIR of the stack's env file). */
	public static function dir(): string {
		return StackTestCase::env( 'STACK_MAIL_DIR' );
	}

	/**
	 * Every message stored at or after $since (a Unix time), in sending order.
	 *
	 * @return array<int,array{to:string[],subject:string,message:string,headers:array<string,string>,raw:string,file:string}>
	 */
	public static function since( float $since ): array {
		$files = glob( self::dir() . '/*.eml' ) ?: array();
		sort( $files );
		$out = array();
		foreach ( $files as $file ) {
			clearstatcache( true, $file );
			if ( filemtime( $file ) < (int) floor( $since ) ) {
				continue;
			}
			$out[] = self::parse( (string) file_get_contents( $file ) ) + array( 'file' => $file );
		}
		return $out;
	}

	/**
	 * One message: its headers (lower-case names, decoded), its recipients (the addresses of To),
	 * its subject and its text body.
	 *
	 * @return array{to:string[],subject:string,message:string,headers:array<string,string>,raw:string}
	 */
	public static function parse( string $raw ): array {
		[ $headers, $body ] = self::split( $raw );
		$to                 = array();
		foreach ( explode( ',', $headers['to'] ?? '' ) as $address ) {
			$address = trim( $address );
			if ( preg_match( '/<([^>]*)>/', $address, $m ) ) {
				$address = trim( $m[1] );
			}
			if ( '' !== $address ) {
				$to[] = $address;
			}
		}
		return array(
			'to'      => $to,
			'subject' => $headers['subject'] ?? '',
			'message' => self::text( $headers, $body ),
			'headers' => $headers,
			'raw'     => $raw,
		);
	}

	/** @return array{0:array<string,string>,1:string} Headers (unfolded, decoded) and the raw body. */
	private static function split( string $raw ): array {
		$raw   = str_replace( "\r\n", "\n", $raw );
		$parts = explode( "\n\n", $raw, 2 );
		$lines = preg_split( '/\n(?=[^ \t])/', $parts[0] ) ?: array();
		$out   = array();
		foreach ( $lines as $line ) {
			$colon = strpos( $line, ':' );
			if ( false === $colon ) {
				continue;
			}
			$name = strtolower( trim( substr( $line, 0, $colon ) ) );
			$text = preg_replace( '/\n[ \t]+/', ' ', substr( $line, $colon + 1 ) );
			$text = iconv_mime_decode( trim( (string) $text ), ICONV_MIME_DECODE_CONTINUE_ON_ERROR, 'UTF-8' );
			$out[ $name ] ??= (string) $text;
		}
		return array( $out, $parts[1] ?? '' );
	}

	/** The text of a body: decoded; of a multipart one, its first text/plain part. */
	private static function text( array $headers, string $body ): string {
		$type = $headers['content-type'] ?? 'text/plain';
		if ( preg_match( '/^multipart\/[a-z]+;.*boundary="?([^";]+)"?/i', $type, $m ) ) {
			foreach ( explode( '--' . $m[1], $body ) as $part ) {
				[ $part_headers, $part_body ] = self::split( ltrim( $part, "\n" ) );
				if ( str_starts_with( strtolower( $part_headers['content-type'] ?? '' ), 'text/plain' ) ) {
					return self::text( $part_headers, $part_body );
				}
			}
			return '';
		}
		switch ( strtolower( trim( $headers['content-transfer-encoding'] ?? '' ) ) ) {
			case 'quoted-printable':
				return quoted_printable_decode( $body );
			case 'base64':
				return (string) base64_decode( $body, false );
			default:
				return $body;
		}
	}
}
