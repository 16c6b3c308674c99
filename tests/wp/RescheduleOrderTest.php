<?php
// SPDX-License-Identifier: MIT
/**
 * A reschedule (cancel of the old invitee, create of the new one) gives two
 * linked rows whichever arrives first, and the same rows in both orders.
 */
final class RescheduleOrderTest extends StackTestCase {

	/** @return array{0:?array,1:?array,2:Fixtures} old row, new row, fixtures */
	private function reschedule( bool $old_first ): array {
		$fixtures = new Fixtures();
		$old      = $fixtures->load( 'reschedule_old_canceled' );
		$new      = $fixtures->load( 'reschedule_new_created' );
		$this->assertSame( $new['payload']['uri'], $old['payload']['new_invitee'], 'the fixtures name each other' );
		foreach ( $old_first ? array( $old, $new ) : array( $new, $old ) as $payload ) {
			$r = $this->deliver( Fixtures::encode( $payload ) );
			$this->assertSame( 200, $r['status'], $r['body'] );
			$this->assertSame( 'processed', $r['json']['status'] );
		}
		return array( self::session( $old['payload']['uri'] ), self::session( $new['payload']['uri'] ), $fixtures, $old, $new );
	}

	/** @dataProvider orders */
	public function test_two_linked_rows( bool $old_first ): void {
		[ $old_row, $new_row, , $old, $new ] = $this->reschedule( $old_first );
		$this->assertNotNull( $old_row );
		$this->assertNotNull( $new_row );
		$this->assertSame( 'rescheduled', $old_row['status'] );
		$this->assertSame( '1', $old_row['reschedule_canceled'] );
		$this->assertSame( $new['payload']['uri'], $old_row['rescheduled_to_uri'] );
		$this->assertSame( 'scheduled', $new_row['status'] );
		$this->assertSame( $old['payload']['uri'], $new_row['rescheduled_from_uri'] );
		$this->assertSame( '1', $new_row['booked'] );
		$this->assertNotSame( $old_row['calendly_event_id'], $new_row['calendly_event_id'], 'a reschedule makes a new event' );
	}

	public function test_both_orders_give_the_same_rows(): void {
		[ $old_a, $new_a, $fx_a ] = $this->reschedule( true );
		[ $old_b, $new_b, $fx_b ] = $this->reschedule( false );
		$this->assertSame( self::comparable( $old_a, $fx_a ), self::comparable( $old_b, $fx_b ) );
		$this->assertSame( self::comparable( $new_a, $fx_a ), self::comparable( $new_b, $fx_b ) );
	}

	public function test_the_first_end_alone_already_links_its_peer(): void {
		$old = $this->fixtures->load( 'reschedule_old_canceled' );
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $old ) )['status'] );
		$peer = self::session( $old['payload']['new_invitee'] );
		$this->assertNotNull( $peer, 'the other end is created from the link' );
		$this->assertSame( $old['payload']['uri'], $peer['rescheduled_from_uri'] );
	}

	/**
	 * A -> B -> C with every delivery of A -> B lost: B's cancellation names
	 * C and, as the invitee it was itself rescheduled from, A. A's row
	 * becomes rescheduled to B, and the chain reads A -> B -> C.
	 */
	public function test_a_lost_reschedule_is_linked_by_the_next_one(): void {
		$a = $this->fixtures->load( 'invitee_created' );
		$b = $this->fixtures->load( 'reschedule_old_canceled' );
		$c = $this->fixtures->load( 'reschedule_new_created' );
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $a ) )['status'] );
		$this->assertSame( 'scheduled', self::session( $a['payload']['uri'] )['status'] );

		$b['payload']['old_invitee'] = $a['payload']['uri'];
		foreach ( array( $b, $c ) as $payload ) {
			$r = $this->deliver( Fixtures::encode( $payload ) );
			$this->assertSame( 200, $r['status'], $r['body'] );
		}
		$rows = array_map( fn ( $p ) => self::session( $p['payload']['uri'] ), array( $a, $b, $c ) );
		$this->assertSame( array( 'rescheduled', 'rescheduled', 'scheduled' ), array_column( $rows, 'status' ) );
		$this->assertSame( $b['payload']['uri'], $rows[0]['rescheduled_to_uri'] );
		$this->assertSame( '1', $rows[0]['reschedule_canceled'] );
		$this->assertSame( $a['payload']['uri'], $rows[1]['rescheduled_from_uri'] );
		$this->assertSame( $c['payload']['uri'], $rows[1]['rescheduled_to_uri'] );
		$this->assertSame( $b['payload']['uri'], $rows[2]['rescheduled_from_uri'] );
	}

	public static function orders(): array {
		return array(
			'old invitee canceled first' => array( true ),
			'new invitee created first'  => array( false ),
		);
	}
}
