<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * WP-Cron job tfsp_calendly_health (every 15 minutes, under a database lock): the subscription's
 * state and retry_started_at, the last verified delivery, failing ledger rows; recovery and polling.
 *
 * The subscription is recognised by its Calendly URI, and it is only ever
 * re-created by a site whose webhook URL is still the one it was made for.
 * On "disabled" (or a subscription that is gone) it creates a new one, queues
 * a back-fill of the window the webhooks missed (one recovery job at a time,
 * widened when needed; none more while re-creating keeps failing for the
 * same reason), then alerts.  While Calendly
 * refuses webhooks (403) it queues a back-fill of the recent window each run
 * instead (polling) and asks again for webhooks once a day.  The result is
 * stored as the "_health" snapshot that Site Health and the REST route show.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Cron;

use TFSP\CalendlySync\Alerts;
use TFSP\CalendlySync\Api;
use TFSP\CalendlySync\ApiError;
use TFSP\CalendlySync\Backfill;
use TFSP\CalendlySync\BackfillRepository;
use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\Connection;
use TFSP\CalendlySync\Database;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\LedgerRepository;
use TFSP\CalendlySync\Oauth;
use TFSP\CalendlySync\SecretUnavailable;
use TFSP\CalendlySync\Settings;
use TFSP\CalendlySync\SettingsRepository;

defined( 'ABSPATH' ) || exit;

final class HealthCheck {

	public const HOOK     = 'tfsp_calendly_health';
	public const SCHEDULE = 'tfsp_calendly_fifteen_minutes';

	/** A recovery back-fill reaches this far back before the failures began, and this far ahead. */
	private const RECOVERY_MARGIN = DAY_IN_SECONDS;
	private const RECOVERY_AHEAD  = 366 * DAY_IN_SECONDS;

	/** Where the last failure to re-create the subscription is kept (settings table). */
	private const RECOVERY_FAILURE = '_recovery_failure';

	private Database $db;
	private Settings $settings;
	private SettingsRepository $store;
	private Api $api;
	private Connection $connection;
	private LedgerRepository $ledger;
	private BackfillRepository $jobs;
	private Backfill $backfill;
	private Alerts $alerts;

	public function __construct( Database $db, Settings $settings, SettingsRepository $store, Api $api, Connection $connection, LedgerRepository $ledger, BackfillRepository $jobs, Backfill $backfill, Alerts $alerts ) {
		$this->db         = $db;
		$this->settings   = $settings;
		$this->store      = $store;
		$this->api        = $api;
		$this->connection = $connection;
		$this->ledger     = $ledger;
		$this->jobs       = $jobs;
		$this->backfill   = $backfill;
		$this->alerts     = $alerts;
	}

	/** @return array<string,mixed> The snapshot; empty when another node holds the lock. */
	public function run(): array {
		try {
			return $this->db->with_lock( 'health', fn() => $this->check_and_store(), 0, array() );
		} catch ( DatabaseError $e ) {
			return array(); // The lock could not be asked for: the next run tries again.
		}
	}

