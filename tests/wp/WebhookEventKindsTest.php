<?php
// SPDX-License-Identifier: MIT
/**
 * Each event kind creates or updates the right session row, links the
 * student and the coach by e-mail, and writes the ledger and audit trail.
 */
final class WebhookEventKindsTest extends StackTestCase {

	public function test_invitee_created_makes_a_scheduled_row_with_the_bookings_data(): void {
		$p = $this->fixtures->load( 'invitee_created' );
		$r = $this->deliver( Fixtures::encode( $p ) );
		$this->assertSame( 200, $r['status'], $r['body'] );
		$this->assertSame( 'processed', $r['json']['status'] );

		$uri = $p['payload']['uri'];
		$row = self::session( $uri );
		$this->assertNotNull( $row );
		$this->assertSame( 'scheduled', $row['status'] );
		$this->assertSame( '1', $row['auto_created'] );
		$this->assertSame( '1', $row['booked'] );
		$this->assertSame( $p['payload']['email'], $row['invitee_email'] );
		$this->assertSame( $p['payload']['name'], $row['invitee_name'] );
		$this->assertSame( basename( $p['payload']['event'] ), $row['calendly_event_id'] );
		$this->assertSame( $p['payload']['event'], $row['event_uri'] );
		$this->assertSame( '2026-03-09 16:00:00.000000', $row['start_at'] );
		$this->assertSame( '2026-03-09 16:45:00.000000', $row['end_at'] );
		$this->assertNotNull( $row['session_date'] );
		$this->assertNull( $row['student_id'], 'no user has this address' );
		$this->assertNotEmpty( $row['webhook_data'] );
		$this->assertSame( $p['payload']['uri'], json_decode( (string) $row['webhook_data'], true )['payload']['uri'] );

		$ledger = self::ledger( $uri );
		$this->assertCount( 1, $ledger );
		$this->assertSame( 'processed', $ledger[0]['outcome'] );
		$this->assertSame( '1', $ledger[0]['deliveries'] );
		$this->assertSame( $row['id'], $ledger[0]['session_id'] );

		$audit = self::audit( (int) $row['id'] );
		$this->assertNotEmpty( $audit );
		foreach ( $audit as $entry ) {
			$this->assertSame( 'calendly', $entry['actor_type'] );
			$this->assertSame( $ledger[0]['id'], $entry['ledger_id'] );
		}
		$this->assertContains( 'status', array_column( $audit, 'field' ) );
	}

