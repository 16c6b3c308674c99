<?php
// SPDX-License-Identifier: MIT
/**
 * The scheduled work: retry of failed ledger rows with back-off, retention of
 * raw bodies and webhook_data, each under a database lock (that a held lock stops a job, and
 * only this site's: SiteLockTest).
 */
final class CronJobsTest extends StackTestCase {

	private function runHook( string $hook ): void {
		[ $code, $out, $err ] = self::php( 'run-cron.php', array( $hook ) );
		$this->assertSame( 0, $code, $err . $out );
	}

	public function test_jobs_are_scheduled(): void {
		$cron = self::rows( 'SELECT option_value FROM ' . self::table( 'options' ) . " WHERE option_name = 'cron'" )[0]['option_value'];
		$this->assertStringContainsString( 'tfsp_calendly_retry', $cron );
		$this->assertStringContainsString( 'tfsp_calendly_retention', $cron );
	}

	public function test_retry_backs_off_and_applies_a_row_that_now_goes_through(): void {
		// A failed row whose body is fine now (as after an upgrade of the core): due for a retry.
		$p    = $this->fixtures->load( 'invitee_created' );
		$body = Fixtures::encode( $p );
		$key  = hash( 'sha256', $body . 'retry' );
		$ledger = self::table( 'tfsp_calendly_events' );
		self::exec( "INSERT INTO $ledger (dedupe_key, event_name, invitee_uri, first_received, last_received, deliveries, outcome, attempts, next_attempt_at, last_error, raw_body) VALUES (?, 'invitee.created', ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), 1, 'failed', 1, UTC_TIMESTAMP() - INTERVAL 1 MINUTE, 'test', ?)", array( $key, $p['payload']['uri'], $body ) );
		// A failed row that still does not parse.
		$bad    = '{"event":' . Fixtures::uuid();
		self::exec( "INSERT INTO $ledger (dedupe_key, first_received, last_received, deliveries, outcome, attempts, next_attempt_at, raw_body) VALUES (?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), 1, 'failed', 1, UTC_TIMESTAMP() - INTERVAL 1 MINUTE, ?)", array( hash( 'sha256', $bad ), $bad ) );

		$this->runHook( 'tfsp_calendly_retry' );

		$done = self::rows( "SELECT * FROM $ledger WHERE dedupe_key = ?", array( $key ) )[0];
		$this->assertSame( 'processed', $done['outcome'] );
		$this->assertSame( 'scheduled', self::session( $p['payload']['uri'] )['status'] );
		$again = self::ledgerByBody( $bad );
		$this->assertSame( 'retrying', $again['outcome'] );
		$this->assertSame( '2', $again['attempts'] );
		$this->assertGreaterThan( gmdate( 'Y-m-d H:i:s', time() + 60 ), $again['next_attempt_at'], 'backs off' );
	}

	public function test_retention_clears_old_raw_bodies_and_webhook_data_only(): void {
		$old = $this->fixtures->load( 'invitee_created' );
		$new = ( new Fixtures() )->load( 'invitee_created' );
		$this->deliver( Fixtures::encode( $old ) );
		$this->deliver( Fixtures::encode( $new ) );
		self::exec( 'UPDATE ' . self::table( 'tfsp_calendly_events' ) . ' SET last_received = UTC_TIMESTAMP() - INTERVAL 91 DAY WHERE invitee_uri = ?', array( $old['payload']['uri'] ) );
		self::exec( 'UPDATE ' . self::table( 'tfsp_coach_sessions' ) . ' SET updated_at = UTC_TIMESTAMP() - INTERVAL 91 DAY WHERE calendly_uri = ?', array( $old['payload']['uri'] ) );

		$this->runHook( 'tfsp_calendly_retention' );

		$this->assertNull( self::ledger( $old['payload']['uri'] )[0]['raw_body'] );
		$this->assertNull( self::session( $old['payload']['uri'] )['webhook_data'] );
		$this->assertSame( 'scheduled', self::session( $old['payload']['uri'] )['status'], 'the session itself stays' );
		$this->assertNotNull( self::ledger( $new['payload']['uri'] )[0]['raw_body'] );
		$this->assertNotNull( self::session( $new['payload']['uri'] )['webhook_data'] );
	}
}
