<?php
// SPDX-License-Identifier: MIT
/**
 * Rows from before the plugin (issue 12, "Rows from before the plugin"): the portal's own older
 * rows (session_date, a legacy status, no start_at) get, from the migration, start_at (and
 * end_at when there is a time) read in the site's time zone, and their legacy attended /
 * no-show as coach marks by "system" at updated_at, each change an audit row.  Over HTTP: the
 * row shows with its date in the Sessions list and the portal, counts toward progress, a date
 * without a time never needs attendance, and a coach's clearing of a legacy mark wins like any
 * later mark.
 */
final class LegacyDatesTest extends CalendlyTestCase {

	/** @var int[] */
	private array $made = array();

	private array $options = array();

	protected function setUp(): void {
		parent::setUp();
		foreach ( self::rows( "SELECT option_name, option_value FROM " . self::table( 'options' ) . " WHERE option_name IN ('timezone_string','gmt_offset')" ) as $row ) {
			$this->options[ $row['option_name'] ] = $row['option_value'];
		}
		// The site's zone: session_date is read in it (CDT is UTC-5 in March 2026).
		self::exec( 'UPDATE ' . self::table( 'options' ) . " SET option_value = 'America/Chicago' WHERE option_name = 'timezone_string'" );
	}

	protected function tearDown(): void {
		foreach ( $this->options as $name => $value ) {
			self::exec( 'UPDATE ' . self::table( 'options' ) . ' SET option_value = ? WHERE option_name = ?', array( $value, $name ) );
		}
		if ( $this->made ) {
			$in = implode( ',', array_map( 'intval', $this->made ) );
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_session_coaches' ) . " WHERE session_id IN ($in)" );
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_coach_sessions' ) . " WHERE id IN ($in)" );
		}
		parent::tearDown();
	}

	/** A row as the portal's older code wrote it: no invitee, no source, no facts. */
	private function legacy( int $student, ?int $coach, string $session_date, string $status, string $updated_at ): int {
		self::exec(
			'INSERT INTO ' . self::table( 'tfsp_coach_sessions' ) . ' (student_id, coach_id, session_date, status, notes, created_at, updated_at, auto_created) VALUES (?, ?, ?, ?, ?, ?, ?, 0)',
			array( $student, $coach, $session_date, $status, 'legacy note', '2026-01-01 00:00:00', $updated_at )
		);
		$id           = (int) self::db()->insert_id;
		$this->made[] = $id;
		return $id;
	}

