<?php
// SPDX-License-Identifier: MIT
/**
 * The sessions REST API's reads (issue 13): GET /tfsp-calendly/v1/sessions, /sessions/{id} and
 * /students/{id}/progress over HTTP, as a visitor, a subscriber, a student (own and another's),
 * a coach (own and another's), a lead coach and an admin, with cookies and the REST nonce and
 * with application passwords; _fields, context and _links; keyset paging walked through the
 * Link header's rel="next" against X-WP-Total and the rows made; and bad parameters, each a 400
 * that names the parameter.
 *
 * The session rows are written as the portal's own code would (SQL), their coaches in the
 * coaches table, and the core's stored answers (counts_toward_progress) by the progress job.
 */
final class SessionsReadApiTest extends CalendlyTestCase {

	/** @var array<string,array> Users of the class: id, email, cookie, nonce. */
	private static array $u = array();

	/** @var array<string,int> The sessions of the rules test, by name. */
	private static array $s = array();

	/** @var int[] Every session row made here. */
	private static array $made = array();

	private static string $tag = '';

	public static function setUpBeforeClass(): void {
		parent::setUpBeforeClass();
		self::$tag = 'ReadApi' . bin2hex( random_bytes( 4 ) );
		foreach ( array( 'subscriber' => 'subscriber', 'a' => 'subscriber', 'b' => 'subscriber', 'c1' => 'tfsp_coach', 'c2' => 'tfsp_coach', 'lead' => 'tfsp_lead_coach' ) as $name => $role ) {
			self::$u[ $name ] = self::loggedInUser( $role );
		}
		$a  = self::$u['a']['id'];
		$b  = self::$u['b']['id'];
		$c1 = self::$u['c1']['id'];
		$c2 = self::$u['c2']['id'];
		// a: one upcoming with c1, one attended with c2; b: one canceled with c2, one co-hosted no-show.
		self::$s['a_upcoming'] = self::seed( $a, 'scheduled', 48, array( $c1 ) );
		self::$s['a_attended'] = self::seed( $a, 'attended', -72, array( $c2 ) );
		self::$s['b_canceled'] = self::seed( $b, 'canceled', 24, array( $c2 ) );
		self::$s['b_no_show']  = self::seed( $b, 'no_show', -24, array( $c2, self::$u['lead']['id'] ) );
		self::settle();
	}

	public static function tearDownAfterClass(): void {
		if ( self::$made ) {
			$in = implode( ',', array_map( 'intval', self::$made ) );
			// Their hosts' counters (the writer's, for the progress job's adoption; the test's, for co-hosts) go with them.
			self::exec( 'INSERT INTO ' . self::table( 'tfsp_calendly_session_counts' ) . " (counter_key, shard, n) SELECT CONCAT('host:', coach_id), 0, -COUNT(*) FROM " . self::table( 'tfsp_session_coaches' ) . " WHERE session_id IN ($in) GROUP BY coach_id ON DUPLICATE KEY UPDATE n = n + VALUES(n)" );
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_session_coaches' ) . " WHERE session_id IN ($in)" );
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_coach_sessions' ) . " WHERE id IN ($in)" );
		}
		parent::tearDownAfterClass();
	}

