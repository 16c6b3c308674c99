<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The one place that builds Calsync\Client: from the settings (API base URL, token), with the
 * plugin's timeouts, pacing under the rate limit, and ApiException (and the client's argument
 * errors) turned into ApiError.
 *
 * Every Calendly call of the plugin goes through here, so that request
 * counts, the rate-limit window and a rejected token are seen in one place.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Api {

	/** The webhook events the plugin subscribes to. */

	private Settings $settings;

	/** WordPress's proxy and blocking rules for the client's base URL. */
	private Outbound $outbound;

	/** @var callable(ApiError):void|null Told about every failed call (health and alerts). */
	private $on_error;

	private ?\Calsync\Client $client = null;

	/** Base URL, token and proxy options the client was built with (a hash), to rebuild it when they change. */
	private string $built_for = '';

	/** Microtime before which no request is sent: the rate-limit window is used up. */
	private float $paused_until = 0.0;

	/** Requests and 429s counted by clients of this object that were replaced. */
	private int $requests_before = 0;
	private int $throttled_before = 0;

	/** Longest sleep (ms) for a full rate-limit window; a longer wait is an ApiError the caller reschedules on. */
	private int $max_wait_ms;

	/** The OAuth connection: when connected, its access token is used instead of the personal access token. */
	private ?Oauth $oauth;

	/** The bearer token the current client was built with. */
	private string $bearer = '';

	public function __construct( Settings $settings, ?callable $on_error = null, int $max_wait_ms = 65000, ?Outbound $outbound = null, ?Oauth $oauth = null ) {
		$this->settings    = $settings;
		$this->oauth       = $oauth;
		$this->outbound    = $outbound ?? new Outbound();
		$this->on_error    = $on_error;
		$this->max_wait_ms = $max_wait_ms;
	}

	/** True when a token (or an OAuth connection) and an API base are set (it may still be refused). */
	public function is_configured(): bool {
		try {
			return ( $this->oauth_in_use() || '' !== (string) $this->settings->get( 'token' ) ) && '' !== (string) $this->settings->get( 'api_base' );
		} catch ( SecretUnavailable | DatabaseError $e ) {
			return false;
		}
	}

	/** GET /users/me: ["uri" => ..., "current_organization" => ..., ...]. */
	public function current_user(): array {
		return $this->call( static fn( \Calsync\Client $c ) => $c->currentUser() );
	}

	/**
	 * Every event type of the organization (all pages), as the API shows them (uri, name, slug, active, ...).
	 *
	 * @return array<int,array<string,mixed>>
	 */
	public function event_types( string $organization ): array {
		$items = array();
		$token = null;
		do {
			$page  = $this->call(
				static fn( \Calsync\Client $c ) => $c->eventTypes(
					array(
						'organization' => $organization,
						'count'        => 100,
					),
					$token
				)
			);
			$items = array_merge( $items, (array) $page['items'] );
			$token = $page['next_page_token'] ?? null;
		} while ( null !== $token && '' !== $token );
		return $items;
	}

	/** @return array{items:\Calsync\ScheduledEvent[],next_page_token:?string} */
	public function scheduled_events( array $query, ?string $page_token ): array {
		return $this->call( static fn( \Calsync\Client $c ) => $c->scheduledEvents( $query, $page_token ) );
	}

	public function scheduled_event( string $uuid ): \Calsync\ScheduledEvent {
		return $this->call( static fn( \Calsync\Client $c ) => $c->scheduledEvent( $uuid ) );
	}

	/** @return array{items:\Calsync\Event[],next_page_token:?string} */
	public function invitees( string $event_uuid, array $query, ?string $page_token ): array {
		return $this->call( static fn( \Calsync\Client $c ) => $c->invitees( $event_uuid, $query, $page_token ) );
	}

	public function invitee( string $event_uuid, string $invitee_uuid ): \Calsync\Event {
		return $this->call( static fn( \Calsync\Client $c ) => $c->invitee( $event_uuid, $invitee_uuid ) );
	}

	public function create_subscription( string $url, string $organization, string $scope, ?string $user, string $signing_key ): array {
		return $this->call( static fn( \Calsync\Client $c ) => $c->createSubscription( $url, \Calsync\Event::webhookEvents(), $organization, $scope, $user, $signing_key ) );
	}

	/** Every subscription of the organization (all pages). */
	public function all_subscriptions( string $organization ): array {
		$items = array();
		$token = null;
		do {
			$page  = $this->call(
				static fn( \Calsync\Client $c ) => $c->subscriptions(
					array(
						'organization' => $organization,
						'scope'        => 'organization',
						'count'        => 100,
					),
					$token
				)
			);
			$items = array_merge( $items, (array) $page['items'] );
			$token = $page['next_page_token'] ?? null;
		} while ( null !== $token && '' !== $token );
		return $items;
	}

	public function subscription( string $uuid ): array {
		return $this->call( static fn( \Calsync\Client $c ) => $c->subscription( $uuid ) );
	}

	public function delete_subscription( string $uuid ): void {
		$this->call( static fn( \Calsync\Client $c ) => $c->deleteSubscription( $uuid ) );
	}

	public function create_no_show( string $invitee_uri ): array {
		return $this->call( static fn( \Calsync\Client $c ) => $c->createNoShow( $invitee_uri ) );
	}

	public function delete_no_show( string $uuid ): void {
		$this->call( static fn( \Calsync\Client $c ) => $c->deleteNoShow( $uuid ) );
	}

	/**
	 * Requests sent and 429s met by this object so far.
	 *
	 * @return array{requests:int,throttled:int}
	 */
	public function usage(): array {
		$stats = null === $this->client ? array() : $this->client->stats();
		return array(
			'requests'  => $this->requests_before + (int) ( $stats['requests'] ?? 0 ),
			'throttled' => $this->throttled_before + (int) ( $stats['throttled'] ?? 0 ),
		);
	}

	/** The last part of a Calendly URI's path: the UUID that path parameters take. */
	public static function uuid_of( string $uri ): string {
		$path = (string) wp_parse_url( $uri, PHP_URL_PATH );
		return basename( rtrim( '' === $path ? $uri : $path, '/' ) );
	}

	/**
	 * Runs one client call: waits out a used-up rate-limit window first,
	 * then maps the extension's exceptions, and the client's argument errors
	 * (ValueError, TypeError), onto ApiError.  With an OAuth connection, a
	 * 401 is tried once more with a refreshed access token.
	 *
	 * @template T
	 * @param callable(\Calsync\Client):T $fn
	 * @return T
	 * @throws ApiError On any failure.
	 */
	private function call( callable $fn ) {
		$rejected = null;
		for ( $attempt = 0; ; ++$attempt ) {
			$client = $this->client( $rejected );
			$this->pace();
			try {
				$result = $fn( $client );
				$this->note_window( $client );
				return $result;
			} catch ( \Calsync\ApiException $e ) {
				$this->note_window( $client );
				if ( 401 === $e->status && 0 === $attempt && $this->oauth_in_use() ) {
					$rejected = $this->bearer; // Once: refresh (unless another request did) and try again.
					continue;
				}
				$error = $this->error_of( $e );
				break;
			} catch ( \Calsync\Exception | \ValueError | \TypeError $e ) {
				$error = $this->error_of( $e );
				break;
			}
		}
		if ( $this->on_error ) {
			( $this->on_error )( $error );
		}
		throw $error;
	}

	/** True while an OAuth connection is stored (its tokens are used). */
	private function oauth_in_use(): bool {
		return null !== $this->oauth && $this->oauth->connected();
	}

	/**
	 * The extension's exceptions, and the client's argument errors, as ApiError.
	 *
	 * @throws \Throwable What is none of those, unchanged.
	 */
	private function error_of( \Throwable $e ): ApiError {
		if ( $e instanceof \Calsync\ApiException ) {
			return new ApiError( ApiError::kind_of( $e->status ), $e->status, self::describe( $e ), $e->retryAfterMs, $e );
		}
		if ( $e instanceof \Calsync\PayloadException ) {
			return new ApiError( 'invalid', 0, sprintf( /* translators: %s: what is wrong, with its JSON path */ __( 'Calendly answered something the plugin cannot read (%s).', 'tfsp-calendly-sync' ), PluginError::from_core( $e )->getMessage() ), 0, $e );
		}
		if ( $e instanceof \Calsync\Exception ) {
			return new ApiError( 'other', 0, $e->getMessage(), 0, $e );
		}
		if ( $e instanceof \ValueError || $e instanceof \TypeError ) {
			// The client refused an argument before sending anything (a "UUID"
			// from a payload that is none, a cursor that is no page token): the
			// same call would be refused again, so it is not transient.
			/* translators: %s: the client's message, which names the argument (never its value) */
			return new ApiError( 'argument', 0, sprintf( __( 'The Calendly client refused a value before sending the request: %s', 'tfsp-calendly-sync' ), $e->getMessage() ), 0, $e );
		}
		throw $e;
	}

	/** Sleeps until the rate-limit window resets when the last answer said none is left. */
	private function pace(): void {
		$wait = $this->paused_until - microtime( true );
		if ( $wait <= 0 ) {
			return;
		}
		if ( $wait * 1000 > $this->max_wait_ms ) {
			throw new ApiError( 'rate_limited', 429, __( 'The Calendly rate limit is used up for now.', 'tfsp-calendly-sync' ), (int) ceil( $wait * 1000 ) );
		}
		usleep( (int) ( $wait * 1000000 ) );
		$this->paused_until = 0.0;
	}

	/** Remembers when the window resets if the last answer left no request in it. */
	private function note_window( \Calsync\Client $client ): void {
		$limit = $client->stats()['rate_limit'] ?? array();
		if ( isset( $limit['remaining'], $limit['reset_in_ms'] ) && 0 === (int) $limit['remaining'] ) {
			$this->paused_until = microtime( true ) + ( (int) $limit['reset_in_ms'] ) / 1000;
		}
	}

	/**
	 * The client for the token in use: the OAuth access token when connected
	 * (refreshed before it expires, or because Calendly answered 401 to
	 * $rejected), else the personal access token.
	 *
	 * @throws ApiError When the connection settings are missing or unreadable.
	 */
	private function client( ?string $rejected = null ): \Calsync\Client {
		try {
			$base  = (string) $this->settings->get( 'api_base' );
			$token = $this->oauth_in_use() ? $this->oauth->access_token( $rejected ) : (string) $this->settings->get( 'token' );
		} catch ( SecretUnavailable $e ) {
			throw new ApiError( 'secret_unreadable', 0, __( 'The stored Calendly access token can no longer be opened; enter it again.', 'tfsp-calendly-sync' ) );
		}
		$this->bearer = $token;
		if ( '' === $token ) {
			throw new ApiError( 'not_configured', 0, __( 'No Calendly access token is configured.', 'tfsp-calendly-sync' ) );
		}
		if ( ! class_exists( \Calsync\Client::class ) ) {
			throw new ApiError( 'not_configured', 0, __( 'The loaded calsync extension has no Calendly client; install the current version.', 'tfsp-calendly-sync' ) );
		}
		// WordPress's proxy constants and filters, and its blocked hosts (a blocked_host ApiError).
		$proxy       = $this->outbound->client_options( $base );
		$fingerprint = hash( 'sha256', $base . "\0" . $token . "\0" . Outbound::fingerprint( $proxy ) );
		if ( null === $this->client || $fingerprint !== $this->built_for ) {
			if ( null !== $this->client ) {
				$usage                  = $this->usage();
				$this->requests_before  = $usage['requests'];
				$this->throttled_before = $usage['throttled'];
			}
			try {
				$this->client = new \Calsync\Client(
					$base,
					$token,
					array(
						'connect_timeout_ms' => 5000,
						'timeout_ms'         => 20000,
						'max_retries'        => 4,
						'max_wait_ms'        => $this->max_wait_ms,
						'user_agent'         => 'tfsp-calendly-sync/' . TFSP_CALENDLY_SYNC_VERSION . ' WordPress/' . get_bloginfo( 'version' ),
					) + $proxy
				);
			} catch ( \ValueError $e ) {
				if ( false !== strpos( $e->getMessage(), 'proxy' ) ) {
					// The client names the option, never its value (the password stays out of the message).
					throw new ApiError( 'not_configured', 0, __( 'The outbound proxy settings (WP_PROXY_HOST, WP_PROXY_PORT, WP_PROXY_USERNAME, WP_PROXY_PASSWORD) are not usable: printable ASCII only.', 'tfsp-calendly-sync' ) );
				}
				throw new ApiError( 'not_configured', 0, __( 'The Calendly API base URL or token is not usable.', 'tfsp-calendly-sync' ) );
			}
			$this->built_for = $fingerprint;
		}
		return $this->client;
	}

	/** A message for the admin: status, Calendly's title; never the token. */
	private static function describe( \Calsync\ApiException $e ): string {
		if ( 0 === $e->status ) {
			/* translators: %s: transport error */
			return sprintf( __( 'Calendly could not be reached: %s', 'tfsp-calendly-sync' ), $e->getMessage() );
		}
		$title = '' !== $e->title ? $e->title : $e->getMessage();
		/* translators: 1: HTTP status, 2: Calendly's error title */
		return sprintf( __( 'Calendly answered %1$d (%2$s).', 'tfsp-calendly-sync' ), $e->status, $title );
	}
}
