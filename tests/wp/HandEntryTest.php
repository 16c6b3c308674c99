<?php
// SPDX-License-Identifier: MIT
/**
 * Sessions entered by hand (issue 12 part 2, the study's backup booking method): POST, PATCH
 * and DELETE /tfsp-calendly/v1/sessions as an admin, a coach, a lead coach and a subscriber, with
 * the REST nonce.  A session entered by hand is a core fact (auto_created 0, source "hand",
 * entered_by / entered_at) with its coach in the coaches table; every bad input gets its status
 * and writes nothing (table counts before and after); it counts once marked attended; a webhook
 * for the same student never touches it; a removal keeps its last values in the audit trail.
 */
final class HandEntryTest extends CalendlyTestCase {

	/** @var int[] Session ids made here. */
	private array $made = array();

	/** @var string[] Invitee URIs delivered here. */
	private array $uris = array();

	private static ?array $coach = null;
	private static ?array $other_coach = null;
	private static ?array $lead = null;
	private static ?array $subscriber = null;
	private static int $student = 0;

	protected function setUp(): void {
		parent::setUp();
		if ( null === self::$coach ) {
			self::$coach       = self::loggedInUser( 'tfsp_coach' );
			self::$other_coach = self::loggedInUser( 'tfsp_coach' );
			self::$lead        = self::loggedInUser( 'tfsp_lead_coach' );
			self::$subscriber  = self::loggedInUser( 'subscriber' );
			self::$student     = self::createUser( self::email( 'handstudent' ) );
		}
	}

	protected function tearDown(): void {
		self::deleteSetting( 'coaches_enter_sessions' );
		foreach ( $this->uris as $uri ) {
			$row = self::session( $uri );
			if ( null !== $row ) {
				$this->made[] = (int) $row['id'];
			}
		}
		if ( $this->made ) {
			$in = implode( ',', array_map( 'intval', $this->made ) );
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_session_coaches' ) . " WHERE session_id IN ($in)" );
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_coach_sessions' ) . " WHERE id IN ($in)" );
		}
		parent::tearDown();
	}

