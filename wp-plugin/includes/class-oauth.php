<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * "Connect with Calendly": the OAuth 2.0 authorization code flow with PKCE at the auth base,
 * the sealed tokens, and their refresh under the "oauth" lease.
 *
 * - begin(): a state of 32 random bytes and a PKCE verifier, stored (the
 *   state hashed, the verifier sealed) with the hash of the admin's session
 *   token for ten minutes, in {prefix}tfsp_oauth_states; answers the
 *   authorize URL.
 * - complete(): the callback's state is taken once (missing, malformed,
 *   unknown, used, expired or another session's: refused, nothing stored),
 *   then the code is exchanged server-side by the core's auth-base client
 *   (Calsync\AuthClient), and the tokens are stored sealed.
 * - access_token(): the access token, refreshed before it expires and once
 *   when Calendly answered 401 to it.  A refresh runs under
 *   Database::with_lock( 'oauth' ) (a lease that holds across web and
 *   database nodes), reads the stored tokens again under it (another
 *   request may have refreshed meanwhile), and stores the new refresh token
 *   (a committed row) before the new access token is used: refresh tokens
 *   are single use.  A 429 from the token endpoint is not retried at once:
 *   the wait is stored and refreshes are refused until it has passed.  A
 *   refused refresh (invalid_grant, or invalid_client) marks the connection
 *   broken (Site Health, the Sync and Settings pages) and raises one alert.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Oauth {

	/** The sealed token record (a row of the settings table). */
	public const TOKENS = '_oauth_tokens';

	/** Set when Calendly refused a refresh: {at, message}. */
	public const BROKEN = '_oauth_broken';

	/** After a 429 of the token endpoint: no refresh before this Unix time (ms). */
	public const WAIT = '_oauth_wait_until';

	/** The admin-post.php action Calendly redirects back to. */
	public const CALLBACK_ACTION = 'tfsp_calendly_oauth';

	/** How long a state may come back (seconds). */
	public const STATE_SECONDS = 600;

	/** Refresh this long before the access token expires (at most half its life). */
	private const REFRESH_MARGIN = 300;

	/** How long a request waits for another one's refresh (seconds). */
	private const LOCK_WAIT = 30;

	private Settings $settings;
	private SettingsRepository $store;
	private Secrets $secrets;
	private Database $database;
	private Outbound $outbound;
	private Alerts $alerts;
	private OauthStateRepository $states;

	/** @var array<string,mixed>|null The token record as this request last read it. */
	private ?array $record = null;

	public function __construct( Settings $settings, SettingsRepository $store, Secrets $secrets, Database $database, Outbound $outbound, Alerts $alerts, OauthStateRepository $states ) {
		$this->settings = $settings;
		$this->store    = $store;
		$this->secrets  = $secrets;
		$this->database = $database;
		$this->outbound = $outbound;
		$this->alerts   = $alerts;
		$this->states   = $states;
	}

	/** The redirect URI to register in the Calendly app. */
	public static function redirect_uri(): string {
		return admin_url( 'admin-post.php?action=' . self::CALLBACK_ACTION );
	}

	/** True when the client id and secret of an OAuth app are set. */
	public function client_configured(): bool {
		try {
			return '' !== (string) $this->settings->get( 'oauth_client_id' ) && '' !== (string) $this->settings->get( 'oauth_client_secret' );
		} catch ( SecretUnavailable | DatabaseError $e ) {
			return false;
		}
	}

	/** True while OAuth tokens are stored: the plugin then uses them, not the personal access token. */
	public function connected(): bool {
		try {
			return null !== $this->store->find_quietly( self::TOKENS );
		} catch ( DatabaseError $e ) {
			return false;
		}
	}

	/** What the API calls use: "oauth", "token" (personal access token) or "none". */
	public function mode(): string {
		if ( $this->connected() ) {
			return 'oauth';
		}
		try {
			return '' !== (string) $this->settings->get( 'token' ) ? 'token' : 'none';
		} catch ( SecretUnavailable | DatabaseError $e ) {
			return 'none';
		}
	}

	/**
	 * Why the connection is broken, or null.
	 *
	 * @return array{at:int,message:string}|null
	 */
	public function broken(): ?array {
		$raw  = $this->store->find_quietly( self::BROKEN );
		$data = null === $raw ? null : json_decode( $raw, true );
		return is_array( $data ) ? array(
			'at'      => (int) ( $data['at'] ?? 0 ),
			'message' => (string) ( $data['message'] ?? '' ),
		) : null;
	}

	/**
	 * What the settings page shows of the connection (never a token).
	 *
	 * @return array{owner:string,connected_at:int,expires_at:int,refreshed_at:int}|null
	 */
	public function summary(): ?array {
		try {
			$t = $this->read();
		} catch ( SecretUnavailable $e ) {
			return null;
		}
		return null === $t ? null : array(
			'owner'        => (string) ( $t['owner'] ?? '' ),
			'connected_at' => (int) ( $t['connected_at'] ?? 0 ),
			'expires_at'   => (int) ( $t['expires_at'] ?? 0 ),
			'refreshed_at' => (int) ( $t['refreshed_at'] ?? 0 ),
		);
	}

	/**
	 * Starts the flow: stores a new state and answers the authorize URL.
	 *
	 * @return string|\WP_Error
	 */
	public function begin( int $user_id, string $session_token ) {
		if ( ! $this->client_configured() ) {
			return new \WP_Error( 'tfsp_calendly_oauth_not_configured', __( 'Enter the client ID and client secret of your Calendly OAuth app and save the settings first.', 'tfsp-calendly-sync' ), array( 'status' => 409 ) );
		}
		if ( '' === $session_token || $user_id <= 0 ) {
			return new \WP_Error( 'tfsp_calendly_oauth_no_session', __( 'Connecting needs a logged-in browser session.', 'tfsp-calendly-sync' ), array( 'status' => 403 ) );
		}
		$state    = self::b64url( random_bytes( 32 ) );
		$verifier = self::b64url( random_bytes( 32 ) );
		$now      = time();
		try {
			$this->states->delete_expired( $now );
			$this->states->add( hash( 'sha256', $state ), hash( 'sha256', $session_token ), $user_id, $this->secrets->seal( $verifier, 'oauth_verifier' ), $now, $now + self::STATE_SECONDS );
			$base      = (string) $this->settings->get( 'auth_base' );
			$client_id = (string) $this->settings->get( 'oauth_client_id' );
		} catch ( SecretUnavailable $e ) {
			return new \WP_Error( 'tfsp_calendly_secret_unavailable', __( 'Secrets cannot be sealed: define TFSP_CALENDLY_SEAL_KEY (at least 16 characters) or set the WordPress salts in wp-config.php.', 'tfsp-calendly-sync' ), array( 'status' => 500 ) );
		} catch ( DatabaseError $e ) {
			return new \WP_Error( 'tfsp_calendly_db_error', __( 'The connection could not be started because of a database error.', 'tfsp-calendly-sync' ), array( 'status' => 503 ) );
		}
		return $base . '/oauth/authorize?' . http_build_query(
			array(
				'client_id'             => $client_id,
				'response_type'         => 'code',
				'redirect_uri'          => self::redirect_uri(),
				'state'                 => $state,
				'code_challenge'        => self::b64url( hash( 'sha256', $verifier, true ) ),
				'code_challenge_method' => 'S256',
			),
			'',
			'&',
			PHP_QUERY_RFC3986
		);
	}

	/**
	 * The callback: takes the state, then exchanges the code and stores the
	 * tokens.  A refused state stores nothing and leaves the connection as it was.
	 *
	 * @param string|null $error Calendly's error parameter (the admin denied access), or null.
	 * @return true|\WP_Error
	 */
	public function complete( ?string $state, ?string $code, ?string $error, int $user_id, string $session_token ) {
		$refused = $this->take_state( $state, $user_id, $session_token );
		if ( is_wp_error( $refused ) ) {
			return $refused;
		}
		$verifier = $refused;
		if ( null !== $error && '' !== $error ) {
			return new \WP_Error(
				'tfsp_calendly_oauth_denied',
				/* translators: %s: the OAuth error code Calendly sent, e.g. access_denied */
				sprintf( __( 'Calendly did not grant access (%s). Nothing was changed.', 'tfsp-calendly-sync' ), sanitize_key( $error ) ),
				array( 'status' => 400 )
			);
		}
		if ( null === $code || '' === $code || strlen( $code ) > 2048 || preg_match( '/[^\x21-\x7e]/', $code ) ) {
			return new \WP_Error( 'tfsp_calendly_oauth_code', __( 'Calendly sent no usable authorization code ("code"). Nothing was changed; connect again.', 'tfsp-calendly-sync' ), array( 'status' => 400 ) );
		}
		try {
			$answer = $this->auth_client()->exchangeCode( $code, self::redirect_uri(), $verifier );
		} catch ( ApiError $e ) {
			return Connection::wp_error( $e );
		} catch ( \Calsync\ApiException $e ) {
			return Connection::wp_error( $this->api_error( $e, __( 'Calendly refused the authorization code', 'tfsp-calendly-sync' ) ) );
		} catch ( \Calsync\Exception | \ValueError $e ) {
			return new \WP_Error( 'tfsp_calendly_invalid', __( 'Calendly\'s token answer could not be read; nothing was changed.', 'tfsp-calendly-sync' ), array( 'status' => 502 ) );
		}
		$stored = $this->database->with_lock( 'oauth', fn() => $this->store_tokens( $answer, null ), self::LOCK_WAIT, false );
		if ( true !== $stored ) {
			return new \WP_Error( 'tfsp_calendly_busy', __( 'Another request is changing the Calendly connection; connect again in a minute.', 'tfsp-calendly-sync' ), array( 'status' => 409 ) );
		}
		$this->store->delete( self::BROKEN );
		$this->store->delete( self::WAIT );
		$this->alerts->clear( 'oauth_broken' );
		$this->alerts->clear( 'token_rejected' );
		return true;
	}

	/**
	 * The access token to use: refreshed when it is about to expire, or when
	 * $rejected (the token Calendly just answered 401 to) is still the stored one.
	 *
	 * @throws ApiError When there is no usable token (broken, rate-limited, Calendly unreachable).
	 */
	public function access_token( ?string $rejected = null ): string {
		$t = $this->current( null !== $rejected );
		if ( ! $this->needs_refresh( $t, $rejected ) ) {
			return (string) $t['access_token'];
		}
		$token = $this->database->with_lock(
			'oauth',
			function () use ( $rejected ): string {
				$t = $this->current( true ); // Again under the lease: another request may have refreshed.
				if ( ! $this->needs_refresh( $t, $rejected ) ) {
					return (string) $t['access_token'];
				}
				return $this->refresh( $t );
			},
			self::LOCK_WAIT,
			null
		);
		if ( null === $token ) {
			throw new ApiError( 'busy', 0, __( 'Another request is refreshing the Calendly connection; try again shortly.', 'tfsp-calendly-sync' ) );
		}
		return $token;
	}

	/**
	 * Revokes the stored tokens at Calendly (the refresh token, then the access token).
	 *
	 * @throws ApiError When Calendly cannot be asked or refuses.
	 */
	public function revoke(): void {
		try {
			$t = $this->read();
		} catch ( SecretUnavailable $e ) {
			return; // Nothing readable to revoke; forget() removes it.
		}
		if ( null === $t ) {
			return;
		}
		$client = $this->auth_client();
		try {
			foreach ( array( 'refresh_token', 'access_token' ) as $kind ) {
				if ( '' !== (string) ( $t[ $kind ] ?? '' ) ) {
					$client->revoke( (string) $t[ $kind ] );
				}
			}
		} catch ( \Calsync\ApiException $e ) {
			throw $this->api_error( $e, __( 'Calendly refused to revoke the token', 'tfsp-calendly-sync' ) );
		} catch ( \Calsync\Exception | \ValueError $e ) {
			throw new ApiError( 'other', 0, __( 'The token could not be revoked at Calendly.', 'tfsp-calendly-sync' ), 0, $e );
		}
	}

	/** Removes the OAuth connection here (tokens, broken mark, wait); the alert is cleared. */
	public function forget(): void {
		foreach ( array( self::TOKENS, self::BROKEN, self::WAIT ) as $key ) {
			$this->store->delete( $key );
		}
		$this->record = null;
		$this->alerts->clear( 'oauth_broken' );
	}

	/**
	 * The state checks, in order; the verifier when the state is taken.
	 *
	 * @return string|\WP_Error
	 */
	private function take_state( ?string $state, int $user_id, string $session_token ) {
		$refuse = static fn( string $why ) => new \WP_Error( 'tfsp_calendly_oauth_state', $why . ' ' . __( 'Nothing was stored. Start again with "Connect with Calendly" on the settings page.', 'tfsp-calendly-sync' ), array( 'status' => 400 ) );
		if ( null === $state || '' === $state ) {
			return $refuse( __( 'The answer from Calendly carries no "state".', 'tfsp-calendly-sync' ) );
		}
		if ( ! preg_match( '/^[A-Za-z0-9_-]{43}$/', $state ) ) {
			return $refuse( __( 'The "state" in the answer from Calendly is not one this site made.', 'tfsp-calendly-sync' ) );
		}
		if ( '' === $session_token ) {
			return $refuse( __( 'This request has no logged-in browser session.', 'tfsp-calendly-sync' ) );
		}
		$hash = hash( 'sha256', $state );
		$now  = time();
		try {
			$row = $this->states->find( $hash );
			if ( null === $row ) {
				return $refuse( __( 'The "state" is unknown or was used already.', 'tfsp-calendly-sync' ) );
			}
			if ( ! hash_equals( $row['session_hash'], hash( 'sha256', $session_token ) ) || $row['user_id'] !== $user_id ) {
				return $refuse( __( 'The "state" was started in another browser session.', 'tfsp-calendly-sync' ) );
			}
			if ( $row['expires_at'] <= $now ) {
				$this->states->delete( $hash );
				return $refuse( __( 'The "state" expired (a connection must be completed within 10 minutes).', 'tfsp-calendly-sync' ) );
			}
			if ( ! $this->states->take( $hash, $row['session_hash'], $user_id, $now ) ) {
				return $refuse( __( 'The "state" is unknown or was used already.', 'tfsp-calendly-sync' ) );
			}
			return $this->secrets->open( $row['verifier'], 'oauth_verifier' );
		} catch ( DatabaseError $e ) {
			return new \WP_Error( 'tfsp_calendly_db_error', __( 'The answer from Calendly could not be checked because of a database error. Nothing was stored.', 'tfsp-calendly-sync' ), array( 'status' => 503 ) );
		} catch ( SecretUnavailable $e ) {
			return $refuse( __( 'The stored PKCE verifier cannot be opened.', 'tfsp-calendly-sync' ) );
		}
	}

	/** @param array<string,mixed> $t */
	private function needs_refresh( array $t, ?string $rejected ): bool {
		if ( null !== $rejected ) {
			return hash_equals( (string) $t['access_token'], $rejected );
		}
		$life   = max( 1, (int) ( $t['lifetime'] ?? 7200 ) );
		$margin = min( self::REFRESH_MARGIN, intdiv( $life, 2 ) );
		return (int) $t['expires_at'] - time() <= $margin;
	}

	/**
	 * The stored record, or an ApiError saying why there is none to use.
	 *
	 * @return array<string,mixed>
	 * @throws ApiError Not connected, unreadable, or broken.
	 */
	private function current( bool $fresh ): array {
		if ( $fresh ) {
			$this->record = null;
		}
		try {
			$t = $this->read();
		} catch ( SecretUnavailable $e ) {
			throw new ApiError( 'secret_unreadable', 0, __( 'The stored Calendly OAuth tokens can no longer be opened; connect with Calendly again.', 'tfsp-calendly-sync' ) );
		}
		if ( null === $t ) {
			throw new ApiError( 'not_configured', 0, __( 'Calendly is not connected by OAuth.', 'tfsp-calendly-sync' ) );
		}
		$broken = $this->broken();
		if ( null !== $broken ) {
			throw new ApiError( 'token_rejected', 401, $broken['message'] );
		}
		return $t;
	}

	/**
	 * One refresh; the caller holds the "oauth" lease.
	 *
	 * @param array<string,mixed> $t The stored record.
	 * @throws ApiError On any failure.
	 */
	private function refresh( array $t ): string {
		$wait = (int) $this->store->find_quietly( self::WAIT );
		$now  = (int) floor( microtime( true ) * 1000 );
		if ( $wait > $now ) {
			throw new ApiError( 'rate_limited', 429, __( 'Calendly limits token requests; the connection is refreshed once the wait is over.', 'tfsp-calendly-sync' ), $wait - $now );
		}
		if ( '' === (string) ( $t['refresh_token'] ?? '' ) ) {
			$this->mark_broken( __( 'Calendly gave no refresh token, so the expired access token cannot be renewed. Connect with Calendly again.', 'tfsp-calendly-sync' ) );
			throw new ApiError( 'token_rejected', 401, __( 'The Calendly OAuth connection is broken.', 'tfsp-calendly-sync' ) );
		}
		try {
			$answer = $this->auth_client()->refresh( (string) $t['refresh_token'] );
		} catch ( \Calsync\ApiException $e ) {
			if ( 429 === $e->status ) {
				$ms = max( 1000, (int) $e->retryAfterMs );
				$this->store->put( self::WAIT, (string) ( $now + $ms ) );
				throw new ApiError( 'rate_limited', 429, __( 'Calendly limits token requests; the connection is refreshed once the wait is over.', 'tfsp-calendly-sync' ), $ms, $e );
			}
			if ( in_array( $e->title, array( 'invalid_grant', 'invalid_client' ), true ) ) {
				$this->mark_broken(
					'invalid_grant' === $e->title
						? __( 'Calendly refused to renew the connection (invalid_grant): the authorization was revoked, or its refresh token was used twice. Connect with Calendly again on the settings page.', 'tfsp-calendly-sync' )
						: __( 'Calendly refused the OAuth app\'s client ID or secret (invalid_client). Check them on the settings page, then connect with Calendly again.', 'tfsp-calendly-sync' )
				);
				throw new ApiError( 'token_rejected', 401, __( 'The Calendly OAuth connection is broken.', 'tfsp-calendly-sync' ), 0, $e );
			}
			throw $this->api_error( $e, __( 'The Calendly connection could not be refreshed', 'tfsp-calendly-sync' ) );
		} catch ( \Calsync\Exception | \ValueError $e ) {
			throw new ApiError( 'invalid', 0, __( 'Calendly\'s token answer could not be read.', 'tfsp-calendly-sync' ), 0, $e );
		}
		// Committed before the new access token is used: the old refresh token is spent.
		$this->store_tokens( $answer, $t );
		return (string) $answer['access_token'];
	}

	private function mark_broken( string $message ): void {
		$fresh = null === $this->broken();
		$this->store->put(
			self::BROKEN,
			(string) wp_json_encode(
				array(
					'at'      => time(),
					'message' => $message,
				)
			)
		);
		if ( $fresh ) {
			$this->alerts->raise( 'oauth_broken', $message );
		}
	}

	/**
	 * Seals and stores a token answer (a row write that commits on its own).
	 *
	 * @param array<string,mixed>      $answer   The token answer.
	 * @param array<string,mixed>|null $previous The record it replaces.
	 */
	private function store_tokens( array $answer, ?array $previous ): bool {
		$life   = isset( $answer['expires_in'] ) && (int) $answer['expires_in'] > 0 ? (int) $answer['expires_in'] : 7200;
		$record = array(
			'access_token'  => (string) $answer['access_token'],
			'refresh_token' => (string) ( $answer['refresh_token'] ?? ( $previous['refresh_token'] ?? '' ) ),
			'expires_at'    => time() + $life,
			'lifetime'      => $life,
			'owner'         => (string) ( $answer['owner'] ?? ( $previous['owner'] ?? '' ) ),
			'organization'  => (string) ( $answer['organization'] ?? ( $previous['organization'] ?? '' ) ),
			'connected_at'  => (int) ( $previous['connected_at'] ?? time() ),
			'refreshed_at'  => null === $previous ? 0 : time(),
		);
		$this->store->put( self::TOKENS, $this->secrets->seal( (string) wp_json_encode( $record ), self::TOKENS ) );
		$this->record = $record;
		return true;
	}

	/**
	 * @return array<string,mixed>|null
	 * @throws SecretUnavailable When the stored record does not open.
	 */
	private function read(): ?array {
		if ( null !== $this->record ) {
			return $this->record;
		}
		$raw = $this->store->find_quietly( self::TOKENS );
		if ( null === $raw ) {
			return null;
		}
		$t = json_decode( $this->secrets->open( $raw, self::TOKENS ), true );
		if ( ! is_array( $t ) || ! isset( $t['access_token'], $t['expires_at'] ) ) {
			throw new SecretUnavailable( self::TOKENS, 'format' );
		}
		$this->record = $t;
		return $t;
	}

	/** @throws ApiError When the app or the auth base is not usable. */
	private function auth_client(): \Calsync\AuthClient {
		try {
			$base   = (string) $this->settings->get( 'auth_base' );
			$id     = (string) $this->settings->get( 'oauth_client_id' );
			$secret = (string) $this->settings->get( 'oauth_client_secret' );
		} catch ( SecretUnavailable $e ) {
			throw new ApiError( 'secret_unreadable', 0, __( 'The stored OAuth client secret can no longer be opened; enter it again.', 'tfsp-calendly-sync' ) );
		}
		if ( '' === $id || '' === $secret ) {
			throw new ApiError( 'not_configured', 0, __( 'The client ID and client secret of the Calendly OAuth app are not set.', 'tfsp-calendly-sync' ) );
		}
		// WordPress's proxy constants and blocked hosts apply to the auth base as to the API.
		$options = $this->outbound->client_options( $base );
		try {
			return new \Calsync\AuthClient(
				$base,
				$id,
				$secret,
				array(
					'connect_timeout_ms' => 5000,
					'timeout_ms'         => 20000,
					'max_retries'        => 0, // A 429 waits (stored), it is never retried at once.
					'user_agent'         => 'tfsp-calendly-sync/' . TFSP_CALENDLY_SYNC_VERSION . ' WordPress/' . get_bloginfo( 'version' ),
				) + $options
			);
		} catch ( \ValueError $e ) {
			throw new ApiError( 'not_configured', 0, __( 'The Calendly auth base URL, client ID or client secret is not usable.', 'tfsp-calendly-sync' ) );
		}
	}

	private function api_error( \Calsync\ApiException $e, string $what ): ApiError {
		if ( 0 === $e->status ) {
			/* translators: 1: what failed, 2: transport error */
			return new ApiError( 'unreachable', 0, sprintf( __( '%1$s: Calendly could not be reached (%2$s).', 'tfsp-calendly-sync' ), $what, $e->getMessage() ), 0, $e );
		}
		$title = '' !== $e->title ? $e->title : $e->getMessage();
		/* translators: 1: what failed, 2: HTTP status, 3: the OAuth error */
		return new ApiError( ApiError::kind_of( $e->status ), $e->status, sprintf( __( '%1$s: Calendly answered %2$d (%3$s).', 'tfsp-calendly-sync' ), $what, $e->status, sanitize_text_field( $title ) ), (int) $e->retryAfterMs, $e );
	}

	private static function b64url( string $bytes ): string {
		return rtrim( strtr( base64_encode( $bytes ), '+/', '-_' ), '=' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- PKCE and the state are base64url by definition.
	}
}
