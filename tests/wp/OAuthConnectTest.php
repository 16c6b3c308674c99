<?php
// SPDX-License-Identifier: MIT
/**
 * "Connect with Calendly" over HTTP against the fake's auth base: the
 * settings page's Connect button (admin-post.php), the fake's authorize page
 * submitted as a browser would, the callback with the admin's cookie; a
 * forged, missing, expired, replayed or foreign state refused with nothing
 * stored; PKCE under both readings of the fake's pkce_required; refresh
 * before expiry and on a 401 with rotation; a reused refresh token refused
 * and reported (Site Health, the Sync page, one alert); disconnect deletes
 * the subscription, then revokes; two PHP processes that need a refresh at
 * once send one refresh request.
 */
final class OAuthConnectTest extends CalendlyTestCase {

	private const APP_KEY = 'app-signing-key-of-the-oauth-app-0123456789';

	public static function setUpBeforeClass(): void {
		parent::setUpBeforeClass();
		self::resetFake();
	}

	protected function setUp(): void {
		parent::setUp();
		self::forgetOauth();
		self::resetFake();
		self::saveSettings(
			array(
				'tfsp[oauth_client_id]'     => self::env( 'FAKE_OAUTH_CLIENT_ID' ),
				'tfsp[oauth_client_secret]' => self::env( 'FAKE_OAUTH_CLIENT_SECRET' ),
			)
		);
	}

	protected function tearDown(): void {
		self::unpinConstants();
		self::undefineForSite();
		self::putSetting( 'auth_base', self::env( 'FAKE_CALENDLY_AUTH_URL' ) );
		self::forgetOauth();
		self::resetFake();
		self::restoreConnection();
		self::deleteSetting( '_alert_oauth_broken' );
		parent::tearDown();
	}

	/** Removes what a test's OAuth connection left (the rows of the plugin's own settings). */
	private static function forgetOauth(): void {
		foreach ( array( 'oauth_client_id', 'oauth_client_secret', '_oauth_tokens', '_oauth_broken', '_oauth_wait_until' ) as $key ) {
			self::deleteSetting( $key );
		}
		self::exec( 'DELETE FROM ' . self::table( 'tfsp_oauth_states' ) );
	}

	/** The settings page as the admin, and the nonces of its forms. */
	private static function settingsPage( ?array $as = null ): array {
		$page = self::adminPage( 'admin.php?page=tfsp-calendly-settings', $as );
		self::assertSame( 200, $page['status'] );
		$nonces = array();
		preg_match( '/<form method="post"[^>]*class="tfsp-calendly-settings">.*?name="_wpnonce" value="([0-9a-f]+)"/s', $page['body'], $m );
		$nonces['save'] = $m[1] ?? '';
		foreach ( array( 'tfsp_calendly_oauth_start', 'tfsp_calendly_oauth_disconnect' ) as $action ) {
			preg_match( '/id="tfsp-form-' . $action . '">.*?name="_wpnonce" value="([0-9a-f]+)"/s', $page['body'], $m );
			$nonces[ $action ] = $m[1] ?? '';
		}
		return $page + array( 'nonces' => $nonces );
	}

	private static function saveSettings( array $fields ): array {
		$nonce  = self::settingsPage()['nonces']['save'];
		$answer = self::postAdminForm( $fields + array( 'action' => 'tfsp_calendly_save_settings', '_wpnonce' => $nonce ), self::admin()['cookie'], 'tfsp-calendly-settings' );
		self::assertSame( 302, $answer['status'], $answer['body'] );
		return $answer;
	}

	private static function oauthState(): array {
		return self::control( 'oauth', array(), 'GET' );
	}

	private static function storedTokens(): ?string {
		$rows = self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_oauth_tokens'" );
		return $rows ? $rows[0]['setting_value'] : null;
	}

