<?php
// SPDX-License-Identifier: MIT
/**
 * The same invitee's events posted at once (with duplicates) end in the same
 * state as posted one by one: the row lock and the ledger serialise them.
 */
final class ConcurrentDeliveryTest extends StackTestCase {

	private const EVENTS = array( 'invitee_created', 'no_show_created', 'no_show_deleted', 'invitee_canceled' );

	/** @return string[] bodies of one invitee's history */
	private static function history( Fixtures $fixtures ): array {
		return array_map( static fn( $name ) => Fixtures::encode( $fixtures->load( $name ) ), self::EVENTS );
	}

	public function test_concurrent_deliveries_end_like_sequential_ones(): void {
		$serial = new Fixtures();
		foreach ( self::history( $serial ) as $body ) {
			$this->assertSame( 200, $this->deliver( $body )['status'] );
		}
		$uri      = $serial->load( 'invitee_created' )['payload']['uri'];
		$expected = self::comparable( self::session( $uri ), $serial );

		for ( $round = 0; $round < 3; $round++ ) {
			$parallel = new Fixtures();
			$bodies   = self::history( $parallel );
			// Every event twice, in a shuffled order, all at once.
			$bodies = array_merge( $bodies, $bodies );
			shuffle( $bodies );
			$results = $this->postAll( $bodies );
			foreach ( $results as $r ) {
				$this->assertSame( 200, $r['status'], $r['body'] );
				$this->assertContains( $r['json']['status'], array( 'processed', 'duplicate' ) );
			}
			$this->assertSame( count( self::EVENTS ), count( array_filter( $results, static fn( $r ) => 'processed' === $r['json']['status'] ) ), 'each event is applied once' );

			$puri = $parallel->load( 'invitee_created' )['payload']['uri'];
			$this->assertSame( $expected, self::comparable( self::session( $puri ), $parallel ) );
			$ledger = self::ledger( $puri );
			$this->assertCount( count( self::EVENTS ), $ledger );
			$this->assertSame( 2 * count( self::EVENTS ), array_sum( array_column( $ledger, 'deliveries' ) ) );
		}
	}

	public function test_concurrent_first_events_of_a_reschedule_pair(): void {
		$fixtures = new Fixtures();
		$old      = $fixtures->load( 'reschedule_old_canceled' );
		$new      = $fixtures->load( 'reschedule_new_created' );
		$results  = $this->postAll( array( Fixtures::encode( $old ), Fixtures::encode( $new ), Fixtures::encode( $old ), Fixtures::encode( $new ) ) );
		foreach ( $results as $r ) {
			$this->assertSame( 200, $r['status'], $r['body'] );
		}
		$this->assertSame( 'rescheduled', self::session( $old['payload']['uri'] )['status'] );
		$this->assertSame( $old['payload']['uri'], self::session( $new['payload']['uri'] )['rescheduled_from_uri'] );
	}

	/** @return array<int,array{status:int,json:mixed,body:string}> */
	private function postAll( array $bodies ): array {
		$multi   = curl_multi_init();
		$handles = array();
		foreach ( $bodies as $i => $body ) {
			$handles[ $i ] = $this->handle( $body, array( 'Calendly-Webhook-Signature' => self::signature( $body ) ) );
			curl_multi_add_handle( $multi, $handles[ $i ] );
		}
		do {
			$status = curl_multi_exec( $multi, $running );
			if ( $running ) {
				curl_multi_select( $multi, 1.0 );
			}
		} while ( $running && CURLM_OK === $status );
		$results = array();
		foreach ( $handles as $i => $ch ) {
			$raw = (string) curl_multi_getcontent( $ch );
			curl_multi_remove_handle( $multi, $ch );
			$results[ $i ] = self::finish( $ch, $raw );
		}
		curl_multi_close( $multi );
		return $results;
	}
}
