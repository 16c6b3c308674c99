<?php
// SPDX-License-Identifier: MIT
/**
 * The Reports page (issue 12, "Reports for program evaluation"), over HTTP against the running
 * site: bookings made through signed webhooks (a booking, a cancel, a reschedule chain, a
 * no-show), a session entered by hand through the REST API, attendance marked by the coaches
 * through the mark route; the one-minute job (tfsp_calendly_report_days) recounts the days the
 * writer marked dirty; then the page and its CSV are read and every figure is compared with a
 * count this test makes from the rows it created: an attended reschedule chain counts once, a
 * canceled session never, a hand-entered session in its own column; students who met the
 * requirement, those at risk, the time from joining to the first session; the filters by term,
 * cohort and coach; hostile filter input gets notices and no fatal; a coach and a subscriber
 * get 403; a formula in a name is neutralised in the CSV; days are the site's (New York).
 */
final class ReportsTest extends CalendlyTestCase {

	private static bool $built = false;

	/** @var array<string,array> Users by role in the story. */
	private static array $u = array();

	/** @var array<string,int> Session ids by name in the story. */
	private static array $s = array();

	/** @var string[] Invitee URIs delivered. */
	private static array $uris = array();

	private static array $options = array();

	private static int $term = 0;

	private static int $cohort = 0;

	/** @var array<string,int> The page's figures for the term before the story's sessions. */
	private static array $baseline = array();

	private static function zone(): DateTimeZone {
		return new DateTimeZone( 'America/New_York' );
	}

	private static function day( int $offset ): string {
		return ( new DateTimeImmutable( 'today', self::zone() ) )->modify( sprintf( '%+d days', $offset ) )->format( 'Y-m-d' );
	}

	/** A local time (New York) of a day relative to today, as a UTC instant. */
	private static function local( int $offset, string $time ): DateTimeImmutable {
		return ( new DateTimeImmutable( self::day( $offset ) . ' ' . $time, self::zone() ) )->setTimezone( new DateTimeZone( 'UTC' ) );
	}

	public static function tearDownAfterClass(): void {
		if ( self::$built ) {
			$ids = self::$s;
			foreach ( self::$uris as $uri ) {
				$row = self::session( $uri );
				if ( null !== $row ) {
					$ids[] = (int) $row['id'];
				}
			}
			$in = implode( ',', array_map( 'intval', array_unique( $ids ) ) );
			if ( '' !== $in ) {
				// The portal's own code could delete rows so: their days are marked for the job.
				self::exec( 'INSERT IGNORE INTO ' . self::table( 'tfsp_report_dirty' ) . " (slot) SELECT DISTINCT FLOOR(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', start_at) / 900) FROM " . self::table( 'tfsp_coach_sessions' ) . " WHERE id IN ($in) AND start_at IS NOT NULL" );
				self::exec( 'DELETE FROM ' . self::table( 'tfsp_session_coaches' ) . " WHERE session_id IN ($in)" );
				self::exec( 'DELETE FROM ' . self::table( 'tfsp_coach_sessions' ) . " WHERE id IN ($in)" );
			}
			foreach ( array( 'tfsp_cohort_members', 'tfsp_cohorts', 'tfsp_terms' ) as $table ) {
				self::exec( 'DELETE FROM ' . self::table( $table ) );
			}
			foreach ( self::$options as $name => $value ) {
				self::exec( 'UPDATE ' . self::table( 'options' ) . ' SET option_value = ? WHERE option_name = ?', array( $value, $name ) );
			}
			self::deleteSetting( 'at_risk_days' );
			self::countDays();
		}
		parent::tearDownAfterClass();
	}

	/** A webhook body of the story: the student books with the coach at a UTC instant. */
	private static function shape( array $p, array $student, array $coach, DateTimeImmutable $start ): array {
		$p['payload']['email']      = $student['email'];
		$p['payload']['name']       = $student['name'];
		$p['payload']['first_name'] = $student['name'];
		$p['payload']['last_name']  = '';
		$p['payload']['scheduled_event']['start_time']                        = $start->format( 'Y-m-d\TH:i:s.000000\Z' );
		$p['payload']['scheduled_event']['end_time']                          = $start->modify( '+45 minutes' )->format( 'Y-m-d\TH:i:s.000000\Z' );
		$p['payload']['scheduled_event']['event_memberships'][0]['user_email'] = $coach['email'];
		$p['payload']['scheduled_event']['event_memberships'][0]['user_name']  = $coach['name'];
		return $p;
	}

	private function send( array $p ): int {
		$r = $this->deliver( Fixtures::encode( $p ) );
		$this->assertSame( 200, $r['status'], $r['body'] );
		self::$uris[] = $p['payload']['uri'];
		$row          = self::session( $p['payload']['uri'] );
		$this->assertNotNull( $row );
		return (int) $row['id'];
	}