	/** A GET with a cookie, redirects not followed: status, headers, body. */
	private static function get( string $url, ?string $cookie = null ): array {
		$ch = curl_init( $url );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_HEADER         => true,
				CURLOPT_TIMEOUT        => 60,
				CURLOPT_HTTPHEADER     => null === $cookie ? array() : array( 'Cookie: ' . $cookie ),
			)
		);
		return self::finish( $ch, (string) curl_exec( $ch ) );
	}

	/** POSTs a form to a URL, redirects not followed. */
	private static function postForm( string $url, array $fields ): array {
		$ch = curl_init( $url );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_POST           => true,
				CURLOPT_POSTFIELDS     => http_build_query( $fields ),
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_HEADER         => true,
				CURLOPT_TIMEOUT        => 60,
			)
		);
		return self::finish( $ch, (string) curl_exec( $ch ) );
	}

	/** Connect with Calendly up to Calendly's redirect back: the callback URL (not yet visited). */
	private static function authorize( ?array $as = null, ?string $auth_base = null ): string {
		$as    = $as ?? self::admin();
		$nonce = self::settingsPage( $as )['nonces']['tfsp_calendly_oauth_start'];
		self::assertNotSame( '', $nonce, 'no Connect with Calendly form on the settings page' );
		$start = self::postAdminForm(
			array(
				'action'   => 'tfsp_calendly_oauth_start',
				'_wpnonce' => $nonce,
			),
			$as['cookie'],
			'tfsp-calendly-settings'
		);
		self::assertSame( 302, $start['status'], $start['body'] );
		$location = $start['headers']['location'] ?? '';
		self::assertStringStartsWith( ( $auth_base ?? self::env( 'FAKE_CALENDLY_AUTH_URL' ) ) . '/oauth/authorize?', $location );
		parse_str( (string) parse_url( $location, PHP_URL_QUERY ), $q );
		self::assertSame( self::env( 'FAKE_OAUTH_CLIENT_ID' ), $q['client_id'] );
		self::assertSame( 'code', $q['response_type'] );
		self::assertSame( 'S256', $q['code_challenge_method'] );
		self::assertMatchesRegularExpression( '/^[A-Za-z0-9_-]{43}$/', $q['code_challenge'] );
		self::assertMatchesRegularExpression( '/^[A-Za-z0-9_-]{43}$/', $q['state'], '32 random bytes, base64url' );
		self::assertSame( self::env( 'WP_URL' ) . '/wp-admin/admin-post.php?action=tfsp_calendly_oauth', $q['redirect_uri'] );
		// The fake's sign-in page, submitted as a browser submits it.
		$page = self::get( $location );
		self::assertSame( 200, $page['status'] );
		preg_match_all( '/<input type="hidden" name="([^"]+)" value="([^"]*)">/', $page['body'], $m, PREG_SET_ORDER );
		$fields = array( 'decision' => 'allow' );
		foreach ( $m as $field ) {
			$fields[ $field[1] ] = html_entity_decode( $field[2], ENT_QUOTES );
		}
		$back = self::postForm( self::env( 'FAKE_CALENDLY_AUTH_URL' ) . '/oauth/authorize', $fields );
		self::assertSame( 302, $back['status'] );
		$callback = $back['headers']['location'];
		self::assertStringStartsWith( $q['redirect_uri'] . '&', $callback );
		return $callback;
	}

	/** Visits the callback as the admin: the connection is made. */
	private static function connect(): void {
		$done = self::get( self::authorize(), self::admin()['cookie'] );
		self::assertSame( 302, $done['status'], $done['body'] );
		self::assertStringContainsString( 'page=tfsp-calendly-settings', $done['headers']['location'] );
		self::assertNotNull( self::storedTokens() );
	}

	/** @return array{0:int,1:mixed} exit code and the decoded answer of GET /users/me through the plugin. */
	private static function currentUser(): array {
		[ $code, $out ] = self::php( 'calendly.php', array( 'current-user' ) );
		return array( $code, json_decode( trim( $out ), true ) );
	}

	/** @return array<int,array{0:bool}> */
	public static function pkce(): array {
		return array(
			'pkce not required' => array( false ),
			'pkce required'     => array( true ),
		);
	}

	/** @dataProvider pkce */
	public function test_connect_with_calendly_stores_sealed_tokens_and_uses_them( bool $pkce_required ): void {
		self::switches( array( 'pkce_required' => $pkce_required ) );
		$before = self::settingsPage();
		self::assertStringContainsString( 'data-mode="token"', $before['body'], 'the personal access token is in use before' );
		self::assertStringContainsString( htmlspecialchars( self::env( 'WP_URL' ) . '/wp-admin/admin-post.php?action=tfsp_calendly_oauth', ENT_QUOTES ), $before['body'], 'the redirect URI is shown' );

		self::connect();
		$fake = self::oauthState();
		self::assertSame( 1, $fake['requests']['token_authorization_code'] );
		self::assertSame( 0, $fake['requests']['token_refused'], json_encode( $fake['log'] ) );
		$sealed = (string) self::storedTokens();
		self::assertStringStartsWith( 'cs1.', $sealed );
		self::assertStringNotContainsString( $fake['access_tokens'][0]['access_token'], $sealed );
		self::assertStringNotContainsString( $fake['refresh_tokens'][0]['refresh_token'], $sealed );
		self::assertSame( array(), self::rows( 'SELECT state_hash FROM ' . self::table( 'tfsp_oauth_states' ) ), 'the state was spent' );

		$after = self::settingsPage();
		self::assertStringContainsString( 'data-mode="oauth"', $after['body'] );
		self::assertStringContainsString( 'id="tfsp-oauth-disconnect"', $after['body'] );
		// The personal access token no longer works at the fake, and the plugin's calls still do: OAuth is used.
		self::control( 'tokens/revoke', array( 'token' => self::env( 'FAKE_CALENDLY_TOKEN' ) ) );
		[ $code, $me ] = self::currentUser();
		self::assertSame( 0, $code, json_encode( $me ) );
		self::assertSame( 'Coach Lee', $me['name'] );
	}

	public function test_forged_missing_expired_replayed_and_foreign_states_are_refused(): void {
		$cookie  = self::admin()['cookie'];
		$refused = function ( array $answer, string $why ): void {
			$this->assertSame( 400, $answer['status'], $why . ': ' . $answer['body'] );
			$this->assertStringContainsString( 'data-code="tfsp_calendly_oauth_state"', $answer['body'], $why );
			$this->assertNull( self::storedTokens(), $why . ': nothing stored' );
		};
		$base = self::env( 'WP_URL' ) . '/wp-admin/admin-post.php?action=tfsp_calendly_oauth';

		// Forged: a well-formed state this site never made, and hostile ones.
		$refused( self::get( $base . '&code=abc&state=' . str_repeat( 'A', 43 ), $cookie ), 'forged' );
		$refused( self::get( $base . '&code=abc&state=' . rawurlencode( "<script>'x'</script>" ), $cookie ), 'hostile' );
		$refused( self::get( $base . '&code=abc', $cookie ), 'missing' );

		// Expired: more than ten minutes between the start and the callback.
		$callback = self::authorize();
		self::exec( 'UPDATE ' . self::table( 'tfsp_oauth_states' ) . ' SET expires_at = UNIX_TIMESTAMP() - 1' );
		$refused( self::get( $callback, $cookie ), 'expired' );

		// Foreign: started by this admin, brought back in another admin's session.
		$other    = self::loggedInUser( 'administrator' );
		$callback = self::authorize();
		$refused( self::get( $callback, $other['cookie'] ), 'foreign' );
		// ...and it still works for its own session, once; a replay is refused.
		$done = self::get( $callback, $cookie );
		$this->assertSame( 302, $done['status'], $done['body'] );
		$this->assertNotNull( self::storedTokens() );
		$tokens = self::storedTokens();
		$again  = self::get( $callback, $cookie );
		$this->assertSame( 400, $again['status'] );
		$this->assertStringContainsString( 'data-code="tfsp_calendly_oauth_state"', $again['body'] );
		$this->assertSame( $tokens, self::storedTokens(), 'a replay changes nothing' );
		$this->assertSame( 1, self::oauthState()['requests']['token_authorization_code'], 'only one code was exchanged' );

		// A visitor is not an admin: nothing happens.
		$this->assertNotSame( 302, self::get( $callback )['status'] );
	}

	public function test_bad_oauth_settings_are_refused_naming_the_field(): void {
		self::deleteSetting( 'oauth_client_id' );
		self::saveSettings(
			array(
				'tfsp[oauth_client_id]' => "<script>alert(1)</script>client id\t",
				'tfsp[auth_base]'       => 'javascript:alert(1)',
			)
		);
		$page = html_entity_decode( self::settingsPage()['body'], ENT_QUOTES );
		$this->assertStringContainsString( 'The value for "OAuth app client ID" is not valid.', $page );
		$this->assertStringContainsString( 'The value for "Calendly OAuth base URL" is not valid.', $page );
		$this->assertStringNotContainsString( '<script>alert(1)', $page );
		$this->assertSame( array(), self::rows( 'SELECT setting_key FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = 'oauth_client_id'" ), 'nothing written' );
		$this->assertSame( self::env( 'FAKE_CALENDLY_AUTH_URL' ), self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = 'auth_base'" )[0]['setting_value'] );
		// Without a client ID there is nothing to connect with: the start refuses and stores no state.
		$start = self::postAdminForm(
			array(
				'action'   => 'tfsp_calendly_oauth_start',
				'_wpnonce' => self::settingsPage()['nonces']['tfsp_calendly_oauth_start'],
			),
			self::admin()['cookie'],
			'tfsp-calendly-settings'
		);
		$this->assertSame( 302, $start['status'] );
		$this->assertStringContainsString( 'page=tfsp-calendly-settings', $start['headers']['location'] );
		$this->assertSame( array(), self::rows( 'SELECT state_hash FROM ' . self::table( 'tfsp_oauth_states' ) ) );
		$this->assertStringContainsString( 'Enter the client ID and client secret of your Calendly OAuth app', html_entity_decode( self::settingsPage()['body'], ENT_QUOTES ) );
	}

	public function test_denied_access_stores_nothing(): void {
		$callback = self::authorize();
		$denied   = preg_replace( '/&code=[^&]+/', '&error=access_denied', $callback );
		$answer   = self::get( $denied, self::admin()['cookie'] );
		$this->assertSame( 400, $answer['status'] );
		$this->assertStringContainsString( 'access_denied', $answer['body'] );
		$this->assertNull( self::storedTokens() );
	}

	public function test_refresh_before_expiry_and_on_401_rotates_the_refresh_token(): void {
		self::switches( array( 'oauth_expires_in' => 4 ) );
		self::connect();
		self::switches( array( 'oauth_expires_in' => 7200 ) );
		sleep( 3 ); // The stored token now expires within half its life: the next call refreshes first.
		[ $code, $me ] = self::currentUser();
		$this->assertSame( 0, $code, json_encode( $me ) );
		$fake = self::oauthState();
		$this->assertSame( 1, $fake['requests']['token_refresh_token'] );
		$this->assertTrue( $fake['refresh_tokens'][0]['used'] );
		$this->assertFalse( $fake['refresh_tokens'][1]['used'] );

		// A 401 on a token that has not expired: one refresh, with the new (stored) refresh token.
		self::control( 'tokens/revoke', array( 'token' => $fake['access_tokens'][1]['access_token'] ) );
		[ $code, $me ] = self::currentUser();
		$this->assertSame( 0, $code, json_encode( $me ) );
		$fake = self::oauthState();
		$this->assertSame( 2, $fake['requests']['token_refresh_token'] );
		$this->assertSame( 0, $fake['requests']['refresh_reuse_detected'] );
		[ $code ] = self::currentUser();
		$this->assertSame( 0, $code );
		$this->assertSame( 2, self::oauthState()['requests']['token_refresh_token'], 'a valid token is not refreshed again' );
	}

	public function test_a_429_from_the_token_endpoint_waits_and_is_not_retried_at_once(): void {
		self::connect();
		$fake = self::oauthState();
		self::switches( array( 'oauth_token_rate_limit' => 1 ) ); // The exchange used the one request of this window.
		self::control( 'tokens/revoke', array( 'token' => $fake['access_tokens'][0]['access_token'] ) );
		[ $code, $out ] = self::currentUser();
		$this->assertSame( 1, $code );
		$this->assertSame( 'api_rate_limited', $out['error'], json_encode( $out ) );
		$fake = self::oauthState();
		$this->assertSame( 1, $fake['requests']['token_rate_limited'] );
		$this->assertSame( 1, $fake['requests']['token_refresh_token'], 'no retry at once' );
		$wait = self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_oauth_wait_until'" );
		$this->assertNotSame( array(), $wait, 'the wait is stored' );
		$this->assertGreaterThan( microtime( true ) * 1000, (int) $wait[0]['setting_value'] );
		// Within the wait, no request goes to the token endpoint at all.
		[ $code, $out ] = self::currentUser();
		$this->assertSame( 'api_rate_limited', $out['error'] );
		$this->assertSame( 1, self::oauthState()['requests']['token_refresh_token'] );
		$this->assertNull( self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_oauth_broken'" )[0] ?? null, 'a 429 does not break the connection' );
		// Once the wait is over (and the fake's window too), the refresh goes through.
		self::deleteSetting( '_oauth_wait_until' );
		self::control( 'clock', array( 'advance_seconds' => 61 ) );
		[ $code, $out ] = self::currentUser();
		$this->assertSame( 0, $code, json_encode( $out ) );
		$this->assertSame( 2, self::oauthState()['requests']['token_refresh_token'] );
	}

	public function test_reused_refresh_token_is_refused_and_reported_once(): void {
		self::connect();
		$old  = self::storedTokens();
		$fake = self::oauthState();
		// A refresh (after a 401), then the old record comes back, as a node that missed the rotation would hold it.
		self::control( 'tokens/revoke', array( 'token' => $fake['access_tokens'][0]['access_token'] ) );
		$this->assertSame( 0, self::currentUser()[0] );
		self::putSetting( '_oauth_tokens', (string) $old );
		$fake = self::oauthState();
		self::control( 'tokens/revoke', array( 'token' => $fake['access_tokens'][1]['access_token'] ) );
		self::control( 'tokens/revoke', array( 'token' => $fake['access_tokens'][0]['access_token'] ) );

		[ $code, $out ] = self::currentUser();
		$this->assertSame( 1, $code );
		$this->assertSame( 'api_token_rejected', $out['error'] );
		$fake = self::oauthState();
		$this->assertSame( 1, $fake['requests']['refresh_reuse_detected'] );
		$alert = json_decode( (string) self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_alert_oauth_broken'" )[0]['setting_value'], true );
		$this->assertTrue( $alert['active'] );
		$this->assertSame( 1, $alert['mails'] );

		// Broken: no more token requests, no second alert mail.
		$this->assertSame( 1, self::currentUser()[0] );
		$this->assertSame( $fake['requests']['token_refresh_token'], self::oauthState()['requests']['token_refresh_token'] );
		$alert = json_decode( (string) self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_alert_oauth_broken'" )[0]['setting_value'], true );
		$this->assertSame( 1, $alert['mails'] );

		$health = self::php( 'site-health.php' );
		$tests  = json_decode( trim( $health[1] ), true )['tests'];
		$this->assertSame( 'critical', $tests['tfsp_calendly_oauth']['status'], $health[1] );
		$sync = self::adminPage( 'admin.php?page=tfsp-calendly-sync' );
		$this->assertStringContainsString( 'tfsp-calendly-oauth-broken', $sync['body'] );
		$this->assertStringContainsString( 'invalid_grant', $sync['body'] );
		$this->assertStringContainsString( 'tfsp-calendly-oauth-broken', self::settingsPage()['body'] );

		// Tokens that no longer open (salts rotated) are reported too, never read as empty.
		self::deleteSetting( '_oauth_broken' );
		$sealed = (string) self::storedTokens();
		self::putSetting( '_oauth_tokens', substr( $sealed, 0, -4 ) . ( 'AAAA' === substr( $sealed, -4 ) ? 'BBBB' : 'AAAA' ) );
		$tests = json_decode( trim( self::php( 'site-health.php' )[1] ), true )['tests'];
		$this->assertSame( 'critical', $tests['tfsp_calendly_oauth']['status'] );
		$this->assertStringContainsString( 'cannot be opened', $tests['tfsp_calendly_oauth']['label'] );
		$this->assertSame( 'api_secret_unreadable', self::currentUser()[1]['error'] );

		// Connecting again mends it.
		self::connect();
		$this->assertSame( 0, self::currentUser()[0] );
		$this->assertNull( self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_oauth_broken'" )[0] ?? null );
	}

	public function test_disconnect_deletes_the_subscription_then_revokes_then_forgets(): void {
		self::connect();
		// With an OAuth app the webhooks are signed with the app's key: entered, then used as it is.
		self::saveSettings(
			array(
				'tfsp_app_signing_key' => self::APP_KEY,
				'tfsp_register'        => '1',
			)
		);
		$subs = self::fakeState()['webhook_subscriptions'];
		$this->assertCount( 1, $subs );
		$this->assertSame( self::APP_KEY, $subs[0]['signing_key'], 'the app\'s key, not a generated one' );
		self::saveSettings( array( 'tfsp_register' => '1' ) );
		$subs = self::fakeState()['webhook_subscriptions'];
		$this->assertCount( 1, $subs );
		$this->assertSame( self::APP_KEY, $subs[0]['signing_key'], 'never rotated by the plugin' );

		$nonce = self::settingsPage()['nonces']['tfsp_calendly_oauth_disconnect'];
		$this->assertNotSame( '', $nonce );
		$bad = self::postAdminForm(
			array(
				'action'   => 'tfsp_calendly_oauth_disconnect',
				'_wpnonce' => 'forged',
			),
			self::admin()['cookie'],
			'tfsp-calendly-settings'
		);
		$this->assertNotSame( 302, $bad['status'], 'a forged nonce is refused' );
		$this->assertNotNull( self::storedTokens() );

		$done = self::postAdminForm(
			array(
				'action'   => 'tfsp_calendly_oauth_disconnect',
				'_wpnonce' => $nonce,
			),
			self::admin()['cookie'],
			'tfsp-calendly-settings'
		);
		$this->assertSame( 302, $done['status'], $done['body'] );
		$this->assertSame( array(), self::fakeState()['webhook_subscriptions'], 'the subscription was deleted' );
		$fake = self::oauthState();
		$this->assertTrue( $fake['grants'][0]['revoked'], 'the grant was revoked at Calendly' );
		$this->assertSame( 'revoked', $fake['grants'][0]['reason'] );
		$this->assertSame( 0, $fake['requests']['token_refresh_token'], 'no refresh was needed: the subscription went while the token worked' );
		$this->assertNull( self::storedTokens() );
		$this->assertSame( array(), self::rows( 'SELECT setting_key FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_subscription'" ) );
		$this->assertStringContainsString( 'data-mode="token"', self::settingsPage()['body'], 'the personal access token is in use again' );
	}

	public function test_disconnecting_a_broken_connection_forgets_it_here_and_says_what_is_left(): void {
		self::connect();
		$fake = self::oauthState();
		// Revoked in Calendly (by the user, say): the refresh is refused, the connection is broken.
		self::fake( 'POST', '/_control/tokens/revoke', array( 'token' => $fake['access_tokens'][0]['access_token'] ) );
		$revoke = curl_init( self::env( 'FAKE_CALENDLY_AUTH_URL' ) . '/oauth/revoke' );
		curl_setopt_array(
			$revoke,
			array(
				CURLOPT_POST           => true,
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_POSTFIELDS     => http_build_query(
					array(
						'client_id'     => self::env( 'FAKE_OAUTH_CLIENT_ID' ),
						'client_secret' => self::env( 'FAKE_OAUTH_CLIENT_SECRET' ),
						'token'         => $fake['refresh_tokens'][0]['refresh_token'],
					)
				),
			)
		);
		curl_exec( $revoke );
		curl_close( $revoke );
		$this->assertSame( 'api_token_rejected', self::currentUser()[1]['error'] );
		$this->assertNotSame( array(), self::rows( 'SELECT setting_key FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_oauth_broken'" ) );
		$done = self::postAdminForm(
			array(
				'action'   => 'tfsp_calendly_oauth_disconnect',
				'_wpnonce' => self::settingsPage()['nonces']['tfsp_calendly_oauth_disconnect'],
			),
			self::admin()['cookie'],
			'tfsp-calendly-settings'
		);
		$this->assertSame( 302, $done['status'] );
		$this->assertNull( self::storedTokens() );
		$this->assertSame( array(), self::rows( 'SELECT setting_key FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_oauth_broken'" ) );
		$this->assertNotSame( array(), self::rows( 'SELECT setting_key FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_subscription'" ), 'kept, so that the next registration replaces it' );
		$page = html_entity_decode( self::settingsPage()['body'], ENT_QUOTES );
		$this->assertStringContainsString( 'could not be deleted in Calendly. Registering the webhook again', $page );
		$this->assertStringContainsString( 'data-mode="token"', $page );
		$this->assertSame( 0, self::currentUser()[0], 'the personal access token works again' );
		self::plugin( 'register', array( self::env( 'CALENDLY_SIGNING_KEY' ) ) );
		$this->assertCount( 1, self::fakeState()['webhook_subscriptions'], 'the next registration replaced the one left in Calendly' );
	}

	public function test_the_auth_base_follows_wordpress_proxy_and_blocked_hosts(): void {
		// WordPress never proxies or blocks its own host, which the fake shares: the auth base at 127.0.0.2.
		$alt = self::env( 'FAKE_CALENDLY_AUTH_ALT_URL' );
		self::putSetting( 'auth_base', $alt );
		self::defineForSite(
			array(
				'WP_HTTP_BLOCK_EXTERNAL' => true,
				'WP_ACCESSIBLE_HOSTS'    => '127.0.0.1, localhost',
			)
		);
		$blocked = self::get( self::authorize( null, $alt ), self::admin()['cookie'] );
		$this->assertSame( 502, $blocked['status'], $blocked['body'] );
		$this->assertStringContainsString( '127.0.0.2', $blocked['body'] );
		$this->assertStringContainsString( 'WP_ACCESSIBLE_HOSTS', $blocked['body'] );
		$this->assertSame( 0, self::oauthState()['requests']['token_authorization_code'], 'nothing was sent' );
		$this->assertNull( self::storedTokens() );

		self::defineForSite(
			self::proxyConstants() + array(
				'WP_HTTP_BLOCK_EXTERNAL' => true,
				'WP_ACCESSIBLE_HOSTS'    => '127.0.0.1, localhost, 127.0.0.2',
			)
		);
		$done = self::get( self::authorize( null, $alt ), self::admin()['cookie'] );
		$this->assertSame( 302, $done['status'], $done['body'] );
		$this->assertNotNull( self::storedTokens() );
		$log     = (string) @file_get_contents( self::env( 'PROXY_LOG' ) );
		$through = array_filter( explode( "\n", $log ), static fn( string $l ) => str_contains( $l, 'Request (' ) && str_contains( $l, $alt . '/oauth/token' ) );
		$this->assertNotEmpty( $through, 'the code exchange went through the proxy' );
	}

	public function test_the_app_and_auth_base_pinned_in_wp_config_connect_too(): void {
		self::deleteSetting( 'oauth_client_id' );
		self::deleteSetting( 'oauth_client_secret' );
		self::pinConstants(
			array(
				'TFSP_CALENDLY_OAUTH_CLIENT_ID'     => self::env( 'FAKE_OAUTH_CLIENT_ID' ),
				'TFSP_CALENDLY_OAUTH_CLIENT_SECRET' => self::env( 'FAKE_OAUTH_CLIENT_SECRET' ),
				'TFSP_CALENDLY_AUTH_BASE'           => self::env( 'FAKE_CALENDLY_AUTH_URL' ),
			)
		);
		$page = self::settingsPage()['body'];
		foreach ( array( 'TFSP_CALENDLY_OAUTH_CLIENT_ID', 'TFSP_CALENDLY_OAUTH_CLIENT_SECRET', 'TFSP_CALENDLY_AUTH_BASE' ) as $constant ) {
			$this->assertStringContainsString( 'Pinned by ' . $constant . ' in wp-config.php', $page );
		}
		$this->assertStringNotContainsString( self::env( 'FAKE_OAUTH_CLIENT_SECRET' ), $page, 'a pinned secret is not shown either' );
		self::connect();
		$this->assertSame( 0, self::currentUser()[0] );
		$this->assertSame( array(), self::rows( 'SELECT setting_key FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key IN ('oauth_client_id', 'oauth_client_secret')" ), 'nothing of the pinned app is stored' );
	}

	public function test_two_processes_refreshing_at_once_send_one_refresh_request(): void {
		self::switches( array( 'oauth_expires_in' => 4 ) );
		self::connect();
		self::switches(
			array(
				'oauth_expires_in' => 7200,
				'oauth_latency_ms' => 1500, // The first refresh is still on its way when the second process needs one.
			)
		);
		sleep( 3 );
		$procs = array();
		$outs  = array();
		for ( $i = 0; $i < 2; $i++ ) {
			$cmd     = array( PHP_BINARY, '-d', 'extension=' . self::env( 'CALSYNC_EXTENSION' ), __DIR__ . '/support/calendly.php', self::env( 'WP_PATH' ), 'current-user' );
			$procs[] = proc_open( $cmd, array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ), $pipes );
			$outs[]  = $pipes;
		}
		$codes = array();
		foreach ( $procs as $i => $proc ) {
			$out = stream_get_contents( $outs[ $i ][1] ) . stream_get_contents( $outs[ $i ][2] );
			fclose( $outs[ $i ][1] );
			fclose( $outs[ $i ][2] );
			$codes[] = proc_close( $proc );
			$this->assertStringContainsString( 'Coach Lee', $out );
		}
		$this->assertSame( array( 0, 0 ), $codes );
		$fake = self::oauthState();
		$this->assertSame( 1, $fake['requests']['token_refresh_token'], 'one refresh request for two processes' );
		$this->assertSame( 0, $fake['requests']['refresh_reuse_detected'] );
	}
}

