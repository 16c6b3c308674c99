<?php
// SPDX-License-Identifier: MIT
/**
 * Terms and cohorts (issue 12, "Terms and cohorts"), through the Terms & cohorts page's forms
 * (admin-post.php with their nonces) and read back over HTTP: term boundaries in the site's
 * time zone (a session on the last day counts, one on the next day counts for the next term),
 * between terms the last term's result and when the next begins, a cohort's requirement (the
 * highest wins, a role cohort holds its role's users, one of another term does not apply),
 * every bad input refused with its field and nothing written, the capability and the nonce,
 * and hostile names shown as text on the page and in the CSV.  Without terms the all-time
 * count stays the rule (the other tests of the suite run so).
 */
final class TermsTest extends CalendlyTestCase {

	/** @var int[] */
	private array $made = array();

	private array $options = array();

	private static ?array $student = null;

	protected function setUp(): void {
		parent::setUp();
		self::clearTerms();
		foreach ( self::rows( 'SELECT option_name, option_value FROM ' . self::table( 'options' ) . " WHERE option_name IN ('timezone_string','gmt_offset')" ) as $row ) {
			$this->options[ $row['option_name'] ] = $row['option_value'];
		}
		// Days are the site's: New York is UTC-5 in winter.
		self::exec( 'UPDATE ' . self::table( 'options' ) . " SET option_value = 'America/New_York' WHERE option_name = 'timezone_string'" );
		self::$student ??= self::loggedInUser( 'subscriber' );
	}

	protected function tearDown(): void {
		self::clearTerms();
		foreach ( $this->options as $name => $value ) {
			self::exec( 'UPDATE ' . self::table( 'options' ) . ' SET option_value = ? WHERE option_name = ?', array( $value, $name ) );
		}
		if ( $this->made ) {
			$in = implode( ',', array_map( 'intval', $this->made ) );
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_coach_sessions' ) . " WHERE id IN ($in)" );
		}
		self::exec( 'DELETE FROM ' . self::table( 'options' ) . " WHERE option_name LIKE '%tfsp_calendly_progress_totals%'" );
		parent::tearDown();
	}

	private static function clearTerms(): void {
		foreach ( array( 'tfsp_cohort_members', 'tfsp_cohorts', 'tfsp_terms' ) as $table ) {
			self::exec( 'DELETE FROM ' . self::table( $table ) );
		}
	}

	private static function zone(): DateTimeZone {
		return new DateTimeZone( 'America/New_York' );
	}

	/** A day relative to today in the site's zone (Y-m-d). */
	private static function day( int $offset ): string {
		return ( new DateTimeImmutable( 'today', self::zone() ) )->modify( sprintf( '%+d days', $offset ) )->format( 'Y-m-d' );
	}

	/** A local time of a day as the UTC DATETIME that start_at holds. */
	private static function utc( string $day, string $time ): string {
		return ( new DateTimeImmutable( "$day $time", self::zone() ) )->setTimezone( new DateTimeZone( 'UTC' ) )->format( 'Y-m-d H:i:s' );
	}

	/** An attended session of the student starting at a UTC instant (the core's answer given by the progress job). */
	private function attended( int $student, string $start_utc ): int {
		self::exec(
			'INSERT INTO ' . self::table( 'tfsp_coach_sessions' ) . " (student_id, status, start_at, end_at, calendly_uri, auto_created, source, booked, coach_mark, coach_mark_at, coach_mark_by, created_at, updated_at) VALUES (?, 'attended', ?, DATE_ADD(?, INTERVAL 30 MINUTE), ?, 1, 'calendly', 1, 'attended', ?, 1, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
			array( $student, $start_utc, $start_utc, 'https://api.calendly.com/scheduled_events/' . Fixtures::uuid() . '/invitees/' . Fixtures::uuid(), (string) ( time() * 1000000 ) )
		);
		$id           = (int) self::db()->insert_id;
		$this->made[] = $id;
		return $id;
	}

	private static function settle(): void {
		self::cron( 'tfsp_calendly_progress' );
	}

	/** The nonce of a form of the page (by its action). */
	private static function nonce( string $action, ?array $as = null ): string {
		$page = self::adminPage( 'admin.php?page=tfsp-calendly-terms', $as )['body'];
		self::assertSame( 1, preg_match( '#name="action" value="' . preg_quote( $action, '#' ) . '">.*?name="_wpnonce" value="([0-9a-f]+)"#s', $page, $m ), 'the form of ' . $action );
		return $m[1];
	}

