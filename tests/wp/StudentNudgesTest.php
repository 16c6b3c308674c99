<?php
// SPDX-License-Identifier: MIT
/**
 * The student mails (issue 13): the daily "book your next session" job
 * (tfsp_calendly_student_nudges) and the "requirement met" mail of the
 * tfsp_calendly_requirement_met listener, each once per occasion and recorded in
 * {prefix}tfsp_notifications, through the tfsp_calendly_email filter, with the
 * RFC 8058 unsubscribe headers; and the signed unsubscribe endpoint (GET shows a
 * button and changes nothing, POST records, a link that does not verify is 403).
 * Mail is read from the stack's mail sink (MailSink).
 */
require_once __DIR__ . '/support/CoachingTestCase.php';

final class StudentNudgesTest extends CoachingTestCase {

	private const LINK = 'https://calendly.com/tfsp-test/coaching';

	/** Settings this test changes, with their stored values before (null: none). */
	private array $saved = array();

	private string $mu_plugin;

	protected function setUp(): void {
		parent::setUp();
		foreach ( array(
			'nudge_book_next'       => '1',
			'nudge_requirement_met' => '1',
			'nudge_after_days'      => '14',
			'required_sessions'     => '2',
			'scheduling_url'        => self::LINK,
		) as $name => $value ) {
			$row                  = self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . ' WHERE setting_key = ?', array( $name ) );
			$this->saved[ $name ] = $row ? $row[0]['setting_value'] : null;
			self::putSetting( $name, $value );
		}
		// A site's own code marks every mail's subject with its kind, as docs/hooks.md shows.
		$this->mu_plugin = self::env( 'WP_PATH' ) . '/wp-content/mu-plugins/tfsp-test-nudges.php';
		file_put_contents(
			$this->mu_plugin,
			"<?php\n// Written by tests/wp/StudentNudgesTest.php; removed when the test ends.\n"
			. "add_filter( 'tfsp_calendly_email', static function ( \$mail, \$kind, \$context ) { if ( str_starts_with( \$kind, 'student_' ) ) { \$mail['subject'] = '[' . \$kind . ' ' . \$context['occasion'] . '] ' . \$mail['subject']; } return \$mail; }, 10, 3 );\n"
		);
	}

	protected function tearDown(): void {
		@unlink( $this->mu_plugin );
		foreach ( $this->saved as $name => $value ) {
			null === $value ? self::deleteSetting( $name ) : self::putSetting( $name, $value );
		}
		parent::tearDown();
	}

	private function runNudges(): void {
		[ $code, $out, $err ] = self::php( 'run-cron.php', array( 'tfsp_calendly_student_nudges' ) );
		$this->assertSame( 0, $code, $err . $out );
	}

	/** @return array<int,array> The student mails of $kind to $email since $since. */
	private static function mailsTo( float $since, string $email, string $kind ): array {
		return array_values( array_filter( MailSink::since( $since ), static fn( $m ) => in_array( $email, $m['to'], true ) && str_contains( $m['subject'], '[' . $kind . ' ' ) ) );
	}

	private static function notifications( int $user_id ): array {
		return self::rows( 'SELECT kind, occasion FROM ' . self::table( 'tfsp_notifications' ) . ' WHERE user_id = ? ORDER BY id', array( $user_id ) );
	}

	private static function student( ?string $display_name = null ): array {
		$email = self::email();
		$id    = self::createUser( $email );
		if ( null !== $display_name ) {
			self::exec( 'UPDATE ' . self::table( 'users' ) . ' SET display_name = ? WHERE ID = ?', array( $display_name, $id ) );
		}
		return array( $id, $email );
	}

	private static function days( float $days ): float {
		return $days * 24;
	}

	public function test_book_next_goes_once_per_latest_session_to_students_below_the_requirement_with_nothing_upcoming(): void {
		[ $due, $due_email ]         = self::student( '<b>Ann</b> <script>alert(1)</script>Lee' );
		[ $recent, $recent_email ]   = self::student();
		[ $booked, $booked_email ]   = self::student();
		[ $done, $done_email ]       = self::student();
		[ $never, $never_email ]     = self::student();
		$latest = $this->seedSession( $due, 'attended', -self::days( 20 ) );
		$this->seedSession( $due, 'no_show', -self::days( 40 ) );
		$this->seedSession( $due, 'canceled', -self::days( 5 ) ); // Canceled: not their latest session.
		$this->seedSession( $recent, 'attended', -self::days( 3 ) );
		$this->seedSession( $booked, 'attended', -self::days( 20 ) );
		$this->seedSession( $booked, 'scheduled', 48 ); // Upcoming: Calendly reminds them, we do not.
		$this->seedSession( $done, 'attended', -self::days( 20 ) );
		$this->seedSession( $done, 'attended', -self::days( 30 ) );
		$this->seedSession( $never, 'canceled', -self::days( 30 ) ); // Booked once and canceled: never had one.
		$this->assertSame( '1', (string) self::sessionRow( $latest )['counts_toward_progress'], 'the stored answer' );

		$since = time();
		$this->runNudges();

		$mails = self::mailsTo( $since, $due_email, 'student_book_next' );
		$this->assertCount( 1, $mails );
		$mail = $mails[0];
		$this->assertStringContainsString( '[student_book_next session:' . $latest . ']', $mail['subject'], 'through the filter, occasion: their latest session' );
		$this->assertStringContainsString( 'Book your next coaching session', $mail['subject'] );
		$this->assertStringContainsString( self::LINK . '?', $mail['message'], 'the booking link' );
		$this->assertStringContainsString( rawurlencode( $due_email ), $mail['message'], 'prefilled with their e-mail' );
		$this->assertStringContainsString( 'attended 1 of the 2', $mail['message'] );
		$this->assertStringContainsString( 'Hello Ann Lee,', $mail['message'], 'the name, as plain text' );
		$this->assertStringNotContainsString( '<b>', $mail['raw'] );
		$this->assertStringNotContainsString( '<script', $mail['raw'] );
		$this->assertStringStartsWith( 'text/plain', $mail['headers']['content-type'] );
		$this->assertMatchesRegularExpression( '#^<http://[^>]+\?tfsp_calendly_unsubscribe=' . $due . '&tfsp_kind=student_book_next&tfsp_sig=[0-9a-f]{64}>$#', $mail['headers']['list-unsubscribe'] );
		$this->assertSame( 'List-Unsubscribe=One-Click', $mail['headers']['list-unsubscribe-post'] ?? null );
		$this->assertStringContainsString( trim( $mail['headers']['list-unsubscribe'], '<>' ), $mail['message'], 'the link in the text too' );

		$never_mails = self::mailsTo( $since, $never_email, 'student_book_next' );
		$this->assertCount( 1, $never_mails, 'a student who never had a session' );
		$this->assertStringContainsString( '[student_book_next never]', $never_mails[0]['subject'] );
		$this->assertStringContainsString( 'not had a coaching session yet', $never_mails[0]['message'] );

		$this->assertSame( array(), self::mailsTo( $since, $recent_email, 'student_book_next' ), 'latest session 3 days ago' );
		$this->assertSame( array(), self::mailsTo( $since, $booked_email, 'student_book_next' ), 'a session upcoming' );
		$this->assertSame( array(), self::mailsTo( $since, $done_email, 'student_book_next' ), 'requirement met' );

		$this->assertSame( array( array( 'kind' => 'student_book_next', 'occasion' => 'session:' . $latest ) ), self::notifications( $due ) );
		$this->assertSame( array( array( 'kind' => 'student_book_next', 'occasion' => 'never' ) ), self::notifications( $never ) );
		$this->assertSame( array(), self::notifications( $recent ) );

		sleep( 1 );
		$again = time();
		$this->runNudges();
		$this->assertSame( array(), self::mailsTo( $again, $due_email, 'student_book_next' ), 'once per latest session' );
		$this->assertSame( array(), self::mailsTo( $again, $never_email, 'student_book_next' ), 'once' );

		// A later session that also lies N days back is a new occasion.
		$newer = $this->seedSession( $due, 'no_show', -self::days( 15 ) );
		sleep( 1 );
		$third = time();
		$this->runNudges();
		$mails = self::mailsTo( $third, $due_email, 'student_book_next' );
		$this->assertCount( 1, $mails );
		$this->assertStringContainsString( 'session:' . $newer . ']', $mails[0]['subject'] );

		// Turned off on the Settings page: nothing.
		self::exec( 'DELETE FROM ' . self::table( 'tfsp_notifications' ) . ' WHERE user_id = ?', array( $never ) );
		self::putSetting( 'nudge_book_next', '0' );
		sleep( 1 );
		$off = time();
		$this->runNudges();
		$this->assertSame( array(), self::mailsTo( $off, $never_email, 'student_book_next' ), 'turned off' );
	}

	public function test_requirement_met_is_mailed_once(): void {
		$coach_email       = self::email( 'coach' );
		$coach             = self::createUser( $coach_email, null, 'tfsp_coach' );
		[ $student, $email ] = self::student();
		$first             = $this->seedSession( $student, 'scheduled', -72, array( 'coach_id' => $coach ) );
		$second            = $this->seedSession( $student, 'scheduled', -48, array( 'coach_id' => $coach ) );

		$since = time();
		$this->mark( $first, 'attended', $coach );
		$this->assertSame( array(), self::mailsTo( $since, $email, 'student_requirement_met' ), 'one of two' );
		$this->mark( $second, 'attended', $coach );
		$mails = self::mailsTo( $since, $email, 'student_requirement_met' );
		$this->assertCount( 1, $mails, 'two of two' );
		$this->assertStringContainsString( '[student_requirement_met met]', $mails[0]['subject'] );
		$this->assertStringContainsString( 'attended 2 coaching sessions', $mails[0]['message'] );
		$this->assertStringContainsString( 'tfsp_kind=student_requirement_met', $mails[0]['headers']['list-unsubscribe'] );
		$this->assertSame( 'List-Unsubscribe=One-Click', $mails[0]['headers']['list-unsubscribe-post'] ?? null );
		$this->assertSame( array( array( 'kind' => 'student_requirement_met', 'occasion' => 'met' ) ), self::notifications( $student ) );

		// The count falls and reaches the requirement again: the hook fires again, the mail does not.
		$this->mark( $second, 'no_show', $coach );
		sleep( 1 );
		$again = time();
		$this->mark( $second, 'attended', $coach );
		$this->assertSame( array(), self::mailsTo( $again, $email, 'student_requirement_met' ), 'once' );

		// A student met the requirement, below it now: no "book next" either.
		$this->runNudges();
		$this->assertSame( array(), self::mailsTo( $since, $email, 'student_book_next' ) );
	}

	private function mark( int $session, string $mark, int $coach ): void {
		[ $code, $out, $err ] = self::php( 'calendly.php', array( 'mark', $session, $mark, $coach ) );
		$this->assertSame( 0, $code, $out . $err );
	}

	/** @return array{status:int,body:string,headers:array<string,string>} */
	private static function request( string $url, ?array $post = null ): array {
		$path = substr( $url, strlen( self::env( 'WP_URL' ) ) );
		return self::http( $path, null, $post );
	}

	private static function unsubscribed( int $user_id, string $kind ): array {
		return self::rows( 'SELECT meta_value FROM ' . self::table( 'usermeta' ) . ' WHERE user_id = ? AND meta_key = ?', array( $user_id, 'tfsp_calendly_unsubscribed_' . $kind ) );
	}

	public function test_unsubscribe_needs_a_valid_signature_and_a_post(): void {
		[ $student, $email ] = self::student();
		[ $other ]           = self::student();
		$this->seedSession( $student, 'attended', -self::days( 20 ) );
		$since = time();
		$this->runNudges();
		$mails = self::mailsTo( $since, $email, 'student_book_next' );
		$this->assertCount( 1, $mails );
		$url = trim( $mails[0]['headers']['list-unsubscribe'], '<>' );
		$this->assertStringStartsWith( self::env( 'WP_URL' ) . '/', $url );
		parse_str( (string) parse_url( $url, PHP_URL_QUERY ), $q );
		$base = self::env( 'WP_URL' ) . '/?';

		// A mail scanner follows the link: a page with a button, nothing recorded.
		$get = self::request( $url );
		$this->assertSame( 200, $get['status'] );
		$this->assertStringContainsString( '<form method="post"', $get['body'] );
		$this->assertStringContainsString( 'Unsubscribe</button>', $get['body'] );
		$this->assertSame( array(), self::unsubscribed( $student, 'student_book_next' ), 'a GET changes nothing' );

		$forged = array(
			'tampered signature'    => $base . http_build_query( array( 'tfsp_calendly_unsubscribe' => $student, 'tfsp_kind' => 'student_book_next', 'tfsp_sig' => strrev( $q['tfsp_sig'] ) ) ),
			'another user\'s id'    => $base . http_build_query( array( 'tfsp_calendly_unsubscribe' => $other, 'tfsp_kind' => 'student_book_next', 'tfsp_sig' => $q['tfsp_sig'] ) ),
			'wrong kind'            => $base . http_build_query( array( 'tfsp_calendly_unsubscribe' => $student, 'tfsp_kind' => 'student_requirement_met', 'tfsp_sig' => $q['tfsp_sig'] ) ),
			'unknown kind'          => $base . http_build_query( array( 'tfsp_calendly_unsubscribe' => $student, 'tfsp_kind' => 'alert', 'tfsp_sig' => $q['tfsp_sig'] ) ),
			'no signature'          => $base . http_build_query( array( 'tfsp_calendly_unsubscribe' => $student, 'tfsp_kind' => 'student_book_next' ) ),
			'signature as an array' => $base . 'tfsp_calendly_unsubscribe=' . $student . '&tfsp_kind=student_book_next&tfsp_sig[]=' . $q['tfsp_sig'],
		);
		foreach ( $forged as $what => $bad ) {
			$this->assertSame( 403, self::request( $bad, array( 'List-Unsubscribe' => 'One-Click' ) )['status'], $what . ' (POST)' );
			$this->assertSame( 403, self::request( $bad )['status'], $what . ' (GET)' );
		}
		$this->assertSame( array(), self::unsubscribed( $student, 'student_book_next' ), 'nothing recorded' );
		$this->assertSame( array(), self::unsubscribed( $student, 'student_requirement_met' ) );
		$this->assertSame( array(), self::unsubscribed( $other, 'student_book_next' ) );

		// RFC 8058 one-click, as a mail client sends it: no cookie, no nonce.
		$post = self::request( $url, array( 'List-Unsubscribe' => 'One-Click' ) );
		$this->assertSame( 200, $post['status'] );
		$this->assertCount( 1, self::unsubscribed( $student, 'student_book_next' ) );
		$this->assertSame( array(), self::unsubscribed( $student, 'student_requirement_met' ), 'only that kind' );

		// Unsubscribed: a new occasion sends nothing.
		$this->seedSession( $student, 'attended', -self::days( 16 ) );
		sleep( 1 );
		$later = time();
		$this->runNudges();
		$this->assertSame( array(), self::mailsTo( $later, $email, 'student_book_next' ) );
	}

	public function test_the_job_is_scheduled_daily_and_the_settings_page_shows_each_mail(): void {
		self::http( '/', null );
		$cron = self::rows( 'SELECT option_value FROM ' . self::table( 'options' ) . " WHERE option_name = 'cron'" )[0]['option_value'];
		$this->assertMatchesRegularExpression( '/tfsp_calendly_student_nudges.{0,200}s:5:"daily"/s', $cron );

		[ $student, $email ] = self::student();
		$this->seedSession( $student, 'attended', -self::days( 30 ) );
		$this->runNudges();
		$status = self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = '_student_nudges_last_run'" );
		$this->assertNotEmpty( $status );
		$last = json_decode( $status[0]['setting_value'], true );
		$this->assertGreaterThanOrEqual( 1, $last['sent'] );

		$admin = self::userWithPassword( 'administrator', 'pw-' . bin2hex( random_bytes( 6 ) ) );
		$jar   = self::login( $admin['login'], $admin['password'] );
		$page  = self::http( '/wp-admin/admin.php?page=tfsp-calendly-settings', $jar );
		$this->assertSame( 200, $page['status'] );
		$this->assertStringContainsString( 'id="tfsp-field-nudge_book_next"', $page['body'] );
		$this->assertStringContainsString( 'id="tfsp-field-nudge_requirement_met"', $page['body'] );
		$this->assertStringContainsString( 'id="tfsp-field-nudge_after_days"', $page['body'] );
		$this->assertMatchesRegularExpression( '/class="tfsp-calendly-mail-status" data-kind="student_book_next"[^>]*>[^<]*Last run: [^<]*\. Sent ' . (int) $last['sent'] . ' e-mail/', $page['body'] );
		$this->assertMatchesRegularExpression( '/class="tfsp-calendly-mail-status" data-kind="student_requirement_met"/', $page['body'] );

		// Each turned on or off through the page's form (nonce and capability).
		$this->assertSame( 1, preg_match( '/name="_wpnonce" value="([0-9a-f]+)"/', $page['body'], $m ) );
		$form = array(
			'action'     => 'tfsp_calendly_save_settings',
			'_wpnonce'   => $m[1],
			'tfsp_bools' => array( 'nudge_book_next', 'nudge_requirement_met' ),
			'tfsp'       => array(
				'nudge_requirement_met' => '1',
				'nudge_after_days'      => '21',
			),
		);
		$subscriber = self::userWithPassword( 'subscriber', 'pw-' . bin2hex( random_bytes( 6 ) ) );
		$sub_jar    = self::login( $subscriber['login'], $subscriber['password'] );
		$this->assertSame( 403, self::http( '/wp-admin/admin-post.php', $sub_jar, $form )['status'], 'no capability' );
		@unlink( $sub_jar );
		$this->assertSame( 403, self::http( '/wp-admin/admin-post.php', $jar, array( '_wpnonce' => 'bad' ) + $form )['status'], 'no nonce' );
		$this->assertSame( '1', self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = 'nudge_book_next'" )[0]['setting_value'], 'refused: unchanged' );
		$this->assertSame( 302, self::http( '/wp-admin/admin-post.php', $jar, $form )['status'] );
		@unlink( $jar );
		$stored = array_column( self::rows( 'SELECT setting_key, setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key LIKE 'nudge\\_%'" ), 'setting_value', 'setting_key' );
		ksort( $stored );
		$this->assertSame( array( 'nudge_after_days' => '21', 'nudge_book_next' => '0', 'nudge_requirement_met' => '1' ), $stored );
	}
}
