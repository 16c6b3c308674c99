<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The connection to Calendly: the access token tested with /users/me (organization and user URIs
 * stored from it), and the webhook subscription for this site, registered and replaced safely.
 *
 * Replacing a subscription: the new one is created first, at the webhook
 * URL with a fresh tfsp_sub query argument (so it never meets the 409 of
 * the old URL), and the old ones are deleted only after it exists; then the
 * same again back to the plain URL, so the site ends with one subscription
 * at its webhook URL.  A new signing key is pending until Calendly accepts it
 * (201), and only then enters the key ring as the current key.  The
 * previous signing key stays in the key ring until every old subscription
 * is gone, so deliveries signed by either verify meanwhile.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Connection {

	/** The query argument that tells this site's subscriptions apart. */
	public const SUB_ARG = 'tfsp_sub';

	private Settings $settings;
	private SettingsRepository $store;
	private Api $api;
	private Alerts $alerts;
	private ?Oauth $oauth;

	public function __construct( Settings $settings, SettingsRepository $store, Api $api, Alerts $alerts, ?Oauth $oauth = null ) {
		$this->settings = $settings;
		$this->store    = $store;
		$this->api      = $api;
		$this->alerts   = $alerts;
		$this->oauth    = $oauth;
	}

	/** True while the OAuth connection is in use: webhooks are then signed with the app's own key. */
	public function uses_oauth(): bool {
		return null !== $this->oauth && $this->oauth->connected();
	}

	/**
	 * Disconnects the OAuth connection: first deletes this site's
	 * subscription (while the token still works), then revokes the token at
	 * Calendly, then removes it here.  A broken connection (its token no
	 * longer works) is only removed here, with a warning; its subscription
	 * stays recorded, so that the next registration replaces it.
	 *
	 * @return array{warnings:string[]}|\WP_Error Nothing is removed here on an error.
	 */
	public function disconnect_oauth() {
		if ( ! $this->uses_oauth() ) {
			return new \WP_Error( 'tfsp_calendly_oauth_not_connected', __( 'Calendly is not connected by OAuth.', 'tfsp-calendly-sync' ), array( 'status' => 409 ) );
		}
		$warnings = array();
		$sub      = $this->subscription();
		if ( null !== $this->oauth->broken() ) {
			if ( null !== $sub ) {
				$warnings[] = __( 'The connection was broken, so this site\'s webhook subscription could not be deleted in Calendly. Registering the webhook again (with a personal access token or a new connection) replaces it; or delete it in Calendly.', 'tfsp-calendly-sync' );
			}
		} else {
			foreach ( array_merge( null === $sub ? array() : array( (string) $sub['uri'] ), $this->old_uris() ) as $uri ) {
				if ( '' === $uri ) {
					continue;
				}
				if ( null !== $sub && $uri === $sub['uri'] && ! self::is_this_sites_url( (string) ( $sub['callback_url'] ?? '' ) ) ) {
					/* translators: %s: subscription URI */
					$warnings[] = sprintf( __( 'The subscription %s was made for another URL of this site and was left in Calendly.', 'tfsp-calendly-sync' ), $uri );
					continue;
				}
				try {
					$this->api->delete_subscription( Api::uuid_of( $uri ) );
				} catch ( ApiError $e ) {
					if ( 'not_found' !== $e->kind ) {
						return self::wp_error( $e );
					}
				}
			}
			try {
				$this->oauth->revoke();
			} catch ( ApiError $e ) {
				$this->forget_subscription();
				return self::wp_error( $e );
			}
		}
		if ( null === $this->oauth->broken() ) {
			$this->forget_subscription(); // Deleted in Calendly above; a broken connection's stays recorded, to be replaced.
		}
		$this->oauth->forget();
		$this->store->delete( '_connection_test' );
		$this->store->delete( '_connection_error' );
		return array( 'warnings' => $warnings );
	}

	/** The subscription records of this site, after it was deleted in Calendly. */
	private function forget_subscription(): void {
		$this->store->delete( '_subscription' );
		$this->store->delete( '_old_subscriptions' );
	}

	/**
	 * Stores a token (when given and not pinned), tests it with the
	 * current-user call, and stores the organization and user URIs.
	 *
	 * @return array{user_uri:string,organization_uri:string,name:string}|\WP_Error
	 */
	public function connect( ?string $token = null ) {
		if ( null !== $token ) {
			$set = $this->settings->set( 'token', $token );
			if ( is_wp_error( $set ) ) {
				return $set;
			}
		}
		try {
			$me = $this->api->current_user();
		} catch ( ApiError $e ) {
			return self::wp_error( $e );
		}
		$user         = (string) ( $me['uri'] ?? '' );
		$organization = (string) ( $me['current_organization'] ?? '' );
		foreach ( array(
			'user_uri'         => $user,
			'organization_uri' => $organization,
		) as $name => $value ) {
			if ( '' !== $value && ! $this->settings->is_pinned( $name ) ) {
				$set = $this->settings->set( $name, $value );
				if ( is_wp_error( $set ) ) {
					return $set;
				}
			}
		}
		$this->alerts->clear( 'token_rejected' );
		$this->store->delete( '_connection_error' );
		return array(
			'user_uri'         => $user,
			'organization_uri' => $organization,
			'name'             => (string) ( $me['name'] ?? '' ),
		);
	}

	/** The site's webhook route, without the tfsp_sub argument. */
	public static function webhook_url(): string {
		return rest_url( 'tfsp-calendly/v1/webhook' );
	}

	/** A callback URL without the tfsp_sub argument: the webhook route it points at. */
	public static function route_of( string $callback_url ): string {
		return untrailingslashit( remove_query_arg( self::SUB_ARG, $callback_url ) );
	}

	/** True when a callback URL points at this site's webhook route as it is today (any tfsp_sub). */
	public static function is_this_sites_url( string $callback_url ): bool {
		return self::route_of( $callback_url ) === untrailingslashit( self::webhook_url() );
	}

	/**
	 * Null while the stored subscription was made for today's webhook URL;
	 * after a move or a permalink change (or on a copy of the site), what it
	 * was made for and what the URL is now.  Such a site never deletes,
	 * replaces or re-creates the subscription on its own.
	 *
	 * @return array{uri:string,subscription_url:string,site_url:string}|null
	 */
	public function url_changed(): ?array {
		$sub = $this->subscription();
		if ( null === $sub || '' === (string) ( $sub['callback_url'] ?? '' ) || self::is_this_sites_url( (string) $sub['callback_url'] ) ) {
			return null;
		}
		return array(
			'uri'              => (string) $sub['uri'],
			'subscription_url' => self::route_of( (string) $sub['callback_url'] ),
			'site_url'         => self::webhook_url(),
		);
	}

	/**
	 * The URIs of the older subscriptions this site made at its own URL and
	 * still has to delete (the replaced ones).
	 *
	 * @return string[]
	 */
	private function old_uris(): array {
		$list = json_decode( (string) $this->store->find_quietly( '_old_subscriptions' ), true );
		return is_array( $list ) ? array_values( array_filter( $list, 'is_string' ) ) : array();
	}

	/** @param string[] $uris */
	private function put_old_uris( array $uris ): void {
		$uris = array_values( array_unique( $uris ) );
		if ( $uris ) {
			$this->store->put( '_old_subscriptions', (string) wp_json_encode( $uris ) );
		} else {
			$this->store->delete( '_old_subscriptions' );
		}
	}

	/**
	 * The subscription as last registered: uri, callback_url, scope, created_at.
	 *
	 * @return array<string,string>|null
	 */
	public function subscription(): ?array {
		$raw = $this->store->find_quietly( '_subscription' );
		$sub = null === $raw ? null : json_decode( $raw, true );
		return is_array( $sub ) ? $sub : null;
	}

	/**
	 * Registers the subscription with a signing key: the given one, or a new
	 * one (rotation); a pinned key is always used as it is.  A key that is
	 * not the current one is held as pending and becomes current only when
	 * Calendly answers 201; a refused attempt discards it, so the key ring
	 * of the live subscription never changes on a failure.  Old
	 * subscriptions of this site are deleted once the new one exists.
	 *
	 * @return array<string,mixed>|\WP_Error The subscription.
	 */
	public function register( ?string $signing_key = null ) {
		try {
			$ring = $this->settings->signing_keys();
		} catch ( SecretUnavailable $e ) {
			$ring = array();
		}
		if ( $this->uses_oauth() && ! $this->settings->is_pinned( 'signing_key' ) ) {
			// With an OAuth app Calendly signs with the app's own key: the admin enters it; never generated or rotated here.
			if ( ! $ring ) {
				return new \WP_Error( 'tfsp_calendly_no_signing_key', __( 'Enter the webhook signing key of your Calendly OAuth app (shown in Calendly\'s developer console) in the settings first.', 'tfsp-calendly-sync' ), array( 'status' => 409 ) );
			}
			return $this->create( $ring[0] );
		}
		if ( $this->settings->is_pinned( 'signing_key' ) ) {
			if ( ! $ring ) {
				return new \WP_Error( 'tfsp_calendly_no_signing_key', __( 'TFSP_CALENDLY_SIGNING_KEY is defined but empty or too short (16 characters at least).', 'tfsp-calendly-sync' ) );
			}
			return $this->create( $ring[0] );
		}
		$key = $signing_key ?? self::generate_key();
		if ( isset( $ring[0] ) && $ring[0] === $key ) {
			return $this->create( $key );
		}
		// Stored (sealed) before the subscription exists: the API never shows the key again.
		$held = $this->settings->hold_pending_signing_key( $key );
		if ( is_wp_error( $held ) ) {
			return $held;
		}
		$made = $this->create( $key );
		if ( is_wp_error( $made ) ) {
			$this->settings->discard_pending_signing_key();
		}
		return $made;
	}

	/** A new subscription with the current key (after Calendly disabled the old one). @return array<string,mixed>|\WP_Error */
	public function recreate() {
		return $this->register( null === $this->current_key() ? null : $this->current_key() );
	}

	/**
	 * Deletes the older subscriptions this site made at its own URL (never
	 * one made for another URL); once none is left, drops the previous key
	 * from the ring.
	 *
	 * @return int Old subscriptions still there (0 when clean).
	 * @throws ApiError When Calendly cannot be asked.
	 */
	public function remove_old_subscriptions(): int {
		$current = $this->subscription();
		$old     = $this->old_uris();
		$left    = array();
		if ( $old ) {
			$live = array();
			foreach ( $this->api->all_subscriptions( (string) $this->settings->get( 'organization_uri' ) ) as $sub ) {
				if ( is_array( $sub ) && isset( $sub['uri'] ) ) {
					$live[ (string) $sub['uri'] ] = (string) ( $sub['callback_url'] ?? '' );
				}
			}
			foreach ( $old as $uri ) {
				if ( ( null !== $current && $uri === $current['uri'] ) || ! isset( $live[ $uri ] ) ) {
					continue; // The current one, or gone already.
				}
				if ( ! self::is_this_sites_url( $live[ $uri ] ) ) {
					continue; // Made for another URL: that site's, never deleted from here.
				}
				try {
					$this->api->delete_subscription( Api::uuid_of( $uri ) );
				} catch ( ApiError $e ) {
					if ( 'not_found' !== $e->kind ) {
						$left[] = $uri;
					}
				}
			}
			$this->put_old_uris( $left );
		}
		if ( ! $left && ! $this->settings->is_pinned( 'signing_key' ) ) {
			try {
				$ring = $this->settings->signing_keys();
				if ( count( $ring ) > 1 ) {
					$this->settings->set( 'signing_key', array( $ring[0] ) );
				}
			} catch ( SecretUnavailable $e ) {
				unset( $e ); // Reported by Settings::health().
			}
		}
		return count( $left );
	}

	/**
	 * This site's subscriptions as Calendly lists them: the current one and
	 * the older ones still to delete, recognised by their URIs (never by
	 * comparing callback URLs with today's rest_url()).
	 *
	 * @return array<int,array<string,mixed>>
	 * @throws ApiError When Calendly cannot be asked.
	 */
	public function our_subscriptions(): array {
		$current = $this->subscription();
		$mine    = $this->old_uris();
		if ( null !== $current && '' !== (string) $current['uri'] ) {
			$mine[] = (string) $current['uri'];
		}
		$out = array();
		foreach ( $this->api->all_subscriptions( (string) $this->settings->get( 'organization_uri' ) ) as $sub ) {
			if ( is_array( $sub ) && in_array( (string) ( $sub['uri'] ?? '' ), $mine, true ) ) {
				$out[] = $sub;
			}
		}
		return $out;
	}

	/** True while Calendly refuses webhook subscriptions (403): the sync polls. */
	public function webhooks_refused(): ?int {
		$at = $this->store->find_quietly( '_webhooks_refused' );
		return null === $at ? null : (int) $at;
	}

	/** @return array<string,mixed>|\WP_Error */
	private function create( string $key ) {
		$organization = (string) $this->settings->get( 'organization_uri' );
		$user         = (string) $this->settings->get( 'user_uri' );
		if ( '' === $organization ) {
			$me = $this->connect();
			if ( is_wp_error( $me ) ) {
				return $me;
			}
			$organization = $me['organization_uri'];
			$user         = $me['user_uri'];
		}
		// The plain webhook URL when it is free; otherwise a new subscription at
		// an alternate URL first, the old ones deleted, then the plain URL again
		// (Calendly answers 409 to a second subscription at the same URL).
		try {
			$taken = false;
			foreach ( $this->api->all_subscriptions( $organization ) as $sub ) {
				$taken = $taken || ( is_array( $sub ) && untrailingslashit( (string) ( $sub['callback_url'] ?? '' ) ) === untrailingslashit( self::webhook_url() ) );
			}
			$steps = $taken
				? array( add_query_arg( self::SUB_ARG, strtolower( wp_generate_password( 8, false ) ), self::webhook_url() ), self::webhook_url() )
				: array( self::webhook_url() );
		} catch ( ApiError $e ) {
			return self::wp_error( $e );
		}
		$record = null;
		foreach ( $steps as $url ) {
			$made = $this->create_at( $url, $organization, $user, $key );
			if ( is_wp_error( $made ) ) {
				return null === $record ? $made : $record; // The first step stands.
			}
			$record = $made;
		}
		return $record;
	}

	/**
	 * Creates the subscription at one URL, records it, then deletes this
	 * site's other subscriptions.
	 *
	 * @return array<string,mixed>|\WP_Error
	 */
	private function create_at( string $url, string $organization, string $user, string $key ) {
		$scope = 'organization';
		try {
			try {
				$sub = $this->api->create_subscription( $url, $organization, $scope, null, $key );
			} catch ( ApiError $e ) {
				if ( 'forbidden' !== $e->kind || '' === $user ) {
					throw $e;
				}
				// A token without organization rights may still subscribe to its own user's events.
				$scope = 'user';
				$sub   = $this->api->create_subscription( $url, $organization, $scope, $user, $key );
			}
		} catch ( ApiError $e ) {
			if ( 'forbidden' === $e->kind ) {
				if ( null === $this->webhooks_refused() ) {
					$this->store->put( '_webhooks_refused', (string) time() );
				}
				$this->alerts->raise( 'webhooks_refused', __( 'Calendly answered 403 to the webhook subscription (a plan without webhooks, or a token without the right). The sync polls Calendly every 15 minutes instead.', 'tfsp-calendly-sync' ) );
			}
			return self::wp_error( $e );
		}
		if ( $this->current_key() !== $key ) {
			// Calendly accepted the pending key: now it is current, before the old subscriptions go.
			$this->settings->promote_pending_signing_key( $key );
		}
		$this->store->delete( '_webhooks_refused' );
		$this->alerts->clear( 'webhooks_refused' );
		// The subscription it replaces is deleted once this one exists, but only
		// when it was made for this site's URL as it is now; one made for
		// another URL (before a move, or a staging copy's original) is left.
		$previous = $this->subscription();
		$left     = null;
		if ( null !== $previous && '' !== (string) $previous['uri'] ) {
			if ( self::is_this_sites_url( (string) ( $previous['callback_url'] ?? '' ) ) ) {
				$this->put_old_uris( array_merge( $this->old_uris(), array( (string) $previous['uri'] ) ) );
			} else {
				$left = array(
					'uri'          => (string) $previous['uri'],
					'callback_url' => (string) $previous['callback_url'],
				);
			}
		}
		$record = array(
			'uri'          => (string) ( $sub['uri'] ?? '' ),
			'callback_url' => (string) ( $sub['callback_url'] ?? $url ),
			'scope'        => $scope,
			'created_at'   => gmdate( 'Y-m-d\TH:i:s\Z' ),
		);
		$this->store->put( '_subscription', (string) wp_json_encode( $record ) );
		try {
			$this->remove_old_subscriptions();
		} catch ( ApiError $e ) {
			unset( $e ); // The health check tries again; the old key stays in the ring until then.
		}
		return $record + array(
			'state'             => (string) ( $sub['state'] ?? 'active' ),
			'left_in_calendly'  => $left,
		);
	}

	private function current_key(): ?string {
		try {
			return $this->settings->signing_keys()[0] ?? null;
		} catch ( SecretUnavailable $e ) {
			return null;
		}
	}

	/** A signing key: 32 random bytes as hex (the caller chooses the key with a personal access token). */
	private static function generate_key(): string {
		return bin2hex( random_bytes( 32 ) );
	}

	public static function wp_error( ApiError $e ): \WP_Error {
		$status = in_array( $e->kind, array( 'token_rejected', 'forbidden', 'not_configured', 'secret_unreadable' ), true ) ? 409 : 502;
		return new \WP_Error( 'tfsp_calendly_' . $e->kind, $e->getMessage(), array( 'status' => $status ) );
	}
}
