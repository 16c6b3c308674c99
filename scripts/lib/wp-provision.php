<?php
// SPDX-License-Identifier: MIT
/**
 * Provisions the local stack's WordPress the way an admin would: activates
 * the plugin and stores its settings through the plugin's own settings code
 * (API base URL at the fake Calendly, the token, a generated signing key),
 * then registers the webhook subscription at the fake through the plugin's
 * registration (Connection::register) so webhooks flow.
 *   php -d extension=calsync.so wp-provision.php WP_DIR FAKE_URL TOKEN SIGNING_KEY [FAKE_AUTH_URL]
 * FAKE_AUTH_URL (the fake's OAuth auth base) becomes the auth_base setting;
 * the OAuth app's client id and secret are left for an admin (or a test) to enter.
 * Safe to run again: settings are overwritten with the same values and the
 * subscription is replaced by a new one with the same key.
 */

if ( PHP_SAPI !== 'cli' ) {
	exit( 1 );
}
[ , $wp_dir, $fake_url, $token, $signing_key, $auth_url ] = $argv + array_fill( 0, 6, null );
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
) + ( null === $auth_url ? array() : array( 'auth_base' => $auth_url ) ) as $name => $value ) {
	$result = $settings->set( $name, $value );
	if ( is_wp_error( $result ) ) {
		fwrite( STDERR, "setting $name: " . $result->get_error_message() . "\n" );
		exit( 1 );
	}
}

// The connection and the subscription through the plugin's own code, as the
// settings page does: the token tested with /users/me (organization and user
// URIs stored), then the subscription registered with the key stored above
// (an older subscription of this site is replaced once the new one exists).
$connection = \TFSP\CalendlySync\Plugin::instance()->connection();
$me         = $connection->connect();
if ( is_wp_error( $me ) ) {
	fwrite( STDERR, 'connecting to the fake Calendly: ' . $me->get_error_message() . "\n" );
	exit( 1 );
}
$subscription = $connection->register( $signing_key );
if ( is_wp_error( $subscription ) ) {
	fwrite( STDERR, 'registering the webhook subscription: ' . $subscription->get_error_message() . "\n" );
	exit( 1 );
}
echo 'provisioned: webhooks to ' . $subscription['callback_url'] . "\n";
