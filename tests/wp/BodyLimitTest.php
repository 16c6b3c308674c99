<?php
// SPDX-License-Identifier: MIT
/**
 * Body size is checked before WordPress copies or json-decodes the body: a 3 MB unsigned body
 * of nested arrays gets 413 from the stack's nginx (client_max_body_size 300k on the webhook
 * location), and from the plugin itself (rest_api_init) when sent through the stack's second
 * nginx server without that limit (WP_NOLIMIT_SOCKET); a body just over the 256 KiB default
 * gets the plugin's 413 through the stack.  No PHP fatal error is logged on the way.
 */
final class BodyLimitTest extends StackTestCase {

	private const LIMIT = 262144;

	/** @var array<string,int> Log file => size before the test. */
	private array $logs = array();

	protected function setUp(): void {
		parent::setUp();
		foreach ( self::logFiles() as $file ) {
			clearstatcache( true, $file );
			$this->logs[ $file ] = is_file( $file ) ? (int) filesize( $file ) : 0;
		}
	}

	private static function logFiles(): array {
		$dir = self::env( 'STACK_LOGS' );
		return array( "$dir/nginx-error.log", "$dir/php-fpm.log", "$dir/php-errors.log", "$dir/wp-debug.log" );
	}

	/** What the stack's logs gained since setUp() that is a PHP fatal error (warnings of the WP-Cron ticker's update checks may come and go). */
	private function newPhpErrors(): string {
		$found = '';
		foreach ( $this->logs as $file => $size ) {
			clearstatcache( true, $file );
			if ( ! is_file( $file ) || filesize( $file ) <= $size ) {
				continue;
			}
			$new = (string) file_get_contents( $file, false, null, $size );
			foreach ( explode( "\n", $new ) as $line ) {
				if ( preg_match( '/PHP (Fatal|Parse) error|Allowed memory size|Uncaught/i', $line ) ) {
					$found .= basename( $file ) . ': ' . substr( $line, 0, 300 ) . "\n";
				}
			}
		}
		return $found;
	}

	/** About $bytes of JSON: an array of 500,000-odd small nested arrays, which json_decode turns into a million PHP arrays. */
	private static function nestedArrays( int $bytes ): string {
		return '[' . rtrim( str_repeat( '[[1]],', intdiv( $bytes, 6 ) ), ',' ) . ']';
	}

	/** POSTs an unsigned body to the webhook route through the unix socket of the server without the limit. */
	private function postUnlimited( string $body ): array {
		$ch = curl_init( self::env( 'WEBHOOK_URL' ) );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_UNIX_SOCKET_PATH => self::env( 'WP_NOLIMIT_SOCKET' ),
				CURLOPT_POST             => true,
				CURLOPT_POSTFIELDS       => $body,
				CURLOPT_HTTPHEADER       => array( 'Content-Type: application/json', 'Expect:' ),
				CURLOPT_RETURNTRANSFER   => true,
				CURLOPT_HEADER           => true,
				CURLOPT_TIMEOUT          => 60,
			)
		);
		return self::finish( $ch, (string) curl_exec( $ch ) );
	}

	public function test_3_mb_of_nested_arrays_get_413_from_nginx(): void {
		$r = $this->post( self::nestedArrays( 3 * 1024 * 1024 ), array() );
		$this->assertSame( 413, $r['status'], substr( $r['body'], 0, 300 ) );
		$this->assertStringContainsString( 'nginx', strtolower( $r['body'] . ( $r['headers']['server'] ?? '' ) ), 'refused by the web server' );
		$this->assertSame( '', $this->newPhpErrors() );
	}

	public function test_3_mb_past_the_web_server_limit_get_the_plugins_413_with_no_php_error(): void {
		$r = $this->postUnlimited( self::nestedArrays( 3 * 1024 * 1024 ) );
		$this->assertSame( 413, $r['status'], substr( $r['body'], 0, 300 ) );
		$this->assertSame( 'tfsp_calendly_body_too_large', $r['json']['code'] ?? null, substr( $r['body'], 0, 300 ) );
		$this->assertSame( '', $this->newPhpErrors(), 'no PHP error on the way' );
	}

	public function test_a_body_just_over_the_limit_gets_the_plugins_413_through_the_stack(): void {
		$over = self::nestedArrays( self::LIMIT + 600 );
		$this->assertGreaterThan( self::LIMIT, strlen( $over ) );
		$this->assertLessThan( 300 * 1024, strlen( $over ) );
		$r = $this->post( $over, array() );
		$this->assertSame( 413, $r['status'], substr( $r['body'], 0, 300 ) );
		$this->assertSame( 'tfsp_calendly_body_too_large', $r['json']['code'] ?? null );

		// At the limit the body goes on to the signature check.
		$at = str_pad( '{"event":"invitee.created"}', self::LIMIT, ' ' );
		$r  = $this->post( $at, array() );
		$this->assertSame( 401, $r['status'], substr( $r['body'], 0, 300 ) );
		$this->assertSame( '', $this->newPhpErrors() );
	}
}
