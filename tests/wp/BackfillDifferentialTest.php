<?php
// SPDX-License-Identifier: MIT
/**
 * The same history of bookings, cancels, reschedules and no-shows gives the
 * same session rows whether it arrives by webhooks or by a back-fill of its
 * window afterwards; and a second back-fill skips unchanged events only
 * when no-shows are known to move updated_at (OPEN: both readings).
 */
final class BackfillDifferentialTest extends CalendlyTestCase {

	/**
	 * Columns that record how a fact arrived rather than the fact: the
	 * envelope time exists only in webhooks, noshow_absent_seen_at only in
	 * API reads, and a deleted no-show is a "deleted" register for a webhook
	 * but simply absent for an API read (both derive the same mark); an
	 * invitee first seen canceled was never seen active (booked); and the
	 * scheduled event's updated_at in a row is the one of the last payload
	 * about that invitee, which for a group event's other invitees is older
	 * by webhooks than by a later read.  None of them enters the status.
	 */
	private const ROUTE_COLUMNS = array( 'info_envelope_at', 'noshow_absent_seen_at', 'noshow', 'noshow_at', 'booked', 'sched_updated_at' );

	public static function readings(): array {
		return array(
			'no-shows do not move updated_at' => array( false ),
			'no-shows move updated_at'        => array( true ),
		);
	}

