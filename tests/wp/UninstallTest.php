<?php
// SPDX-License-Identifier: MIT
/**
 * uninstall.php, with and without the delete_data_on_uninstall switch, run against a copy of
 * the whole site under a scratch prefix: capabilities, jobs and the sealed secrets always go;
 * the plugin's tables, the rows the sync created and the Coach role go only with the switch;
 * the portal's sessions table and its own rows always stay.  The Calendly subscription is
 * deleted only with the extension loaded, Calendly answering, and a callback URL that is this
 * site's; the Plugins screen says beforehand what to delete by hand otherwise.  The copy gets
 * a subscription of its own in the fake Calendly, so that the dev site's stays.
 */
require_once __DIR__ . '/support/CoachingTestCase.php';

final class UninstallTest extends CoachingTestCase {

	private string $prefix;

	protected function setUp(): void {
		parent::setUp();
		$this->prefix = 'uni' . bin2hex( random_bytes( 3 ) ) . '_';
		$from         = self::env( 'DB_PREFIX' );
		foreach ( self::rows( 'SHOW TABLES' ) as $row ) {
			$table = (string) array_values( $row )[0];
			if ( 0 !== strpos( $table, $from ) || preg_match( '/^(uni|mig)[0-9a-f]{6}_/', $table ) ) {
				continue;
			}
			$copy = $this->prefix . substr( $table, strlen( $from ) );
			self::exec( "CREATE TABLE `$copy` LIKE `$table`" );
			self::exec( "INSERT INTO `$copy` SELECT * FROM `$table`" );
		}
		// WordPress keys roles and capabilities by the prefix.
		self::exec( "UPDATE `{$this->prefix}options` SET option_name = ? WHERE option_name = ?", array( $this->prefix . 'user_roles', $from . 'user_roles' ) );
		self::exec( "UPDATE `{$this->prefix}usermeta` SET meta_key = CONCAT(?, SUBSTRING(meta_key, ?)) WHERE meta_key IN (?, ?)", array( $this->prefix, strlen( $from ) + 1, $from . 'capabilities', $from . 'user_level' ) );
		$this->subscription = $this->subscribe( self::env( 'WEBHOOK_URL' ) . '?tfsp_sub=' . substr( $this->prefix, 3, 6 ) );
	}

	/** The copy's own subscription in the fake: uri and callback_url. */
	private array $subscription;