	/** Posts a form of the page as the admin (or $as); returns status and where it sends the browser. */
	private static function submit( string $action, array $fields, ?array $as = null, ?string $nonce = null ): array {
		$who    = $as ?? self::admin();
		$fields = array_merge(
			array(
				'action'   => $action,
				'_wpnonce' => $nonce ?? self::nonce( $action, $as ),
			),
			$fields
		);
		$r      = self::postAdminForm( $fields, $who['cookie'], 'tfsp-calendly-terms' );
		$query  = array();
		parse_str( (string) parse_url( (string) ( $r['headers']['location'] ?? '' ), PHP_URL_QUERY ), $query );
		$r['error'] = $query['tfsp_error'] ?? null;
		return $r;
	}

	private function term( string $name, string $first, string $last, string $required = '3' ): int {
		$r = self::submit( 'tfsp_calendly_save_term', compact( 'name' ) + array( 'first_day' => $first, 'last_day' => $last, 'required' => $required, 'id' => '0' ) );
		$this->assertSame( 302, $r['status'] );
		$this->assertNull( $r['error'], 'term ' . $name . ' saved' );
		return (int) self::rows( 'SELECT id FROM ' . self::table( 'tfsp_terms' ) . ' WHERE name = ?', array( $name ) )[0]['id'];
	}

	private function cohort( array $fields ): array {
		return self::submit( 'tfsp_calendly_save_cohort', $fields + array( 'id' => '0' ) );
	}

	private static function portal( int $user ): string {
		[ $code, $out, $err ] = self::php( 'coaching.php', array( $user, 'portal' ) );
		self::assertSame( 0, $code, $err . $out );
		return html_entity_decode( $out, ENT_QUOTES );
	}

	/** The Progress CSV as the admin: rows keyed by user id. */
	private static function csv(): array {
		$admin_id  = (int) self::rows( 'SELECT ID FROM ' . self::table( 'users' ) . ' WHERE user_login = ?', array( self::env( 'WP_ADMIN_USER' ) ) )[0]['ID'];
		[ , $csv ] = self::php( 'coaching.php', array( $admin_id, 'csv' ) );
		$rows      = array_map( 'str_getcsv', array_filter( explode( "\n", $csv ) ) );
		$out       = array( 'header' => $rows[0] );
		foreach ( array_slice( $rows, 1 ) as $row ) {
			$out[ $row[0] ] = array_combine( $rows[0], $row );
		}
		return $out;
	}

	private static function longDay( string $ymd ): string {
		return ( new DateTimeImmutable( $ymd ) )->format( 'F j, Y' );
	}

	public function test_a_session_counts_in_the_term_in_which_it_starts_in_the_site_zone(): void {
		$student = self::$student['id'];
		$last    = self::day( 40 );
		$this->term( 'Past term', self::day( -30 ), self::day( -1 ) );
		$this->term( 'This term', self::day( 0 ), $last, '3' );
		$this->term( 'Next term', self::day( 41 ), self::day( 90 ) );

		$this->attended( $student, self::utc( self::day( -1 ), '23:30:00' ) ); // The past term's last evening (next day in UTC).
		$this->attended( $student, self::utc( self::day( 0 ), '00:30:00' ) );  // This term's first morning.
		$this->attended( $student, self::utc( $last, '23:30:00' ) );           // This term's last evening: counts (UTC: the next day).
		$this->attended( $student, self::utc( self::day( 41 ), '00:30:00' ) ); // The next day: the next term's.
		self::settle();

		$portal = self::portal( $student );
		$this->assertStringContainsString( '2 of 3 sessions this term, ends ' . self::longDay( $last ), $portal, 'first and last day count, the days around them do not' );
		$row = self::csv()[ (string) $student ];
		$this->assertSame( array( '2', '3', 'This term' ), array( $row['Attended'], $row['Required'], $row['Term'] ) );

		$page = html_entity_decode( self::adminPage( 'admin.php?page=tfsp-calendly-progress' )['body'], ENT_QUOTES );
		$this->assertStringContainsString( 'This term: This term, ' . self::longDay( self::day( 0 ) ) . ' to ' . self::longDay( $last ), $page, 'the Progress page speaks of the term' );
		$this->assertMatchesRegularExpression( '#<td[^>]*>\s*2 / 3\s*</td>#', self::adminPage( 'admin.php?page=tfsp-calendly-progress&s=' . rawurlencode( self::$student['email'] ) )['body'] );

		// Site Health speaks of it too.
		[ $code, $out, $err ] = self::php( 'site-health.php' );
		$this->assertSame( 0, $code, $err );
		$health = json_decode( $out, true );
		$this->assertStringContainsString( 'This term', $health['info']['fields']['term']['value'] );
		$this->assertSame( 'good', $health['tests']['tfsp_calendly_terms']['status'] );

		// Between terms (this term deleted): the last term's result and when the next begins.
		$this_term = (int) self::rows( 'SELECT id FROM ' . self::table( 'tfsp_terms' ) . " WHERE name = 'This term'" )[0]['id'];
		$r         = self::submit( 'tfsp_calendly_delete_term', array( 'id' => (string) $this_term ), null, self::deleteNonce( 'tfsp_calendly_delete_term', $this_term ) );
		$this->assertSame( 302, $r['status'] );
		$this->assertNull( $r['error'] );
		$portal = self::portal( $student );
		$this->assertStringContainsString( '1 of 3 sessions in Past term (ended ' . self::longDay( self::day( -1 ) ) . ')', $portal );
		$this->assertStringContainsString( 'The next term, Next term, begins ' . self::longDay( self::day( 41 ) ) . '.', $portal );
		[ , $out ] = self::php( 'site-health.php' );
		$this->assertSame( 'recommended', json_decode( $out, true )['tests']['tfsp_calendly_terms']['status'] );

		// No term at all: today's all-time count.
		self::clearTerms();
		$portal = self::portal( $student );
		$this->assertStringContainsString( '4 of 3 sessions attended', $portal, 'all-time without terms' );
	}

