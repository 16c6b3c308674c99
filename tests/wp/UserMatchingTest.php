<?php
// SPDX-License-Identifier: MIT
/**
 * Matching after the fact (issue 9, defect 3, and the deleted-user seam of 13):
 * bookings made before their student's or coach's account existed, or before
 * an e-mail change, are linked when someone vouched for the address, in one
 * transaction with audit rows; an account nobody vouched for waits in
 * Unmatched bookings with its reason; an admin's unlink is kept; a deleted
 * user's sessions are released or move to the user WordPress reassigns to;
 * without the extension the match is owed and runs once it is back.
 */
final class UserMatchingTest extends CalendlyTestCase {

	/** @var array<int,string> Cookie jars to remove. */
	private array $jars = array();

	private string $users_can_register = '0';

	protected function setUp(): void {
		parent::setUp();
		$this->users_can_register = self::rows( 'SELECT option_value FROM ' . self::table( 'options' ) . " WHERE option_name = 'users_can_register'" )[0]['option_value'] ?? '0';
	}

	protected function tearDown(): void {
		self::deleteSetting( 'link_new_accounts' );
		self::exec( 'UPDATE ' . self::table( 'options' ) . " SET option_value = ? WHERE option_name = 'users_can_register'", array( $this->users_can_register ) );
		foreach ( $this->jars as $jar ) {
			@unlink( $jar ); // phpcs:ignore WordPress.PHP.NoSilencedErrors
		}
		parent::tearDown();
	}

	public function test_an_account_an_admin_creates_gets_the_earlier_bookings(): void {
		$email = self::email();
		$one   = $this->book( $email );
		$two   = $this->book( strtoupper( $email ) ); // The core normalises: same address.
		self::waitIdle();
		$this->assertNull( self::session( $one )['student_id'], 'no account yet' );

		$user = $this->adminCreatesUser( $email );

		foreach ( array( $one, $two ) as $uri ) {
			$row = self::session( $uri );
			$this->assertSame( (string) $user, $row['student_id'], 'linked when the admin created the account' );
			$this->assertSame( array( array( 'sync', null, (string) $user ) ), $this->changes( (int) $row['id'], 'student_id' ) );
			$this->assertStringContainsString( 'account created by an admin', $this->lastAudit( (int) $row['id'], 'student_id' )['reason'] );
		}
	}

	public function test_a_self_registered_account_is_not_linked_and_unmatched_says_why(): void {
		// Anyone can register: the setting's default is then off.
		self::exec( 'UPDATE ' . self::table( 'options' ) . " SET option_value = '1' WHERE option_name = 'users_can_register'" );
		self::deleteSetting( 'link_new_accounts' );
		$email = self::email();
		$uri   = $this->book( $email );
		self::waitIdle();

		$login    = 'self' . bin2hex( random_bytes( 4 ) );
		$answer   = $this->page(
			'/wp-login.php?action=register',
			null,
			array(
				'user_login' => $login,
				'user_email' => $email,
				'wp-submit'  => 'Register',
			)
		);
		$this->assertSame( 302, $answer['status'], 'registration accepted: ' . substr( $answer['body'], 0, 500 ) );
		$user = (int) self::rows( 'SELECT ID FROM ' . self::table( 'users' ) . ' WHERE user_login = ?', array( $login ) )[0]['ID'];

		$row = self::session( $uri );
		$this->assertNull( $row['student_id'], 'nobody vouched for the address' );
		$this->assertSame( array(), $this->changes( (int) $row['id'], 'student_id' ) );

		$html = $this->page( '/wp-admin/admin.php?page=tfsp-calendly-unmatched&s=' . rawurlencode( $email ), $this->adminJar() )['body'];
		$this->assertMatchesRegularExpression(
			'/value="' . $user . '"[^>]*>[^<]*&lt;' . preg_quote( $email, '/' ) . '&gt; <span class="tfsp-calendly-reason">\(exact e-mail, unconfirmed account\)/',
			$html,
			'the Unmatched list names the reason'
		);

		// A booking made after the registration does not claim the unconfirmed account either.
		$later = $this->book( $email );
		self::waitIdle();
		$this->assertNull( self::session( $later )['student_id'], 'a delivery does not link an account nobody vouched for' );
	}

