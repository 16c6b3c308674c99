<?php
// SPDX-License-Identifier: MIT
/**
 * Plugin Name: Local stack mail recorder
 * Description: Part of the local development stack, not of the product:
 * there is no mail server here, so every wp_mail() is written to a JSON file
 * in CALSYNC_STACK_MAIL_DIR, where tests and developers can read it, instead
 * of being silently dropped.
 */

add_filter(
	'pre_wp_mail',
	static function ( $short_circuit, $atts ) {
		if ( null !== $short_circuit || ! defined( 'CALSYNC_STACK_MAIL_DIR' ) ) {
			return $short_circuit;
		}
		$record = array(
			'time'    => gmdate( 'c' ),
			'to'      => $atts['to'],
			'subject' => $atts['subject'],
			'message' => $atts['message'],
			'headers' => $atts['headers'],
		);
		$name = sprintf( '%s/%s-%s.json', CALSYNC_STACK_MAIL_DIR, gmdate( 'Ymd\THis' ), wp_generate_password( 8, false ) );
		return false !== file_put_contents( $name, wp_json_encode( $record, JSON_PRETTY_PRINT ) );
	},
	10,
	2
);
