<?php
// SPDX-License-Identifier: MIT
/**
 * The versioned migration, run in-process (WordPress and the extension loaded)
 * against tables of a scratch prefix: it creates the tables on an empty site
 * and extends the portal's older tfsp_coach_sessions without losing a row or
 * a column, maps legacy statuses with audit entries, replaces the old UNIQUE
 * index on calendly_event_id, and is safe to run twice.
 */
final class MigrationTest extends StackTestCase {

	private string $prefix;

	protected function setUp(): void {
		parent::setUp();
		$this->prefix = 'mig' . bin2hex( random_bytes( 3 ) ) . '_';
	}

	protected function tearDown(): void {
		foreach ( self::rows( "SHOW TABLES LIKE '{$this->prefix}%'" ) as $row ) {
			self::exec( 'DROP TABLE `' . reset( $row ) . '`' );
		}
	}

	private function migrate( ?string $body = null ): array {
		$args = array( $this->prefix );
		if ( null !== $body ) {
			$file = tempnam( sys_get_temp_dir(), 'tfsp' );
			file_put_contents( $file, $body );
			$args[] = $file;
		}
		[ $code, $out, $err ] = self::php( 'run-migration.php', $args );
		$this->assertSame( 0, $code, $err . $out );
		$result = json_decode( trim( $out ), true );
		$this->assertIsArray( $result, $out . $err );
		$this->assertTrue( $result['result'], (string) json_encode( $result ) );
		return $result;
	}

	private function t( string $name ): string {
		return $this->prefix . $name;
	}

	/** @return array<string,array{unique:bool,columns:string[]}> */
	private function indexes( string $table ): array {
		$out = array();
		foreach ( self::rows( "SHOW INDEX FROM `$table`" ) as $row ) {
			$out[ $row['Key_name'] ]['unique']                                 = '0' === $row['Non_unique'];
			$out[ $row['Key_name'] ]['columns'][ (int) $row['Seq_in_index'] ] = $row['Column_name'];
		}
		return $out;
	}

	private function columns( string $table ): array {
		return array_column( self::rows( "SHOW COLUMNS FROM `$table`" ), 'Type', 'Field' );
	}

	public function test_creates_every_table_on_an_empty_site(): void {
		$this->migrate();
		foreach ( array( 'tfsp_coach_sessions', 'tfsp_calendly_settings', 'tfsp_calendly_events', 'tfsp_session_audit', 'tfsp_calendly_throttle', 'tfsp_calendly_counters', 'tfsp_calendly_backfills', 'tfsp_calendly_seen_events' ) as $table ) {
			$this->assertNotEmpty( self::rows( "SHOW TABLES LIKE '" . $this->t( $table ) . "'" ), $table );
		}
		$columns = $this->columns( $this->t( 'tfsp_coach_sessions' ) );
		foreach ( array( 'id', 'student_id', 'coach_id', 'session_date', 'status', 'notes', 'created_at', 'updated_at', 'calendly_event_id', 'calendly_uri', 'auto_created', 'webhook_data', 'invitee_email', 'invitee_name', 'start_at', 'end_at', 'rescheduled_from_uri', 'rescheduled_to_uri', 'cancel_reason', 'canceled_by', 'noshow_uri', 'conflict', 'coach_mark', 'coach_mark_at' ) as $column ) {
			$this->assertArrayHasKey( $column, $columns );
		}
		$this->assertSame( 'datetime(6)', $columns['start_at'] );
		$indexes = $this->indexes( $this->t( 'tfsp_coach_sessions' ) );
		$this->assertTrue( $indexes['calendly_uri']['unique'] );
		$this->assertFalse( $indexes['calendly_event_id']['unique'] );
		$this->assertTrue( $this->indexes( $this->t( 'tfsp_calendly_events' ) )['dedupe_key']['unique'] );
		$settings = array_column( self::rows( 'SELECT setting_key, setting_value FROM `' . $this->t( 'tfsp_calendly_settings' ) . '`' ), 'setting_value', 'setting_key' );
		$this->assertSame( preg_match( '/const VERSION = (\d+);/', (string) file_get_contents( CALSYNC_TEST_ROOT . '/wp-plugin/includes/class-schema.php' ), $m ) ? $m[1] : '?', $settings['_schema_version'] );
		$this->assertSame( '1', $settings['send_students_to_portal'] ?? null, 'a new install sends students to their page after login' );

		// Needs attendance and the upcoming count: the ignored event types are in the index.
		$this->assertSame( array( 'status', 'type_ignored', 'end_at', 'coach_id' ), array_values( $indexes['status_type_end']['columns'] ) );
		$this->assertArrayNotHasKey( 'status_end', $indexes );

		$this->migrate(); // twice is harmless
		$this->assertSame( $columns, $this->columns( $this->t( 'tfsp_coach_sessions' ) ) );
		$this->assertSame( $indexes, $this->indexes( $this->t( 'tfsp_coach_sessions' ) ) );
	}