	/** @dataProvider readings */
	public function test_backfill_after_the_fact_equals_webhooks( bool $noshow_moves ): void {
		self::resetFake();
		self::switches( array( 'noshow_moves_updated_at' => $noshow_moves ) );
		self::deleteSetting( '_noshow_moves_updated_at' );
		self::finishOtherJobs();
		$student = self::email( 'diff' );
		self::createUser( $student );

		$day  = strtotime( '2027-06-01T00:00:00Z' ) + random_int( 0, 300 ) * 86400;
		$at   = static fn( int $d, int $h = 15 ) => gmdate( 'Y-m-d\TH:i:s\Z', $day + $d * 86400 + $h * 3600 );
		$uris = array();

		$a      = self::control( 'book', array( 'email' => $student, 'start_time' => $at( 1 ) ) );
		$uris[] = $a['invitee_uri'];
		self::control( 'no_show', array( 'invitee_uri' => $a['invitee_uri'] ) );
		self::control( 'no_show_delete', array( 'invitee_uri' => $a['invitee_uri'] ) );

		$b      = self::control( 'book', array( 'email' => self::email(), 'start_time' => $at( 2 ) ) );
		$uris[] = $b['invitee_uri'];
		self::control( 'cancel', array( 'invitee_uri' => $b['invitee_uri'], 'canceler_type' => 'host', 'reason' => 'coach ill' ) );

		$c      = self::control( 'book', array( 'email' => self::email(), 'start_time' => $at( 3 ) ) );
		$c2     = self::control( 'reschedule', array( 'invitee_uri' => $c['invitee_uri'], 'start_time' => $at( 4 ) ) );
		$uris[] = $c['invitee_uri'];
		$uris[] = $c2['new_invitee_uri'];

		$d      = self::control( 'book', array( 'email' => self::email(), 'start_time' => $at( 5 ) ) );
		$uris[] = $d['invitee_uri'];
		self::control( 'no_show', array( 'invitee_uri' => $d['invitee_uri'] ) );

		$g1     = self::control( 'book', array( 'email' => self::email(), 'event_type' => 'Office hours', 'start_time' => $at( 6 ) ) );
		$g2     = self::control( 'book', array( 'email' => self::email(), 'group_event_uri' => $g1['event_uri'] ) );
		$uris[] = $g1['invitee_uri'];
		$uris[] = $g2['invitee_uri'];
		self::control( 'cancel', array( 'invitee_uri' => $g1['invitee_uri'] ) );

		$e      = self::control( 'book', array( 'email' => $student, 'start_time' => $at( 7 ) ) );
		$e2     = self::control( 'reschedule', array( 'invitee_uri' => $e['invitee_uri'], 'start_time' => $at( 8 ) ) );
		$e3     = self::control( 'reschedule', array( 'invitee_uri' => $e2['new_invitee_uri'], 'start_time' => $at( 9 ) ) );
		$uris[] = $e['invitee_uri'];
		$uris[] = $e2['new_invitee_uri'];
		$uris[] = $e3['new_invitee_uri'];
		self::waitIdle();

		$by_webhooks = self::sessionRows( $uris, self::ROUTE_COLUMNS );
		$this->assertSame( 'scheduled', $by_webhooks[ $a['invitee_uri'] ]['status'] );
		$this->assertSame( 'canceled', $by_webhooks[ $b['invitee_uri'] ]['status'] );
		$this->assertSame( 'rescheduled', $by_webhooks[ $c['invitee_uri'] ]['status'] );
		$this->assertSame( 'no_show', $by_webhooks[ $d['invitee_uri'] ]['status'] );
		$this->assertNotNull( $by_webhooks[ $a['invitee_uri'] ]['student_id'] );

		// The same history without webhooks: the rows gone, then a back-fill of the window.
		foreach ( $uris as $uri ) {
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE calendly_uri = ?', array( $uri ) );
		}
		self::exec( 'DELETE FROM ' . self::table( 'tfsp_calendly_seen_events' ) );
		$job = $this->startBackfill( $at( 0, 0 ), $at( 10, 0 ) );
		self::runBackfills();
		$view = self::adminRest( 'GET', 'tfsp-calendly/v1/backfill/' . $job );
		$this->assertSame( 200, $view['status'] );
		$this->assertSame( 'done', $view['json']['state'] );
		$this->assertSame( count( $uris ), $view['json']['counts']['invitees_synced'] );
		$events = $view['json']['counts']['events_seen'];
		$this->assertSame( 9, $events );
		$this->assertSame( 1 + $events, $view['json']['counts']['requests'], 'one request per page of events plus one per event' );

		$this->assertEquals( $by_webhooks, self::sessionRows( $uris, self::ROUTE_COLUMNS ) );
		foreach ( $uris as $uri ) {
			$this->assertNotEmpty( self::rows( 'SELECT id FROM ' . self::table( 'tfsp_calendly_events' ) . " WHERE invitee_uri = ? AND event_name = 'backfill' AND outcome = 'processed'", array( $uri ) ), "ledger row of $uri" );
		}
		$this->assertSame( $noshow_moves ? '1' : '0', self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_noshow_moves_updated_at'" )[0]['setting_value'] ?? null );

		// A no-show that no webhook reported: a second back-fill finds it under
		// either reading, skipping the unchanged events only when that is safe.
		self::control( 'no_show', array( 'invitee_uri' => $c2['new_invitee_uri'], 'silent' => true ) );
		$again = $this->startBackfill( $at( 0, 0 ), $at( 10, 0 ) );
		self::runBackfills();
		$second = self::job( $again );
		$this->assertSame( 'done', $second['state'] );
		$this->assertSame( 'no_show', self::session( $c2['new_invitee_uri'] )['status'] );
		if ( $noshow_moves ) {
			$this->assertSame( (string) ( $events - 1 ), $second['events_skipped'] );
			$this->assertSame( '2', $second['requests'] );
		} else {
			$this->assertSame( '0', $second['events_skipped'] );
			$this->assertSame( (string) ( 1 + $events ), $second['requests'] );
		}
	}

	public function test_the_backfill_routes_check_nonce_capability_and_window(): void {
		$from = '2026-01-01T00:00:07Z';
		$this->assertSame( 401, self::adminRest( 'POST', 'tfsp-calendly/v1/backfill', array( 'from' => $from, 'to' => '2027-02-01T00:00:00Z' ), false )['status'] );
		$this->assertSame( 401, self::adminRest( 'GET', 'tfsp-calendly/v1/backfill/1', null, false )['status'] );
		$this->assertSame( 400, self::adminRest( 'POST', 'tfsp-calendly/v1/backfill', array( 'from' => $from, 'to' => $from ) )['status'] );
		$this->assertSame( 400, self::adminRest( 'POST', 'tfsp-calendly/v1/backfill', array( 'from' => $from, 'to' => '2028-06-01T00:00:00Z' ) )['status'] );
		$this->assertSame( 400, self::adminRest( 'POST', 'tfsp-calendly/v1/backfill', array( 'from' => 'yesterday', 'to' => $from ) )['status'] );
		$this->assertSame( 404, self::adminRest( 'GET', 'tfsp-calendly/v1/backfill/999999999' )['status'] );
		$this->assertSame( 0, count( self::rows( 'SELECT id FROM ' . self::table( 'tfsp_calendly_backfills' ) . ' WHERE window_from = ?', array( '2026-01-01 00:00:07.000000' ) ) ) );
	}

	private function startBackfill( string $from, string $to ): int {
		$answer = self::adminRest( 'POST', 'tfsp-calendly/v1/backfill', array( 'from' => $from, 'to' => $to ) );
		$this->assertSame( 201, $answer['status'], json_encode( $answer['json'] ) );
		$this->assertSame( 'queued', $answer['json']['state'] );
		return (int) $answer['json']['id'];
	}
}