	public function test_the_setting_is_on_the_settings_page_with_its_default(): void {
		self::deleteSetting( 'link_new_accounts' );
		$checkbox = '/<input type="checkbox" id="tfsp-field-link_new_accounts" name="tfsp\[link_new_accounts\]" value="1"( checked=\'checked\')?>/';
		$jar      = $this->adminJar();
		foreach ( array( '0' => true, '1' => false ) as $open => $on ) {
			self::exec( 'UPDATE ' . self::table( 'options' ) . " SET option_value = ? WHERE option_name = 'users_can_register'", array( (string) $open ) );
			$html = $this->page( '/wp-admin/admin.php?page=tfsp-calendly-settings', $jar )['body'];
			$this->assertSame( 1, preg_match( $checkbox, $html, $m ), 'the setting is shown' );
			$this->assertSame( $on, isset( $m[1] ), $on ? 'on by default when nobody can register' : 'off by default when anyone can' );
			$this->assertStringContainsString( 'Nobody verifies the e-mail a booker types', $html, 'with the trust rule explained' );
		}
	}

	public function test_with_the_setting_on_a_self_registered_account_is_linked(): void {
		self::exec( 'UPDATE ' . self::table( 'options' ) . " SET option_value = '1' WHERE option_name = 'users_can_register'" );
		self::putSetting( 'link_new_accounts', '1' );
		$email = self::email();
		$uri   = $this->book( $email );
		self::waitIdle();
		$login  = 'self' . bin2hex( random_bytes( 4 ) );
		$answer = $this->page( '/wp-login.php?action=register', null, array( 'user_login' => $login, 'user_email' => $email, 'wp-submit' => 'Register' ) );
		$this->assertSame( 302, $answer['status'] );
		$user = self::rows( 'SELECT ID FROM ' . self::table( 'users' ) . ' WHERE user_login = ?', array( $login ) )[0]['ID'];
		$row  = self::session( $uri );
		$this->assertSame( $user, $row['student_id'] );
		$this->assertStringContainsString( 'Link bookings to new accounts', $this->lastAudit( (int) $row['id'], 'student_id' )['reason'] );
	}

	public function test_an_email_change_by_an_admin_links_the_bookings_of_the_new_address(): void {
		$user  = self::createUser( self::email() );
		$email = self::email();
		$uri   = $this->book( $email );
		self::waitIdle();
		$this->assertNull( self::session( $uri )['student_id'] );

		$answer = self::adminRest( 'POST', 'wp/v2/users/' . $user, array( 'email' => $email ) );
		$this->assertSame( 200, $answer['status'], json_encode( $answer['json'] ) );

		$row = self::session( $uri );
		$this->assertSame( (string) $user, $row['student_id'] );
		$this->assertStringContainsString( 'e-mail changed by an admin', $this->lastAudit( (int) $row['id'], 'student_id' )['reason'] );
	}

