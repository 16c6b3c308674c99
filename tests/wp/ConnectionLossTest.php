<?php
// SPDX-License-Identifier: MIT
/**
 * A connection to MariaDB lost in the middle of a delivery's transaction
 * (a restart, a killed connection, a failed-over database node): the
 * delivery is stored whole or not at all, and never answered 2xx when it is
 * not stored.
 *
 * wpdb, when the server has gone away, connects again and runs the statement
 * once more on the new connection, where autocommit is on; inside a
 * transaction that would commit the rest of the work without what came
 * before.  A must-use plugin written for the test cuts the site's own
 * connection (KILL CONNECTION) just before a chosen statement of a request
 * that asks for it with a header, so the loss falls at an exact point.
 */
final class ConnectionLossTest extends StackTestCase {

	private string $mu_plugin;

	protected function setUp(): void {
		parent::setUp();
		$this->mu_plugin = self::env( 'WP_PATH' ) . '/wp-content/mu-plugins/tfsp-test-connection-loss.php';
		file_put_contents(
			$this->mu_plugin,
			<<<'PHP'
<?php
// Written by tests/wp/ConnectionLossTest.php; removed when the test ends.
// A request with "X-Tfsp-Test-Cut: <table>" loses its database connection just
// before its first INSERT or UPDATE of that table (with "X-Tfsp-Test-Rollback: 1",
// its transaction is rolled back there instead).
$tfsp_test_cut = isset( $_SERVER['HTTP_X_TFSP_TEST_CUT'] ) ? (string) $_SERVER['HTTP_X_TFSP_TEST_CUT'] : '';
if ( '' !== $tfsp_test_cut ) {
	add_filter(
		'query',
		static function ( $query ) use ( $tfsp_test_cut ) {
			global $wpdb;
			static $done = false;
			$table = $wpdb->prefix . $tfsp_test_cut;
			if ( ! $done && preg_match( '/^\s*(INSERT|UPDATE)\b[^(]*?\b' . preg_quote( $table, '/' ) . '\b/i', $query ) ) {
				$done = true;
				if ( isset( $_SERVER['HTTP_X_TFSP_TEST_ROLLBACK'] ) ) {
					// What the server does to a deadlock's victim (on Galera, to a transaction
					// another node's commit aborts), with the error lost on the way: the
					// transaction is rolled back, and the request goes on.
					mysqli_query( $wpdb->dbh, 'ROLLBACK' );
				} else {
					mysqli_query( $wpdb->dbh, 'KILL CONNECTION ' . (int) mysqli_thread_id( $wpdb->dbh ) );
				}
			}
			return $query;
		}
	);
}
PHP
		);
	}

	protected function tearDown(): void {
		@unlink( $this->mu_plugin );
		parent::tearDown();
	}

	/** @return array<int,array{0:string}> The tables a fresh booking's transaction writes, in order. */
	public static function cuts(): array {
		return array(
			'before the session row' => array( 'tfsp_coach_sessions' ),
			'before the audit rows'  => array( 'tfsp_session_audit' ),
		);
	}

	/** @dataProvider cuts */
	public function test_a_delivery_cut_mid_transaction_is_stored_whole_once_retried( string $table ): void {
		$p    = $this->fixtures->load( 'invitee_created' );
		$uri  = $p['payload']['uri'];
		$body = Fixtures::encode( $p );
		$t    = time();

		$cut = $this->post( $body, array( 'Calendly-Webhook-Signature' => self::signature( $body, $t ), 'X-Tfsp-Test-Cut' => $table ) );
		$session = self::session( $uri );
		if ( $cut['status'] >= 200 && $cut['status'] < 300 ) {
			// Answered as stored: then all of it must be there.
			$this->assertNotNull( $session, 'a 2xx answer for a delivery whose session row is missing: ' . $cut['body'] );
		} else {
			$this->assertGreaterThanOrEqual( 500, $cut['status'], 'a lost connection is a server error, which Calendly retries: ' . $cut['body'] );
			$this->assertNull( $session, 'a delivery answered 5xx left its session row' );
			$this->assertSame( array(), self::ledger( $uri ), 'a delivery answered 5xx left a ledger row' );
		}

		// Calendly's retry of the same delivery.
		$again = $this->deliver( $body, $t );
		$this->assertSame( 200, $again['status'], $again['body'] );
		$session = self::session( $uri );
		$this->assertNotNull( $session );
		$this->assertSame( 'scheduled', $session['status'] );

		$ledger = self::ledger( $uri );
		$this->assertCount( 1, $ledger );
		$this->assertSame( 'processed', $ledger[0]['outcome'] );
		$accepted = ( $cut['status'] >= 200 && $cut['status'] < 300 ) ? 2 : 1;
		$this->assertSame( (string) $accepted, $ledger[0]['deliveries'], 'deliveries counts the deliveries the site stored, each once' );

		// The audit trail is the one a delivery without a loss writes.
		$reference = ( new Fixtures() )->load( 'invitee_created' );
		$this->deliver( Fixtures::encode( $reference ) );
		$expected = array_map( static fn( array $r ): string => (string) $r['field'], self::audit( (int) self::session( $reference['payload']['uri'] )['id'] ) );
		$actual   = array_map( static fn( array $r ): string => (string) $r['field'], self::audit( (int) $session['id'] ) );
		$this->assertNotSame( array(), $expected );
		$this->assertSame( $expected, $actual, 'no audit entry lost or doubled' );
	}