	/** One call to the fake Calendly's REST API with the stack's token. */
	private static function fakeRest( string $method, string $path, ?array $body = null ): array {
		$ch = curl_init( self::env( 'FAKE_CALENDLY_URL' ) . $path );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_CUSTOMREQUEST  => $method,
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_TIMEOUT        => 30,
				CURLOPT_HTTPHEADER     => array( 'Content-Type: application/json', 'Authorization: Bearer ' . self::env( 'FAKE_CALENDLY_TOKEN' ) ),
				CURLOPT_POSTFIELDS     => null === $body ? null : json_encode( $body ),
			)
		);
		$raw    = (string) curl_exec( $ch );
		$status = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
		curl_close( $ch );
		return array( $status, json_decode( $raw, true ) );
	}

	/** Creates a subscription in the fake and records it as the copy's current one. */
	private function subscribe( string $url ): array {
		[ , $me ] = self::fakeRest( 'GET', '/users/me' );
		[ $status, $made ] = self::fakeRest(
			'POST',
			'/webhook_subscriptions',
			array(
				'url'          => $url,
				'events'       => array( 'invitee.created' ),
				'organization' => $me['resource']['current_organization'],
				'scope'        => 'organization',
				'signing_key'  => bin2hex( random_bytes( 16 ) ),
			)
		);
		$this->assertSame( 201, $status, json_encode( $made ) );
		$record   = array(
			'uri'          => $made['resource']['uri'],
			'callback_url' => $made['resource']['callback_url'],
			'scope'        => 'organization',
			'created_at'   => gmdate( 'Y-m-d\TH:i:s\Z' ),
		);
		$settings = $this->scratch( 'tfsp_calendly_settings' );
		self::exec( "INSERT INTO `$settings` (setting_key, setting_value) VALUES ('_subscription', ?) ON DUPLICATE KEY UPDATE setting_value = VALUES(setting_value)", array( json_encode( $record ) ) );
		self::exec( "DELETE FROM `$settings` WHERE setting_key = '_old_subscriptions'" );
		return $record;
	}

	private static function inFake( string $uri ): bool {
		[ $status ] = self::fakeRest( 'GET', '/webhook_subscriptions/' . basename( $uri ) );
		return 200 === $status;
	}

	/** The copy's secret rows left. */
	private function secrets(): array {
		return array_column( self::rows( "SELECT setting_key FROM `{$this->scratch( 'tfsp_calendly_settings' )}` WHERE setting_key IN ('token', 'signing_key', '_pending_signing_key')" ), 'setting_key' );
	}

	/** The dev site's own subscription, which no test here may delete. */
	private static function liveSubscription(): string {
		$raw = self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_subscription'" )[0]['setting_value'];
		return json_decode( $raw, true )['uri'];
	}

	protected function tearDown(): void {
		if ( self::inFake( $this->subscription['uri'] ) ) {
			self::fakeRest( 'DELETE', '/webhook_subscriptions/' . basename( $this->subscription['uri'] ) );
		}
		foreach ( $this->tables() as $table ) {
			self::exec( "DROP TABLE `$table`" );
		}
		parent::tearDown();
	}

	private function scratch( string $name ): string {
		return $this->prefix . $name;
	}

	private function tables(): array {
		return array_column( self::rows( 'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?', array( $this->prefix . '%' ) ), 't' );
	}

	private function uninstall( bool $with_extension = true ): void {
		[ $code, $out, $err ] = self::php( 'uninstall.php', array( $this->prefix ), $with_extension );
		$this->assertSame( 0, $code, $err . $out );
		$this->assertStringContainsString( 'uninstalled', $out );
	}

	/** Seeds one portal row and one synced row in the scratch copy, and a coach. */
	private function seed(): array {
		$sessions = $this->scratch( 'tfsp_coach_sessions' );
		self::exec( "INSERT INTO `$sessions` (student_id, status, notes, auto_created, created_at) VALUES (NULL, 'attended', 'portal row', 0, UTC_TIMESTAMP())" );
		$portal = (int) self::db()->insert_id;
		self::exec( "INSERT INTO `$sessions` (status, calendly_uri, auto_created, created_at) VALUES ('scheduled', ?, 1, UTC_TIMESTAMP())", array( 'https://api.calendly.com/scheduled_events/x/invitees/' . Fixtures::uuid() ) );
		$synced = (int) self::db()->insert_id;
		$coach  = self::createUser( self::email( 'coach' ), null, 'tfsp_coach' );
		self::exec( "INSERT INTO `{$this->scratch( 'usermeta' )}` (user_id, meta_key, meta_value) VALUES (?, ?, 'a:1:{s:10:\"tfsp_coach\";b:1;}')", array( $coach, $this->prefix . 'capabilities' ) );
		self::exec( "INSERT INTO `{$this->scratch( 'users' )}` SELECT * FROM `" . self::table( 'users' ) . '` WHERE ID = ?', array( $coach ) );
		return array( $portal, $synced, $coach );
	}

	private function roles(): array {
		return unserialize( self::rows( "SELECT option_value FROM `{$this->scratch( 'options' )}` WHERE option_name = ?", array( $this->prefix . 'user_roles' ) )[0]['option_value'] );
	}

	public function test_without_the_switch_only_capabilities_and_jobs_go(): void {
		[ $portal, $synced ] = $this->seed();
		self::exec( "DELETE FROM `{$this->scratch( 'tfsp_calendly_settings' )}` WHERE setting_key = 'delete_data_on_uninstall'" );
		$this->assertArrayHasKey( 'tfsp_calendly_manage', $this->roles()['administrator']['capabilities'] );
		$scheduled = self::rows( "SELECT option_value FROM `{$this->scratch( 'options' )}` WHERE option_name = 'cron'" )[0]['option_value'];
		$this->assertStringContainsString( 'tfsp_calendly_student_nudges', $scheduled, 'scheduled before' );

		$this->uninstall();

		$roles = $this->roles();
		$this->assertArrayNotHasKey( 'tfsp_calendly_manage', $roles['administrator']['capabilities'] );
		$this->assertArrayNotHasKey( 'tfsp_calendly_mark_attendance', $roles['administrator']['capabilities'] );
		$this->assertArrayHasKey( 'tfsp_coach', $roles, 'the role stays' );
		$cron = self::rows( "SELECT option_value FROM `{$this->scratch( 'options' )}` WHERE option_name = 'cron'" )[0]['option_value'];
		foreach ( array( 'tfsp_calendly_retry', 'tfsp_calendly_retention', 'tfsp_calendly_reminders', 'tfsp_calendly_student_nudges' ) as $hook ) {
			$this->assertStringNotContainsString( $hook, $cron );
		}
		foreach ( array( 'tfsp_calendly_settings', 'tfsp_calendly_events', 'tfsp_session_audit', 'tfsp_coach_sessions' ) as $table ) {
			$this->assertContains( $this->scratch( $table ), $this->tables() );
		}
		$sessions = $this->scratch( 'tfsp_coach_sessions' );
		$this->assertCount( 2, self::rows( "SELECT id FROM `$sessions` WHERE id IN (?, ?)", array( $portal, $synced ) ) );
		$this->assertContains( $this->scratch( 'users' ), $this->tables() );
		$this->assertNotEmpty( self::rows( 'SELECT ID FROM ' . self::table( 'users' ) . ' LIMIT 1' ), 'the dev site is untouched' );
	}

	public function test_the_rows_kept_per_back_fill_job_go_even_without_the_switch(): void {
		$settings = $this->scratch( 'tfsp_calendly_settings' );
		self::exec( "DELETE FROM `$settings` WHERE setting_key = 'delete_data_on_uninstall'" );
		// "_" is a LIKE wildcard: a key that differs from the prefix only there must stay.
		foreach ( array( '_backfill_streak_7', '_backfill_streak_1234', '_backfillXstreakX9', '_backfill_streaks' ) as $key ) {
			self::exec( "INSERT INTO `$settings` (setting_key, setting_value) VALUES (?, '{\"mark\":\"0:\",\"streak\":3}')", array( $key ) );
		}

		$this->uninstall();

		$left = array_column( self::rows( "SELECT setting_key FROM `$settings` WHERE setting_key LIKE '\\_backfill%'" ), 'setting_key' );
		sort( $left );
		$this->assertSame( array( '_backfillXstreakX9', '_backfill_streaks' ), $left, 'every _backfill_streak_ row goes, nothing else' );
		$this->assertNotEmpty( self::rows( "SELECT setting_key FROM `$settings` WHERE setting_key = '_subscription'" ), 'the other internal rows stay' );
	}

	public function test_with_the_switch_the_plugin_data_go_and_the_portal_rows_stay(): void {
		[ $portal, $synced, $coach ] = $this->seed();
		$settings                    = $this->scratch( 'tfsp_calendly_settings' );
		self::exec( "INSERT INTO `$settings` (setting_key, setting_value) VALUES ('delete_data_on_uninstall', '1') ON DUPLICATE KEY UPDATE setting_value = '1'" );
		self::exec( "INSERT INTO `{$this->scratch( 'tfsp_coach_sessions' )}` (status, auto_created, source, entered_by, entered_at, created_at) VALUES ('attended', 0, 'hand', ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())", array( $coach ) );
		$hand = (int) self::db()->insert_id;

		$this->uninstall();

		$tables = $this->tables();
		foreach ( array( 'tfsp_calendly_settings', 'tfsp_calendly_events', 'tfsp_session_audit', 'tfsp_calendly_throttle', 'tfsp_notifications' ) as $table ) {
			$this->assertNotContains( $this->scratch( $table ), $tables, $table );
		}
		$this->assertContains( $this->scratch( 'tfsp_coach_sessions' ), $tables, 'the portal\'s table stays' );
		$sessions = $this->scratch( 'tfsp_coach_sessions' );
		$this->assertCount( 1, self::rows( "SELECT id FROM `$sessions` WHERE id = ?", array( $portal ) ), 'the portal\'s own row stays' );
		$this->assertCount( 0, self::rows( "SELECT id FROM `$sessions` WHERE id = ?", array( $synced ) ), 'the synced row goes' );
		$this->assertCount( 1, self::rows( "SELECT id FROM `$sessions` WHERE id = ? AND source = 'hand'", array( $hand ) ), 'a session entered by hand stays' );
		$this->assertArrayNotHasKey( 'tfsp_coach', $this->roles() );
		$caps = self::rows( "SELECT meta_value FROM `{$this->scratch( 'usermeta' )}` WHERE user_id = ? AND meta_key = ?", array( $coach, $this->prefix . 'capabilities' ) );
		$this->assertStringContainsString( 'subscriber', $caps[0]['meta_value'], 'the coach becomes a subscriber' );
		$this->assertContains( self::table( 'tfsp_calendly_settings' ), array_map( static fn( $r ) => (string) array_values( $r )[0], self::rows( 'SHOW TABLES' ) ), 'the dev site is untouched' );
	}

	public function test_this_sites_subscription_and_the_secrets_are_deleted_and_sessions_stay(): void {
		[ $portal, $synced ] = $this->seed();
		self::exec( "DELETE FROM `{$this->scratch( 'tfsp_calendly_settings' )}` WHERE setting_key = 'delete_data_on_uninstall'" );
		$this->assertNotEmpty( $this->secrets() );
		$this->assertTrue( self::inFake( $this->subscription['uri'] ) );

		$this->uninstall();

		$this->assertFalse( self::inFake( $this->subscription['uri'] ), 'the subscription made for this site is deleted' );
		$this->assertTrue( self::inFake( self::liveSubscription() ), 'the dev site keeps its own' );
		$this->assertSame( array(), $this->secrets(), 'the sealed secrets are deleted' );
		$sessions = $this->scratch( 'tfsp_coach_sessions' );
		$this->assertCount( 2, self::rows( "SELECT id FROM `$sessions` WHERE id IN (?, ?)", array( $portal, $synced ) ), 'sessions stay' );
	}

	public function test_without_the_extension_the_subscription_stays_and_the_secrets_go(): void {
		$this->uninstall( false );
		$this->assertTrue( self::inFake( $this->subscription['uri'] ), 'nothing can call Calendly without the extension' );
		$this->assertSame( array(), $this->secrets(), 'the sealed secrets are deleted all the same' );
	}

	public function test_a_subscription_made_for_another_url_is_left_alone(): void {
		self::fakeRest( 'DELETE', '/webhook_subscriptions/' . basename( $this->subscription['uri'] ) );
		$this->subscription = $this->subscribe( 'http://127.0.0.2:9/wp-json/tfsp-calendly/v1/webhook' );
		$this->uninstall();
		$this->assertTrue( self::inFake( $this->subscription['uri'] ), 'another site\'s subscription is never deleted from here' );
		$this->assertSame( array(), $this->secrets() );
	}

	public function test_the_plugins_screen_says_what_uninstall_does_about_calendly(): void {
		$admin = self::login( self::env( 'WP_ADMIN_USER' ), self::env( 'WP_ADMIN_PASSWORD' ) );
		$live  = self::liveSubscription();
		$page  = html_entity_decode( self::http( '/wp-admin/plugins.php', $admin )['body'], ENT_QUOTES );
		$this->assertStringContainsString( 'Deleting this plugin also deletes its Calendly webhook subscription ' . $live, $page );

		// With another webhook URL (plain permalinks), deleting is left to the admin, who is told what to delete.
		$options = self::table( 'options' );
		$before  = self::rows( "SELECT option_value FROM $options WHERE option_name = 'permalink_structure'" )[0]['option_value'];
		self::exec( "UPDATE $options SET option_value = '' WHERE option_name = 'permalink_structure'" );
		try {
			$page = html_entity_decode( self::http( '/wp-admin/plugins.php', $admin )['body'], ENT_QUOTES );
		} finally {
			self::exec( "UPDATE $options SET option_value = ? WHERE option_name = 'permalink_structure'", array( $before ) );
		}
		$this->assertStringContainsString( 'Deleting this plugin will NOT delete the Calendly webhook subscription ' . $live, $page );
		$this->assertStringContainsString( 'DELETE /webhook_subscriptions/' . basename( $live ), $page, 'says what to delete by hand' );
	}
}
