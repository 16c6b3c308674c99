<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Back-fill of a window of start times: every scheduled event (canceled ones too) and its invitees,
 * applied through SessionSync like webhooks, so that the rows end as the webhooks would have left them.
 *
 * A job runs in slices (backfill_slice_seconds each) from WP-Cron under the
 * "backfill" database lock.  Its cursor (page token + events finished on
 * that page) is stored after every event, so an interrupted job resumes on
 * the page it was on.  Requests: one per page of events, plus one per event
 * whose updated_at moved since a back-fill last finished it (all of them
 * the first time).  Skipping unchanged events is only safe when a no-show
 * moves updated_at, which Calendly does not document (OPEN): the job learns
 * it from invitees that carry a no-show, and skips nothing until it knows.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Backfill {

	public const HOOK = 'tfsp_calendly_backfill';

	/** Events per page: the API's largest. */
	private const PAGE_SIZE = 100;

	/** Slices in a row that end in an error before the job is failed. */
	private const MAX_ERROR_SLICES = 10;

	private Database $db;
	private BackfillRepository $jobs;
	private SeenEventRepository $seen;
	private SessionSync $sync;
	private Api $api;
	private Settings $settings;
	private SettingsRepository $store;
	private Alerts $alerts;

	public function __construct( Database $db, BackfillRepository $jobs, SeenEventRepository $seen, SessionSync $sync, Api $api, Settings $settings, SettingsRepository $store, Alerts $alerts ) {
		$this->db       = $db;
		$this->jobs     = $jobs;
		$this->seen     = $seen;
		$this->sync     = $sync;
		$this->api      = $api;
		$this->settings = $settings;
		$this->store    = $store;
		$this->alerts   = $alerts;
	}

	/**
	 * Queues a job and makes sure WP-Cron runs it.
	 *
	 * @param string $reason "admin", "recovery" or "polling".
	 * @param int    $from   Start of the window, microseconds (inclusive).
	 * @param int    $to     End of the window, microseconds (exclusive).
	 */
	public function queue( string $reason, int $from, int $to, ?int $user_id ): int {
		$id = $this->jobs->create( $reason, Clock::to_datetime( $from ), Clock::to_datetime( $to ), $user_id );
		self::schedule( 0 );
		return $id;
	}

	/**
	 * Queues the back-fill that recovers what a disabled (or vanished)
	 * subscription missed, one at a time: a queued recovery job is widened
	 * (earliest from, latest to) instead of adding another; while one is
	 * running, at most one follow-up is queued (and then widened).
	 *
	 * @param int $from Start of the window, microseconds (inclusive).
	 * @param int $to   End of the window, microseconds (exclusive).
	 * @return int The id of the job that covers the window.
	 */
	public function queue_recovery( int $from, int $to ): int {
		$queued = $this->jobs->newest_in_state( 'recovery', 'queued' );
		if ( null !== $queued && $this->jobs->widen_queued( (int) $queued['id'], Clock::to_datetime( $from ), Clock::to_datetime( $to ) ) ) {
			self::schedule( 0 );
			return (int) $queued['id'];
		}
		return $this->queue( 'recovery', $from, $to, null );
	}

	/** Schedules the next run in $delay seconds unless one is already due sooner. */
	public static function schedule( int $delay ): void {
		$next = wp_next_scheduled( self::HOOK );
		if ( false === $next || $next > time() + $delay ) {
			if ( false !== $next ) {
				wp_unschedule_event( $next, self::HOOK );
			}
			wp_schedule_single_event( time() + $delay, self::HOOK );
		}
	}

	/**
	 * The cron hook: works on unfinished jobs for one slice, under the lock.
	 *
	 * @param float|null $seconds Length of the slice; default the setting.
	 * @return array<int,string> Job id => state afterwards; empty when another node holds the lock.
	 */
	public function run( ?float $seconds = null ): array {
		try {
			return $this->db->with_lock( 'backfill', fn() => $this->run_slices( $seconds ), 0, array() );
		} catch ( DatabaseError $e ) {
			return array(); // The lock could not be asked for: the next run tries again.
		}
	}

	/** The job itself, run under its lock. */
	private function run_slices( ?float $seconds ): array {
		$states   = array();
		$delay    = null;
		$deadline = microtime( true ) + ( $seconds ?? (float) $this->settings->get( 'backfill_slice_seconds' ) );
		try {
			while ( microtime( true ) < $deadline ) {
				$job = $this->jobs->next_unfinished();
				if ( null === $job ) {
					break;
				}
				[ $state, $wait ] = $this->slice( $job, $deadline );
				$states[ (int) $job['id'] ] = $state;
				if ( 'running' === $state ) {
					$delay = $wait;
					break;
				}
			}
			if ( null === $delay && null !== $this->jobs->next_unfinished() ) {
				$delay = 0;
			}
		} catch ( DatabaseError $e ) {
			error_log( 'tfsp-calendly-sync backfill: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
			$delay = MINUTE_IN_SECONDS;
		}
		if ( null !== $delay ) {
			self::schedule( $delay );
		}
		return $states;
	}

	/**
	 * One slice of one job.
	 *
	 * @return array{0:string,1:int} State afterwards and, when still running, seconds until the next slice.
	 */
	private function slice( array $job, float $deadline ): array {
		$id = (int) $job['id'];
		$this->jobs->start( $id );
		$this->jobs->add_counts( $id, array( 'slices' => 1 ) );
		$usage = $this->api->usage();
		$token = null === $job['page_token'] ? null : (string) $job['page_token'];
		$index = (int) $job['event_index'];
		$error = null;
		try {
			$organization = $this->organization();
			$query        = array(
				'organization'   => $organization,
				'min_start_time' => \Calsync\Time::format( Clock::from_datetime( (string) $job['window_from'] ) ),
				'max_start_time' => \Calsync\Time::format( Clock::from_datetime( (string) $job['window_to'] ) ),
				'sort'           => 'start_time:asc',
				'count'          => self::PAGE_SIZE,
			);
			while ( true ) {
				if ( microtime( true ) >= $deadline ) {
					$this->account( $id, $token, $index, array(), $usage );
					return array( 'running', 0 );
				}
				$page   = $this->api->scheduled_events( $query, $token );
				$events = array_values( (array) $page['items'] );
				$known  = $this->skip_unchanged() ? $this->seen->updated_at_of( array_map( static fn( \Calsync\ScheduledEvent $e ) => $e->uri(), $events ) ) : array();
				$types  = (array) $this->settings->get( 'event_types' );
				// Skipped events are counted, and the cursor stored, together with
				// the next event that needed work (or the page's end): a skip costs
				// neither a request nor a write.
				$skipped = 0;
				for ( $count = count( $events ); $index < $count; ) {
					$event = $events[ $index ];
					$view  = $event->toArray();
					++$index;
					if ( ( $types && ! in_array( $view['event_type'] ?? null, $types, true ) )
						|| ( isset( $known[ strtolower( $event->uri() ) ] ) && $known[ strtolower( $event->uri() ) ] === $view['updated_at'] ) ) {
						++$skipped;
						continue;
					}
					$add = $this->sync_event( $event, $view ) + array(
						'events_seen'    => 1 + $skipped,
						'events_skipped' => $skipped,
					);
					$skipped = 0;
					$this->account( $id, $token, $index, $add, $usage );
					if ( $index < $count && microtime( true ) >= $deadline ) {
						return array( 'running', 0 );
					}
				}
				if ( $skipped > 0 ) {
					$this->account(
						$id,
						$token,
						$index,
						array(
							'events_seen'    => $skipped,
							'events_skipped' => $skipped,
						),
						$usage
					);
				}
				$next = $page['next_page_token'] ?? null;
				if ( null === $next || '' === $next ) {
					$this->account( $id, $token, $index, array( 'pages_done' => 1 ), $usage );
					$fresh = $this->jobs->find( $id );
					$this->jobs->finish( $id, 'done', null );
					$this->store->delete( Settings::BACKFILL_STREAK_PREFIX . $id );
					if ( $fresh && (int) $fresh['invitees_failed'] > 0 ) {
						/* translators: 1: job id, 2: number of invitees */
						$this->alerts->raise( 'backfill_failing', sprintf( __( 'Back-fill #%1$d finished, but %2$d invitees could not be applied; see the ledger.', 'tfsp-calendly-sync' ), $id, (int) $fresh['invitees_failed'] ) );
					} else {
						$this->alerts->clear( 'backfill_failing' );
					}
					return array( 'done', 0 );
				}
				$token = (string) $next;
				$index = 0;
				$this->account( $id, $token, $index, array( 'pages_done' => 1 ), $usage );
			}
		} catch ( ApiError $e ) {
			$error = $e;
		}
		$this->account( $id, $token, $index, array( 'errors' => 1 ), $usage );
		$this->jobs->set_error( $id, $error->getMessage() );
		$fresh  = $this->jobs->find( $id );
		$streak = $this->error_streak( $id, $fresh );
		if ( ! $error->is_transient() || $streak >= self::MAX_ERROR_SLICES ) {
			$this->jobs->finish( $id, 'failed', $error->getMessage() );
			$this->store->delete( Settings::BACKFILL_STREAK_PREFIX . $id );
			/* translators: 1: job id, 2: error */
			$this->alerts->raise( 'backfill_failing', sprintf( __( 'Back-fill #%1$d failed: %2$s', 'tfsp-calendly-sync' ), $id, $error->getMessage() ) );
			return array( 'failed', 0 );
		}
		return array( 'running', max( 1, (int) ceil( $error->retry_after_ms / 1000 ) ) );
	}

	/**
	 * Reads the invitees of one event (all pages) and applies each.
	 *
	 * @return array<string,int> Counts to add.
	 * @throws ApiError When a page cannot be read (the event is then done again).
	 */
	private function sync_event( \Calsync\ScheduledEvent $event, array $view ): array {
		$add   = array(
			'invitees_synced' => 0,
			'invitees_failed' => 0,
		);
		$uuid  = Api::uuid_of( $event->uri() );
		$token = null;
		do {
			$page = $this->api->invitees( $uuid, array( 'count' => self::PAGE_SIZE ), $token );
			foreach ( (array) $page['items'] as $invitee ) {
				$this->learn_noshow_reading( $invitee );
				$result = $this->sync->apply_rest( $invitee, $event, 'backfill' );
				if ( 'failed' === $result['outcome'] ) {
					++$add['invitees_failed'];
				} else {
					++$add['invitees_synced'];
				}
			}
			$token = $page['next_page_token'] ?? null;
		} while ( null !== $token && '' !== $token );
		if ( 0 === $add['invitees_failed'] && is_int( $view['updated_at'] ?? null ) ) {
			$this->seen->remember( $event->uri(), $view['updated_at'] );
		}
		return $add;
	}

	/** Stores the cursor with the counts and the requests spent since the last call. */
	private function account( int $id, ?string $token, int $index, array $add, array &$usage ): void {
		$now                = $this->api->usage();
		$add['requests']    = ( $add['requests'] ?? 0 ) + $now['requests'] - $usage['requests'];
		$add['throttled']   = ( $add['throttled'] ?? 0 ) + $now['throttled'] - $usage['throttled'];
		$usage              = $now;
		$this->jobs->advance( $id, $token, $index, $add );
	}

	/** Slices in a row that ended in an error: errors minus slices that made progress is not stored, so count from the job. */
	private function error_streak( int $id, ?array $job ): int {
		$key    = Settings::BACKFILL_STREAK_PREFIX . $id;
		$last   = json_decode( (string) $this->store->find_quietly( $key ), true );
		$mark   = is_array( $job ) ? (int) $job['events_seen'] . ':' . (string) $job['page_token'] : '';
		$streak = is_array( $last ) && ( $last['mark'] ?? '' ) === $mark ? (int) $last['streak'] + 1 : 1;
		$this->store->put( $key, (string) wp_json_encode( array( 'mark' => $mark, 'streak' => $streak ) ) );
		return $streak;
	}

	/**
	 * Skipping events whose updated_at has not moved is safe only when no-show
	 * changes move updated_at (OPEN in calendly-api.md): learned, else no.
	 */
	public function skip_unchanged(): bool {
		return '1' === $this->store->find_quietly( '_noshow_moves_updated_at' );
	}

	/**
	 * An invitee with a no-show shows the reading: its updated_at is at least
	 * the no-show's time when no-shows move it.  Evidence against wins.
	 */
	private function learn_noshow_reading( \Calsync\Event $invitee ): void {
		$view = $invitee->toArray();
		if ( ! is_array( $view['no_show'] ?? null ) || ! is_int( $view['no_show']['created_at'] ?? null ) || ! is_int( $view['updated_at'] ?? null ) ) {
			return;
		}
		$moves  = $view['updated_at'] >= $view['no_show']['created_at'] ? '1' : '0';
		$stored = $this->store->find_quietly( '_noshow_moves_updated_at' );
		if ( $stored !== $moves && '0' !== $stored ) {
			$this->store->put( '_noshow_moves_updated_at', $moves );
		}
	}

	/** The organization URI, asked of the API once and stored. @throws ApiError */
	private function organization(): string {
		$organization = (string) $this->settings->get( 'organization_uri' );
		if ( '' !== $organization ) {
			return $organization;
		}
		$me           = $this->api->current_user();
		$organization = (string) ( $me['current_organization'] ?? '' );
		if ( '' === $organization ) {
			throw new ApiError( 'invalid', 0, __( 'Calendly did not name the organization of the access token.', 'tfsp-calendly-sync' ) );
		}
		if ( ! $this->settings->is_pinned( 'organization_uri' ) ) {
			$this->settings->set( 'organization_uri', $organization );
			if ( ! $this->settings->is_pinned( 'user_uri' ) && isset( $me['uri'] ) ) {
				$this->settings->set( 'user_uri', (string) $me['uri'] );
			}
		}
		return $organization;
	}

	/**
	 * A job as the REST API and wp-admin show it.
	 *
	 * @return array<string,mixed>
	 */
	public static function view( array $job ): array {
		$iso = static fn( $v ) => null === $v || '' === $v ? null : gmdate( 'Y-m-d\TH:i:s\Z', (int) strtotime( $v . ' UTC' ) );
		$out = array(
			'id'         => (int) $job['id'],
			'state'      => (string) $job['state'],
			'reason'     => (string) $job['reason'],
			'from'       => \Calsync\Time::format( Clock::from_datetime( (string) $job['window_from'] ) ),
			'to'         => \Calsync\Time::format( Clock::from_datetime( (string) $job['window_to'] ) ),
			'cursor'     => array(
				'page'        => (int) $job['pages_done'],
				'event_index' => (int) $job['event_index'],
			),
			'counts'     => array(),
			'last_error' => null === $job['last_error'] ? null : (string) $job['last_error'],
			'created_at' => $iso( $job['created_at'] ),
			'started_at' => $iso( $job['started_at'] ),
			'finished_at' => $iso( $job['finished_at'] ),
		);
		foreach ( BackfillRepository::COUNTS as $counter ) {
			$out['counts'][ $counter ] = (int) $job[ $counter ];
		}
		return $out;
	}
}
