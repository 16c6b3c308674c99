<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A row's inline attendance controls on the Sessions page: a note and one button per mark, the
 * current mark highlighted.  sessions.js sends a click to POST tfsp-calendly/v1/sessions/{id}/mark.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

defined( 'ABSPATH' ) || exit;

final class SessionMarkButtons {

	/** Labels of the buttons, by mark. */
	public static function labels(): array {
		return array(
			'attended'    => __( 'Attended', 'tfsp-calendly-sync' ),
			'no_show'     => __( 'No-show', 'tfsp-calendly-sync' ),
			'rescheduled' => __( 'Rescheduled', 'tfsp-calendly-sync' ),
			'none'        => __( 'Clear', 'tfsp-calendly-sync' ),
		);
	}

	/** @param array $item The session's row (id, coach_mark). */
	public static function render( array $item ): string {
		$id   = (int) $item['id'];
		$out  = '<div class="tfsp-calendly-mark" data-session="' . esc_attr( (string) $id ) . '">';
		$out .= '<input type="text" class="tfsp-calendly-mark-note" maxlength="1000" aria-label="' . esc_attr__( 'Note', 'tfsp-calendly-sync' ) . '" placeholder="' . esc_attr__( 'Note (optional)', 'tfsp-calendly-sync' ) . '">';
		foreach ( self::labels() as $mark => $label ) {
			$current = (string) $item['coach_mark'] === $mark;
			$out    .= '<button type="button" class="button button-small' . ( $current ? ' button-primary' : '' ) . '" data-mark="' . esc_attr( $mark ) . '">' . esc_html( $label ) . '</button> ';
		}
		$out .= '<span class="tfsp-calendly-mark-result" aria-live="polite"></span></div>';
		return $out;
	}
}
