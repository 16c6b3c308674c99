<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The versioned schema: dbDelta DDL for the plugin's own tables, and a careful
 * upgrade of the portal's existing {prefix}tfsp_coach_sessions.
 *
 * Safe to run twice and on a live site: it only creates tables, adds
 * columns and indexes, widens legacy columns that would refuse our writes
 * (NOT NULL without default, an ENUM status), and maps legacy status
 * spellings (each mapped row recorded in the audit trail as "system").  It
 * never drops a column, a table or a row.  The existing sessions table is
 * not handed to dbDelta, because dbDelta rewrites column types to match
 * the DDL and could shorten a legacy column.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Schema {

	/**
	 * The installed schema's number, stored as the "_schema_version" setting.
	 * Versions 1 to 4 are the first version's convergent upgrade (run on
	 * every migration); each later schema change is a numbered step in
	 * STEPS, run once, in order, and safe to run twice.
	 */
	public const VERSION = 20;

	/** @var array<int,string> Step number => method. */
	private const STEPS = array(
		5  => 'step_5_seams',
		6  => 'step_6_stored_answers',
		7  => 'step_7_session_counts',
		8  => 'step_8_needs_attendance_index',
		9  => 'step_9_session_coaches',
		10 => 'step_10_notifications',
		11 => 'step_11_hand_entered',
		12 => 'step_12_legacy_dates',
		13 => 'step_13_terms_cohorts',
		14 => 'step_14_oauth_states',
		15 => 'step_15_report_days',
		16 => 'step_16_report_counted_index',
		17 => 'step_17_coachless_hosts_index',
		18 => 'step_18_hosted_index',
		19 => 'step_19_host_counts',
		20 => 'step_20_coach_students_index',
	);

	/**
	 * Session columns that a numbered step adds (so the baseline never
	 * creates them): column => definition.
	 */
	private const STEP_COLUMNS = array(
		5 => array(
			// The privacy eraser's tombstone: set once, never cleared (a fact of the state rules).
			'erased_at'        => 'datetime(6) NULL DEFAULT NULL',
			// An admin unlinked the student: automatic matching never links the row again.
			'student_unlinked' => 'tinyint(1) NOT NULL DEFAULT 0',
			// The event type is not a chosen coaching type: kept, but out of every list and count.
			'type_ignored'     => 'tinyint(1) NOT NULL DEFAULT 0',
		),
		6 => array(
			// The core's answer: the session counts toward its student's progress (an attended
			// reschedule chain counts once).  Every count reads it; see SessionWriter.
			'counts_toward_progress' => 'tinyint(1) NOT NULL DEFAULT 0',
		),
		9  => array(
			// Every host's e-mail (a fact of the core, one per line); coach_id stays the first host's user.
			'host_emails' => 'mediumtext NULL',
		),
		11 => array(
			// Where the row comes from: 'calendly' (the sync), 'hand' (entered by hand: the
			// study's backup booking method); NULL for the portal's own older rows.
			'source'     => 'varchar(20) NULL DEFAULT NULL',
			// The hand entry, a fact of the core: who entered the session and when.
			'entered_by' => 'bigint(20) unsigned NULL DEFAULT NULL',
			'entered_at' => 'datetime(6) NULL DEFAULT NULL',
		),
		17 => array(
			// The hosts' e-mails, cut to what an index holds (SessionWriter::host_key()): the
			// index coachless_hosts serves the Sessions page's notice of hosts that match no user.
			'host_key' => 'varchar(191) NULL DEFAULT NULL',
		),
	);

	private const OUR_STATUSES = array( 'scheduled', 'canceled', 'rescheduled', 'attended', 'no_show' );

	private \wpdb $db;
	private SettingsRepository $settings;
	private SessionWriter $writer;
	private Database $database;
	private LegacySessions $legacy;

	public function __construct( \wpdb $db, SettingsRepository $settings, SessionWriter $writer, Database $database, LegacySessions $legacy ) {
		$this->db       = $db;
		$this->settings = $settings;
		$this->writer   = $writer;
		$this->database = $database;
		$this->legacy   = $legacy;
	}

	public function sessions_table(): string {
		return $this->db->prefix . 'tfsp_coach_sessions';
	}

	/** The plugin's own tables (not the portal's sessions table). */
	public function own_tables(): array {
		$p = $this->db->prefix;
		return array( $p . 'tfsp_calendly_settings', $p . 'tfsp_calendly_events', $p . 'tfsp_session_audit', $p . 'tfsp_calendly_throttle', $p . 'tfsp_calendly_counters', $p . 'tfsp_calendly_backfills', $p . 'tfsp_calendly_seen_events', $p . 'tfsp_calendly_session_counts', $p . 'tfsp_session_coaches', $p . 'tfsp_calendly_leases', $p . 'tfsp_notifications', $p . 'tfsp_terms', $p . 'tfsp_cohorts', $p . 'tfsp_cohort_members', $p . 'tfsp_oauth_states', $p . 'tfsp_report_days', $p . 'tfsp_report_dirty' );
	}

	/** The schema version the database is at (0: never migrated). */
	public function installed_version(): int {
		return (int) $this->settings->find_quietly( '_schema_version' );
	}

	public function needs_migration(): bool {
		return $this->installed_version() < self::VERSION;
	}

	/**
	 * Brings the database to VERSION.  The caller holds the migration lock.
	 *
	 * @return true|\WP_Error
	 */
	public function migrate() {
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		try {
			$this->create_own_tables();
			if ( $this->table_exists( $this->sessions_table() ) ) {
				$this->upgrade_sessions_table();
			} else {
				$this->check( dbDelta( $this->sessions_ddl() ) );
			}
			$this->ensure_session_indexes();
			$this->settings->put( '_session_date_format', $this->session_date_format() );
			$installed = $this->installed_version();
			foreach ( self::STEPS as $number => $method ) {
				if ( $installed < $number ) {
					$this->$method();
					$this->settings->put( '_schema_version', (string) $number );
					$this->writer->schema_reached( $number );
				}
			}
			if ( 0 === $installed && null === $this->settings->find_quietly( 'send_students_to_portal' ) ) {
				// A new install sends students to their sessions page after they log in; a site
				// that upgrades keeps what its users know until an admin turns it on.
				$this->settings->put( 'send_students_to_portal', '1' );
			}
			if ( 0 === $installed ) {
				// Likewise the student mails (step 10): on for a new install only.
				foreach ( array( 'nudge_book_next', 'nudge_requirement_met' ) as $name ) {
					if ( null === $this->settings->find_quietly( $name ) ) {
						$this->settings->put( $name, '1' );
					}
				}
			}
			// After the steps: a mapped row's stored answers are written with it, and the rows from
			// before the plugin get their date and their status as facts (see step 12).
			$this->map_legacy_statuses();
			$this->legacy->adopt();
			$this->settings->put( '_schema_version', (string) self::VERSION );
			$this->settings->delete( '_schema_error' );
		} catch ( DatabaseError $e ) {
			$message = $e->getMessage();
			if ( $this->table_exists( $this->db->prefix . 'tfsp_calendly_settings' ) ) {
				try {
					$this->settings->put( '_schema_error', $message );
				} catch ( DatabaseError $ignored ) {
					unset( $ignored );
				}
			}
			/* translators: %s: database error */
			return new \WP_Error( 'tfsp_calendly_migration_failed', sprintf( __( 'The Calendly Sync database upgrade failed: %s', 'tfsp-calendly-sync' ), $message ) );
		}
		return true;
	}

	/** Drops the plugin's own tables (uninstall with delete_data_on_uninstall only). */
	public function drop_own_tables(): void {
		foreach ( $this->own_tables() as $table ) {
			$this->db->query( "DROP TABLE IF EXISTS {$table}" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
	}

	/**
	 * Column definitions of the sessions table, in order.  The facts of
	 * Calsync\State come from SessionRepository::FACTS.
	 *
	 * @return array<string,string>
	 */
	public function session_columns(): array {
		$columns = array(
			'id'                => 'bigint(20) unsigned NOT NULL AUTO_INCREMENT',
			'student_id'        => 'bigint(20) unsigned NULL DEFAULT NULL',
			'coach_id'          => 'bigint(20) unsigned NULL DEFAULT NULL',
			'session_date'      => 'datetime NULL DEFAULT NULL',
			'status'            => "varchar(20) NOT NULL DEFAULT 'scheduled'",
			'notes'             => 'longtext NULL',
			'created_at'        => 'datetime NULL DEFAULT NULL',
			'updated_at'        => 'datetime NULL DEFAULT NULL',
			'calendly_event_id' => 'varchar(191) NULL DEFAULT NULL',
			'calendly_uri'      => 'varchar(191) NULL DEFAULT NULL',
			'auto_created'      => 'tinyint(1) NOT NULL DEFAULT 0',
			'webhook_data'      => 'longtext NULL',
			'conflict'          => 'tinyint(1) NOT NULL DEFAULT 0',
		);
		$types   = array(
			'str'      => 'mediumtext NULL',
			'time'     => 'bigint(20) NULL DEFAULT NULL',
			'datetime' => 'datetime(6) NULL DEFAULT NULL',
			'flag'     => 'tinyint(1) NOT NULL DEFAULT 0',
			'int'      => 'bigint(20) NULL DEFAULT NULL',
			'mark'     => 'varchar(16) NULL DEFAULT NULL',
			'noshow'   => 'varchar(16) NULL DEFAULT NULL',
		);
		$later = array_merge( ...array_values( self::STEP_COLUMNS ) );
		foreach ( SessionRepository::FACTS as [ $column, $type ] ) {
			if ( ! isset( $columns[ $column ] ) && ! isset( $later[ $column ] ) ) {
				$columns[ $column ] = $types[ $type ];
			}
		}
		return $columns;
	}

	/**
	 * Step 5, the seams: the erasure tombstone, the admin's unlink, the
	 * ignored event type, and the index of rows still waiting for their
	 * scheduled event.
	 */
	private function step_5_seams(): void {
		$this->add_session_columns( self::STEP_COLUMNS[5] );
		$indexes = $this->indexes( $this->sessions_table() );
		if ( ! isset( $indexes['sched_pending'] ) ) {
			$this->run( "ALTER TABLE {$this->sessions_table()} ADD KEY sched_pending (sched_updated_at,id)" );
		}
	}

	/**
	 * Step 6, the core's answers stored with each row: whether it counts
	 * toward progress, computed by the core for every row (its reschedule
	 * chain included), and the indexes that the progress counts and the
	 * look-up of stale answers read.
	 */
	private function step_6_stored_answers(): void {
		$this->add_session_columns( self::STEP_COLUMNS[6] );
		$indexes = $this->indexes( $this->sessions_table() );
		$adds    = array();
		if ( ! isset( $indexes['counts_student'] ) ) {
			$adds[] = 'ADD KEY counts_student (counts_toward_progress,student_id)';
		}
		if ( ! isset( $indexes['status_counts'] ) ) {
			$adds[] = 'ADD KEY status_counts (status,counts_toward_progress)';
		}
		if ( $adds ) {
			$this->run( "ALTER TABLE {$this->sessions_table()} " . implode( ', ', $adds ) );
		}
		$this->writer->restand_all();
	}

	/**
	 * Step 7, the Sessions list's totals as sharded counters (see
	 * SessionWriter), counted once from the rows.
	 */
	private function step_7_session_counts(): void {
		$collate = $this->db->get_charset_collate();
		$this->run(
			"CREATE TABLE IF NOT EXISTS {$this->writer->counts_table()} (
counter_key varchar(64) NOT NULL,
shard tinyint(3) unsigned NOT NULL,
n bigint(20) NOT NULL DEFAULT 0,
PRIMARY KEY (counter_key,shard)
) ENGINE=InnoDB {$collate}"
		);
		$this->database->transaction( fn() => $this->writer->rebuild_counts() );
	}

	/**
	 * Step 8, the index of "needs attendance" and of the upcoming count:
	 * (status, type_ignored, end_at, coach_id) replaces (status, end_at).
	 * Every list and count leaves out rows of ignored event types, and
	 * without type_ignored in the index each matching entry cost a row
	 * read (3.4 s for the exact count at a million rows); with coach_id
	 * the per-coach counts of the reminders are read from the index alone.
	 */
	private function step_8_needs_attendance_index(): void {
		$indexes = $this->indexes( $this->sessions_table() );
		$alter   = array();
		if ( ! isset( $indexes['status_type_end'] ) ) {
			$alter[] = 'ADD KEY status_type_end (status,type_ignored,end_at,coach_id)';
		}
		if ( isset( $indexes['status_end'] ) ) {
			$alter[] = 'DROP INDEX status_end';
		}
		if ( $alter ) {
			$this->run( "ALTER TABLE {$this->sessions_table()} " . implode( ', ', $alter ) );
		}
	}

	/**
	 * Step 9, the coaches of a session: every host whose e-mail matches a
	 * user, in {prefix}tfsp_session_coaches (coach_id stays the first, for
	 * the portal's older code), and the facts' host_emails column.  Existing
	 * rows are back-filled from coach_id; their other hosts come with the
	 * next event or back-fill of the session (the rows stored before this
	 * step never kept them).
	 */
	private function step_9_session_coaches(): void {
		$collate = $this->db->get_charset_collate();
		$this->run(
			"CREATE TABLE IF NOT EXISTS {$this->writer->coaches_table()} (
session_id bigint(20) unsigned NOT NULL,
coach_id bigint(20) unsigned NOT NULL,
PRIMARY KEY (session_id,coach_id),
KEY coach_session (coach_id,session_id)
) ENGINE=InnoDB {$collate}"
		);
		$this->add_session_columns( self::STEP_COLUMNS[9] );
		$this->run( "INSERT IGNORE INTO {$this->writer->coaches_table()} (session_id, coach_id) SELECT id, coach_id FROM {$this->sessions_table()} WHERE coach_id IS NOT NULL" );
	}

	/**
	 * Step 10, the student mails sent ({prefix}tfsp_notifications): one row per
	 * student, kind and occasion, so that each mail goes out at most once (the
	 * UNIQUE key is the claim, see NotificationRepository).  A new install turns
	 * the student mails on; a site that upgrades keeps them off until an admin
	 * turns them on (its students never had such mails).
	 */
	private function step_10_notifications(): void {
		$collate = $this->db->get_charset_collate();
		$this->run(
			"CREATE TABLE IF NOT EXISTS {$this->db->prefix}tfsp_notifications (
id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
user_id bigint(20) unsigned NOT NULL,
kind varchar(40) NOT NULL,
occasion varchar(100) NOT NULL,
sent_at datetime NOT NULL,
PRIMARY KEY (id),
UNIQUE KEY user_kind_occasion (user_id,kind,occasion),
KEY kind_sent (kind,sent_at)
) ENGINE=InnoDB {$collate}"
		);
	}

	/**
	 * Step 11, sessions entered by hand: the source column (the rows the
	 * sync created are 'calendly'; the portal's own rows keep NULL) and the
	 * hand entry's facts, entered_by and entered_at.
	 */
	private function step_11_hand_entered(): void {
		$this->add_session_columns( self::STEP_COLUMNS[11] );
		$this->run( "UPDATE {$this->sessions_table()} SET source = 'calendly' WHERE source IS NULL AND auto_created = 1" );
	}

	/**
	 * Step 12, rows from before the plugin: start_at (and end_at when there is a time) from
	 * session_date in the site's time zone, and the legacy attended, no-show, rescheduled and
	 * canceled as the facts they stand for (coach marks by "system" at updated_at, a cancel),
	 * the core deriving what is stored; one audit row per change (LegacySessions).  The
	 * legacy spellings are mapped first, so that "completed" rows become marks too.
	 */
	private function step_12_legacy_dates(): void {
		$this->map_legacy_statuses();
		$this->legacy->adopt();
	}

	/**
	 * Step 13, terms and cohorts (see Terms): the program's calendar of terms (date ranges in
	 * the site's time zone, each with its required attended sessions), the cohorts (by a
	 * WordPress role, which the row stores, or picked by hand), and the hand-picked cohorts'
	 * members with the time each joined.  A cohort with a term applies to that term only; one
	 * without, to every term.  Its required count NULL means the term's.
	 */
	private function step_13_terms_cohorts(): void {
		$p       = $this->db->prefix;
		$collate = $this->db->get_charset_collate();
		$this->run(
			"CREATE TABLE IF NOT EXISTS {$p}tfsp_terms (
id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
name varchar(190) NOT NULL,
first_day date NOT NULL,
last_day date NOT NULL,
required int(10) unsigned NOT NULL DEFAULT 3,
created_at datetime NOT NULL,
updated_at datetime NOT NULL,
PRIMARY KEY (id),
KEY first_day (first_day,last_day)
) ENGINE=InnoDB {$collate}"
		);
		$this->run(
			"CREATE TABLE IF NOT EXISTS {$p}tfsp_cohorts (
id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
name varchar(190) NOT NULL,
kind varchar(10) NOT NULL,
role varchar(100) NULL DEFAULT NULL,
term_id bigint(20) unsigned NULL DEFAULT NULL,
required int(10) unsigned NULL DEFAULT NULL,
created_at datetime NOT NULL,
updated_at datetime NOT NULL,
PRIMARY KEY (id),
KEY term_id (term_id)
) ENGINE=InnoDB {$collate}"
		);
		$this->run(
			"CREATE TABLE IF NOT EXISTS {$p}tfsp_cohort_members (
cohort_id bigint(20) unsigned NOT NULL,
user_id bigint(20) unsigned NOT NULL,
joined_at datetime NOT NULL,
PRIMARY KEY (cohort_id,user_id),
KEY user_id (user_id)
) ENGINE=InnoDB {$collate}"
		);
	}

	/**
	 * Step 14, "Connect with Calendly": the OAuth states in flight, one row
	 * each (the SHA-256 of the state is the key, so a state is taken once:
	 * the DELETE that takes it changes one row on one node only), with the
	 * hash of the admin's session token, the admin, the sealed PKCE
	 * verifier and the expiry (Unix seconds).
	 */
	private function step_14_oauth_states(): void {
		$collate = $this->db->get_charset_collate();
		$this->run(
			"CREATE TABLE IF NOT EXISTS {$this->db->prefix}tfsp_oauth_states (
state_hash char(64) NOT NULL,
session_hash char(64) NOT NULL,
user_id bigint(20) unsigned NOT NULL,
verifier text NOT NULL,
created_at bigint(20) NOT NULL,
expires_at bigint(20) NOT NULL,
PRIMARY KEY (state_hash),
KEY expires_at (expires_at)
) ENGINE=InnoDB {$collate}"
		);
	}


	/**
	 * Step 15, the Reports page's per-day summary (see ReportDays): {prefix}tfsp_report_days holds,
	 * per day in the site's time zone and coach (0: every session of the day, whoever hosts it),
	 * the sessions that start that day by what the core answered; {prefix}tfsp_report_dirty the
	 * quarter hours (UTC, since the epoch) whose sessions changed since, marked by SessionWriter in
	 * the transaction of each write (INSERT IGNORE: a marked quarter is no row that every delivery
	 * updates).  The one-minute job recounts the days of the marked quarters; on its first run it
	 * marks every quarter that holds a session, so that a site that upgrades gets its reports.
	 */
	private function step_15_report_days(): void {
		$collate = $this->db->get_charset_collate();
		$this->run(
			"CREATE TABLE IF NOT EXISTS {$this->writer->report_days_table()} (
day date NOT NULL,
coach_id bigint(20) unsigned NOT NULL,
booked int(10) unsigned NOT NULL DEFAULT 0,
scheduled int(10) unsigned NOT NULL DEFAULT 0,
attended int(10) unsigned NOT NULL DEFAULT 0,
no_show int(10) unsigned NOT NULL DEFAULT 0,
canceled int(10) unsigned NOT NULL DEFAULT 0,
rescheduled int(10) unsigned NOT NULL DEFAULT 0,
hand int(10) unsigned NOT NULL DEFAULT 0,
PRIMARY KEY (day,coach_id),
KEY coach_day (coach_id,day)
) ENGINE=InnoDB {$collate}"
		);
		$this->run(
			"CREATE TABLE IF NOT EXISTS {$this->writer->report_dirty_table()} (
slot bigint(20) NOT NULL,
PRIMARY KEY (slot)
) ENGINE=InnoDB {$collate}"
		);
		$this->settings->put( '_report_rebuild', '1' );
	}

	/**
	 * Step 16, the index of the Reports page's student figures: each student's sessions that
	 * count toward progress in a date range, read from the index alone
	 * (counts_toward_progress, type_ignored, start_at, student_id): a range scan of the counted
	 * sessions of a term instead of a row read each (ReportRepository::counted()).
	 */
	private function step_16_report_counted_index(): void {
		if ( ! isset( $this->indexes( $this->sessions_table() )['report_counted'] ) ) {
			$this->run( "ALTER TABLE {$this->sessions_table()} ADD KEY report_counted (counts_toward_progress,type_ignored,start_at,student_id)" );
		}
	}

	/**
	 * Step 17, the index of the Sessions page's notice of host e-mails that match no user
	 * (SessionCoachRepository::coachless_host_emails()): the distinct hosts of the sessions
	 * without a coach read from the index (coach_id, type_ignored, host_key) alone, host_key
	 * being the first 191 characters of the hosts' e-mails, which the writer keeps with the
	 * facts (SessionWriter::host_key()) and this step fills for the rows before it, in batches
	 * of ids.  Before it, a row read per coachless session: 2.3 s on each Sessions page with
	 * 20,000 of them in a million rows.  (Not a generated column: a backup that writes every
	 * column back, as many do, is refused by MariaDB for a generated one.)
	 */
	private function step_17_coachless_hosts_index(): void {
		$t = $this->sessions_table();
		$this->add_session_columns( self::STEP_COLUMNS[17] );
		$last  = $this->db->get_var( "SELECT MAX(id) FROM {$t}" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$this->check( $last );
		$hosts = SessionWriter::HOSTS_SQL;
		for ( $from = 0; $from < (int) $last; $from += 20000 ) {
			$this->run( $this->db->prepare( "UPDATE {$t} SET host_key = LEFT({$hosts}, %d) WHERE id > %d AND id <= %d AND host_key IS NULL AND {$hosts} IS NOT NULL", SessionWriter::HOST_KEY_LENGTH, $from, $from + 20000 ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
		if ( ! isset( $this->indexes( $t )['coachless_hosts'] ) ) {
			$this->run( "ALTER TABLE {$t} ADD KEY coachless_hosts (coach_id,type_ignored,host_key)" );
		}
	}

	/**
	 * Step 18, the index of one coach's sessions (Repository::HOSTED_INDEX): the sessions a
	 * coach hosts are found through the coaches table, one probe per session by id; this
	 * index (id, type_ignored, start_at, status, end_at, student_id) answers the probe from
	 * 52 MB at a million rows instead of the 560 MB of the rows themselves (a coach's Sessions
	 * list took 5.9 s for 40,000 sessions, its count and its page each a row read per session).
	 */
	private function step_18_hosted_index(): void {
		if ( ! isset( $this->indexes( $this->sessions_table() )[ Repository::HOSTED_INDEX ] ) ) {
			$this->run( "ALTER TABLE {$this->sessions_table()} ADD KEY " . Repository::HOSTED_INDEX . ' (id,type_ignored,start_at,status,end_at,student_id)' );
		}
	}

	/**
	 * Step 19, a coach's own list counted by the writer: the sharded counters
	 * "host:<user id>" (every session the user hosts, through the coaches
	 * table), counted once from the rows with every other counter.
	 */
	private function step_19_host_counts(): void {
		$this->database->transaction( fn() => $this->writer->rebuild_counts() );
	}

	/**
	 * Step 20, index coach_id (coach_id) becomes (coach_id, type_ignored, student_id): the
	 * Reports page finds the students of a coach's sessions in a range scan of the index
	 * instead of one probe per session; every query of the one-column index reads its prefix.
	 * Same name, so that the baseline's convergent upgrade finds it.
	 */
	private function step_20_coach_students_index(): void {
		$index = $this->indexes( $this->sessions_table() )['coach_id']['columns'] ?? null;
		if ( array( 'coach_id', 'type_ignored', 'student_id' ) !== $index ) {
			$this->run( "ALTER TABLE {$this->sessions_table()} " . ( null === $index ? '' : 'DROP KEY coach_id, ' ) . 'ADD KEY coach_id (coach_id,type_ignored,student_id)' );
		}
	}

	/** @param array<string,string> $definitions Column => definition; adds those missing. */
	private function add_session_columns( array $definitions ): void {
		$table    = $this->sessions_table();
		$existing = $this->columns( $table );
		$adds     = array();
		foreach ( $definitions as $name => $definition ) {
			if ( ! isset( $existing[ strtolower( $name ) ] ) ) {
				$adds[] = "ADD COLUMN {$name} {$definition}";
			}
		}
		if ( $adds ) {
			$this->run( "ALTER TABLE {$table} " . implode( ', ', $adds ) );
		}
	}

	private function sessions_ddl(): string {
		$lines = array();
		foreach ( $this->session_columns() as $name => $definition ) {
			$lines[] = "{$name} {$definition}";
		}
		$lines[] = 'PRIMARY KEY  (id)';
		return "CREATE TABLE {$this->sessions_table()} (\n" . implode( ",\n", $lines ) . "\n) ENGINE=InnoDB {$this->db->get_charset_collate()};";
	}

	private function create_own_tables(): void {
		$p       = $this->db->prefix;
		$collate = $this->db->get_charset_collate();
		$ddl     = array(
			"CREATE TABLE {$p}tfsp_calendly_settings (
id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
setting_key varchar(191) NOT NULL,
setting_value longtext NOT NULL,
created_at datetime NULL DEFAULT NULL,
updated_at datetime NULL DEFAULT NULL,
PRIMARY KEY  (id),
UNIQUE KEY setting_key (setting_key)
) ENGINE=InnoDB {$collate};",
			"CREATE TABLE {$p}tfsp_calendly_events (
id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
dedupe_key char(64) NOT NULL,
event_name text NULL,
invitee_uri text NULL,
first_received datetime(6) NOT NULL,
last_received datetime(6) NOT NULL,
deliveries int(10) unsigned NOT NULL DEFAULT 1,
outcome varchar(16) NOT NULL,
attempts int(10) unsigned NOT NULL DEFAULT 0,
next_attempt_at datetime NULL DEFAULT NULL,
last_error text NULL,
raw_body longblob NULL,
signature_t bigint(20) NULL DEFAULT NULL,
session_id bigint(20) unsigned NULL DEFAULT NULL,
PRIMARY KEY  (id),
UNIQUE KEY dedupe_key (dedupe_key),
KEY outcome_next (outcome,next_attempt_at),
KEY invitee_uri (invitee_uri(191)),
KEY session_id (session_id),
KEY first_received (first_received)
) ENGINE=InnoDB {$collate};",
			"CREATE TABLE {$p}tfsp_session_audit (
id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
session_id bigint(20) unsigned NULL DEFAULT NULL,
created_at datetime(6) NOT NULL,
actor_type varchar(16) NOT NULL,
actor_user_id bigint(20) unsigned NULL DEFAULT NULL,
field varchar(64) NULL DEFAULT NULL,
old_value mediumtext NULL,
new_value mediumtext NULL,
reason text NULL,
ledger_id bigint(20) unsigned NULL DEFAULT NULL,
PRIMARY KEY  (id),
KEY session_id (session_id,id),
KEY ledger_id (ledger_id)
) ENGINE=InnoDB {$collate};",
			"CREATE TABLE {$p}tfsp_calendly_throttle (
client_address varchar(45) NOT NULL,
window_start bigint(20) NOT NULL,
failures int(10) unsigned NOT NULL DEFAULT 0,
PRIMARY KEY  (client_address,window_start),
KEY window_start (window_start)
) ENGINE=InnoDB {$collate};",
			"CREATE TABLE {$p}tfsp_calendly_backfills (
id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
state varchar(16) NOT NULL,
reason varchar(16) NOT NULL,
window_from datetime(6) NOT NULL,
window_to datetime(6) NOT NULL,
page_token text NULL,
event_index int(10) unsigned NOT NULL DEFAULT 0,
pages_done int(10) unsigned NOT NULL DEFAULT 0,
events_seen int(10) unsigned NOT NULL DEFAULT 0,
events_skipped int(10) unsigned NOT NULL DEFAULT 0,
invitees_synced int(10) unsigned NOT NULL DEFAULT 0,
invitees_failed int(10) unsigned NOT NULL DEFAULT 0,
requests int(10) unsigned NOT NULL DEFAULT 0,
throttled int(10) unsigned NOT NULL DEFAULT 0,
slices int(10) unsigned NOT NULL DEFAULT 0,
errors int(10) unsigned NOT NULL DEFAULT 0,
last_error text NULL,
created_by bigint(20) unsigned NULL DEFAULT NULL,
created_at datetime NOT NULL,
started_at datetime NULL DEFAULT NULL,
finished_at datetime NULL DEFAULT NULL,
updated_at datetime NULL DEFAULT NULL,
PRIMARY KEY  (id),
KEY state (state,id)
) ENGINE=InnoDB {$collate};",
			"CREATE TABLE {$p}tfsp_calendly_seen_events (
event_key char(64) NOT NULL,
event_uri text NOT NULL,
updated_at bigint(20) NOT NULL,
seen_at datetime NOT NULL,
PRIMARY KEY  (event_key)
) ENGINE=InnoDB {$collate};",
			"CREATE TABLE {$p}tfsp_calendly_counters (