	public function test_step_8_replaces_the_index_of_a_version_7_site(): void {
		$this->migrate();
		$sessions = $this->t( 'tfsp_coach_sessions' );
		self::exec( "ALTER TABLE `$sessions` DROP INDEX status_type_end, ADD KEY status_end (status,end_at)" );
		self::exec( 'UPDATE `' . $this->t( 'tfsp_calendly_settings' ) . "` SET setting_value = '7' WHERE setting_key = '_schema_version'" );
		self::exec( 'DELETE FROM `' . $this->t( 'tfsp_calendly_settings' ) . "` WHERE setting_key = 'send_students_to_portal'" );

		$this->migrate();
		$indexes = $this->indexes( $sessions );
		$this->assertArrayNotHasKey( 'status_end', $indexes, 'step 8 drops the index it replaces' );
		$this->assertSame( array( 'status', 'type_ignored', 'end_at', 'coach_id' ), array_values( $indexes['status_type_end']['columns'] ) );
		$this->assertSame( array(), self::rows( 'SELECT setting_value FROM `' . $this->t( 'tfsp_calendly_settings' ) . "` WHERE setting_key = 'send_students_to_portal'" ), 'an upgraded site keeps its login redirect off' );
	}

	public function test_extends_an_older_table_without_losing_a_row_or_a_column(): void {
		$table = $this->t( 'tfsp_coach_sessions' );
		self::exec(
			"CREATE TABLE `$table` (
				id int(11) NOT NULL AUTO_INCREMENT,
				student_id int(11) NOT NULL,
				coach_id int(11) NOT NULL,
				session_date datetime NOT NULL,
				status varchar(50) NOT NULL,
				notes text NOT NULL,
				created_at datetime NOT NULL,
				updated_at datetime NOT NULL,
				room varchar(40) NOT NULL,
				PRIMARY KEY (id)
			) ENGINE=InnoDB DEFAULT CHARSET=utf8"
		);
		$legacy = array( 'scheduled', 'completed', 'Completed', 'cancelled', 'no show', 'attended', 'on hold' );
		foreach ( $legacy as $i => $status ) {
			self::exec( "INSERT INTO `$table` (student_id, coach_id, session_date, status, notes, created_at, updated_at, room) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", array( 10 + $i, 3, '2025-0' . ( $i + 1 ) . '-15 10:00:00', $status, "note $i <b>ü</b>", '2025-01-01 00:00:00', '2025-01-02 00:00:00', 'Room ' . $i ) );
		}
		$before = self::rows( "SELECT * FROM `$table` ORDER BY id" );

		$this->migrate();
		$after = self::rows( "SELECT * FROM `$table` ORDER BY id" );
		$this->assertCount( count( $before ), $after, 'no row lost' );
		$mapped = array(
			'completed' => 'attended',
			'Completed' => 'attended',
			'cancelled' => 'canceled',
			'no show'   => 'no_show',
		);
		foreach ( $before as $i => $old ) {
			foreach ( $old as $column => $value ) {
				$this->assertArrayHasKey( $column, $after[ $i ], "column $column kept" );
				$expected = 'status' === $column ? ( $mapped[ $value ] ?? $value ) : $value;
				$this->assertSame( $expected, $after[ $i ][ $column ], "row {$old['id']} $column" );
			}
			$this->assertSame( '0', $after[ $i ]['auto_created'] );
		}

