<?php
// SPDX-License-Identifier: MIT
/**
 * Hostile and broken deliveries get the status DESIGN.md names; nothing from
 * an unverified or stale request is applied; strings are stored as sent.
 */
final class HostileInputTest extends StackTestCase {

	private const HOSTILE = "Robert'); DROP TABLE wp_users;-- <script>alert(\"x\")</script> <b onmouseover=alert(1)>ü 😀 %s %1\$s \\ \\' \" ` --";

	private function assertNothingStored( array $payload ): void {
		$uri = $payload['payload']['uri'];
		$this->assertNull( self::session( $uri ), 'no session row' );
		$this->assertSame( array(), self::ledger( $uri ), 'no ledger row' );
	}

	private function assertRefused( array $r, string $code ): void {
		$this->assertSame( 401, $r['status'], $r['body'] );
		$this->assertSame( $code, $r['json']['code'] );
	}

	public function test_wrong_key_is_401_and_stores_nothing(): void {
		$p = $this->fixtures->load( 'invitee_created' );
		$this->assertRefused( $this->deliver( Fixtures::encode( $p ), null, 'not-the-key-' . bin2hex( random_bytes( 16 ) ) ), 'tfsp_calendly_signature_mismatch' );
		$this->assertNothingStored( $p );
	}

	public function test_missing_header_is_401(): void {
		$p = $this->fixtures->load( 'invitee_created' );
		$this->assertRefused( $this->post( Fixtures::encode( $p ), array() ), 'tfsp_calendly_signature_missing' );
		$this->assertNothingStored( $p );
	}

	public function test_a_body_signed_for_another_body_is_401(): void {
		$p     = $this->fixtures->load( 'invitee_created' );
		$other = $this->fixtures->load( 'invitee_canceled' );
		$this->assertRefused( $this->post( Fixtures::encode( $p ), array( 'Calendly-Webhook-Signature' => self::signature( Fixtures::encode( $other ) ) ) ), 'tfsp_calendly_signature_mismatch' );
		$this->assertNothingStored( $p );
	}

	/** @dataProvider malformed_headers */
	public function test_malformed_headers_are_401( string $header ): void {
		$p    = $this->fixtures->load( 'invitee_created' );
		$body = Fixtures::encode( $p );
		$r    = $this->post( $body, array( 'Calendly-Webhook-Signature' => sprintf( $header, time(), hash_hmac( 'sha256', time() . '.' . $body, 'x' ) ) ) );
		$this->assertSame( 401, $r['status'], $r['body'] );
		$this->assertContains( $r['json']['code'], array( 'tfsp_calendly_signature_malformed', 'tfsp_calendly_signature_mismatch' ) );
		$this->assertNothingStored( $p );
	}

	public static function malformed_headers(): array {
		return array(
			'garbage'         => array( 'garbage' ),
			'no v1'           => array( 't=%d' ),
			'no t'            => array( 'v1=%2$s' ),
			't not a number'  => array( 't=abc,v1=%2$s' ),
			'v1 not hex'      => array( 't=%d,v1=zz%2$s' ),
			'v1 too short'    => array( 't=%d,v1=abcd' ),
			'unknown scheme'  => array( 't=%d,v0=%s' ),
			'empty parts'     => array( ',,,' ),
			'semicolons'      => array( 't=%d;v1=%s' ),
			'negative t'      => array( 't=-%d,v1=%s' ),
		);
	}

	/** @dataProvider stale_offsets */
	public function test_authentic_but_stale_or_future_is_kept_as_stale_and_not_applied( int $offset ): void {
		$p    = $this->fixtures->load( 'invitee_created' );
		$body = Fixtures::encode( $p );
		$r    = $this->deliver( $body, time() + $offset );
		$this->assertSame( 202, $r['status'], $r['body'] );
		$this->assertSame( 'stale', $r['json']['status'] );
		$this->assertNull( self::session( $p['payload']['uri'] ), 'not applied' );
		$ledger = self::ledger( $p['payload']['uri'] );
		$this->assertCount( 1, $ledger );
		$this->assertSame( 'stale', $ledger[0]['outcome'] );
		$this->assertSame( $body, $ledger[0]['raw_body'], 'kept byte for byte' );
		$this->assertEqualsWithDelta( time() + $offset, (int) $ledger[0]['signature_t'], 5, 'the header\'s t is kept' );

		// The same event, delivered in time later, is applied.
		$this->assertSame( 'processed', $this->deliver( $body )['json']['status'] );
		$this->assertSame( 'scheduled', self::session( $p['payload']['uri'] )['status'] );
	}

