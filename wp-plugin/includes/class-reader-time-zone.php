<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The time zone a student reads their times in (the portal, the student mails): the "Time zone"
 * of their profile when they chose one, else the one Calendly gave for their latest booking (the
 * invitee's `timezone` fact), else the site's.  A value that is no time zone (a profile value
 * written by other code, a zone this PHP does not know) falls back to the site's.  wp-admin always shows the
 * site's zone.  Times stay stored in UTC; Clock formats them in the zone answered here.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class ReaderTimeZone {

	/** User meta: the zone chosen in the profile ('' or none: automatic). */
	public const META = 'tfsp_calendly_timezone';

	private ProgressRepository $repository;

	/** @var array<int,\DateTimeZone> Answers of this request, by user. */
	private array $cache = array();

	public function __construct( ProgressRepository $repository ) {
		$this->repository = $repository;
	}

	/**
	 * A time zone from one of WordPress's time zone choices (wp_timezone_choice(): a city's IANA
	 * name, "UTC", or a fixed offset "UTC+5.5"), or from Calendly's invitee (an IANA name); null
	 * for anything else.
	 */
	public static function parse( string $value ): ?\DateTimeZone {
		$value = trim( $value );
		if ( '' === $value ) {
			return null;
		}
		if ( preg_match( '/^UTC([+-])(\d{1,2})(?:\.(0|25|5|75))?$/', $value, $m ) ) {
			$hours   = (int) $m[2];
			$minutes = isset( $m[3] ) ? (int) round( 60 * (float) ( '0.' . $m[3] ) ) : 0;
			if ( $hours > 14 ) {
				return null;
			}
			return new \DateTimeZone( sprintf( '%s%02d:%02d', $m[1], $hours, $minutes ) );
		}
		if ( 'UTC' !== $value && ! in_array( $value, \DateTimeZone::listIdentifiers(), true ) ) {
			return null;
		}
		return new \DateTimeZone( $value );
	}

	/** The zone the student chose in their profile ('' when none). */
	public static function chosen( int $user_id ): string {
		return (string) get_user_meta( $user_id, self::META, true );
	}

	/** The zone the student reads times in (see the class). */
	public function of_student( int $user_id ): \DateTimeZone {
		if ( isset( $this->cache[ $user_id ] ) ) {
			return $this->cache[ $user_id ];
		}
		$zone = null;
		if ( $user_id > 0 ) {
			$value = self::chosen( $user_id );
			if ( '' === $value ) {
				try {
					$value = (string) $this->repository->latest_timezone_of( $user_id );
				} catch ( DatabaseError $e ) {
					$value = ''; // The site's zone, rather than no page at all.
				}
			}
			// The first zone given is the one: when it is none, the site's (not the next in line).
			$zone = self::parse( $value );
		}
		$this->cache[ $user_id ] = $zone ?? wp_timezone();
		return $this->cache[ $user_id ];
	}
}
