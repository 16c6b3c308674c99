<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The one writer of {prefix}tfsp_coach_sessions.
 *
 * Every change of a session row goes through here: the core's answer to a
 * delivery, a back-fill or a coach's mark (its facts, its derived status,
 * conflict and whether it counts toward progress), the student and coach
 * links (and the Reports page's dirty days: each write marks the quarter hours of
 * the session's start before and after it in {prefix}tfsp_report_dirty, in its
 * transaction, for ReportDays to recount), the eraser's tombstone, retention, the ignored event types and the
 * legacy status mapping.  Each write records its audit rows in the same
 * transaction as the row.  The callers own the transaction
 * (Database::transaction) and the row locks; this class decides nothing
 * about a session: it stores what Calsync\State answered.
 *
 * Whether an attended session counts toward progress depends on the rows of
 * its reschedule chain (an attended chain counts once), so whenever a row
 * of a chain changes, the chain is read and Calsync\State::chainStanding
 * answers for every row of it; the answers are stored in
 * counts_toward_progress, which every count reads.
 *
 * The Sessions list's totals (all rows, each status, conflicts, each coach
 * as coach_id, each host of the coaches table: a coach's own list) are counters sharded over COUNT_SHARDS rows of
 * {prefix}tfsp_calendly_session_counts: each write adds its change to one
 * shard drawn at random, in its own transaction, so that concurrent
 * deliveries seldom wait for one another (and on a Galera cluster seldom
 * conflict); a reader sums the shards.  Bulk changes count again
 * (rebuild_counts()).
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class SessionWriter extends Repository {

	/** Rows of one reschedule chain read at most (in each direction, one query per step). */
	private const CHAIN_STEPS = 20;

	/** Rows per batch when every row's standing is computed again (migration). */
	private const RESTAND_BATCH = 1000;

	/** Rows each counter is spread over. */
	public const COUNT_SHARDS = 16;

	/** Characters of the hosts' e-mails that host_key keeps (an index's varchar(191) column). */
	public const HOST_KEY_LENGTH = 191;

	/** The hosts' e-mails of a row in SQL, as host_key() reads them: host_emails, else host_email. */
	public const HOSTS_SQL = "COALESCE(NULLIF(host_emails, ''), NULLIF(host_email, ''))";

	/** Columns of a row that the chain standing reads. */
	private const CHAIN_COLUMNS = 'id, calendly_uri, rescheduled_to_uri, rescheduled_from_uri, status, student_id, counts_toward_progress';

	/** The action fired after the commit of every change of a session (docs/hooks.md). */
	public const HOOK_CHANGED = 'tfsp_calendly_session_changed';

	/** The action fired after the commit that brought a student to the requirement (docs/hooks.md). */
	public const HOOK_REQUIREMENT_MET = 'tfsp_calendly_requirement_met';

	/** The source column: a row the sync made from Calendly. */
	public const SOURCE_CALENDLY = 'calendly';

	/** The source column: a session entered by hand (held outside Calendly). */
	public const SOURCE_HAND = 'hand';

	private SessionRepository $sessions;
	private AuditRepository $audit;
	private Database $database;

	/** @var array<int,int> Student => rows that began to count toward progress in the current transaction. */
	private array $gained = array();

	/** A migration's bulk change: no hook is fired (quietly()). */
	private bool $quiet = false;

	/** The schema version the database is at, read once per request (see schema_reached()). */
	private ?int $schema = null;

	/** Seconds of one quarter of the dirty-days table: every time zone's offset is a multiple of it. */
	public const REPORT_SLOT_SECONDS = 900;

	public function __construct( \wpdb $db, SessionRepository $sessions, AuditRepository $audit, Database $database ) {
		parent::__construct( $db );
		$this->sessions = $sessions;
		$this->audit    = $audit;
		$this->database = $database;
	}

	public function table(): string {
		return $this->db->prefix . 'tfsp_coach_sessions';
	}

	public function counts_table(): string {
		return $this->db->prefix . 'tfsp_calendly_session_counts';
	}

	/** {prefix}tfsp_report_days: the Reports page's per-day summary (ReportDays). */
	public function report_days_table(): string {
		return $this->db->prefix . 'tfsp_report_days';
	}

	/** {prefix}tfsp_report_dirty: the quarter hours whose sessions changed since their day was counted. */
	public function report_dirty_table(): string {
		return $this->db->prefix . 'tfsp_report_dirty';
	}

	/**
	 * The migration reached this schema version in this request: later writes use what it made
	 * (step 15: they mark their days; step 17: they keep host_key).
	 */
	public function schema_reached( int $version ): void {
		$this->schema = max( $this->schema_version(), $version );
	}

	/** {prefix}tfsp_session_coaches: every host of a session whose e-mail matches a user. */
	public function coaches_table(): string {
		return $this->db->prefix . 'tfsp_session_coaches';
	}

	/**
	 * Makes sure a row exists for the invitee and locks it (INSERT ... ON
	 * DUPLICATE KEY UPDATE takes an exclusive lock either way, so concurrent
	 * first events neither collide nor deadlock on a shared lock).
	 *
	 * @return array<string,mixed>|null The new row as stored (the stub, with its id), when it
	 *                                  was created now; null when it existed.
	 */
	public function ensure_locked( string $uri, string $now ): ?array {
		$this->checked(
			$this->db->query(
				$this->db->prepare(
					"INSERT INTO {$this->table()} (calendly_uri, auto_created, source, status, created_at, updated_at) VALUES (%s, 1, 'calendly', 'scheduled', %s, %s)
					ON DUPLICATE KEY UPDATE id = id",
					$uri,
					$now,
					$now
				)
			)
		);
		if ( 1 !== (int) $this->db->rows_affected ) {
			return null;
		}
		// Every other column holds its default: NULL, or 0 for the flags.
		return array(
			'id'                     => (int) $this->db->insert_id,
			'calendly_uri'           => $uri,
			'auto_created'           => 1,
			'source'                 => self::SOURCE_CALENDLY,
			'status'                 => 'scheduled',
			'student_id'             => null,
			'coach_id'               => null,
			'student_unlinked'       => 0,
			'type_ignored'           => 0,
			'conflict'               => 0,
			'counts_toward_progress' => 0,
			'created_at'             => $now,
			'updated_at'             => $now,
		);
	}

	/**
	 * Stores the core's answer in a locked row, with one audit row per
	 * change of a fact, of the status and of the conflict flag, and one per
	 * note of the core.
	 *
	 * @param array      $row     The locked row as read (or the stub just created).
	 * @param bool       $created The row was created in this transaction.
	 * @param array      $answer  A Calsync\State answer: facts, status, conflict, changes, notes.
	 * @param AuditActor $by      Who or what caused the change.
	 * @param array      $columns More columns of the row (links, webhook data), already decided.
	 * @param array      $more    Audit rows of those columns: each [actor type, field, old, new, reason].
	 * @param int[]|null $coaches The session's coaches (users of its hosts, the first host's first), already
	 *                            matched; null leaves them as they are.
	 */
	public function store_answer( array $row, bool $created, array $answer, AuditActor $by, array $columns = array(), array $more = array(), ?array $coaches = null ): void {
		$id      = (int) $row['id'];
		$facts   = (array) $answer['facts'];
		$columns = $this->answer_columns( $id, (string) ( $facts['invitee_uri'] ?? $row['calendly_uri'] ?? '' ), $answer, $columns, $row['student_id'] );
		$this->audited( $this->answer_audit( $id, $created ? null : $row, $answer, $by, $columns, $more ) );
		$this->update( $id, $columns );
		$sets = null === $coaches ? null : $this->apply_coaches( $id, $coaches, $by->as( 'sync', 'host e-mail match' ), $created );
		$this->mark_starts( array( $row['start_at'] ?? null, array_key_exists( 'start_at', $columns ) ? $columns['start_at'] : ( $row['start_at'] ?? null ) ) );
		$this->count_change( $created ? null : $row, array_merge( $row, $columns ), $sets );
		$student = array_key_exists( 'student_id', $columns ) ? $columns['student_id'] : $row['student_id'];
		if ( 1 === $columns['counts_toward_progress'] && ( $created || 1 !== (int) $row['counts_toward_progress'] || (int) $row['student_id'] !== (int) $student ) ) {
			$this->gained( null === $student ? null : (int) $student );
		}
		if ( self::in_chain( $facts ) ) {
			$this->restand( array( (string) ( $facts['invitee_uri'] ?? $row['calendly_uri'] ) ) );
		}
	}

	/**
	 * Stores the core's answer for an invitee that has no row yet as a new
	 * row, in one statement (the common first delivery: no stub to insert
	 * and update).  When a row exists already, nothing is written: the
	 * INSERT ... ON DUPLICATE KEY UPDATE has locked it (as ensure_locked()
	 * does), and the caller applies the event to the stored facts instead.
	 *
	 * @param string     $uri     The invitee URI.
	 * @param array      $answer  The core's answer to the event for no stored facts.
	 * @param AuditActor $by      Who or what caused it.
	 * @param array      $columns More columns (links, webhook data), already decided.
	 * @param array      $more    Audit rows of those columns, as store_answer() takes them.
	 * @param int[]|null $coaches The session's coaches, as store_answer() takes them.
	 * @return int|null The new row's id, or null when the row existed.
	 */
	public function insert_answer( string $uri, array $answer, AuditActor $by, array $columns = array(), array $more = array(), ?array $coaches = null ): ?int {
		$now     = Clock::mysql_now();
		$columns = array_merge(
			array(
				'calendly_uri' => $uri,
				'auto_created' => 1,
				'source'       => self::SOURCE_CALENDLY,
				'created_at'   => $now,
			),
			$this->answer_columns( 0, $uri, $answer, $columns, null )
		);
		$this->checked( $this->db->query( $this->insert_statement( $columns ) . ' ON DUPLICATE KEY UPDATE id = id' ) );
		if ( 1 !== (int) $this->db->rows_affected ) {
			return null;
		}
		$id = (int) $this->db->insert_id;
		$this->audited( $this->answer_audit( $id, null, $answer, $by, $columns, $more ) );
		$sets = null === $coaches ? null : $this->apply_coaches( $id, $coaches, $by->as( 'sync', 'host e-mail match' ), true );
		$this->mark_starts( array( $columns['start_at'] ?? null ) );
		$this->count_change( null, $columns, $sets );
		if ( 1 === $columns['counts_toward_progress'] ) {
			$this->gained( isset( $columns['student_id'] ) ? (int) $columns['student_id'] : null );
		}
		if ( self::in_chain( (array) $answer['facts'] ) ) {
			$this->restand( array( $uri ) );
		}
		return $id;
	}

	/**
	 * The columns that store a core answer: its facts, derived status,
	 * conflict and standing, and the legacy columns the portal reads.
	 *
	 * @param int             $id      The row's id (0 for a row not inserted yet).
	 * @param string          $uri     The invitee URI ('' for a row entered in the portal).
	 * @param array           $answer  The core's answer.
	 * @param array           $columns More columns, already decided.
	 * @param int|string|null $student The row's student before these columns.
	 * @return array<string,int|string|null>
	 */
	private function answer_columns( int $id, string $uri, array $answer, array $columns, $student ): array {
		$facts   = (array) $answer['facts'];
		$columns = array_merge( $this->sessions->facts_to_columns( $facts ), $columns );

		$columns['status']                 = (string) $answer['status'];
		$columns['conflict']               = $answer['conflict'] ? 1 : 0;
		$student                           = array_key_exists( 'student_id', $columns ) ? $columns['student_id'] : $student;
		$columns['counts_toward_progress'] = $this->standing_alone( $id, $uri, $columns['status'], null === $student ? null : (int) $student );
		$event_uuid                        = is_string( $facts['event_uri'] ?? null ) && '' !== $facts['event_uri'] ? Api::uuid_of( $facts['event_uri'] ) : '';
		if ( '' !== $event_uuid && strlen( $event_uuid ) <= SessionRepository::URI_MAX ) {
			$columns['calendly_event_id'] = $event_uuid;
		}
		if ( is_int( $facts['start_at'] ?? null ) ) {
			$columns['session_date'] = $this->session_date( $facts['start_at'] );
		}
		if ( ! array_key_exists( 'updated_at', $columns ) ) {
			$columns['updated_at'] = Clock::mysql_now();
		}
		return $columns + $this->host_key( $columns );
	}

	/**
	 * The audit rows of a stored answer: one per change of a fact, of the
	 * status and of the conflict flag, one per note of the core, and those
	 * of the other columns.
	 *
	 * @param int        $id      The row's id.
	 * @param array|null $row     The row before (null: created now).
	 * @param array      $answer  The core's answer.
	 * @param AuditActor $by      Who or what caused it.
	 * @param array      $columns The columns being stored (answer_columns()).
	 * @param array      $more    Audit rows of the other columns: each [actor type, field, old, new, reason].
	 * @return array<int,array<string,mixed>>
	 */
	private function answer_audit( int $id, ?array $row, array $answer, AuditActor $by, array $columns, array $more ): array {
		$audit = array();
		foreach ( (array) $answer['changes'] as $key => $pair ) {
			if ( 'noshow_absent_seen_at' === $key ) {
				continue; // When an API read last saw no no-show: bookkeeping, not a change.
			}
			$column  = SessionRepository::FACTS[ $key ][0] ?? (string) $key;
			$audit[] = $by->row( $id, $column, self::audit_value( (string) $key, $pair[0] ?? null ), self::audit_value( (string) $key, $pair[1] ?? null ) );
		}
		$old_status = null === $row ? null : (string) $row['status'];
		if ( $old_status !== $columns['status'] ) {
			$audit[] = $by->row( $id, 'status', $old_status, $columns['status'] );
		}
		if ( null !== $row && (int) $row['conflict'] !== $columns['conflict'] ) {
			$audit[] = $by->row( $id, 'conflict', (string) (int) $row['conflict'], (string) $columns['conflict'] );
		}
		foreach ( (array) $answer['notes'] as $note ) {
			$audit[] = $by->row( $id, 'note', null, (string) $note );
		}
		foreach ( $more as [ $type, $field, $old, $new, $reason ] ) {
			$audit[] = $by->as( (string) $type, (string) $reason )->row( $id, (string) $field, $old, $new );
		}
		return $audit;
	}

	/**
	 * Stores the core's answer for a row from before the plugin (LegacySessions: its date and
	 * its legacy status as facts), audited, as a migration's bulk change: no hook, and the
	 * row's updated_at stays the portal's.  The caller holds the row's lock and the transaction.
	 */
	public function store_legacy( array $row, array $answer, AuditActor $by ): void {
		$this->quietly( fn() => $this->store_answer( $row, false, $answer, $by, array( 'updated_at' => $row['updated_at'] ?? null ) ) );
	}

	/**
	 * Stores a session entered by hand, the core's answer to State::applyManual() for no stored
	 * facts, as a new row (auto_created 0, source 'hand') with its student, its coach (coach_id
	 * and the coaches table) and its note, audited: one transaction, the caller's.
	 *
	 * @return int The new row's id.
	 */
	public function insert_hand_entered( array $answer, int $student_id, int $coach_id, string $note, AuditActor $by ): int {
		$more    = array(
			'student_id' => $student_id,
			'coach_id'   => $coach_id,
			'notes'      => '' === $note ? null : $note,
		);
		$columns = array_merge(
			array(
				'auto_created' => 0,
				'source'       => self::SOURCE_HAND,
				'created_at'   => Clock::mysql_now(),
			),
			$this->answer_columns( 0, '', $answer, $more, null )
		);
		$this->checked( $this->db->query( $this->insert_statement( $columns ) ) );
		$id    = (int) $this->db->insert_id;
		$audit = array( array( $by->type, 'source', null, self::SOURCE_HAND, $by->reason ) );
		foreach ( $more as $column => $value ) {
			if ( null !== $value ) {
				$audit[] = array( $by->type, $column, null, (string) $value, $by->reason );
			}
		}
		$this->audited( $this->answer_audit( $id, null, $answer, $by, $columns, $audit ) );
		$sets = $this->apply_coaches( $id, array( $coach_id ), $by, true );
		$this->mark_starts( array( $columns['start_at'] ?? null ) );
		$this->count_change( null, $columns, $sets );
		if ( 1 === $columns['counts_toward_progress'] ) {
			$this->gained( $student_id );
		}
		return $id;
	}

	/**
	 * An edit of a session entered by hand: the core's answer to State::applyManual() for its
	 * facts (times), and its coach and note when given; audited.  The caller holds the row's
	 * lock and the transaction.
	 *
	 * @param array       $row    The locked row.
	 * @param int|null    $coach  The new coach, or null to keep them.
	 * @param string|null $note   The new note ('' clears it), or null to keep it.
	 */
	public function update_hand_entered( array $row, array $answer, ?int $coach, ?string $note, AuditActor $by ): void {
		$columns = array();
		$more    = array();
		if ( null !== $coach && (int) $row['coach_id'] !== $coach ) {
			$columns['coach_id'] = $coach;
			$more[]              = array( $by->type, 'coach_id', null === $row['coach_id'] ? null : (string) $row['coach_id'], (string) $coach, $by->reason );
		}
		if ( null !== $note && (string) $row['notes'] !== $note ) {
			$columns['notes'] = '' === $note ? null : $note;
			$more[]           = array( $by->type, 'notes', null === $row['notes'] ? null : (string) $row['notes'], $columns['notes'], $by->reason );
		}
		$this->store_answer( $row, false, $answer, $by, $columns, $more );
		if ( isset( $columns['coach_id'] ) ) {
			// Its day is marked by store_answer().
			$this->count_hosts( $this->apply_coaches( (int) $row['id'], array( $coach ), $by ), 0 === (int) ( $row['type_ignored'] ?? 0 ) );
		}
	}

	/**
	 * Removes a session entered by hand, its coaches and its counters; the audit trail keeps one
	 * row ("deleted") holding its last values as JSON.  The caller holds the row's lock and the
	 * transaction.
	 */
	public function delete_hand_entered( array $row, AuditActor $by ): void {
		$id   = (int) $row['id'];
		$last = $row;
		unset( $last['webhook_data'] );
		$coaches           = $this->coaches_of( $id );
		$last['coach_ids'] = $coaches;
		$this->audited( array( $by->row( $id, 'deleted', (string) wp_json_encode( $last ), null ) ) );
		$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->coaches_table()} WHERE session_id = %d", $id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->table()} WHERE id = %d", $id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$this->mark_starts( array( $row['start_at'] ?? null ) );
		$this->count_change( $row, null, array( $coaches, array() ) );
	}

	/**
	 * Sets the student or coach of sessions (links by e-mail, an admin's link
	 * or unlink, a deleted user's release), with one audit row per change.
	 *
	 * @param array<int,array{id:int,column:string,from:?int,to:?int,unlinked?:array{0:int,1:int}}> $changes
	 *        column: student_id or coach_id; unlinked: [before, after] of student_unlinked, when it changes too.
	 */
	public function set_links( array $changes, AuditActor $by ): void {
		$audit = array();
		$now   = Clock::mysql_now();
		$moved = array();
		$hosts = array(); // Session => change of its hosts' counters (move_coach()).
		foreach ( $changes as $change ) {
			$id     = (int) $change['id'];
			$column = (string) $change['column'];
			if ( ! in_array( $column, array( 'student_id', 'coach_id' ), true ) ) {
				throw new \InvalidArgumentException( 'Not a link column: ' . $column );
			}
			$set  = "{$column} = %d, updated_at = %s";
			$args = array( $change['to'], $now );
			if ( isset( $change['unlinked'] ) ) {
				$set   .= ', student_unlinked = %d';
				$args[] = (int) $change['unlinked'][1];
			}
			$args[] = $id;
			$this->checked( $this->db->query( $this->prepare_nullable( "UPDATE {$this->table()} SET {$set} WHERE id = %d", $args ) ) );
			if ( 'coach_id' === $column && $change['from'] !== $change['to'] ) {
				$hosts[ $id ] ??= array();
				foreach ( $this->move_coach( $id, $change['from'], $change['to'] ) as $key => $n ) {
					self::tally( $hosts[ $id ], $key, $n );
				}
			}
			if ( $change['from'] !== $change['to'] ) {
				$audit[] = $by->row( $id, $column, null === $change['from'] ? null : (string) $change['from'], null === $change['to'] ? null : (string) $change['to'] );
				if ( 'student_id' === $column ) {
					$moved[] = $id;
				}
			}
			if ( isset( $change['unlinked'] ) && (int) $change['unlinked'][0] !== (int) $change['unlinked'][1] ) {
				$audit[] = $by->row( $id, 'student_unlinked', (string) (int) $change['unlinked'][0], (string) (int) $change['unlinked'][1] );
			}
		}
		$this->audited( $audit );
		$this->mark_ids( array_map( static fn( array $c ): int => (int) $c['id'], array_filter( $changes, static fn( array $c ): bool => $c['from'] !== $c['to'] ) ) );
		$this->count_coach_moves( $changes, $hosts );
		if ( $moved ) {
			// A row that counted, moved to another student: it counts for that student now, if
			// it still counts once its chain is stood again (rows that begin to count then are
			// store_standing()'s).
			$in       = implode( ',', array_map( 'intval', $moved ) );
			$counting = array_map( 'intval', (array) $this->checked( $this->db->get_col( "SELECT id FROM {$this->table()} WHERE id IN ({$in}) AND counts_toward_progress = 1" ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			// The student of a chain's row decides which of its attended rows count.
			$this->restand_ids( $moved );
			if ( $counting ) {
				$still = implode( ',', $counting );
				foreach ( (array) $this->checked( $this->db->get_col( "SELECT student_id FROM {$this->table()} WHERE id IN ({$still}) AND counts_toward_progress = 1 AND student_id IS NOT NULL" ) ) as $student ) { // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
					$this->gained( (int) $student );
				}
			}
		}
	}

	/**
	 * Makes these users the session's coaches (tfsp_session_coaches), with one audit row
	 * ("coaches", the ids before and after) when the set changes.  The caller holds the
	 * row's lock and the transaction.
	 *
	 * @param int[] $coach_ids User ids, in host order.
	 */
	public function set_coaches( int $id, array $coach_ids, AuditActor $by ): void {
		$sets = $this->apply_coaches( $id, $coach_ids, $by );
		if ( null !== $sets ) {
			$ignored = $this->checked( $this->db->get_var( $this->db->prepare( "SELECT type_ignored FROM {$this->table()} WHERE id = %d FOR UPDATE", $id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			$this->count_hosts( $sets, null !== $ignored && 0 === (int) $ignored );
			$this->mark_ids( array( $id ) );
		}
	}

	/**
	 * set_coaches() without marking the session's day or counting its hosts (the callers do).
	 *
	 * @param int[] $coach_ids User ids, in host order.
	 * @param bool  $created   The session was created in this transaction: it has no coaches yet.
	 * @return array{0:int[],1:int[]}|null The coaches before and after, or null when the set stays.
	 */
	private function apply_coaches( int $id, array $coach_ids, AuditActor $by, bool $created = false ): ?array {
		$want = array_values( array_unique( array_filter( array_map( 'intval', $coach_ids ) ) ) );
		$have = $created ? array() : $this->coaches_of( $id );
		$gone = array_diff( $have, $want );
		$new  = array_diff( $want, $have );
		if ( ! $gone && ! $new ) {
			return null;
		}
		if ( $gone ) {
			$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->coaches_table()} WHERE session_id = %d AND coach_id IN (" . implode( ',', array_map( 'intval', $gone ) ) . ')', $id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
		if ( $new ) {
			$values = implode( ', ', array_map( fn( int $coach ): string => $this->db->prepare( '(%d, %d)', $id, $coach ), $new ) );
			$this->checked( $this->db->query( "INSERT IGNORE INTO {$this->coaches_table()} (session_id, coach_id) VALUES {$values}" ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- each row prepared above.
		}
		sort( $have );
		$after = $want;
		sort( $after );
		$this->audited( array( $by->row( $id, 'coaches', $have ? implode( ',', $have ) : null, $after ? implode( ',', $after ) : null ) ) );
		return array( $have, $after );
	}

	/**
	 * Rows that the portal's own code wrote with a coach_id: that user becomes a coach of the
	 * session in {prefix}tfsp_session_coaches, as the migration's back-fill did for the rows
	 * before it (no audit row: the row's coach_id is the portal's word, unchanged), and counted
	 * in that coach's hosted sessions.  A scan of the coach_id index with one primary-key probe
	 * each, run by the five-minute progress refresh, outside any transaction; then each batch in
	 * a transaction of its own: its session rows locked by id (every writer of the coaches table
	 * holds its session's row lock) and, after the lock, its coaches read again, so that a pair
	 * another request added meanwhile is neither added nor counted twice.
	 *
	 * @return int Rows added.
	 */
	public function adopt_portal_coaches(): int {
		$added = 0;
		$after = 0;
		do {
			$ids = array_map( 'intval', (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT s.id FROM {$this->table()} s LEFT JOIN {$this->coaches_table()} c ON c.session_id = s.id AND c.coach_id = s.coach_id WHERE s.coach_id IS NOT NULL AND c.session_id IS NULL AND s.id > %d ORDER BY s.id LIMIT %d", $after, self::RESTAND_BATCH ) ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			if ( ! $ids ) {
				break;
			}
			$after  = (int) end( $ids );
			$added += (int) $this->database->transaction( fn(): int => $this->adopt_batch( $ids ) );
		} while ( count( $ids ) === self::RESTAND_BATCH );
		return $added;
	}

	/**
	 * One batch of adopt_portal_coaches(), in its transaction.
	 *
	 * @param int[] $ids Session ids.
	 * @return int Rows added.
	 */
	private function adopt_batch( array $ids ): int {
		$in = implode( ',', $ids );
		// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- integers and our tables.
		// The first read of the transaction is this locking one, so the plain read after it sees
		// every commit made before the locks were granted.
		$rows = (array) $this->checked( $this->db->get_results( "SELECT id, coach_id, type_ignored FROM {$this->table()} WHERE id IN ({$in}) AND coach_id IS NOT NULL FOR UPDATE", ARRAY_A ) );
		$have = array();
		foreach ( (array) $this->checked( $this->db->get_results( "SELECT session_id, coach_id FROM {$this->coaches_table()} WHERE session_id IN ({$in})", ARRAY_A ) ) as $pair ) {
			$have[ (int) $pair['session_id'] . ':' . (int) $pair['coach_id'] ] = true;
		}
		// phpcs:enable
		$rows = array_filter( $rows, static fn( array $r ): bool => ! isset( $have[ (int) $r['id'] . ':' . (int) $r['coach_id'] ] ) );
		if ( ! $rows ) {
			return 0;
		}
		$values = implode( ', ', array_map( fn( array $r ): string => $this->db->prepare( '(%d, %d)', (int) $r['id'], (int) $r['coach_id'] ), $rows ) );
		$this->checked( $this->db->query( "INSERT INTO {$this->coaches_table()} (session_id, coach_id) VALUES {$values}" ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- each row prepared above.
		$delta = array();
		foreach ( $rows as $r ) {
			if ( 0 === (int) $r['type_ignored'] ) {
				self::tally( $delta, 'host:' . (int) $r['coach_id'], 1 );
			}
		}
		$this->add_counts( $delta );
		return count( $rows );
	}

	/** One more coach of a session (a user whose account now holds one of its hosts' e-mails). */
	public function add_coach( int $id, int $user_id, AuditActor $by ): void {
		$this->set_coaches( $id, array_merge( $this->coaches_of( $id ), array( $user_id ) ), $by );
	}

	/**
	 * The coaches of a session that existed before this transaction, by id.  A locking read:
	 * the caller holds the session's row lock, so no other writer changes them, but a plain
	 * read would see the transaction's snapshot, which an earlier read (the delivery's
	 * look-up of its users) may have taken before another writer committed them; the audit
	 * row and the hosts' counters need them as they are.
	 *
	 * @return int[]
	 */
	private function coaches_of( int $id ): array {
		return array_map( 'intval', (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT coach_id FROM {$this->coaches_table()} WHERE session_id = %d ORDER BY coach_id FOR UPDATE", $id ) ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/**
	 * coach_id moved from one user to another: the coaches table follows (set_links()).
	 *
	 * @return array<string,int> The change of the hosts' counters, were the row counted.
	 */
	private function move_coach( int $id, ?int $from, ?int $to ): array {
		$delta = array();
		if ( null !== $from ) {
			$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->coaches_table()} WHERE session_id = %d AND coach_id = %d", $id, $from ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			if ( (int) $this->db->rows_affected > 0 ) {
				$delta[ 'host:' . $from ] = -1;
			}
		}
		if ( null !== $to ) {
			$this->checked( $this->db->query( $this->db->prepare( "INSERT IGNORE INTO {$this->coaches_table()} (session_id, coach_id) VALUES (%d, %d)", $id, $to ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			if ( (int) $this->db->rows_affected > 0 ) {
				self::tally( $delta, 'host:' . $to, 1 );
			}
		}
		return $delta;
	}

	/**
	 * A deleted user who co-hosted sessions without being their coach_id: their rows of the
	 * coaches table go (or move to the user WordPress gave their content to), audited per
	 * session.  Sessions where they are coach_id move through set_links().
	 *
	 * @return int[] The sessions changed.
	 */
	public function release_cohost( int $user_id, ?int $to, AuditActor $by ): array {
		$ids = array_map( 'intval', (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT c.session_id FROM {$this->coaches_table()} c JOIN {$this->table()} s ON s.id = c.session_id WHERE c.coach_id = %d AND NOT (s.coach_id <=> %d) ORDER BY c.session_id FOR UPDATE", $user_id, $user_id ) ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		foreach ( $ids as $id ) {
			$coaches = array_values( array_diff( $this->coaches_of( $id ), array( $user_id ) ) );
			if ( null !== $to ) {
				$coaches[] = $to;
			}
			$this->set_coaches( $id, $coaches, $by );
		}
		return $ids;
	}

	/**
	 * The eraser's tombstone: the personal columns emptied and erased_at set
	 * (once; the core keeps every personal fact of an erased invitee empty in
	 * later deliveries).  Status, times and links stay.
	 *
	 * @param int[] $ids Session ids.
	 * @return int Rows changed.
	 */
	public function erase( array $ids ): int {
		$ids = array_values( array_filter( array_map( 'intval', $ids ) ) );
		if ( ! $ids ) {
			return 0;
		}
		$in = implode( ',', $ids );
		$this->checked(
			$this->db->query(
				$this->db->prepare(
					"UPDATE {$this->table()} SET erased_at = IFNULL(erased_at, %s), invitee_email = NULL, invitee_name = NULL, cancel_reason = NULL, canceled_by = NULL, timezone = NULL, cancel_url = NULL, reschedule_url = NULL, webhook_data = NULL WHERE id IN ({$in})", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
					Clock::to_datetime( Clock::now_us() )
				)
			)
		);
		return (int) $this->db->rows_affected;
	}

	/**
	 * Clears webhook_data of rows not updated since $before (retention).
	 *
	 * @return int Rows cleared.
	 */
	public function clear_webhook_data( string $before, int $limit ): int {
		$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET webhook_data = NULL WHERE webhook_data IS NOT NULL AND updated_at < %s LIMIT %d", $before, $limit ) ) );
		return (int) $this->db->rows_affected;
	}

	/** Deletes the rows the sync created (uninstall with delete_data_on_uninstall); the portal's own rows stay. */
	public function delete_auto_created(): void {
		$this->db->query( "DELETE FROM {$this->table()} WHERE auto_created = 1" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/** Sets or clears type_ignored of the row of an invitee; false when there is none. */
	public function set_type_ignored( string $uri, bool $ignored ): bool {
		$row = $this->checked( $this->db->get_row( $this->db->prepare( "SELECT id, status, coach_id, conflict, type_ignored, start_at FROM {$this->table()} WHERE calendly_uri = %s FOR UPDATE", $uri ), ARRAY_A ) );
		if ( ! $row ) {
			return false;
		}
		if ( (int) $row['type_ignored'] !== ( $ignored ? 1 : 0 ) ) {
			$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET type_ignored = %d WHERE id = %d", $ignored ? 1 : 0, (int) $row['id'] ) ) );
			$this->count_change( $row, array_merge( $row, array( 'type_ignored' => $ignored ? 1 : 0 ) ) ); // Its hosts too (count_change()).
			$this->mark_starts( array( $row['start_at'] ) );
		}
		return true;
	}

	/**
	 * After the admin changed the chosen event types: rows of types no longer chosen leave
	 * the lists and counts, rows of chosen types come back.  An empty choice means every type.
	 * Run it in a transaction (the counters are counted again with it).
	 *
	 * @param string[] $types The chosen event type URIs.
	 * @return int Rows changed.
	 */
	public function reevaluate_types( array $types ): int {
		if ( ! $types ) {
			$this->checked( $this->db->query( "UPDATE {$this->table()} SET type_ignored = 0 WHERE type_ignored = 1" ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		} else {
			$in = implode( ',', array_fill( 0, count( $types ), '%s' ) );
			// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders
			$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET type_ignored = IF(event_type_uri IN ($in), 0, 1) WHERE event_type_uri IS NOT NULL AND type_ignored <> IF(event_type_uri IN ($in), 0, 1)", array_merge( $types, $types ) ) ) );
			// phpcs:enable
		}
		$changed = (int) $this->db->rows_affected;
		if ( $changed > 0 ) {
			$this->rebuild_counts();
			$this->mark_all_days();
		}
		return $changed;
	}

	/**
	 * A legacy status spelling mapped onto ours (migration), one audit row per row.
	 *
	 * @param int[] $ids Rows that hold $legacy.
	 */
	public function map_legacy_status( array $ids, string $legacy, string $mapped ): void {
		$ids = array_values( array_filter( array_map( 'intval', $ids ) ) );
		if ( ! $ids ) {
			return;
		}
		$this->quietly( fn() => $this->map_legacy_rows( $ids, $legacy, $mapped ) );
	}

	/** @param int[] $ids */
	private function map_legacy_rows( array $ids, string $legacy, string $mapped ): void {
		$in = implode( ',', $ids );
		$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET status = %s WHERE id IN ({$in}) AND BINARY status = BINARY %s", $mapped, $legacy ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$by    = AuditActor::system( 'legacy status mapping' );
		$audit = array();
		foreach ( $ids as $id ) {
			$audit[] = $by->row( $id, 'status', $legacy, $mapped );
		}
		$this->audited( $audit );
		$this->mark_ids( $ids );
		$this->restand_ids( $ids );
		$this->rebuild_counts();
	}

	/**
	 * Computes every row's standing again, a batch at a time (the migration
	 * that added counts_toward_progress).  Safe to run twice.
	 *
	 * @return int Rows whose stored answer changed.
	 */
	public function restand_all(): int {
		return $this->quietly( fn() => $this->restand_where( '1 = 1' ) );
	}

	/**
	 * Runs a migration's bulk change without announcing it to integrators:
	 * the upgrade of a site is no session's change, and no student meets the
	 * requirement because of it.
	 *
	 * @template T
	 * @param callable():T $fn
	 * @return T
	 */
	private function quietly( callable $fn ) {
		$this->quiet = true;
		try {
			return $fn();
		} finally {
			$this->quiet = false;
		}
	}

	/**
	 * Rows whose stored answer may be out of date because something other than
	 * this writer changed them (the portal's own code writes the table too):
	 * an attended row of a student that does not count, a counted row that is
	 * not attended or has no student, and an attended row rescheduled away
	 * (a later row of its chain may have been written since).  Their standing
	 * is computed again (the progress job, every five minutes; indexes
	 * status_counts and status_rc).  Rows of the last kind, and rows that the
	 * core says do not count, are asked again each time: they are few.
	 *
	 * @return int Rows whose stored answer changed.
	 */
	public function restand_stale(): int {
		return $this->restand_where( "(status = 'attended' AND counts_toward_progress = 0 AND student_id IS NOT NULL) OR (counts_toward_progress = 1 AND (status <> 'attended' OR student_id IS NULL)) OR (status = 'attended' AND reschedule_canceled = 1 AND rescheduled_to_uri IS NOT NULL)" );
	}

	/**
	 * The standing of the rows that match a condition of ours (never input), computed again a
	 * batch at a time in id order.
	 *
	 * @return int Rows whose stored answer changed.
	 */
	private function restand_where( string $condition ): int {
		$changed = 0;
		$after   = 0;
		do {
			// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the condition is a constant of this class.
			$rows = (array) $this->checked( $this->db->get_results( $this->db->prepare( 'SELECT ' . self::CHAIN_COLUMNS . " FROM {$this->table()} WHERE id > %d AND ({$condition}) ORDER BY id LIMIT %d", $after, self::RESTAND_BATCH ), ARRAY_A ) );
			if ( ! $rows ) {
				break;
			}
			$after    = (int) end( $rows )['id'];
			$changed += $this->restand_rows( $rows );
		} while ( count( $rows ) === self::RESTAND_BATCH );
		return $changed;
	}

	/**
	 * The standing of these rows computed again: rows of no chain in one call
	 * of the core, each row of a chain with its chain, read whole.
	 *
	 * @return int Rows whose stored answer changed.
	 */
	private function restand_rows( array $rows ): int {
		$changed = 0;
		$single  = array();
		foreach ( $rows as $row ) {
			if ( null === $row['rescheduled_to_uri'] && null === $row['rescheduled_from_uri'] ) {
				$single[] = $row;
			} else {
				$changed += $this->store_standing( self::by_id( array_merge( array( $row ), $this->chain_rows( array( (string) $row['calendly_uri'] ), false ) ) ) );
			}
		}
		return $changed + $this->store_standing( self::by_id( $single ) );
	}

	/**
	 * The counters counted again from the rows (a migration, a bulk change).
	 * Run it in a transaction: the scan's shared locks keep writers out
	 * until the new counts are committed, so that no change is counted twice
	 * or lost.
	 */
	public function rebuild_counts(): void {
		$c = $this->counts_table();
		$t = $this->table();
		// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$this->checked( $this->db->query( "DELETE FROM {$c}" ) );
		$this->checked( $this->db->query( "INSERT INTO {$c} (counter_key, shard, n) SELECT 'all', 0, COUNT(*) FROM {$t} WHERE type_ignored = 0" ) );
		$this->checked( $this->db->query( "INSERT INTO {$c} (counter_key, shard, n) SELECT CONCAT('status:', status), 0, COUNT(*) FROM {$t} WHERE type_ignored = 0 GROUP BY status" ) );
		$this->checked( $this->db->query( "INSERT INTO {$c} (counter_key, shard, n) SELECT CONCAT('coach:', IFNULL(coach_id, 0)), 0, COUNT(*) FROM {$t} WHERE type_ignored = 0 GROUP BY coach_id" ) );
		$this->checked( $this->db->query( "INSERT INTO {$c} (counter_key, shard, n) SELECT 'conflict', 0, COUNT(*) FROM {$t} WHERE type_ignored = 0 AND conflict = 1" ) );
		if ( $this->schema_version() >= 9 ) { // The coaches table is step 9's.
			$this->checked( $this->db->query( "INSERT INTO {$c} (counter_key, shard, n) SELECT CONCAT('host:', h.coach_id), 0, COUNT(*) FROM {$this->coaches_table()} h JOIN {$t} s ON s.id = h.session_id WHERE s.type_ignored = 0 GROUP BY h.coach_id" ) );
		}
		// phpcs:enable
	}

	/**
	 * The counters a row is counted in: every row of a chosen event type, its
	 * status, its coach (0: none), and the conflicts.
	 *
	 * @param array|null $row type_ignored, status, coach_id, conflict; null for no row.
	 * @return string[]
	 */
	private static function count_keys( ?array $row ): array {
		if ( null === $row || 0 !== (int) ( $row['type_ignored'] ?? 0 ) ) {
			return array();
		}
		$keys = array( 'all', 'status:' . (string) $row['status'], 'coach:' . (int) ( $row['coach_id'] ?? 0 ) );
		if ( 1 === (int) ( $row['conflict'] ?? 0 ) ) {
			$keys[] = 'conflict';
		}
		return $keys;
	}

	/**
	 * Adds a row's change to the counters (one shard, one statement); nothing when the counts stay.
	 * Its hosts (the coaches table) are counted while the row is: with $sets when the set changed
	 * in this write, else read again when the row leaves or joins the counts (an ignored type).
	 *
	 * @param array|null                   $before The row before (null: none).
	 * @param array|null                   $after  The row after (null: deleted).
	 * @param array{0:int[],1:int[]}|null $sets   The coaches before and after this write; null: unchanged.
	 */
	private function count_change( ?array $before, ?array $after, ?array $sets = null ): void {
		$delta = array();
		foreach ( self::count_keys( $before ) as $key ) {
			self::tally( $delta, $key, -1 );
		}
		foreach ( self::count_keys( $after ) as $key ) {
			self::tally( $delta, $key, 1 );
		}
		$was = self::counted( $before );
		$is  = self::counted( $after );
		if ( null === $sets && null !== $before && null !== $after && $was !== $is ) {
			$have = $this->coaches_of( (int) $before['id'] );
			$sets = array( $have, $have );
		}
		foreach ( self::host_delta( $sets, $was, $is ) as $key => $n ) {
			self::tally( $delta, $key, $n );
		}
		$this->add_counts( array_filter( $delta ) );
	}

	/** A row is in the counts while its event type is chosen. */
	private static function counted( ?array $row ): bool {
		return null !== $row && 0 === (int) ( $row['type_ignored'] ?? 0 );
	}

	/**
	 * The change of the hosts' counters of one row.
	 *
	 * @param array{0:int[],1:int[]}|null $sets The coaches before and after; null: none changed.
	 * @param bool                         $was  The row was counted before.
	 * @param bool                         $is   The row is counted after.
	 * @return array<string,int>
	 */
	private static function host_delta( ?array $sets, bool $was, bool $is ): array {
		$delta = array();
		if ( null === $sets ) {
			return $delta;
		}
		foreach ( $was ? $sets[0] : array() as $coach ) {
			self::tally( $delta, 'host:' . (int) $coach, -1 );
		}
		foreach ( $is ? $sets[1] : array() as $coach ) {
			self::tally( $delta, 'host:' . (int) $coach, 1 );
		}
		return $delta;
	}

	/** Adds the change of a row's coaches to its hosts' counters (a write that counts nothing else). */
	private function count_hosts( ?array $sets, bool $counted ): void {
		$this->add_counts( array_filter( self::host_delta( $sets, $counted, $counted ) ) );
	}

	/** Adds $n to one counter's change in $delta. */
	private static function tally( array &$delta, string $key, int $n ): void {
		$delta[ $key ] = ( $delta[ $key ] ?? 0 ) + $n;
	}

	/** @param array<string,int> $delta Counter => change. */
	private function add_counts( array $delta ): void {
		if ( ! $delta ) {
			return;
		}
		$shard  = random_int( 0, self::COUNT_SHARDS - 1 );
		$values = array();
		foreach ( $delta as $key => $n ) {
			$values[] = $this->db->prepare( '(%s, %d, %d)', (string) $key, $shard, $n );
		}
		$this->checked( $this->db->query( "INSERT INTO {$this->counts_table()} (counter_key, shard, n) VALUES " . implode( ', ', $values ) . ' ON DUPLICATE KEY UPDATE n = n + VALUES(n)' ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- each row prepared above.
	}

	/**
	 * The coach counters of set_links() changes of coach_id, and their hosts' counters.
	 *
	 * @param array                         $changes set_links()'s changes.
	 * @param array<int,array<string,int>> $hosts   Session => change of its hosts' counters.
	 */
	private function count_coach_moves( array $changes, array $hosts ): void {
		$moves = array_filter( $changes, static fn( array $c ): bool => 'coach_id' === $c['column'] && $c['from'] !== $c['to'] );
		if ( ! $moves ) {
			return;
		}
		$in      = implode( ',', array_map( static fn( array $c ): int => (int) $c['id'], $moves ) );
		$ignored = array_map( 'intval', (array) $this->checked( $this->db->get_col( "SELECT id FROM {$this->table()} WHERE id IN ({$in}) AND type_ignored = 1 FOR UPDATE" ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- as they are, not the snapshot's (see coaches_of()).
		$delta   = array();
		foreach ( $moves as $c ) {
			if ( in_array( (int) $c['id'], $ignored, true ) ) {
				continue;
			}
			self::tally( $delta, 'coach:' . (int) ( $c['from'] ?? 0 ), -1 );
			self::tally( $delta, 'coach:' . (int) ( $c['to'] ?? 0 ), 1 );
		}
		foreach ( $hosts as $id => $change ) {
			if ( in_array( (int) $id, $ignored, true ) ) {
				continue;
			}
			foreach ( $change as $key => $n ) {
				self::tally( $delta, $key, $n );
			}
		}
		$this->add_counts( array_filter( $delta ) );
	}

	/** The schema version the database is at; asked once per request. */
	private function schema_version(): int {
		if ( null === $this->schema ) {
			$this->schema = (int) $this->checked( $this->db->get_var( $this->db->prepare( "SELECT setting_value FROM {$this->db->prefix}tfsp_calendly_settings WHERE setting_key = %s", '_schema_version' ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
		return $this->schema;
	}

	/** Whether writes mark their days (schema step 15 done). */
	private function marks_days(): bool {
		return $this->schema_version() >= 15;
	}

	/**
	 * The host_key column of a row's hosts (schema step 17; null before it): the first
	 * HOST_KEY_LENGTH characters of the hosts' e-mails (host_emails, else host_email), which the
	 * index coachless_hosts holds for the Sessions page's notice of hosts that match no user.
	 *
	 * @param array<string,int|string|null> $columns The row's columns being written, facts included.
	 * @return array<string,string|null> ['host_key' => ...], or nothing.
	 */
	private function host_key( array $columns ): array {
		if ( ! array_key_exists( 'host_email', $columns ) || ! array_key_exists( 'host_emails', $columns ) || $this->schema_version() < 17 ) {
			return array();
		}
		$hosts = is_string( $columns['host_emails'] ) && '' !== $columns['host_emails'] ? $columns['host_emails'] : $columns['host_email'];
		return array( 'host_key' => is_string( $hosts ) && '' !== $hosts ? mb_substr( $hosts, 0, self::HOST_KEY_LENGTH, 'UTF-8' ) : null );
	}

	/**
	 * Marks the quarter hours of these starts dirty (one INSERT IGNORE; nothing for a row
	 * without a start), for ReportDays to recount their days.
	 *
	 * @param array<int,int|string|null> $starts start_at values (UTC DATETIMEs, or microseconds).
	 */
	private function mark_starts( array $starts ): void {
		$slots = array();
		foreach ( $starts as $start ) {
			if ( null === $start || '' === $start ) {
				continue;
			}
			$us                 = is_int( $start ) ? $start : Clock::from_datetime( (string) $start );
			$slot               = (int) floor( $us / ( self::REPORT_SLOT_SECONDS * 1000000 ) );
			$slots[ $slot ]     = $slot;
		}
		if ( ! $slots || ! $this->marks_days() ) {
			return;
		}
		$this->checked( $this->db->query( "INSERT IGNORE INTO {$this->report_dirty_table()} (slot) VALUES (" . implode( '), (', array_map( 'intval', $slots ) ) . ')' ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- integers.
	}

	/**
	 * The quarter hour of a start_at column as SQL (the one form of mark_starts()'s slot).
	 *
	 * @param string $column A column of ours.
	 */
	public static function slot_sql( string $column ): string {
		return 'FLOOR(TIMESTAMPDIFF(SECOND, \'1970-01-01 00:00:00\', ' . $column . ') / ' . self::REPORT_SLOT_SECONDS . ')';
	}

	/** @param int[] $ids Marks the days of these sessions' starts dirty (their start is unchanged). */
	private function mark_ids( array $ids ): void {
		$ids = array_values( array_unique( array_filter( array_map( 'intval', $ids ) ) ) );
		if ( ! $ids || ! $this->marks_days() ) {
			return;
		}
		$this->checked( $this->db->query( "INSERT IGNORE INTO {$this->report_dirty_table()} (slot) SELECT DISTINCT " . self::slot_sql( 'start_at' ) . " FROM {$this->table()} WHERE id IN (" . implode( ',', $ids ) . ') AND start_at IS NOT NULL' ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- integers.
	}

	/** Marks every quarter hour that holds a session dirty (a bulk change, a rebuild of the summary). */
	public function mark_all_days(): void {
		if ( ! $this->marks_days() ) {
			return;
		}
		$this->checked( $this->db->query( "INSERT IGNORE INTO {$this->report_dirty_table()} (slot) SELECT DISTINCT " . self::slot_sql( 'start_at' ) . " FROM {$this->table()} WHERE start_at IS NOT NULL" ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/** The standing of the chains of these rows, computed again. @param int[] $ids Session ids. */
	private function restand_ids( array $ids ): void {
		$in   = implode( ',', array_map( 'intval', $ids ) );
		$rows = (array) $this->checked( $this->db->get_results( 'SELECT ' . self::CHAIN_COLUMNS . " FROM {$this->table()} WHERE id IN ({$in}) FOR UPDATE", ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$uris = array();
		foreach ( $rows as $row ) {
			if ( null !== $row['calendly_uri'] && ( null !== $row['rescheduled_to_uri'] || null !== $row['rescheduled_from_uri'] ) ) {
				$uris[] = (string) $row['calendly_uri'];
			}
		}
		$members = $uris ? $this->chain_rows( $uris, true ) : array();
		$this->store_standing( self::by_id( array_merge( $rows, $members ) ) );
	}

	/**
	 * The standing of every row of the chains through these invitees, computed again.
	 *
	 * @param string[] $uris Invitee URIs.
	 */
	private function restand( array $uris ): void {
		$this->store_standing( self::by_id( $this->chain_rows( $uris, true ) ) );
	}

	/**
	 * The rows of the reschedule chains through these invitees: forward along
	 * rescheduled_to_uri and back along rescheduled_from_uri, one query per step.
	 *
	 * @param string[] $uris   Invitee URIs.
	 * @param bool     $locked Read them FOR UPDATE (inside a write's transaction, so that
	 *                         two deliveries to one chain never store answers from stale reads).
	 * @return array<int,array<string,mixed>>
	 */
	private function chain_rows( array $uris, bool $locked ): array {
		$seen     = array();
		$rows     = array();
		$frontier = array();
		foreach ( $uris as $uri ) {
			$frontier[ strtolower( $uri ) ] = $uri;
		}
		$lock = $locked ? ' FOR UPDATE' : '';
		for ( $step = 0; $step <= 2 * self::CHAIN_STEPS && $frontier; $step++ ) {
			foreach ( $frontier as $key => $uri ) {
				$seen[ $key ] = true;
			}
			$placeholders = implode( ',', array_fill( 0, count( $frontier ), '%s' ) );
			// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare
			$found    = (array) $this->checked( $this->db->get_results( $this->db->prepare( 'SELECT ' . self::CHAIN_COLUMNS . " FROM {$this->table()} WHERE calendly_uri IN ({$placeholders}) ORDER BY calendly_uri{$lock}", ...array_values( $frontier ) ), ARRAY_A ) );
			$frontier = array();
			foreach ( $found as $row ) {
				$rows[] = $row;
				foreach ( array( 'rescheduled_to_uri', 'rescheduled_from_uri' ) as $link ) {
					$next = $row[ $link ];
					if ( null !== $next && '' !== $next && ! isset( $seen[ strtolower( $next ) ] ) ) {
						$frontier[ strtolower( $next ) ] = (string) $next;
					}
				}
			}
		}
		return $rows;
	}

	/**
	 * Asks the core which of these rows count toward progress and stores the answers that changed.
	 *
	 * @param array<int,array<string,mixed>> $rows Keyed by id.
	 * @return int Rows changed.
	 */
	private function store_standing( array $rows ): int {
		if ( ! $rows ) {
			return 0;
		}
		if ( ! Plugin::requirements_met() ) {
			// Without the extension, or with one too old (a deleted user's sessions are released
			// without it), the stored answers wait: restand_stale() asks the core once it is
			// back, and a row without a student counts for nobody meanwhile.
			return 0;
		}
		// Rows whose status is none of the core's (a legacy spelling the migration could not map,
		// kept for the admin to see) count for nobody and are left out; a row without an
		// invitee URI (entered in the portal) is its own chain.
		$input = array();
		$known = array();
		foreach ( $rows as $id => $row ) {
			$status = (string) $row['status'];
			if ( \Calsync\State::normalizeStatus( $status ) !== $status ) {
				continue;
			}
			$known[ $id ] = count( $input );
			$input[]      = array(
				'uri'                => null === $row['calendly_uri'] || '' === $row['calendly_uri'] ? 'tfsp-row:' . $id : (string) $row['calendly_uri'],
				'rescheduled_to_uri' => null === $row['rescheduled_to_uri'] ? null : (string) $row['rescheduled_to_uri'],
				'status'             => $status,
				'student_id'         => null === $row['student_id'] ? null : (int) $row['student_id'],
			);
		}
		$counts = $input ? \Calsync\State::chainStanding( $input ) : array();
		$set    = array(
			0 => array(),
			1 => array(),
		);
		foreach ( $rows as $id => $row ) {
			$value = isset( $known[ $id ] ) && $counts[ $known[ $id ] ] ? 1 : 0;
			if ( (int) $row['counts_toward_progress'] !== $value ) {
				$set[ $value ][] = (int) $id;
				if ( 1 === $value && null !== $row['student_id'] ) {
					$this->gained( (int) $row['student_id'] );
				}
			}
		}
		foreach ( $set as $value => $ids ) {
			if ( $ids ) {
				$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET counts_toward_progress = %d WHERE id IN (" . implode( ',', $ids ) . ')', $value ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			}
		}
		$this->mark_ids( array_merge( $set[0], $set[1] ) );
		return count( $set[0] ) + count( $set[1] );
	}

	/**
	 * The standing of a row that is no chain's (the core's answer for the row
	 * alone; a row of a chain is answered again with its chain).  No query.
	 */
	private function standing_alone( int $id, string $uri, string $status, ?int $student ): int {
		$input = array(
			array(
				'uri'                => '' === $uri ? 'tfsp-row:' . $id : $uri,
				'rescheduled_to_uri' => null,
				'status'             => $status,
				'student_id'         => $student,
			),
		);
		return \Calsync\State::chainStanding( $input )[0] ? 1 : 0;
	}

	/** @return array<int,array<string,mixed>> The rows keyed by id (one each). */
	private static function by_id( array $rows ): array {
		$out = array();
		foreach ( $rows as $row ) {
			$out[ (int) $row['id'] ] = $row;
		}
		return $out;
	}

	/** Whether a row's facts link it to another row of a reschedule chain. */
	private static function in_chain( array $facts ): bool {
		return ! empty( $facts['rescheduled_to_uri'] ) || ! empty( $facts['rescheduled_from_uri'] );
	}

	/**
	 * Updates columns of one row in one prepared statement; null values become
	 * NULL.  Not wpdb::update(), which asks the server for the table's column
	 * charsets first (a round trip per request on the webhook path): every
	 * value here is a core answer (valid UTF-8) or a number.
	 *
	 * @param array<string,int|string|null> $columns Column => value; the names are ours.
	 */
	private function update( int $id, array $columns ): void {
		$sets = array();
		$args = array();
		foreach ( $columns as $column => $value ) {
			$sets[] = self::column_name( (string) $column ) . ' = ' . ( is_int( $value ) ? '%d' : '%s' );
			$args[] = $value;
		}
		$args[] = $id;
		$this->checked( $this->db->query( $this->prepare_nullable( "UPDATE {$this->table()} SET " . implode( ', ', $sets ) . ' WHERE id = %d', $args ) ) );
	}

	/**
	 * INSERT of one row in one prepared statement, as update() builds its
	 * statement (null values become NULL; no charset look-up).
	 *
	 * @param array<string,int|string|null> $columns Column => value; the names are ours.
	 */
	private function insert_statement( array $columns ): string {
		$names  = array();
		$values = array();
		foreach ( $columns as $column => $value ) {
			$names[]  = self::column_name( (string) $column );
			$values[] = is_int( $value ) ? '%d' : '%s';
		}
		return $this->prepare_nullable( "INSERT INTO {$this->table()} (" . implode( ', ', $names ) . ') VALUES (' . implode( ', ', $values ) . ')', array_values( $columns ) );
	}

	/** A column name of ours, checked before it goes into a statement. */
	private static function column_name( string $column ): string {
		if ( ! preg_match( '/^[a-z_]+$/', $column ) ) {
			throw new \InvalidArgumentException( 'Not a column name: ' . $column );
		}
		return $column;
	}

	/**
	 * Stores audit rows, and once the transaction commits tells integrators
	 * what changed: do_action( HOOK_CHANGED, $session_id, $changes, $actor )
	 * per session, $changes holding field => [old, new] as the audit trail
	 * holds them (notes of the core and of a coach under 'notes', a list),
	 * $actor ['type' => calendly|coach|admin|sync|system, 'user_id' => ?int,
	 * 'reason' => string].
	 *
	 * @param array<int,array> $rows AuditActor::row() rows.
	 */
	private function audited( array $rows ): void {
		$this->audit->add_many( $rows );
		if ( $this->quiet ) {
			return;
		}
		$by_session = array();
		foreach ( $rows as [ $session_id, $type, $user_id, $field, $old, $new, $reason ] ) {
			$id = (int) $session_id;
			if ( ! isset( $by_session[ $id ] ) ) {
				$by_session[ $id ] = array(
					'changes' => array(),
					'actor'   => array(
						'type'    => (string) $type,
						'user_id' => null === $user_id ? null : (int) $user_id,
						'reason'  => (string) $reason,
					),
				);
			}
			if ( 'note' === $field ) {
				$by_session[ $id ]['changes']['notes'][] = $new;
			} else {
				$by_session[ $id ]['changes'][ (string) $field ] = array( $old, $new );
			}
		}
		foreach ( $by_session as $id => $change ) {
			$this->database->after_commit( static fn() => do_action( self::HOOK_CHANGED, $id, $change['changes'], $change['actor'] ) );
		}
	}

	/**
	 * A row of the student began to count toward progress: once the
	 * transaction commits, a student whose count reached the requirement in
	 * it is announced, do_action( HOOK_REQUIREMENT_MET, $student_id, $term_id ): the count and
	 * the requirement of the current term (the term is null while the program has no terms;
	 * between terms nothing is announced).
	 */
	private function gained( ?int $student, int $rows = 1 ): void {
		if ( null === $student || $rows <= 0 || $this->quiet ) {
			return;
		}
		$this->gained[ $student ] = ( $this->gained[ $student ] ?? 0 ) + $rows;
		$this->database->after_commit( fn() => $this->announce_requirements(), 'requirement_met', fn() => $this->gained = array() );
	}

	private function announce_requirements(): void {
		$gained       = $this->gained;
		$this->gained = array();
		$progress     = Plugin::instance()->progress();
		foreach ( $gained as $student => $rows ) {
			// The student's progress in the current term (or all-time without terms), from the stored answers.
			$now   = $progress->of_student( (int) $student );
			$count = $now['attended'];
			$term  = $now['scope']['term'];
			if ( $count >= $now['required'] && $count - $rows < $now['required'] && ( null === $term || 'current' === $now['scope']['state'] ) ) {
				do_action( self::HOOK_REQUIREMENT_MET, (int) $student, null === $term ? null : (int) $term['id'] );
			}
		}
	}

	/** The legacy session_date column, in the type the portal's table gave it. @return int|string */
	private function session_date( int $start_us ) {
		static $format = null;
		if ( null === $format ) {
			$format = Plugin::instance()->internal_setting( '_session_date_format' ) ?? 'Y-m-d H:i:s';
		}
		return 'U' === $format ? (int) intdiv( $start_us, 1000000 ) : Clock::to_site_time( $start_us, $format );
	}

	/**
	 * A fact's value as the audit trail holds it: times in RFC 3339 (both for
	 * Calendly's changes and a coach's), flags as 0/1.
	 *
	 * @param mixed $value A fact value.
	 */
	private static function audit_value( string $key, $value ): ?string {
		if ( null === $value ) {
			return null;
		}
		if ( is_bool( $value ) ) {
			return $value ? '1' : '0';
		}
		$type = SessionRepository::FACTS[ $key ][1] ?? 'str';
		if ( is_int( $value ) && in_array( $type, array( 'time', 'datetime' ), true ) ) {
			return \Calsync\Time::format( $value );
		}
		return is_scalar( $value ) ? (string) $value : (string) wp_json_encode( $value );
	}
}
