<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * What uninstalling does about Calendly: the webhook subscription is deleted only when the
 * calsync extension is loaded, Calendly can be reached, and the subscription was made for this
 * site's webhook URL (never a moved site's or a staging copy's original); the sealed secrets are
 * always deleted.  The Plugins screen shows the plan beforehand, with what to delete by hand.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

use TFSP\CalendlySync\Cron\HealthCheck;

defined( 'ABSPATH' ) || exit;

final class Uninstaller {

	private Settings $settings;
	private SettingsRepository $store;

	public function __construct( Settings $settings, SettingsRepository $store ) {
		$this->settings = $settings;
		$this->store    = $store;
	}

	/**
	 * The subscriptions this site made, as recorded: the current one first, then replaced
	 * ones still to delete.
	 *
	 * @return array<int,array{uri:string,callback_url:string}>
	 */
	private function recorded(): array {
		$out = array();
		$sub = json_decode( (string) $this->store->find_quietly( '_subscription' ), true );
		if ( is_array( $sub ) && '' !== (string) ( $sub['uri'] ?? '' ) ) {
			$out[] = array(
				'uri'          => (string) $sub['uri'],
				'callback_url' => (string) ( $sub['callback_url'] ?? '' ),
			);
		}
		$old = json_decode( (string) $this->store->find_quietly( '_old_subscriptions' ), true );
		foreach ( is_array( $old ) ? $old : array() as $uri ) {
			if ( is_string( $uri ) && ( ! $out || $out[0]['uri'] !== $uri ) ) {
				$out[] = array(
					'uri'          => $uri,
					'callback_url' => $out[0]['callback_url'] ?? '',
				);
			}
		}
		return $out;
	}

	/**
	 * What uninstalling will do with the current subscription, decided without calling
	 * Calendly (the last health check tells whether it could be reached).
	 *
	 * @return array{subscription:?array,delete:bool,reason:string}
	 */
	public function plan(): array {
		$recorded = $this->recorded();
		$sub      = $recorded[0] ?? null;
		$plan     = array(
			'subscription' => $sub,
			'delete'       => false,
			'reason'       => '',
		);
		if ( null === $sub ) {
			return $plan;
		}
		if ( ! Plugin::requirements_met() ) {
			$plan['reason'] = __( 'the calsync extension is not loaded, so the plugin cannot call Calendly', 'tfsp-calendly-sync' );
		} elseif ( ! Connection::is_this_sites_url( $sub['callback_url'] ) ) {
			/* translators: 1: URL the subscription was made for, 2: this site's webhook URL */
			$plan['reason'] = sprintf( __( 'it was made for %1$s, not for this site\'s webhook URL %2$s (another site may use it)', 'tfsp-calendly-sync' ), Connection::route_of( $sub['callback_url'] ), Connection::webhook_url() );
		} elseif ( ! $this->token_usable() ) {
			$plan['reason'] = __( 'no usable Calendly access token is stored', 'tfsp-calendly-sync' );
		} else {
			$health = HealthCheck::snapshot( $this->store );
			$state  = (string) ( $health['connection']['state'] ?? 'ok' );
			if ( 'ok' !== $state ) {
				/* translators: %s: connection state such as unreachable or token_rejected */
				$plan['reason'] = sprintf( __( 'Calendly could not be reached at the last health check (%s)', 'tfsp-calendly-sync' ), $state );
			} else {
				$plan['delete'] = true;
			}
		}
		return $plan;
	}

