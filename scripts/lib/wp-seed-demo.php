<?php
// SPDX-License-Identifier: MIT
/**
 * Seeds the local stack with demo people: a coach and three students, with
 * passwords printed by scripts/run.  Bookings are then made through the fake
 * Calendly, so that they arrive as webhooks like real ones.
 *   php -d extension=calsync.so wp-seed-demo.php WP_DIR PASSWORD
 * Prints one "login email role" line per user, then "page URL" of the
 * students' "My coaching sessions" page (the portal block and the booking
 * link), made once.  Safe to run again.
 */

if ( PHP_SAPI !== 'cli' ) {
	exit( 1 );
}
[ , $wp_dir, $password ] = $argv + array( null, null, null );
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $wp_dir . '/wp-load.php';

$people = array(
	array( 'coach.lee', 'coach.lee@example.org', 'Coach Lee', 'tfsp_coach' ),
	array( 'ana', 'ana.ruiz@example.org', 'Ana Ruiz', 'subscriber' ),
	array( 'ben', 'ben.okafor@example.org', 'Ben Okafor', 'subscriber' ),
	array( 'chloe', 'chloe.martin@example.org', 'Chloé Martin', 'subscriber' ),
);
foreach ( $people as [ $login, $email, $name, $role ] ) {
	$user = get_user_by( 'login', $login );
	$data = array(
		'user_login'   => $login,
		'user_email'   => $email,
		'display_name' => $name,
		'first_name'   => strtok( $name, ' ' ),
		'role'         => get_role( $role ) ? $role : 'subscriber',
		'user_pass'    => $password,
	);
	if ( $user ) {
		$data['ID'] = $user->ID;
		$id         = wp_update_user( $data );
	} else {
		$id = wp_insert_user( $data );
	}
	if ( is_wp_error( $id ) ) {
		fwrite( STDERR, "$login: " . $id->get_error_message() . "\n" );
		exit( 1 );
	}
	echo "$login $email {$data['role']}\n";
}

// The students' page: the portal block and the booking link.  Published, so the
// theme's navigation (a list of the site's pages) shows it.
$page = get_page_by_path( 'my-coaching-sessions' );
if ( null === $page ) {
	$id = wp_insert_post(
		array(
			'post_type'    => 'page',
			'post_status'  => 'publish',
			'post_title'   => 'My coaching sessions',
			'post_name'    => 'my-coaching-sessions',
			'post_content' => "<!-- wp:tfsp-calendly/coaching-sessions /-->\n\n<!-- wp:shortcode -->\n[tfsp_book_session]\n<!-- /wp:shortcode -->",
		),
		true
	);
	if ( is_wp_error( $id ) ) {
		fwrite( STDERR, 'page: ' . $id->get_error_message() . "\n" );
		exit( 1 );
	}
	$page = get_post( $id );
}
echo 'page ', get_permalink( $page ), "\n";
