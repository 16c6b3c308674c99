<?php
// SPDX-License-Identifier: MIT
/**
 * One recovery back-fill at a time: while re-creating a disabled subscription keeps failing
 * for the same reason, the health check queues nothing more (and the alert says so); a
 * queued recovery job is widened instead of joined by another; while one runs, at most one
 * follow-up is queued.  The back-fill lock is held meanwhile (as a running slice on another
 * node would), so that the stack's WP-Cron ticker starts no job under the test.
 */
final class RecoveryBackfillTest extends CalendlyTestCase {

	private ?array $lock = null;

	protected function setUp(): void {
		parent::setUp();
		self::finishOtherJobs();
		self::deleteSetting( '_alert_subscription_disabled' );
		self::deleteSetting( '_recovery_failure' );
		$this->lock = self::holdLock( self::env( 'DB_NAME' ), 'backfill' );
		$this->assertStringStartsWith( 'held ', $this->lock[2] );
	}

	protected function tearDown(): void {
		if ( null !== $this->lock ) {
			self::releaseLock( $this->lock );
		}
		self::finishOtherJobs();
		self::resetFake();
		self::restoreConnection();
		parent::tearDown();
	}

	private static function disableSubscription(): void {
		foreach ( self::fakeState()['webhook_subscriptions'] as $sub ) {
			if ( str_starts_with( $sub['callback_url'], self::env( 'WEBHOOK_URL' ) ) && 'active' === $sub['state'] ) {
				self::control( 'subscription_state', array( 'uri' => $sub['uri'], 'state' => 'disabled' ) );
			}
		}
	}

	/** @return array<int,array<string,string|null>> Unfinished recovery jobs, oldest first. */
	private static function recoveryJobs(): array {
		return self::rows( 'SELECT id, state, window_from, window_to FROM ' . self::table( 'tfsp_calendly_backfills' ) . " WHERE reason = 'recovery' AND state IN ('queued','running') ORDER BY id" );
	}

	private static function alertMessage(): string {
		$raw = self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_alert_subscription_disabled'" )[0]['setting_value'] ?? '{}';
		return (string) ( json_decode( $raw, true )['message'] ?? '' );
	}

	public function test_recovery_backfills_never_pile_up(): void {
		self::disableSubscription();
		self::switches( array( 'subscription_create_status' => 500 ) );

		self::cron( 'tfsp_calendly_health' );
		$jobs = self::recoveryJobs();
		$this->assertCount( 1, $jobs, 'the first failure queues one back-fill of what was missed' );
		$first = $jobs[0];
		for ( $i = 0; $i < 3; $i++ ) {
			self::cron( 'tfsp_calendly_health' );
		}
		$this->assertSame( array( $first ), self::recoveryJobs(), 'nothing more while re-creating keeps failing for the same reason' );
		$this->assertStringContainsString( 'keeps failing for the same reason', self::alertMessage() );
		$this->assertStringContainsString( 'No further back-fill is queued', self::alertMessage() );

		// Calendly accepts again: the new subscription's back-fill is the queued job, widened.
		self::switches( array( 'subscription_create_status' => 0 ) );
		sleep( 1 );
		self::cron( 'tfsp_calendly_health' );
		$active = array_filter( self::fakeState()['webhook_subscriptions'], static fn( $s ) => self::env( 'WEBHOOK_URL' ) === $s['callback_url'] && 'active' === $s['state'] );
		$this->assertCount( 1, $active, 're-created' );
		$jobs = self::recoveryJobs();
		$this->assertCount( 1, $jobs, 'widened, not added' );
		$this->assertSame( $first['id'], $jobs[0]['id'] );
		$this->assertLessThanOrEqual( $first['window_from'], $jobs[0]['window_from'] );
		$this->assertGreaterThan( $first['window_to'], $jobs[0]['window_to'], 'the window reaches further' );

		// While it runs, one follow-up at most, widened by later recoveries.
		self::exec( 'UPDATE ' . self::table( 'tfsp_calendly_backfills' ) . " SET state = 'running', started_at = UTC_TIMESTAMP() WHERE id = ?", array( $first['id'] ) );
		foreach ( array( 1, 2 ) as $round ) {
			self::disableSubscription();
			sleep( 1 );
			self::cron( 'tfsp_calendly_health' );
			$jobs = self::recoveryJobs();
			$this->assertCount( 2, $jobs, "round $round: the running job and one follow-up" );
			$this->assertSame( array( 'running', 'queued' ), array_column( $jobs, 'state' ) );
		}
	}
}