	public static function stale_offsets(): array {
		return array(
			'too old'    => array( -1000 ),
			'too new'    => array( 1000 ),
			'just stale' => array( -200 ),
		);
	}

	public function test_a_body_one_byte_over_the_limit_is_413_and_at_the_limit_is_accepted(): void {
		$limit = 262144;
		$p     = $this->fixtures->load( 'invitee_created' );
		$json  = Fixtures::encode( $p );
		$at    = $json . str_repeat( ' ', $limit - strlen( $json ) );
		$over  = $at . ' ';
		$r     = $this->deliver( $over );
		$this->assertSame( 413, $r['status'], $r['body'] );
		$this->assertSame( 'tfsp_calendly_body_too_large', $r['json']['code'] );
		$this->assertNothingStored( $p );

		$r = $this->deliver( $at );
		$this->assertSame( 200, $r['status'], $r['body'] );
		$this->assertSame( 'processed', $r['json']['status'] );
	}

	public function test_invalid_json_that_is_correctly_signed_is_kept_as_failed(): void {
		$body = '{"event":"invitee.created","payload":{"uri":"https://api.calendly.com/scheduled_events/' . Fixtures::uuid() . '/invitees/x"';
		$r    = $this->deliver( $body );
		$this->assertSame( 202, $r['status'], $r['body'] );
		$this->assertSame( 'failed', $r['json']['status'] );
		$row = self::ledgerByBody( $body );
		$this->assertNotNull( $row );
		$this->assertSame( 'failed', $row['outcome'] );
		$this->assertNotEmpty( $row['last_error'] );
		$this->assertNotNull( $row['next_attempt_at'], 'scheduled for a retry' );
	}

	public function test_a_signed_body_with_bytes_that_are_not_utf8_is_stored_byte_for_byte(): void {
		$body = "{\"event\":\"invitee.created\",\"x\":\"\xff\xfe\x00\x01" . bin2hex( random_bytes( 8 ) ) . '"}';
		$r    = $this->deliver( $body );
		$this->assertSame( 202, $r['status'], $r['body'] );
		$this->assertSame( 'failed', self::ledgerByBody( $body )['outcome'] );
	}

	public function test_a_signed_body_missing_a_required_field_names_the_path(): void {
		$p = $this->fixtures->load( 'invitee_created' );
		unset( $p['payload']['uri'] );
		$body = Fixtures::encode( $p );
		$r    = $this->deliver( $body );
		$this->assertSame( 202, $r['status'], $r['body'] );
		$this->assertStringContainsString( 'payload', (string) self::ledgerByBody( $body )['last_error'] );
	}

	public function test_an_unknown_event_name_is_acknowledged_and_ignored(): void {
		$p          = $this->fixtures->load( 'invitee_created' );
		$p['event'] = 'invitee.exploded';
		$r          = $this->deliver( Fixtures::encode( $p ) );
		$this->assertSame( 200, $r['status'], $r['body'] );
		$this->assertSame( 'ignored', $r['json']['status'] );
		$this->assertNull( self::session( $p['payload']['uri'] ) );
	}