counter_key varchar(64) NOT NULL,
counter_value bigint(20) unsigned NOT NULL DEFAULT 0,
updated_at datetime NULL DEFAULT NULL,
PRIMARY KEY  (counter_key)
) ENGINE=InnoDB {$collate};",
		);
		foreach ( $ddl as $statement ) {
			$this->check( dbDelta( $statement ) );
		}
	}

	/** Adds what an older sessions table lacks; widens what would refuse our writes. */
	private function upgrade_sessions_table(): void {
		$table    = $this->sessions_table();
		$existing = $this->columns( $table );
		$charset  = 'CHARACTER SET ' . $this->db->charset . ( $this->db->collate ? ' COLLATE ' . $this->db->collate : '' );
		$adds     = array();
		$ours     = $this->session_columns();
		foreach ( $ours as $name => $definition ) {
			if ( isset( $existing[ strtolower( $name ) ] ) ) {
				continue;
			}
			if ( preg_match( '/^(varchar|char|mediumtext|longtext|text)/', $definition ) ) {
				$definition = preg_replace( '/^(\S+)/', '$1 ' . $charset, $definition );
			}
			if ( 'id' === $name ) {
				continue; // A table without id is not one we know how to extend; left alone.
			}
			$adds[] = "ADD COLUMN {$name} {$definition}";
		}
		if ( $adds ) {
			$this->run( "ALTER TABLE {$table} " . implode( ', ', $adds ) );
		}

		// Legacy columns that are NOT NULL without a default would refuse a
		// row made from a webhook (no notes, no student yet): allow NULL.
		// The type and collation stay as they are.
		$modify = array();
		foreach ( $existing as $column ) {
			$name = $column['Field'];
			if ( in_array( strtolower( $name ), array( 'id', 'status', 'created_at', 'updated_at' ), true ) || false !== stripos( $column['Extra'], 'auto_increment' ) ) {
				continue;
			}
			if ( 'NO' === $column['Null'] && null === $column['Default'] && ! in_array( strtolower( $name ), array( 'calendly_uri', 'auto_created' ), true ) ) {
				$collation = $column['Collation'] ? ' COLLATE ' . $column['Collation'] : '';
				$modify[]  = "MODIFY COLUMN {$name} {$column['Type']}{$collation} NULL DEFAULT NULL";
			}
		}
		// Our status names need up to 11 characters; an ENUM or short column cannot hold them.
		if ( isset( $existing['status'] ) ) {
			$type = strtolower( $existing['status']['Type'] );
			if ( preg_match( '/^enum\(/', $type ) || ( preg_match( '/^(var)?char\((\d+)\)/', $type, $m ) && (int) $m[2] < 20 ) ) {
				$null     = 'NO' === $existing['status']['Null'] ? 'NOT NULL' : 'NULL';
				$modify[] = "MODIFY COLUMN status varchar(20) {$charset} {$null} DEFAULT 'scheduled'";
			}
		}
		if ( $modify ) {
			$this->run( "ALTER TABLE {$table} " . implode( ', ', $modify ) );
		}
	}

	/**
	 * UNIQUE on calendly_uri (replacing an older UNIQUE on calendly_event_id,
	 * since one event holds several invitees) and the lookup indexes.
	 */
	private function ensure_session_indexes(): void {
		$table   = $this->sessions_table();
		$indexes = $this->indexes( $table );
		$columns = $this->columns( $table );
		$prefix  = static fn( string $col ): string => preg_match( '/text|blob/', strtolower( $columns[ $col ]['Type'] ?? '' ) ) ? "{$col}(191)" : $col;

		$has_unique_uri = false;
		foreach ( $indexes as $index ) {
			if ( ! $index['non_unique'] && array( 'calendly_uri' ) === $index['columns'] ) {
				$has_unique_uri = true;
			}
		}
		$alter = array();
		if ( ! $has_unique_uri ) {
			// An empty string meant "no URI" in older rows; several of them would block the index.
			$this->run( "UPDATE {$table} SET calendly_uri = NULL WHERE calendly_uri = ''" );
			$duplicate = $this->db->get_var( "SELECT calendly_uri FROM {$table} WHERE calendly_uri IS NOT NULL GROUP BY calendly_uri HAVING COUNT(*) > 1 LIMIT 1" ); // phpcs:ignore
			$this->check( true );
			if ( null !== $duplicate ) {
				throw new DatabaseError( sprintf( 'several rows of %s share calendly_uri %s; resolve them, then reactivate the plugin', $table, $duplicate ) );
			}
			if ( isset( $indexes['calendly_uri'] ) ) {
				$alter[] = 'DROP INDEX calendly_uri';
			}
			$alter[] = 'ADD UNIQUE KEY calendly_uri (' . $prefix( 'calendly_uri' ) . ')';
		}
		$has_event_key = false;
		foreach ( $indexes as $name => $index ) {
			if ( isset( $index['columns'][0] ) && 'calendly_event_id' === $index['columns'][0] ) {
				if ( ! $index['non_unique'] && array( 'calendly_event_id' ) === $index['columns'] ) {
					$alter[] = "DROP INDEX {$name}";
					continue;
				}
				$has_event_key = true;
			}
		}
		if ( ! $has_event_key ) {
			$alter[] = 'ADD KEY calendly_event_id (' . $prefix( 'calendly_event_id' ) . ')';
		}
		$wanted = array(
			'student_id'    => 'ADD KEY student_id (student_id)',
			'coach_id'      => 'ADD KEY coach_id (coach_id)',
			'status_start'  => 'ADD KEY status_start (status,start_at)',
			'invitee_email' => 'ADD KEY invitee_email (invitee_email(191))',
			// The admin's session list: sorting and keyset paging by start, by name, and per student or coach.
			'start_at'      => 'ADD KEY start_at (start_at)',
			'invitee_name'  => 'ADD KEY invitee_name (invitee_name(100))',
			'student_start' => 'ADD KEY student_start (student_id,start_at)',
			'coach_start'   => 'ADD KEY coach_start (coach_id,start_at)',
			'conflict'      => 'ADD KEY conflict (conflict)',
			// Progress, the student portal and the coach reminders: per-student counts by status,
			// overdue marks per coach, attended rows rescheduled away, and the table's fingerprint.
			'student_status'   => 'ADD KEY student_status (student_id,status,start_at)',
			'coach_status_end' => 'ADD KEY coach_status_end (coach_id,status,end_at)',
			'status_rc'        => 'ADD KEY status_rc (status,reschedule_canceled)',
			'updated_at'       => 'ADD KEY updated_at (updated_at)',
		);
		foreach ( $wanted as $name => $clause ) {
			if ( ! isset( $indexes[ $name ] ) ) {
				$alter[] = $clause;
			}
		}
		if ( $alter ) {
			$this->run( "ALTER TABLE {$table} " . implode( ', ', $alter ) );
		}
	}

	/** Maps legacy spellings ("completed", "cancelled", "no show", ...) onto ours, one audit row per mapped row. */
	private function map_legacy_statuses(): void {
		$table  = $this->sessions_table();
		$ours   = "'" . implode( "','", self::OUR_STATUSES ) . "'";
		$values = $this->db->get_col( "SELECT DISTINCT BINARY status FROM {$table} WHERE status IS NOT NULL AND BINARY status NOT IN ({$ours})" ); // phpcs:ignore
		$this->check( true );
		foreach ( $values as $legacy ) {
			$mapped = \Calsync\State::normalizeStatus( (string) $legacy );
			if ( null === $mapped || $mapped === $legacy ) {
				continue; // Unknown spelling: left as it is, for the admin to see.
			}
			do {
				$ids = $this->db->get_col( $this->db->prepare( "SELECT id FROM {$table} WHERE BINARY status = BINARY %s ORDER BY id LIMIT 500", $legacy ) ); // phpcs:ignore
				$this->check( true );
				if ( ! $ids ) {
					break;
				}
				$this->database->transaction( fn() => $this->writer->map_legacy_status( array_map( 'intval', $ids ), (string) $legacy, $mapped ) );
			} while ( true );
		}
	}

	/** The PHP date format in which session_date is written, from the column's type. */
	private function session_date_format(): string {
		$columns = $this->columns( $this->sessions_table() );
		$type    = strtolower( $columns['session_date']['Type'] ?? 'datetime' );
		if ( 'date' === $type ) {
			return 'Y-m-d';
		}
		if ( preg_match( '/^(big|medium|small)?int/', $type ) ) {
			return 'U';
		}
		return 'Y-m-d H:i:s';
	}

	private function table_exists( string $table ): bool {
		return $table === $this->db->get_var( $this->db->prepare( 'SHOW TABLES LIKE %s', $this->db->esc_like( $table ) ) );
	}

	/** @return array<string,array> SHOW FULL COLUMNS rows keyed by lower-case name. */
	private function columns( string $table ): array {
		$rows = $this->db->get_results( "SHOW FULL COLUMNS FROM {$table}", ARRAY_A ); // phpcs:ignore
		$this->check( true );
		$out = array();
		foreach ( (array) $rows as $row ) {
			$out[ strtolower( $row['Field'] ) ] = $row;
		}
		return $out;
	}

	/** @return array<string,array{non_unique:bool,columns:string[]}> */
	private function indexes( string $table ): array {
		$rows = $this->db->get_results( "SHOW INDEX FROM {$table}", ARRAY_A ); // phpcs:ignore
		$this->check( true );
		$out = array();
		foreach ( (array) $rows as $row ) {
			$name                               = $row['Key_name'];
			$out[ $name ]['non_unique']         = (bool) $row['Non_unique'];
			$out[ $name ]['columns'][ (int) $row['Seq_in_index'] - 1 ] = strtolower( $row['Column_name'] );
		}
		foreach ( $out as &$index ) {
			ksort( $index['columns'] );
			$index['columns'] = array_values( $index['columns'] );
		}
		return $out;
	}

	private function run( string $sql ): void {
		$this->check( $this->db->query( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/** @param mixed $result */
	private function check( $result ): void {
		if ( false === $result || '' !== (string) $this->db->last_error ) {
			throw new DatabaseError( '' !== (string) $this->db->last_error ? $this->db->last_error : 'schema statement failed' );
		}
	}
}
