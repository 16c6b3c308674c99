<?php
// SPDX-License-Identifier: MIT
/**
 * Test helper: loads the site WITHOUT the calsync extension and reports what the
 * requirement gate shows.  php gate.php WP_DIR; prints JSON.
 */
if ( extension_loaded( 'calsync' ) ) {
	fwrite( STDERR, "calsync is loaded; run this without it\n" );
	exit( 3 );
}
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $argv[1] . '/wp-load.php';

$admins = get_users( array( 'role' => 'administrator', 'number' => 1 ) );
wp_set_current_user( $admins[0]->ID );
ob_start();
do_action( 'admin_notices' );
$notice = ob_get_clean();

$json = new WP_REST_Request( 'POST', '/tfsp-calendly/v1/webhook' );
$json->set_header( 'Content-Type', 'application/json' );
$json->set_header( 'Calendly-Webhook-Signature', 't=1,v1=00' );
$json->set_body( '{"event":"invitee.created","payload":{}}' );
$broken = new WP_REST_Request( 'POST', '/tfsp-calendly/v1/webhook' );
$broken->set_header( 'Content-Type', 'application/json' );
$broken->set_body( '{"event":' );
wp_set_current_user( 0 );
$a = rest_do_request( $json );
$b = rest_do_request( $broken );
$p = rest_do_request( new WP_REST_Request( 'GET', '/tfsp-calendly/v1/ping' ) );

echo json_encode(
	array(
		'plugin_active' => in_array( 'tfsp-calendly-sync/tfsp-calendly-sync.php', (array) get_option( 'active_plugins' ), true ),
		'notice'        => $notice,
		'status'        => $a->get_status(),
		'code'          => $a->get_data()['code'] ?? null,
		'retry_after'   => $a->get_headers()['Retry-After'] ?? null,
		'status_broken' => $b->get_status(),
		'ping'          => $p->get_status(),
		'blogname'      => get_option( 'blogname' ),
	)
), "\n";
