<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * WP-Cron job tfsp_calendly_retry: another attempt at failed ledger rows, with exponential back-off, under a database lock.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Cron;

use TFSP\CalendlySync\Database;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\LedgerRepository;
use TFSP\CalendlySync\SessionSync;

defined( 'ABSPATH' ) || exit;

final class RetryFailedDeliveries {

	public const HOOK = 'tfsp_calendly_retry';

	/** Rows per run; the rest wait for the next run. */
	private const BATCH = 50;

	private Database $db;
	private LedgerRepository $ledger;
	private SessionSync $sync;

	public function __construct( Database $db, LedgerRepository $ledger, SessionSync $sync ) {
		$this->db     = $db;
		$this->ledger = $ledger;
		$this->sync   = $sync;
	}

	/** @return array<string,int> Outcomes counted, or an empty array when another node holds the lock. */
	public function run(): array {
		try {
			return $this->db->with_lock( 'retry', fn() => $this->retry_due(), 0, array() );
		} catch ( DatabaseError $e ) {
			return array(); // The lock could not be asked for: the next run tries again.
		}
	}

	/** The job itself, run under its lock. */
	private function retry_due(): array {
		$counts = array();
		try {
			foreach ( $this->ledger->due_for_retry( gmdate( 'Y-m-d H:i:s' ), self::BATCH ) as $row ) {
				$outcome            = $this->sync->replay( $row );
				$counts[ $outcome ] = ( $counts[ $outcome ] ?? 0 ) + 1;
			}
		} catch ( DatabaseError $e ) {
			error_log( 'tfsp-calendly-sync retry: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
		}
		return $counts;
	}
}