	private function mark( int $id, string $mark, array $as ): void {
		$r = self::adminRest( 'POST', "tfsp-calendly/v1/sessions/$id/mark", array( 'mark' => $mark ), true, $as );
		$this->assertSame( 200, $r['status'], (string) json_encode( $r['json'] ) );
	}

	private static function person( string $role, string $name ): array {
		$user         = self::loggedInUser( $role );
		$user['name'] = $name;
		self::exec( 'UPDATE ' . self::table( 'users' ) . ' SET display_name = ? WHERE ID = ?', array( $name, $user['id'] ) );
		return $user;
	}

	/** The story, built once for the class. */
	private function world(): void {
		if ( self::$built ) {
			return;
		}
		self::$built = true;
		foreach ( self::rows( 'SELECT option_name, option_value FROM ' . self::table( 'options' ) . " WHERE option_name IN ('timezone_string','gmt_offset')" ) as $row ) {
			self::$options[ $row['option_name'] ] = $row['option_value'];
		}
		self::exec( 'UPDATE ' . self::table( 'options' ) . " SET option_value = 'America/New_York' WHERE option_name = 'timezone_string'" );
		foreach ( array( 'tfsp_cohort_members', 'tfsp_cohorts', 'tfsp_terms' ) as $table ) {
			self::exec( 'DELETE FROM ' . self::table( $table ) );
		}
		self::exec( 'INSERT INTO ' . self::table( 'tfsp_terms' ) . " (name, first_day, last_day, required, created_at, updated_at) VALUES (?, ?, ?, 2, UTC_TIMESTAMP(), UTC_TIMESTAMP())", array( 'Fall <b>term</b>', self::day( -40 ), self::day( 10 ) ) );
		self::$term = (int) self::db()->insert_id;

		self::$u['a']  = self::person( 'tfsp_coach', 'Coach Ada ' . bin2hex( random_bytes( 3 ) ) );
		self::$u['b']  = self::person( 'tfsp_coach', 'Coach Bo ' . bin2hex( random_bytes( 3 ) ) );
		self::$u['s1'] = self::person( 'subscriber', 'Student One' );
		self::$u['s2'] = self::person( 'subscriber', '=HYPERLINK("http://evil.example","x")' );
		self::$u['s3'] = self::person( 'subscriber', 'Student Three' );
		self::$u['s4'] = self::person( 'subscriber', '<script>alert(4)</script>Four' );

		self::exec( 'INSERT INTO ' . self::table( 'tfsp_cohorts' ) . " (name, kind, role, term_id, required, created_at, updated_at) VALUES ('<img src=x onerror=alert(1)>Cohort', 'hand', NULL, NULL, NULL, UTC_TIMESTAMP(), UTC_TIMESTAMP())" );
		self::$cohort = (int) self::db()->insert_id;
		$joined       = self::local( -25, '00:00' )->format( 'Y-m-d H:i:s' );
		foreach ( array( 's1', 's2', 's3', 's4' ) as $key ) {
			self::exec( 'INSERT INTO ' . self::table( 'tfsp_cohort_members' ) . ' (cohort_id, user_id, joined_at) VALUES (?, ?, ?)', array( self::$cohort, self::$u[ $key ]['id'], $joined ) );
		}

		self::countDays(); // The zone changed: every day is counted again.
		self::$baseline = self::figures( self::page( array( 'term' => self::$term ) ) );

		$u = self::$u;
		// S1 with A: 21:30 in New York on day -20 is 02:30 UTC on day -19; attended.
		$p              = self::shape( ( new Fixtures() )->load( 'invitee_created' ), $u['s1'], $u['a'], self::local( -20, '21:30' ) );
		self::$s['one'] = $this->send( $p );
		$this->mark( self::$s['one'], 'attended', $u['a'] );
		// S1 with A: a reschedule from day -15 to day -14, both ends marked attended: the chain counts once.
		$fx             = new Fixtures();
		$old            = self::shape( $fx->load( 'reschedule_old_canceled' ), $u['s1'], $u['a'], self::local( -15, '10:00' ) );
		$new            = self::shape( $fx->load( 'reschedule_new_created' ), $u['s1'], $u['a'], self::local( -14, '10:00' ) );
		self::$s['old'] = $this->send( $old );
		self::$s['new'] = $this->send( $new );
		$this->mark( self::$s['new'], 'attended', $u['a'] );
		$this->mark( self::$s['old'], 'attended', $u['a'] );
		// S1 with A: another reschedule, from day -12 to day -11, never marked.
		$fx              = new Fixtures();
		self::$s['old2'] = $this->send( self::shape( $fx->load( 'reschedule_old_canceled' ), $u['s1'], $u['a'], self::local( -12, '10:00' ) ) );
		self::$s['new2'] = $this->send( self::shape( $fx->load( 'reschedule_new_created' ), $u['s1'], $u['a'], self::local( -11, '10:00' ) ) );
		// S2 with B: booked on day -10, then canceled.
		$fx                  = new Fixtures();
		self::$s['canceled'] = $this->send( self::shape( $fx->load( 'invitee_created' ), $u['s2'], $u['b'], self::local( -10, '10:00' ) ) );
		$this->send( self::shape( $fx->load( 'invitee_canceled' ), $u['s2'], $u['b'], self::local( -10, '10:00' ) ) );
		// S2 with A: entered by hand by the admin on day -5, attended.
		$start = self::local( -5, '10:00' );
		$r     = self::adminRest(
			'POST',
			'tfsp-calendly/v1/sessions',
			array(
				'student_id' => $u['s2']['id'],
				'coach_id'   => $u['a']['id'],
				'start'      => $start->format( 'Y-m-d\TH:i:s\Z' ),
				'end'        => $start->modify( '+1 hour' )->format( 'Y-m-d\TH:i:s\Z' ),
				'note'       => '=1+1 in the library',
			)
		);
		$this->assertSame( 201, $r['status'], (string) json_encode( $r['json'] ) );
		self::$s['hand'] = (int) $r['json']['id'];
		$this->mark( self::$s['hand'], 'attended', self::admin() );
		// S3 with B: a no-show on day -3, and a booking on day +3 (something scheduled in the term).
		self::$s['no_show'] = $this->send( self::shape( ( new Fixtures() )->load( 'invitee_created' ), $u['s3'], $u['b'], self::local( -3, '10:00' ) ) );
		$this->mark( self::$s['no_show'], 'no_show', $u['b'] );
		self::$s['ahead'] = $this->send( self::shape( ( new Fixtures() )->load( 'invitee_created' ), $u['s3'], $u['b'], self::local( 3, '10:00' ) ) );
		// S4: nothing.

		self::countDays();
	}

