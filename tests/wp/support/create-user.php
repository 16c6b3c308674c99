<?php
// SPDX-License-Identifier: MIT
/**
 * Test helper: creates a WordPress user.  php create-user.php WP_DIR EMAIL ALIAS ROLE; prints the id.
 */
[ , $wp_dir, $email, $alias, $role ] = $argv;
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
$tfsp_test_args         = array( $email, $alias, $role );
require $wp_dir . '/wp-load.php';
[ $email, $alias, $role ] = $tfsp_test_args;
$id = wp_insert_user(
	array(
		'user_login'   => 'u' . bin2hex( random_bytes( 6 ) ),
		'user_email'   => $email,
		'user_pass'    => wp_generate_password(),
		'display_name' => 'Test ' . strtok( $email, '@' ),
		'role'         => $role,
	)
);
if ( is_wp_error( $id ) ) {
	fwrite( STDERR, $id->get_error_message() . "\n" );
	exit( 1 );
}
if ( '' !== $alias ) {
	add_user_meta( $id, 'tfsp_calendly_email_alias', $alias );
}
echo $id, "\n";
