<?php
// SPDX-License-Identifier: MIT
/**
 * A MariaDB restart in the middle of a burst: deliveries during the outage
 * get a 5xx, the fake's retries bring them in, nothing is lost or doubled;
 * run under both readings of the OPEN question whether Calendly refreshes t
 * on a retry (switch refresh_t_on_retry), with an outage longer than the
 * signature tolerance (lowered to a few seconds for the test).  When t is
 * not refreshed the late retries are stale: kept, answered 2xx, and resolved
 * by the stale look-up through the API, never from their bodies.
 *
 * MariaDB is stopped and started with `scripts/stack db-down|db-up` on the
 * stack the tests run against (CALSYNC_STACK); `scripts/stack up` would also
 * re-provision the site and replace its subscription, dropping the very
 * retries under test.
 */
final class DatabaseOutageTest extends CalendlyTestCase {

	/** Signature tolerance during the test (seconds); the outage lasts longer. */
	private const TOLERANCE = 5;

	/** Seconds MariaDB stays down, counted from when it has stopped. */
	private const OUTAGE = self::TOLERANCE + 4;

	/** Whether this process stopped MariaDB and has not started it again. */
	private static bool $down = false;

	/** Whether restoreDatabase() is registered to run at exit. */
	private static bool $guarded = false;

	private ?array $saved_switches = null;

	/** @var array{0:bool,1:?string}|null Whether signature_tolerance was stored, and its stored value. */
	private ?array $saved_tolerance = null;

	protected function tearDown(): void {
		$problems = array();
		try {
			self::stack( 'db-up' ); // Whatever happened: MariaDB runs again.
			self::$down = false;
		} catch ( \Throwable $e ) {
			$problems[] = 'MariaDB could not be started again: ' . $e->getMessage();
		}
		self::disconnect();
		try {
			if ( null !== $this->saved_tolerance ) {
				if ( $this->saved_tolerance[0] ) {
					self::putSetting( 'signature_tolerance', (string) $this->saved_tolerance[1] );
				} else {
					self::deleteSetting( 'signature_tolerance' );
				}
			}
		} catch ( \Throwable $e ) {
			$problems[] = 'signature_tolerance not restored: ' . $e->getMessage();
		}
		try {
			// Retries still under way (a failed test) must not reach later tests.
			if ( ! ( self::fake( 'GET', '/_control/idle?timeout=20' )['idle'] ?? false ) ) {
				self::control( 'reset', array( 'keep_subscriptions' => true ) );
			}
			if ( null !== $this->saved_switches ) {
				self::switches( $this->saved_switches );
			}
		} catch ( \Throwable $e ) {
			$problems[] = 'fake Calendly not restored: ' . $e->getMessage();
		}
		parent::tearDown();
		if ( $problems ) {
			throw new RuntimeException( implode( '; ', $problems ) );
		}
	}

	public function test_a_restart_mid_burst_loses_nothing_when_t_is_refreshed_on_retry(): void {
		$this->burst_through_an_outage( true );
	}

	public function test_a_restart_mid_burst_loses_nothing_when_t_is_not_refreshed_on_retry(): void {
		$this->burst_through_an_outage( false );
	}

