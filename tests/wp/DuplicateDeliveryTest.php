<?php
// SPDX-License-Identifier: MIT
/**
 * A repeated delivery changes nothing and is counted in the ledger's
 * deliveries of the one row that holds it.
 */
final class DuplicateDeliveryTest extends StackTestCase {

	public function test_the_same_delivery_twice_is_a_counted_duplicate(): void {
		$p    = $this->fixtures->load( 'invitee_created' );
		$body = Fixtures::encode( $p );
		$t    = time();
		$this->assertSame( 'processed', $this->deliver( $body, $t )['json']['status'] );
		$row   = self::session( $p['payload']['uri'] );
		$audit = self::audit( (int) $row['id'] );

		$again = $this->deliver( $body, $t );
		$this->assertSame( 200, $again['status'] );
		$this->assertSame( 'duplicate', $again['json']['status'] );
		// A retry that Calendly signed again with a fresh t is the same delivery too.
		$resigned = $this->deliver( $body, $t + 1 );
		$this->assertSame( 'duplicate', $resigned['json']['status'] );

		$ledger = self::ledger( $p['payload']['uri'] );
		$this->assertCount( 1, $ledger );
		$this->assertSame( '3', $ledger[0]['deliveries'] );
		$this->assertSame( 'processed', $ledger[0]['outcome'] );
		$this->assertSame( $row, self::session( $p['payload']['uri'] ), 'the row is untouched' );
		$this->assertSame( $audit, self::audit( (int) $row['id'] ), 'no audit entries are added' );
	}

	public function test_a_duplicate_after_later_events_does_not_undo_them(): void {
		$created  = Fixtures::encode( $this->fixtures->load( 'invitee_created' ) );
		$canceled = $this->fixtures->load( 'invitee_canceled' );
		$this->deliver( $created );
		$this->deliver( Fixtures::encode( $canceled ) );
		$this->assertSame( 'duplicate', $this->deliver( $created )['json']['status'] );
		$this->assertSame( 'canceled', self::session( $canceled['payload']['uri'] )['status'] );
	}

	public function test_a_repeated_ignored_delivery_is_counted_and_stays_ignored(): void {
		$body = Fixtures::encode( $this->fixtures->load( 'other_event' ) );
		$this->deliver( $body );
		$this->assertSame( 'ignored', $this->deliver( $body )['json']['status'] );
		$this->assertSame( '2', self::ledgerByBody( $body )['deliveries'] );
	}
}