	/** The nonce of a row's delete button. */
	private static function deleteNonce( string $action, int $id ): string {
		$page = self::adminPage( 'admin.php?page=tfsp-calendly-terms' )['body'];
		self::assertSame( 1, preg_match( '#name="action" value="' . preg_quote( $action, '#' ) . '"><input type="hidden" name="id" value="' . $id . '"><input type="hidden" id="_wpnonce" name="_wpnonce" value="([0-9a-f]+)"#', $page, $m ), 'the delete button of ' . $id );
		return $m[1];
	}

	public function test_a_student_takes_the_highest_requirement_of_their_cohorts(): void {
		$in_two  = self::$student; // A subscriber, picked by hand too.
		$by_role = self::loggedInUser( 'subscriber' );
		$none    = self::loggedInUser( 'tfsp_coach' ); // In no cohort: the term's.
		$term    = $this->term( 'Cohort term', self::day( -10 ), self::day( 30 ), '3' );
		$other   = $this->term( 'Later term', self::day( 31 ), self::day( 60 ), '3' );
		foreach ( array( $in_two, $by_role, $none ) as $who ) {
			$this->attended( $who['id'], self::utc( self::day( -1 ), '10:00:00' ) );
		}
		self::settle();

		$this->assertNull( $this->cohort( array( 'name' => 'Scholars', 'kind' => 'hand', 'members' => $in_two['email'], 'term_id' => (string) $term, 'required' => '5' ) )['error'] );
		$this->assertNull( $this->cohort( array( 'name' => 'Subscribers', 'kind' => 'role', 'role' => 'subscriber', 'term_id' => '', 'required' => '4' ) )['error'] );
		$this->assertNull( $this->cohort( array( 'name' => 'Later only', 'kind' => 'hand', 'members' => (string) $none['id'], 'term_id' => (string) $other, 'required' => '9' ) )['error'] );
		$this->assertNull( $this->cohort( array( 'name' => 'Term count', 'kind' => 'hand', 'members' => $by_role['email'], 'term_id' => '', 'required' => '' ) )['error'], 'a cohort without its own count asks the term\'s' );

		$members = self::rows( 'SELECT c.name, m.user_id FROM ' . self::table( 'tfsp_cohort_members' ) . ' m JOIN ' . self::table( 'tfsp_cohorts' ) . ' c ON c.id = m.cohort_id ORDER BY c.name' );
		$this->assertSame( array( 'Later only', 'Scholars', 'Term count' ), array_column( $members, 'name' ), 'a role cohort stores its role, not members' );
		$this->assertSame( 'subscriber', self::rows( 'SELECT role FROM ' . self::table( 'tfsp_cohorts' ) . " WHERE name = 'Subscribers'" )[0]['role'] );

		$csv = self::csv();
		$this->assertSame( '5', $csv[ (string) $in_two['id'] ]['Required'], 'hand-picked 5 beats the role\'s 4' );
		$this->assertSame( '4', $csv[ (string) $by_role['id'] ]['Required'], 'the role cohort\'s 4 beats the term\'s 3 of another cohort' );
		$this->assertSame( '3', $csv[ (string) $none['id'] ]['Required'], 'in no cohort of this term: the term\'s' );
		$this->assertStringContainsString( '1 of 5 sessions this term', self::portal( $in_two['id'] ) );
		$this->assertStringContainsString( '1 of 4 sessions this term', self::portal( $by_role['id'] ) );

		// The completion filter uses each student's own requirement.
		$this->attended( $none['id'], self::utc( self::day( -2 ), '10:00:00' ) );
		$this->attended( $none['id'], self::utc( self::day( -3 ), '10:00:00' ) );
		self::settle();
		$completed = self::adminPage( 'admin.php?page=tfsp-calendly-progress&completion=completed&orderby=name' )['body'];
		$this->assertStringContainsString( $none['email'], $completed, '3 of 3: completed' );
		$this->assertStringNotContainsString( $in_two['email'], $completed, '1 of 5: not yet' );

		// Privacy: the exporter lists the hand-picked cohorts; the eraser takes the student out of them.
		$admin_id  = (int) self::rows( 'SELECT ID FROM ' . self::table( 'users' ) . ' WHERE user_login = ?', array( self::env( 'WP_ADMIN_USER' ) ) )[0]['ID'];
		[ , $out ] = self::php( 'coaching.php', array( $admin_id, 'export', $in_two['email'] ) );
		$items     = array_merge( ...array_column( (array) json_decode( $out, true ), 'data' ) );
		$cohorts   = array_values( array_filter( $items, static fn( $i ) => 'tfsp-calendly-cohorts' === $i['group_id'] ) );
		$this->assertSame( array( 'Scholars' ), array_map( static fn( $i ) => $i['data'][0]['value'], $cohorts ), $out );
		self::php( 'coaching.php', array( $admin_id, 'erase', $in_two['email'] ) );
		$this->assertSame( array(), self::rows( 'SELECT cohort_id FROM ' . self::table( 'tfsp_cohort_members' ) . ' WHERE user_id = ?', array( $in_two['id'] ) ), 'erased: in no hand-picked cohort' );
	}

