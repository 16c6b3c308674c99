<?php
// SPDX-License-Identifier: MIT
/**
 * Test helper: what Tools > Site Health shows of the plugin, in-process (run it
 * with or without the extension).  php site-health.php WP_DIR; prints JSON:
 * {"info": the debug-information section, "tests": {name: status + label},
 *  "late_cron": the cron test with the retention job an hour past due,
 *  "links": the Plugins screen's action links, "policy": the suggested privacy text,
 *  "alert": the admin notice of an alert raised for the test and cleared again}.
 */
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/wp-admin/site-health.php';
define( 'WP_ADMIN', true );
require $argv[1] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';

use TFSP\CalendlySync\Cron\Retention;

$admins = get_users( array( 'role' => 'administrator', 'number' => 1 ) );
wp_set_current_user( $admins[0]->ID );

$info  = apply_filters( 'debug_information', array() )['tfsp-calendly-sync'] ?? null;
$tests = array();
foreach ( apply_filters( 'site_status_tests', array( 'direct' => array(), 'async' => array() ) )['direct'] as $name => $test ) {
	if ( str_starts_with( $name, 'tfsp_calendly_' ) ) {
		$result         = call_user_func( $test['test'] );
		$tests[ $name ] = array(
			'status'      => $result['status'],
			'label'       => $result['label'],
			'description' => wp_strip_all_tags( $result['description'] ),
			'actions'     => $result['actions'],
		);
	}
}

// WP-Cron that does not run: the daily retention job an hour past due, then put back.
$saved = wp_next_scheduled( Retention::HOOK );
wp_clear_scheduled_hook( Retention::HOOK );
wp_schedule_event( time() - HOUR_IN_SECONDS, 'daily', Retention::HOOK );
$late = TFSP\CalendlySync\Plugin::instance()->site_health()->test_cron();
wp_clear_scheduled_hook( Retention::HOOK );
wp_schedule_event( false === $saved ? time() + HOUR_IN_SECONDS : $saved, 'daily', Retention::HOOK );

do_action( 'admin_init' );
$policy = '';
foreach ( WP_Privacy_Policy_Content::get_suggested_policy_text() as $entry ) {
	if ( 'TFSP Calendly Sync' === ( $entry['plugin_name'] ?? '' ) ) {
		$policy = wp_strip_all_tags( (string) $entry['policy_text'] );
	}
}

// An alert's admin notice (the alert is raised only if none of its kind is active, and cleared after).
$alerts = TFSP\CalendlySync\Plugin::instance()->alerts();
$was    = isset( $alerts->active()['backfill_failing'] );
if ( ! $was ) {
	$alerts->raise( 'backfill_failing', 'Raised by tests/wp/support/site-health.php.' );
}
ob_start();
$alerts->render_notice();
$alert = ob_get_clean();
if ( ! $was ) {
	$alerts->clear( 'backfill_failing' );
}

echo json_encode(
	array(
		'info'      => $info,
		'tests'     => $tests,
		'late_cron' => array(
			'status'      => $late['status'],
			'description' => wp_strip_all_tags( $late['description'] ),
		),
		'links'     => apply_filters( 'plugin_action_links_tfsp-calendly-sync/tfsp-calendly-sync.php', array() ),
		'policy'    => $policy,
		'alert'     => $alert,
	)
), "\n";
