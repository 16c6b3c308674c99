<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A row's history on the Sessions page: its audit trail (who changed what, from what, to what,
 * and why), folded in a details element.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\SessionRepository;

defined( 'ABSPATH' ) || exit;

final class SessionHistory {

	public static function actor_label( string $actor ): string {
		$labels = array(
			'calendly' => __( 'Calendly', 'tfsp-calendly-sync' ),
			'sync'     => __( 'Sync', 'tfsp-calendly-sync' ),
			'coach'    => __( 'Coach', 'tfsp-calendly-sync' ),
			'admin'    => __( 'Admin', 'tfsp-calendly-sync' ),
			'system'   => __( 'System', 'tfsp-calendly-sync' ),
		);
		return $labels[ $actor ] ?? $actor;
	}

	/**
	 * @param array<int,array<string,mixed>> $entries The session's audit rows, in order (the
	 *                                                actors' users cached beforehand).
	 * @param string|null                    $origin  "entered by hand by X" for a session entered by hand.
	 */
	public static function render( array $entries, ?string $origin = null ): string {
		$origin_html = null === $origin ? '' : '<span class="tfsp-calendly-hand">' . esc_html( $origin ) . '</span> ';
		if ( ! $entries ) {
			return $origin_html . '<span class="description">' . esc_html__( 'No changes recorded.', 'tfsp-calendly-sync' ) . '</span>';
		}
		/* translators: %d: number of changes */
		$out  = '<details class="tfsp-calendly-history"><summary>' . $origin_html . esc_html( sprintf( _n( '%d change', '%d changes', count( $entries ), 'tfsp-calendly-sync' ), count( $entries ) ) ) . '</summary>';
		$out .= '<table class="widefat striped"><thead><tr><th>' . esc_html__( 'When', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'Who', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'What', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'From', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'To', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'Why', 'tfsp-calendly-sync' ) . '</th></tr></thead><tbody>';
		foreach ( $entries as $entry ) {
			$who = self::actor_label( (string) $entry['actor_type'] );
			if ( ! empty( $entry['actor_user_id'] ) ) {
				$user = get_userdata( (int) $entry['actor_user_id'] );
				$who .= ': ' . ( $user ? $user->display_name : '#' . (int) $entry['actor_user_id'] );
			}
			$out .= '<tr><td>' . esc_html( Clock::site_datetime( $entry['created_at'] ) ) . '</td><td>' . esc_html( $who ) . '</td><td>' . esc_html( (string) $entry['field'] ) . '</td><td>' . esc_html( self::value( (string) $entry['field'], $entry['old_value'] ) ) . '</td><td>' . esc_html( self::value( (string) $entry['field'], $entry['new_value'] ) ) . '</td><td>' . esc_html( (string) $entry['reason'] ) . '</td></tr>';
		}
		$out .= '</tbody></table></details>';
		return $out;
	}

	/**
	 * A value as the trail holds it, for people: a time in site time, whichever way its row
	 * stored it (RFC 3339, as every row does now, or the raw microseconds that coaches' rows
	 * held before; the trail is append-only, so both stay), anything else cut short.
	 *
	 * @param mixed $value
	 */
	private static function value( string $field, $value ): string {
		if ( null === $value || '' === $value ) {
			return '';
		}
		$value = (string) $value;
		if ( in_array( $field, self::time_fields(), true ) ) {
			if ( preg_match( '/^-?\d{10,}$/', $value ) ) {
				return Clock::site_datetime_at( intdiv( (int) $value, 1000000 ) );
			}
			$ts = strtotime( $value );
			if ( false !== $ts && preg_match( '/^\d{4}-\d\d-\d\dT/', $value ) ) {
				return Clock::site_datetime_at( $ts );
			}
		}
		return self::short( $value );
	}

	/** @return string[] The columns of the trail that hold times. */
	private static function time_fields(): array {
		$out = array();
		foreach ( SessionRepository::FACTS as [ $column, $type ] ) {
			if ( 'time' === $type || 'datetime' === $type ) {
				$out[] = $column;
			}
		}
		return $out;
	}

	private static function short( $value ): string {
		$value = (string) $value;
		return strlen( $value ) > 200 ? substr( $value, 0, 200 ) . '…' : $value;
	}
}