	private static function row( int $id ): array {
		return self::rows( 'SELECT * FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( $id ) )[0];
	}

	/** The site upgraded from schema 11: the next request runs the migration (step 12). */
	private static function upgradeFrom11(): void {
		self::putSetting( '_schema_version', '11' );
		self::deleteSetting( '_installed_version' );
		$page = self::adminPage( 'index.php' );
		self::assertSame( 200, $page['status'] );
		$version = preg_match( '/const VERSION = (\d+);/', (string) file_get_contents( CALSYNC_TEST_ROOT . '/wp-plugin/includes/class-schema.php' ), $m ) ? $m[1] : '?';
		self::assertSame( $version, self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_schema_version'" )[0]['setting_value'] ?? null, 'the migration ran' );
	}

	public function test_a_legacy_row_shows_with_its_date_counts_and_its_mark_can_be_cleared(): void {
		$student = self::loggedInUser( 'subscriber' );
		$coach   = self::loggedInUser( 'tfsp_coach' );
		$timed   = $this->legacy( $student['id'], $coach['id'], '2026-03-10 14:30:00', 'completed', '2026-03-10 16:00:00' );
		$dated   = $this->legacy( $student['id'], $coach['id'], '2026-03-11 00:00:00', 'scheduled', '2026-03-01 09:00:00' );
		$missed  = $this->legacy( $student['id'], $coach['id'], '2026-03-12 09:15:00', 'no show', '2026-03-12 11:00:00' );
		self::exec( 'INSERT IGNORE INTO ' . self::table( 'tfsp_session_coaches' ) . " (session_id, coach_id) VALUES ($timed, {$coach['id']}), ($dated, {$coach['id']}), ($missed, {$coach['id']})" );
		$this->assertNull( self::row( $timed )['start_at'], 'undated before the migration' );

		self::upgradeFrom11();

		$t = self::row( $timed );
		$this->assertSame( '2026-03-10 19:30:00.000000', $t['start_at'], 'session_date read in the site\'s zone (14:30 CDT)' );
		$this->assertSame( '2026-03-10 20:30:00.000000', $t['end_at'], 'a time of day gives an end' );
		$this->assertSame( '2026-03-10 14:30:00', $t['session_date'], 'session_date kept' );
		$this->assertSame( 'attended', $t['status'] );
		$this->assertSame( 'attended', $t['coach_mark'], 'the legacy "completed" is a coach mark' );
		$this->assertSame( '0', $t['coach_mark_by'], 'by system (user 0)' );
		$this->assertSame( (string) ( strtotime( '2026-03-10 16:00:00 UTC' ) * 1000000 ), $t['coach_mark_at'], 'at the row\'s updated_at' );
		$this->assertSame( '1', $t['counts_toward_progress'] );
		$this->assertSame( '2026-03-10 16:00:00', $t['updated_at'], 'the portal\'s updated_at kept' );

		$d = self::row( $dated );
		$this->assertSame( '2026-03-11 05:00:00.000000', $d['start_at'], 'a date alone starts at midnight in the site\'s zone' );
		$this->assertNull( $d['end_at'], 'a date without a time has no end' );
		$this->assertSame( 'scheduled', $d['status'] );
		$this->assertContains( $d['coach_mark'], array( null, 'none' ), 'no mark' );

		$m = self::row( $missed );
		$this->assertSame( 'no_show', $m['status'] );
		$this->assertSame( 'no_show', $m['coach_mark'] );
		$this->assertSame( '0', $m['counts_toward_progress'] );

		// Each change an audit row, by system.
		$audit = self::audit( $timed );
		$fields = array_column( $audit, 'field' );
		foreach ( array( 'start_at', 'end_at', 'coach_mark', 'coach_mark_at' ) as $field ) {
			$this->assertContains( $field, $fields, "audited: $field" );
		}
		foreach ( $audit as $entry ) {
			$this->assertSame( 'system', $entry['actor_type'], (string) json_encode( $entry ) );
		}
		$start_entry = array_values( array_filter( $audit, static fn( array $e ): bool => 'start_at' === $e['field'] ) )[0];
		$this->assertNull( $start_entry['old_value'] );
		$this->assertSame( '2026-03-10T19:30:00.000000Z', $start_entry['new_value'] );

		// The Sessions list (as the coach) shows each row with its date; the date alone has no time.
		$list = html_entity_decode( self::adminPage( 'admin.php?page=tfsp-calendly&student=' . $student['id'], $coach )['body'], ENT_QUOTES );
		$this->assertStringContainsString( 'March 10, 2026 2:30 pm', $list );
		$this->assertStringContainsString( '<strong>March 11, 2026</strong>', $list, 'a date without a time shows as a date' );
		$this->assertStringContainsString( 'March 12, 2026 9:15 am', $list );
		$this->assertStringNotContainsString( '<strong>—</strong>', $list, 'no undated row' );

		// Needs attendance: the timed rows were marked; the date alone never needs one.
		$needs = html_entity_decode( self::adminPage( 'admin.php?page=tfsp-calendly&view=needs_attendance&student=' . $student['id'], $coach )['body'], ENT_QUOTES );
		$this->assertStringNotContainsString( 'value="' . $dated . '"', $needs, 'a date without a time never needs attendance' );

		// The portal: dated, and the progress counts the legacy attended session.
		[ $code, $portal, $err ] = self::php( 'coaching.php', array( $student['id'], 'portal' ) );
		$this->assertSame( 0, $code, $err . $portal );
		$portal = html_entity_decode( $portal, ENT_QUOTES );
		$this->assertStringContainsString( 'March 10, 2026 2:30 pm', $portal );
		$this->assertStringContainsString( 'March 11, 2026', $portal );
		$this->assertStringNotContainsString( 'Time to be confirmed', $portal );
		$this->assertMatchesRegularExpression( '/\b1 of 3\b/', $portal, 'the legacy attended session counts' );

		// The coach clears the legacy mark: a later mark wins, as on any other row.
		$r = self::adminRest( 'POST', "tfsp-calendly/v1/sessions/$timed/mark", array( 'mark' => 'none' ), true, $coach );
		$this->assertSame( 200, $r['status'], (string) json_encode( $r['json'] ) );
		$t = self::row( $timed );
		$this->assertSame( 'scheduled', $t['status'], 'cleared' );
		$this->assertSame( '0', $t['counts_toward_progress'] );
		$needs = self::adminPage( 'admin.php?page=tfsp-calendly&view=needs_attendance&student=' . $student['id'], $coach )['body'];
		$this->assertStringContainsString( 'value="' . $timed . '"', $needs, 'a cleared timed session needs attendance again' );

		// Twice is harmless: nothing more is written.
		$before = array( self::row( $timed ), self::row( $dated ), count( self::audit( $timed ) ) );
		self::upgradeFrom11();
		$this->assertSame( $before, array( self::row( $timed ), self::row( $dated ), count( self::audit( $timed ) ) ) );
	}
}
