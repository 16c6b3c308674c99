<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Uninstall: always removes the plugin's capabilities, scheduled jobs and sealed secrets, and
 * deletes this site's Calendly webhook subscription when the extension is loaded, Calendly
 * answers and the subscription was made for this site's URL (Uninstaller; the Plugins screen
 * says beforehand what is left to delete by hand).  Only when the
 * setting delete_data_on_uninstall is on does it also drop the plugin's own tables, delete
 * the session rows the sync created (auto_created = 1) and remove the Coach role (its users
 * become subscribers).  The portal's tfsp_coach_sessions table, its own rows and the
 * columns added to it always stay: the table belongs to the portal.
 *
 * @package TFSP\CalendlySync
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/tfsp-calendly-sync.php';

use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\SettingsRepository;

wp_clear_scheduled_hook( 'tfsp_calendly_retry' );
wp_clear_scheduled_hook( 'tfsp_calendly_retention' );
wp_clear_scheduled_hook( 'tfsp_calendly_health' );
wp_clear_scheduled_hook( 'tfsp_calendly_stale_lookup' );
wp_clear_scheduled_hook( 'tfsp_calendly_backfill' );
wp_clear_scheduled_hook( 'tfsp_calendly_reminders' );
wp_clear_scheduled_hook( 'tfsp_calendly_student_nudges' );
wp_clear_scheduled_hook( 'tfsp_calendly_progress' );
delete_transient( 'tfsp_calendly_progress_totals' );
delete_transient( 'tfsp_calendly_progress_weeks' );
delete_transient( 'tfsp_calendly_coach_choices' );

global $wpdb;
$tfsp_calendly_pinned = defined( 'TFSP_CALENDLY_DELETE_DATA_ON_UNINSTALL' ) ? (bool) constant( 'TFSP_CALENDLY_DELETE_DATA_ON_UNINSTALL' ) : null;
$tfsp_calendly_delete = $tfsp_calendly_pinned ?? ( '1' === ( new SettingsRepository( $wpdb ) )->find_quietly( 'delete_data_on_uninstall' ) );

// Calendly first, while the token is still there; then the secrets, whatever else stays.
$tfsp_calendly_plugin = Plugin::instance();
$tfsp_calendly_plugin->settings()->refresh();
$tfsp_calendly_uninstaller = new \TFSP\CalendlySync\Uninstaller( $tfsp_calendly_plugin->settings(), $tfsp_calendly_plugin->settings_repository() );
try {
	if ( Plugin::requirements_met() ) {
		$tfsp_calendly_uninstaller->delete_subscriptions( $tfsp_calendly_plugin->api() );
	}
	$tfsp_calendly_uninstaller->delete_secrets();
	$tfsp_calendly_uninstaller->delete_job_rows();
} catch ( \TFSP\CalendlySync\DatabaseError $tfsp_calendly_error ) {
	unset( $tfsp_calendly_error ); // Before the first migration there is no settings table: nothing to delete.
}

foreach ( wp_roles()->role_objects as $tfsp_calendly_role ) {
	$tfsp_calendly_role->remove_cap( Plugin::CAP_MANAGE );
	$tfsp_calendly_role->remove_cap( Plugin::CAP_MARK_ATTENDANCE );
	$tfsp_calendly_role->remove_cap( Plugin::CAP_MARK_ANY );
}

if ( $tfsp_calendly_delete ) {
	foreach ( get_users(
		array(
			'role'   => Plugin::COACH_ROLE,
			'fields' => 'ID',
		)
	) as $tfsp_calendly_user_id ) {
		$tfsp_calendly_user = new WP_User( (int) $tfsp_calendly_user_id );
		$tfsp_calendly_user->remove_role( Plugin::COACH_ROLE );
		if ( ! $tfsp_calendly_user->roles ) {
			$tfsp_calendly_user->add_role( 'subscriber' );
		}
	}
	remove_role( Plugin::COACH_ROLE );
	Plugin::instance()->session_writer()->delete_auto_created();
	Plugin::instance()->schema()->drop_own_tables();
	foreach ( \TFSP\CalendlySync\Cron\StudentNudges::KINDS as $tfsp_calendly_kind ) {
		delete_metadata( 'user', 0, \TFSP\CalendlySync\Public\Unsubscribe::meta_key( $tfsp_calendly_kind ), '', true ); // The students' unsubscribes.
	}
}
