<?php
// SPDX-License-Identifier: MIT
/**
 * Payloads without an embedded scheduled_event (the older webhook shape): the row is made at
 * once from the invitee, a look-up of its scheduled event is queued and run with the stale
 * look-ups, and a type that is not a chosen coaching type keeps the row out of every list and
 * count; changing the chosen types later re-evaluates the rows.
 */
require_once __DIR__ . '/support/CalendlyTestCase.php';

final class NoScheduledEventTest extends CalendlyTestCase {

	protected function tearDown(): void {
		self::switches( array( 'embed_scheduled_event' => true ) );
		self::deleteSetting( 'event_types' );
		parent::tearDown();
	}

	private static function lookupRow( string $uri ): ?array {
		return self::rows( 'SELECT * FROM ' . self::table( 'tfsp_calendly_events' ) . " WHERE invitee_uri = ? AND event_name = 'lookup'", array( $uri ) )[0] ?? null;
	}

	public function test_the_row_is_completed_by_a_lookup_and_other_types_are_kept_out_of_lists(): void {
		self::switches( array( 'embed_scheduled_event' => false ) );
		$start   = gmdate( 'Y-m-d\TH:00:00\Z', time() + 86400 * random_int( 2, 60 ) );
		$student = self::email();
		$id      = self::createUser( $student );
		$booked  = self::control( 'book', array( 'email' => $student, 'start_time' => $start ) );
		self::waitIdle();

		$row = self::session( $booked['invitee_uri'] );
		$this->assertNotNull( $row, 'the row is made from the invitee at once' );
		$this->assertNull( $row['start_at'], 'no time before the look-up' );
		$this->assertSame( (string) $id, $row['student_id'] );
		$lookup = self::lookupRow( $booked['invitee_uri'] );
		$this->assertNotNull( $lookup, 'a look-up is queued' );
		$this->assertSame( 'stale', $lookup['outcome'] );

		self::cron( 'tfsp_calendly_stale_lookup' );
		$row = self::session( $booked['invitee_uri'] );
		$this->assertSame( gmdate( 'Y-m-d H:i:s', strtotime( $start ) ), substr( (string) $row['start_at'], 0, 19 ) );
		$this->assertSame( $booked['event']['event_type'], $row['event_type_uri'] );
		$this->assertSame( '0', $row['type_ignored'] );
		$this->assertSame( 'processed', self::lookupRow( $booked['invitee_uri'] )['outcome'] );

		// Another type, once the admin chose only "Coaching session": kept, but out of the lists.
		self::putSetting( 'event_types', json_encode( array( $booked['event']['event_type'] ) ) );
		$other = self::control( 'book', array( 'email' => $student, 'event_type' => 'Office hours', 'start_time' => $start ) );
		self::waitIdle();
		$this->assertNotNull( self::session( $other['invitee_uri'] ), 'without its type the payload cannot be filtered: the row is made' );
		self::cron( 'tfsp_calendly_stale_lookup' );
		$ignored = self::session( $other['invitee_uri'] );
		$this->assertSame( '1', $ignored['type_ignored'] );
		$this->assertSame( 'ignored', self::lookupRow( $other['invitee_uri'] )['outcome'] );

		// The student's portal lists the coaching session and not the other type.
		[ $code, $portal, $err ] = self::php( 'coaching.php', array( $id, 'portal' ) );
		$this->assertSame( 0, $code, $err );
		$this->assertStringContainsString( (string) $row['event_name'], $portal );
		$this->assertSame( 1, substr_count( $portal, 'tfsp-coaching-when' ), 'one session listed, not two: ' . $portal );
		$this->assertStringNotContainsString( 'Office hours', $portal );

		// Choosing every type again brings the row back.
		self::putSetting( 'event_types', json_encode( array( $booked['event']['event_type'], $other['event']['event_type'] ) ) );
		self::plugin( 'reevaluate-types' );
		$this->assertSame( '0', self::session( $other['invitee_uri'] )['type_ignored'] );
	}
}
