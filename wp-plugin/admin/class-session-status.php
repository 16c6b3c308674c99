<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A session's status as the admin screens and the mark route show it: the labels, the derived
 * "needs attendance", and a conflict in words.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Clock;

defined( 'ABSPATH' ) || exit;

final class SessionStatus {

	/** Labels of the statuses (and of the derived "needs attendance"). */
	public static function labels(): array {
		return array(
			'scheduled'        => __( 'Scheduled', 'tfsp-calendly-sync' ),
			'needs_attendance' => __( 'Needs attendance', 'tfsp-calendly-sync' ),
			'canceled'         => __( 'Canceled', 'tfsp-calendly-sync' ),
			'rescheduled'      => __( 'Rescheduled', 'tfsp-calendly-sync' ),
			'attended'         => __( 'Attended', 'tfsp-calendly-sync' ),
			'no_show'          => __( 'No-show', 'tfsp-calendly-sync' ),
		);
	}

	/**
	 * The status a row shows: "needs_attendance" when the list's query found
	 * the stored answer to need a mark now (SessionListRepository selects it
	 * with the one predicate of Repository::needs_attendance()).
	 */
	public static function shown( array $row ): string {
		return ! empty( $row['needs_attendance'] ) ? 'needs_attendance' : (string) $row['status'];
	}

	/** The label of the status a row shows. */
	public static function shown_label( array $row ): string {
		$shown = self::shown( $row );
		return self::labels()[ $shown ] ?? $shown;
	}

	/** The conflict in words: Calendly canceled after the coach's mark, which stands. */
	public static function conflict_text( array $item ): string {
		$by     = (string) ( $item['canceled_by'] ?? '' );
		$reason = (string) ( $item['cancel_reason'] ?? '' );
		$when   = empty( $item['cancel_at'] ) ? '' : Clock::site_datetime_at( intdiv( (int) $item['cancel_at'], 1000000 ) );
		/* translators: 1: when, 2: who canceled, 3: reason */
		return sprintf( __( 'Conflict: canceled in Calendly %1$s by %2$s (reason: %3$s) after the attendance mark; the mark stands.', 'tfsp-calendly-sync' ), $when, '' === $by ? __( 'unknown', 'tfsp-calendly-sync' ) : $by, '' === $reason ? __( 'none given', 'tfsp-calendly-sync' ) : $reason );
	}
}
