<?php
// SPDX-License-Identifier: MIT
/**
 * The core's Calendly client follows WordPress's outbound rules, like
 * WordPress's own HTTP API: WP_PROXY_* (with the bypass list), and
 * WP_HTTP_BLOCK_EXTERNAL / WP_ACCESSIBLE_HOSTS, and never an environment
 * proxy.  Through the admin's own path: Settings > "Test the connection"
 * (admin-post.php, php-fpm), which asks Calendly GET /users/me.
 *
 * The stack's tinyproxy (PROXY_URL, Basic auth, log PROXY_LOG) is the
 * proxy.  WordPress never proxies or blocks its own host, which the fake
 * shares, so the fake is addressed as 127.0.0.2 (FAKE_CALENDLY_ALT_URL)
 * here.  The constants are defined in wp-config-local.php, which the stack's
 * wp-config.php loads first; php-fpm's pool has http_proxy, https_proxy,
 * HTTPS_PROXY, ALL_PROXY and all_proxy pointing at the same tinyproxy, so a
 * request that followed them would show in its log (and be refused with 407,
 * having no credentials).
 */
final class ProxyTest extends CalendlyTestCase {

	private ?string $api_base = null;

	protected function setUp(): void {
		parent::setUp();
		$rows           = self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = 'api_base'" );
		$this->api_base = $rows[0]['setting_value'] ?? null;
		self::putSetting( 'api_base', self::env( 'FAKE_CALENDLY_ALT_URL' ) );
	}

	protected function tearDown(): void {
		self::undefineForSite();
		@unlink( self::probeFile() );
		if ( null === $this->api_base ) {
			self::deleteSetting( 'api_base' );
		} else {
			self::putSetting( 'api_base', $this->api_base );
		}
		parent::tearDown();
	}

	private static function probeFile(): string {
		return self::env( 'WP_PATH' ) . '/wp-content/mu-plugins/tfsp-test-proxy-probe.php';
	}

	private static function reachable(): array {
		return array(
			'WP_HTTP_BLOCK_EXTERNAL' => true,
			'WP_ACCESSIBLE_HOSTS'    => '127.0.0.1, localhost, 127.0.0.2',
		);
	}

	/** Lines of the proxy's log that name a request to the fake's 127.0.0.2 address. */
	private static function proxied(): array {
		$log = (string) @file_get_contents( self::env( 'PROXY_LOG' ) );
		$alt = self::env( 'FAKE_CALENDLY_ALT_URL' );
		return array_values( array_filter( explode( "\n", $log ), static fn( string $l ) => str_contains( $l, 'Request (' ) && str_contains( $l, $alt . '/' ) ) );
	}

	/** REST requests the fake received at 127.0.0.2. */
	private static function fakeRequestsAtAlt(): int {
		return (int) ( self::fakeState()['api_requests']['127.0.0.2'] ?? 0 );
	}

	/**
	 * Settings > "Test the connection", as the admin clicks it; the result the page records.
	 *
	 * @return array{record:array,page:string}
	 */
	private static function testConnection(): array {
		self::deleteSetting( '_connection_test' );
		$settings = self::adminPage( 'admin.php?page=tfsp-calendly-settings' )['body'];
		self::assertSame( 1, preg_match( '/name="_wpnonce" value="([0-9a-f]+)"/', $settings, $m ), 'the settings form has its nonce' );
		$status = self::postAdminForm(
			array(
				'action'       => 'tfsp_calendly_save_settings',
				'_wpnonce'     => $m[1],
				'tfsp_connect' => '1',
			),
			self::admin()['cookie'],
			'tfsp-calendly-settings'
		)['status'];
		self::assertSame( 302, $status, 'the form redirects back to the settings page' );
		$rows = self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_connection_test'" );
		self::assertNotEmpty( $rows, 'the connection test recorded its result' );
		return array(
			'record' => (array) json_decode( $rows[0]['setting_value'], true ),
			'page'   => html_entity_decode( self::adminPage( 'admin.php?page=tfsp-calendly-settings' )['body'], ENT_QUOTES ),
		);
	}

