<?php
// SPDX-License-Identifier: MIT
/**
 * Health check and alerts: a subscription that Calendly disabled after
 * failing deliveries (compressed time) is recreated, the missed window is
 * back-filled, and the admin gets one e-mail, not one per check; a revoked
 * token (401) and the webhook plan gate (403) each show in the health data
 * with one alert.
 */
final class OutageRecoveryTest extends CalendlyTestCase {

	protected function tearDown(): void {
		self::resetFake();
		self::restoreConnection();
		parent::tearDown();
	}

	public function test_a_disabled_subscription_is_recreated_and_the_gap_backfilled(): void {
		self::resetFake();
		self::finishOtherJobs();
		self::deleteSetting( '_alert_subscription_disabled' );
		$day    = ( intdiv( time(), 86400 ) + random_int( 30, 300 ) ) * 86400; // Within the recovery window (a year ahead).
		$before = self::control( 'book', array( 'email' => self::email(), 'start_time' => gmdate( 'c', $day ) ) );
		self::waitIdle();
		$this->assertSame( 'scheduled', self::session( $before['invitee_uri'] )['status'] );

		// The receiver starts failing (a key the subscription does not sign
		// with), and Calendly's 24 h of retries pass in a few seconds.
		self::plugin( 'set-signing-key', array( bin2hex( random_bytes( 20 ) ) ) );
		self::switches(
			array(
				'retry_base_seconds'   => 1,
				'retry_cap_seconds'    => 1,
				'retry_window_seconds' => 4,
			)
		);
		$missed   = array();
		$missed[] = self::control( 'book', array( 'email' => self::email(), 'start_time' => gmdate( 'c', $day + 86400 ) ) )['invitee_uri'];
		$missed[] = self::control( 'book', array( 'email' => self::email(), 'start_time' => gmdate( 'c', $day + 2 * 86400 ) ) )['invitee_uri'];
		self::control( 'cancel', array( 'invitee_uri' => $before['invitee_uri'] ) );
		$moved    = self::control( 'reschedule', array( 'invitee_uri' => $missed[0], 'start_time' => gmdate( 'c', $day + 3 * 86400 ) ) );
		$missed[] = $moved['new_invitee_uri'];
		$this->waitForDisabled();
		foreach ( $missed as $uri ) {
			$this->assertNull( self::session( $uri ), 'nothing got through during the outage' );
		}

		self::cron( 'tfsp_calendly_health' );
		$health = self::adminRest( 'GET', 'tfsp-calendly/v1/health' )['json'];
		$this->assertSame( 'disabled', $health['subscription']['state'] );
		$this->assertTrue( $health['subscription']['recreated'] );
		$this->assertContains( 'subscription_disabled', $health['alerts'] );
		$subs = array_values( array_filter( self::fakeState()['webhook_subscriptions'], static fn( $s ) => str_starts_with( $s['callback_url'], self::env( 'WEBHOOK_URL' ) ) ) );
		$this->assertCount( 1, $subs, 'the disabled subscription is replaced, not kept beside the new one' );
		$this->assertSame( 'active', $subs[0]['state'] );

		self::runBackfills();
		$job = self::job( (int) $health['subscription']['backfill_job'] );
		$this->assertSame( 'done', $job['state'] );
		$this->assertSame( 'recovery', $job['reason'] );
		$this->assertSame( 'canceled', self::session( $before['invitee_uri'] )['status'] );
		$this->assertSame( 'rescheduled', self::session( $missed[0] )['status'] );
		$this->assertSame( 'scheduled', self::session( $missed[1] )['status'] );
		$this->assertSame( 'scheduled', self::session( $missed[2] )['status'] );
		$this->assertSame( $missed[0], self::session( $missed[2] )['rescheduled_from_uri'] );

		// Webhooks flow again through the new subscription.
		$after = self::control( 'book', array( 'email' => self::email(), 'start_time' => gmdate( 'c', $day + 5 * 86400 ) ) );
		self::waitIdle();
		$this->assertSame( 'scheduled', self::session( $after['invitee_uri'] )['status'] );

		self::cron( 'tfsp_calendly_health' );
		self::cron( 'tfsp_calendly_health' );
		$health = self::adminRest( 'GET', 'tfsp-calendly/v1/health', null )['json'];
		$this->assertSame( 'active', $health['subscription']['state'] );
		$this->assertNotContains( 'subscription_disabled', $health['alerts'] );
		$this->assertCount( 1, $this->mailsSince( 'disabled the webhook subscription' ), 'one alert e-mail, not one per check' );
	}

