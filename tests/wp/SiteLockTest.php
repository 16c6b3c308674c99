<?php
// SPDX-License-Identifier: MIT
/**
 * Job locks are per site: two sites on one MariaDB server with the same table prefix but
 * different databases (production and staging, typically) never block each other's jobs,
 * while the same site's jobs still exclude each other.  Lock names stay within MariaDB's
 * 64 characters however long the database name and prefix are.
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
		$long = str_repeat( 'staging_portal_', 5 );
		$a    = self::holdLock( self::otherDatabase(), 'health', $long . 'a_' );
		try {
			$this->assertMatchesRegularExpression( '/^held \S+$/', $a[2], 'MariaDB accepts the name' );
			$name = substr( $a[2], 5 );
			$this->assertLessThanOrEqual( 64, strlen( $name ) );
			$b = self::holdLock( self::otherDatabase(), 'health', $long . 'b_' );
			try {
				$this->assertStringStartsWith( 'held ', $b[2], 'prefixes that differ only after 64 characters get locks of their own' );
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
}
