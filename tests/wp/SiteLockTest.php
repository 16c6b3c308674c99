<?php
// SPDX-License-Identifier: MIT
/**
 * Job locks are per site: two sites on one MariaDB server with the same table prefix but
 * different databases (production and staging, typically) never block each other's jobs,
 * while the same site's jobs still exclude each other.  A lock is a lease row in the site's
 * own {prefix}tfsp_calendly_leases table (created by the first job that finds none); lease
 * names stay within 64 characters however long the database name and prefix are.
 */
final class SiteLockTest extends StackTestCase {

	/** The database of the "other site": the one the stack grants its user besides its own. */
	private static function otherDatabase(): string {
		return self::env( 'DB_NAME' ) . '_test';
	}

	public static function tearDownAfterClass(): void {
		self::exec( 'DROP DATABASE IF EXISTS `' . self::otherDatabase() . '`' );
		parent::tearDownAfterClass();
	}

	/** A delivery whose ledger row is old enough for retention to clear its raw body. */
	private function oldDelivery(): string {
		$p = $this->fixtures->load( 'invitee_created' );
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $p ) )['status'] );
		self::exec( 'UPDATE ' . self::table( 'tfsp_calendly_events' ) . ' SET last_received = UTC_TIMESTAMP() - INTERVAL 400 DAY WHERE invitee_uri = ?', array( $p['payload']['uri'] ) );
		return $p['payload']['uri'];
	}

	private function retention(): void {
		[ $code, $out, $err ] = self::php( 'run-cron.php', array( 'tfsp_calendly_retention' ) );
		$this->assertSame( 0, $code, $err . $out );
	}

	public function test_another_database_with_the_same_prefix_does_not_block_the_site(): void {
		self::exec( 'CREATE DATABASE IF NOT EXISTS `' . self::otherDatabase() . '`' );
		$uri  = $this->oldDelivery();
		$held = self::holdLock( self::otherDatabase(), 'retention' );
		try {
			$this->assertStringStartsWith( 'held ', $held[2], 'the other site takes its own retention lock' );
			$this->retention();
			$this->assertNull( self::ledger( $uri )[0]['raw_body'], 'the site\'s retention ran while the other site held its lock' );
		} finally {
			self::releaseLock( $held );
		}
	}

	public function test_the_same_site_still_excludes_itself(): void {
		$uri  = $this->oldDelivery();
		$held = self::holdLock( self::env( 'DB_NAME' ), 'retention' );
		try {
			$this->assertStringStartsWith( 'held ', $held[2] );
			$this->retention();
			$this->assertNotNull( self::ledger( $uri )[0]['raw_body'], 'another process of this site holds the lock' );
		} finally {
			self::releaseLock( $held );
		}
		$this->retention();
		$this->assertNull( self::ledger( $uri )[0]['raw_body'] );
	}

	public function test_long_database_names_and_prefixes_stay_within_64_characters_and_apart(): void {
		self::exec( 'CREATE DATABASE IF NOT EXISTS `' . self::otherDatabase() . '`' );
		// As long as a prefix can be (its lease table's name within MariaDB's 64 characters), and
		// long enough that "tfsp_calendly:<database>:<prefix>:health" is over 64.
		$long = str_repeat( 'staging_portal_', 2 ) . 'long_';
		$a    = self::holdLock( self::otherDatabase(), 'health', $long . 'a_' );
		try {
			$this->assertMatchesRegularExpression( '/^held \S+$/', $a[2], 'MariaDB accepts the name' );
			$name = substr( $a[2], 5 );
			$this->assertLessThanOrEqual( 64, strlen( $name ) );
			$b = self::holdLock( self::otherDatabase(), 'health', $long . 'b_' );
			try {
				$this->assertStringStartsWith( 'held ', $b[2], 'prefixes whose names are hashed get locks of their own' );
				$this->assertNotSame( $name, substr( $b[2], 5 ) );
			} finally {
				self::releaseLock( $b );
			}
			$same = self::holdLock( self::otherDatabase(), 'health', $long . 'a_' );
			try {
				$this->assertSame( 'busy ' . $name, $same[2], 'the same site and job is the same lock' );
			} finally {
				self::releaseLock( $same );
			}
		} finally {
			self::releaseLock( $a );
		}
	}
	/** The lease row of one of the stack site's jobs. */
	private static function lease( string $job ): array {
		$name = 'tfsp_calendly:' . self::env( 'DB_NAME' ) . ':' . self::env( 'DB_PREFIX' ) . ':' . $job;
		$rows = self::rows( 'SELECT name, owner, expires_at, expires_at - UNIX_TIMESTAMP() AS seconds_left FROM ' . self::table( 'tfsp_calendly_leases' ) . ' WHERE name = ?', array( $name ) );
		return $rows[0] ?? array( 'name' => $name );
	}

	public function test_a_lease_held_through_another_database_node_blocks_until_it_expires_and_a_job_frees_its_lease(): void {
		$uri  = $this->oldDelivery();
		$name = self::lease( 'retention' )['name'];
		// A holder connected to another database node (of a Galera cluster) whose process died:
		// its connection cannot be seen from here, so only its expiry frees the lease.
		self::exec(
			'INSERT INTO ' . self::table( 'tfsp_calendly_leases' ) . " (name, owner, expires_at, holder_server, holder_connection)
			VALUES (?, 'dead-holder', UNIX_TIMESTAMP() + 600, 'db2.example.org:3306/wp@%', 12345)
			ON DUPLICATE KEY UPDATE owner = 'dead-holder', expires_at = UNIX_TIMESTAMP() + 600, holder_server = 'db2.example.org:3306/wp@%', holder_connection = 12345",
			array( $name )
		);
		$this->retention();
		$this->assertNotNull( self::ledger( $uri )[0]['raw_body'], 'a lease that has not expired keeps the job from running' );
		$this->assertSame( 'dead-holder', self::lease( 'retention' )['owner'], 'and is not taken over' );

		self::exec( 'UPDATE ' . self::table( 'tfsp_calendly_leases' ) . ' SET expires_at = UNIX_TIMESTAMP() - 1 WHERE name = ?', array( $name ) );
		$this->retention();
		$this->assertNull( self::ledger( $uri )[0]['raw_body'], 'an expired lease is taken: the job ran' );
		$after = self::lease( 'retention' );
		$this->assertSame( '', $after['owner'], 'the job freed its lease when it ended' );
		$this->assertSame( '0', (string) $after['expires_at'] );
	}

	public function test_a_held_lease_has_an_owner_and_expires_within_the_lease_time(): void {
		$held = self::holdLock( self::env( 'DB_NAME' ), 'retention' );
		try {
			$this->assertStringStartsWith( 'held ', $held[2] );
			$lease = self::lease( 'retention' );
			$this->assertSame( substr( $held[2], 5 ), $lease['name'] );
			$this->assertMatchesRegularExpression( '/^[0-9a-f]{32}$/', $lease['owner'], 'a random owner token per claim' );
			$this->assertGreaterThan( 800, (int) $lease['seconds_left'], 'Database::LEASE_SECONDS (900) by the server\'s clock' );
			$this->assertLessThanOrEqual( 900, (int) $lease['seconds_left'] );
			$again = self::holdLock( self::env( 'DB_NAME' ), 'retention' );
			try {
				$this->assertStringStartsWith( 'busy ', $again[2], 'a second holder of the same site is refused' );
			} finally {
				self::releaseLock( $again );
			}
			$this->assertSame( $lease['owner'], self::lease( 'retention' )['owner'], 'the refused claim changed nothing' );
		} finally {
			self::releaseLock( $held );
		}
		$this->assertSame( '', self::lease( 'retention' )['owner'], 'released when the holder let go' );
	}
	public function test_a_holder_killed_on_this_database_server_is_taken_over_at_once(): void {
		$uri  = $this->oldDelivery();
		$held = self::holdLock( self::env( 'DB_NAME' ), 'retention' );
		$this->assertStringStartsWith( 'held ', $held[2] );
		$this->retention();
		$this->assertNotNull( self::ledger( $uri )[0]['raw_body'], 'held by a live process: the job does not run' );
		// The holder dies without releasing (SIGKILL): its connection closes, its row stays.
		[ $proc, $pipes ] = $held;
		proc_terminate( $proc, 9 );
		fclose( $pipes[0] );
		fclose( $pipes[1] );
		proc_close( $proc );
		$this->assertNotSame( '', self::lease( 'retention' )['owner'], 'the dead holder\'s lease is still in its row' );
		$this->assertGreaterThan( 60, (int) self::lease( 'retention' )['seconds_left'], 'and has not expired' );
		$this->retention();
		$this->assertNull( self::ledger( $uri )[0]['raw_body'], 'its connection is gone: the job took the lease over and ran' );
		$this->assertSame( '', self::lease( 'retention' )['owner'] );
	}
}
