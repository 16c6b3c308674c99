<?php
/**
 * Provisions the local stack's WordPress the way an admin would: activates
 * the plugin and stores its settings through the plugin's own settings code
 * (API base URL at the fake Calendly, the token, a generated signing key),
 * then registers the webhook subscription at the fake so webhooks flow.
 *   php -d extension=calsync.so wp-provision.php WP_DIR FAKE_URL TOKEN SIGNING_KEY
 * Safe to run again: settings are overwritten with the same values and an
 * existing subscription for the same URL is kept.
 */

if ( PHP_SAPI !== 'cli' ) {
	exit( 1 );
}
[ , $wp_dir, $fake_url, $token, $signing_key ] = $argv + array_fill( 0, 5, null );
if ( null === $signing_key ) {
	fwrite( STDERR, "usage: wp-provision.php WP_DIR FAKE_URL TOKEN SIGNING_KEY\n" );
	exit( 2 );
}
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $wp_dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

$activated = activate_plugin( 'tfsp-calendly-sync/tfsp-calendly-sync.php' );
if ( is_wp_error( $activated ) ) {
	fwrite( STDERR, 'activation failed: ' . $activated->get_error_message() . "\n" );
	exit( 1 );
}

$settings = \TFSP\CalendlySync\Plugin::instance()->settings();
foreach ( array(
	'api_base'    => $fake_url,
	'token'       => $token,
	'signing_key' => $signing_key,
) as $name => $value ) {
	$result = $settings->set( $name, $value );
	if ( is_wp_error( $result ) ) {
		fwrite( STDERR, "setting $name: " . $result->get_error_message() . "\n" );
		exit( 1 );
	}
}

/** One JSON call to the fake Calendly's REST API. */
function calsync_fake_call( string $method, string $url, string $token, ?array $body = null ): array {
	$ch = curl_init( $url );
	curl_setopt_array(
		$ch,
		array(
			CURLOPT_CUSTOMREQUEST  => $method,
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_TIMEOUT        => 10,
			CURLOPT_HTTPHEADER     => array( 'Authorization: Bearer ' . $token, 'Content-Type: application/json' ),
			CURLOPT_POSTFIELDS     => null === $body ? null : json_encode( $body ),
		)
	);
	$answer = curl_exec( $ch );
	$status = curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
	curl_close( $ch );
	return array( $status, is_string( $answer ) ? json_decode( $answer, true ) : null );
}

// The subscription: until the plugin registers it itself (the REST client's
// issue), this script does so with the key it just stored.
[ $status, $me ] = calsync_fake_call( 'GET', $fake_url . '/users/me', $token );
if ( 200 !== $status ) {
	fwrite( STDERR, "fake Calendly /users/me answered $status\n" );
	exit( 1 );
}
$webhook_url = rest_url( 'tfsp-calendly/v1/webhook' );
[ $status ] = calsync_fake_call(
	'POST',
	$fake_url . '/webhook_subscriptions',
	$token,
	array(
		'url'          => $webhook_url,
		'events'       => array( 'invitee.created', 'invitee.canceled', 'invitee_no_show.created', 'invitee_no_show.deleted' ),
		'organization' => $me['resource']['current_organization'],
		'user'         => $me['resource']['uri'],
		'scope'        => 'organization',
		'signing_key'  => $signing_key,
	)
);
if ( 201 !== $status && 409 !== $status ) {
	fwrite( STDERR, "creating the webhook subscription answered $status\n" );
	exit( 1 );
}
echo "provisioned: webhooks to $webhook_url\n";
