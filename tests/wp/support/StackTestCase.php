<?php
// SPDX-License-Identifier: MIT
/**
 * Base of the tests: HTTP against the running stack, signing with hash_hmac
 * (independent of the C core), the database through mysqli, and PHP
 * subprocesses with WordPress loaded for what must run in-process.
 */

use PHPUnit\Framework\TestCase;

abstract class StackTestCase extends TestCase {

	private static ?mysqli $db = null;

	/** The client address of this test, sent as X-Forwarded-For through the trusted loopback proxy. */
	protected string $client;

	protected Fixtures $fixtures;

	protected function setUp(): void {
		$this->client   = sprintf( '2001:db8:%x:%x::%x', random_int( 1, 0xffff ), random_int( 1, 0xffff ), random_int( 1, 0xffff ) );
		$this->fixtures = new Fixtures();
	}

	public static function env( string $name ): string {
		return CALSYNC_TEST_ENV[ $name ];
	}

	public static function db(): mysqli {
		if ( null === self::$db ) {
			mysqli_report( MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT );
			self::$db = new mysqli( 'localhost', self::env( 'DB_USER' ), self::env( 'DB_PASSWORD' ), self::env( 'DB_NAME' ), 0, self::env( 'DB_SOCKET' ) );
			self::$db->set_charset( 'utf8mb4' );
			if ( '3' === ( CALSYNC_TEST_ENV['DB_NODES'] ?? '1' ) ) {
				// Galera: the test's reads wait until db1 has applied what other nodes committed (the plugin never does this).
				self::$db->query( 'SET SESSION wsrep_sync_wait = 1' );
			}
		}
		return self::$db;
	}

	/** Drops the test's database connection (after MariaDB was restarted); the next query connects again. */
	public static function disconnect(): void {
		if ( null !== self::$db ) {
			try {
				self::$db->close();
			} catch ( \Throwable $e ) {
				unset( $e ); // Already gone with the server.
			}
			self::$db = null;
		}
	}

	public static function table( string $name ): string {
		return self::env( 'DB_PREFIX' ) . $name;
	}

	/** @return array<int,array<string,mixed>> */
	public static function rows( string $sql, array $params = array() ): array {
		$stmt = self::db()->prepare( $sql );
		if ( $params ) {
			$stmt->bind_param( str_repeat( 's', count( $params ) ), ...array_map( 'strval', $params ) );
		}
		$stmt->execute();
		$result = $stmt->get_result();
		$rows = $result ? $result->fetch_all( MYSQLI_ASSOC ) : array();
		// Values as text, the way WordPress's wpdb returns them.
		return array_map( static fn( array $row ) => array_map( static fn( $v ) => null === $v ? null : (string) $v, $row ), $rows );
	}

	public static function exec( string $sql, array $params = array() ): void {
		self::rows( $sql, $params );
	}

