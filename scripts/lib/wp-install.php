<?php
// SPDX-License-Identifier: MIT
/**
 * Installs the private WordPress of the local stack without wp-cli.
 *   php wp-install.php WP_DIR check
 *   php wp-install.php WP_DIR install URL ADMIN_USER ADMIN_PASSWORD
 * Plugins are not loaded while WP_INSTALLING is defined, so activation and
 * provisioning run in a second process (wp-provision.php).
 */

if ( PHP_SAPI !== 'cli' ) {
	exit( 1 );
}
// Copied before WordPress loads: it has globals of the same names ($action).
$calsync_args = $argv + array_fill( 0, 6, null );
$calsync_dir = $calsync_args[1];
$calsync_cmd = $calsync_args[2];
define( 'WP_INSTALLING', true );
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';

// No mail server here: the install's welcome mail is not sent.
function wp_new_blog_notification() {}

require $calsync_dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if ( 'check' === $calsync_cmd ) {
	exit( is_blog_installed() ? 0 : 1 );
}
if ( 'install' !== $calsync_cmd ) {
	fwrite( STDERR, "usage: wp-install.php WP_DIR check|install URL USER PASSWORD\n" );
	exit( 2 );
}
[ , , , $url, $user, $password ] = $calsync_args;
$result = wp_install( 'Mentorship Portal', $user, 'admin@example.org', false, '', wp_slash( $password ) );
if ( is_wp_error( $result ) ) {
	fwrite( STDERR, $result->get_error_message() . "\n" );
	exit( 1 );
}
update_option( 'permalink_structure', '/%postname%/' );
update_option( 'siteurl', $url );
update_option( 'home', $url );
if ( wp_get_theme( 'twentytwentythree' )->exists() ) {
	switch_theme( 'twentytwentythree' );
}
echo "installed\n";
