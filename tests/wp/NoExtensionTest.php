<?php
// SPDX-License-Identifier: MIT
/**
 * The site with the calsync extension not loaded (as after a PHP upgrade
 * without a rebuilt extension): php-fpm is restarted without it
 * (`scripts/stack extension off`), and the in-process helpers run without it.
 *
 * Students are still served: the portal, the Progress page and its CSV, the
 * Sessions and Unmatched pages, the Reports page and its CSV (and the job that keeps its summary), the read-only REST routes and the privacy
 * exporter and eraser read the core's answers stored with each row.  What
 * needs a core decision refuses with the "no_extension" error (503 in REST,
 * a notice in wp-admin): the webhook (503 with Retry-After), marks, links,
 * back-fills, the settings form and "Connect with Calendly" (503).  The jobs that need the core skip their
 * runs, and the Sync page says so; the student nudges, which only read stored
 * answers, run (and their one-click unsubscribe answers).  Bookings made meanwhile arrive once the
 * extension is back, through Calendly's (the fake's) retries.
 *
 * Group no_extension: `scripts/test no_extension` runs it; the wp suite leaves it out.
 *
 * @group no_extension
 */
final class NoExtensionTest extends CalendlyTestCase {

	/** Whether this process turned the extension off and has not turned it on again. */
	private static bool $off = false;

	private ?array $saved_switches = null;

	/** @var int[] Session rows made here. */
	private array $made = array();

	public static function tearDownAfterClass(): void {
		self::extensionOn();
		parent::tearDownAfterClass();
	}

	protected function tearDown(): void {
		self::extensionOn();
		if ( null !== $this->saved_switches ) {
			if ( ! ( self::fake( 'GET', '/_control/idle?timeout=30' )['idle'] ?? false ) ) {
				self::control( 'reset', array( 'keep_subscriptions' => true ) );
			}
			self::switches( $this->saved_switches );
		}
		if ( $this->made ) {
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id IN (' . implode( ',', array_map( 'intval', $this->made ) ) . ')' );
		}
		parent::tearDown();
	}

	private static function extensionOff(): void {
		register_shutdown_function( array( self::class, 'extensionOn' ) );
		self::$off = true;
		self::stack( 'extension', 'off' );
	}

	/** The stack gets its extension back, whatever happened. */
	public static function extensionOn(): void {
		if ( self::$off ) {
			self::stack( 'extension', 'on' );
			self::$off = false;
		}
	}

