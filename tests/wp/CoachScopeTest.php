<?php
// SPDX-License-Identifier: MIT
/**
 * Coaches see and mark their own sessions (issue 12): bookings arrive as signed webhooks with
 * one or two hosts; every host whose e-mail is a user's becomes a coach of the session
 * ({prefix}tfsp_session_coaches, coach_id the first). A coach's Sessions list and its count
 * hold the sessions they host; marking another's is refused by the REST route (403), the bulk
 * action and the row buttons' route alike; a co-hosted session is both hosts'; a lead coach and
 * an admin see and mark every session, one whose hosts match no user included, and the admin is
 * told which host e-mails match no user. Hostile names are shown as text.
 */
final class CoachScopeTest extends CalendlyTestCase {

	private const HOSTILE = '<img src=x onerror=alert(1)>"\'&';

	/** Prefix of this test's event names: the lists are searched by it. */
	private string $tag;

	/** @var string[] Invitee URIs delivered here. */
	private array $uris = array();

	protected function setUp(): void {
		parent::setUp();
		$this->tag = 'CoachScope' . bin2hex( random_bytes( 4 ) );
	}

	protected function tearDown(): void {
		foreach ( $this->uris as $uri ) {
			$row = self::session( $uri );
			if ( null !== $row ) {
				self::exec( 'DELETE FROM ' . self::table( 'tfsp_session_coaches' ) . ' WHERE session_id = ?', array( (int) $row['id'] ) );
				self::exec( 'DELETE FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( (int) $row['id'] ) );
			}
		}
		parent::tearDown();
	}

	/** Books a session hosted by these e-mails (in this order) through a signed webhook; returns its row id. */
	private function book( string $name, array $hosts, string $invitee_name = 'Ana Ruiz', ?string $invitee_email = null ): int {
		$p = ( new Fixtures() )->load( 'invitee_created' );
		$p['payload']['name']                      = $invitee_name;
		$p['payload']['email']                     = $invitee_email ?? self::email( 'invitee' );
		$p['payload']['scheduled_event']['name']   = $this->tag . ' ' . $name;
		$p['payload']['scheduled_event']['event_memberships'] = array_map(
			static fn( string $e ): array => array(
				'user'       => 'https://api.calendly.com/users/' . Fixtures::uuid(),
				'user_email' => $e,
				'user_name'  => 'Host ' . $e,
			),
			$hosts
		);
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $p ) )['status'] );
		$uri          = $p['payload']['uri'];
		$this->uris[] = $uri;
		$row          = self::session( $uri );
		$this->assertNotNull( $row, 'the booking made a session' );
		return (int) $row['id'];
	}

	/** @return int[] The session's coaches as stored. */
	private static function coachesOf( int $id ): array {
		return array_map( 'intval', array_column( self::rows( 'SELECT coach_id FROM ' . self::table( 'tfsp_session_coaches' ) . ' WHERE session_id = ? ORDER BY coach_id', array( $id ) ), 'coach_id' ) );
	}

	/** The Sessions page of this test's sessions as $as sees it: status and HTML. */
	private function sessionsPage( array $as, string $more = '' ): array {
		return self::adminPage( 'admin.php?page=tfsp-calendly&s=' . rawurlencode( $this->tag ) . $more, $as );
	}

	/** The ids of the sessions listed on a Sessions page. @return int[] */
	private static function listed( string $html ): array {
		preg_match_all( '/name="session\[\]" value="(\d+)"/', $html, $m );
		$ids = array_map( 'intval', $m[1] );
		sort( $ids );
		return $ids;
	}

	private static function mark( int $id, string $mark, array $as ): array {
		return self::adminRest( 'POST', "tfsp-calendly/v1/sessions/$id/mark", array( 'mark' => $mark ), true, $as );
	}

	/** The stored coach mark ('none' until one is given). */
	private static function storedMark( int $id ): ?string {
		return self::rows( 'SELECT coach_mark FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( $id ) )[0]['coach_mark'];
	}

	/** POSTs the Sessions list's bulk form as $as; redirects are not followed. */
	private function bulk( array $as, string $action, array $ids ): int {
		$page = $this->sessionsPage( $as );
		$this->assertSame( 1, preg_match( '/name="_wpnonce" value="([0-9a-f]+)"/', $page['body'], $m ), 'the list has its bulk nonce' );
		$fields = http_build_query(
			array(
				'action'   => $action,
				'_wpnonce' => $m[1],
				'session'  => $ids,
			)
		);
		$ch = curl_init( self::env( 'WP_URL' ) . '/wp-admin/admin.php?page=tfsp-calendly' );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_POST           => true,
				CURLOPT_POSTFIELDS     => $fields,
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_TIMEOUT        => 60,
				CURLOPT_HTTPHEADER     => array( 'Cookie: ' . $as['cookie'], 'Referer: ' . self::env( 'WP_URL' ) . '/wp-admin/admin.php?page=tfsp-calendly' ),
			)
		);
		curl_exec( $ch );
		$status = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
		curl_close( $ch );
		return $status;
	}

	public function test_coaches_see_and_mark_only_what_they_host_and_lead_coaches_and_admins_everything(): void {
		$a      = self::loggedInUser( 'tfsp_coach' );
		$b      = self::loggedInUser( 'tfsp_coach' );
		$lead   = self::loggedInUser( 'tfsp_lead_coach' );
		$nobody = self::email( 'unmatched-host' );

		$own      = $this->book( 'own', array( strtoupper( $a['email'] ) ), self::HOSTILE ); // Matching ignores case.
		$other    = $this->book( 'other', array( $b['email'] ) );
		$cohosted = $this->book( 'cohosted', array( $b['email'], $nobody, $a['email'] ) );
		$orphan   = $this->book( 'orphan', array( $nobody ) );

		// ---- stored: every host that is a user, coach_id the first of them
		$this->assertSame( array( $a['id'] ), self::coachesOf( $own ) );
		$this->assertSame( array( $b['id'] ), self::coachesOf( $other ) );
		$this->assertSame( array( min( $a['id'], $b['id'] ), max( $a['id'], $b['id'] ) ), self::coachesOf( $cohosted ) );
		$this->assertSame( array(), self::coachesOf( $orphan ) );
		$row = self::sessionRow( $cohosted );
		$this->assertSame( (string) $b['id'], $row['coach_id'], 'coach_id stays the first host' );
		$this->assertSame( $b['email'] . "\n" . $nobody . "\n" . $a['email'], $row['host_emails'], 'the facts keep every host' );
		$this->assertNull( self::sessionRow( $orphan )['coach_id'] );

		// ---- a coach's list and count: the sessions they host
		$page = $this->sessionsPage( $a );
		$this->assertSame( 200, $page['status'] );
		$this->assertSame( array( $own, $cohosted ), self::listed( $page['body'] ) );
		$this->assertStringContainsString( '>2 items<', $page['body'], 'the count is the coach\'s' );
		$this->assertStringNotContainsString( $this->tag . ' other', $page['body'] );
		$this->assertStringNotContainsString( $this->tag . ' orphan', $page['body'] );
		$this->assertStringNotContainsString( '<img src=x', $page['body'], 'a hostile name is text' );
		$this->assertStringContainsString( self::esc( self::HOSTILE ), $page['body'] );
		$this->assertStringNotContainsString( 'match no WordPress user', $page['body'], 'the unmatched hosts are the admin\'s notice' );
		// Asking for one of someone else's sessions by id shows nothing either.
		$this->assertSame( array(), self::listed( $this->sessionsPage( $a, '&session=' . $other )['body'] ) );
		$this->assertSame( array( $other, $cohosted ), self::listed( $this->sessionsPage( $b )['body'] ) );

		// ---- REST: another coach's session and a session without a coach are refused
		foreach ( array( $other, $orphan ) as $id ) {
			$refused = self::mark( $id, 'attended', $a );
			$this->assertSame( 403, $refused['status'], (string) json_encode( $refused['json'] ) );
			$this->assertSame( 'tfsp_calendly_forbidden', $refused['json']['code'] ?? null );
			$this->assertSame( 'none', self::storedMark( $id ), 'a refused mark changes nothing' );
		}
		$this->assertSame( 200, self::mark( $own, 'attended', $a )['status'] );
		$this->assertSame( 'attended', self::storedMark( $own ) );
		// Both hosts of a co-hosted session mark it.
		$this->assertSame( 200, self::mark( $cohosted, 'no_show', $a )['status'] );
		$this->assertSame( 200, self::mark( $cohosted, 'attended', $b )['status'] );
		$this->assertSame( 'attended', self::storedMark( $cohosted ) );

		// ---- the bulk action refuses the sessions of others, and says so
		$this->assertSame( 302, $this->bulk( $a, 'mark_no_show', array( $other, $orphan, $own ) ) );
		$this->assertSame( 'none', self::storedMark( $other ) );
		$this->assertSame( 'none', self::storedMark( $orphan ) );
		$this->assertSame( 'no_show', self::storedMark( $own ), 'the own session of the same bulk mark is marked' );
		$after = html_entity_decode( $this->sessionsPage( $a )['body'], ENT_QUOTES );
		$this->assertStringContainsString( "Session #$other: You can mark only the sessions you host", $after );
		$this->assertStringContainsString( "Session #$orphan: You can mark only the sessions you host", $after );

		// ---- a lead coach sees and marks every session
		$page = $this->sessionsPage( $lead );
		$this->assertSame( array( $own, $other, $cohosted, $orphan ), self::listed( $page['body'] ) );
		$this->assertStringContainsString( '>4 items<', $page['body'] );
		$this->assertSame( 200, self::mark( $orphan, 'attended', $lead )['status'] );
		$this->assertSame( 200, self::mark( $other, 'no_show', $lead )['status'] );
		$this->assertSame( 'no_show', self::storedMark( $other ) );

		// ---- so does an admin, who is told which host e-mails match no user
		$page = $this->sessionsPage( self::admin() );
		$this->assertSame( array( $own, $other, $cohosted, $orphan ), self::listed( $page['body'] ) );
		$this->assertStringContainsString( 'match no WordPress user', $page['body'] );
		$this->assertStringContainsString( '<code>' . $nobody . '</code>', $page['body'] );
		$this->assertStringNotContainsString( '<code>' . $a['email'] . '</code>', $page['body'] );
		$this->assertSame( 200, self::mark( $orphan, 'none', self::admin() )['status'] );
		$this->assertSame( 'none', self::storedMark( $orphan ) );

		// ---- the writer keeps the hosts' key of the index; a row without one (written while the
		// migration filled the column) is named too
		$this->assertSame( $nobody, self::sessionRow( $orphan )['host_key'] );
		$this->assertSame( $b['email'] . "\n" . $nobody . "\n" . $a['email'], self::sessionRow( $cohosted )['host_key'] );
		self::exec( 'UPDATE ' . self::table( 'tfsp_coach_sessions' ) . ' SET host_key = NULL WHERE id = ?', array( $orphan ) );
		$this->assertStringContainsString( '<code>' . $nobody . '</code>', $this->sessionsPage( self::admin() )['body'] );

		// ---- a coachless panel whose hosts' e-mails run past the index's 191 characters: each is named whole
		$panel = array_map( static fn( int $i ): string => self::email( "panel-host-{$i}-with-a-rather-long-local-part" ), range( 1, 6 ) );
		$this->assertGreaterThan( 191, strlen( implode( "\n", $panel ) ) );
		$this->book( 'panel', $panel );
		$page = $this->sessionsPage( self::admin() )['body'];
		foreach ( array_merge( $panel, array( $nobody ) ) as $email ) {
			$this->assertStringContainsString( '<code>' . $email . '</code>', $page );
		}
	}

	public function test_a_coachs_progress_page_and_csv_cover_the_students_of_their_sessions(): void {
		$a     = self::loggedInUser( 'tfsp_coach' );
		$b     = self::loggedInUser( 'tfsp_coach' );
		$lead  = self::loggedInUser( 'tfsp_lead_coach' );
		$mine  = self::email( 'student-of-a' );
		$yours = self::email( 'student-of-b' );
		$ids   = array(
			self::createUser( $mine ) => $this->book( 'progress-a', array( $a['email'] ), 'Student Of A', $mine ),
			self::createUser( $yours ) => $this->book( 'progress-b', array( $b['email'] ), 'Student Of B', $yours ),
		);
		foreach ( $ids as $student => $session ) {
			$this->assertSame( (string) $student, self::sessionRow( $session )['student_id'], 'the booking is the student\'s' );
		}

		$csv = function ( array $as ): string {
			$page = self::adminPage( 'admin.php?page=tfsp-calendly-progress', $as );
			$this->assertSame( 200, $page['status'] );
			$this->assertSame( 1, preg_match( '#href="([^"]*admin-post\.php\?action=tfsp_calendly_progress_csv[^"]*)"#', $page['body'], $m ), 'the export link' );
			$url = substr( html_entity_decode( $m[1] ), strlen( self::env( 'WP_URL' ) . '/wp-admin/' ) );
			$out = self::adminPage( $url, $as );
			$this->assertSame( 200, $out['status'] );
			return $out['body'];
		};
		$page = self::adminPage( 'admin.php?page=tfsp-calendly-progress&s=student-of-', $a );
		$this->assertStringContainsString( $mine, $page['body'] );
		$this->assertStringNotContainsString( $yours, $page['body'], 'another coach\'s student is not on the page' );
		$export = $csv( $a );
		$this->assertStringContainsString( $mine, $export );
		$this->assertStringNotContainsString( $yours, $export, 'nor in the export' );

		foreach ( array( $lead, self::admin() ) as $as ) {
			$page = self::adminPage( 'admin.php?page=tfsp-calendly-progress&s=student-of-', $as );
			$this->assertStringContainsString( $mine, $page['body'] );
			$this->assertStringContainsString( $yours, $page['body'] );
			$export = $csv( $as );
			$this->assertStringContainsString( $mine, $export );
			$this->assertStringContainsString( $yours, $export );
		}
	}

	public function test_a_host_who_gets_an_account_later_becomes_a_coach_of_their_sessions(): void {
		$a     = self::loggedInUser( 'tfsp_coach' );
		$later = self::email( 'later-coach' );
		$solo  = $this->book( 'later-solo', array( strtoupper( $later ) ) );
		$co    = $this->book( 'later-co', array( $a['email'], $later ) );
		$this->assertSame( array(), self::coachesOf( $solo ) );
		$this->assertSame( array( $a['id'] ), self::coachesOf( $co ) );

		$user = self::createUser( $later, null, 'tfsp_coach' ); // Matching on account creation.
		$this->assertSame( array( $user ), self::coachesOf( $solo ) );
		$this->assertSame( (string) $user, self::sessionRow( $solo )['coach_id'], 'a session without a coach gets its coach_id' );
		$this->assertSame( array( min( $a['id'], $user ), max( $a['id'], $user ) ), self::coachesOf( $co ) );
		$this->assertSame( (string) $a['id'], self::sessionRow( $co )['coach_id'], 'coach_id stays the first host\'s' );
	}

	public function test_the_roles_and_capabilities_are_installed(): void {
		$prefix = self::env( 'DB_PREFIX' );
		$roles  = unserialize( (string) self::rows( 'SELECT option_value FROM ' . self::table( 'options' ) . ' WHERE option_name = ?', array( $prefix . 'user_roles' ) )[0]['option_value'], array( 'allowed_classes' => false ) );
		$this->assertSame( 'Lead coach', $roles['tfsp_lead_coach']['name'] ?? null );
		$this->assertTrue( $roles['tfsp_lead_coach']['capabilities']['tfsp_calendly_mark_any_session'] ?? false );
		$this->assertTrue( $roles['tfsp_lead_coach']['capabilities']['tfsp_calendly_mark_attendance'] ?? false );
		$this->assertArrayNotHasKey( 'tfsp_calendly_manage', $roles['tfsp_lead_coach']['capabilities'] );
		$this->assertTrue( $roles['administrator']['capabilities']['tfsp_calendly_mark_any_session'] ?? false );
		$this->assertTrue( $roles['tfsp_coach']['capabilities']['tfsp_calendly_mark_attendance'] ?? false );
		$this->assertArrayNotHasKey( 'tfsp_calendly_mark_any_session', $roles['tfsp_coach']['capabilities'] );
	}

	public function test_deleted_hosts_leave_the_sessions_they_coached(): void {
		$a  = self::loggedInUser( 'tfsp_coach' );
		$c  = self::loggedInUser( 'tfsp_coach' );
		$id = $this->book( 'deleted', array( $a['email'], $c['email'] ) );
		$this->assertSame( array( min( $a['id'], $c['id'] ), max( $a['id'], $c['id'] ) ), self::coachesOf( $id ) );
		$this->assertSame( array( 1, 1 ), self::hostCount( $a['id'] ), 'each host\'s counter: the counter, then the rows' );
		$this->assertSame( array( 1, 1 ), self::hostCount( $c['id'] ) );

		// The co-host is deleted: they are no longer a coach of the session; coach_id stays.
		[ $code, $out, $err ] = self::php( 'delete-user.php', array( (string) $c['id'] ) );
		$this->assertSame( 0, $code, $err . $out );
		$this->assertSame( array( $a['id'] ), self::coachesOf( $id ) );
		$this->assertSame( (string) $a['id'], self::sessionRow( $id )['coach_id'] );
		$this->assertSame( array( 0, 0 ), self::hostCount( $c['id'] ) );
		$this->assertSame( array( 1, 1 ), self::hostCount( $a['id'] ) );

		// The first host is deleted, their content given to the lead coach: the session moves.
		$lead                 = self::loggedInUser( 'tfsp_lead_coach' );
		[ $code, $out, $err ] = self::php( 'delete-user.php', array( (string) $a['id'], (string) $lead['id'] ) );
		$this->assertSame( 0, $code, $err . $out );
		$this->assertSame( array( $lead['id'] ), self::coachesOf( $id ) );
		$this->assertSame( (string) $lead['id'], self::sessionRow( $id )['coach_id'] );
		$this->assertSame( array( 0, 0 ), self::hostCount( $a['id'] ) );
		$this->assertSame( array( 1, 1 ), self::hostCount( $lead['id'] ) );
		$fields = array_column( self::audit( $id ), 'field' );
		$this->assertContains( 'coaches', $fields, 'the coaches\' changes are in the audit trail' );
	}

	/** @return array{0:int,1:int} A user's hosted sessions: the writer's counter, and a COUNT over the rows. */
	private static function hostCount( int $user ): array {
		$counter = self::rows( 'SELECT COALESCE(SUM(n), 0) AS n FROM ' . self::table( 'tfsp_calendly_session_counts' ) . ' WHERE counter_key = ?', array( 'host:' . $user ) )[0]['n'];
		$rows    = self::rows( 'SELECT COUNT(*) AS n FROM ' . self::table( 'tfsp_session_coaches' ) . ' c JOIN ' . self::table( 'tfsp_coach_sessions' ) . ' s ON s.id = c.session_id WHERE c.coach_id = ? AND s.type_ignored = 0', array( $user ) )[0]['n'];
		return array( (int) $counter, (int) $rows );
	}

	private static function sessionRow( int $id ): array {
		return self::rows( 'SELECT * FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( $id ) )[0];
	}

	/** As esc_html() writes text (quotes included). */
	private static function esc( string $text ): string {
		return htmlspecialchars( $text, ENT_QUOTES, 'UTF-8' );
	}
}
