<?php
// SPDX-License-Identifier: MIT
/**
 * Test helper: what a logged-in user (or a visitor, user 0) sees and does, in-process.
 *   php coaching.php WP_DIR USER_ID portal|book           prints the shortcode's HTML
 *   php coaching.php WP_DIR USER_ID block                 prints JSON: the portal block's title, editor script dependencies and HTML
 *   php coaching.php WP_DIR USER_ID export|erase EMAIL    prints the privacy callback's answer as JSON (all pages)
 *   php coaching.php WP_DIR USER_ID csv [NONCE]           runs the CSV export handler; prints the CSV or "died: STATUS MESSAGE"
 *   php coaching.php WP_DIR USER_ID site-time UNIX        prints that instant as the admin screens show it (site time)
 *   php coaching.php WP_DIR USER_ID portal-page           prints the URL of a published page holding the portal shortcode
 */
$tfsp_test_args         = $argv;
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/portal/';
if ( 'csv' === $argv[3] ) {
	define( 'WP_ADMIN', true ); // As in admin-post.php.
}
require $argv[1] . '/wp-load.php';
[ , , $user_id, $what ] = $tfsp_test_args;
wp_set_current_user( (int) $user_id );

switch ( $what ) {
	case 'portal':
		echo do_shortcode( '[tfsp_coaching_sessions]' );
		break;
	case 'block':
		$type    = WP_Block_Type_Registry::get_instance()->get_registered( 'tfsp-calendly/coaching-sessions' );
		$handles = null === $type ? array() : (array) $type->editor_script_handles;
		echo json_encode(
			array(
				'title'   => null === $type ? null : $type->title,
				'scripts' => array_map( static fn( $h ) => array( 'src' => wp_scripts()->registered[ $h ]->src ?? null, 'deps' => wp_scripts()->registered[ $h ]->deps ?? null ), $handles ),
				'html'    => do_blocks( '<!-- wp:tfsp-calendly/coaching-sessions /-->' ),
			)
		), "\n";
		break;
	case 'site-time':
		echo \TFSP\CalendlySync\Clock::site_datetime_at( (int) $tfsp_test_args[4] ), "\n";
		break;
	case 'book':
		echo do_shortcode( '[tfsp_book_session]' );
		break;
	case 'portal-page':
		$page = get_page_by_path( 'tfsp-wp-portal' );
		$id   = $page ? $page->ID : wp_insert_post(
			array(
				'post_type'    => 'page',
				'post_status'  => 'publish',
				'post_name'    => 'tfsp-wp-portal',
				'post_title'   => 'Coaching sessions',
				'post_content' => '[tfsp_coaching_sessions]',
			)
		);
		echo get_permalink( $id ), "\n";
		break;
	case 'export':
	case 'erase':
		$list = 'export' === $what ? apply_filters( 'wp_privacy_personal_data_exporters', array() ) : apply_filters( 'wp_privacy_personal_data_erasers', array() );
		$cb   = $list['tfsp-calendly-sync']['callback'];
		$out  = array();
		for ( $page = 1; $page < 100; $page++ ) {
			$answer = call_user_func( $cb, $tfsp_test_args[4], $page );
			$out[]  = $answer;
			if ( $answer['done'] ) {
				break;
			}
		}
		echo json_encode( $out ), "\n";
		break;
	case 'csv':
		// As admin-post.php would: the nonce from the request, wp_die turned into output.
		$_REQUEST['_wpnonce'] = $tfsp_test_args[4] ?? wp_create_nonce( 'tfsp_calendly_progress_csv' );
		add_filter(
			'wp_die_handler',
			static fn() => static function ( $message, $title, $args ) {
				$code = is_array( $args ) && isset( $args['response'] ) ? $args['response'] : 500;
				echo 'died: ', $code, ' ', is_string( $message ) ? wp_strip_all_tags( $message ) : '', "\n";
				exit( 0 );
			}
		);
		do_action( 'admin_post_tfsp_calendly_progress_csv' );
		break;
	default:
		fwrite( STDERR, "unknown: $what\n" );
		exit( 2 );
}