	public function test_after_a_cut_the_next_request_is_served(): void {
		$p    = $this->fixtures->load( 'invitee_created' );
		$body = Fixtures::encode( $p );
		$this->post( $body, array( 'Calendly-Webhook-Signature' => self::signature( $body ), 'X-Tfsp-Test-Cut' => 'tfsp_session_audit' ) );
		$other = ( new Fixtures() )->load( 'invitee_created' );
		$next  = $this->deliver( Fixtures::encode( $other ) );
		$this->assertSame( 'processed', $next['json']['status'] ?? null, $next['body'] );
	}

	/**
	 * A lease's holder that lost its connection looks gone to a claimer on
	 * its server, which takes the lease at once; the old holder must not go
	 * on working on a new connection while the new holder runs the job.
	 */
	public function test_a_lease_holder_that_lost_its_connection_does_not_work_on(): void {
		$database = self::env( 'DB_NAME' );
		$first    = self::holdLock( $database, 'tfsp-test-connection-loss', null, true );
		$this->assertStringStartsWith( 'held ', $first[2] );
		$name = substr( $first[2], 5 );
		$rows = self::rows( 'SELECT holder_connection FROM ' . self::table( 'tfsp_calendly_leases' ) . ' WHERE name = ?', array( $name ) );
		$this->assertCount( 1, $rows );
		self::exec( 'KILL CONNECTION ' . (int) $rows[0]['holder_connection'] );

		$second = self::holdLock( $database, 'tfsp-test-connection-loss' );
		try {
			$this->assertSame( 'held ' . $name, $second[2], 'a holder whose connection is gone is taken over at once' );
			fclose( $first[1][0] ); // The first holder goes on: one query, then it lets go.
			$rest = (string) stream_get_contents( $first[1][1] );
			fclose( $first[1][1] );
			proc_close( $first[0] );
			$this->assertStringNotContainsString( 'queried', $rest, 'the old holder reconnected and worked on while another held the lease' );
			$held = self::rows( 'SELECT holder_connection FROM ' . self::table( 'tfsp_calendly_leases' ) . ' WHERE name = ?', array( $name ) );
			$this->assertNotSame( $rows[0]['holder_connection'], $held[0]['holder_connection'], 'the new holder keeps the lease' );
		} finally {
			self::releaseLock( $second );
		}
	}

	/**
	 * A transaction the server rolled back in the middle (a deadlock's
	 * victim, or on Galera one that another node's commit aborted) whose
	 * error some code swallowed: the statements after it must not be
	 * committed on their own; the commit sees the transaction is not the one
	 * begun and the whole delivery is tried again.
	 *
	 * @dataProvider cuts
	 */
	public function test_a_transaction_rolled_back_midway_is_tried_again_whole( string $table ): void {
		$p    = $this->fixtures->load( 'invitee_created' );
		$uri  = $p['payload']['uri'];
		$body = Fixtures::encode( $p );
		$last = (int) self::rows( 'SELECT COALESCE(MAX(id), 0) AS id FROM ' . self::table( 'tfsp_session_audit' ) )[0]['id'];
		$cut  = $this->post(
			$body,
			array(
				'Calendly-Webhook-Signature' => self::signature( $body ),
				'X-Tfsp-Test-Cut'            => $table,
				'X-Tfsp-Test-Rollback'       => '1',
			)
		);
		$this->assertSame( 200, $cut['status'], $cut['body'] );
		$this->assertSame( 'processed', $cut['json']['status'] ?? null );
		$session = self::session( $uri );
		$this->assertNotNull( $session, 'answered processed, so the session row is there' );
		$ledger = self::ledger( $uri );
		$this->assertCount( 1, $ledger );
		$this->assertSame( '1', $ledger[0]['deliveries'] );

		$reference = ( new Fixtures() )->load( 'invitee_created' );
		$this->deliver( Fixtures::encode( $reference ) );
		$expected = array_map( static fn( array $r ): string => (string) $r['field'], self::audit( (int) self::session( $reference['payload']['uri'] )['id'] ) );
		$actual   = array_map( static fn( array $r ): string => (string) $r['field'], self::audit( (int) $session['id'] ) );
		$this->assertSame( $expected, $actual, 'no audit entry lost or doubled' );
		$orphans = self::rows( 'SELECT COUNT(*) AS n FROM ' . self::table( 'tfsp_session_audit' ) . ' a LEFT JOIN ' . self::table( 'tfsp_coach_sessions' ) . ' s ON s.id = a.session_id WHERE a.id > ? AND s.id IS NULL', array( $last ) );
		$this->assertSame( '0', (string) $orphans[0]['n'], 'no audit entry of a session that is not there' );
	}
}