	public function test_a_revoked_token_shows_in_health_with_one_alert(): void {
		self::deleteSetting( '_alert_token_rejected' );
		$token = self::control( 'tokens', array( 'role' => 'owner' ) )['token'];
		self::plugin( 'connect', array( $token ) );
		self::control( 'tokens/revoke', array( 'token' => $token ) );
		self::cron( 'tfsp_calendly_health' );
		self::cron( 'tfsp_calendly_health' );
		$health = self::adminRest( 'GET', 'tfsp-calendly/v1/health' )['json'];
		$this->assertSame( 'error', $health['status'] );
		$this->assertSame( 'token_rejected', $health['connection']['state'] );
		$this->assertSame( 401, $health['connection']['status'] );
		$this->assertContains( 'token_rejected', $health['alerts'] );
		$this->assertCount( 1, $this->mailsSince( 'rejects the access token' ) );
		$this->assertStringNotContainsString( $token, json_encode( $health ) );

		$answer = self::adminRest( 'POST', 'tfsp-calendly/v1/connection', array( 'token' => self::env( 'FAKE_CALENDLY_TOKEN' ) ) );
		$this->assertSame( 200, $answer['status'], json_encode( $answer['json'] ) );
		$this->assertStringContainsString( '/organizations/', $answer['json']['organization_uri'] );
		self::cron( 'tfsp_calendly_health' );
		$health = self::adminRest( 'GET', 'tfsp-calendly/v1/health' )['json'];
		$this->assertSame( 'ok', $health['connection']['state'] );
		$this->assertNotContains( 'token_rejected', $health['alerts'] );
	}

	public function test_the_webhook_plan_gate_switches_to_polling_with_one_alert(): void {
		self::resetFake();
		self::finishOtherJobs();
		self::deleteSetting( '_alert_webhooks_refused' );
		self::switches( array( 'webhooks_plan_gate' => true ) );
		$answer = self::adminRest( 'POST', 'tfsp-calendly/v1/subscription' );
		$this->assertSame( 409, $answer['status'] );
		$this->assertSame( 'tfsp_calendly_forbidden', $answer['json']['code'] );

		$booked = self::control( 'book', array( 'email' => self::email(), 'start_time' => gmdate( 'Y-m-d\TH:00:00\Z', time() + 2 * 86400 ), 'silent' => true ) );
		self::cron( 'tfsp_calendly_health' );
		self::cron( 'tfsp_calendly_health' );
		$health = self::adminRest( 'GET', 'tfsp-calendly/v1/health' )['json'];
		$this->assertSame( 'polling', $health['mode'] );
		$this->assertSame( 'refused', $health['subscription']['state'] );
		$this->assertSame( 'warning', $health['status'] );
		$this->assertContains( 'webhooks_refused', $health['alerts'] );
		$this->assertCount( 1, $this->mailsSince( 'refuses webhooks' ) );
		$this->assertCount( 1, self::rows( 'SELECT id FROM ' . self::table( 'tfsp_calendly_backfills' ) . " WHERE reason = 'polling' AND state IN ('queued','running')" ), 'one polling job at a time' );
		self::runBackfills();
		$this->assertSame( 'scheduled', self::session( $booked['invitee_uri'] )['status'], 'polling found the booking' );
	}

	private function waitForDisabled(): void {
		for ( $i = 0; $i < 120; $i++ ) {
			foreach ( self::fakeState()['webhook_subscriptions'] as $sub ) {
				if ( str_starts_with( $sub['callback_url'], self::env( 'WEBHOOK_URL' ) ) && 'disabled' === $sub['state'] ) {
					return;
				}
			}
			usleep( 250000 );
		}
		$this->fail( 'the subscription was not disabled' );
	}
}