	/** The job itself, run under its lock. */
	private function check_and_store(): array {
		try {
			$health = $this->check();
			$this->store->put( '_health', (string) wp_json_encode( $health ) );
			return $health;
		} catch ( DatabaseError $e ) {
			error_log( 'tfsp-calendly-sync health: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
			return array();
		}
	}

	/** The last stored snapshot, or null before the first check. */
	public static function snapshot( SettingsRepository $store ): ?array {
		$raw  = $store->find_quietly( '_health' );
		$data = null === $raw ? null : json_decode( $raw, true );
		return is_array( $data ) ? $data : null;
	}

	/** Called by Api for every failed call: a rejected token is known at once. */
	public static function on_api_error( Alerts $alerts, SettingsRepository $store ): callable {
		return static function ( ApiError $e ) use ( $alerts, $store ): void {
			if ( 'token_rejected' !== $e->kind ) {
				return;
			}
			try {
				$store->put( '_connection_error', (string) wp_json_encode( array( 'kind' => $e->kind, 'status' => $e->status, 'at' => time() ) ) );
				$alerts->raise(
					'token_rejected',
					null !== $store->find_quietly( Oauth::TOKENS )
						? __( 'Calendly answered 401 Unauthenticated to the OAuth access token, also after renewing it. Connect with Calendly again in the Calendly Sync settings; until then nothing is synced.', 'tfsp-calendly-sync' )
						: __( 'Calendly answered 401 Unauthenticated: the access token was revoked or is wrong. Enter a new personal access token in the Calendly Sync settings; until then nothing is synced.', 'tfsp-calendly-sync' )
				);
			} catch ( DatabaseError $ignored ) {
				unset( $ignored );
			}
		};
	}

	/** @return array<string,mixed> */
	private function check(): array {
		$now    = time();
		$health = array(
			'checked_at'   => gmdate( 'Y-m-d\TH:i:s\Z', $now ),
			'status'       => 'ok',
			'mode'         => 'webhooks',
			'connection'   => array(
				'state'   => 'ok',
				'message' => '',
			),
			'subscription' => array(
				'state'            => 'unknown',
				'uri'              => null,
				'retry_started_at' => null,
				'recreated'        => false,
			),
			'deliveries'   => $this->deliveries( $now ),
			'ledger'       => $this->ledger_health(),
			'backfill'     => null,
			'alerts'       => array(),
			'problems'     => array(),
		);

		if ( ! $this->api->is_configured() ) {
			$health['connection'] = array(
				'state'   => $this->token_unreadable() ? 'secret_unreadable' : 'not_configured',
				'message' => $this->token_unreadable() ? __( 'The stored access token can no longer be opened: enter it again.', 'tfsp-calendly-sync' ) : __( 'No Calendly access token is configured.', 'tfsp-calendly-sync' ),
			);
		} else {
			try {
				$this->check_subscription( $health, $now );
				$this->store->delete( '_connection_error' );
				$this->alerts->clear( 'token_rejected' );
			} catch ( ApiError $e ) {
				$health['connection'] = array(
					'state'   => $e->kind,
					'status'  => $e->status,
					'message' => $e->getMessage(),
				);
				if ( 'forbidden' === $e->kind ) {
					$health['connection']['message'] = __( 'Calendly answered 403 Permission Denied: the token lacks the right for this organization.', 'tfsp-calendly-sync' );
				}
			}
		}

		$failed = $health['ledger']['failed_for_good'];
		if ( $failed > 0 ) {
			/* translators: %d: number of deliveries */
			$this->alerts->raise( 'ledger_failing', sprintf( _n( '%d Calendly delivery could not be applied after every retry; see the ledger.', '%d Calendly deliveries could not be applied after every retry; see the ledger.', $failed, 'tfsp-calendly-sync' ), $failed ) );
		} else {
			$this->alerts->clear( 'ledger_failing' );
		}

		$latest = $this->jobs->latest();
		if ( null !== $latest ) {
			$health['backfill'] = Backfill::view( $latest );
		}
		$health['alerts'] = array_keys( $this->alerts->active() );
		$health['status'] = $this->overall( $health );
		return $health;
	}

	/** Subscription state, recovery after a disable, polling after a 403. @throws ApiError */
	private function check_subscription( array &$health, int $now ): void {
		$refused = $this->connection->webhooks_refused();
		if ( null !== $refused ) {
			$health['mode']                  = 'polling';
			$health['subscription']['state'] = 'refused';
			if ( $now - $refused >= DAY_IN_SECONDS ) {
				$this->store->put( '_webhooks_refused', (string) $now ); // Ask once a day, not every run.
				$result = $this->connection->register( null );
				if ( ! is_wp_error( $result ) ) {
					$health['mode']                  = 'webhooks';
					$health['subscription']['state'] = 'active';
					$health['subscription']['uri']   = $result['uri'];
					return;
				}
			}
			$health['problems'][] = __( 'Calendly refuses webhook subscriptions (403): polling the recent window every 15 minutes instead.', 'tfsp-calendly-sync' );
			if ( ! $this->jobs->has_unfinished( 'polling' ) ) {
				$back  = (int) $this->settings->get( 'poll_days_back' ) * DAY_IN_SECONDS;
				$ahead = (int) $this->settings->get( 'poll_days_ahead' ) * DAY_IN_SECONDS;
				$this->backfill->queue( 'polling', ( $now - $back ) * 1000000, ( $now + $ahead ) * 1000000, null );
			}
			return;
		}

		$current = $this->connection->subscription();
		if ( null === $current || '' === (string) $current['uri'] ) {
			$health['subscription']['state'] = 'missing';
			$health['problems'][]            = __( 'No webhook subscription is registered yet.', 'tfsp-calendly-sync' );
			return;
		}
		$ours  = $this->connection->our_subscriptions();
		$found = null;
		foreach ( $ours as $sub ) {
			if ( ( $sub['uri'] ?? '' ) === $current['uri'] ) {
				$found = $sub;
			}
		}
		$state = null === $found ? 'missing' : (string) ( $found['state'] ?? 'unknown' );

		$health['subscription']['uri']              = $current['uri'];
		$health['subscription']['state']            = $state;
		$health['subscription']['retry_started_at'] = $found['retry_started_at'] ?? null;

		// Made for another URL (the site moved, its permalinks changed, or this
		// is a copy): it belongs to the site at that URL, so nothing here
		// deletes, replaces or re-creates it, nor back-fills because of it.
		$moved = $this->connection->url_changed();
		$health['subscription']['url_changed'] = $moved;
		if ( null !== $moved ) {
			/* translators: 1: URL the subscription was made for, 2: this site's webhook URL now */
			$health['problems'][] = sprintf( __( 'The webhook subscription was made for %1$s, but this site\'s webhook URL is now %2$s: nothing is re-created or back-filled until an admin registers the subscription again (see the Sync page).', 'tfsp-calendly-sync' ), $moved['subscription_url'], $moved['site_url'] );
			return;
		}

		if ( 'active' === $state ) {
			if ( count( $ours ) > 1 ) {
				$this->connection->remove_old_subscriptions();
			}
			if ( null !== $health['subscription']['retry_started_at'] ) {
				/* translators: %s: time */
				$health['problems'][] = sprintf( __( 'Calendly has been retrying failed deliveries since %s.', 'tfsp-calendly-sync' ), (string) $health['subscription']['retry_started_at'] );
			}
			$this->alerts->clear( 'subscription_disabled' );
			return;
		}

		// Disabled (or deleted behind our back): a new subscription first, then
		// the back-fill of what was missed (one recovery job at a time), then
		// the alert.  While re-creating keeps failing for the same reason,
		// nothing more is queued: the first failure's back-fill already reads
		// what Calendly has, and the one after the success covers the rest.
		$failing = $this->recovery_failure();
		$since   = $this->gap_start( $found, $now );
		if ( null !== $failing ) {
			$since = min( $since, (int) $failing['since'] );
		}
		$made = $this->connection->recreate();
		$job  = null;
		if ( is_wp_error( $made ) ) {
			if ( null !== $this->connection->webhooks_refused() ) {
				$health['mode'] = 'polling';
			}
			$reason = $made->get_error_code();
			$same   = null !== $failing && $failing['reason'] === $reason;
			$failing = array(
				'reason'        => $reason,
				'message'       => $made->get_error_message(),
				'since'         => $since,
				'failing_since' => $same ? (int) $failing['failing_since'] : $now,
				'attempts'      => $same ? (int) $failing['attempts'] + 1 : 1,
			);
			$this->store->put( self::RECOVERY_FAILURE, (string) wp_json_encode( $failing ) );
			if ( ! $same ) {
				$job = $this->backfill->queue_recovery( ( $since - self::RECOVERY_MARGIN ) * 1000000, ( $now + self::RECOVERY_AHEAD ) * 1000000 );
			}
			$health['subscription']['recreate_failing'] = $failing;
			$health['subscription']['backfill_job']     = $job;
			$message = null !== $job
				/* translators: 1: Calendly's answer, 2: back-fill job id */
				? sprintf( __( 'The webhook subscription could not be re-created: %1$s. Back-fill #%2$d reads the events missed so far; the health check tries again every 15 minutes.', 'tfsp-calendly-sync' ), $failing['message'], $job )
				/* translators: 1: number of attempts, 2: time of the first failure, 3: Calendly's answer */
				: sprintf( __( 'Re-creating the webhook subscription keeps failing for the same reason (%1$d attempts since %2$s): %3$s. No further back-fill is queued while it fails like this; once the subscription is re-created, one back-fill recovers everything missed since the failures began.', 'tfsp-calendly-sync' ), $failing['attempts'], gmdate( 'Y-m-d H:i', $failing['failing_since'] ) . ' UTC', $failing['message'] );
			$health['problems'][] = $message;
			/* translators: 1: time the failures began, 2: what happened since */
			$this->alerts->raise( 'subscription_disabled', 'disabled' === $state ? sprintf( __( 'Calendly disabled the webhook subscription after failing deliveries since %1$s. %2$s', 'tfsp-calendly-sync' ), gmdate( 'Y-m-d H:i', $since ) . ' UTC', $message ) : $message );
			return;
		}
		$this->store->delete( self::RECOVERY_FAILURE );
		$health['subscription']['recreated'] = true;
		$health['subscription']['new_uri']   = $made['uri'];
		$job                                 = $this->backfill->queue_recovery( ( $since - self::RECOVERY_MARGIN ) * 1000000, ( $now + self::RECOVERY_AHEAD ) * 1000000 );
		$health['subscription']['backfill_job'] = $job;
		$message = 'disabled' === $state
			/* translators: 1: time the failures began, 2: back-fill job id */
			? sprintf( __( 'Calendly disabled the webhook subscription after failing deliveries since %1$s. A new subscription was created and back-fill #%2$d recovers the missed events.', 'tfsp-calendly-sync' ), gmdate( 'Y-m-d H:i', $since ) . ' UTC', $job )
			/* translators: %d: back-fill job id */
			: sprintf( __( 'The webhook subscription was gone from Calendly. A new one was created and back-fill #%d recovers the missed events.', 'tfsp-calendly-sync' ), $job );
		$health['problems'][] = $message;
		if ( 'disabled' === $state || null !== $failing ) {
			$this->alerts->raise( 'subscription_disabled', $message );
		}
	}

	/**
	 * The last failure to re-create the subscription (reason, Calendly's
	 * answer, start of the gap, first failure, attempts), or null.
	 *
	 * @return array<string,mixed>|null
	 */
	private function recovery_failure(): ?array {
		$raw  = $this->store->find_quietly( self::RECOVERY_FAILURE );
		$data = null === $raw ? null : json_decode( $raw, true );
		return is_array( $data ) && isset( $data['reason'], $data['since'] ) ? $data : null;
	}

	/** When the webhooks stopped arriving: retry_started_at, else the last verified delivery, else a day ago. */
	private function gap_start( ?array $sub, int $now ): int {
		$candidates = array();
		if ( is_string( $sub['retry_started_at'] ?? null ) ) {
			try {
				$candidates[] = intdiv( \Calsync\Time::parse( $sub['retry_started_at'] ), 1000000 );
			} catch ( \Calsync\Exception $e ) {
				unset( $e );
			}
		}
		$last = $this->ledger->last_verified_delivery();
		if ( null !== $last ) {
			$candidates[] = intdiv( Clock::from_datetime( $last ), 1000000 );
		}
		return $candidates ? min( $candidates ) : $now - DAY_IN_SECONDS;
	}

	/** @return array{last_verified_at:?string,seconds_since:?int} */
	private function deliveries( int $now ): array {
		$last = $this->ledger->last_verified_delivery();
		if ( null === $last ) {
			return array(
				'last_verified_at' => null,
				'seconds_since'    => null,
			);
		}
		$at = intdiv( Clock::from_datetime( $last ), 1000000 );
		return array(
			'last_verified_at' => gmdate( 'Y-m-d\TH:i:s\Z', $at ),
			'seconds_since'    => max( 0, $now - $at ),
		);
	}

	/** @return array<string,int> */
	private function ledger_health(): array {
		$counts = $this->ledger->counts_by_outcome();
		return array(
			'failed'          => $counts['failed'] ?? 0,
			'failed_for_good' => $this->ledger->failed_for_good(),
			'retrying'        => $counts['retrying'] ?? 0,
			'stale'           => $counts['stale'] ?? 0,
		);
	}

	private function token_unreadable(): bool {
		try {
			$this->settings->get( 'token' );
			return false;
		} catch ( SecretUnavailable $e ) {
			return true;
		}
	}

	/** "error" when nothing syncs, "warning" when something needs a look, else "ok". */
	private function overall( array $health ): string {
		if ( 'ok' !== $health['connection']['state'] ) {
			return 'error';
		}
		if ( 'polling' === $health['mode'] || $health['alerts'] || $health['problems'] || 'active' !== $health['subscription']['state'] ) {
			return 'warning';
		}
		return 'ok';
	}
}
