<?php
// SPDX-License-Identifier: MIT
/**
 * A value that Calsync\Client refuses before sending anything (a ValueError, such as a
 * "UUID" with a dot in it) is an API error like any other: the stale look-up gives that row
 * up and goes on with the next, and a back-fill whose cursor the client refuses fails with
 * the reason instead of jamming every later job.
 */
final class ClientArgumentErrorTest extends CalendlyTestCase {

	protected function tearDown(): void {
		self::resetFake();
		parent::tearDown();
	}

	private static function envelope( string $name, array $invitee, array $event ): string {
		return Fixtures::encode(
			array(
				'created_at' => gmdate( 'Y-m-d\TH:i:s.000000\Z' ),
				'created_by' => self::fakeState()['user']['uri'],
				'event'      => $name,
				'payload'    => $invitee + array( 'scheduled_event' => $event ),
			)
		);
	}

	public function test_the_stale_lookup_gives_up_a_row_the_client_refuses_and_goes_on(): void {
		self::resetFake();
		$old = time() - 3600;
		// Signed, stale, and naming an invitee whose last path segment is no UUID.
		$bad          = $this->fixtures->load( 'invitee_created' );
		$bad_uri      = $bad['payload']['event'] . '/invitees/not.a.uuid';
		$bad['payload']['uri'] = $bad_uri;
		$r = $this->deliver( Fixtures::encode( $bad ), $old );
		$this->assertSame( 'stale', $r['json']['status'] ?? null, $r['body'] );
		// Then a stale delivery of a real booking.
		$good = self::control( 'book', array( 'email' => self::email(), 'start_time' => gmdate( 'Y-m-d\TH:00:00\Z', time() + 5 * 86400 ), 'silent' => true ) );
		$r    = $this->deliver( self::envelope( 'invitee.created', $good['invitee'], $good['event'] ), $old );
		$this->assertSame( 'stale', $r['json']['status'] ?? null, $r['body'] );
		$ids = array_merge( array_column( self::ledger( $bad_uri ), 'id' ), array_column( self::ledger( $good['invitee_uri'] ), 'id' ) );
		$this->assertCount( 2, $ids );

		self::resolveStale( $ids );

		$row = self::ledger( $bad_uri )[0];
		$this->assertSame( 'failed', $row['outcome'], 'given up: the same value would be refused again' );
		$this->assertStringContainsString( 'UUID', (string) $row['last_error'] );
		$this->assertSame( 'scheduled', self::session( $good['invitee_uri'] )['status'], 'the next stale row was looked up' );
	}

	public function test_a_backfill_cursor_the_client_refuses_fails_the_job_and_the_next_job_runs(): void {
		self::resetFake();
		self::finishOtherJobs();
		$start  = time() + 7 * 86400;
		$booked = self::control( 'book', array( 'email' => self::email(), 'start_time' => gmdate( 'Y-m-d\TH:00:00\Z', $start ), 'silent' => true ) );
		$window = array(
			'from' => gmdate( 'Y-m-d\T00:00:00\Z', $start ),
			'to'   => gmdate( 'Y-m-d\T00:00:00\Z', $start + 86400 ),
		);
		$first  = self::adminRest( 'POST', 'tfsp-calendly/v1/backfill', $window );
		$this->assertSame( 201, $first['status'], json_encode( $first['json'] ) );
		// A cursor the client refuses ("" is not a page token: null is the first page).
		self::exec( 'UPDATE ' . self::table( 'tfsp_calendly_backfills' ) . " SET page_token = '' WHERE id = ?", array( $first['json']['id'] ) );
		$second = self::adminRest( 'POST', 'tfsp-calendly/v1/backfill', $window );
		$this->assertSame( 201, $second['status'], json_encode( $second['json'] ) );

		self::runBackfills( 60 );

		$job = self::job( (int) $first['json']['id'] );
		$this->assertSame( 'failed', $job['state'] );
		$this->assertStringContainsString( 'page', (string) $job['last_error'] );
		$this->assertSame( 'done', self::job( (int) $second['json']['id'] )['state'], 'the next job is not jammed' );
		$this->assertSame( 'scheduled', self::session( $booked['invitee_uri'] )['status'] );
	}
}
