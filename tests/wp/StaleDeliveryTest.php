<?php
// SPDX-License-Identifier: MIT
/**
 * Stale deliveries: a correctly signed body whose t lies outside the
 * signature tolerance (in the past or in the future) is answered 2xx and kept
 * in the ledger as stale, and nothing of its body is applied, even when the
 * body says what the API does not.  The stale look-up (WP-Cron) then reads
 * the invitee through the API and applies the API's answer: the session row
 * equals the fake's state and the ledger row is resolved.  An invitee the API
 * does not know (404) ends as a failed ledger row that names the error.
 */
final class StaleDeliveryTest extends CalendlyTestCase {

	protected function tearDown(): void {
		self::resetFake();
		parent::tearDown();
	}

	public function test_stale_deliveries_are_kept_and_resolved_through_the_api(): void {
		self::resetFake();
		$this->assertSame( array(), json_decode( self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = 'event_types'" )[0]['setting_value'] ?? '[]', true ), 'all event types count' );
		$tolerance = (int) ( self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = 'signature_tolerance'" )[0]['setting_value'] ?? 180 );
		$start     = gmdate( 'Y-m-d\TH:00:00\Z', time() + 3 * 86400 );

		// A: booked, then canceled, both silently (webhooks lost); an old
		// delivery of the booking arrives, saying "active" with another name.
		$a      = self::control( 'book', array( 'email' => self::email( 'stale-old' ), 'name' => 'Ana Stale', 'start_time' => $start, 'silent' => true ) );
		$a_body = self::envelope( 'invitee.created', array( 'name' => 'Not The Name Calendly Has' ) + $a['invitee'], $a['event'] );
		self::control( 'cancel', array( 'invitee_uri' => $a['invitee_uri'], 'canceler_type' => 'host', 'reason' => 'Coach away', 'silent' => true ) );

		// B: booked silently and still active; a delivery from the future says
		// it was canceled by the invitee.
		$b        = self::control( 'book', array( 'email' => self::email( 'stale-new' ), 'name' => 'Ben Future', 'start_time' => $start, 'silent' => true ) );
		$canceled = array(
			'status'       => 'canceled',
			'cancellation' => array(
				'canceled_by'   => 'Ben Future',
				'reason'        => 'Made up by the stale body',
				'canceler_type' => 'invitee',
				'created_at'    => gmdate( 'Y-m-d\TH:i:s.000000\Z' ),
			),
		) + $b['invitee'];
		$b_body   = self::envelope( 'invitee.canceled', $canceled, array( 'status' => 'canceled' ) + $b['event'] );

		// C: an invitee the API has never heard of (fresh UUIDs of a fixture).
		$c      = $this->fixtures->load( 'invitee_created' );
		$c_body = Fixtures::encode( $c );
		$c_uri  = $c['payload']['uri'];

		$sent = array(
			'a' => array( $a_body, $a['invitee_uri'], time() - $tolerance - 600 ),
			'b' => array( $b_body, $b['invitee_uri'], time() + $tolerance + 600 ),
			'c' => array( $c_body, $c_uri, time() - 86400 ),
		);
		$ledger = array();
		foreach ( $sent as $name => [ $body, $uri, $t ] ) {
			$r = $this->deliver( $body, $t );
			$this->assertGreaterThanOrEqual( 200, $r['status'], "$name: " . $r['body'] );
			$this->assertLessThan( 300, $r['status'], "$name: authentic, so Calendly must not retry it: " . $r['body'] );
			$this->assertSame( 'stale', $r['json']['status'], $name );
			$this->assertNull( self::session( $uri ), "$name: nothing applied from a stale body" );
			$rows = self::ledger( $uri );
			$this->assertCount( 1, $rows, $name );
			$this->assertSame( 'stale', $rows[0]['outcome'], $name );
			$this->assertSame( $body, $rows[0]['raw_body'], "$name: kept byte for byte" );
			$this->assertSame( (string) $t, $rows[0]['signature_t'], "$name: the header's t is kept" );
			$ledger[ $name ] = $rows[0];
		}

		// A copy of a stale delivery is counted on its row, still not applied.
		$r = $this->deliver( $a_body, $sent['a'][2] );
		$this->assertSame( 'stale', $r['json']['status'] );
		$this->assertSame( '2', self::ledger( $a['invitee_uri'] )[0]['deliveries'] );
		$this->assertNull( self::session( $a['invitee_uri'] ) );

		self::resolveStale( array_map( static fn( $row ) => (int) $row['id'], $ledger ) );

		// A and B: the rows hold the API's answer, not the bodies'.
		$state  = self::fakeState();
		$events = array_column( $state['scheduled_events'], null, 'uri' );
		$truth  = array_column( $state['invitees'], null, 'uri' );
		foreach ( array( 'a' => $a, 'b' => $b ) as $name => $booked ) {
			$uri      = $booked['invitee_uri'];
			$expected = self::expectedSession( $truth[ $uri ], $events[ $truth[ $uri ]['event'] ] );
			$this->assertSame( $expected, self::sessionAsExpected( $uri, $expected ), "$name: the row is the API's answer" );
			$session = self::session( $uri );

			$rows = self::ledger( $uri );
			$by   = array_column( $rows, null, 'id' );
			$row  = $by[ $ledger[ $name ]['id'] ];
			$this->assertSame( 'processed', $row['outcome'], "$name: the stale row is resolved" );
			$this->assertSame( $session['id'], $row['session_id'], "$name: and names the session" );
			$this->assertNull( $row['next_attempt_at'], "$name: nothing left to do" );
			$this->assertStringContainsString( 'the API\'s answer was applied instead', (string) $row['last_error'] );
			$lookups = array_values( array_filter( $rows, static fn( $r ) => 'lookup' === $r['event_name'] ) );
			$this->assertCount( 1, $lookups, "$name: one ledger row for the look-up" );
			$this->assertSame( 'processed', $lookups[0]['outcome'] );

			$audit = self::audit( (int) $session['id'] );
			$this->assertNotSame( array(), $audit );
			$this->assertSame( array( $lookups[0]['id'] ), array_values( array_unique( array_column( $audit, 'ledger_id' ) ) ), "$name: every change comes from the look-up, none from the stale body" );
		}
		$this->assertSame( 'canceled', self::session( $a['invitee_uri'] )['status'] );
		$this->assertSame( 'Ana Stale', self::session( $a['invitee_uri'] )['invitee_name'] );
		$this->assertSame( 'Coach away', self::session( $a['invitee_uri'] )['cancel_reason'] );
		$this->assertSame( 'scheduled', self::session( $b['invitee_uri'] )['status'] );
		$this->assertNull( self::session( $b['invitee_uri'] )['cancel_reason'] );

		// C: Calendly answers 404; the row fails for good with the reason, nothing else is written.
		$row = self::ledger( $c_uri );
		$this->assertCount( 1, $row, 'no look-up row for an unknown invitee' );
		$this->assertSame( 'failed', $row[0]['outcome'] );
		$this->assertStringStartsWith( 'look-up: ', (string) $row[0]['last_error'] );
		$this->assertMatchesRegularExpression( '/not found|404/i', (string) $row[0]['last_error'] );
		$this->assertNull( $row[0]['next_attempt_at'], 'a 404 is not asked again' );
		$this->assertNull( $row[0]['session_id'] );
		$this->assertNull( self::session( $c_uri ) );
		self::cron( 'tfsp_calendly_stale_lookup' );
		$this->assertSame( $row, self::ledger( $c_uri ), 'a later run leaves it alone' );
	}

	/** A webhook body the way the fake Calendly builds one, from an invitee and its scheduled event. */
	private static function envelope( string $name, array $invitee, array $event ): string {
		$state = self::fakeState();
		return Fixtures::encode(
			array(
				'created_at' => gmdate( 'Y-m-d\TH:i:s.000000\Z' ),
				'created_by' => $state['user']['uri'],
				'event'      => $name,
				'payload'    => $invitee + array( 'scheduled_event' => $event ),
			)
		);
	}
}