	private function assertConnected( array $result, string $how ): void {
		$this->assertTrue( (bool) ( $result['record']['ok'] ?? false ), "$how: the connection test succeeds: " . json_encode( $result['record'] ) );
		$this->assertStringNotContainsString( self::env( 'PROXY_PASSWORD' ), json_encode( $result['record'] ) . $result['page'], "$how: the proxy password is shown nowhere" );
	}

	public function test_a_request_goes_through_the_proxy_with_its_credentials(): void {
		self::defineForSite( self::reachable() + self::proxyConstants() );
		$before = count( self::proxied() );
		$result = self::testConnection();
		$this->assertConnected( $result, 'through the proxy' );
		$lines = array_slice( self::proxied(), $before );
		$this->assertNotEmpty( $lines, 'the proxy log shows the request to 127.0.0.2' );
		$this->assertStringContainsString( 'GET ' . self::env( 'FAKE_CALENDLY_ALT_URL' ) . '/users/me', implode( "\n", $lines ) );
		$this->assertStringNotContainsString( self::env( 'PROXY_PASSWORD' ), (string) @file_get_contents( self::env( 'STACK_LOGS' ) . '/php-errors.log' ) . (string) @file_get_contents( self::env( 'STACK_LOGS' ) . '/wp-debug.log' ), 'the proxy password is in no log' );
	}

	public function test_a_host_of_the_bypass_list_is_called_directly(): void {
		foreach ( array( 'calendly.example, 127.0.0.2', '*.example.org, 127.0.0.*' ) as $bypass ) {
			self::defineForSite( self::reachable() + self::proxyConstants() + array( 'WP_PROXY_BYPASS_HOSTS' => $bypass ) );
			$before = count( self::proxied() );
			$direct = self::fakeRequestsAtAlt();
			$result = self::testConnection();
			$this->assertConnected( $result, "bypass $bypass" );
			$this->assertSame( array(), array_slice( self::proxied(), $before ), "bypass $bypass: no request went through the proxy" );
			$this->assertGreaterThan( $direct, self::fakeRequestsAtAlt(), "bypass $bypass: the fake was asked directly at 127.0.0.2" );
		}
	}

	public function test_a_blocked_host_gets_a_clear_error_and_no_request(): void {
		// WP_HTTP_BLOCK_EXTERNAL on, 127.0.0.2 not accessible; a proxy set, which must not be asked either.
		self::defineForSite(
			array(
				'WP_HTTP_BLOCK_EXTERNAL' => true,
				'WP_ACCESSIBLE_HOSTS'    => '127.0.0.1,localhost,*.example.org',
			) + self::proxyConstants()
		);
		$before = count( self::proxied() );
		$direct = self::fakeRequestsAtAlt();
		$result = self::testConnection();
		$this->assertFalse( (bool) ( $result['record']['ok'] ?? true ), 'the connection test fails' );
		$error = (string) ( $result['record']['error'] ?? '' );
		$this->assertStringContainsString( 'blocks outbound requests to 127.0.0.2', $error, 'the error names the host and the reason' );
		$this->assertStringContainsString( 'WP_ACCESSIBLE_HOSTS', $error );
		$this->assertStringContainsString( 'blocks outbound requests to 127.0.0.2', $result['page'], 'the admin sees it' );
		$this->assertSame( array(), array_slice( self::proxied(), $before ), 'nothing went to the proxy' );
		$this->assertSame( $direct, self::fakeRequestsAtAlt(), 'nothing reached the fake' );
	}

