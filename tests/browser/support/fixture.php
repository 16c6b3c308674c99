<?php
// SPDX-License-Identifier: MIT
/**
 * Test helper of the browser tests, run with the calsync extension loaded:
 *   php fixture.php WP_DIR user LOGIN EMAIL ROLE PASSWORD NAME   creates or resets a user; prints the id
 *   php fixture.php WP_DIR portal                                 a page with [tfsp_coaching_sessions]; prints its URL ('' without the shortcode)
 *   php fixture.php WP_DIR restore-webhook KEY                    registers the subscription again with the stack's signing key
 *   php fixture.php WP_DIR clear-event-types                      back to "every event type counts"
 *   php fixture.php WP_DIR setting NAME JSON                      sets a plugin setting to the JSON value; prints the one it had, as JSON
 *   php fixture.php WP_DIR cron HOOK                              runs a WP-Cron hook now
 *   php fixture.php WP_DIR user-meta USER_ID KEY                  prints the user meta value ('' when none)
 *   php fixture.php WP_DIR forget-oauth                           removes an OAuth app and connection a test left (settings rows)
 */
$tfsp_args              = $argv;
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $tfsp_args[1] . '/wp-load.php';
$argv = $tfsp_args;

switch ( $argv[2] ?? '' ) {
	case 'user':
		[ , , , $login, $email, $role, $password, $name ] = $argv;
		$user = get_user_by( 'login', $login );
		$data = array(
			'user_login'   => $login,
			'user_email'   => $email,
			'user_pass'    => $password,
			'display_name' => $name,
			'role'         => $role,
		);
		if ( $user ) {
			$data['ID'] = $user->ID;
			$id         = wp_update_user( $data );
			delete_user_meta( $user->ID, 'tfsp_calendly_email_alias' );
		} else {
			$id = wp_insert_user( $data );
		}
		if ( is_wp_error( $id ) ) {
			fwrite( STDERR, $id->get_error_message() . "\n" );
			exit( 1 );
		}
		echo $id, "\n";
		break;
	case 'portal':
		if ( ! shortcode_exists( 'tfsp_coaching_sessions' ) ) {
			echo "\n";
			break;
		}
		$page = get_page_by_path( 'tfsp-browser-portal' );
		$id   = $page ? $page->ID : wp_insert_post(
			array(
				'post_type'    => 'page',
				'post_status'  => 'publish',
				'post_name'    => 'tfsp-browser-portal',
				'post_title'   => 'My coaching sessions',
				'post_content' => '[tfsp_coaching_sessions]',
			)
		);
		echo get_permalink( $id ), "\n";
		break;
	case 'restore-webhook':
		$result = \TFSP\CalendlySync\Plugin::instance()->connection()->register( $argv[3] );
		if ( is_wp_error( $result ) ) {
			fwrite( STDERR, $result->get_error_message() . "\n" );
			exit( 1 );
		}
		echo $result['uri'], "\n";
		break;
	case 'setting':
		$settings = \TFSP\CalendlySync\Plugin::instance()->settings();
		$before   = $settings->get( $argv[3] );
		$result   = $settings->set( $argv[3], json_decode( $argv[4], true ) );
		if ( is_wp_error( $result ) ) {
			fwrite( STDERR, $result->get_error_message() . "\n" );
			exit( 1 );
		}
		echo wp_json_encode( $before ), "\n";
		break;
	case 'cron':
		do_action( $argv[3] );
		break;
	case 'user-meta':
		echo (string) get_user_meta( (int) $argv[3], $argv[4], true ), "\n";
		break;
	case 'forget-oauth':
		$store = \TFSP\CalendlySync\Plugin::instance()->settings_repository();
		foreach ( array( 'oauth_client_id', 'oauth_client_secret', '_oauth_tokens', '_oauth_broken', '_oauth_wait_until', '_alert_oauth_broken' ) as $key ) {
			$store->delete( $key );
		}
		break;
	case 'clear-event-types':
		$result = \TFSP\CalendlySync\Plugin::instance()->settings()->set( 'event_types', array() );
		exit( true === $result ? 0 : 1 );
	default:
		fwrite( STDERR, "unknown command\n" );
		exit( 2 );
}