	/**
	 * A session row as the portal's code would write it; start relative to now in hours (null:
	 * no start known yet), with its coaches.
	 */
	private static function seed( int $student, string $status, ?float $starts_in_hours, array $coaches = array(), ?int $start_at = null ): int {
		$start = null === $starts_in_hours ? null : ( $start_at ?? (int) ( time() + $starts_in_hours * 3600 ) );
		self::exec(
			'INSERT INTO ' . self::table( 'tfsp_coach_sessions' ) . ' (student_id, status, start_at, end_at, calendly_uri, auto_created, booked, invitee_email, invitee_name, event_name, reschedule_url, cancel_url, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())',
			array(
				$student,
				$status,
				gmdate( 'Y-m-d H:i:s', $start ?? time() ),
				gmdate( 'Y-m-d H:i:s', ( $start ?? time() ) + 1800 ),
				'https://api.calendly.com/scheduled_events/' . Fixtures::uuid() . '/invitees/' . Fixtures::uuid(),
				'invitee-' . bin2hex( random_bytes( 4 ) ) . '@example.org',
				'Invitee <b>' . bin2hex( random_bytes( 2 ) ) . '</b>',
				self::$tag . ' ' . $status,
				'https://calendly.com/reschedulings/' . Fixtures::uuid(),
				'https://calendly.com/cancellations/' . Fixtures::uuid(),
			)
		);
		$id           = (int) self::db()->insert_id;
		self::$made[] = $id;
		if ( null === $start ) {
			self::exec( 'UPDATE ' . self::table( 'tfsp_coach_sessions' ) . ' SET start_at = NULL, end_at = NULL WHERE id = ?', array( $id ) );
		}
		if ( $coaches ) {
			// The portal's code names one coach (coach_id: the progress job makes them a host);
			// only a Calendly event has co-hosts, so the test plays the writer's part for those:
			// the coaches table's row and the host's counter.
			self::exec( 'UPDATE ' . self::table( 'tfsp_coach_sessions' ) . ' SET coach_id = ? WHERE id = ?', array( min( $coaches ), $id ) );
			foreach ( array_diff( $coaches, array( min( $coaches ) ) ) as $coach ) {
				self::exec( 'INSERT INTO ' . self::table( 'tfsp_session_coaches' ) . ' (session_id, coach_id) VALUES (?, ?)', array( $id, $coach ) );
				self::exec( 'INSERT INTO ' . self::table( 'tfsp_calendly_session_counts' ) . ' (counter_key, shard, n) VALUES (?, 0, 1) ON DUPLICATE KEY UPDATE n = n + 1', array( 'host:' . $coach ) );
			}
		}
		return $id;
	}

	/** The core's stored answers for rows written as the portal would: the progress job, now. */
	private static function settle(): void {
		[ $code, $out, $err ] = self::php( 'run-cron.php', array( 'tfsp_calendly_progress' ) );
		self::assertSame( 0, $code, $out . $err );
	}