	public function test_environment_proxies_of_the_pool_are_ignored(): void {
		self::defineForSite( self::reachable() );
		// First, that the pool's environment proxies are live: WordPress's own
		// HTTP API (whose curl reads them) goes to the proxy, without credentials.
		$probe = <<<'PHP'
<?php
// Written by tests/wp/ProxyTest.php; removed when it ends.
if ( isset( $_GET['tfsp_proxy_probe'] ) ) {
	add_action(
		'init',
		static function () {
			$answer = wp_remote_get( (string) wp_unslash( $_GET['tfsp_proxy_probe'] ), array( 'timeout' => 20 ) );
			header( 'Content-Type: application/json' );
			echo wp_json_encode(
				array(
					'env'    => array( getenv( 'http_proxy' ), getenv( 'https_proxy' ), getenv( 'HTTPS_PROXY' ), getenv( 'ALL_PROXY' ) ),
					'status' => is_wp_error( $answer ) ? $answer->get_error_message() : wp_remote_retrieve_response_code( $answer ),
				)
			);
			exit;
		}
	);
}
PHP;
		file_put_contents( self::probeFile(), $probe );
		$before = count( self::proxied() );
		$ch     = curl_init( self::env( 'WP_URL' ) . '/?tfsp_proxy_probe=' . rawurlencode( self::env( 'FAKE_CALENDLY_ALT_URL' ) . '/_control/switches' ) );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_TIMEOUT        => 60,
			)
		);
		$probed = json_decode( (string) curl_exec( $ch ), true );
		curl_close( $ch );
		unlink( self::probeFile() );
		$proxy = self::env( 'PROXY_URL' );
		$this->assertSame( array( $proxy, $proxy, $proxy, $proxy ), $probed['env'] ?? null, 'the pool has the environment proxies' );
		$this->assertSame( 407, $probed['status'] ?? null, "WordPress's own HTTP API followed them to the proxy: " . json_encode( $probed ) );
		$this->assertNotEmpty( array_slice( self::proxied(), $before ), 'and the proxy logged it' );

		// The plugin's client, with no WP_PROXY_* defined: straight to the fake.
		$before = count( self::proxied() );
		$direct = self::fakeRequestsAtAlt();
		$this->assertConnected( self::testConnection(), 'environment proxies set' );
		$this->assertSame( array(), array_slice( self::proxied(), $before ), 'the client did not use the environment proxy' );
		$this->assertGreaterThan( $direct, self::fakeRequestsAtAlt(), 'the fake was asked directly at 127.0.0.2' );
	}

	public function test_the_filters_decide_as_they_do_for_wordpress(): void {
		// pre_http_send_through_proxy answering false: a proxied host is asked directly.
		self::defineForSite( self::reachable() + self::proxyConstants() );
		file_put_contents( self::probeFile(), "<?php\n// Written by tests/wp/ProxyTest.php; removed when it ends.\nadd_filter( 'pre_http_send_through_proxy', static fn( \$use, \$uri, \$check ) => '127.0.0.2' === ( \$check['host'] ?? '' ) ? false : \$use, 10, 3 );\n" );
		$before = count( self::proxied() );
		$direct = self::fakeRequestsAtAlt();
		$this->assertConnected( self::testConnection(), 'pre_http_send_through_proxy false' );
		$this->assertSame( array(), array_slice( self::proxied(), $before ), 'the filter kept the request off the proxy' );
		$this->assertGreaterThan( $direct, self::fakeRequestsAtAlt(), 'the fake was asked directly' );

		// block_local_requests: the site's own host (the fake's 127.0.0.1 address) is blocked only when the filter says so.
		self::putSetting( 'api_base', self::env( 'FAKE_CALENDLY_URL' ) );
		self::defineForSite( array( 'WP_HTTP_BLOCK_EXTERNAL' => true, 'WP_ACCESSIBLE_HOSTS' => 'calendly.example' ) );
		unlink( self::probeFile() );
		$this->assertConnected( self::testConnection(), 'the site\'s own host, never blocked by default' );
		file_put_contents( self::probeFile(), "<?php\n// Written by tests/wp/ProxyTest.php; removed when it ends.\nadd_filter( 'block_local_requests', '__return_true' );\n" );
		$result = self::testConnection();
		$this->assertFalse( (bool) ( $result['record']['ok'] ?? true ), 'block_local_requests true blocks the site\'s own host' );
		$this->assertStringContainsString( 'blocks outbound requests to 127.0.0.1', (string) ( $result['record']['error'] ?? '' ) );
	}
}