	public function test_student_is_linked_by_exact_email_in_any_case_and_coach_by_host_email(): void {
		$student = self::email();
		$coach   = self::email( 'coach' );
		$sid     = self::createUser( $student );
		$cid     = self::createUser( $coach, null, 'tfsp_coach' );

		$p                        = $this->fixtures->load( 'invitee_created' );
		$p['payload']['email']    = '  ' . strtoupper( $student ) . ' ';
		$p['payload']['scheduled_event']['event_memberships'][0]['user_email'] = $coach;
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $p ) )['status'] );

		$row = self::session( $p['payload']['uri'] );
		$this->assertSame( (string) $sid, $row['student_id'] );
		$this->assertSame( (string) $cid, $row['coach_id'] );
		$this->assertSame( $p['payload']['email'], $row['invitee_email'], 'the e-mail is kept as sent' );
		$fields = array_column( array_filter( self::audit( (int) $row['id'] ), static fn( $a ) => 'sync' === $a['actor_type'] ), 'field' );
		$this->assertEqualsCanonicalizing( array( 'student_id', 'coach_id', 'coaches' ), $fields );
	}

	public function test_student_is_linked_by_a_known_alias(): void {
		$alias = self::email( 'alias' );
		$sid   = self::createUser( self::email(), $alias );

		$p                     = $this->fixtures->load( 'invitee_created' );
		$p['payload']['email'] = $alias;
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $p ) )['status'] );
		$this->assertSame( (string) $sid, self::session( $p['payload']['uri'] )['student_id'] );
	}

	public function test_a_near_miss_email_is_not_linked(): void {
		$student = self::email();
		self::createUser( $student );
		$p                     = $this->fixtures->load( 'invitee_created' );
		$p['payload']['email'] = str_replace( '@', '+tag@', $student );
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $p ) )['status'] );
		$row = self::session( $p['payload']['uri'] );
		$this->assertNull( $row['student_id'], 'fuzzy matches are suggestions only' );
		$this->assertSame( $p['payload']['email'], $row['invitee_email'] );
	}

	public function test_invitee_canceled_after_created_cancels_the_row(): void {
		$created  = $this->fixtures->load( 'invitee_created' );
		$canceled = $this->fixtures->load( 'invitee_canceled' );
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $created ) )['status'] );
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $canceled ) )['status'] );

		$row = self::session( $created['payload']['uri'] );
		$this->assertSame( 'canceled', $row['status'] );
		$this->assertSame( '1', $row['canceled'] );
		$this->assertSame( $canceled['payload']['cancellation']['reason'], $row['cancel_reason'] );
		$this->assertSame( $canceled['payload']['cancellation']['canceled_by'], $row['canceled_by'] );
		$changes = array_column( self::audit( (int) $row['id'] ), 'new_value', 'field' );
		$this->assertSame( 'canceled', $changes['status'] );
	}

	public function test_webhook_data_keeps_the_payload_without_payment_details(): void {
		$p = $this->fixtures->load( 'reschedule_old_canceled' );
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $p ) )['status'] );
		$row = self::session( $p['payload']['uri'] );
		$this->assertStringNotContainsString( $p['payload']['payment']['external_id'], (string) $row['webhook_data'] );
	}

	public function test_a_copy_of_a_processed_delivery_never_brings_its_raw_bytes_back(): void {
		$p    = $this->fixtures->load( 'invitee_created' );
		$body = Fixtures::encode( $p );
		$this->assertSame( 'processed', $this->deliver( $body )['json']['status'] );
		// Retention (or an erasure) empties the stored body; Calendly then sends a late copy.
		self::exec( 'UPDATE ' . self::table( 'tfsp_calendly_events' ) . ' SET raw_body = NULL WHERE invitee_uri = ?', array( $p['payload']['uri'] ) );
		$this->assertSame( 'duplicate', $this->deliver( $body )['json']['status'] );
		$ledger = self::ledger( $p['payload']['uri'] );
		$this->assertCount( 1, $ledger );
		$this->assertSame( '2', $ledger[0]['deliveries'] );
		$this->assertNull( $ledger[0]['raw_body'], 'the copy is counted, its bytes are not kept' );
	}

	public function test_a_processed_delivery_keeps_only_its_redacted_body(): void {
		$p = $this->fixtures->load( 'reschedule_old_canceled' );
		$p['payload']['text_reminder_number']  = '+1 555 0199';
		$p['payload']['questions_and_answers'] = array(
			array(
				'question' => 'Anything we should know?',
				'answer'   => 'my private answer ' . bin2hex( random_bytes( 4 ) ),
				'position' => 0,
			),
		);
		$p['payload']['scheduled_event']['location'] = array(
			'type'     => 'zoom',
			'join_url' => 'https://zoom.example/j/1',
			'data'     => array( 'password' => 'conf-secret-' . bin2hex( random_bytes( 4 ) ) ),
		);
		$body = Fixtures::encode( $p );
		$this->assertSame( 200, $this->deliver( $body )['status'] );
		$ledger = self::ledger( $p['payload']['uri'] );
		$this->assertCount( 1, $ledger );
		$this->assertSame( 'processed', $ledger[0]['outcome'] );
		$stored = (string) $ledger[0]['raw_body'];
		$this->assertNotSame( $body, $stored, 'the raw bytes are replaced once processed' );
		foreach ( array( $p['payload']['payment']['external_id'], '+1 555 0199', $p['payload']['questions_and_answers'][0]['answer'], $p['payload']['scheduled_event']['location']['data']['password'] ) as $secret ) {
			$this->assertStringNotContainsString( $secret, $stored );
			$this->assertStringNotContainsString( $secret, (string) self::session( $p['payload']['uri'] )['webhook_data'] );
		}
		$json = json_decode( $stored, true );
		$this->assertIsArray( $json, 'the redacted body still parses' );
		$this->assertSame( $p['event'], $json['event'] );
		$this->assertSame( $p['payload']['uri'], $json['payload']['uri'] );
		$this->assertSame( $p['payload']['scheduled_event']['uri'], $json['payload']['scheduled_event']['uri'] );
	}

	public function test_a_cancel_that_arrives_first_creates_the_row(): void {
		$canceled = $this->fixtures->load( 'invitee_canceled' );
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $canceled ) )['status'] );
		$row = self::session( $canceled['payload']['uri'] );
		$this->assertSame( 'canceled', $row['status'] );
		$this->assertSame( '1', $row['auto_created'] );
	}

	public function test_a_late_invitee_created_does_not_revive_a_canceled_row(): void {
		$created  = $this->fixtures->load( 'invitee_created' );
		$canceled = $this->fixtures->load( 'invitee_canceled' );
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $canceled ) )['status'] );
		$r = $this->deliver( Fixtures::encode( $created ) );
		$this->assertSame( 200, $r['status'] );
		$this->assertSame( 'processed', $r['json']['status'] );
		$this->assertSame( 'canceled', self::session( $created['payload']['uri'] )['status'] );
	}

	public function test_calendly_no_show_marks_and_unmarks(): void {
		$created = $this->fixtures->load( 'invitee_created' );
		$marked  = $this->fixtures->load( 'no_show_created' );
		$deleted = $this->fixtures->load( 'no_show_deleted' );
		$uri     = $created['payload']['uri'];

		$this->assertSame( 200, $this->deliver( Fixtures::encode( $created ) )['status'] );
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $marked ) )['status'] );
		$row = self::session( $uri );
		$this->assertSame( 'no_show', $row['status'] );
		$this->assertSame( $marked['payload']['no_show']['uri'], $row['noshow_uri'] );

		$this->assertSame( 200, $this->deliver( Fixtures::encode( $deleted ) )['status'] );
		$this->assertSame( 'scheduled', self::session( $uri )['status'] );
		$this->assertCount( 3, self::ledger( $uri ) );
	}

	public function test_invitee_without_embedded_scheduled_event_still_makes_a_row(): void {
		$p = $this->fixtures->load( 'invitee_created_no_scheduled_event' );
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $p ) )['status'] );
		$row = self::session( $p['payload']['uri'] );
		$this->assertNotNull( $row );
		$this->assertSame( 'scheduled', $row['status'] );
		$this->assertSame( $p['payload']['event'], $row['event_uri'] );
		$this->assertSame( basename( $p['payload']['event'] ), $row['calendly_event_id'] );
		$this->assertNull( $row['start_at'] );
		$this->assertSame( $p['payload']['email'], $row['invitee_email'] );
	}

	public function test_other_events_are_acknowledged_and_ignored(): void {
		$p    = $this->fixtures->load( 'other_event' );
		$body = Fixtures::encode( $p );
		$r    = $this->deliver( $body );
		$this->assertSame( 200, $r['status'] );
		$this->assertSame( 'ignored', $r['json']['status'] );
		$this->assertSame( 'ignored', self::ledgerByBody( $body )['outcome'] );
		$this->assertNull( self::session( $p['payload']['uri'] ) );
	}

	public function test_event_types_not_chosen_are_ignored_once_a_choice_exists(): void {
		$p = $this->fixtures->load( 'invitee_created' );
		self::putSetting( 'event_types', json_encode( array( 'https://api.calendly.com/event_types/' . Fixtures::uuid() ) ) );
		try {
			$r = $this->deliver( Fixtures::encode( $p ) );
		} finally {
			self::deleteSetting( 'event_types' );
		}
		$this->assertSame( 200, $r['status'] );
		$this->assertSame( 'ignored', $r['json']['status'] );
		$this->assertNull( self::session( $p['payload']['uri'] ) );
		$this->assertSame( 'ignored', self::ledger( $p['payload']['uri'] )[0]['outcome'] );

		// The chosen type counts.
		self::putSetting( 'event_types', json_encode( array( $p['payload']['scheduled_event']['event_type'] ) ) );
		try {
			$other                        = $this->fixtures->load( 'invitee_canceled' );
			$r                            = $this->deliver( Fixtures::encode( $other ) );
		} finally {
			self::deleteSetting( 'event_types' );
		}
		$this->assertSame( 'processed', $r['json']['status'] );
	}
}
