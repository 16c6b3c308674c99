<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The two ways the plugin coordinates with other requests and web nodes:
 * transaction() runs a unit of work in one transaction, tried again after a
 * deadlock, and with_lock() runs a job while this site holds the job's lock,
 * so that several web nodes never run one job at once.
 *
 * A lock is a lease: a named row of {prefix}tfsp_calendly_leases with an
 * owner and an expiry, taken by a transaction that claims the row when it is
 * free or expired and commits.  Not MariaDB's GET_LOCK(): that lock lives in
 * one server, so on a Galera cluster two nodes would hold it at once.  The
 * table is per site (database and table prefix), so another site on the
 * same server never blocks ours.
 *
 * Nothing else in the plugin starts a transaction or takes a lock.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Database extends Repository {

	/** 1 inside transaction(), else 0. */
	private int $depth = 0;

	/** @var array<int|string,array{0:callable,1:?callable}> What waits for the commit: [run, on rollback]. */
	private array $after_commit = array();

	public function table(): string {
		return '';
	}

	/** Tries of one transaction that met a deadlock or a lock wait timeout. */
	public const TRANSACTION_TRIES = 5;

	/**
	 * Runs $work in one transaction: committed when it returns, rolled back
	 * when it throws (and the exception passes on).  A deadlock or lock wait
	 * timeout rolls back and runs $work again, up to $tries times in all, so
	 * $work must only touch the database (or be safe to repeat).
	 *
	 * @template T
	 * @param callable():T $work
	 * @return T What $work returned.
	 * @throws DatabaseError When the database fails (after the last try).
	 */
	public function transaction( callable $work, int $tries = self::TRANSACTION_TRIES ) {
		if ( $this->depth > 0 ) {
			return $work(); // Inside a transaction already: part of it.
		}
		for ( $try = 1; ; $try++ ) {
			$this->begin();
			$this->depth = 1;
			try {
				$result = $work();
				$this->commit();
				$this->depth = 0;
				$this->run_after_commit();
				return $result;
			} catch ( DatabaseError $e ) {
				$this->abandon();
				if ( ! $e->is_retryable() || $try >= $tries ) {
					throw $e;
				}
				usleep( random_int( 2000, 20000 ) * $try );
			} catch ( \Throwable $e ) {
				$this->abandon();
				throw $e;
			}
		}
	}

	/**
	 * Runs $fn once the current transaction has committed (at once when
	 * there is none); a rollback forgets it.  The hooks for integrators are
	 * fired this way, so that a listener never sees a change that is then
	 * undone.  With a $key, a later call with the same key in the same
	 * transaction replaces the earlier one.  $on_rollback runs instead when
	 * the transaction is rolled back.
	 */
	public function after_commit( callable $fn, ?string $key = null, ?callable $on_rollback = null ): void {
		if ( 0 === $this->depth ) {
			$fn();
			return;
		}
		$entry = array( $fn, $on_rollback );
		if ( null === $key ) {
			$this->after_commit[] = $entry;
		} else {
			$this->after_commit[ 'k:' . $key ] = $entry;
		}
	}

	/** Runs what waited for the commit; a listener's failure is logged, never undoes the commit. */
	private function run_after_commit(): void {
		$pending            = $this->after_commit;
		$this->after_commit = array();
		foreach ( $pending as [ $fn ] ) {
			try {
				$fn();
			} catch ( \Throwable $e ) {
				error_log( 'tfsp-calendly-sync: a listener failed after a commit: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
			}
		}
	}

	/** Rolls back and forgets what waited for the commit. */
	private function abandon(): void {
		$this->rollback();
		$this->depth        = 0;
		$pending            = $this->after_commit;
		$this->after_commit = array();
		foreach ( $pending as [ , $on_rollback ] ) {
			if ( null !== $on_rollback ) {
				$on_rollback();
			}
		}
	}

	/**
	 * Runs $job while this site holds the job's lock, and releases it when
	 * $job returns or throws.
	 *
	 * The contract, which does not depend on how the lock is kept: at most
	 * one holder per site and job name at a time, across every web node and
	 * every database node; a holder that is not there any more (its process
	 * died) does not block the job: at once on the same database server, and
	 * after LEASE_SECONDS at most on another node of a cluster; the
	 * lock is not re-entrant (do not nest the same name) and is not taken
	 * inside a transaction.  When another request holds it, $fn is not run
	 * and $busy is returned; $wait_seconds is how long to wait for it first.
	 *
	 * @template T
	 * @param callable():T $fn
	 * @param mixed        $busy What to return when another request holds the lock.
	 * @return T|mixed
	 * @throws DatabaseError When the lock cannot be asked for; $fn's own exceptions pass on, after the release.
	 */
	public function with_lock( string $job, callable $fn, int $wait_seconds = 0, $busy = null ) {
		if ( ! $this->try_lock( $job, $wait_seconds ) ) {
			return $busy;
		}
		try {
			return $fn();
		} finally {
			$this->unlock( $job );
		}
	}

	/** wpdb's own reconnect tries while they are held at 0, else null. */
	private ?int $reconnect_retries = null;

	/** Between begin() and commit() or rollback(). */
	private bool $in_transaction = false;

	/** The mark set when a transaction starts and released at its commit. */
	private const MARK = 'tfsp_calendly_txn';

	/**
	 * Starts a transaction: autocommit off, and a mark (a savepoint) that
	 * commit() releases first.  While one is open, and while this request
	 * holds a lease, wpdb does not reconnect.
	 *
	 * The mark: when the server rolls the transaction back by itself (a
	 * deadlock, or on Galera a brute-force abort by another node's commit),
	 * only the next statement gets the error; if some code took that error
	 * for "no value" (WordPress's own functions do), the statements after it
	 * would run without what came before.  With autocommit off they run in a
	 * new transaction, which never commits: commit() finds the mark gone,
	 * rolls back and the whole work is tried again.
	 *
	 * No reconnect: when the server has gone away, wpdb connects again and
	 * runs the statement once more on the new connection, where autocommit
	 * is on, so the rest of the work would be committed on its own, and a
	 * lease holder on a new connection would look gone to a claimer on its
	 * server, which would take the lease while the job still runs.  So a
	 * lost connection is not repaired then: the statement fails and the
	 * request ends with WordPress's database error (HTTP 500), which a
	 * webhook sender retries as a whole and which a job's next run resumes
	 * from.
	 */
	public function begin(): void {
		$this->in_transaction = true;
		$this->hold_reconnect();
		try {
			$this->checked( $this->db->query( 'SET autocommit = 0' ) );
			$this->checked( $this->db->query( 'SAVEPOINT ' . self::MARK ) );
		} catch ( \Throwable $e ) {
			$this->rollback();
			throw $e;
		}
	}

	/**
	 * Commits, once the mark shows that the transaction is the one begin()
	 * started.
	 *
	 * @throws DatabaseError Retryable when the server had rolled the transaction back.
	 */
	public function commit(): void {
		if ( false === $this->db->query( 'RELEASE SAVEPOINT ' . self::MARK ) || '' !== (string) $this->db->last_error ) {
			throw new DatabaseError( 'the transaction was rolled back by the server before its commit: ' . $this->db->last_error, null, true );
		}
		$this->checked( $this->db->query( 'COMMIT' ) );
		$this->end();
	}

	/** Never throws: it runs on error paths. */
	public function rollback(): void {
		$this->db->query( 'ROLLBACK' );
		$this->end();
	}

	/**
	 * Autocommit on again, as WordPress expects it.  Straight to the
	 * connection, not through wpdb: after a commit, a connection lost
	 * meanwhile must not end the request with a database error (a stored
	 * delivery answered 500 would be counted again when it comes back); the
	 * next statement through wpdb connects again, and a new connection has
	 * autocommit on.
	 */
	private function end(): void {
		$this->in_transaction = false;
		$this->hold_reconnect();
		$dbh = $this->db->dbh;
		if ( $dbh instanceof \mysqli ) {
			try {
				@mysqli_autocommit( $dbh, true ); // phpcs:ignore WordPress.PHP.NoSilencedErrors -- a lost connection is handled by the next statement.
			} catch ( \Throwable $e ) {
				unset( $e ); // mysqli in exception mode, or closed: the same.
			}
		} else {
			$this->db->query( 'SET autocommit = 1' );
		}
	}

	/** wpdb reconnects only outside a transaction and when no lease is held here. */
	private function hold_reconnect(): void {
		$hold = $this->in_transaction || array() !== $this->owners;
		if ( $hold && null === $this->reconnect_retries ) {
			$this->reconnect_retries     = (int) $this->db->reconnect_retries;
			$this->db->reconnect_retries = 0;
		} elseif ( ! $hold && null !== $this->reconnect_retries ) {
			$this->db->reconnect_retries = $this->reconnect_retries;
			$this->reconnect_retries     = null;
		}
	}

	/** The longest lease name (MariaDB's longest user-level lock name, kept for the names' rule). */
	public const LOCK_NAME_MAX = 64;

	/** The lock's name, unique per site: see lock_name_for(). */
	public function lock_name( string $job ): string {
		return self::lock_name_for( (string) $this->db->dbname, $this->db->prefix, $job );
	}

	/**
	 * The one rule for lock names: "tfsp_calendly:<database>:<prefix>:<job>",
	 * so that two sites on one MariaDB server (same prefix, other database)
	 * never share a lock; when that is longer than MariaDB allows, the
	 * database and prefix become a hash, and if even that is too long, the
	 * whole name does.
	 */
	public static function lock_name_for( string $database, string $prefix, string $job ): string {
		$name = 'tfsp_calendly:' . $database . ':' . $prefix . ':' . $job;
		if ( strlen( $name ) <= self::LOCK_NAME_MAX ) {
			return $name;
		}
		$name = 'tfsp_calendly:' . substr( hash( 'sha256', $database . "\0" . $prefix ), 0, 32 ) . ':' . $job;
		if ( strlen( $name ) <= self::LOCK_NAME_MAX ) {
			return $name;
		}
		return 'tfsp_calendly:' . substr( hash( 'sha256', $database . "\0" . $prefix . "\0" . $job ), 0, self::LOCK_NAME_MAX - 14 );
	}

	/**
	 * How long a lease lasts: a holder whose process died, seen from another
	 * node of a cluster, blocks its job this long at most (on its own server
	 * its lease is taken over at once).  Longer than any job runs (a cron request's slices, a
	 * migration step over a million rows); a job that could run longer must
	 * be cut into runs.
	 */
	public const LEASE_SECONDS = 900;

	/** The lease table: one row per job name that was ever taken. */
	public function lease_table(): string {
		return $this->db->prefix . 'tfsp_calendly_leases';
	}

	/**
	 * Creates the lease table when it is missing.  The migration runs this
	 * first, before it takes its own lease (every numbered step runs under
	 * that lease, so this table cannot be one of them); a job that finds no
	 * table (a site whose migration has not run yet) creates it too.
	 *
	 * @throws DatabaseError On a database error.
	 */
	public function ensure_lease_table(): void {
		$charset = $this->db->get_charset_collate();
		$this->checked(
			$this->db->query(
				"CREATE TABLE IF NOT EXISTS {$this->lease_table()} (
				name VARCHAR(64) NOT NULL,
				owner VARCHAR(64) NOT NULL DEFAULT '',
				expires_at BIGINT NOT NULL DEFAULT 0,
				holder_server VARCHAR(255) NOT NULL DEFAULT '',
				holder_connection BIGINT UNSIGNED NOT NULL DEFAULT 0,
				PRIMARY KEY  (name)
			) ENGINE=InnoDB {$charset}" // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- our table name and WordPress's collation.
			)
		);
	}

	/** @var array<string,string> The owner token of each lease this request holds, by job: random per claim, so that a release never frees another's lease and a nested claim is refused. */
	private array $owners = array();

	/**
	 * Takes the job's lease, waiting up to $timeout seconds; false when
	 * another request holds it.
	 *
	 * @throws DatabaseError When the lease cannot be asked for (not for a deadlock: that means "not taken").
	 */
	private function try_lock( string $job, int $timeout = 0 ): bool {
		if ( $this->depth > 0 ) {
			throw new \LogicException( 'with_lock() inside a transaction: the lease must commit on its own.' );
		}
		$deadline = microtime( true ) + max( 0, $timeout );
		for ( $try = 1; ; $try++ ) {
			if ( $this->claim( $job ) ) {
				return true;
			}
			if ( microtime( true ) >= $deadline ) {
				return false;
			}
			usleep( min( 250000, 20000 * $try ) );
		}
	}

	/**
	 * One try: a transaction that inserts the lease row, or claims it when it
	 * is free or expired (by the database server's clock, the one clock every
	 * web node shares), or when its holder's connection is gone: a holder that
	 * died (a killed cron request) is seen at once by a claimer on the same
	 * database server and account, which always sees that account's
	 * connections; across Galera nodes the expiry is what frees it.  Then it
	 * commits.  The row changed (1 inserted, 2 updated)
	 * means taken; unchanged means held by another.  A deadlock at any
	 * statement, COMMIT included (on Galera, a certification conflict with
	 * another node's claim), means not taken.
	 */
	private function claim( string $job, bool $create = true ): bool {
		$table = $this->lease_table();
		$owner = bin2hex( random_bytes( 16 ) );
		try {
			$this->begin();
			try {
				$this->checked(
					$this->db->query(
						$this->db->prepare(
							"INSERT INTO {$table} (name, owner, expires_at, holder_server, holder_connection)
							VALUES (%s, %s, UNIX_TIMESTAMP() + %d, CONCAT(@@hostname, ':', @@port, '/', CURRENT_USER()), CONNECTION_ID())
							ON DUPLICATE KEY UPDATE
								owner = IF(
									expires_at <= UNIX_TIMESTAMP()
									OR ( holder_server = VALUES(holder_server) AND holder_connection NOT IN ( SELECT ID FROM information_schema.PROCESSLIST ) ),
									VALUES(owner), owner ),
								expires_at = IF(owner = VALUES(owner), VALUES(expires_at), expires_at),
								holder_server = IF(owner = VALUES(owner), VALUES(holder_server), holder_server),
								holder_connection = IF(owner = VALUES(owner), VALUES(holder_connection), holder_connection)", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- our table name.
							$this->lock_name( $job ),
							$owner,
							self::LEASE_SECONDS
						)
					)
				);
				$changed = (int) $this->db->rows_affected;
				$this->commit();
			} catch ( \Throwable $e ) {
				$this->rollback();
				throw $e;
			}
			if ( $changed > 0 ) {
				$this->owners[ $job ] = $owner;
				$this->hold_reconnect();
				return true;
			}
			return false;
		} catch ( DatabaseError $e ) {
			if ( $e->is_retryable() ) {
				return false;
			}
			if ( $create && false !== stripos( $e->getMessage(), "doesn't exist" ) ) {
				$this->ensure_lease_table();
				return $this->claim( $job, false );
			}
			throw $e;
		}
	}

	/** Frees the lease if this request still holds it; never throws (it runs in a finally). */
	private function unlock( string $job ): void {
		$owner = $this->owners[ $job ] ?? '';
		for ( $try = 1; $try <= 3; $try++ ) {
			$done = $this->db->query(
				$this->db->prepare(
					"UPDATE {$this->lease_table()} SET owner = '', expires_at = 0, holder_connection = 0 WHERE name = %s AND owner = %s", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- our table name.
					$this->lock_name( $job ),
					$owner
				)
			);
			if ( false !== $done && '' === (string) $this->db->last_error ) {
				break;
			}
			usleep( 20000 * $try ); // A certification conflict on Galera: try again; else the lease expires.
		}
		unset( $this->owners[ $job ] );
		$this->hold_reconnect();
	}
}
