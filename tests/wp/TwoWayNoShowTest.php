<?php
// SPDX-License-Identifier: MIT
/**
 * Two-way no-show: a coach's no-show mark creates the Calendly no-show and
 * clearing it deletes it; the webhooks that come back change nothing more.
 */
final class TwoWayNoShowTest extends CalendlyTestCase {

	protected function tearDown(): void {
		self::deleteSetting( 'two_way_no_show' );
		parent::tearDown();
	}

	public function test_a_coach_mark_goes_to_calendly_and_its_echo_is_absorbed(): void {
		self::putSetting( 'two_way_no_show', '1' );
		$host   = self::email( 'coach' ); // The coach hosts the session: a coach marks the sessions they host.
		$coach  = self::createUser( $host, null, 'tfsp_coach' );
		$booked = self::control( 'book', array( 'email' => self::email(), 'start_time' => gmdate( 'Y-m-d\TH:00:00\Z', time() - 7200 ), 'host_email' => $host ) );
		self::waitIdle();
		$row = self::session( $booked['invitee_uri'] );
		$this->assertSame( 'scheduled', $row['status'] );
		$id = (int) $row['id'];

		$result = self::plugin( 'mark', array( $id, 'no_show', $coach ) );
		$this->assertSame( 'no_show', $result['status'] );
		$this->assertSame( 'created', $result['calendly'] );
		self::waitIdle();
		$invitee = self::fake( 'GET', '/scheduled_events/' . $booked['event_uuid'] . '/invitees/' . $booked['invitee_uuid'], null, $status, self::env( 'FAKE_CALENDLY_TOKEN' ) );
		$this->assertNotNull( $invitee['resource']['no_show'], 'the no-show exists in Calendly' );
		$row = self::session( $booked['invitee_uri'] );
		$this->assertSame( 'no_show', $row['status'] );
		$this->assertSame( $invitee['resource']['no_show']['uri'], $row['noshow_uri'], 'the echo stored the no-show URI' );

		$result = self::plugin( 'mark', array( $id, 'none', $coach ) );
		$this->assertSame( 'scheduled', $result['status'] );
		$this->assertSame( 'deleted', $result['calendly'] );
		self::waitIdle();
		$invitee = self::fake( 'GET', '/scheduled_events/' . $booked['event_uuid'] . '/invitees/' . $booked['invitee_uuid'], null, $status, self::env( 'FAKE_CALENDLY_TOKEN' ) );
		$this->assertNull( $invitee['resource']['no_show'] );
		$this->assertSame( 'scheduled', self::session( $booked['invitee_uri'] )['status'] );

		$statuses = array_values( array_filter( self::audit( $id ), static fn( $a ) => 'status' === $a['field'] ) );
		$this->assertSame(
			array( array( 'calendly', null, 'scheduled' ), array( 'coach', 'scheduled', 'no_show' ), array( 'coach', 'no_show', 'scheduled' ) ),
			array_map( static fn( $a ) => array( $a['actor_type'], $a['old_value'], $a['new_value'] ), $statuses ),
			'the echoes add no status change'
		);
		$this->assertSame( (string) $coach, array_values( array_filter( self::audit( $id ), static fn( $a ) => 'coach' === $a['actor_type'] ) )[0]['actor_user_id'] );
		$marked_at = array_values( array_filter( self::audit( $id ), static fn( $a ) => 'coach' === $a['actor_type'] && 'coach_mark_at' === $a['field'] ) );
		$this->assertNotEmpty( $marked_at );
		foreach ( $marked_at as $a ) {
			$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/', (string) $a['new_value'], 'a coach\'s audit rows hold times in RFC 3339, as Calendly\'s do' );
		}
	}

	public function test_without_two_way_no_show_a_mark_tells_calendly_nothing(): void {
		$host   = self::email( 'coach' ); // The coach hosts the session: a coach marks the sessions they host.
		$coach  = self::createUser( $host, null, 'tfsp_coach' );
		$booked = self::control( 'book', array( 'email' => self::email(), 'start_time' => gmdate( 'Y-m-d\TH:00:00\Z', time() - 7200 ), 'host_email' => $host ) );
		self::waitIdle();
		$id     = (int) self::session( $booked['invitee_uri'] )['id'];
		$result = self::plugin( 'mark', array( $id, 'no_show', $coach ) );
		$this->assertSame( 'no_show', $result['status'] );
		$this->assertNull( $result['calendly'], 'the core asked for no outbound action' );
		$invitee = self::fake( 'GET', '/scheduled_events/' . $booked['event_uuid'] . '/invitees/' . $booked['invitee_uuid'], null, $status, self::env( 'FAKE_CALENDLY_TOKEN' ) );
		$this->assertNull( $invitee['resource']['no_show'] );
	}
}