	/** Lets tests choose their client address (X-Forwarded-For) by trusting the loopback proxy during the run. */
	public static function trustLoopbackProxy(): void {
		$table = self::table( 'tfsp_calendly_settings' );
		$old   = self::rows( "SELECT setting_value FROM $table WHERE setting_key = 'trusted_proxies'" );
		self::putSetting( 'trusted_proxies', '["127.0.0.1","::1"]' );
		register_shutdown_function(
			static function () use ( $old ): void {
				if ( $old ) {
					self::putSetting( 'trusted_proxies', $old[0]['setting_value'] );
				} else {
					self::exec( 'DELETE FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = 'trusted_proxies'" );
				}
			}
		);
	}

	/** The must-use plugin through which a test pins wp-config constants (removed by unpinConstants()). */
	private static function pinFile(): string {
		return self::env( 'WP_PATH' ) . '/wp-content/mu-plugins/tfsp-test-pinned-constants.php';
	}

	/**
	 * Defines constants for every request of the stack until unpinConstants(), the way
	 * wp-config.php would (a must-use plugin, loaded before the plugin reads its settings).
	 *
	 * @param array<string,string> $constants Name => value.
	 */
	public static function pinConstants( array $constants ): void {
		self::writeConstants( self::pinFile(), $constants, 'unpinConstants' );
	}

	public static function unpinConstants(): void {
		if ( file_exists( self::pinFile() ) ) {
			unlink( self::pinFile() );
		}
	}

	/** wp-config-local.php, which the stack's wp-config.php reads first thing. */
	private static function localConfig(): string {
		return self::env( 'WP_PATH' ) . '/wp-config-local.php';
	}

	/**
	 * Defines constants for every request of the site, first thing in wp-config.php (before
	 * WordPress's own defaults: WP_PROXY_*, WP_HTTP_BLOCK_EXTERNAL), until undefineForSite().
	 *
	 * @param array<string,mixed> $constants Name => value.
	 */
	public static function defineForSite( array $constants ): void {
		self::writeConstants( self::localConfig(), $constants, 'undefineForSite' );
	}

	public static function undefineForSite(): void {
		if ( file_exists( self::localConfig() ) ) {
			unlink( self::localConfig() );
		}
	}

	/** The WP_PROXY_* constants of the stack's tinyproxy. */
	public static function proxyConstants(): array {
		$proxy = (array) parse_url( self::env( 'PROXY_URL' ) );
		return array(
			'WP_PROXY_HOST'     => $proxy['host'],
			'WP_PROXY_PORT'     => (string) $proxy['port'],
			'WP_PROXY_USERNAME' => self::env( 'PROXY_USER' ),
			'WP_PROXY_PASSWORD' => self::env( 'PROXY_PASSWORD' ),
		);
	}

	/** Writes a PHP file of define()s at once (by a rename), removed by $remove at the latest when the run ends. */
	private static function writeConstants( string $file, array $constants, string $remove ): void {
		$php = "<?php\n// Written by a test of tests/wp; removed when it ends.\n";
		foreach ( $constants as $name => $value ) {
			$php .= 'define( ' . var_export( $name, true ) . ', ' . var_export( $value, true ) . " );\n";
		}
		file_put_contents( $file . '.tmp', $php );
		rename( $file . '.tmp', $file );
		register_shutdown_function( array( self::class, $remove ) );
	}

	/** Stores a non-secret setting in its stored form (what the settings page would write). */
	public static function putSetting( string $name, string $stored ): void {
		self::exec(
			'INSERT INTO ' . self::table( 'tfsp_calendly_settings' ) . ' (setting_key, setting_value, created_at, updated_at) VALUES (?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())
			ON DUPLICATE KEY UPDATE setting_value = VALUES(setting_value), updated_at = VALUES(updated_at)',
			array( $name, $stored )
		);
	}

	public static function deleteSetting( string $name ): void {
		self::exec( 'DELETE FROM ' . self::table( 'tfsp_calendly_settings' ) . ' WHERE setting_key = ?', array( $name ) );
	}

	public static function signature( string $body, ?int $t = null, ?string $key = null ): string {
		$t ??= time();
		return 't=' . $t . ',v1=' . hash_hmac( 'sha256', $t . '.' . $body, $key ?? self::env( 'CALENDLY_SIGNING_KEY' ) );
	}

	/**
	 * POSTs a body to the webhook route.
	 *
	 * @param array<string,string> $headers Extra headers (name => value); null values are left out.
	 * @return array{status:int,json:mixed,body:string,headers:array<string,string>}
	 */
	protected function post( string $body, array $headers ): array {
		$ch = $this->handle( $body, $headers );
		return self::finish( $ch, (string) curl_exec( $ch ) );
	}

	/** POSTs a body signed with the stack's key (or as told). */
	protected function deliver( string $body, ?int $t = null, ?string $key = null ): array {
		return $this->post( $body, array( 'Calendly-Webhook-Signature' => self::signature( $body, $t, $key ) ) );
	}

	/** A curl handle for the webhook route, for curl_multi. */
	protected function handle( string $body, array $headers ) {
		$ch   = curl_init( self::env( 'WEBHOOK_URL' ) );
		$list = array( 'Content-Type: application/json', 'X-Forwarded-For: ' . $this->client, 'Expect:' );
		foreach ( $headers as $name => $value ) {
			if ( null !== $value ) {
				$list[] = $name . ': ' . $value;
			}
		}
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_POST           => true,
				CURLOPT_POSTFIELDS     => $body,
				CURLOPT_HTTPHEADER     => $list,
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_HEADER         => true,
				CURLOPT_TIMEOUT        => 30,
			)
		);
		return $ch;
	}

	/** @return array{status:int,json:mixed,body:string,headers:array<string,string>} */
	protected static function finish( $ch, string $raw ): array {
		$status = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
		$size   = (int) curl_getinfo( $ch, CURLINFO_HEADER_SIZE );
		$head   = substr( $raw, 0, $size );
		$body   = substr( $raw, $size );
		$headers = array();
		foreach ( explode( "\r\n", $head ) as $line ) {
			if ( str_contains( $line, ':' ) ) {
				[ $name, $value ]                     = explode( ':', $line, 2 );
				$headers[ strtolower( trim( $name ) ) ] = trim( $value );
			}
		}
		curl_close( $ch );
		return array(
			'status'  => $status,
			'json'    => json_decode( $body, true ),
			'body'    => $body,
			'headers' => $headers,
		);
	}

	protected static function session( string $uri ): ?array {
		$rows = self::rows( 'SELECT * FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE calendly_uri = ?', array( $uri ) );
		return $rows[0] ?? null;
	}

	/** @return array<int,array<string,mixed>> Ledger rows of one invitee. */
	protected static function ledger( string $invitee_uri ): array {
		return self::rows( 'SELECT * FROM ' . self::table( 'tfsp_calendly_events' ) . ' WHERE invitee_uri = ? ORDER BY id', array( $invitee_uri ) );
	}

	/**
	 * What identifies one delivery, read from its body (raw or redacted, both keep it): the
	 * event name, the invitee URI and the envelope's created_at.
	 */
	protected static function deliveryIdentity( ?string $body ): string {
		$json = null === $body ? null : json_decode( $body, true );
		if ( ! is_array( $json ) ) {
			return 'unparsed:' . hash( 'sha256', (string) $body );
		}
		return hash( 'sha256', json_encode( array( $json['event'] ?? null, $json['payload']['uri'] ?? null, $json['created_at'] ?? null ) ) );
	}

	/** The ledger row that stores exactly this body, if any. */
	protected static function ledgerByBody( string $body ): ?array {
		$rows = self::rows( 'SELECT * FROM ' . self::table( 'tfsp_calendly_events' ) . ' WHERE raw_body = ?', array( $body ) );
		return $rows[0] ?? null;
	}

	/** @return array<int,array<string,mixed>> */
	protected static function audit( int $session_id ): array {
		return self::rows( 'SELECT * FROM ' . self::table( 'tfsp_session_audit' ) . ' WHERE session_id = ? ORDER BY id', array( $session_id ) );
	}

	/**
	 * Runs a PHP script of tests/wp/support with the stack's WordPress.
	 *
	 * @return array{0:int,1:string,2:string} exit code, stdout, stderr.
	 */
	protected static function php( string $script, array $args = array(), bool $with_extension = true ): array {
		$cmd = array( PHP_BINARY );
		if ( $with_extension ) {
			$cmd[] = '-d';
			$cmd[] = 'extension=' . self::env( 'CALSYNC_EXTENSION' );
		}
		$cmd[] = __DIR__ . '/' . $script;
		$cmd[] = self::env( 'WP_PATH' );
		foreach ( $args as $arg ) {
			$cmd[] = (string) $arg;
		}
		$proc = proc_open( $cmd, array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ), $pipes );
		$out  = stream_get_contents( $pipes[1] );
		$err  = stream_get_contents( $pipes[2] );
		fclose( $pipes[1] );
		fclose( $pipes[2] );
		return array( proc_close( $proc ), (string) $out, (string) $err );
	}

	/** The stack's folder: CALSYNC_STACK, as scripts/test and scripts/test-wp use it, else the env file's. */
	protected static function stackDir(): string {
		$dir = getenv( 'CALSYNC_STACK' );
		if ( is_string( $dir ) && '' !== $dir ) {
			return $dir;
		}
		return dirname( (string) ( getenv( 'CALSYNC_STACK_ENV' ) ?: CALSYNC_TEST_ROOT . '/.stack/env' ) );
	}

	/** scripts/stack COMMAND ARGS... (db-down, db-up, extension off|on) on the stack under test. */
	protected static function stack( string ...$command ): void {
		$env                    = getenv();
		$env['CALSYNC_STACK']   = self::stackDir();
		$env['CALSYNC_DB_PORT'] = CALSYNC_TEST_ENV['DB_PORT'] ?? ( $env['CALSYNC_DB_PORT'] ?? '33306' );
		$proc                   = proc_open( array_merge( array( CALSYNC_TEST_ROOT . '/scripts/stack' ), $command ), array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ), $pipes, CALSYNC_TEST_ROOT, $env );
		$out                    = stream_get_contents( $pipes[1] ) . stream_get_contents( $pipes[2] );
		fclose( $pipes[1] );
		fclose( $pipes[2] );
		$code = proc_close( $proc );
		if ( 0 !== $code ) {
			throw new RuntimeException( 'scripts/stack ' . implode( ' ', $command ) . " failed ($code): $out" );
		}
	}

	/**
	 * Takes one of the plugin's job locks in a process of its own (support/hold-lock.php), as
	 * the site on DATABASE with PREFIX (default: the stack's) would, until releaseLock().
	 *
	 * With $query_after, the holder runs one query before it lets go and prints "queried" when
	 * it was answered.
	 *
	 * @return array{0:resource,1:array,2:string} process, pipes, "held NAME" or "busy NAME".
	 */
	protected static function holdLock( string $database, string $job, ?string $prefix = null, bool $query_after = false ): array {
		$cmd = array( PHP_BINARY, '-d', 'extension=' . self::env( 'CALSYNC_EXTENSION' ), __DIR__ . '/hold-lock.php', self::env( 'WP_PATH' ), $database, $job );
		if ( null !== $prefix ) {
			$cmd[] = $prefix;
		}
		$env = getenv();
		if ( $query_after ) {
			$env['TFSP_TEST_QUERY_AFTER'] = '1';
		}
		$proc = proc_open( $cmd, array( 0 => array( 'pipe', 'r' ), 1 => array( 'pipe', 'w' ), 2 => array( 'file', '/dev/null', 'w' ) ), $pipes, null, $env );
		$line = trim( (string) fgets( $pipes[1] ) );
		return array( $proc, $pipes, $line );
	}

	/** Ends a holdLock() process: closing its stdin makes it release the lock and exit. */
	protected static function releaseLock( array $held ): void {
		[ $proc, $pipes ] = $held;
		fclose( $pipes[0] );
		fclose( $pipes[1] );
		proc_close( $proc );
	}

	/** Creates a WordPress user with this e-mail (and optional alias); returns its id. */
	protected static function createUser( string $email, ?string $alias = null, string $role = 'subscriber' ): int {
		[ $code, $out, $err ] = self::php( 'create-user.php', array( $email, $alias ?? '', $role ) );
		self::assertSame( 0, $code, $err . $out );
		return (int) trim( $out );
	}

	/** A unique e-mail address for one test. */
	protected static function email( string $who = 'student' ): string {
		return $who . '.' . bin2hex( random_bytes( 5 ) ) . '@example.org';
	}

	/**
	 * The part of a session row that must not depend on arrival order or
	 * repetition: everything but the id, the bookkeeping times and
	 * webhook_data (which holds the last payload received), with the test's
	 * fresh UUIDs mapped back to the fixture's.
	 */
	protected static function comparable( ?array $row, Fixtures $fixtures ): ?array {
		if ( null === $row ) {
			return null;
		}
		unset( $row['id'], $row['created_at'], $row['updated_at'], $row['webhook_data'] );
		return $fixtures->normalize( $row );
	}
}