	/** @return array<string,array<string,mixed>> The story's rows by name. */
	private static function storyRows(): array {
		$out = array();
		foreach ( self::$s as $name => $id ) {
			$out[ $name ] = self::rows( 'SELECT * FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( $id ) )[0];
		}
		return $out;
	}

	/** The figures this test counts from the story's rows (the same definitions the page states). */
	private static function expected( callable $keep ): array {
		$out = array_fill_keys( array( 'booked', 'attended', 'no_show', 'canceled', 'rescheduled', 'scheduled', 'hand' ), 0 );
		foreach ( self::storyRows() as $name => $row ) {
			if ( ! $keep( $name, $row ) ) {
				continue;
			}
			$out['booked']      += 'rescheduled' !== $row['status'] ? 1 : 0;
			$out['attended']    += (int) $row['counts_toward_progress'];
			$out['no_show']     += 'no_show' === $row['status'] ? 1 : 0;
			$out['canceled']    += 'canceled' === $row['status'] ? 1 : 0;
			$out['rescheduled'] += 'rescheduled' === $row['status'] ? 1 : 0;
			$out['scheduled']   += 'scheduled' === $row['status'] ? 1 : 0;
			$out['hand']        += 'hand' === $row['source'] ? 1 : 0;
		}
		return $out;
	}

	private static function coachOf( string $name ): string {
		return in_array( $name, array( 'one', 'old', 'new', 'old2', 'new2', 'hand' ), true ) ? 'a' : 'b';
	}

	/** @return array{status:int,body:string} */
	private static function page( array $args, ?array $as = null ): array {
		return self::adminPage( 'admin.php?page=tfsp-calendly-reports&' . http_build_query( $args ), $as );
	}

	/** @return array<string,string> Figure => the page's text. */
	private static function figures( array $page ): array {
		self::assertSame( 200, $page['status'], substr( $page['body'], 0, 500 ) );
		preg_match_all( '#<tr data-figure="(\w+)"><th scope="row">[^<]*</th><td class="tfsp-figure"[^>]*>([^<]*)</td>#', $page['body'], $m, PREG_SET_ORDER );
		$out = array();
		foreach ( $m as $hit ) {
			$out[ $hit[1] ] = html_entity_decode( $hit[2], ENT_QUOTES );
		}
		return $out;
	}

	/** @return array<string,int> The session figures as numbers. */
	private static function sessionFigures( array $figures ): array {
		$out = array();
		foreach ( array( 'booked', 'attended', 'no_show', 'canceled', 'rescheduled', 'scheduled', 'hand' ) as $key ) {
			self::assertArrayHasKey( $key, $figures );
			$out[ $key ] = (int) str_replace( ',', '', $figures[ $key ] );
		}
		return $out;
	}

	/** @return array<int,array<string,string>> The CSV the page links to, rows keyed by header. */
	private static function csv( array $page, ?array $as = null ): array {
		self::assertSame( 1, preg_match( '#class="page-title-action tfsp-calendly-report-csv" href="([^"]+)"#', $page['body'], $m ) );
		$url = html_entity_decode( $m[1], ENT_QUOTES );
		$r   = self::adminPage( substr( $url, strpos( $url, 'admin-post.php' ) ), $as );
		self::assertSame( 200, $r['status'], $r['body'] );
		$lines  = array_map( 'str_getcsv', preg_split( "/\r?\n/", rtrim( $r['body'], "\n" ) ) );
		$header = array_shift( $lines );
		return array_map( static fn( array $line ): array => array_combine( $header, $line ), $lines );
	}

	public function test_the_figures_equal_the_rows_the_test_made(): void {
		$this->world();
		$rows = self::storyRows();
		$this->assertSame( 'rescheduled', $rows['old2']['status'] );
		$this->assertSame( 'scheduled', $rows['new2']['status'] );
		$this->assertSame( array( 'attended', 'attended' ), array( $rows['old']['coach_mark'], $rows['new']['coach_mark'] ), 'both ends of the chain were marked attended' );
		$this->assertSame( 1, (int) $rows['old']['counts_toward_progress'] + (int) $rows['new']['counts_toward_progress'], 'the attended chain counts once' );
		$this->assertSame( '0', $rows['canceled']['counts_toward_progress'] );
		$this->assertSame( 'canceled', $rows['canceled']['status'] );

		// Every coach, every student: the page's figures grew by the story's.
		$all   = self::sessionFigures( self::figures( self::page( array( 'term' => self::$term ) ) ) );
		$delta = array();
		foreach ( $all as $key => $n ) {
			$delta[ $key ] = $n - (int) str_replace( ',', '', self::$baseline[ $key ] );
		}
		$want = self::expected( static fn(): bool => true );
		$this->assertSame( array( 'booked' => 8, 'attended' => 3, 'no_show' => 1, 'canceled' => 1, 'rescheduled' => 1, 'scheduled' => 2, 'hand' => 1 ), $want, 'the story as this test counts it' );
		$this->assertSame( $want, $delta );

		// One coach, from the per-day summary.
		foreach ( array( 'a', 'b' ) as $coach ) {
			$page = self::page(
				array(
					'term'  => self::$term,
					'coach' => self::$u[ $coach ]['id'],
				)
			);
			$this->assertSame( self::expected( static fn( string $name ): bool => self::coachOf( $name ) === $coach ), self::sessionFigures( self::figures( $page ) ), 'coach ' . $coach );
			$this->assertMatchesRegularExpression( '#class="description tfsp-calendly-as-of">As of \d#', $page['body'], 'the page says "as of"' );
		}

		// The cohort, counted live; and the cohort with one coach.
		$this->assertSame( $want, self::sessionFigures( self::figures( self::page( array( 'cohort' => self::$cohort, 'term' => self::$term ) ) ) ) );
		$this->assertSame( self::expected( static fn( string $name ): bool => 'b' === self::coachOf( $name ) ), self::sessionFigures( self::figures( self::page( array( 'cohort' => self::$cohort, 'coach' => self::$u['b']['id'], 'term' => self::$term ) ) ) ) );

		// A date range: only day -20 .. day -14 (the first session, the chain).
		$this->assertSame(
			self::expected( static fn( string $name ): bool => in_array( $name, array( 'one', 'old', 'new' ), true ) ),
			self::sessionFigures( self::figures( self::page( array( 'from' => self::day( -20 ), 'to' => self::day( -14 ), 'coach' => self::$u['a']['id'] ) ) ) )
		);

		// The days are the site's: the first session is counted on day -20 (New York), not -19 (UTC).
		$day = self::rows( 'SELECT booked FROM ' . self::table( 'tfsp_report_days' ) . ' WHERE day = ? AND coach_id = ?', array( self::day( -20 ), self::$u['a']['id'] ) );
		$this->assertSame( '1', $day[0]['booked'] ?? null );
		$this->assertSame( array(), self::rows( 'SELECT booked FROM ' . self::table( 'tfsp_report_days' ) . ' WHERE day = ? AND coach_id = ?', array( self::day( -19 ), self::$u['a']['id'] ) ) );
	}

	public function test_students_met_at_risk_and_time_to_first_session(): void {
		$this->world();
		$f = self::figures( self::page( array( 'cohort' => self::$cohort, 'term' => self::$term ) ) );
		$this->assertSame( '4', $f['students'] );
		$this->assertSame( '1', $f['met'], 'S1 attended 2 of 2 (the chain once)' );
		$this->assertSame( '2', $f['at_risk'], 'S2 (1 of 2, nothing scheduled) and S4 (nothing); S3 has a booking ahead' );
		$this->assertSame( '4', $f['joined'] );
		$this->assertSame( '3', $f['started'], 'S4 has no session; S2\'s canceled one is no first session' );
		$joined = self::local( -25, '00:00' )->getTimestamp();
		$waits  = array(
			( self::local( -20, '21:30' )->getTimestamp() - $joined ) / 86400,
			( self::local( -5, '10:00' )->getTimestamp() - $joined ) / 86400,
			( self::local( -3, '10:00' )->getTimestamp() - $joined ) / 86400,
		);
		$this->assertSame( number_format( $waits[1], 1 ), $f['median'] );
		$this->assertSame( number_format( array_sum( $waits ) / 3, 1 ), $f['mean'] );

		$page = self::page( array( 'cohort' => self::$cohort, 'term' => self::$term ) );
		$this->assertStringContainsString( '&lt;script&gt;alert(4)&lt;/script&gt;Four', $page['body'], 'a hostile name is text' );
		$this->assertStringNotContainsString( '<script>alert(4)', $page['body'] );
		$this->assertStringNotContainsString( '<img src=x', $page['body'] );
		$this->assertStringNotContainsString( '<b>term</b>', $page['body'] );
		preg_match( '#<ul class="tfsp-calendly-at-risk">(.*?)</ul>#s', $page['body'], $list );
		$this->assertStringContainsString( '<script>alert(4)</script>Four: 0 of 2', html_entity_decode( $list[1] ?? '', ENT_QUOTES ) );
		$this->assertStringContainsString( '=HYPERLINK("http://evil.example","x"): 1 of 2', html_entity_decode( $list[1] ?? '', ENT_QUOTES ) );

		// Per coach: A's students are S1 and S2, B's S2 and S3.
		$a = self::figures( self::page( array( 'coach' => self::$u['a']['id'], 'term' => self::$term, 'cohort' => self::$cohort ) ) );
		$this->assertSame( array( '2', '1', '1' ), array( $a['students'], $a['met'], $a['at_risk'] ) );
		$b = self::figures( self::page( array( 'coach' => self::$u['b']['id'], 'term' => self::$term, 'cohort' => self::$cohort ) ) );
		$this->assertSame( array( '2', '0', '1' ), array( $b['students'], $b['met'], $b['at_risk'] ) );

		// Ten days are left in the term: with a window of 5 nobody is counted at risk yet.
		self::putSetting( 'at_risk_days', '5' );
		$narrow = self::page( array( 'cohort' => self::$cohort, 'term' => self::$term ) );
		self::deleteSetting( 'at_risk_days' );
		$this->assertStringContainsString( 'not counted yet: 10 days left in the term, more than the at-risk window of 5', self::figures( $narrow )['at_risk'] );
	}

	public function test_the_csv_is_the_pages_rows_and_neutralises_formulas(): void {
		$this->world();
		foreach ( array( array( 'term' => self::$term ), array( 'term' => self::$term, 'coach' => self::$u['a']['id'] ), array( 'term' => self::$term, 'cohort' => self::$cohort ) ) as $args ) {
			$page    = self::page( $args );
			$figures = self::sessionFigures( self::figures( $page ) );
			$rows    = self::csv( $page );
			$count   = static fn( string $column, string $value ): int => count( array_filter( $rows, static fn( array $r ): bool => $r[ $column ] === $value ) );
			$this->assertSame( $figures['booked'], $count( 'Booked', 'yes' ), json_encode( $args ) );
			$this->assertSame( $figures['attended'], $count( 'Counts toward progress', 'yes' ) );
			$this->assertSame( $figures['no_show'], $count( 'Status', 'No-show' ) );
			$this->assertSame( $figures['canceled'], $count( 'Status', 'Canceled' ) );
			$this->assertSame( $figures['rescheduled'], $count( 'Status', 'Rescheduled' ) );
			$this->assertSame( $figures['scheduled'], $count( 'Status', 'Scheduled' ) );
			$this->assertSame( $figures['hand'], $count( 'Entered by hand', 'yes' ) );
			$this->assertSame( $figures['booked'] + $figures['rescheduled'], count( $rows ), 'every row of the page, no other' );
		}
		$rows = self::csv( self::page( array( 'term' => self::$term, 'cohort' => self::$cohort ) ) );
		$by   = array_column( $rows, null, 'Session ID' );
		$admin_name = self::rows( 'SELECT display_name FROM ' . self::table( 'users' ) . ' WHERE user_login = ?', array( self::env( 'WP_ADMIN_USER' ) ) )[0]['display_name'];
		$this->assertSame( 'entered by hand by ' . $admin_name, $by[ (string) self::$s['hand'] ]['Source'] );
		$this->assertSame( '\'=HYPERLINK("http://evil.example","x")', $by[ (string) self::$s['hand'] ]['Student'], 'a formula is neutralised' );
		$this->assertSame( self::$u['a']['name'], $by[ (string) self::$s['hand'] ]['Coaches'] );
		$this->assertSame( 'Calendly', $by[ (string) self::$s['one'] ]['Source'] );
		$this->assertSame( self::day( -20 ) . ' 21:30', $by[ (string) self::$s['one'] ]['Start (site time)'], 'times in the site\'s zone' );
	}

	public function test_the_chart_carries_the_figures(): void {
		$this->world();
		foreach ( array( 'week', 'month' ) as $per ) {
			$page = self::page( array( 'term' => self::$term, 'cohort' => self::$cohort, 'per' => $per ) );
			$this->assertStringContainsString( '<svg class="tfsp-calendly-chart" role="img"', $page['body'] );
			$this->assertMatchesRegularExpression( '#<title id="tfsp-chart-title">Coaching sessions per ' . $per . ' by status</title>#', $page['body'] );
			$this->assertStringContainsString( '<desc id="tfsp-chart-desc">', $page['body'] );
			preg_match( '#<details class="tfsp-calendly-chart-data">.*?<tbody>(.*?)</tbody>#s', $page['body'], $table );
			preg_match_all( '#<tr><th scope="row">[^<]*</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>#', $table[1], $cells, PREG_SET_ORDER );
			$sums = array_fill( 0, 5, 0 );
			foreach ( $cells as $cell ) {
				for ( $i = 0; $i < 5; $i++ ) {
					$sums[ $i ] += (int) $cell[ $i + 1 ];
				}
			}
			$f = self::sessionFigures( self::figures( $page ) );
			// Columns: attended, no-show, scheduled, rescheduled, canceled.
			$this->assertSame( array( $f['attended'], $f['no_show'], $f['scheduled'], $f['rescheduled'], $f['canceled'] ), $sums, $per );
		}
	}

	/** The quarter hour of a UTC instant, as the dirty-days table holds it. */
	private static function slot( DateTimeImmutable $at ): string {
		return (string) intdiv( $at->getTimestamp(), 900 );
	}

	private static function dirty( DateTimeImmutable $at ): bool {
		return (bool) self::rows( 'SELECT slot FROM ' . self::table( 'tfsp_report_dirty' ) . ' WHERE slot = ?', array( self::slot( $at ) ) );
	}

	public function test_the_writer_marks_the_old_and_the_new_day_and_the_job_recounts_them(): void {
		$this->world();
		$held = self::holdDays(); // No run of the job meanwhile (the stack's ticker too).
		try {
			$this->assertStringStartsWith( 'held ', $held[2] );
			$from = self::local( -6, '15:00' );
			$to   = self::local( -2, '15:00' );
			$r    = self::adminRest(
				'POST',
				'tfsp-calendly/v1/sessions',
				array(
					'student_id' => self::$u['s4']['id'],
					'coach_id'   => self::$u['b']['id'],
					'start'      => $from->format( 'Y-m-d\TH:i:s\Z' ),
					'end'        => $from->modify( '+1 hour' )->format( 'Y-m-d\TH:i:s\Z' ),
				)
			);
			$this->assertSame( 201, $r['status'], (string) json_encode( $r['json'] ) );
			$id = (int) $r['json']['id'];
			$this->assertTrue( self::dirty( $from ), 'the new session marked its day in its transaction' );
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_report_dirty' ) );
			$this->assertSame( 200, self::adminRest( 'PATCH', "tfsp-calendly/v1/sessions/$id", array( 'start' => $to->format( 'Y-m-d\TH:i:s\Z' ), 'end' => $to->modify( '+1 hour' )->format( 'Y-m-d\TH:i:s\Z' ) ) )['status'] );
			$this->assertTrue( self::dirty( $from ), 'the edit marked the old day' );
			$this->assertTrue( self::dirty( $to ), 'and the new one' );
			self::cron( 'tfsp_calendly_report_days' );
			$this->assertTrue( self::dirty( $to ), 'a run while another holds the lock does nothing' );
		} finally {
			self::releaseLock( $held );
		}
		$before = self::sessionFigures( self::figures( self::page( array( 'from' => self::day( -2 ), 'to' => self::day( -2 ), 'coach' => self::$u['b']['id'] ) ) ) );
		self::countDays();
		$this->assertFalse( self::dirty( $to ), 'the job cleared what it counted' );
		$old_day = self::sessionFigures( self::figures( self::page( array( 'from' => self::day( -6 ), 'to' => self::day( -6 ), 'coach' => self::$u['b']['id'] ) ) ) );
		$new_day = self::sessionFigures( self::figures( self::page( array( 'from' => self::day( -2 ), 'to' => self::day( -2 ), 'coach' => self::$u['b']['id'] ) ) ) );
		$this->assertSame( 0, $before['hand'], 'the page reads the summary: before the run the day has no session yet' );
		$this->assertSame( 0, $old_day['hand'] );
		$this->assertSame( 1, $new_day['hand'] );
		$this->assertSame( 1, $new_day['scheduled'] );
		$this->assertSame( 200, self::adminRest( 'DELETE', "tfsp-calendly/v1/sessions/$id" )['status'] );
		self::countDays();
		$this->assertSame( 0, self::sessionFigures( self::figures( self::page( array( 'from' => self::day( -2 ), 'to' => self::day( -2 ), 'coach' => self::$u['b']['id'] ) ) ) )['hand'], 'a removal leaves the day' );
	}

	/** What migration step 15 leaves for the job (an upgraded site with sessions and no summary yet). */
	public function test_after_the_migration_the_job_counts_every_day(): void {
		$this->world();
		$args = array( 'term' => self::$term );
		$want = self::sessionFigures( self::figures( self::page( $args ) ) );
		$held = self::holdDays(); // No run of the stack's ticker meanwhile.
		try {
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_report_days' ) );
			self::putSetting( '_report_rebuild', '1' );
			$this->assertSame( 0, self::sessionFigures( self::figures( self::page( $args ) ) )['booked'], 'no summary yet' );
		} finally {
			self::releaseLock( $held );
		}
		self::countDays();
		$this->assertSame( $want, self::sessionFigures( self::figures( self::page( $args ) ) ) );
		$this->assertSame( array(), self::rows( 'SELECT setting_key FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_report_rebuild'" ) );
		$this->assertSame( array(), self::rows( 'SELECT slot FROM ' . self::table( 'tfsp_report_dirty' ) ), 'every marked day was counted' );
	}

	public function test_hostile_filter_input_gets_notices_and_no_fatal(): void {
		$this->world();
		$page = self::page(
			array(
				'from'   => '2026-13-45',
				'to'     => '2026-02-30"><script>alert(1)</script>',
				'term'   => '1 OR 1=1',
				'cohort' => '99999999',
				'coach'  => '-1',
				'per'    => 'year',
			)
		);
		$this->assertSame( 200, $page['status'] );
		$this->assertStringNotContainsString( '<script>alert(1)', $page['body'] );
		preg_match_all( '#<div class="notice notice-error tfsp-calendly-report-error"><p>([^<]*)</p>#', $page['body'], $m );
		$notices = implode( "\n", array_map( static fn( string $t ): string => html_entity_decode( $t, ENT_QUOTES ), $m[1] ) );
		foreach ( array( 'From: give a date as YYYY-MM-DD', 'To: give a date as YYYY-MM-DD', 'Term: no such term', 'Cohort: no such cohort', 'Coach: no such user', 'Chart: choose per week or per month' ) as $want ) {
			$this->assertStringContainsString( $want, $notices );
		}
		$this->assertArrayHasKey( 'booked', self::figures( $page ), 'the report still shows, for the defaults' );
		$backwards = self::page( array( 'from' => self::day( 0 ), 'to' => self::day( -5 ) ) );
		$this->assertStringContainsString( 'the first day is after the last', $backwards['body'] );
	}

	public function test_only_admins_and_lead_coaches_see_reports(): void {
		$this->world();
		$lead = self::loggedInUser( 'tfsp_lead_coach' );
		$page = self::page( array( 'term' => self::$term ), $lead );
		$this->assertSame( 200, $page['status'] );
		$this->assertStringContainsString( '>' . self::$u['a']['name'] . '</option>', $page['body'], 'a lead coach chooses any coach' );
		$this->assertStringContainsString( '>' . self::$u['b']['name'] . '</option>', $page['body'] );
		$this->assertSame( self::sessionFigures( self::figures( self::page( array( 'term' => self::$term ) ) ) ), self::sessionFigures( self::figures( $page ) ), 'the lead coach sees every coach\'s figures' );
		$csv = self::csv( $page, $lead );
		$this->assertNotEmpty( $csv );

		$admin_page = self::page( array( 'term' => self::$term ) );
		preg_match( '#class="page-title-action tfsp-calendly-report-csv" href="([^"]+)"#', $admin_page['body'], $m );
		$url = html_entity_decode( $m[1], ENT_QUOTES );
		foreach ( array( self::$u['a'], self::$u['s1'] ) as $who ) {
			$this->assertSame( 403, self::page( array(), $who )['status'] );
			$this->assertSame( 403, self::adminPage( substr( $url, strpos( $url, 'admin-post.php' ) ), $who )['status'], 'the CSV' );
		}
		$no_nonce = preg_replace( '#&_wpnonce=[0-9a-f]+#', '', substr( $url, strpos( $url, 'admin-post.php' ) ) );
		$this->assertSame( 403, self::adminPage( $no_nonce )['status'], 'the CSV without its nonce' );
	}

	/**
	 * The report-days job's lock, held by the test (the stack's WP-Cron ticker may be running the
	 * job: then the test waits for that run's end).
	 */
	private static function holdDays(): array {
		$until = time() + 90;
		do {
			$held = self::holdLock( self::env( 'DB_NAME' ), 'report_days' );
			if ( str_starts_with( $held[2], 'held ' ) || time() > $until ) {
				return $held;
			}
			self::releaseLock( $held );
			usleep( 200000 );
		} while ( true );
	}

	/**
	 * Runs the report-days job until nothing is left for it: no day marked, no rebuild asked, and
	 * no run of it going on (the stack's ticker may have taken the lock first, and the test's own
	 * run then did nothing).
	 */
	private static function countDays(): void {
		$until = time() + 120;
		do {
			self::cron( 'tfsp_calendly_report_days' );
			$held = self::holdDays();
			$idle = str_starts_with( $held[2], 'held ' );
			self::releaseLock( $held );
			$left = self::rows( 'SELECT slot FROM ' . self::table( 'tfsp_report_dirty' ) . ' LIMIT 1' ) || self::rows( 'SELECT setting_key FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_report_rebuild'" );
			if ( $idle && ! $left ) {
				return;
			}
		} while ( time() < $until );
		self::fail( 'the report-days job left days to count after 120 s' );
	}

	/** A sharded counter of the Sessions list, summed. */
	private static function counter( string $key ): int {
		return (int) self::rows( 'SELECT COALESCE(SUM(n), 0) AS n FROM ' . self::table( 'tfsp_calendly_session_counts' ) . ' WHERE counter_key = ?', array( $key ) )[0]['n'];
	}

	public function test_a_coachs_students_include_those_of_sessions_they_co_host_as_a_later_host(): void {
		$this->world();
		$a     = self::$u['a'];
		$cy    = self::person( 'tfsp_coach', 'Coach Cy ' . bin2hex( random_bytes( 3 ) ) );
		$five  = self::person( 'subscriber', 'Student Five' );
		$for   = static fn( array $coach ): array => array(
			'coach' => $coach['id'],
			'term'  => self::$term,
		);
		$ada   = (int) self::figures( self::page( $for( $a ) ) )['students'];
		$this->assertSame( '0', self::figures( self::page( $for( $cy ) ) )['students'], 'a new coach has no students' );

		// Student Five books an event that Ada hosts first and Cy second.
		$p = self::shape( ( new Fixtures() )->load( 'invitee_created' ), $five, $a, self::local( 2, '10:00' ) );
		$p['payload']['scheduled_event']['event_memberships'][1] = array(
			'user'       => 'https://api.calendly.com/users/' . Fixtures::uuid(),
			'user_email' => $cy['email'],
			'user_name'  => $cy['name'],
		);
		$id = $this->send( $p );
		$this->assertSame( array( min( $a['id'], $cy['id'] ), max( $a['id'], $cy['id'] ) ), array_map( 'intval', array_column( self::rows( 'SELECT coach_id FROM ' . self::table( 'tfsp_session_coaches' ) . ' WHERE session_id = ? ORDER BY coach_id', array( $id ) ), 'coach_id' ) ) );

		// Which way each coach's students are found: Ada is the first host of every session she
		// hosts (her counters agree), Cy hosts one as a later host (his do not).
		$this->assertSame( self::counter( 'coach:' . $a['id'] ), self::counter( 'host:' . $a['id'] ) );
		$this->assertSame( array( 0, 1 ), array( self::counter( 'coach:' . $cy['id'] ), self::counter( 'host:' . $cy['id'] ) ) );
		$this->assertSame( (string) ( $ada + 1 ), self::figures( self::page( $for( $a ) ) )['students'], 'the first host\'s students (index coach_id)' );
		$this->assertSame( '1', self::figures( self::page( $for( $cy ) ) )['students'], 'the later host\'s students (through the coaches table)' );
	}
}