	public function test_sql_and_html_in_every_string_field_are_stored_as_sent(): void {
		$h        = self::HOSTILE;
		$created  = $this->fixtures->load( 'invitee_created' );
		$canceled = $this->fixtures->load( 'invitee_canceled' );
		foreach ( array( &$created, &$canceled ) as &$p ) {
			foreach ( array( 'email', 'name', 'first_name', 'last_name', 'timezone', 'cancel_url', 'reschedule_url' ) as $k ) {
				$p['payload'][ $k ] = $h . ' ' . $k;
			}
			$p['payload']['questions_and_answers'][0]['answer']                  = $h;
			$p['payload']['scheduled_event']['name']                             = $h . ' name';
			$p['payload']['scheduled_event']['location']['type']                 = $h . ' type';
			$p['payload']['scheduled_event']['location']['join_url']             = $h . ' join';
			$p['payload']['scheduled_event']['event_memberships'][0]['user_email'] = $h . ' host';
			$p['payload']['scheduled_event']['event_memberships'][0]['user_name']  = $h . ' host name';
			$p['payload']['tracking']['utm_campaign']                            = $h;
		}
		unset( $p );
		$canceled['payload']['cancellation']['reason']        = $h . ' reason';
		$canceled['payload']['cancellation']['canceled_by']   = $h . ' by';
		$canceled['payload']['cancellation']['canceler_type'] = $h . ' canceler';

		$this->assertSame( 'processed', $this->deliver( Fixtures::encode( $created ) )['json']['status'] );
		$this->assertSame( 'processed', $this->deliver( Fixtures::encode( $canceled ) )['json']['status'] );

		$row = self::session( $created['payload']['uri'] );
		$this->assertSame( 'canceled', $row['status'] );
		$this->assertNull( $row['student_id'] );
		$expected = array(
			'invitee_email'  => $h . ' email',
			'invitee_name'   => $h . ' name',
			'timezone'       => $h . ' timezone',
			'cancel_url'     => $h . ' cancel_url',
			'reschedule_url' => $h . ' reschedule_url',
			'event_name'     => $h . ' name',
			'location_type'  => $h . ' type',
			'join_url'       => $h . ' join',
			'host_email'     => $h . ' host',
			'host_name'      => $h . ' host name',
			'cancel_reason'  => $h . ' reason',
			'canceled_by'    => $h . ' by',
			'canceler_type'  => $h . ' canceler',
		);
		foreach ( $expected as $column => $value ) {
			$this->assertSame( $value, $row[ $column ], $column );
		}
		$this->assertNotEmpty( self::rows( 'SELECT ID FROM ' . self::table( 'users' ) . ' LIMIT 1' ), 'wp_users is still there' );
		$audit = array_column( self::audit( (int) $row['id'] ), 'new_value', 'field' );
		$this->assertSame( $h . ' reason', $audit['cancel_reason'] );
	}

	public function test_an_overlong_invitee_uri_is_kept_as_failed_not_truncated(): void {
		$p                   = $this->fixtures->load( 'invitee_created' );
		$p['payload']['uri'] = $p['payload']['uri'] . '/' . str_repeat( 'x', 200 );
		$body                = Fixtures::encode( $p );
		$r                   = $this->deliver( $body );
		$this->assertSame( 202, $r['status'], $r['body'] );
		$this->assertSame( 'failed', self::ledgerByBody( $body )['outcome'] );
		$this->assertNull( self::session( $p['payload']['uri'] ) );
	}

	/** Signed fields longer than any ledger column: a failed or ignored row and a 2xx, never a 503 that Calendly would retry until it disables the subscription. */
	public function test_signed_fields_longer_than_their_columns_are_kept_not_answered_503(): void {
		$other          = $this->fixtures->load( 'other_event' );
		$other['event'] = 'routing_form_submission.' . str_repeat( 'n', 70000 );
		$body           = Fixtures::encode( $other );
		$r              = $this->deliver( $body );
		$this->assertSame( 200, $r['status'], substr( $r['body'], 0, 300 ) );
		$this->assertSame( 'ignored', $r['json']['status'] );
		$row = self::ledgerByBody( $body );
		$this->assertNotNull( $row, 'kept with its body' );
		$this->assertSame( 'ignored', $row['outcome'] );
		$this->assertLessThanOrEqual( 1000, strlen( (string) $row['last_error'] ) );

		$p                   = $this->fixtures->load( 'invitee_created' );
		$p['payload']['uri'] = $p['payload']['uri'] . '/' . str_repeat( 'u', 70000 );
		$body                = Fixtures::encode( $p );
		$r                   = $this->deliver( $body );
		$this->assertSame( 202, $r['status'], substr( $r['body'], 0, 300 ) );
		$this->assertSame( 'failed', $r['json']['status'] );
		$row = self::ledgerByBody( $body );
		$this->assertNotNull( $row );
		$this->assertSame( 'failed', $row['outcome'] );
		$this->assertNull( $row['invitee_uri'], 'the URI stays in the body only' );
		$this->assertNull( self::session( $p['payload']['uri'] ) );
		// Its copy is a repeat of the same row, not another 503.
		$this->assertSame( 202, $this->deliver( $body )['status'] );
		$this->assertSame( '2', self::ledgerByBody( $body )['deliveries'] );
	}
}
