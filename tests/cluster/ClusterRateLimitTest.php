<?php
// SPDX-License-Identifier: MIT
/**
 * The rate limit of failed verifications is one count for all web nodes: bad
 * signatures from one address sent to the two nodes in turn are refused
 * (429) once the one limit is reached, on both nodes.
 */
final class ClusterRateLimitTest extends StackTestCase {
	use ClusterNodes;

	private const LIMIT = 60;

	private function badTo( string $node ): int {
		$body = Fixtures::encode( $this->fixtures->load( 'invitee_created' ) );
		$ch   = curl_init( $node . '/wp-json/tfsp-calendly/v1/webhook' );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_POST           => true,
				CURLOPT_POSTFIELDS     => $body,
				CURLOPT_HTTPHEADER     => array( 'Content-Type: application/json', 'X-Forwarded-For: ' . $this->client, 'Expect:', 'Calendly-Webhook-Signature: ' . self::signature( $body, null, 'wrong-key-0123456789abcdef' ) ),
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_TIMEOUT        => 30,
			)
		);
		curl_exec( $ch );
		$status = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
		curl_close( $ch );
		return $status;
	}

	public function test_bad_signatures_sent_to_both_nodes_share_one_limit(): void {
		$this->requireCluster();
		[ $web1, $web2 ] = self::webNodes();
		$statuses        = array();
		// The window is a calendar minute: start early in one, so that all of it falls in that one
		// window (about 60 requests take 2 s here).  Counted per node, each node would see half
		// of them and the first 429 would come only after twice the limit.
		if ( time() % 60 > 30 ) {
			sleep( 61 - time() % 60 );
		}
		$window = intdiv( time(), 60 );
		for ( $i = 0; $i < 2 * self::LIMIT + 2 && ! in_array( 429, $statuses, true ); $i++ ) {
			$statuses[] = $this->badTo( 0 === $i % 2 ? $web1 : $web2 );
		}
		$this->assertSame( $window, intdiv( time(), 60 ), 'the flood fell in one window' );
		$this->assertContains( 429, $statuses, 'the flood over two nodes is refused' );
		$this->assertSame( array( 401, 429 ), array_values( array_unique( $statuses ) ) );
		$this->assertLessThanOrEqual( self::LIMIT + 1, count( array_filter( $statuses, static fn( $s ) => 401 === $s ) ), 'one count for both nodes: refused after the limit, not after twice the limit' );
		$this->assertSame( 429, $this->badTo( $web1 ), 'web1 refuses the address' );
		$this->assertSame( 429, $this->badTo( $web2 ), 'web2 refuses the address' );
	}
}