	/**
	 * Uninstall: deletes this site's subscriptions at Calendly when that is allowed and
	 * Calendly answers.
	 *
	 * @return string[] URIs deleted (or already gone).
	 */
	public function delete_subscriptions( Api $api ): array {
		$deleted = array();
		if ( ! Plugin::requirements_met() ) {
			return $deleted;
		}
		foreach ( $this->recorded() as $sub ) {
			if ( ! Connection::is_this_sites_url( $sub['callback_url'] ) ) {
				continue; // Another URL's: never deleted from here.
			}
			try {
				$api->delete_subscription( Api::uuid_of( $sub['uri'] ) );
				$deleted[] = $sub['uri'];
			} catch ( ApiError $e ) {
				if ( 'not_found' === $e->kind ) {
					$deleted[] = $sub['uri'];
				} elseif ( in_array( $e->kind, array( 'unreachable', 'not_configured', 'secret_unreadable', 'token_rejected' ), true ) ) {
					break; // Calendly cannot be asked: the rest stays too.
				}
			}
		}
		return $deleted;
	}

	/** Deletes every sealed secret the plugin stored, whatever else uninstall keeps. */
	public function delete_secrets(): void {
		foreach ( $this->settings->definitions() as $name => $def ) {
			if ( $def['secret'] ) {
				$this->store->delete( $name );
			}
		}
		$this->store->delete( Settings::PENDING_SIGNING_KEY );
		foreach ( array( Oauth::TOKENS, Oauth::BROKEN, Oauth::WAIT ) as $key ) {
			$this->store->delete( $key ); // The sealed OAuth tokens, and their state.
		}
		$this->settings->refresh();
	}

	/** Deletes the internal rows kept per back-fill job, whatever else uninstall keeps. */
	public function delete_job_rows(): void {
		$this->store->delete_prefixed( Settings::BACKFILL_STREAK_PREFIX );
	}

	private function token_usable(): bool {
		try {
			return null !== $this->store->find_quietly( Oauth::TOKENS ) || '' !== (string) $this->settings->get( 'token' );
		} catch ( SecretUnavailable | DatabaseError $e ) {
			return false;
		}
	}

	/**
	 * after_plugin_row_{file} on the Plugins screen: what deleting the plugin will do about
	 * Calendly, and what to delete by hand when it cannot.
	 *
	 * @param string $file Plugin file.
	 */
	public function render_plugin_row( $file ): void {
		if ( ! current_user_can( 'delete_plugins' ) ) {
			return;
		}
		try {
			$plan = $this->plan();
		} catch ( DatabaseError $e ) {
			return;
		}
		$sub = $plan['subscription'];
		if ( null === $sub ) {
			$text  = __( 'Deleting this plugin deletes its sealed secrets (access token, signing key). No Calendly webhook subscription is recorded.', 'tfsp-calendly-sync' );
			$class = 'notice-info';
		} elseif ( $plan['delete'] ) {
			/* translators: 1: subscription URI, 2: its callback URL */
			$text  = sprintf( __( 'Deleting this plugin also deletes its Calendly webhook subscription %1$s (for %2$s) and its sealed secrets. Sessions stay unless "Delete the plugin\'s data on uninstall" is on.', 'tfsp-calendly-sync' ), $sub['uri'], $sub['callback_url'] );
			$class = 'notice-info';
		} else {
			/* translators: 1: subscription URI, 2: its callback URL, 3: why it cannot be deleted, 4: the subscription's UUID */
			$text  = sprintf( __( 'Deleting this plugin will NOT delete the Calendly webhook subscription %1$s (for %2$s): %3$s. Delete it by hand in Calendly if no site needs it (Integrations, API and webhooks; or DELETE /webhook_subscriptions/%4$s with an admin\'s token). The sealed secrets are deleted either way.', 'tfsp-calendly-sync' ), $sub['uri'], $sub['callback_url'], $plan['reason'], Api::uuid_of( $sub['uri'] ) );
			$class = 'notice-warning';
		}
		echo '<tr class="plugin-update-tr active tfsp-calendly-uninstall-plan" data-plugin="' . esc_attr( (string) $file ) . '"><td colspan="4" class="plugin-update colspanchange"><div class="notice inline notice-alt ' . esc_attr( $class ) . '"><p>' . esc_html( $text ) . '</p></div></td></tr>';
	}
}
