<?php
// SPDX-License-Identifier: MIT
/**
 * The History of a session reads as one entry per delivery or action (issue 12, "the audit
 * trail, readable"): a booking delivered by a signed webhook is one "Booked in Calendly" entry
 * with its values and a link to its ledger row on the Sync page (which shows that row); a
 * cancel is a second entry; a coach's mark is "Marked attended by <the coach's name>"; an
 * admin's link is "Linked to <student> by <admin>"; a session entered by hand is "Entered by
 * hand by <coach>".  Hostile names and notes show as text.
 */
final class SessionHistoryEntriesTest extends CalendlyTestCase {

	private const HOSTILE = '<img src=x onerror=alert(1)>"\'&';

	/** @var int[] Session ids made here. */
	private array $made = array();

	protected function tearDown(): void {
		if ( $this->made ) {
			$in = implode( ',', array_map( 'intval', $this->made ) );
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_session_coaches' ) . " WHERE session_id IN ($in)" );
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_coach_sessions' ) . " WHERE id IN ($in)" );
		}
		parent::tearDown();
	}

	/** Books a session through a signed webhook (hosted by $host when given); returns [row id, payload]. */
	private function book( ?string $host = null, string $name = 'Grace Hopper' ): array {
		$p                                     = ( new Fixtures() )->load( 'invitee_created' );
		$p['payload']['name']                  = $name;
		$p['payload']['email']                 = self::email( 'history-invitee' );
		$p['payload']['scheduled_event']['name'] = 'History ' . self::HOSTILE;
		if ( null !== $host ) {
			$p['payload']['scheduled_event']['event_memberships'] = array(
				array(
					'user'       => 'https://api.calendly.com/users/' . Fixtures::uuid(),
					'user_email' => $host,
					'user_name'  => 'Host',
				),
			);
		}
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $p ) )['status'] );
		$row = self::session( $p['payload']['uri'] );
		$this->assertNotNull( $row, 'the booking made a session' );
		$this->made[] = (int) $row['id'];
		return array( (int) $row['id'], $p );
	}

	/** The History cell of one session on the Sessions page, as $as sees it. */
	private static function history( int $id, ?array $as = null ): string {
		$page = self::adminPage( 'admin.php?page=tfsp-calendly&session=' . $id, $as );
		self::assertSame( 200, $page['status'] );
		self::assertSame( 1, preg_match( '#<details class="tfsp-calendly-history">.*?</details>#s', $page['body'], $m ), 'the session has its History' );
		// (WordPress's own admin bar prints a display name set behind its back as it is: the
		// page's content is what is checked.)
		$content = strstr( $page['body'], 'id="wpbody-content"' );
		self::assertIsString( $content );
		self::assertStringNotContainsString( '<img src=x', $content, 'hostile text is never markup' );
		return $m[0];
	}

	/** The entries' titles, as text, in order. @return string[] */
	private static function titles( string $history ): array {
		preg_match_all( '#<strong class="tfsp-calendly-history-title">(.*?)</strong>#s', $history, $m );
		return array_map( static fn( string $t ): string => html_entity_decode( $t, ENT_QUOTES ), $m[1] );
	}

	/** The entries as HTML, in order. @return string[] */
	private static function entryHtml( string $history ): array {
		preg_match_all( '#<li class="tfsp-calendly-history-entry".*?</li>#s', $history, $m );
		return $m[0];
	}

	/** The text as WordPress's esc_html() writes it (quotes as entities, & as &amp;). */
	private static function h( string $text ): string {
		return htmlspecialchars( $text, ENT_QUOTES, 'UTF-8' );
	}

	private static function displayName( int $user_id ): string {
		return (string) self::rows( 'SELECT display_name FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( $user_id ) )[0]['display_name'];
	}

	private static function rename( int $user_id, string $name ): void {
		self::exec( 'UPDATE ' . self::table( 'users' ) . ' SET display_name = ? WHERE ID = ?', array( $name, $user_id ) );
	}

	public function test_a_booking_is_one_entry_with_its_values_and_its_delivery_and_a_cancel_another(): void {
		[ $id, $p ] = $this->book( null, 'Grace ' . self::HOSTILE );
		$ledger     = self::ledger( $p['payload']['uri'] );
		$this->assertCount( 1, $ledger );
		$ledger_id = (int) $ledger[0]['id'];
		$this->assertGreaterThan( 5, count( self::audit( $id ) ), 'the booking wrote one audit row per fact' );

		$history = self::history( $id );
		$this->assertSame( array( 'Booked in Calendly' ), self::titles( $history ), 'one entry for the delivery' );
		$this->assertStringContainsString( '1 entry, latest: Booked in Calendly', $history );
		$this->assertStringNotContainsString( 'changes', $history );
		$entry = self::entryHtml( $history )[0];
		$url   = '/wp-admin/admin.php?page=tfsp-calendly-sync&#038;delivery=' . $ledger_id . '#tfsp-ledger';
		$this->assertStringContainsString( 'href="' . self::env( 'WP_URL' ) . $url . '"', $entry, 'the entry links to its ledger row' );
		$this->assertStringContainsString( 'delivery #' . $ledger_id, $entry );
		$this->assertStringContainsString( 'Why: invitee.created', $entry );
		// Its values: the invitee's name (hostile, as text), the status, the start in site time.
		$this->assertStringContainsString( '<td>Invitee name</td><td></td><td>' . self::h( 'Grace ' . self::HOSTILE ) . '</td>', $entry );
		$this->assertStringContainsString( '<td>Status</td><td></td><td>Scheduled</td>', $entry );
		$start = trim( self::php( 'coaching.php', array( 1, 'site-time', (string) strtotime( $p['payload']['scheduled_event']['start_time'] ) ) )[1] );
		$this->assertStringContainsString( '<td>Start</td><td></td><td>' . self::h( $start ) . '</td>', $entry );

		// The link shows that delivery on the Sync page, and only it.
		$sync = self::adminPage( 'admin.php?page=tfsp-calendly-sync&delivery=' . $ledger_id );
		$this->assertSame( 200, $sync['status'] );
		preg_match_all( '/name="ledger\[\]" value="(\d+)"/', $sync['body'], $m );
		$this->assertSame( array( (string) $ledger_id ), $m[1], 'the Sync page shows the one ledger row' );
		$this->assertStringContainsString( htmlspecialchars( $p['payload']['uri'] ), $sync['body'] );
		$this->assertStringContainsString( 'Delivery #' . $ledger_id . ' only.', $sync['body'] );

		$c                   = ( new Fixtures() )->load( 'invitee_canceled' );
		$c['payload']['uri'] = $p['payload']['uri'];
		$c['payload']['scheduled_event'] = $p['payload']['scheduled_event'];
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $c ) )['status'] );
		$history = self::history( $id );
		$this->assertSame( array( 'Booked in Calendly', 'Canceled in Calendly' ), self::titles( $history ) );
		$this->assertStringContainsString( '2 entries, latest: Canceled in Calendly', $history );
		$cancel = self::entryHtml( $history )[1];
		$this->assertStringContainsString( '<td>Status</td><td>Scheduled</td><td>Canceled</td>', $cancel );
		$cancel_ledger = (int) self::ledger( $p['payload']['uri'] )[1]['id'];
		$this->assertStringContainsString( 'delivery=' . $cancel_ledger . '#', $cancel, 'the cancel links to its own ledger row' );
	}

	/** @dataProvider orders */
	public function test_a_reschedule_reads_as_one_on_each_end( bool $old_first, array $old_titles, array $new_titles ): void {
		$fixtures = new Fixtures();
		$old      = $fixtures->load( 'reschedule_old_canceled' );
		$new      = $fixtures->load( 'reschedule_new_created' );
		foreach ( $old_first ? array( $old, $new ) : array( $new, $old ) as $payload ) {
			$this->assertSame( 200, $this->deliver( Fixtures::encode( $payload ) )['status'] );
		}
		$old_id       = (int) self::session( $old['payload']['uri'] )['id'];
		$new_id       = (int) self::session( $new['payload']['uri'] )['id'];
		$this->made[] = $old_id;
		$this->made[] = $new_id;
		$this->assertSame( $old_titles, self::titles( self::history( $old_id ) ), 'the old booking' );
		$this->assertSame( $new_titles, self::titles( self::history( $new_id ) ), 'the new booking' );
	}

	/** The two orders of a reschedule's deliveries; a delivery that changes nothing on a row adds no entry. */
	public static function orders(): array {
		$linked = 'Linked to its reschedule in Calendly';
		$booked = 'Booked in Calendly, as a reschedule of an earlier booking';
		return array(
			'old invitee canceled first' => array( true, array( 'Rescheduled in Calendly' ), array( $linked, $booked ) ),
			'new invitee created first'  => array( false, array( $linked, 'Rescheduled in Calendly' ), array( $booked ) ),
		);
	}

	public function test_what_a_back_fill_finds_is_told_as_what_happened_in_calendly(): void {
		self::finishOtherJobs();
		$day    = strtotime( '2027-09-01T00:00:00Z' ) + random_int( 0, 300 ) * 86400;
		$at     = static fn( int $h ) => gmdate( 'Y-m-d\TH:i:s\Z', $day + $h * 3600 );
		$booked = self::control( 'book', array( 'email' => self::email( 'found' ), 'start_time' => $at( 10 ) ) );
		$gone   = self::control( 'book', array( 'email' => self::email( 'found' ), 'start_time' => $at( 12 ) ) );
		self::control( 'cancel', array( 'invitee_uri' => $gone['invitee_uri'] ) );
		self::waitIdle();
		// As if the webhooks had never come: the rows gone, then a back-fill of the day.
		foreach ( array( $booked, $gone ) as $b ) {
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE calendly_uri = ?', array( $b['invitee_uri'] ) );
		}
		self::exec( 'DELETE FROM ' . self::table( 'tfsp_calendly_seen_events' ) );
		$job = self::adminRest( 'POST', 'tfsp-calendly/v1/backfill', array( 'from' => $at( 0 ), 'to' => $at( 24 ) ) );
		$this->assertSame( 201, $job['status'], (string) json_encode( $job['json'] ) );
		self::runBackfills();
		$this->assertSame( 'done', self::job( (int) $job['json']['id'] )['state'] );
		foreach ( array( 'Booked in Calendly, found by a back-fill' => $booked, 'Canceled in Calendly, found by a back-fill' => $gone ) as $title => $b ) {
			$id           = (int) self::session( $b['invitee_uri'] )['id'];
			$this->made[] = $id;
			$history      = self::history( $id );
			$this->assertSame( array( $title ), self::titles( $history ) );
			$ledger = self::rows( 'SELECT id FROM ' . self::table( 'tfsp_calendly_events' ) . " WHERE invitee_uri = ? AND event_name = 'backfill'", array( $b['invitee_uri'] ) )[0]['id'];
			$this->assertStringContainsString( 'delivery=' . $ledger . '#', $history, 'linked to the back-fill\'s ledger row' );
		}
	}

	public function test_a_mark_names_the_coach_and_a_link_names_the_student_and_the_admin(): void {
		$coach = self::loggedInUser( 'tfsp_coach' );
		self::rename( $coach['id'], 'Coach Lee ' . self::HOSTILE );
		$student = self::createUser( self::email( 'ada' ) );
		self::rename( $student, 'Ada Lovelace ' . self::HOSTILE );
		[ $id ] = $this->book( $coach['email'] );

		$this->assertSame( 200, self::adminRest( 'POST', "tfsp-calendly/v1/sessions/$id/mark", array( 'mark' => 'attended', 'note' => 'On time ' . self::HOSTILE ), true, $coach )['status'] );
		$link = self::adminRest( 'POST', "tfsp-calendly/v1/sessions/$id/student", array( 'student_id' => $student ) );
		$this->assertSame( 200, $link['status'], (string) json_encode( $link['json'] ) );
		$admin = self::displayName( (int) self::rows( 'SELECT ID FROM ' . self::table( 'users' ) . ' WHERE user_login = ?', array( self::env( 'WP_ADMIN_USER' ) ) )[0]['ID'] );

		foreach ( array( 'admin' => null, 'coach' => $coach ) as $who => $as ) {
			$history = self::history( $id, $as );
			$this->assertSame(
				array( 'Booked in Calendly', 'Marked attended by Coach Lee ' . self::HOSTILE, 'Linked to Ada Lovelace ' . self::HOSTILE . ' by ' . $admin ),
				self::titles( $history ),
				$who . ': one entry per delivery or action'
			);
			[ , $mark, $linked ] = self::entryHtml( $history );
			$this->assertStringContainsString( '<td>Status</td><td>Scheduled</td><td>Attended</td>', $mark, $who );
			$this->assertStringContainsString( '<td>Marked by</td><td></td><td>' . self::h( 'Coach Lee ' . self::HOSTILE ) . '</td>', $mark, $who );
			$this->assertStringContainsString( '<td>Note</td><td></td><td>' . self::h( 'On time ' . self::HOSTILE ) . '</td>', $mark, $who . ': the mark\'s note is in its entry' );
			$this->assertStringContainsString( '<td>Student</td><td></td><td>' . self::h( 'Ada Lovelace ' . self::HOSTILE ) . '</td>', $linked, $who );
			$this->assertStringNotContainsString( 'delivery #', $mark . $linked, $who . ': no ledger row for a person\'s action' );
			if ( 'coach' === $who ) {
				$this->assertStringNotContainsString( 'page=tfsp-calendly-sync', $history, 'a coach, who cannot open the Sync page, gets no link to it' );
			}
		}
	}

	public function test_a_session_entered_by_hand_says_who_entered_it(): void {
		$coach = self::loggedInUser( 'tfsp_coach' );
		self::rename( $coach['id'], 'Coach Lee ' . self::HOSTILE );
		$student = self::createUser( self::email( 'handhistory' ) );
		$r       = self::adminRest(
			'POST',
			'tfsp-calendly/v1/sessions',
			array(
				'student_id' => $student,
				'start'      => gmdate( 'Y-m-d\TH:i:s', time() - 86400 ) . '+00:00',
				'end'        => gmdate( 'Y-m-d\TH:i:s', time() - 86400 + 3600 ) . '+00:00',
				'note'       => 'Met in the library ' . self::HOSTILE,
			),
			true,
			$coach
		);
		$this->assertSame( 201, $r['status'], (string) json_encode( $r['json'] ) );
		$id           = (int) $r['json']['id'];
		$this->made[] = $id;

		$history = self::history( $id );
		$this->assertSame( array( 'Entered by hand by Coach Lee ' . self::HOSTILE ), self::titles( $history ) );
		$entry = self::entryHtml( $history )[0];
		$this->assertStringContainsString( '<td>Note</td><td></td><td>' . self::h( 'Met in the library ' . self::HOSTILE ) . '</td>', $entry );
		$this->assertStringContainsString( '<td>Source</td><td></td><td>hand</td>', $entry );
	}
}

