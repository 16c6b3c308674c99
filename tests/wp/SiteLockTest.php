<?php
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

	/**
	 * Starts support/hold-lock.php; returns [process, stdin pipe, first line].
	 *
	 * @return array{0:resource,1:resource,2:string}
	 */
	private static function hold( string $database, string $job, ?string $prefix = null ): array {
		$cmd = array( PHP_BINARY, '-d', 'extension=' . self::env( 'CALSYNC_EXTENSION' ), __DIR__ . '/support/hold-lock.php', self::env( 'WP_PATH' ), $database, $job );
		if ( null !== $prefix ) {
			$cmd[] = $prefix;
		}
		$proc = proc_open( $cmd, array( 0 => array( 'pipe', 'r' ), 1 => array( 'pipe', 'w' ), 2 => array( 'file', '/dev/null', 'w' ) ), $pipes );
		$line = trim( (string) fgets( $pipes[1] ) );
		return array( $proc, $pipes, $line );
	}

	private static function release( array $held ): void {
		[ $proc, $pipes ] = $held;
		fclose( $pipes[0] );
		fclose( $pipes[1] );
		proc_close( $proc );
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
		$held = self::hold( self::otherDatabase(), 'retention' );
		try {
			$this->assertStringStartsWith( 'held ', $held[2], 'the other site takes its own retention lock' );
			$this->retention();
			$this->assertNull( self::ledger( $uri )[0]['raw_body'], 'the site\'s retention ran while the other site held its lock' );
		} finally {
			self::release( $held );
		}
	}

	public function test_the_same_site_still_excludes_itself(): void {
		$uri  = $this->oldDelivery();
		$held = self::hold( self::env( 'DB_NAME' ), 'retention' );
		try {
			$this->assertStringStartsWith( 'held ', $held[2] );
			$this->retention();
			$this->assertNotNull( self::ledger( $uri )[0]['raw_body'], 'another process of this site holds the lock' );
		} finally {
			self::release( $held );
		}
		$this->retention();
		$this->assertNull( self::ledger( $uri )[0]['raw_body'] );
	}

	public function test_long_database_names_and_prefixes_stay_within_64_characters_and_apart(): void {
		self::exec( 'CREATE DATABASE IF NOT EXISTS `' . self::otherDatabase() . '`' );
		$long = str_repeat( 'staging_portal_', 5 );
		$a    = self::hold( self::otherDatabase(), 'health', $long . 'a_' );
		try {
			$this->assertMatchesRegularExpression( '/^held \S+$/', $a[2], 'MariaDB accepts the name' );
			$name = substr( $a[2], 5 );
			$this->assertLessThanOrEqual( 64, strlen( $name ) );
			$b = self::hold( self::otherDatabase(), 'health', $long . 'b_' );
			try {
				$this->assertStringStartsWith( 'held ', $b[2], 'prefixes that differ only after 64 characters get locks of their own' );
				$this->assertNotSame( $name, substr( $b[2], 5 ) );
			} finally {
				self::release( $b );
			}
			$same = self::hold( self::otherDatabase(), 'health', $long . 'a_' );
			try {
				$this->assertSame( 'busy ' . $name, $same[2], 'the same site and job is the same lock' );
			} finally {
				self::release( $same );
			}
		} finally {
			self::release( $a );
		}
	}
}
