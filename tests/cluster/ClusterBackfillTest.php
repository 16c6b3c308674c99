<?php
// SPDX-License-Identifier: MIT
/**
 * A back-fill running through a database node that fails resumes and
 * finishes: its slice runs through db2 (as web2's cron request would), db2
 * stops half-way through, and once db2 is back the next slices through it
 * take over the lease its dead holder left and go on from the cursor.
 */
final class ClusterBackfillTest extends CalendlyTestCase {
	use ClusterNodes;

	protected function tearDown(): void {
		self::stack( 'node-up', 'db2' ); // Whatever happened: db2 runs again.
		self::resetFake();
		parent::tearDown();
	}

	public function test_a_backfill_through_a_failing_database_node_resumes_and_finishes(): void {
		$this->requireCluster();
		self::resetFake();
		self::finishOtherJobs();
		$day  = strtotime( '2028-06-01T00:00:00Z' ) + random_int( 0, 2000 ) * 86400;
		$uris = array();
		$ops  = array();
		for ( $i = 0; $i < 230; $i++ ) {
			$ops[] = array(
				'op'         => 'book',
				'email'      => self::email( 'cluster-backfill' ),
				'start_time' => gmdate( 'Y-m-d\TH:i:s\Z', $day + $i * 1800 ),
				'silent'     => true,
			);
		}
		foreach ( self::fake( 'POST', '/_control/batch', array( 'ops' => $ops ) )['results'] as $r ) {
			$this->assertSame( 201, $r['status'] );
			$uris[] = $r['body']['invitee_uri'];
		}
		self::switches( array( 'latency_ms' => 25 ) );
		$id = (int) self::plugin( 'queue-backfill', array( gmdate( 'Y-m-d\TH:i:s\Z', $day ), gmdate( 'Y-m-d\TH:i:s\Z', $day + 230 * 1800 ) ) );

		$proc = self::startCron( 2, 'tfsp_calendly_backfill' );
		for ( $i = 0; $i < 600 && (int) self::job( $id )['events_seen'] < 100; $i++ ) {
			usleep( 50000 );
		}
		self::stack( 'node-down', 'db2' );
		for ( $i = 0; $i < 100 && proc_get_status( $proc )['running']; $i++ ) {
			usleep( 100000 );
		}
		if ( proc_get_status( $proc )['running'] ) {
			proc_terminate( $proc, 9 );
		}
		proc_close( $proc );
		$cut = self::job( $id );
		$this->assertSame( 'running', $cut['state'], 'the slice through db2 was cut off with its node' );
		$this->assertGreaterThanOrEqual( 1, (int) $cut['pages_done'], 'cut after the first page' );
		$this->assertLessThan( 230, (int) $cut['events_seen'], 'cut before the end' );

		self::stack( 'node-up', 'db2' );
		self::switches( array( 'latency_ms' => 0 ) );
		for ( $i = 0; $i < 60 && 'done' !== self::job( $id )['state']; $i++ ) {
			proc_close( self::startCron( 2, 'tfsp_calendly_backfill' ) );
			usleep( 200000 );
		}
		$job = self::job( $id );
		$this->assertSame( 'done', $job['state'], 'the back-fill resumed through db2 and finished' );
		$this->assertSame( '230', $job['events_seen'] );
		$repeated = 0;
		foreach ( $uris as $uri ) {
			$this->assertSame( 'scheduled', self::session( $uri )['status'] ?? null, $uri );
			$ledger = self::rows( 'SELECT deliveries FROM ' . self::table( 'tfsp_calendly_events' ) . " WHERE invitee_uri = ? AND event_name = 'backfill'", array( $uri ) );
			$this->assertCount( 1, $ledger );
			$repeated += (int) $ledger[0]['deliveries'] - 1;
		}
		$this->assertLessThanOrEqual( 1, $repeated, 'finished pages are not read again' );
	}
}