	private function burst_through_an_outage( bool $refresh ): void {
		$started = microtime( true );
		self::resetFake();
		$webhook = self::env( 'WEBHOOK_URL' );
		$this->assertTrue( (bool) ( self::fake( 'GET', '/_control/idle?timeout=120' )['idle'] ?? false ), 'deliveries of earlier tests are done' );
		$this->assertSame( array(), json_decode( self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = 'event_types'" )[0]['setting_value'] ?? '[]', true ), 'all event types count' );
		$subs = array_values( array_filter( self::fakeState()['webhook_subscriptions'], static fn( $s ) => $s['callback_url'] === $webhook && 'active' === $s['state'] ) );
		$this->assertCount( 1, $subs, 'the site is subscribed at the fake Calendly' );

		$this->saved_switches  = self::control( 'switches', array(), 'GET' );
		$stored                = self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = 'signature_tolerance'" );
		$this->saved_tolerance = array( (bool) $stored, $stored[0]['setting_value'] ?? null );
		self::putSetting( 'signature_tolerance', (string) self::TOLERANCE );
		self::switches(
			array(
				'refresh_t_on_retry'         => $refresh,
				'retry_base_seconds'         => 1, // Retries within seconds, not minutes.
				'retry_cap_seconds'          => 2,
				'retry_window_seconds'       => 86400,
				'time_scale'                 => 1,
				'sender_concurrency'         => 4,
				'shuffle'                    => false,
				'duplicate_rate'             => 0,
				'webhook_deliveries_enabled' => true,
				'embed_scheduled_event'      => true,
				'response_timeout_seconds'   => 30,
			)
		);

		$since     = (int) self::control( 'deliveries?since=' . PHP_INT_MAX, array(), 'GET' )['last_id'];
		$max_id    = static fn( string $table ) => (int) self::rows( 'SELECT COALESCE(MAX(id), 0) AS m FROM ' . self::table( $table ) )[0]['m'];
		$ledger_id = $max_id( 'tfsp_calendly_events' );
		$audit_id  = $max_id( 'tfsp_session_audit' );
		$run       = bin2hex( random_bytes( 4 ) );
		$tag       = "outage.$run.";
		$n         = 0;
		$book      = static function () use ( $tag, &$n ): array {
			++$n;
			return array(
				'op'         => 'book',
				'email'      => $tag . $n . '@example.org',
				'name'       => "Outage Student $n",
				'start_time' => gmdate( 'Y-m-d\TH:00:00\Z', ( intdiv( time(), 86400 ) + 2 + $n % 20 ) * 86400 + ( 14 + $n % 6 ) * 3600 ),
			);
		};
		$move      = static fn( string $uri ) => array(
			'op'          => 'reschedule',
			'invitee_uri' => $uri,
			'start_time'  => gmdate( 'Y-m-d\TH:30:00\Z', ( intdiv( time(), 86400 ) + 25 ) * 86400 + random_int( 13, 20 ) * 3600 ),
		);

		// ---- the burst: bookings, then the database goes away while their
		// deliveries are under way and the burst goes on.
		$a = $this->batch( array_map( static fn() => $book(), range( 1, 12 ) ) );
		if ( ! self::$guarded ) {
			register_shutdown_function( array( self::class, 'restoreDatabase' ) );
			self::$guarded = true;
		}
		self::$down = true;
		self::stack( 'db-down' );
		$down_at    = microtime( true );
		self::disconnect();

		$b = $this->batch( array_map( static fn() => $book(), range( 1, 10 ) ) );
		$this->batch(
			array(
				array( 'op' => 'cancel', 'invitee_uri' => $a[0], 'canceler_type' => 'host', 'reason' => 'Coach ill' ),
				array( 'op' => 'cancel', 'invitee_uri' => $a[1] ),
				array( 'op' => 'cancel', 'invitee_uri' => $a[2], 'reason' => null ),
				$move( $a[3] ),
				$move( $a[4] ),
				array( 'op' => 'no_show', 'invitee_uri' => $a[5] ),
				array( 'op' => 'no_show', 'invitee_uri' => $a[6] ),
			)
		);
		usleep( 2000000 );
		$this->batch(
			array(
				array( 'op' => 'cancel', 'invitee_uri' => $b[0] ),
				array( 'op' => 'cancel', 'invitee_uri' => $b[1], 'canceler_type' => 'host' ),
				$move( $b[2] ),
				array( 'op' => 'no_show_delete', 'invitee_uri' => $a[6] ),
			)
		);
		usleep( (int) max( 0, ( $down_at + self::OUTAGE - microtime( true ) ) * 1e6 ) );

		// While it was down the site answered every delivery with a 5xx.
		$up_at  = microtime( true );
		$during = array_filter(
			self::control( 'deliveries?since=' . $since, array(), 'GET' )['deliveries'],
			static fn( $d ) => $d['callback_url'] === $webhook && $d['real_time'] > $down_at + 1 && $d['real_time'] < $up_at
		);
		$this->assertNotSame( array(), $during, 'deliveries were attempted during the outage' );
		$statuses = array_count_values( array_map( static fn( $d ) => (string) $d['status'], $during ) );
		$this->assertSame( array(), array_filter( array_keys( $statuses ), static fn( $s ) => (int) $s < 500 || (int) $s > 599 ), 'only 5xx while the database is down: ' . json_encode( $statuses ) );

		self::stack( 'db-up' );
		self::$down = false;
		self::disconnect();
		$this->batch(
			array(
				$book(),
				$book(),
				array( 'op' => 'cancel', 'invitee_uri' => $b[3] ),
				$move( $a[7] ),
				array( 'op' => 'no_show', 'invitee_uri' => $b[4] ),
			)
		);
		$this->assertTrue( (bool) ( self::fake( 'GET', '/_control/idle?timeout=90' )['idle'] ?? false ), 'the fake\'s retries finished' );

		// ---- what was sent, per distinct body
		$log   = self::control( 'deliveries?bodies=1&since=' . $since, array(), 'GET' )['deliveries'];
		$state = self::fakeState();
		$truth = array();
		foreach ( $state['invitees'] as $i ) {
			if ( str_starts_with( $i['email'], $tag ) ) {
				$truth[ $i['uri'] ] = $i;
			}
		}
		$this->assertCount( $n + 4, $truth, 'every booking and reschedule of the burst is at the fake' );
		$sent    = array(); // sha => [delivered attempts, failed attempts, age of the delivered attempt's t]
		$refused = 0;
		foreach ( $log as $d ) {
			if ( $d['callback_url'] !== $webhook || ! isset( $truth[ $d['invitee'] ] ) ) {
				continue;
			}
			$this->assertNotSame( 'dropped', $d['outcome'], json_encode( $d ) );
			$sent[ self::deliveryIdentity( $d['body'] ) ] ??= array( 0, 0, null );
			if ( 'delivered' === $d['outcome'] ) {
				++$sent[ self::deliveryIdentity( $d['body'] ) ][0];
				$sent[ self::deliveryIdentity( $d['body'] ) ][2] = $d['real_time'] - $d['t'];
			} else {
				$this->assertTrue( is_int( $d['status'] ) && $d['status'] >= 500 && $d['status'] <= 599, 'a refused delivery is a 5xx, never a 4xx: ' . json_encode( $d ) );
				++$sent[ self::deliveryIdentity( $d['body'] ) ][1];
				++$refused;
			}
		}
		$this->assertGreaterThan( 0, $refused, 'the outage refused deliveries' );
		$this->assertSame( array(), array_keys( array_filter( $sent, static fn( $s ) => 1 !== $s[0] ) ), 'each delivery got through exactly once' );
		$retried = array_filter( $sent, static fn( $s ) => $s[1] > 0 );
		$this->assertNotSame( array(), $retried, 'retries brought deliveries in after the restart' );
		$late = array_filter( $sent, static fn( $s ) => $s[2] > self::TOLERANCE + 1.5 );
		if ( $refresh ) {
			$this->assertSame( array(), $late, 'a refreshed t is always fresh' );
		} else {
			$this->assertNotSame( array(), $late, 'retries with the first t arrived outside the tolerance' );
		}

		// ---- the ledger: each delivery once, counted once; stale ones resolved through the API
		$ledger = array();
		foreach ( self::rows( 'SELECT id, event_name, invitee_uri, outcome, deliveries, last_error, session_id, raw_body FROM ' . self::table( 'tfsp_calendly_events' ) . ' WHERE id > ?', array( $ledger_id ) ) as $row ) {
			if ( isset( $truth[ (string) $row['invitee_uri'] ] ) && 'lookup' !== $row['event_name'] ) {
				$row['sha'] = self::deliveryIdentity( $row['raw_body'] );
				unset( $row['raw_body'] );
				$this->assertArrayNotHasKey( $row['sha'], $ledger, 'one ledger row per delivery' );
				$ledger[ $row['sha'] ] = $row;
			}
		}
		$this->assertSame( array(), array_keys( array_diff_key( $sent, $ledger ) ), 'deliveries missing from the ledger' );
		$this->assertSame( array(), array_keys( array_diff_key( $ledger, $sent ) ), 'ledger rows the fake never sent' );
		$stale_ids = array();
		foreach ( $ledger as $sha => $row ) {
			$this->assertSame( '1', $row['deliveries'], 'a refused attempt is not counted: ' . json_encode( $row ) );
			// Stale: still waiting for the look-up, or already resolved by it
			// (the stack's WP-Cron ticker may have run it meanwhile).
			$stale = 'stale' === $row['outcome'] || ( 'processed' === $row['outcome'] && str_contains( (string) $row['last_error'], 'the API\'s answer was applied instead' ) );
			if ( $stale ) {
				$stale_ids[] = (int) $row['id'];
			}
			if ( isset( $late[ $sha ] ) ) {
				$this->assertTrue( $stale, 'a retry outside the tolerance is kept as stale, not applied from its body: ' . json_encode( $row ) );
			} elseif ( $sent[ $sha ][2] < self::TOLERANCE - 1.5 ) {
				$this->assertSame( 'processed', $row['outcome'], json_encode( $row ) );
				$this->assertNull( $row['last_error'], json_encode( $row ) );
			}
		}
		if ( $refresh ) {
			$this->assertSame( array(), $stale_ids, 'nothing stale when t is refreshed' );
		}

		// Nothing of a stale body was applied; then the look-up resolves every one.
		$in = implode( ',', $stale_ids ?: array( 0 ) );
		$this->assertSame( array(), self::rows( 'SELECT id FROM ' . self::table( 'tfsp_session_audit' ) . " WHERE id > ? AND ledger_id IN ($in)", array( $audit_id ) ), 'no change comes from a stale body' );
		self::resolveStale( $stale_ids );
		foreach ( $stale_ids ? self::rows( 'SELECT id, invitee_uri, outcome, session_id, last_error FROM ' . self::table( 'tfsp_calendly_events' ) . " WHERE id IN ($in)" ) : array() as $row ) {
			$this->assertSame( 'processed', $row['outcome'], json_encode( $row ) );
			$this->assertMatchesRegularExpression( '/the API\'s answer was applied instead \(ledger #\d+\)/', (string) $row['last_error'] );
			$this->assertNotNull( $row['session_id'] );
		}
		$this->assertSame( array(), self::rows( 'SELECT id FROM ' . self::table( 'tfsp_session_audit' ) . " WHERE id > ? AND ledger_id IN ($in)", array( $audit_id ) ), 'no change comes from a stale body' );
		$this->assertSame(
			array(),
			self::rows( 'SELECT dedupe_key, COUNT(*) AS n FROM ' . self::table( 'tfsp_calendly_events' ) . ' WHERE id > ? GROUP BY dedupe_key HAVING n > 1', array( $ledger_id ) ),
			'each dedupe key once'
		);

		// ---- the sessions table equals the fake's state, invitee for invitee
		$events = array_column( $state['scheduled_events'], null, 'uri' );
		$wrong  = array();
		foreach ( $truth as $uri => $i ) {
			$expected = self::expectedSession( $i, $events[ $i['event'] ] );
			$got      = self::sessionAsExpected( $uri, $expected );
			if ( $got !== $expected ) {
				$wrong[ $uri ] = array(
					'want' => $expected,
					'got'  => $got,
				);
			}
		}
		$this->assertSame( array(), $wrong, 'rows that differ from the fake' );
		$rows = self::rows( 'SELECT id, calendly_uri FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE invitee_email LIKE ?', array( $tag . '%' ) );
		$this->assertEqualsCanonicalizing( array_keys( $truth ), array_column( $rows, 'calendly_uri' ), 'one row per invitee, none besides' );
		$statuses = array_count_values( array_map( static fn( $i ) => self::expectedSession( $i, $events[ $i['event'] ] )['status'], $truth ) );
		foreach ( array( 'scheduled', 'canceled', 'rescheduled', 'no_show' ) as $status ) {
			$this->assertArrayHasKey( $status, $statuses, "the burst has $status sessions" );
		}

		// ---- the audit trail: no entry twice, every row's status there
		$ids   = array_flip( array_column( $rows, 'id' ) );
		$seen  = array();
		$dupes = array();
		$with  = array();
		foreach ( self::rows( 'SELECT session_id, field, old_value, new_value, ledger_id FROM ' . self::table( 'tfsp_session_audit' ) . ' WHERE id > ? ORDER BY id', array( $audit_id ) ) as $entry ) {
			if ( ! isset( $ids[ $entry['session_id'] ] ) ) {
				continue;
			}
			$key = json_encode( array_values( $entry ) );
			if ( isset( $seen[ $key ] ) ) {
				$dupes[] = $entry;
			}
			$seen[ $key ] = true;
			if ( 'status' === $entry['field'] ) {
				$with[ $entry['session_id'] ] = true;
			}
		}
		$this->assertSame( array(), $dupes, 'duplicate audit entries' );
		$this->assertCount( count( $ids ), $with, 'every session has its status in the audit trail' );

		fwrite(
			STDERR,
			sprintf(
				"\ndatabase outage (refresh_t_on_retry %s): %d invitees, %d deliveries, %d refused attempts, %d retried, %d stale and resolved through the API; %.1f s\n",
				$refresh ? 'true' : 'false',
				count( $truth ),
				count( $sent ),
				$refused,
				count( $retried ),
				count( $stale_ids ),
				microtime( true ) - $started
			)
		);
	}

	/**
	 * Runs control operations in one batch; each must succeed.
	 *
	 * @return string[] The invitee each operation leaves: the booked one, the new one of a reschedule, else the one named.
	 */
	private function batch( array $ops ): array {
		$results = self::control( 'batch', array( 'ops' => $ops ) )['results'];
		$out     = array();
		foreach ( $ops as $k => $op ) {
			$r = $results[ $k ];
			$this->assertContains( $r['status'], array( 200, 201 ), $op['op'] . ': ' . json_encode( $r['body'] ) );
			$out[] = $r['body']['invitee_uri'] ?? $r['body']['new_invitee_uri'] ?? $op['invitee_uri'];
		}
		return $out;
	}

	/** At exit (a fatal error between db-down and db-up): the stack gets its database back. */
	public static function restoreDatabase(): void {
		if ( self::$down ) {
			self::stack( 'db-up' );
			self::$down = false;
		}
	}
}