	/** A session row as the sync would leave it, with the core's stored answer (the progress job, with the extension). */
	/** An RFC 8058 one-click unsubscribe POST, as a mail client sends it; its HTTP status. */
	private static function oneClick( string $url ): int {
		$ch = curl_init( $url );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_TIMEOUT        => 60,
				CURLOPT_POST           => true,
				CURLOPT_POSTFIELDS     => 'List-Unsubscribe=One-Click',
			)
		);
		curl_exec( $ch );
		$status = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
		curl_close( $ch );
		return $status;
	}

	private function seed( int $student_id, string $status, float $starts_in_hours, string $name ): int {
		$uri   = 'https://api.calendly.com/scheduled_events/' . Fixtures::uuid() . '/invitees/' . Fixtures::uuid();
		$start = time() + (int) ( $starts_in_hours * 3600 );
		self::exec(
			'INSERT INTO ' . self::table( 'tfsp_coach_sessions' ) . ' (student_id, status, start_at, end_at, calendly_uri, auto_created, booked, invitee_email, invitee_name, event_name, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())',
			array( $student_id, $status, gmdate( 'Y-m-d H:i:s', $start ), gmdate( 'Y-m-d H:i:s', $start + 1800 ), $uri, 'noext-' . bin2hex( random_bytes( 4 ) ) . '@example.org', 'No Extension Invitee', $name )
		);
		$id           = (int) self::db()->insert_id;
		$this->made[] = $id;
		return $id;
	}

	/** POSTs a form to wp-admin/admin-post.php as the administrator; redirects are not followed. @return array{status:int,location:?string} */
	private static function adminPost( array $fields ): array {
		$answer = self::postAdminForm( $fields, self::admin()['cookie'], 'tfsp-calendly-settings' );
		return array(
			'status'   => $answer['status'],
			'location' => $answer['headers']['location'] ?? null,
		);
	}

	/** @return array{0:int,1:string} exit code, output of a helper run without the extension. */
	private static function withoutCore( string $script, array $args ): array {
		[ $code, $out, $err ] = self::php( $script, $args, false );
		self::assertSame( 0, $code, $err . $out );
		self::assertStringNotContainsString( 'Fatal', $err . $out );
		return array( $code, $out );
	}

	public function test_students_are_served_and_writes_refused_without_the_extension(): void {
		$student  = self::createUser( self::email() );
		$email    = (string) self::rows( 'SELECT user_email FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( $student ) )[0]['user_email'];
		$attended = $this->seed( $student, 'attended', -72, 'NoExt attended' );
		$upcoming = $this->seed( $student, 'scheduled', 48, 'NoExt upcoming' );
		$awaiting = $this->seed( $student, 'scheduled', -5, 'NoExt awaiting mark' );
		[ $code, $out, $err ] = self::php( 'run-cron.php', array( 'tfsp_calendly_progress' ) ); // The stored answers, with the core.
		$this->assertSame( 0, $code, $out . $err );
		$this->assertSame( '1', self::rows( 'SELECT counts_toward_progress FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( $attended ) )[0]['counts_toward_progress'] );
		$before = self::rows( 'SELECT * FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id IN (' . implode( ',', $this->made ) . ') ORDER BY id' );

		self::extensionOff();
		$this->assertSame( 200, self::adminRest( 'GET', 'tfsp-calendly/v1/ping' )['status'], 'the site answers without the extension' );

		// ---- reads, in-process without the extension
		[ , $portal ] = self::withoutCore( 'coaching.php', array( $student, 'portal' ) );
		$this->assertStringContainsString( '1 of 3', $portal, 'progress from the stored answers' );
		$this->assertStringContainsString( 'NoExt upcoming', $portal );
		$this->assertStringContainsString( 'NoExt attended', $portal );
		$admin_id    = (int) self::rows( 'SELECT ID FROM ' . self::table( 'users' ) . ' WHERE user_login = ?', array( self::env( 'WP_ADMIN_USER' ) ) )[0]['ID'];
		[ , $csv ]   = self::withoutCore( 'coaching.php', array( $admin_id, 'csv' ) );
		$this->assertStringNotContainsString( 'died:', $csv );
		$line = array_values( array_filter( array_map( 'str_getcsv', explode( "\n", $csv ) ), static fn( array $r ): bool => (string) $student === $r[0] ) );
		$this->assertCount( 1, $line, $csv );
		$this->assertSame( array( $email, '1' ), array( $line[0][2], $line[0][3] ), 'the CSV counts the attended session' );
		[ , $export ] = self::withoutCore( 'coaching.php', array( $admin_id, 'export', $email ) );
		$this->assertStringContainsString( 'NoExt attended', $export, 'the exporter reads the rows' );

		// ---- the student nudges only read stored answers: they run without the core
		$due_id    = self::createUser( self::email() );
		$due_email = (string) self::rows( 'SELECT user_email FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( $due_id ) )[0]['user_email'];
		$due_row   = $this->seed( $due_id, 'attended', -24 * 20, 'NoExt nudged' );
		self::exec( 'UPDATE ' . self::table( 'tfsp_coach_sessions' ) . ' SET counts_toward_progress = 1 WHERE id = ?', array( $due_row ) ); // The stored answer.
		$saved_settings = self::rows( 'SELECT setting_key, setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key IN ('nudge_book_next','scheduling_url')" );
		self::putSetting( 'nudge_book_next', '1' );
		self::putSetting( 'scheduling_url', 'https://calendly.com/tfsp-test/noext' );
		$mail_since = time();
		self::withoutCore( 'run-cron.php', array( 'tfsp_calendly_student_nudges' ) );
		self::exec( 'DELETE FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key IN ('nudge_book_next','scheduling_url')" );
		foreach ( $saved_settings as $saved_setting ) {
			self::putSetting( $saved_setting['setting_key'], $saved_setting['setting_value'] );
		}
		$nudges = array_values( array_filter( MailSink::since( $mail_since ), static fn( array $m ): bool => in_array( $due_email, $m['to'], true ) ) );
		$this->assertCount( 1, $nudges, 'the nudge job ran without the core' );
		$this->assertStringContainsString( 'https://calendly.com/tfsp-test/noext?', $nudges[0]['message'] );
		$this->assertSame( 200, self::oneClick( trim( $nudges[0]['headers']['list-unsubscribe'], '<>' ) ), 'one-click unsubscribe without the core' );
		$this->assertCount( 1, self::rows( 'SELECT 1 FROM ' . self::table( 'usermeta' ) . " WHERE user_id = ? AND meta_key = 'tfsp_calendly_unsubscribed_student_book_next'", array( $due_id ) ) );

		// ---- reads over HTTP (php-fpm without the extension)
		$sessions = self::adminPage( 'admin.php?page=tfsp-calendly&student=' . $student );
		$this->assertSame( 200, $sessions['status'] );
		$this->assertStringContainsString( 'NoExt upcoming', $sessions['body'] );
		$this->assertStringContainsString( 'NoExt awaiting mark', $sessions['body'] );
		$this->assertStringContainsString( 'the PHP extension "calsync" is not loaded', html_entity_decode( $sessions['body'], ENT_QUOTES ), 'the notice says why' );
		$progress = self::adminPage( 'admin.php?page=tfsp-calendly-progress&s=' . rawurlencode( $email ) );
		$this->assertSame( 200, $progress['status'] );
		$this->assertStringContainsString( $email, $progress['body'] );
		$this->assertSame( 200, self::adminPage( 'admin.php?page=tfsp-calendly-unmatched' )['status'] );
		$this->assertSame( 200, self::adminPage( 'admin.php?page=tfsp-calendly-settings' )['status'] );
		$health = self::adminRest( 'GET', 'tfsp-calendly/v1/health' );
		$this->assertSame( 200, $health['status'], (string) json_encode( $health['json'] ) );
		$job = self::adminRest( 'GET', 'tfsp-calendly/v1/backfill/999999999' );
		$this->assertSame( 'rest_not_found', $job['json']['code'] ?? null, 'the back-fill route reads: ' . json_encode( $job['json'] ) );
		// The sessions REST API's reads: the list, one session and the progress, from the stored answers.
		$list = self::adminRest( 'GET', 'tfsp-calendly/v1/sessions?context=edit&per_page=100&student=' . $student );
		$this->assertSame( 200, $list['status'], (string) json_encode( $list['json'] ) );
		$listed = array_map( static fn( array $item ): int => (int) $item['id'], $list['json'] );
		sort( $listed );
		$this->assertSame( array( $attended, $upcoming, $awaiting ), $listed, 'GET /sessions lists the student\'s sessions' );
		$this->assertSame( array( '3' ), array( $list['headers']['x-wp-total'] ?? null ), 'X-WP-Total' );
		foreach ( $list['json'] as $listed_item ) {
			$this->assertStringStartsWith( 'noext-', (string) $listed_item['invitee_email'], 'context=edit holds the invitee' );
		}
		$this->assertTrue( $list['json'][ array_search( $awaiting, array_column( $list['json'], 'id' ), true ) ]['needs_attendance'], 'needs attendance, from the stored status and end' );
		$item = self::adminRest( 'GET', "tfsp-calendly/v1/sessions/$attended" );
		$this->assertSame( 200, $item['status'], (string) json_encode( $item['json'] ) );
		$this->assertSame( array( 'attended', true ), array( $item['json']['status'], $item['json']['counts_toward_progress'] ), 'GET /sessions/{id}: the stored answers' );
		$progress_api = self::adminRest( 'GET', "tfsp-calendly/v1/students/$student/progress" );
		$this->assertSame( 200, $progress_api['status'], (string) json_encode( $progress_api['json'] ) );
		$this->assertSame( array( 1, 1 ), array( $progress_api['json']['attended'], $progress_api['json']['upcoming'] ), 'GET /students/{id}/progress' );

		// ---- writes that need the core: refused, nothing changed
		$mark = self::adminRest( 'POST', "tfsp-calendly/v1/sessions/$upcoming/mark", array( 'mark' => 'attended' ) );
		$this->assertSame( 503, $mark['status'], (string) json_encode( $mark['json'] ) );
		$this->assertSame( 'tfsp_calendly_no_extension', $mark['json']['code'] ?? null );
		$link = self::adminRest( 'POST', "tfsp-calendly/v1/sessions/$upcoming/student", array( 'student_id' => 0 ) );
		$this->assertSame( 503, $link['status'], (string) json_encode( $link['json'] ) );
		$this->assertSame( 'tfsp_calendly_no_extension', $link['json']['code'] ?? null );
		// Sessions entered by hand: the core checks their times and derives their status.
		self::exec( 'INSERT INTO ' . self::table( 'tfsp_coach_sessions' ) . " (student_id, status, start_at, end_at, auto_created, source, entered_by, entered_at, created_at, updated_at) VALUES (?, 'scheduled', UTC_TIMESTAMP() - INTERVAL 2 DAY, UTC_TIMESTAMP() - INTERVAL 2 DAY + INTERVAL 1 HOUR, 0, 'hand', 1, UTC_TIMESTAMP(), UTC_TIMESTAMP(), UTC_TIMESTAMP())", array( $student ) );
		$hand         = (int) self::rows( 'SELECT MAX(id) AS id FROM ' . self::table( 'tfsp_coach_sessions' ) . " WHERE source = 'hand'" )[0]['id'];
		$hand_before  = self::rows( 'SELECT * FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( $hand ) );
		$count_before = self::rows( 'SELECT COUNT(*) AS n FROM ' . self::table( 'tfsp_coach_sessions' ) );
		$entry        = array(
			'student_id' => $student,
			'start'      => gmdate( 'Y-m-d\TH:i:s\Z', time() - 7200 ),
			'end'        => gmdate( 'Y-m-d\TH:i:s\Z', time() - 3600 ),
		);
		foreach ( array( array( 'POST', 'tfsp-calendly/v1/sessions', $entry ), array( 'PATCH', "tfsp-calendly/v1/sessions/$hand", array( 'note' => 'x' ) ), array( 'DELETE', "tfsp-calendly/v1/sessions/$hand", null ) ) as [ $method, $route, $body ] ) {
			$r = self::adminRest( $method, $route, $body );
			$this->assertSame( 503, $r['status'], $method . ' ' . $route . ': ' . json_encode( $r['json'] ) );
			$this->assertSame( 'tfsp_calendly_no_extension', $r['json']['code'] ?? null );
		}
		$this->assertSame( $hand_before, self::rows( 'SELECT * FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( $hand ) ), 'the hand-entered row is as it was' );
		$this->assertSame( $count_before, self::rows( 'SELECT COUNT(*) AS n FROM ' . self::table( 'tfsp_coach_sessions' ) ), 'no session was entered' );
		$sessions_page = self::adminPage( 'admin.php?page=tfsp-calendly' )['body'];
		$this->assertSame( 1, preg_match( '/id="tfsp-calendly-add-session".*?name="_tfsp_add_session_nonce" value="([0-9a-f]+)"/s', $sessions_page, $m ), 'the Add-session form is shown, with its nonce' );
		$form = self::adminPost(
			array(
				'action'     => 'tfsp_calendly_add_session',
				'_tfsp_add_session_nonce' => $m[1],
				'student'    => (string) $student,
				'date'       => gmdate( 'Y-m-d', time() - 86400 ),
				'start_time' => '09:00',
				'end_time'   => '10:00',
			)
		);
		$this->assertSame( 503, $form['status'], 'the Add-session form answers 503' );
		$this->assertSame( $count_before, self::rows( 'SELECT COUNT(*) AS n FROM ' . self::table( 'tfsp_coach_sessions' ) ), 'the form entered no session' );
		self::exec( 'DELETE FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( $hand ) );
		$fill = self::adminRest(
			'POST',
			'tfsp-calendly/v1/backfill',
			array(
				'from' => gmdate( 'Y-m-d\TH:i:s\Z', time() - 86400 ),
				'to'   => gmdate( 'Y-m-d\TH:i:s\Z', time() + 86400 ),
			)
		);
		$this->assertSame( 503, $fill['status'], (string) json_encode( $fill['json'] ) );
		$this->assertSame( 'tfsp_calendly_no_extension', $fill['json']['code'] ?? null );
		$hook = $this->post( '{"event":"invitee.created","payload":{}}', array( 'Content-Type: application/json', 'Calendly-Webhook-Signature: t=1,v1=00' ) );
		$this->assertSame( 503, $hook['status'], 'the webhook asks Calendly to retry' );
		$this->assertSame( 'tfsp_calendly_extension_missing', $hook['json']['code'] ?? null );
		$this->assertArrayHasKey( 'retry-after', $hook['headers'] );
		$settings = self::adminPage( 'admin.php?page=tfsp-calendly-settings' )['body'];
		$this->assertSame( 1, preg_match( '/name="_wpnonce" value="([0-9a-f]+)"/', $settings, $m ), 'the settings form has its nonce' );
		$saved = self::adminPost(
			array(
				'action'   => 'tfsp_calendly_save_settings',
				'_wpnonce' => $m[1],
				'tfsp'     => array( 'required_sessions' => '7' ),
			)
		);
		$this->assertSame( 302, $saved['status'], 'the form is answered with a redirect back' );
		$this->assertStringContainsString( 'The calsync PHP extension is not loaded, so this cannot be done now', html_entity_decode( self::adminPage( 'admin.php?page=tfsp-calendly-settings' )['body'], ENT_QUOTES ) );
		$this->assertSame( array(), self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = 'required_sessions' AND setting_value = '7'" ), 'the setting was not saved' );

		// ---- "Connect with Calendly" needs the core (sealing, the auth-base client): 503, nothing stored
		$this->assertSame( 1, preg_match( '/id="tfsp-form-tfsp_calendly_oauth_start">.*?name="_wpnonce" value="([0-9a-f]+)"/s', $settings, $oauth_nonce ), 'the Connect with Calendly form has its nonce' );
		$connect = self::adminPost(
			array(
				'action'   => 'tfsp_calendly_oauth_start',
				'_wpnonce' => $oauth_nonce[1],
			)
		);
		$this->assertSame( 503, $connect['status'], 'connect answers 503 without the extension' );
		$this->assertSame( 503, self::adminPage( 'admin-post.php?action=tfsp_calendly_oauth&code=abc&state=' . str_repeat( 'A', 43 ) )['status'], 'so does the callback' );
		$this->assertSame( array(), self::rows( 'SELECT state_hash FROM ' . self::table( 'tfsp_oauth_states' ) ), 'no state was stored' );
		$this->assertSame( array(), self::rows( 'SELECT setting_key FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_oauth_tokens'" ) );
		$this->assertSame( $before, self::rows( 'SELECT * FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id IN (' . implode( ',', array_map( 'intval', array_column( $before, 'id' ) ) ) . ') ORDER BY id' ), 'no refused write changed a row' );

		// ---- jobs that need the core skip, and the Sync page says so
		self::withoutCore( 'run-cron.php', array( 'tfsp_calendly_retry' ) );
		self::withoutCore( 'run-cron.php', array( 'tfsp_calendly_stale_lookup' ) );
		$sync = self::adminPage( 'admin.php?page=tfsp-calendly-sync' );
		$this->assertSame( 200, $sync['status'] );
		$this->assertStringContainsString( 'tfsp-calendly-skipped-jobs', $sync['body'] );
		$this->assertStringContainsString( 'data-hook="tfsp_calendly_retry"', $sync['body'] );
		$this->assertStringContainsString( 'data-hook="tfsp_calendly_stale_lookup"', $sync['body'] );

		// ---- the eraser works without the core: its tombstone is a column
		[ , $erase ] = self::withoutCore( 'coaching.php', array( $admin_id, 'erase', (string) $before[0]['invitee_email'] ) );
		$this->assertTrue( (bool) ( json_decode( $erase, true )[0]['items_removed'] ?? false ), $erase );
		$erased = self::rows( 'SELECT erased_at, invitee_email FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( (int) $before[0]['id'] ) )[0];
		$this->assertNotNull( $erased['erased_at'] );
		$this->assertNull( $erased['invitee_email'] );

		// ---- back: the skipped jobs run again, and the Sync page no longer lists them
		self::extensionOn();
		[ $code, $out, $err ] = self::php( 'run-cron.php', array( 'tfsp_calendly_retry' ) );
		$this->assertSame( 0, $code, $out . $err );
		$this->assertStringNotContainsString( 'data-hook="tfsp_calendly_retry"', self::adminPage( 'admin.php?page=tfsp-calendly-sync' )['body'] );
	}

	public function test_reports_read_without_the_extension(): void {
		$tag     = 'NoExtReport' . bin2hex( random_bytes( 3 ) );
		$student = self::createUser( self::email() );
		$hours   = -24 * 777 + ( 12 - (int) gmdate( 'G' ) ); // Noon UTC, 777 days ago: a day of its own.
		$day     = gmdate( 'Y-m-d', time() + $hours * 3600 );
		$figure  = static function ( string $body, string $name ): int {
			preg_match( '#<tr data-figure="' . $name . '"><th scope="row">[^<]*</th><td class="tfsp-figure">(\d+)</td>#', $body, $m );
			return (int) ( $m[1] ?? -1 );
		};
		$before = self::adminPage( 'admin.php?page=tfsp-calendly-reports&from=' . $day . '&to=' . $day )['body'];
		$this->seed( $student, 'canceled', $hours, $tag );

		self::extensionOff();
		// The one-minute job reads stored answers only: it runs without the core.
		self::withoutCore( 'run-cron.php', array( 'tfsp_calendly_report_days' ) );
		for ( $i = 0; $i < 50 && 503 !== self::adminRest( 'POST', 'tfsp-calendly/v1/sessions/999999999/mark', array( 'mark' => 'attended' ) )['status']; $i++ ) {
			usleep( 200000 );
		}
		$page = self::adminPage( 'admin.php?page=tfsp-calendly-reports&from=' . $day . '&to=' . $day );
		$this->assertSame( 200, $page['status'] );
		$this->assertSame( $figure( $before, 'booked' ) + 1, $figure( $page['body'], 'booked' ), 'the report reads without the core' );
		$this->assertSame( $figure( $before, 'canceled' ) + 1, $figure( $page['body'], 'canceled' ) );
		$this->assertStringContainsString( '<svg class="tfsp-calendly-chart"', $page['body'] );
		$this->assertSame( 1, preg_match( '#class="page-title-action tfsp-calendly-report-csv" href="([^"]+)"#', $page['body'], $m ) );
		$url = html_entity_decode( $m[1], ENT_QUOTES );
		$csv = self::adminPage( substr( $url, strpos( $url, 'admin-post.php' ) ) );
		$this->assertSame( 200, $csv['status'] );
		$this->assertStringContainsString( $tag, $csv['body'], 'and so does its CSV' );
	}

	public function test_a_coachs_sessions_list_stays_scoped_without_the_extension(): void {
		$coaches = array();
		foreach ( array( 'a', 'b' ) as $who ) {
			$email    = self::email( 'noext-coach-' . $who );
			$id       = self::createUser( $email, null, 'tfsp_coach' );
			$password = 'pw-' . bin2hex( random_bytes( 6 ) );
			self::exec( 'UPDATE ' . self::table( 'users' ) . ' SET user_pass = MD5(?) WHERE ID = ?', array( $password, $id ) );
			$login           = self::rows( 'SELECT user_login FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( $id ) )[0]['user_login'];
			$coaches[ $who ] = array(
				'id'    => $id,
				'login' => $login,
				'pw'    => $password,
			);
		}
		$tag  = 'NoExtScope' . bin2hex( random_bytes( 3 ) );
		$student = self::createUser( self::email() );
		$mine    = $this->seed( $student, 'scheduled', -5, $tag . ' mine' );
		$not     = $this->seed( $student, 'scheduled', -5, $tag . ' theirs' );
		self::exec( 'INSERT INTO ' . self::table( 'tfsp_session_coaches' ) . ' (session_id, coach_id) VALUES (?, ?), (?, ?)', array( $mine, $coaches['a']['id'], $not, $coaches['b']['id'] ) );
		$as = self::userCookies( $coaches['a']['login'], $coaches['a']['pw'] );

		self::extensionOff();
		try {
			// The workers answer without the core once a mark of no session is refused as 503, not 404.
			for ( $i = 0; $i < 50 && 503 !== self::adminRest( 'POST', 'tfsp-calendly/v1/sessions/999999999/mark', array( 'mark' => 'attended' ), true, $as )['status']; $i++ ) {
				usleep( 200000 );
			}
			$page = self::adminPage( 'admin.php?page=tfsp-calendly&s=' . rawurlencode( $tag ), $as );
			$this->assertSame( 200, $page['status'] );
			$this->assertStringContainsString( $tag . ' mine', $page['body'] );
			$this->assertStringNotContainsString( $tag . ' theirs', $page['body'], 'the coach\'s list is scoped without the core too' );
			$this->assertStringContainsString( '>1 item<', $page['body'] );
			// Marking needs the core (so the page above was served without it): 503, as before.
			$mark = self::adminRest( 'POST', "tfsp-calendly/v1/sessions/$mine/mark", array( 'mark' => 'attended' ), true, $as );
			$this->assertSame( 503, $mark['status'], (string) json_encode( $mark['json'] ) );
			$this->assertSame( 'tfsp_calendly_no_extension', $mark['json']['code'] ?? null );
		} finally {
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_session_coaches' ) . ' WHERE session_id IN (?, ?)', array( $mine, $not ) );
		}
	}

	public function test_bookings_made_meanwhile_arrive_once_the_extension_is_back(): void {
		self::resetFake();
		$this->assertTrue( (bool) ( self::fake( 'GET', '/_control/idle?timeout=120' )['idle'] ?? false ), 'deliveries of earlier tests are done' );
		$this->saved_switches = self::control( 'switches', array(), 'GET' );
		self::switches(
			array(
				'retry_base_seconds'         => 2, // Retries within seconds, not minutes.
				'retry_cap_seconds'          => 3,
				'retry_window_seconds'       => 86400,
				'time_scale'                 => 1,
				'shuffle'                    => false,
				'duplicate_rate'             => 0,
				'webhook_deliveries_enabled' => true,
				'embed_scheduled_event'      => true,
			)
		);
		self::extensionOff();
		$since   = (int) self::control( 'deliveries?since=' . PHP_INT_MAX, array(), 'GET' )['last_id'];
		$tag     = 'noext.' . bin2hex( random_bytes( 4 ) ) . '.';
		$results = self::control(
			'batch',
			array(
				'ops' => array_map(
					static fn( int $n ) => array(
						'op'         => 'book',
						'email'      => $tag . $n . '@example.org',
						'name'       => "Meanwhile Student $n",
						'start_time' => gmdate( 'Y-m-d\TH:00:00\Z', ( intdiv( time(), 86400 ) + 3 + $n ) * 86400 + 15 * 3600 ),
					),
					range( 1, 3 )
				),
			)
		)['results'];
		$uris = array_map( static fn( array $r ): string => (string) $r['body']['invitee_uri'], $results );
		$this->assertCount( 3, $uris );
		// Calendly is refused meanwhile: each delivery got a 503, and no row exists.
		$deadline = microtime( true ) + 30;
		do {
			$refused = array_filter( self::control( 'deliveries?since=' . $since, array(), 'GET' )['deliveries'] ?? array(), static fn( array $d ): bool => 503 === ( $d['status'] ?? null ) && in_array( $d['invitee'] ?? null, $uris, true ) );
			if ( count( $refused ) >= 3 ) {
				break;
			}
			usleep( 300000 );
		} while ( microtime( true ) < $deadline );
		$this->assertGreaterThanOrEqual( 3, count( $refused ), 'every booking was delivered and refused with 503' );
		foreach ( $uris as $uri ) {
			$this->assertNull( self::session( $uri ), 'nothing is stored without the core' );
		}

		self::extensionOn();
		$this->assertTrue( (bool) ( self::fake( 'GET', '/_control/idle?timeout=120' )['idle'] ?? false ), 'the retries are done' );
		foreach ( $uris as $uri ) {
			$row = self::session( $uri );
			$this->assertNotNull( $row, 'a retried delivery stored ' . $uri );
			$this->assertSame( 'scheduled', $row['status'] );
			$this->made[] = (int) $row['id'];
		}
	}
}