	/**
	 * A GET of the REST API: as a logged-in user (cookie and nonce), with an application password
	 * ("login:password"), or as a visitor (neither).
	 *
	 * @return array{status:int,json:mixed,headers:array<string,string[]>}
	 */
	private static function get( string $path, ?array $as = null, ?string $basic = null, bool $with_nonce = true ): array {
		$url  = str_starts_with( $path, 'http' ) ? $path : self::env( 'WP_URL' ) . '/wp-json/' . ltrim( $path, '/' );
		$ch   = curl_init( $url );
		$head = array();
		if ( null !== $as ) {
			$head[] = 'Cookie: ' . $as['cookie'];
			if ( $with_nonce ) {
				$head[] = 'X-WP-Nonce: ' . $as['nonce'];
			}
		}
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_HEADER         => true,
				CURLOPT_TIMEOUT        => 60,
				CURLOPT_HTTPHEADER     => $head,
			)
		);
		if ( null !== $basic ) {
			curl_setopt( $ch, CURLOPT_USERPWD, $basic );
		}
		$raw     = (string) curl_exec( $ch );
		$size    = (int) curl_getinfo( $ch, CURLINFO_HEADER_SIZE );
		$status  = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
		$headers = array();
		foreach ( explode( "\r\n", substr( $raw, 0, $size ) ) as $line ) {
			if ( str_contains( $line, ':' ) ) {
				[ $name, $value ]                         = explode( ':', $line, 2 );
				$headers[ strtolower( trim( $name ) ) ][] = trim( $value );
			}
		}
		curl_close( $ch );
		return array(
			'status'  => $status,
			'json'    => json_decode( substr( $raw, $size ), true ),
			'headers' => $headers,
		);
	}

	/** The URL of the Link header's rel="next", or null. */
	private static function next( array $answer ): ?string {
		foreach ( $answer['headers']['link'] ?? array() as $value ) {
			foreach ( explode( ',', $value ) as $link ) {
				if ( preg_match( '/<([^>]+)>\s*;\s*rel="next"/', $link, $m ) ) {
					return html_entity_decode( $m[1] );
				}
			}
		}
		return null;
	}

	/** @return int[] The ids of a list answer, in order. */
	private static function ids( array $answer ): array {
		return array_map( static fn( array $item ): int => (int) $item['id'], (array) $answer['json'] );
	}

	private static function sorted( array $ids ): array {
		sort( $ids );
		return $ids;
	}

	/** The sessions of this class that a list answer holds (the list may hold others' too). */
	private static function ours( array $answer ): array {
		return self::sorted( array_values( array_intersect( self::ids( $answer ), self::$made ) ) );
	}

	private function assertStatus( int $expected, array $answer, string $what ): void {
		$this->assertSame( $expected, $answer['status'], $what . ': ' . json_encode( $answer['json'] ) );
	}

	/** A 400 that names the parameter, nothing else. */
	private function assertBadParam( string $param, array $answer, string $what ): void {
		$this->assertStatus( 400, $answer, $what );
		$this->assertSame( 'rest_invalid_param', $answer['json']['code'] ?? null, $what );
		$this->assertArrayHasKey( $param, $answer['json']['data']['params'] ?? array(), $what . ': the parameter is named' );
		$this->assertStringContainsString( $param, (string) $answer['json']['message'], $what );
	}

	public function test_who_reads_which_sessions_and_progress(): void {
		$s     = self::$s;
		$u     = self::$u;
		$admin = self::admin();

		// ---- a visitor: 401 everywhere
		$this->assertStatus( 401, self::get( 'tfsp-calendly/v1/sessions' ), 'visitor list' );
		$this->assertStatus( 401, self::get( 'tfsp-calendly/v1/sessions/' . $s['a_upcoming'] ), 'visitor item' );
		$this->assertStatus( 401, self::get( 'tfsp-calendly/v1/students/' . $u['a']['id'] . '/progress' ), 'visitor progress' );
		// A cookie without the REST nonce is a visitor (WordPress's CSRF rule).
		$this->assertStatus( 401, self::get( 'tfsp-calendly/v1/sessions', $u['a'], null, false ), 'cookie without nonce' );

		// ---- a subscriber with no sessions: an empty list, nobody else's
		$list = self::get( 'tfsp-calendly/v1/sessions', $u['subscriber'] );
		$this->assertStatus( 200, $list, 'subscriber list' );
		$this->assertSame( array(), $list['json'] );
		$this->assertSame( array( '0' ), $list['headers']['x-wp-total'] );
		$this->assertStatus( 403, self::get( 'tfsp-calendly/v1/sessions?student=' . $u['a']['id'], $u['subscriber'] ), 'subscriber filtering by another student' );
		$this->assertStatus( 403, self::get( 'tfsp-calendly/v1/sessions/' . $s['a_upcoming'], $u['subscriber'] ), 'subscriber item' );
		$this->assertStatus( 403, self::get( 'tfsp-calendly/v1/students/' . $u['a']['id'] . '/progress', $u['subscriber'] ), 'subscriber progress of a student' );
		$own = self::get( 'tfsp-calendly/v1/students/' . $u['subscriber']['id'] . '/progress', $u['subscriber'] );
		$this->assertStatus( 200, $own, 'subscriber own progress' );
		$this->assertSame( 0, $own['json']['attended'] );

		// ---- student a: their own sessions and progress, not b's
		$list = self::get( 'tfsp-calendly/v1/sessions', $u['a'] );
		$this->assertStatus( 200, $list, 'student list' );
		$this->assertSame( self::sorted( array( $s['a_upcoming'], $s['a_attended'] ) ), self::sorted( self::ids( $list ) ) );
		$this->assertSame( array( '2' ), $list['headers']['x-wp-total'] );
		$this->assertSame( self::ids( $list ), self::ids( self::get( 'tfsp-calendly/v1/sessions?student=' . $u['a']['id'], $u['a'] ) ), 'filtering by oneself' );
		$this->assertStatus( 403, self::get( 'tfsp-calendly/v1/sessions?student=' . $u['b']['id'], $u['a'] ), 'student filtering by another' );
		$item = self::get( 'tfsp-calendly/v1/sessions/' . $s['a_upcoming'], $u['a'] );
		$this->assertStatus( 200, $item, 'student own item' );
		$this->assertSame( 'scheduled', $item['json']['status'] );
		$this->assertSame( $u['a']['id'], $item['json']['student_id'] );
		$this->assertSame( array( $u['c1']['id'] ), $item['json']['coach_ids'] );
		$this->assertStringStartsWith( 'https://calendly.com/reschedulings/', $item['json']['reschedule_url'], 'the student gets their reschedule link' );
		$this->assertArrayNotHasKey( 'invitee_email', $item['json'], 'no personal field in view' );
		$this->assertArrayNotHasKey( 'invitee_name', $item['json'] );
		$this->assertStatus( 403, self::get( 'tfsp-calendly/v1/sessions/' . $s['b_canceled'], $u['a'] ), 'student another\'s item' );
		$edit = self::get( 'tfsp-calendly/v1/sessions/' . $s['a_upcoming'] . '?context=edit', $u['a'] );
		$this->assertStatus( 403, $edit, 'student edit context on own item' );
		$this->assertSame( 'rest_forbidden_context', $edit['json']['code'] );
		$this->assertSame( 'rest_forbidden_context', self::get( 'tfsp-calendly/v1/sessions?context=edit', $u['a'] )['json']['code'] ?? null, 'student edit context on the list' );
		$progress = self::get( 'tfsp-calendly/v1/students/' . $u['a']['id'] . '/progress', $u['a'] );
		$this->assertStatus( 200, $progress, 'student own progress' );
		$this->assertSame( 1, $progress['json']['attended'], 'the attended session counts (stored answer)' );
		$this->assertSame( 1, $progress['json']['upcoming'] );
		$this->assertFalse( $progress['json']['completed'] );
		$this->assertArrayNotHasKey( 'email', $progress['json'] );
		$this->assertStatus( 403, self::get( 'tfsp-calendly/v1/students/' . $u['a']['id'] . '/progress?context=edit', $u['a'] ), 'student progress in edit context' );
		$this->assertStatus( 403, self::get( 'tfsp-calendly/v1/students/' . $u['b']['id'] . '/progress', $u['a'] ), 'student another\'s progress' );

		// ---- coach c1: hosts a's upcoming session only
		$list = self::get( 'tfsp-calendly/v1/sessions?context=edit', $u['c1'] );
		$this->assertStatus( 200, $list, 'coach list' );
		$this->assertSame( array( $s['a_upcoming'] ), self::ids( $list ) );
		$this->assertSame( array( '1' ), $list['headers']['x-wp-total'] );
		$this->assertStringStartsWith( 'invitee-', $list['json'][0]['invitee_email'], 'a coach reads the invitee in edit context' );
		$this->assertSame( array(), self::ids( self::get( 'tfsp-calendly/v1/sessions?student=' . $u['b']['id'], $u['c1'] ) ), 'a coach filtering by another coach\'s student sees nothing of theirs' );
		$this->assertSame( array(), self::ids( self::get( 'tfsp-calendly/v1/sessions?coach=' . $u['c2']['id'], $u['c1'] ) ), 'nor by another coach' );
		$item = self::get( 'tfsp-calendly/v1/sessions/' . $s['a_upcoming'] . '?context=edit', $u['c1'] );
		$this->assertStatus( 200, $item, 'coach own item in edit context' );
		$row = self::rows( 'SELECT invitee_email, invitee_name FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( $s['a_upcoming'] ) )[0];
		$this->assertSame( $row['invitee_email'], $item['json']['invitee_email'] );
		$this->assertSame( $row['invitee_name'], $item['json']['invitee_name'], 'the name as stored (JSON, not HTML)' );
		$this->assertStatus( 403, self::get( 'tfsp-calendly/v1/sessions/' . $s['a_attended'], $u['c1'] ), 'coach another\'s item' );
		$this->assertStatus( 200, self::get( 'tfsp-calendly/v1/students/' . $u['a']['id'] . '/progress', $u['c1'] ), 'coach progress of their student' );
		$this->assertSame( $u['a']['email'], self::get( 'tfsp-calendly/v1/students/' . $u['a']['id'] . '/progress?context=edit', $u['c1'] )['json']['email'] ?? null, 'a coach reads their student\'s e-mail in edit context' );
		$this->assertStatus( 403, self::get( 'tfsp-calendly/v1/students/' . $u['b']['id'] . '/progress', $u['c1'] ), 'coach progress of another coach\'s student' );

		// ---- coach c2: a's attended one and both of b's (one co-hosted)
		$list = self::get( 'tfsp-calendly/v1/sessions', $u['c2'] );
		$this->assertSame( self::sorted( array( $s['a_attended'], $s['b_canceled'], $s['b_no_show'] ) ), self::sorted( self::ids( $list ) ) );
		$this->assertSame( array( '3' ), $list['headers']['x-wp-total'] );
		$this->assertStatus( 403, self::get( 'tfsp-calendly/v1/sessions/' . $s['a_upcoming'], $u['c2'] ), 'coach c2 on c1\'s session' );
		$this->assertStatus( 200, self::get( 'tfsp-calendly/v1/students/' . $u['b']['id'] . '/progress', $u['c2'] ), 'coach c2 progress of b' );

		// ---- lead coach and admin: everything, personal fields in edit context
		foreach ( array( 'lead coach' => $u['lead'], 'admin' => $admin ) as $who => $as ) {
			$list = self::get( 'tfsp-calendly/v1/sessions?per_page=100&student=' . $u['b']['id'], $as );
			$this->assertStatus( 200, $list, "$who list" );
			$this->assertSame( self::sorted( array( $s['b_canceled'], $s['b_no_show'] ) ), self::sorted( self::ids( $list ) ), $who );
			$item = self::get( 'tfsp-calendly/v1/sessions/' . $s['a_upcoming'] . '?context=edit', $as );
			$this->assertStatus( 200, $item, "$who item" );
			$this->assertArrayHasKey( 'invitee_email', $item['json'], $who );
			$this->assertStatus( 200, self::get( 'tfsp-calendly/v1/students/' . $u['b']['id'] . '/progress', $as ), "$who progress" );
			$this->assertStatus( 404, self::get( 'tfsp-calendly/v1/students/999999999/progress', $as ), "$who unknown student" );
			$missing = self::get( 'tfsp-calendly/v1/sessions/999999999', $as );
			$this->assertStatus( 404, $missing, "$who unknown session" );
			$this->assertSame( 'tfsp_calendly_no_session', $missing['json']['code'] );
		}
		$this->assertStatus( 404, self::get( 'tfsp-calendly/v1/students/999999999/progress', $u['a'] ), 'an unknown student is 404 for a student too' );

		// ---- the filters (as the admin, within student b's and a's sessions)
		$both = 'student=' . $u['a']['id'];
		$this->assertSame( array( $s['a_attended'] ), self::ids( self::get( "tfsp-calendly/v1/sessions?$both&status=attended", $admin ) ), 'status' );
		$this->assertSame( self::sorted( array( $s['a_upcoming'], $s['a_attended'] ) ), self::sorted( self::ids( self::get( "tfsp-calendly/v1/sessions?$both&status=attended,scheduled", $admin ) ) ), 'statuses as a list' );
		$this->assertSame( array( $s['b_no_show'] ), self::ids( self::get( 'tfsp-calendly/v1/sessions?status[]=no_show&status[]=attended&student=' . $u['b']['id'], $admin ) ), 'statuses as an array' );
		$now = rawurlencode( gmdate( 'Y-m-d\TH:i:s\Z' ) );
		$this->assertSame( array( $s['a_upcoming'] ), self::ids( self::get( "tfsp-calendly/v1/sessions?$both&after=$now", $admin ) ), 'after' );
		$this->assertSame( array( $s['a_attended'] ), self::ids( self::get( "tfsp-calendly/v1/sessions?$both&before=$now", $admin ) ), 'before' );
		$this->assertSame( array( $s['b_no_show'] ), self::ours( self::get( 'tfsp-calendly/v1/sessions?per_page=100&coach=' . $u['lead']['id'], $admin ) ), 'coach: every host of a co-hosted session' );
		$this->assertSame( array( $s['a_attended'] ), self::ids( self::get( "tfsp-calendly/v1/sessions?$both&coach=" . $u['c2']['id'], $admin ) ), 'coach and student' );
		$tokyo = rawurlencode( gmdate( 'Y-m-d\TH:i:s', time() + 9 * 3600 ) . '+09:00' );
		$this->assertSame( array( $s['a_upcoming'] ), self::ids( self::get( "tfsp-calendly/v1/sessions?$both&after=$tokyo", $admin ) ), 'an offset is honoured' );
	}

	public function test_application_passwords_work_as_well_as_cookies(): void {
		$s = self::$s;
		$u = self::$u;
		$passwords = array();
		foreach ( array( 'a', 'c1' ) as $who ) {
			$made = self::adminRest( 'POST', 'wp/v2/users/me/application-passwords', array( 'name' => 'mobile app ' . $who ), true, $u[ $who ] );
			$this->assertSame( 201, $made['status'], 'WordPress offers application passwords on this local site: ' . json_encode( $made['json'] ) );
			$login             = self::rows( 'SELECT user_login FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( $u[ $who ]['id'] ) )[0]['user_login'];
			$passwords[ $who ] = $login . ':' . $made['json']['password'];
		}

		$list = self::get( 'tfsp-calendly/v1/sessions', null, $passwords['a'] );
		$this->assertStatus( 200, $list, 'student with an application password' );
		$this->assertSame( self::sorted( array( $s['a_upcoming'], $s['a_attended'] ) ), self::sorted( self::ids( $list ) ) );
		$this->assertStatus( 403, self::get( 'tfsp-calendly/v1/sessions/' . $s['b_canceled'], null, $passwords['a'] ), 'the same rules: another\'s session' );
		$this->assertStatus( 403, self::get( 'tfsp-calendly/v1/sessions?context=edit', null, $passwords['a'] ), 'the same rules: edit context' );
		$this->assertSame( 1, self::get( 'tfsp-calendly/v1/students/' . $u['a']['id'] . '/progress', null, $passwords['a'] )['json']['attended'] ?? null );

		$item = self::get( 'tfsp-calendly/v1/sessions/' . $s['a_upcoming'] . '?context=edit', null, $passwords['c1'] );
		$this->assertStatus( 200, $item, 'coach with an application password' );
		$this->assertArrayHasKey( 'invitee_email', $item['json'] );
		$this->assertStatus( 403, self::get( 'tfsp-calendly/v1/sessions/' . $s['a_attended'], null, $passwords['c1'] ), 'coach: another\'s session' );

		[ $login ] = explode( ':', $passwords['a'] );
		$this->assertStatus( 401, self::get( 'tfsp-calendly/v1/sessions', null, $login . ':' . 'abcd efgh ijkl mnop qrst uvwx' ), 'a wrong application password' );
	}

	public function test_fields_context_and_links(): void {
		$s  = self::$s;
		$u  = self::$u;
		$id = $s['b_no_show'];

		$item = self::get( "tfsp-calendly/v1/sessions/$id", $u['c2'] );
		$this->assertStatus( 200, $item, 'item' );
		foreach ( array( 'id', 'student_id', 'coach_ids', 'start', 'end', 'status', 'needs_attendance', 'counts_toward_progress', 'event_name', 'reschedule_url', 'cancel_url', 'source', 'entered_by', 'entered_at', 'note' ) as $key ) {
			$this->assertArrayHasKey( $key, $item['json'], "view holds $key" );
		}
		$this->assertSame( 'no_show', $item['json']['status'] );
		$this->assertFalse( $item['json']['counts_toward_progress'] );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', $item['json']['start'] );
		$this->assertSame( self::sorted( array( $u['c2']['id'], $u['lead']['id'] ) ), $item['json']['coach_ids'] );
		$links = $item['json']['_links'];
		$this->assertStringEndsWith( "/wp-json/tfsp-calendly/v1/sessions/$id", $links['self'][0]['href'] );
		$this->assertStringEndsWith( '/wp-json/tfsp-calendly/v1/sessions', $links['collection'][0]['href'] );
		$this->assertStringEndsWith( '/wp-json/wp/v2/users/' . $u['b']['id'], $links['student'][0]['href'] );
		$this->assertStringEndsWith( '/wp-json/tfsp-calendly/v1/students/' . $u['b']['id'] . '/progress', $links['progress'][0]['href'] );
		$coach_links = array_map( static fn( array $l ): string => (string) $l['href'], $links['coach'] );
		sort( $coach_links );
		$expected = array( self::env( 'WP_URL' ) . '/wp-json/wp/v2/users/' . $u['c2']['id'], self::env( 'WP_URL' ) . '/wp-json/wp/v2/users/' . $u['lead']['id'] );
		sort( $expected );
		$this->assertSame( $expected, $coach_links );

		// _fields: only what is asked (and in the list, _links only when asked)
		$few = self::get( "tfsp-calendly/v1/sessions/$id?_fields=id,status", $u['c2'] );
		$this->assertSame( array( 'id', 'status' ), array_keys( $few['json'] ) );
		$list = self::get( 'tfsp-calendly/v1/sessions?_fields=id,coach_ids&student=' . $u['b']['id'], self::admin() );
		$this->assertStatus( 200, $list, 'list with _fields' );
		foreach ( $list['json'] as $entry ) {
			$this->assertSame( array( 'id', 'coach_ids' ), array_keys( $entry ) );
		}
		$with_links = self::get( 'tfsp-calendly/v1/sessions?_fields=id,_links&student=' . $u['b']['id'], self::admin() );
		foreach ( $with_links['json'] as $entry ) {
			$this->assertSame( array( 'id', '_links' ), array_keys( $entry ) );
			$this->assertStringEndsWith( '/sessions/' . $entry['id'], $entry['_links']['self'][0]['href'] );
		}
		$email = self::get( "tfsp-calendly/v1/sessions/$id?context=edit&_fields=invitee_email", $u['c2'] );
		$this->assertSame( array( 'invitee_email' ), array_keys( $email['json'] ) );
		$this->assertSame( array(), self::get( "tfsp-calendly/v1/sessions/$id?_fields=invitee_email", $u['c2'] )['json'], 'view has no invitee_email, even when asked for' );
		$this->assertSame( array( 'attended', 'required' ), array_keys( self::get( 'tfsp-calendly/v1/students/' . $u['b']['id'] . '/progress?_fields=attended,required', $u['c2'] )['json'] ) );

		// The schema says so too (OPTIONS).
		$ch = curl_init( self::env( 'WP_URL' ) . '/wp-json/tfsp-calendly/v1/sessions' );
		curl_setopt_array( $ch, array( CURLOPT_CUSTOMREQUEST => 'OPTIONS', CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 60 ) );
		$schema = json_decode( (string) curl_exec( $ch ), true );
		curl_close( $ch );
		$this->assertSame( array( 'edit' ), $schema['schema']['properties']['invitee_email']['context'] );
		$this->assertSame( 100, $schema['endpoints'][0]['args']['per_page']['maximum'] );
	}

	public function test_keyset_paging_walks_every_row_once(): void {
		$student = self::createUser( self::email( 'pager' ) );
		$mine    = array();
		$base    = time() - 40 * 86400;
		for ( $i = 0; $i < 23; $i++ ) {
			// Pairs with the same start, so that the id decides; two without a start yet.
			$mine[] = self::seed( $student, 0 === $i % 3 ? 'attended' : 'scheduled', 0, array(), $base + intdiv( $i, 2 ) * 86400 );
		}
		$mine[] = self::seed( $student, 'scheduled', null );
		$mine[] = self::seed( $student, 'scheduled', null );
		$total  = count( $mine );
		$rows   = self::rows( 'SELECT id, start_at FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE student_id = ?', array( $student ) );
		$this->assertCount( $total, $rows );

		// Newest first (no start: last), ties by id, as the database orders them.
		usort(
			$rows,
			static function ( array $x, array $y ): int {
				if ( ( null === $x['start_at'] ) !== ( null === $y['start_at'] ) ) {
					return null === $x['start_at'] ? 1 : -1;
				}
				return array( $y['start_at'], (int) $y['id'] ) <=> array( $x['start_at'], (int) $x['id'] );
			}
		);
		$expected = array_map( static fn( array $r ): int => (int) $r['id'], $rows );

		foreach ( array( 'admin' => self::admin(), 'the student' => null ) as $who => $as ) {
			$as  ??= self::userCookies( self::rows( 'SELECT user_login FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( $student ) )[0]['user_login'], self::setPassword( $student ) );
			$url   = self::env( 'WP_URL' ) . '/wp-json/tfsp-calendly/v1/sessions?per_page=4&student=' . $student;
			$seen  = array();
			$pages = 0;
			while ( null !== $url ) {
				$page = self::get( $url, $as );
				$this->assertStatus( 200, $page, "$who page " . ( $pages + 1 ) );
				$this->assertSame( array( (string) $total ), $page['headers']['x-wp-total'], "$who: X-WP-Total on every page" );
				$this->assertSame( array( (string) (int) ceil( $total / 4 ) ), $page['headers']['x-wp-totalpages'] );
				$this->assertLessThanOrEqual( 4, count( $page['json'] ) );
				$seen = array_merge( $seen, self::ids( $page ) );
				$url  = self::next( $page );
				if ( null !== $url ) {
					$this->assertStringContainsString( 'student=' . $student, $url, 'the next link keeps the filters' );
					$this->assertStringContainsString( 'per_page=4', $url );
				}
				++$pages;
				$this->assertLessThan( 20, $pages, 'the walk ends' );
			}
			$this->assertSame( (int) ceil( $total / 4 ), $pages, $who );
			$this->assertSame( $expected, $seen, "$who: every row once, in order" );
		}

		// Oldest id first, through the same cursor machinery; one page of 100 has no next link.
		$url = 'tfsp-calendly/v1/sessions?orderby=id&order=asc&per_page=10&student=' . $student;
		$ids = array();
		while ( null !== $url ) {
			$page = self::get( $url, self::admin() );
			$this->assertStatus( 200, $page, 'by id' );
			$ids = array_merge( $ids, self::ids( $page ) );
			$url = self::next( $page );
		}
		$this->assertSame( self::sorted( $mine ), $ids );
		$default = self::get( 'tfsp-calendly/v1/sessions?student=' . $student, self::admin() );
		$this->assertSame( array_slice( $expected, 0, 10 ), self::ids( $default ), 'ten a page unless asked' );
		$this->assertNotNull( self::next( $default ) );
		$one = self::get( 'tfsp-calendly/v1/sessions?per_page=100&student=' . $student, self::admin() );
		$this->assertCount( $total, $one['json'] );
		$this->assertNull( self::next( $one ) );

		// A cursor of one order is refused in another.
		$first  = self::get( 'tfsp-calendly/v1/sessions?per_page=4&student=' . $student, self::admin() );
		$cursor = null;
		parse_str( (string) parse_url( (string) self::next( $first ), PHP_URL_QUERY ), $query );
		$cursor = $query['cursor'];
		$this->assertBadParam( 'cursor', self::get( 'tfsp-calendly/v1/sessions?order=asc&cursor=' . rawurlencode( $cursor ), self::admin() ), 'a cursor of another order' );
	}

	/** Gives a user a known password; returns it. */
	private static function setPassword( int $user_id ): string {
		$password = 'pw-' . bin2hex( random_bytes( 6 ) );
		self::exec( 'UPDATE ' . self::table( 'users' ) . ' SET user_pass = MD5(?) WHERE ID = ?', array( $password, $user_id ) );
		return $password;
	}

	public function test_bad_parameters_are_refused_by_name(): void {
		$admin = self::admin();
		$cases = array(
			'per_page=0'                    => 'per_page',
			'per_page=101'                  => 'per_page',
			'per_page=ten'                  => 'per_page',
			'page=2'                        => 'page',
			'page=0'                        => 'page',
			'cursor=' . rawurlencode( '%%%not a cursor' ) => 'cursor',
			'cursor=e30'                    => 'cursor', // {}: decodes, but is no position.
			'cursor=' . rawurlencode( rtrim( strtr( base64_encode( '["start",1,"2026-01-01 00:00:00","1 OR 1=1"]' ), '+/', '-_' ), '=' ) ) => 'cursor',
			'after=yesterday'               => 'after',
			'before=2026-13-45T99:00:00Z'   => 'before',
			'status=bogus'                  => 'status',
			'status[]=attended&status[]=x'  => 'status',
			'student=abc'                   => 'student',
			'coach=-1'                      => 'coach',
			'orderby=invitee'               => 'orderby',
			'order=sideways'                => 'order',
			'context=everything'            => 'context',
		);
		foreach ( $cases as $query => $param ) {
			$this->assertBadParam( $param, self::get( 'tfsp-calendly/v1/sessions?' . $query, $admin ), $query );
		}
		$this->assertSame( 200, self::get( 'tfsp-calendly/v1/sessions?page=1&per_page=1', $admin )['status'], 'page 1 is the first page' );
		$this->assertBadParam( 'context', self::get( 'tfsp-calendly/v1/sessions/' . self::$s['a_upcoming'] . '?context=everything', $admin ), 'item context' );
		$this->assertSame( 404, self::get( 'tfsp-calendly/v1/sessions/abc', $admin )['status'], 'no route for a non-numeric id' );
	}
}
