<?php
// SPDX-License-Identifier: MIT
/**
 * Real-shaped webhook bodies from tests/fixtures/, with every UUID replaced by
 * a fresh one (consistently within one Fixtures object, so that the two ends
 * of a reschedule still name each other).
 */
final class Fixtures {

	private const UUID = '/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/';

	/** @var array<string,string> fixture UUID => fresh UUID */
	public array $map = array();

	/** The fixture as an array, with fresh UUIDs. */
	public function load( string $name ): array {
		$text = file_get_contents( CALSYNC_TEST_ROOT . '/tests/fixtures/' . $name . '.json' );
		if ( false === $text ) {
			throw new RuntimeException( "fixture $name not found" );
		}
		$text = preg_replace_callback(
			self::UUID,
			function ( array $m ): string {
				return $this->map[ $m[0] ] ??= self::uuid();
			},
			$text
		);
		return json_decode( $text, true, 512, JSON_THROW_ON_ERROR );
	}

	/** The body as sent: compact JSON, slashes and Unicode unescaped like Calendly's. */
	public static function encode( array $payload ): string {
		return json_encode( $payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR );
	}

	/** Replaces the fresh UUIDs by the fixture's again, to compare rows of two runs. */
	public function normalize( $value ) {
		if ( is_string( $value ) ) {
			return strtr( $value, array_flip( $this->map ) );
		}
		if ( is_array( $value ) ) {
			return array_map( array( $this, 'normalize' ), $value );
		}
		return $value;
	}

	public static function uuid(): string {
		$b    = random_bytes( 16 );
		$b[6] = chr( ( ord( $b[6] ) & 0x0f ) | 0x40 );
		$b[8] = chr( ( ord( $b[8] ) & 0x3f ) | 0x80 );
		return vsprintf( '%s%s-%s-%s-%s-%s%s%s', str_split( bin2hex( $b ), 4 ) );
	}
}