		$audit = self::rows( 'SELECT * FROM `' . $this->t( 'tfsp_session_audit' ) . '` ORDER BY id' );
		$status_rows = array_values( array_filter( $audit, static fn( array $e ): bool => 'status' === $e['field'] ) );
		$this->assertCount( count( $mapped ), $status_rows, 'one status entry per mapped row' );
		foreach ( $audit as $entry ) {
			$this->assertSame( 'system', $entry['actor_type'] );
			if ( 'status' === $entry['field'] ) {
				$this->assertSame( $mapped[ $entry['old_value'] ], $entry['new_value'] );
			} else {
				// Step 12: the rows' dates and legacy marks as facts (LegacyDatesTest covers them).
				$this->assertContains( $entry['field'], array( 'start_at', 'end_at', 'sched_updated_at', 'coach_mark', 'coach_mark_at', 'coach_mark_by', 'canceled', 'cancel_at' ), (string) json_encode( $entry ) );
			}
		}
		$this->assertTrue( $this->indexes( $table )['calendly_uri']['unique'] );
		// Step 9: the legacy coach_id of every row is that session's coach.
		$coaches = self::rows( 'SELECT session_id, coach_id FROM `' . $this->t( 'tfsp_session_coaches' ) . '` ORDER BY session_id' );
		$this->assertSame( array_map( static fn( array $r ): array => array( 'session_id' => $r['id'], 'coach_id' => $r['coach_id'] ), $before ), $coaches, 'the coaches back-filled from coach_id' );

		// Twice: nothing more is mapped or audited, nothing changes.
		$this->migrate();
		$this->assertSame( $after, self::rows( "SELECT * FROM `$table` ORDER BY id" ) );
		$this->assertCount( count( $audit ), self::rows( 'SELECT id FROM `' . $this->t( 'tfsp_session_audit' ) . '`' ) );
		$this->assertSame( $coaches, self::rows( 'SELECT session_id, coach_id FROM `' . $this->t( 'tfsp_session_coaches' ) . '` ORDER BY session_id' ) );

		// The sync can now add rows to the extended table (legacy NOT NULL columns no longer refuse them).
		$p      = $this->fixtures->load( 'invitee_created' );
		$p['payload']['name'] = 'Ana 😀 Ruíz';
		$result = $this->migrate( Fixtures::encode( $p ) );
		$this->assertSame( 'processed', $result['outcome']['outcome'] );
		$row = self::rows( "SELECT * FROM `$table` WHERE calendly_uri = ?", array( $p['payload']['uri'] ) )[0];
		$this->assertSame( 'scheduled', $row['status'] );
		$this->assertSame( 'Ana 😀 Ruíz', $row['invitee_name'], 'new text columns hold utf8mb4 even in a utf8 table' );
	}

	public function test_replaces_an_old_unique_index_on_calendly_event_id(): void {
		$table = $this->t( 'tfsp_coach_sessions' );
		self::exec(
			"CREATE TABLE `$table` (
				id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
				student_id bigint(20) unsigned NULL,
				coach_id bigint(20) unsigned NULL,
				session_date datetime NULL,
				status enum('scheduled','completed','cancelled','no show') NOT NULL DEFAULT 'scheduled',
				notes text NULL,
				created_at datetime NULL,
				updated_at datetime NULL,
				calendly_event_id varchar(64) NULL,
				calendly_uri varchar(255) NULL,
				auto_created tinyint(1) NOT NULL DEFAULT 0,
				webhook_data longtext NULL,
				PRIMARY KEY (id),
				UNIQUE KEY calendly_event_id (calendly_event_id)
			) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
		);
		self::exec( "INSERT INTO `$table` (student_id, status, calendly_event_id, calendly_uri, auto_created) VALUES (1, 'completed', 'E1', 'https://api.calendly.com/scheduled_events/E1/invitees/I1', 1), (2, 'no show', 'E2', '', 0), (3, 'scheduled', NULL, '', 0)" );

		$this->migrate();
		$indexes = $this->indexes( $table );
		$this->assertTrue( $indexes['calendly_uri']['unique'] );
		foreach ( $indexes as $name => $index ) {
			if ( in_array( 'calendly_event_id', $index['columns'], true ) ) {
				$this->assertFalse( $index['unique'], "$name is not unique any more" );
			}
		}
		$rows = self::rows( "SELECT id, student_id, status, calendly_event_id, calendly_uri FROM `$table` ORDER BY id" );
		$this->assertCount( 3, $rows );
		$this->assertSame( array( 'attended', 'no_show', 'scheduled' ), array_column( $rows, 'status' ) );
		$this->assertSame( 'https://api.calendly.com/scheduled_events/E1/invitees/I1', $rows[0]['calendly_uri'] );
		$this->assertSame( array( 'E1', 'E2', null ), array_column( $rows, 'calendly_event_id' ) );

		// A group event: two invitees of one event are now possible.
		self::exec( "INSERT INTO `$table` (calendly_event_id, calendly_uri) VALUES ('E1', 'https://api.calendly.com/scheduled_events/E1/invitees/I2')" );
		$this->assertCount( 2, self::rows( "SELECT id FROM `$table` WHERE calendly_event_id = 'E1'" ) );
		$this->migrate();
	}
}
