<?php
// SPDX-License-Identifier: MIT
/**
 * The model-based test's in-process helper: what a person does in WordPress
 * itself (accounts, e-mail changes, deletions, the personal-data eraser),
 * WP-Cron hooks, and the progress the plugin shows.  Prints one JSON line.
 *
 *   php helper.php WP_DIR register EMAIL NAME          a new account (no one logged in); prints {"id"}
 *   php helper.php WP_DIR set-email USER_ID EMAIL      an admin corrects a user's e-mail (wp_update_user)
 *   php helper.php WP_DIR delete-user USER_ID [TO_ID]  wp_delete_user, content reassigned to TO_ID if given
 *   php helper.php WP_DIR erase EMAIL                  the plugin's eraser, every page, as WordPress runs it
 *   php helper.php WP_DIR cron HOOK...                 do_action() of each hook, in order
 *   php helper.php WP_DIR progress USER_ID...          {"USER_ID": attended rows counted}
 */
$tfsp_model_args        = $argv;
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $argv[1] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/user.php';

$tfsp_model_action = $tfsp_model_args[2];
$tfsp_model_rest   = array_slice( $tfsp_model_args, 3 );

/** The first administrator, as the acting user of admin actions. */
function tfsp_model_admin(): int {
	$admins = get_users(
		array(
			'role'    => 'administrator',
			'number'  => 1,
			'orderby' => 'ID',
		)
	);
	return (int) $admins[0]->ID;
}

function tfsp_model_out( $value, int $code = 0 ): void {
	echo wp_json_encode( $value ), "\n";
	exit( $code );
}

switch ( $tfsp_model_action ) {
	case 'register':
		wp_set_current_user( 0 );
		[ $email, $name ] = $tfsp_model_rest;
		$id = wp_insert_user(
			array(
				'user_login'   => 'model_' . bin2hex( random_bytes( 6 ) ),
				'user_email'   => $email,
				'user_pass'    => wp_generate_password(),
				'display_name' => $name,
				'role'         => 'subscriber',
			)
		);
		if ( is_wp_error( $id ) ) {
			tfsp_model_out( array( 'error' => $id->get_error_message() ), 1 );
		}
		tfsp_model_out( array( 'id' => (int) $id ) );
		break;
	case 'set-email':
		wp_set_current_user( tfsp_model_admin() );
		$id = wp_update_user(
			array(
				'ID'         => (int) $tfsp_model_rest[0],
				'user_email' => $tfsp_model_rest[1],
			)
		);
		if ( is_wp_error( $id ) ) {
			tfsp_model_out( array( 'error' => $id->get_error_message() ), 1 );
		}
		tfsp_model_out( array( 'id' => (int) $id ) );
		break;
	case 'delete-user':
		wp_set_current_user( tfsp_model_admin() );
		$to = isset( $tfsp_model_rest[1] ) ? (int) $tfsp_model_rest[1] : null;
		tfsp_model_out( array( 'deleted' => wp_delete_user( (int) $tfsp_model_rest[0], $to ) ) );
		break;
	case 'erase':
		wp_set_current_user( tfsp_model_admin() );
		$erasers = apply_filters( 'wp_privacy_personal_data_erasers', array() );
		if ( ! isset( $erasers['tfsp-calendly-sync'] ) ) {
			tfsp_model_out( array( 'error' => 'the plugin registers no eraser' ), 1 );
		}
		$pages = array();
		for ( $page = 1; $page < 100; $page++ ) {
			$answer  = call_user_func( $erasers['tfsp-calendly-sync']['callback'], $tfsp_model_rest[0], $page );
			$pages[] = $answer;
			if ( ! empty( $answer['done'] ) ) {
				break;
			}
		}
		tfsp_model_out( $pages );
		break;
	case 'cron':
		foreach ( $tfsp_model_rest as $hook ) {
			do_action( $hook );
		}
		tfsp_model_out( array( 'ran' => $tfsp_model_rest ) );
		break;
	case 'progress':
		global $wpdb;
		$progress = \TFSP\CalendlySync\Plugin::instance()->progress();
		$out      = array();
		foreach ( $tfsp_model_rest as $id ) {
			$out[ (string) (int) $id ] = $progress->of_student( (int) $id )['attended'];
		}
		tfsp_model_out( (object) $out );
		break;
	default:
		fwrite( STDERR, "unknown action: $tfsp_model_action\n" );
		exit( 2 );
}