	public function test_every_bad_input_names_its_field_and_writes_nothing(): void {
		$this->term( 'Existing', self::day( 0 ), self::day( 20 ) );
		$counts = static fn(): array => array(
			count( self::rows( 'SELECT id FROM ' . self::table( 'tfsp_terms' ) ) ),
			count( self::rows( 'SELECT id FROM ' . self::table( 'tfsp_cohorts' ) ) ),
			count( self::rows( 'SELECT user_id FROM ' . self::table( 'tfsp_cohort_members' ) ) ),
		);
		$before = $counts();
		$terms  = array(
			'last_day'  => array( 'name' => 'Backwards', 'first_day' => self::day( 40 ), 'last_day' => self::day( 30 ), 'required' => '3' ),
			'first_day' => array( 'name' => 'Overlap', 'first_day' => self::day( 20 ), 'last_day' => self::day( 30 ), 'required' => '3' ),
			'required'  => array( 'name' => 'Zero', 'first_day' => self::day( 30 ), 'last_day' => self::day( 40 ), 'required' => '0' ),
			'name'      => array( 'name' => '  ', 'first_day' => self::day( 30 ), 'last_day' => self::day( 40 ), 'required' => '3' ),
		);
		foreach ( $terms as $field => $fields ) {
			$r = self::submit( 'tfsp_calendly_save_term', $fields + array( 'id' => '0' ) );
			$this->assertSame( 302, $r['status'], $field );
			$this->assertSame( $field, $r['error'], (string) json_encode( $fields ) );
			$this->assertSame( $before, $counts(), "$field: nothing written" );
		}
		foreach ( array( 'not-a-date', '2026-02-30' ) as $bad ) {
			$this->assertSame( 'first_day', self::submit( 'tfsp_calendly_save_term', array( 'name' => 'Bad day', 'first_day' => $bad, 'last_day' => self::day( 40 ), 'required' => '3', 'id' => '0' ) )['error'], $bad );
		}
		$this->assertSame( 'required', self::submit( 'tfsp_calendly_save_term', array( 'name' => 'Words', 'first_day' => self::day( 30 ), 'last_day' => self::day( 40 ), 'required' => 'three', 'id' => '0' ) )['error'] );

		// The notice says which field and why, on the page the browser is sent back to.
		self::submit( 'tfsp_calendly_save_term', $terms['last_day'] + array( 'id' => '0' ) );
		$page = html_entity_decode( self::adminPage( 'admin.php?page=tfsp-calendly-terms' )['body'], ENT_QUOTES );
		$this->assertStringContainsString( 'Last day: it is before the first day.', $page );
		$this->assertStringContainsString( 'value="Backwards"', $page, 'the form keeps what was typed' );
		self::submit( 'tfsp_calendly_save_term', $terms['first_day'] + array( 'id' => '0' ) );
		$this->assertStringContainsString( 'the dates overlap the term "Existing"', html_entity_decode( self::adminPage( 'admin.php?page=tfsp-calendly-terms' )['body'], ENT_QUOTES ) );

		$cohorts = array(
			'role'     => array( 'name' => 'Ghosts', 'kind' => 'role', 'role' => 'no_such_role' ),
			'required' => array( 'name' => 'Zero', 'kind' => 'hand', 'members' => self::$student['email'], 'required' => '0' ),
			'members'  => array( 'name' => 'Strangers', 'kind' => 'hand', 'members' => self::$student['email'] . "\nnobody-" . bin2hex( random_bytes( 3 ) ) . '@example.org' ),
			'term_id'  => array( 'name' => 'Nowhen', 'kind' => 'hand', 'members' => '', 'term_id' => '999999' ),
			'kind'     => array( 'name' => 'Neither', 'kind' => 'both' ),
			'name'     => array( 'name' => '', 'kind' => 'hand' ),
		);
		foreach ( $cohorts as $field => $fields ) {
			$r = $this->cohort( $fields );
			$this->assertSame( 302, $r['status'], $field );
			$this->assertSame( $field, $r['error'], (string) json_encode( $fields ) );
			$this->assertSame( $before, $counts(), "$field: nothing written" );
		}
		$this->cohort( $cohorts['role'] );
		$this->assertStringContainsString( 'Role: "no_such_role" is not a WordPress role of this site.', html_entity_decode( self::adminPage( 'admin.php?page=tfsp-calendly-terms' )['body'], ENT_QUOTES ) );

		// Who may: a subscriber and a coach are refused (403), and so is a form without its nonce.
		foreach ( array( 'subscriber', 'tfsp_coach', 'tfsp_lead_coach' ) as $role ) {
			$user = self::loggedInUser( $role );
			$r    = self::postAdminForm( array( 'action' => 'tfsp_calendly_save_term', '_wpnonce' => 'x', 'name' => 'Sneaky', 'first_day' => self::day( 50 ), 'last_day' => self::day( 60 ), 'id' => '0' ), $user['cookie'], 'tfsp-calendly-terms' );
			$this->assertSame( 403, $r['status'], $role );
			$this->assertSame( 403, self::adminPage( 'admin.php?page=tfsp-calendly-terms', $user )['status'], $role . ': no page' );
		}
		$r = self::postAdminForm( array( 'action' => 'tfsp_calendly_save_term', 'name' => 'No nonce', 'first_day' => self::day( 50 ), 'last_day' => self::day( 60 ), 'id' => '0' ), self::admin()['cookie'], 'tfsp-calendly-terms' );
		$this->assertSame( 403, $r['status'], 'no nonce' );
		$this->assertSame( $before, $counts(), 'nothing written by a refused request' );
	}

