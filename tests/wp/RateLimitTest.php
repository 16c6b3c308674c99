<?php
// SPDX-License-Identifier: MIT
/**
 * A flood of bad signatures from one address is refused with 429 for the rest
 * of the minute, while validly signed deliveries from that same address are
 * never refused, and other addresses are not affected.
 */
final class RateLimitTest extends StackTestCase {

	private const LIMIT = 60;

	public function test_a_flood_of_bad_signatures_then_valid_deliveries_from_the_same_address(): void {
		$bad = Fixtures::encode( $this->fixtures->load( 'invitee_created' ) );
		$statuses = array();
		// The window is a calendar minute: at most two windows fill before a 429 shows.
		for ( $i = 0; $i < 2 * self::LIMIT + 2 && ! in_array( 429, $statuses, true ); $i++ ) {
			$statuses[] = $this->deliver( $bad, null, 'wrong-key-0123456789abcdef' )['status'];
		}
		$this->assertContains( 429, $statuses, 'the flood is refused' );
		$this->assertSame( array( 401, 429 ), array_values( array_unique( $statuses ) ), 'only 401 until the limit, then 429' );
		$this->assertGreaterThanOrEqual( self::LIMIT, count( array_filter( $statuses, static fn( $s ) => 401 === $s ) ) );

		$refused = $this->deliver( $bad, null, 'wrong-key-0123456789abcdef' );
		$this->assertSame( 429, $refused['status'] );
		$this->assertSame( 'tfsp_calendly_rate_limited', $refused['json']['code'] );
		$this->assertArrayHasKey( 'retry-after', $refused['headers'] );

		// Valid deliveries from the flooded address go through, every one of them.
		for ( $i = 0; $i < 5; $i++ ) {
			$p = ( new Fixtures() )->load( 'invitee_created' );
			$r = $this->deliver( Fixtures::encode( $p ) );
			$this->assertSame( 200, $r['status'], $r['body'] );
			$this->assertSame( 'processed', $r['json']['status'] );
			$this->assertSame( 'scheduled', self::session( $p['payload']['uri'] )['status'] );
		}
		// Stale but authentic deliveries are not refused either.
		$this->assertSame( 202, $this->deliver( Fixtures::encode( ( new Fixtures() )->load( 'invitee_created' ) ), time() - 3600 )['status'] );

		// Another address is still judged on its own.
		$this->client = '2001:db8:ffff::' . dechex( random_int( 1, 0xffff ) );
		$this->assertSame( 401, $this->deliver( $bad, null, 'wrong-key-0123456789abcdef' )['status'] );
	}

	public function test_forwarded_for_is_ignored_from_an_untrusted_peer(): void {
		// With no trusted proxy, X-Forwarded-For is not believed: the address is REMOTE_ADDR.
		self::putSetting( 'trusted_proxies', '[]' );
		try {
			$window = time() - time() % 60;
			$this->deliver( 'x', null, 'wrong-key-0123456789abcdef' );
			$rows = self::rows( 'SELECT client_address FROM ' . self::table( 'tfsp_calendly_throttle' ) . ' WHERE client_address = ? AND window_start >= ?', array( $this->client, $window ) );
			$this->assertSame( array(), $rows );
		} finally {
			self::putSetting( 'trusted_proxies', '["127.0.0.1","::1"]' );
		}
	}

	public function test_bad_signatures_are_counted_by_reason(): void {
		$before = self::counters();
		$this->post( 'x', array() );
		$this->post( 'x', array( 'Calendly-Webhook-Signature' => 'nonsense' ) );
		$this->deliver( 'x', null, 'wrong-key-0123456789abcdef' );
		$after = self::counters();
		foreach ( array( 'signature_missing', 'signature_malformed', 'signature_mismatch' ) as $key ) {
			$this->assertSame( ( $before[ $key ] ?? 0 ) + 1, $after[ $key ] ?? 0, $key );
		}
	}

	/** @return array<string,int> */
	private static function counters(): array {
		$rows = self::rows( 'SELECT counter_key, counter_value FROM ' . self::table( 'tfsp_calendly_counters' ) );
		return array_map( 'intval', array_column( $rows, 'counter_value', 'counter_key' ) );
	}
}
