<?php
// SPDX-License-Identifier: MIT
/**
 * A back-fill larger than the rate limit finishes without a request refused
 * twice in a row (under both readings of whether a 429 carries Retry-After),
 * and a back-fill killed half-way resumes from its cursor without repeating
 * finished pages.
 */
final class BackfillLimitsTest extends CalendlyTestCase {

	protected function tearDown(): void {
		self::resetFake();
		parent::tearDown();
	}

	public static function retryAfter(): array {
		return array(
			'429 without Retry-After' => array( false ),
			'429 with Retry-After'    => array( true ),
		);
	}

	/** @dataProvider retryAfter */
	public function test_a_backfill_larger_than_the_rate_limit_waits_instead_of_hammering( bool $retry_after ): void {
		self::resetFake();
		self::finishOtherJobs();
		[ $from, $to, $uris ] = $this->seed( 45 );
		self::switches(
			array(
				'rate_limit'          => 20,
				'rate_window_seconds' => 3,
				'retry_after_on_429'  => $retry_after,
			)
		);
		// Someone else (the same token) has used up the current window: the job's first request is refused.
		for ( $i = 0; $i < 20; $i++ ) {
			self::fake( 'GET', '/users/me', null, $status, self::env( 'FAKE_CALENDLY_TOKEN' ) );
			$this->assertSame( 200, $status );
		}
		$id = (int) self::plugin( 'queue-backfill', array( $from, $to ) );
		self::runBackfills();
		$job = self::job( $id );
		$this->assertSame( 'done', $job['state'], (string) $job['last_error'] );
		$this->assertSame( '45', $job['invitees_synced'] );
		// Every request over the limit in a window is refused by the fake, so
		// one refusal in all (the forced one) means: never over the limit
		// afterwards, and no request refused twice in a row.
		$this->assertSame( '1', $job['throttled'] );
		$this->assertLessThanOrEqual( 1 + 45 + 1, (int) $job['requests'] - 1 );
		foreach ( $uris as $uri ) {
			$this->assertSame( 'scheduled', self::session( $uri )['status'] );
		}
	}

	public function test_a_backfill_killed_half_way_resumes_from_its_cursor(): void {
		self::resetFake();
		self::finishOtherJobs();
		[ $from, $to, $uris ] = $this->seed( 230 );
		self::switches( array( 'latency_ms' => 25 ) );
		$id = (int) self::plugin( 'queue-backfill', array( $from, $to ) );

		$cmd  = array( PHP_BINARY, '-d', 'extension=' . self::env( 'CALSYNC_EXTENSION' ), __DIR__ . '/support/run-cron.php', self::env( 'WP_PATH' ), 'tfsp_calendly_backfill' );
		$proc = proc_open( $cmd, array( 1 => array( 'file', '/dev/null', 'w' ), 2 => array( 'file', '/dev/null', 'w' ) ), $pipes );
		for ( $i = 0; $i < 600 && (int) self::job( $id )['events_seen'] < 130; $i++ ) {
			usleep( 50000 );
		}
		proc_terminate( $proc, 9 );
		proc_close( $proc );
		$killed = self::job( $id );
		$this->assertSame( 'running', $killed['state'] );
		$this->assertGreaterThanOrEqual( 1, (int) $killed['pages_done'], 'killed after the first page' );
		$this->assertLessThan( 230, (int) $killed['events_seen'], 'killed before the end' );

		self::switches( array( 'latency_ms' => 0 ) );
		sleep( 1 ); // The killed process's connection, and its lock, go away.
		self::runBackfills();
		$job = self::job( $id );
		$this->assertSame( 'done', $job['state'] );
		$this->assertSame( '3', $job['pages_done'] );
		$this->assertSame( '230', $job['events_seen'] );
		foreach ( $uris as $uri ) {
			$this->assertSame( 'scheduled', self::session( $uri )['status'] );
		}
		// Each invitee was applied once, but at most the one in flight when the process died.
		$repeated = 0;
		foreach ( $uris as $uri ) {
			$ledger = self::rows( 'SELECT deliveries FROM ' . self::table( 'tfsp_calendly_events' ) . " WHERE invitee_uri = ? AND event_name = 'backfill'", array( $uri ) );
			$this->assertCount( 1, $ledger );
			$repeated += (int) $ledger[0]['deliveries'] - 1;
		}
		$this->assertLessThanOrEqual( 1, $repeated, 'finished pages are not read again' );
	}

	/** @return array{0:string,1:string,2:string[]} window and invitee URIs of $n silent bookings. */
	private function seed( int $n ): array {
		$day  = strtotime( '2028-03-01T00:00:00Z' ) + random_int( 0, 2000 ) * 86400;
		$uris = array();
		for ( $i = 0; $i < $n; $i++ ) {
			$uris[] = self::control(
				'book',
				array(
					'email'      => self::email( 'limit' ),
					'start_time' => gmdate( 'Y-m-d\TH:i:s\Z', $day + $i * 1800 ),
					'silent'     => true,
				)
			)['invitee_uri'];
		}
		return array( gmdate( 'Y-m-d\TH:i:s\Z', $day ), gmdate( 'Y-m-d\TH:i:s\Z', $day + $n * 1800 ), $uris );
	}
}