	public function test_the_student_mails_speak_of_the_term_and_the_cohort_requirement(): void {
		$saved = array();
		foreach ( array( 'nudge_book_next' => '1', 'nudge_requirement_met' => '1', 'nudge_after_days' => '14', 'scheduling_url' => 'https://calendly.com/tfsp-test/coaching' ) as $name => $value ) {
			$row            = self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . ' WHERE setting_key = ?', array( $name ) );
			$saved[ $name ] = $row ? $row[0]['setting_value'] : null;
			self::putSetting( $name, $value );
		}
		try {
			$last = self::day( 30 );
			$this->term( 'Earlier', self::day( -60 ), self::day( -31 ) );
			$term = $this->term( 'Mail term', self::day( -30 ), $last, '3' );
			$met  = self::loggedInUser( 'subscriber' );
			$this->assertNull( $this->cohort( array( 'name' => 'Two will do', 'kind' => 'hand', 'members' => $met['email'], 'term_id' => (string) $term, 'required' => '2' ) )['error'] );
			$this->attended( $met['id'], self::utc( self::day( -40 ), '10:00:00' ) ); // The earlier term's: counts for nothing now.
			$one = $this->attended( $met['id'], self::utc( self::day( -3 ), '10:00:00' ) );
			$two = $this->attended( $met['id'], self::utc( self::day( -2 ), '10:00:00' ) );
			self::exec( 'UPDATE ' . self::table( 'tfsp_coach_sessions' ) . " SET status = 'scheduled', coach_mark = NULL, coach_mark_at = NULL, coach_mark_by = NULL WHERE id IN ($one, $two)" );
			self::settle();

			$since = microtime( true );
			$this->assertSame( 200, self::adminRest( 'POST', "tfsp-calendly/v1/sessions/$one/mark", array( 'mark' => 'attended' ) )['status'] );
			$mine = static fn(): array => array_values( array_filter( MailSink::since( $since ), static fn( $m ) => in_array( $met['email'], $m['to'], true ) ) );
			$this->assertSame( array(), $mine(), '1 of 2 in this term (the earlier term\'s session does not count)' );
			$this->assertSame( 200, self::adminRest( 'POST', "tfsp-calendly/v1/sessions/$two/mark", array( 'mark' => 'attended' ) )['status'] );
			$mails = $mine();
			$this->assertCount( 1, $mails, '2 of 2: the cohort\'s requirement is met' );
			$this->assertStringContainsString( 'attended 2 coaching sessions and so met the program\'s requirement of 2 sessions', $mails[0]['message'] );
			$this->assertSame( array( array( 'occasion' => 'term:' . $term . ':met' ) ), self::rows( 'SELECT occasion FROM ' . self::table( 'tfsp_notifications' ) . ' WHERE user_id = ?', array( $met['id'] ) ), 'once per term' );

			// "Book your next session": below the term's requirement, latest session 20 days back.
			$below = self::loggedInUser( 'subscriber' );
			$this->attended( $below['id'], self::utc( self::day( -20 ), '10:00:00' ) );
			self::settle();
			$since = microtime( true );
			self::cron( 'tfsp_calendly_student_nudges' );
			$book = array_values( array_filter( MailSink::since( $since ), static fn( $m ) => in_array( $below['email'], $m['to'], true ) ) );
			$this->assertCount( 1, $book );
			$this->assertStringContainsString( 'Your coaching sessions: 1 of 3 sessions this term, ends ' . self::longDay( $last ) . '.', $book[0]['message'] );
		} finally {
			foreach ( $saved as $name => $value ) {
				null === $value ? self::deleteSetting( $name ) : self::putSetting( $name, $value );
			}
		}
	}

	public function test_hostile_names_are_text_on_the_page_and_in_the_csv(): void {
		$term_name   = '=HYPERLINK("http://evil.example")<script>alert(1)</script>"\'&';
		$cohort_name = '<img src=x onerror=alert(2)>&';
		$this->term( $term_name, self::day( -5 ), self::day( 5 ) );
		$this->assertNull( $this->cohort( array( 'name' => $cohort_name, 'kind' => 'hand', 'members' => self::$student['email'] ) )['error'] );
		$this->assertSame( $term_name, self::rows( 'SELECT name FROM ' . self::table( 'tfsp_terms' ) )[0]['name'], 'kept as written' );
		$this->attended( self::$student['id'], self::utc( self::day( 0 ), '09:00:00' ) );
		self::settle();

		$page = self::adminPage( 'admin.php?page=tfsp-calendly-terms' )['body'];
		$this->assertStringNotContainsString( '<script>alert(1)', $page );
		$this->assertStringNotContainsString( '<img src=x', $page );
		$this->assertStringContainsString( '&lt;script&gt;alert(1)&lt;/script&gt;', $page, 'the term name shown as text' );
		$this->assertStringContainsString( '&lt;img src=x onerror=alert(2)&gt;&amp;', $page, 'the cohort name shown as text' );
		foreach ( array( 'admin.php?page=tfsp-calendly-progress' ) as $path ) {
			$this->assertStringNotContainsString( '<script>alert(1)', self::adminPage( $path )['body'], $path );
		}
		$this->assertStringNotContainsString( '<script>alert(1)', (string) self::php( 'coaching.php', array( self::$student['id'], 'portal' ) )[1], 'the portal' );

		$row = self::csv()[ (string) self::$student['id'] ];
		$this->assertSame( "'" . $term_name, $row['Term'], 'formula-safe, otherwise as written' );
	}
}