	public function test_an_email_change_the_user_confirmed_links_the_bookings(): void {
		self::exec( 'UPDATE ' . self::table( 'options' ) . " SET option_value = '1' WHERE option_name = 'users_can_register'" );
		self::putSetting( 'link_new_accounts', '0' ); // Only the confirmation vouches here.
		$old   = self::email();
		$user  = self::createUser( $old );
		$login = self::rows( 'SELECT user_login FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( $user ) )[0]['user_login'];
		self::exec( 'UPDATE ' . self::table( 'users' ) . ' SET user_pass = MD5(?) WHERE ID = ?', array( 'pw-' . $login, $user ) );
		$email = self::email();
		$uri   = $this->book( $email );
		self::waitIdle();

		$jar  = $this->login( $login, 'pw-' . $login );
		$form = $this->page( '/wp-admin/profile.php', $jar )['body'];
		$this->assertSame( 1, preg_match( '/name="_wpnonce" value="([0-9a-f]+)"/', $form, $nonce ), 'profile form' );
		$this->page(
			'/wp-admin/profile.php',
			$jar,
			array(
				'_wpnonce'     => $nonce[1],
				'action'       => 'update',
				'user_id'      => (string) $user,
				'email'        => $email,
				'nickname'     => $login,
				'display_name' => $login,
			)
		);
		$this->assertNull( self::session( $uri )['student_id'], 'not before the new address confirmed it' );
		$mails = array_values( array_filter( $this->mailsSince( '' ), static fn( $m ) => $m['to'] === $email || $m['to'] === array( $email ) ) );
		$this->assertNotEmpty( $mails, 'WordPress mailed the new address' );
		$this->assertSame( 1, preg_match( '/newuseremail=([0-9a-f]+)/', (string) $mails[0]['message'], $hash ) );

		$this->page( '/wp-admin/profile.php?newuseremail=' . $hash[1], $jar );

		$this->assertSame( $email, self::rows( 'SELECT user_email FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( $user ) )[0]['user_email'] );
		$row = self::session( $uri );
		$this->assertSame( (string) $user, $row['student_id'], 'linked once the change was confirmed' );
		$this->assertStringContainsString( 'confirmed from the new address', $this->lastAudit( (int) $row['id'], 'student_id' )['reason'] );
	}

	public function test_a_row_an_admin_unlinked_is_never_linked_again(): void {
		$email    = self::email();
		$unlinked = $this->book( $email );
		$other    = $this->book( $email );
		self::waitIdle();
		self::exec( 'UPDATE ' . self::table( 'tfsp_coach_sessions' ) . ' SET student_unlinked = 1 WHERE calendly_uri = ?', array( $unlinked ) );

		$user = $this->adminCreatesUser( $email );
		$this->assertSame( (string) $user, self::session( $other )['student_id'] );
		$row = self::session( $unlinked );
		$this->assertNull( $row['student_id'], 'the admin\'s unlink is kept' );
		$this->assertSame( array(), $this->changes( (int) $row['id'], 'student_id' ) );

		$answer = self::adminRest( 'POST', 'wp/v2/users/' . $user, array( 'email' => self::email() ) );
		$this->assertSame( 200, $answer['status'] );
		self::adminRest( 'POST', 'wp/v2/users/' . $user, array( 'email' => $email ) );
		$this->assertNull( self::session( $unlinked )['student_id'], 'not by an e-mail change either' );
	}

	public function test_a_coach_created_after_their_sessions_gets_them(): void {
		$coach = self::email( 'coach' );
		$one   = $this->book( self::email(), array( 'host_email' => $coach, 'host_name' => 'Late Coach' ) );
		$two   = $this->book( self::email(), array( 'host_email' => $coach, 'host_name' => 'Late Coach' ) );
		self::waitIdle();
		$this->assertNull( self::session( $one )['coach_id'] );

		$user = $this->adminCreatesUser( $coach, array( 'tfsp_coach' ) );
		foreach ( array( $one, $two ) as $uri ) {
			$row = self::session( $uri );
			$this->assertSame( (string) $user, $row['coach_id'] );
			$this->assertNull( $row['student_id'], 'a host is not the student' );
			$this->assertSame( array( array( 'sync', null, (string) $user ) ), $this->changes( (int) $row['id'], 'coach_id' ) );
		}
	}

	public function test_deleting_a_user_releases_their_sessions_or_moves_them_to_the_reassignee(): void {
		$student = self::email();
		$coach   = self::email( 'coach' );
		$uri     = $this->book( $student, array( 'host_email' => $coach ) );
		self::waitIdle();
		$student_id = $this->adminCreatesUser( $student );
		$coach_id   = $this->adminCreatesUser( $coach, array( 'tfsp_coach' ) );
		$heir       = $this->adminCreatesUser( self::email( 'coach' ), array( 'tfsp_coach' ) );
		$row        = self::session( $uri );
		$this->assertSame( array( (string) $student_id, (string) $coach_id ), array( $row['student_id'], $row['coach_id'] ) );

		$answer = self::adminRest( 'DELETE', 'wp/v2/users/' . $student_id . '?force=true&reassign=false' );
		$this->assertSame( 200, $answer['status'], json_encode( $answer['json'] ) );
		$row = self::session( $uri );
		$this->assertNull( $row['student_id'], 'unmatched again' );
		$this->assertSame( (string) $coach_id, $row['coach_id'] );
		$last = $this->lastAudit( (int) $row['id'], 'student_id' );
		$this->assertSame( array( 'sync', (string) $student_id, null ), array( $last['actor_type'], $last['old_value'], $last['new_value'] ) );
		$this->assertStringContainsString( 'user #' . $student_id . ' deleted', $last['reason'] );

		$answer = self::adminRest( 'DELETE', 'wp/v2/users/' . $coach_id . '?force=true&reassign=' . $heir );
		$this->assertSame( 200, $answer['status'], json_encode( $answer['json'] ) );
		$row = self::session( $uri );
		$this->assertSame( (string) $heir, $row['coach_id'], 'moved to the user WordPress gave the content to' );
		$last = $this->lastAudit( (int) $row['id'], 'coach_id' );
		$this->assertSame( array( 'sync', (string) $coach_id, (string) $heir ), array( $last['actor_type'], $last['old_value'], $last['new_value'] ) );
	}

	public function test_without_the_extension_the_match_is_owed_and_runs_when_it_is_back(): void {
		self::putSetting( 'link_new_accounts', '1' );
		$email = self::email();
		$uri   = $this->book( $email );
		self::waitIdle();

		[ $code, $out, $err ] = self::php( 'create-user.php', array( $email, '', 'subscriber' ), false );
		$this->assertSame( 0, $code, 'no fatal error without the extension: ' . $out . $err );
		$user = (int) trim( $out );
		$this->assertNull( self::session( $uri )['student_id'], 'nothing matched without the core' );
		$this->assertCount( 1, self::rows( 'SELECT umeta_id FROM ' . self::table( 'usermeta' ) . " WHERE user_id = ? AND meta_key = 'tfsp_calendly_match_owed'", array( $user ) ), 'the match is recorded as owed' );

		self::cron( 'tfsp_calendly_retry' );

		$row = self::session( $uri );
		$this->assertSame( (string) $user, $row['student_id'], 'matched on the next tick with the extension' );
		$this->assertStringContainsString( 'once the extension was loaded', $this->lastAudit( (int) $row['id'], 'student_id' )['reason'] );
		$this->assertSame( array(), self::rows( 'SELECT umeta_id FROM ' . self::table( 'usermeta' ) . " WHERE user_id = ? AND meta_key = 'tfsp_calendly_match_owed'", array( $user ) ) );
	}

	public function test_without_the_extension_a_deleted_user_is_still_released(): void {
		$email = self::email();
		$uri   = $this->book( $email );
		self::waitIdle();
		$user = $this->adminCreatesUser( $email );
		$this->assertSame( (string) $user, self::session( $uri )['student_id'] );

		[ $code, $out, $err ] = self::php( 'delete-user.php', array( $user ), false );
		$this->assertSame( 0, $code, 'no fatal error without the extension: ' . $out . $err );
		$row = self::session( $uri );
		$this->assertNull( $row['student_id'], 'released without the core: nothing to decide' );
		$last = $this->lastAudit( (int) $row['id'], 'student_id' );
		$this->assertSame( array( 'sync', (string) $user, null ), array( $last['actor_type'], $last['old_value'], $last['new_value'] ) );
	}

	/** Books through the fake Calendly; returns the invitee URI. */
	private function book( string $email, array $more = array() ): string {
		return self::control( 'book', array( 'email' => $email, 'start_time' => gmdate( 'Y-m-d\TH:00:00\Z', time() + 86400 * random_int( 2, 60 ) ) ) + $more )['invitee_uri'];
	}

	/** An administrator creates the account over the REST API; returns its id. */
	private function adminCreatesUser( string $email, array $roles = array( 'subscriber' ) ): int {
		$answer = self::adminRest(
			'POST',
			'wp/v2/users',
			array(
				'username' => 'u' . bin2hex( random_bytes( 6 ) ),
				'email'    => $email,
				'password' => bin2hex( random_bytes( 12 ) ),
				'roles'    => $roles,
			)
		);
		$this->assertSame( 201, $answer['status'], json_encode( $answer['json'] ) );
		return (int) $answer['json']['id'];
	}

	/** @return array<int,array{0:string,1:?string,2:?string}> Audit rows of one field: actor, old, new. */
	private function changes( int $session, string $field ): array {
		return array_values(
			array_map(
				static fn( $a ) => array( $a['actor_type'], $a['old_value'], $a['new_value'] ),
				array_filter( self::audit( $session ), static fn( $a ) => $field === $a['field'] )
			)
		);
	}

	private function lastAudit( int $session, string $field ): array {
		$rows = array_values( array_filter( self::audit( $session ), static fn( $a ) => $field === $a['field'] ) );
		$this->assertNotEmpty( $rows, "an audit row for $field" );
		return $rows[ count( $rows ) - 1 ];
	}

	private function adminJar(): string {
		return $this->login( self::env( 'WP_ADMIN_USER' ), self::env( 'WP_ADMIN_PASSWORD' ) );
	}

	private function login( string $login, string $password ): string {
		$jar          = (string) tempnam( sys_get_temp_dir(), 'tfsp-match' );
		$this->jars[] = $jar;
		$this->page( '/wp-login.php', $jar );
		$answer = $this->page( '/wp-login.php', $jar, array( 'log' => $login, 'pwd' => $password, 'testcookie' => '1', 'wp-submit' => 'Log In' ) );
		$this->assertSame( 302, $answer['status'], 'login of ' . $login );
		return $jar;
	}

	/** @return array{status:int,body:string} */
	private function page( string $path, ?string $jar, ?array $post = null ): array {
		$ch = curl_init( self::env( 'WP_URL' ) . $path );
		curl_setopt_array( $ch, array( CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 60 ) );
		if ( null !== $jar ) {
			curl_setopt( $ch, CURLOPT_COOKIEJAR, $jar );
			curl_setopt( $ch, CURLOPT_COOKIEFILE, $jar );
		}
		if ( null !== $post ) {
			curl_setopt( $ch, CURLOPT_POST, true );
			curl_setopt( $ch, CURLOPT_POSTFIELDS, http_build_query( $post ) );
		}
		$body   = (string) curl_exec( $ch );
		$status = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
		unset( $ch ); // Writes the cookie jar.
		return array(
			'status' => $status,
			'body'   => $body,
		);
	}
}