	/** A REST call with its response headers: status, json, headers. */
	private static function call( string $method, string $route, ?array $body, ?array $as = null, bool $with_nonce = true ): array {
		$who  = $as ?? self::admin();
		$ch   = curl_init( self::env( 'WP_URL' ) . '/wp-json/' . ltrim( $route, '/' ) );
		$head = array( 'Content-Type: application/json', 'Cookie: ' . $who['cookie'] );
		if ( $with_nonce ) {
			$head[] = 'X-WP-Nonce: ' . $who['nonce'];
		}
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_CUSTOMREQUEST  => $method,
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_HEADER         => true,
				CURLOPT_TIMEOUT        => 60,
				CURLOPT_HTTPHEADER     => $head,
				CURLOPT_POSTFIELDS     => null === $body ? null : json_encode( $body ),
			)
		);
		return self::finish( $ch, (string) curl_exec( $ch ) );
	}

	/** An entry's body: one hour, two days ago unless said otherwise. */
	private static function entry( array $more = array() ): array {
		$start = gmdate( 'Y-m-d\TH:i:s', time() - 2 * 86400 ) . '-06:00';
		$end   = gmdate( 'Y-m-d\TH:i:s', time() - 2 * 86400 + 3600 ) . '-06:00';
		return $more + array(
			'student_id' => self::$student,
			'start'      => $start,
			'end'        => $end,
			'note'       => 'Met in the library',
		);
	}

	private function enter( array $body, ?array $as = null ): array {
		$r = self::call( 'POST', 'tfsp-calendly/v1/sessions', $body, $as );
		if ( 201 === $r['status'] ) {
			$this->made[] = (int) $r['json']['id'];
		}
		return $r;
	}

	/** Rows of the tables a hand entry writes. @return array<string,int> */
	private static function counts(): array {
		$out = array();
		foreach ( array( 'tfsp_coach_sessions', 'tfsp_session_coaches', 'tfsp_session_audit' ) as $t ) {
			$out[ $t ] = (int) self::rows( 'SELECT COUNT(*) AS n FROM ' . self::table( $t ) )[0]['n'];
		}
		return $out;
	}

	private static function row( int $id ): ?array {
		return self::rows( 'SELECT * FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( $id ) )[0] ?? null;
	}

	/** @return int[] */
	private static function coachesOf( int $id ): array {
		return array_map( 'intval', array_column( self::rows( 'SELECT coach_id FROM ' . self::table( 'tfsp_session_coaches' ) . ' WHERE session_id = ? ORDER BY coach_id', array( $id ) ), 'coach_id' ) );
	}

	public function test_an_admin_enters_a_session_as_a_fact_of_the_core_with_its_coach(): void {
		$body = self::entry( array( 'coach_id' => self::$coach['id'] ) );
		$r    = $this->enter( $body );
		$this->assertSame( 201, $r['status'], (string) json_encode( $r['json'] ) );
		$id = (int) $r['json']['id'];
		$this->assertGreaterThan( 0, $id );
		$this->assertStringEndsWith( '/wp-json/tfsp-calendly/v1/sessions/' . $id, $r['headers']['location'] ?? '' );
		foreach ( array( 'id', 'student_id', 'coach_ids', 'start', 'end', 'status', 'source' ) as $key ) {
			$this->assertArrayHasKey( $key, $r['json'] );
		}
		$this->assertSame( self::$student, $r['json']['student_id'] );
		$this->assertSame( array( self::$coach['id'] ), $r['json']['coach_ids'] );
		$this->assertSame( 'hand', $r['json']['source'] );
		$this->assertSame( gmdate( 'Y-m-d\TH:i:s\Z', strtotime( $body['start'] ) ), $r['json']['start'], 'the offset was applied' );
		$this->assertSame( 'scheduled', $r['json']['status'] );

		$row = self::row( $id );
		$this->assertSame( '0', $row['auto_created'] );
		$this->assertSame( 'hand', $row['source'] );
		$this->assertNull( $row['calendly_uri'] );
		$this->assertSame( (string) self::$coach['id'], $row['coach_id'] );
		$this->assertSame( (string) self::$student, $row['student_id'] );
		$admin_id = (int) self::rows( 'SELECT ID FROM ' . self::table( 'users' ) . ' WHERE user_login = ?', array( self::env( 'WP_ADMIN_USER' ) ) )[0]['ID'];
		$this->assertSame( (string) $admin_id, $row['entered_by'] );
		$this->assertNotNull( $row['entered_at'] );
		$this->assertSame( 'Met in the library', $row['notes'] );
		$this->assertSame( '0', $row['counts_toward_progress'] );
		$this->assertSame( array( self::$coach['id'] ), self::coachesOf( $id ) );
		$fields = array_column( self::audit( $id ), 'field' );
		foreach ( array( 'source', 'entered_at', 'entered_by', 'start_at', 'end_at', 'student_id', 'coach_id', 'coaches', 'status' ) as $field ) {
			$this->assertContains( $field, $fields, 'audited: ' . $field );
		}
		$this->assertSame( 'admin', self::audit( $id )[0]['actor_type'] );
	}

	public function test_every_bad_input_gets_its_status_and_writes_nothing(): void {
		$day   = gmdate( 'Y-m-d', time() - 3 * 86400 );
		$cases = array(
			'end equal to start'       => array( 400, self::entry( array( 'end' => $day . 'T10:00:00Z', 'start' => $day . 'T10:00:00Z' ) ) ),
			'end before start'         => array( 400, self::entry( array( 'end' => $day . 'T09:00:00Z', 'start' => $day . 'T10:00:00Z' ) ) ),
			'longer than 24 h'         => array( 400, self::entry( array( 'start' => $day . 'T10:00:00Z', 'end' => gmdate( 'Y-m-d', time() - 2 * 86400 ) . 'T10:00:01Z' ) ) ),
			'no offset'                => array( 400, self::entry( array( 'start' => $day . 'T10:00:00' ) ) ),
			'another format'           => array( 400, self::entry( array( 'start' => '03/05/2026 10:00 AM' ) ) ),
			'a date only'              => array( 400, self::entry( array( 'end' => $day ) ) ),
			'an empty time'            => array( 400, self::entry( array( 'start' => '' ) ) ),
			'an unknown student'       => array( 400, self::entry( array( 'student_id' => 999999999 ) ) ),
			'a student that is text'   => array( 400, self::entry( array( 'student_id' => 'ada' ) ) ),
			'no student'               => array( 400, array_diff_key( self::entry(), array( 'student_id' => 1 ) ) ),
			'a coach who is no coach'  => array( 400, self::entry( array( 'coach_id' => self::$student ) ) ),
			'a subscriber'             => array( 403, self::entry(), self::$subscriber ),
			'a coach naming another'   => array( 403, self::entry( array( 'coach_id' => self::$other_coach['id'] ) ), self::$coach ),
			'a coach without a nonce'  => array( 401, self::entry(), self::$coach, false ),
		);
		foreach ( $cases as $name => $case ) {
			$before = self::counts();
			$r      = self::call( 'POST', 'tfsp-calendly/v1/sessions', $case[1], $case[2] ?? null, $case[3] ?? true );
			if ( 201 === $r['status'] ) {
				$this->made[] = (int) $r['json']['id'];
			}
			$this->assertSame( $case[0], 401 === $case[0] && 403 === $r['status'] ? 401 : $r['status'], $name . ': ' . json_encode( $r['json'] ) );
			$this->assertSame( $before, self::counts(), $name . ': nothing written' );
		}
		// The field is named in the answer.
		$r = self::call( 'POST', 'tfsp-calendly/v1/sessions', self::entry( array( 'end' => $day . 'T09:00:00Z', 'start' => $day . 'T10:00:00Z' ) ) );
		$this->assertArrayHasKey( 'end', $r['json']['data']['params'] ?? array(), (string) json_encode( $r['json'] ) );
		$r = self::call( 'POST', 'tfsp-calendly/v1/sessions', self::entry( array( 'start' => $day . 'T10:00:00' ) ) );
		$this->assertArrayHasKey( 'start', $r['json']['data']['params'] ?? array(), (string) json_encode( $r['json'] ) );

		// With the setting off, a coach is refused; an admin is not.
		self::putSetting( 'coaches_enter_sessions', '0' );
		$before = self::counts();
		$r      = self::call( 'POST', 'tfsp-calendly/v1/sessions', self::entry(), self::$coach );
		$this->assertSame( 403, $r['status'], (string) json_encode( $r['json'] ) );
		$this->assertSame( $before, self::counts(), 'setting off: nothing written' );
		$this->assertSame( 201, $this->enter( self::entry( array( 'coach_id' => self::$coach['id'] ) ) )['status'] );
	}

	public function test_a_coach_enters_their_own_session_and_a_lead_coach_any_coachs(): void {
		$r = $this->enter( self::entry(), self::$coach );
		$this->assertSame( 201, $r['status'], (string) json_encode( $r['json'] ) );
		$this->assertSame( array( self::$coach['id'] ), $r['json']['coach_ids'], 'coach_id defaults to the coach' );
		$this->assertSame( 'coach', self::audit( (int) $r['json']['id'] )[0]['actor_type'] );
		$r = $this->enter( self::entry( array( 'coach_id' => self::$coach['id'] ) ), self::$coach );
		$this->assertSame( 201, $r['status'], 'naming themselves is fine' );
		$r = $this->enter( self::entry( array( 'coach_id' => self::$other_coach['id'] ) ), self::$lead );
		$this->assertSame( 201, $r['status'], (string) json_encode( $r['json'] ) );
		$this->assertSame( array( self::$other_coach['id'] ), self::coachesOf( (int) $r['json']['id'] ) );
	}

	public function test_edit_and_removal_of_a_session_entered_by_hand(): void {
		$id    = (int) $this->enter( self::entry(), self::$coach )['json']['id'];
		$day   = gmdate( 'Y-m-d', time() - 4 * 86400 );
		$patch = self::call(
			'PATCH',
			"tfsp-calendly/v1/sessions/$id",
			array(
				'start' => $day . 'T15:00:00+02:00',
				'end'   => $day . 'T16:30:00+02:00',
				'note'  => 'Moved to the café',
			),
			self::$coach
		);
		$this->assertSame( 200, $patch['status'], (string) json_encode( $patch['json'] ) );
		$this->assertSame( $day . 'T13:00:00Z', $patch['json']['start'] );
		$this->assertSame( $day . 'T14:30:00Z', $patch['json']['end'] );
		$this->assertSame( 'Moved to the café', $patch['json']['note'] );
		$row = self::row( $id );
		$this->assertSame( $day . ' 13:00:00.000000', $row['start_at'] );
		$this->assertSame( (string) self::$coach['id'], $row['entered_by'], 'the creator stays' );
		$this->assertContains( 'start_at', array_column( self::audit( $id ), 'field' ) );

		// Refusals, each writing nothing.
		$booked = $this->bookedSession();
		$cases  = array(
			'PATCH of student_id'       => array( 409, 'PATCH', $id, array( 'student_id' => self::$student ), null ),
			'PATCH end before start'    => array( 400, 'PATCH', $id, array( 'end' => $day . 'T12:00:00Z' ), null ),
			'PATCH without an offset'   => array( 400, 'PATCH', $id, array( 'start' => $day . 'T12:00:00' ), null ),
			'PATCH of a Calendly one'   => array( 409, 'PATCH', $booked, array( 'note' => 'x' ), null ),
			'DELETE of a Calendly one'  => array( 409, 'DELETE', $booked, null, null ),
			'PATCH of no session'       => array( 404, 'PATCH', 999999999, array( 'note' => 'x' ), null ),
			'DELETE of no session'      => array( 404, 'DELETE', 999999999, null, null ),
			'PATCH student of none'     => array( 404, 'PATCH', 999999999, array( 'student_id' => self::$student ), null ),
			'PATCH student of Calendly' => array( 409, 'PATCH', $booked, array( 'student_id' => self::$student ), null ),
			'PATCH by another coach'    => array( 403, 'PATCH', $id, array( 'note' => 'x' ), self::$other_coach ),
			'DELETE by another coach'   => array( 403, 'DELETE', $id, null, self::$other_coach ),
			'DELETE by a subscriber'    => array( 403, 'DELETE', $id, null, self::$subscriber ),
			'PATCH naming another coach' => array( 403, 'PATCH', $id, array( 'coach_id' => self::$other_coach['id'] ), self::$coach ),
		);
		foreach ( $cases as $name => [ $status, $method, $target, $body, $as ] ) {
			$before     = self::counts();
			$row_before = self::row( $target );
			$r          = self::call( $method, "tfsp-calendly/v1/sessions/$target", $body, $as );
			$this->assertSame( $status, $r['status'], $name . ': ' . json_encode( $r['json'] ) );
			$this->assertSame( $before, self::counts(), $name . ': nothing written' );
			$this->assertSame( $row_before, self::row( $target ), $name . ': the row is as it was' );
		}

		$last = self::row( $id );
		$del  = self::call( 'DELETE', "tfsp-calendly/v1/sessions/$id", null, self::$coach );
		$this->assertSame( 200, $del['status'], (string) json_encode( $del['json'] ) );
		$this->assertTrue( $del['json']['deleted'] );
		$this->assertSame( $id, $del['json']['previous']['id'] );
		$this->assertNull( self::row( $id ) );
		$this->assertSame( array(), self::coachesOf( $id ) );
		$audit = array_values( array_filter( self::audit( $id ), static fn( array $a ): bool => 'deleted' === $a['field'] ) );
		$this->assertCount( 1, $audit );
		$kept = json_decode( (string) $audit[0]['old_value'], true );
		$this->assertSame( $last['start_at'], $kept['start_at'] );
		$this->assertSame( 'Moved to the café', $kept['notes'] );
		$this->assertSame( array( self::$coach['id'] ), $kept['coach_ids'] );
		$this->assertSame( 404, self::call( 'DELETE', "tfsp-calendly/v1/sessions/$id", null )['status'], 'gone' );
	}

	public function test_it_counts_once_marked_attended_and_calendly_never_touches_it(): void {
		$id = (int) $this->enter( self::entry(), self::$coach )['json']['id'];
		$this->assertSame( '1', (string) self::rows( 'SELECT (status = \'scheduled\' AND end_at < UTC_TIMESTAMP()) AS due FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( $id ) )[0]['due'], 'ended: needs attendance' );
		$mark = self::adminRest( 'POST', "tfsp-calendly/v1/sessions/$id/mark", array( 'mark' => 'attended' ), true, self::$coach );
		$this->assertSame( 200, $mark['status'], (string) json_encode( $mark['json'] ) );
		$this->assertSame( 'attended', $mark['json']['status'] );
		$this->assertSame( 'hand', $mark['json']['source'], 'the mark route answers the one session item' );
		$this->assertSame( 403, self::adminRest( 'POST', "tfsp-calendly/v1/sessions/$id/mark", array( 'mark' => 'no_show' ), true, self::$other_coach )['status'] );
		$row = self::row( $id );
		$this->assertSame( 'attended', $row['status'] );
		$this->assertSame( '1', $row['counts_toward_progress'] );

		// A booking, a cancel and a back-filled REST invitee for the same student change nothing here.
		$email = self::rows( 'SELECT user_email FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( self::$student ) )[0]['user_email'];
		$p     = ( new Fixtures() )->load( 'invitee_created' );
		$p['payload']['email'] = $email;
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $p ) )['status'] );
		$this->uris[] = $p['payload']['uri'];
		$c            = ( new Fixtures() )->load( 'invitee_canceled' );
		$c['payload']['email'] = $email;
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $c ) )['status'] );
		$this->uris[] = $c['payload']['uri'];
		$this->assertSame( (string) self::$student, self::session( $p['payload']['uri'] )['student_id'], 'the booking is the student\'s' );
		self::cron( 'tfsp_calendly_progress' );

		// A booking in Calendly at the same time for the same student, then a back-fill of the window.
		self::finishOtherJobs();
		$booked       = self::control( 'book', array( 'email' => $email, 'start_time' => gmdate( 'Y-m-d\TH:i:s\Z', time() - 2 * 86400 ) ) );
		$this->uris[] = $booked['invitee_uri'];
		self::waitIdle();
		$job = self::adminRest(
			'POST',
			'tfsp-calendly/v1/backfill',
			array(
				'from' => gmdate( 'Y-m-d\TH:i:s\Z', time() - 3 * 86400 ),
				'to'   => gmdate( 'Y-m-d\TH:i:s\Z', time() + 86400 ),
			)
		);
		$this->assertSame( 201, $job['status'], (string) json_encode( $job['json'] ) );
		self::runBackfills();
		$this->assertSame( 'done', self::adminRest( 'GET', 'tfsp-calendly/v1/backfill/' . (int) $job['json']['id'] )['json']['state'] );
		$this->assertNotNull( self::session( $booked['invitee_uri'] ), 'the Calendly booking is a session of its own' );
		$after = self::row( $id );
		unset( $row['updated_at'], $after['updated_at'] );
		$this->assertSame( $row, $after, 'the hand-entered row is as it was' );
	}

	public function test_it_is_labelled_entered_by_hand_everywhere_and_a_hostile_note_is_text(): void {
		$hostile = '<img src=x onerror=alert(1)>"\'&';
		$r       = $this->enter( self::entry( array( 'note' => $hostile ) ), self::$coach );
		$this->assertSame( 201, $r['status'], (string) json_encode( $r['json'] ) );
		$id = (int) $r['json']['id'];
		$this->assertSame( $hostile, $r['json']['note'], 'kept as written' );
		$this->assertSame( 200, self::adminRest( 'POST', "tfsp-calendly/v1/sessions/$id/mark", array( 'mark' => 'attended' ), true, self::$coach )['status'] );
		$name  = self::rows( 'SELECT display_name FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( self::$coach['id'] ) )[0]['display_name'];
		$label = 'entered by hand by ' . $name;

		foreach ( array( 'admin' => null, 'coach' => self::$coach ) as $who => $as ) {
			$page = self::adminPage( 'admin.php?page=tfsp-calendly&session=' . $id, $as );
			$this->assertSame( 200, $page['status'] );
			$this->assertStringContainsString( 'value="' . $id . '"', $page['body'], $who . ': listed' );
			$this->assertSame( 2, substr_count( html_entity_decode( $page['body'], ENT_QUOTES ), $label ), $who . ': labelled in the list and in its History' );
			$this->assertStringNotContainsString( '<img src=x', $page['body'], $who . ': the note is text' );
			$this->assertStringContainsString( '&lt;img src=x onerror=alert(1)&gt;', $page['body'], $who . ': the note is shown' );
		}

		[ $code, $portal, $err ] = self::php( 'coaching.php', array( self::$student, 'portal' ) );
		$this->assertSame( 0, $code, $err . $portal );
		$this->assertStringContainsString( $label, html_entity_decode( $portal, ENT_QUOTES ), 'labelled in the portal' );
		$this->assertStringContainsString( 'Attended', $portal );

		$admin_id  = (int) self::rows( 'SELECT ID FROM ' . self::table( 'users' ) . ' WHERE user_login = ?', array( self::env( 'WP_ADMIN_USER' ) ) )[0]['ID'];
		[ , $csv ] = self::php( 'coaching.php', array( $admin_id, 'csv' ) );
		$rows      = array_map( 'str_getcsv', array_filter( explode( "\n", $csv ) ) );
		$by_hand = array_search( 'Attended, entered by hand', $rows[0], true );
		$this->assertSame( 9, $by_hand, 'the CSV has its by-hand column' );
		$mine = array_values( array_filter( $rows, static fn( array $row ): bool => (string) self::$student === $row[0] ) );
		$this->assertCount( 1, $mine, $csv );
		$this->assertSame( '1', $mine[0][3], 'it counts' );
		$this->assertSame( '1', $mine[0][ $by_hand ], 'the CSV says it was entered by hand' );
	}

	public function test_the_add_session_form_checks_its_nonce_and_capability_and_enters_a_session(): void {
		$page = self::adminPage( 'admin.php?page=tfsp-calendly', self::$coach );
		$this->assertStringContainsString( 'tfsp_calendly_add_session', $page['body'], 'a coach gets the form' );
		$this->assertSame( 1, preg_match( '/id="tfsp-calendly-add-session".*?name="_tfsp_add_session_nonce" value="([0-9a-f]+)"/s', $page['body'], $m ), 'the form has its nonce' );
		$this->assertStringNotContainsString( 'name="coach_id"', $page['body'], 'a coach names no other coach' );
		$email  = self::rows( 'SELECT user_email FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( self::$student ) )[0]['user_email'];
		$fields = array(
			'action'     => 'tfsp_calendly_add_session',
			'_tfsp_add_session_nonce' => $m[1],
			'student'    => $email,
			'date'       => gmdate( 'Y-m-d', time() - 86400 ),
			'start_time' => '09:00',
			'end_time'   => '10:15',
			'note'       => 'By the form',
		);

		$before = self::counts();
		$bad    = self::form( array( '_tfsp_add_session_nonce' => 'nonsense' ) + $fields, self::$coach );
		$this->assertSame( 403, $bad['status'], 'a bad nonce is refused' );
		$this->assertSame( $before, self::counts() );
		$sub = self::form( $fields, self::$subscriber );
		$this->assertSame( 403, $sub['status'], 'a subscriber is refused' );
		$this->assertSame( $before, self::counts() );
		$late = self::form( array( 'end_time' => '08:00' ) + $fields, self::$coach );
		$this->assertSame( 302, $late['status'] );
		$this->assertSame( $before, self::counts(), 'end before start: nothing written' );
		$this->assertStringContainsString( 'end must be after start', html_entity_decode( self::adminPage( 'admin.php?page=tfsp-calendly', self::$coach )['body'], ENT_QUOTES ), 'the notice says why' );

		// In a site time zone with an offset (Chicago), the times are the site's.
		$zone = self::rows( 'SELECT option_value FROM ' . self::table( 'options' ) . " WHERE option_name = 'timezone_string'" )[0]['option_value'] ?? '';
		self::exec( 'UPDATE ' . self::table( 'options' ) . " SET option_value = 'America/Chicago' WHERE option_name = 'timezone_string'" );
		try {
			$ok = self::form( $fields, self::$coach );
		} finally {
			self::exec( 'UPDATE ' . self::table( 'options' ) . " SET option_value = ? WHERE option_name = 'timezone_string'", array( $zone ) );
		}
		$this->assertSame( 302, $ok['status'] );
		$this->assertSame( 1, preg_match( '/[?&]session=(\d+)/', $ok['headers']['location'] ?? '', $n ), 'back to the new session' );
		$this->made[] = (int) $n[1];
		$row          = self::row( (int) $n[1] );
		$this->assertSame( 'hand', $row['source'] );
		$this->assertSame( (string) self::$coach['id'], $row['coach_id'] );
		$this->assertSame( 'By the form', $row['notes'] );
		$want = ( new DateTimeImmutable( $fields['date'] . ' 09:00:00', new DateTimeZone( 'America/Chicago' ) ) )->setTimezone( new DateTimeZone( 'UTC' ) );
		$this->assertSame( $want->format( 'Y-m-d H:i:s' ) . '.000000', $row['start_at'], 'the site time zone\'s 09:00' );
		$this->assertSame( 75 * 60, strtotime( $row['end_at'] . ' UTC' ) - strtotime( $row['start_at'] . ' UTC' ), 'one hour and a quarter' );
	}

	/** POSTs admin-post.php as $as, from the Sessions page; redirects are not followed. */
	private static function form( array $fields, array $as ): array {
		return self::postAdminForm( $fields, $as['cookie'], 'tfsp-calendly' );
	}

	/** A session the sync made from a webhook. */
	private function bookedSession(): int {
		$p = ( new Fixtures() )->load( 'invitee_created' );
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $p ) )['status'] );
		$this->uris[] = $p['payload']['uri'];
		return (int) self::session( $p['payload']['uri'] )['id'];
	}
}
