<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * WP-Cron job tfsp_calendly_retention: clears raw bodies and webhook_data after retention_days, under a database lock.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Cron;

use TFSP\CalendlySync\Database;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\LedgerRepository;
use TFSP\CalendlySync\SessionWriter;
use TFSP\CalendlySync\Settings;
use TFSP\CalendlySync\ThrottleRepository;

defined( 'ABSPATH' ) || exit;

final class Retention {

	public const HOOK = 'tfsp_calendly_retention';

	/** Rows per statement, so that no statement holds locks for long on a live site. */
	private const BATCH = 1000;

	/** Statements per run at most; the rest waits for the next day. */
	private const MAX_BATCHES = 200;

	private Database $db;
	private LedgerRepository $ledger;
	private SessionWriter $sessions;
	private ThrottleRepository $throttle;
	private Settings $settings;

	public function __construct( Database $db, LedgerRepository $ledger, SessionWriter $sessions, ThrottleRepository $throttle, Settings $settings ) {
		$this->db       = $db;
		$this->ledger   = $ledger;
		$this->sessions = $sessions;
		$this->throttle = $throttle;
		$this->settings = $settings;
	}

	/** @return array{raw_bodies:int,webhook_data:int}|array{} Rows cleared; empty when another node holds the lock. */
	public function run(): array {
		try {
			return $this->db->with_lock( 'retention', fn() => $this->clear(), 0, array() );
		} catch ( DatabaseError $e ) {
			return array(); // The lock could not be asked for: the next run tries again.
		}
	}

	/** The job itself, run under its lock. */
	private function clear(): array {
		$cleared = array(
			'raw_bodies'   => 0,
			'webhook_data' => 0,
		);
		try {
			$before = gmdate( 'Y-m-d H:i:s', time() - (int) $this->settings->get( 'retention_days' ) * DAY_IN_SECONDS );
			for ( $i = 0; $i < self::MAX_BATCHES; $i++ ) {
				$n                      = $this->ledger->clear_raw_bodies( $before, self::BATCH );
				$cleared['raw_bodies'] += $n;
				if ( $n < self::BATCH ) {
					break;
				}
			}
			for ( $i = 0; $i < self::MAX_BATCHES; $i++ ) {
				$n                        = $this->sessions->clear_webhook_data( $before, self::BATCH );
				$cleared['webhook_data'] += $n;
				if ( $n < self::BATCH ) {
					break;
				}
			}
			$this->throttle->purge( time() - HOUR_IN_SECONDS );
		} catch ( DatabaseError $e ) {
			error_log( 'tfsp-calendly-sync retention: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
		}
		return $cleared;
	}
}
