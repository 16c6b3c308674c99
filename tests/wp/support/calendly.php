<?php
// SPDX-License-Identifier: MIT
/**
 * Test helper: calls the plugin's Calendly services in-process, as wp-admin will, and prints JSON.
 *   php calendly.php WP_DIR ACTION [ARGS...]
 * Actions: connect [TOKEN], register [KEY], set-signing-key KEY..., mark SESSION_ID MARK COACH_ID,
 * health, backfill-run [SECONDS], stale-lookup, queue-backfill FROM TO, reevaluate-types, current-user
 * (GET /users/me through the plugin's Api, with whichever connection is in use).
 */
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $argv[1] . '/wp-load.php';

$tfsp_plugin = \TFSP\CalendlySync\Plugin::instance();
$tfsp_args   = array_slice( $argv, 3 );
switch ( $argv[2] ) {
	case 'connect':
		$tfsp_out = $tfsp_plugin->connection()->connect( $tfsp_args[0] ?? null );
		break;
	case 'register':
		$tfsp_out = $tfsp_plugin->connection()->register( $tfsp_args[0] ?? null );
		break;
	case 'set-signing-key':
		$tfsp_out = $tfsp_plugin->settings()->set( 'signing_key', $tfsp_args );
		break;
	case 'mark':
		$tfsp_out = $tfsp_plugin->attendance()->mark( (int) $tfsp_args[0], $tfsp_args[1], (int) $tfsp_args[2] );
		break;
	case 'current-user':
		try {
			$tfsp_out = $tfsp_plugin->api()->current_user();
		} catch ( \TFSP\CalendlySync\ApiError $e ) {
			$tfsp_out = new WP_Error( 'api_' . $e->kind, $e->getMessage() );
		}
		break;
	case 'health':
		$tfsp_out = $tfsp_plugin->health_check()->run();
		break;
	case 'backfill-run':
		$tfsp_out = $tfsp_plugin->backfill()->run( isset( $tfsp_args[0] ) ? (float) $tfsp_args[0] : null );
		break;
	case 'reevaluate-types': // What saving the event types on the Settings page does.
		$tfsp_out = $tfsp_plugin->sync()->reevaluate_types();
		break;
	case 'queue-backfill':
		$tfsp_out = $tfsp_plugin->backfill()->queue( 'admin', \Calsync\Time::parse( $tfsp_args[0] ), \Calsync\Time::parse( $tfsp_args[1] ), null );
		break;
	default:
		fwrite( STDERR, "unknown action\n" );
		exit( 2 );
}
if ( is_wp_error( $tfsp_out ) ) {
	echo wp_json_encode( array( 'error' => $tfsp_out->get_error_code(), 'message' => $tfsp_out->get_error_message() ) ), "\n";
	exit( 1 );
}
echo wp_json_encode( $tfsp_out ), "\n";
