<?php
// SPDX-License-Identifier: MIT
/**
 * POST /wp-json/tfsp-calendly/v1/sessions/{id}/student and the Unmatched page: linking never
 * steals another student's session, remembering an e-mail moves only unmatched sessions,
 * unlinking is kept by automatic matching, and every bad input is refused and changes nothing.
 */
require_once __DIR__ . '/support/CoachingTestCase.php';

final class StudentLinkTest extends CoachingTestCase {

	private static ?array $admin = null;
	private static ?array $coach = null;

	/** A logged-in user's cookie jar and REST nonce. */
	private static function loggedIn( string $role ): array {
		$user          = self::userWithPassword( $role, 'pw-' . bin2hex( random_bytes( 6 ) ) );
		$jar           = self::login( $user['login'], $user['password'] );
		$user['jar']   = $jar;
		$user['nonce'] = trim( self::http( '/wp-admin/admin-ajax.php?action=rest-nonce', $jar )['body'] );
		self::assertMatchesRegularExpression( '/^[0-9a-f]{10}$/', $user['nonce'], 'REST nonce of a ' . $role );
		return $user;
	}

	private static function admin(): array {
		return self::$admin ??= self::loggedIn( 'administrator' );
	}

	/**
	 * A REST request with a cookie jar, an optional nonce and a raw body.
	 *
	 * @return array{status:int,json:mixed}
	 */
	private static function send( int $session, string $body, ?array $as, ?string $nonce, string $type = 'application/json' ): array {
		$ch   = curl_init( self::env( 'WP_URL' ) . '/wp-json/tfsp-calendly/v1/sessions/' . $session . '/student' );
		$head = array( 'Content-Type: ' . $type );
		if ( null !== $nonce ) {
			$head[] = 'X-WP-Nonce: ' . $nonce;
		}
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_POST           => true,
				CURLOPT_POSTFIELDS     => $body,
				CURLOPT_HTTPHEADER     => $head,
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_TIMEOUT        => 60,
			)
		);
		if ( null !== $as ) {
			curl_setopt( $ch, CURLOPT_COOKIEFILE, $as['jar'] );
		}
		$raw    = (string) curl_exec( $ch );
		$status = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
		unset( $ch );
		return array(
			'status' => $status,
			'json'   => json_decode( $raw, true ),
		);
	}

	private static function link( int $session, array $body ): array {
		$admin = self::admin();
		return self::send( $session, (string) json_encode( $body ), $admin, $admin['nonce'] );
	}

	private static function student( int $id ): ?string {
		return self::sessionRow( $id )['student_id'];
	}

	/** Every session column and audit row of these sessions, to prove a refusal changed nothing. */
	private static function snapshot( array $ids ): array {
		$in = implode( ',', array_map( 'intval', $ids ) );
		return array(
			self::rows( 'SELECT * FROM ' . self::table( 'tfsp_coach_sessions' ) . " WHERE id IN ($in) ORDER BY id" ),
			self::rows( 'SELECT * FROM ' . self::table( 'tfsp_session_audit' ) . " WHERE session_id IN ($in) ORDER BY id" ),
			self::rows( 'SELECT user_id, meta_value FROM ' . self::table( 'usermeta' ) . " WHERE meta_key = 'tfsp_calendly_email_alias' ORDER BY umeta_id" ),
		);
	}

	public function test_remembering_an_email_moves_only_unmatched_sessions(): void {
		$email = self::email();
		$other = self::createUser( self::email() );
		$alice = self::createUser( self::email() );
		// One booking with the address already belongs to another student; two are unmatched.
		$owned   = $this->seedSession( $other, 'attended', -48, array( 'invitee_email' => $email ) );
		$chosen  = $this->seedSession( null, 'scheduled', 24, array( 'invitee_email' => $email ) );
		$sibling = $this->seedSession( null, 'scheduled', 72, array( 'invitee_email' => strtoupper( $email ) ) );
		$stranger = $this->seedSession( null, 'scheduled', 72 );

		$answer = self::link( $chosen, array( 'student_id' => $alice, 'remember_email' => true ) );
		$this->assertSame( 200, $answer['status'], json_encode( $answer['json'] ) );
		$this->assertSame( $chosen, $answer['json']['id'] );
		$this->assertSame( $alice, $answer['json']['student_id'] );
		$this->assertSame( array( $chosen, $sibling ), $answer['json']['reattributed_ids'] );
		$this->assertSame( (string) $alice, self::student( $chosen ) );
		$this->assertSame( (string) $alice, self::student( $sibling ) );
		$this->assertSame( (string) $other, self::student( $owned ), 'a session linked to another student never moves' );
		$this->assertNull( self::student( $stranger ) );
		$this->assertSame( array( strtolower( $email ) ), array_column( self::rows( 'SELECT meta_value FROM ' . self::table( 'usermeta' ) . " WHERE user_id = ? AND meta_key = 'tfsp_calendly_email_alias'", array( $alice ) ), 'meta_value' ) );
		$audit = self::rows( 'SELECT session_id, actor_type, field, old_value, new_value FROM ' . self::table( 'tfsp_session_audit' ) . " WHERE session_id IN (?, ?, ?) AND field = 'student_id' ORDER BY session_id", array( $chosen, $sibling, $owned ) );
		$this->assertSame(
			array(
				array( 'session_id' => (string) $chosen, 'actor_type' => 'admin', 'field' => 'student_id', 'old_value' => null, 'new_value' => (string) $alice ),
				array( 'session_id' => (string) $sibling, 'actor_type' => 'admin', 'field' => 'student_id', 'old_value' => null, 'new_value' => (string) $alice ),
			),
			$audit
		);
	}

	public function test_without_remembering_only_the_chosen_session_moves(): void {
		$email  = self::email();
		$alice  = self::createUser( self::email() );
		$bob    = self::createUser( self::email() );
		$chosen = $this->seedSession( $bob, 'scheduled', 24, array( 'invitee_email' => $email ) );
		$same   = $this->seedSession( null, 'scheduled', 30, array( 'invitee_email' => $email ) );

		$answer = self::link( $chosen, array( 'student_id' => $alice ) );
		$this->assertSame( 200, $answer['status'], json_encode( $answer['json'] ) );
		$this->assertSame( array( $chosen ), $answer['json']['reattributed_ids'] );
		$this->assertSame( (string) $alice, self::student( $chosen ) );
		$this->assertNull( self::student( $same ) );
		$this->assertSame( array(), self::rows( 'SELECT umeta_id FROM ' . self::table( 'usermeta' ) . " WHERE user_id = ? AND meta_key = 'tfsp_calendly_email_alias'", array( $alice ) ) );
		// Linking again to the same student changes nothing and says so.
		$again = self::link( $chosen, array( 'student_id' => $alice ) );
		$this->assertSame( 200, $again['status'] );
		$this->assertSame( array(), $again['json']['reattributed_ids'] );
	}

	public function test_unlinking_is_kept_and_relinking_clears_it(): void {
		$alice = self::createUser( self::email() );
		$id    = $this->seedSession( $alice, 'scheduled', 24 );

		$answer = self::link( $id, array( 'student_id' => 0 ) );
		$this->assertSame( 200, $answer['status'], json_encode( $answer['json'] ) );
		$this->assertNull( $answer['json']['student_id'] );
		$this->assertTrue( $answer['json']['student_unlinked'] );
		$row = self::sessionRow( $id );
		$this->assertNull( $row['student_id'] );
		$this->assertSame( '1', $row['student_unlinked'] );
		$this->assertSame(
			array( array( 'field' => 'student_id', 'old_value' => (string) $alice, 'new_value' => null, 'reason' => 'unlinked by an admin' ), array( 'field' => 'student_unlinked', 'old_value' => '0', 'new_value' => '1', 'reason' => 'unlinked by an admin' ) ),
			self::rows( 'SELECT field, old_value, new_value, reason FROM ' . self::table( 'tfsp_session_audit' ) . ' WHERE session_id = ? ORDER BY id', array( $id ) )
		);
		// Remembering the same e-mail for someone later does not take the unlinked session along.
		$bob     = self::createUser( self::email() );
		$sibling = $this->seedSession( null, 'scheduled', 40, array( 'invitee_email' => $row['invitee_email'] ) );
		$remember = self::link( $sibling, array( 'student_id' => $bob, 'remember_email' => true ) );
		$this->assertSame( 200, $remember['status'], json_encode( $remember['json'] ) );
		$this->assertSame( array( $sibling ), $remember['json']['reattributed_ids'] );
		$this->assertNull( self::student( $id ) );

		$relink = self::link( $id, array( 'student_id' => $bob ) );
		$this->assertSame( 200, $relink['status'] );
		$this->assertSame( '0', self::sessionRow( $id )['student_unlinked'] );
		$this->assertSame( (string) $bob, self::student( $id ) );
	}

	public function test_an_email_that_is_someone_elses_is_refused_with_409(): void {
		$alice_email = self::email();
		$alice       = self::createUser( $alice_email );
		$carol_alias = self::email();
		$carol       = self::createUser( self::email(), $carol_alias );
		$bob         = self::createUser( self::email() );
		$own         = $this->seedSession( null, 'scheduled', 24, array( 'invitee_email' => $alice_email ) );
		$aliased     = $this->seedSession( null, 'scheduled', 24, array( 'invitee_email' => $carol_alias ) );
		$before      = self::snapshot( array( $own, $aliased ) );

		foreach ( array( array( $own, $alice ), array( $aliased, $carol ) ) as [ $id, $holder ] ) {
			$answer = self::link( $id, array( 'student_id' => $bob, 'remember_email' => true ) );
			$this->assertSame( 409, $answer['status'], json_encode( $answer['json'] ) );
			$this->assertSame( 'tfsp_calendly_email_taken', $answer['json']['code'] );
			$this->assertSame( $holder, $answer['json']['data']['user_id'] );
		}
		$this->assertSame( $before, self::snapshot( array( $own, $aliased ) ) );
		// Without remembering, the admin may still link the one session.
		$this->assertSame( 200, self::link( $own, array( 'student_id' => $bob ) )['status'] );
	}

	public function test_bad_input_is_refused_and_changes_nothing(): void {
		$alice = self::createUser( self::email() );
		$id    = $this->seedSession( null, 'scheduled', 24 );
		$admin = self::admin();
		self::$coach ??= self::loggedIn( 'tfsp_coach' );
		$before = self::snapshot( array( $id ) );

		$cases = array(
			'no nonce'                 => array( 401, 'rest_forbidden', self::send( $id, json_encode( array( 'student_id' => $alice ) ), $admin, null ) ),
			'no cookie, no nonce'      => array( 401, 'rest_forbidden', self::send( $id, json_encode( array( 'student_id' => $alice ) ), null, null ) ),
			'a nonce without cookie'   => array( 403, 'rest_cookie_invalid_nonce', self::send( $id, json_encode( array( 'student_id' => $alice ) ), null, $admin['nonce'] ) ),
			'foreign nonce'            => array( 403, 'rest_cookie_invalid_nonce', self::send( $id, json_encode( array( 'student_id' => $alice ) ), $admin, self::$coach['nonce'] ) ),
			'without the capability'   => array( 403, 'rest_forbidden', self::send( $id, json_encode( array( 'student_id' => $alice ) ), self::$coach, self::$coach['nonce'] ) ),
			'unknown session'          => array( 404, 'tfsp_calendly_no_session', self::link( 999999999, array( 'student_id' => $alice ) ) ),
			'unknown user'             => array( 400, 'rest_invalid_param', self::link( $id, array( 'student_id' => 999999999 ) ) ),
			'string student_id'        => array( 400, 'rest_invalid_param', self::link( $id, array( 'student_id' => 'alice' ) ) ),
			'fractional student_id'    => array( 400, 'rest_invalid_param', self::link( $id, array( 'student_id' => 1.5 ) ) ),
			'negative student_id'      => array( 400, 'rest_invalid_param', self::link( $id, array( 'student_id' => -3 ) ) ),
			'array student_id'         => array( 400, 'rest_invalid_param', self::link( $id, array( 'student_id' => array( $alice ) ) ) ),
			'missing student_id'       => array( 400, 'rest_missing_callback_param', self::link( $id, array( 'remember_email' => false ) ) ),
			'non-boolean remember'     => array( 400, 'rest_invalid_param', self::link( $id, array( 'student_id' => $alice, 'remember_email' => 'perhaps' ) ) ),
			'remember while unlinking' => array( 400, 'rest_invalid_param', self::link( $id, array( 'student_id' => 0, 'remember_email' => true ) ) ),
			'not JSON'                 => array( 400, 'rest_invalid_json', self::send( $id, '{"student_id": ', $admin, $admin['nonce'] ) ),
		);
		foreach ( $cases as $name => [ $status, $code, $answer ] ) {
			$this->assertSame( $status, $answer['status'], $name . ': ' . json_encode( $answer['json'] ) );
			$this->assertSame( $code, $answer['json']['code'] ?? null, $name );
		}
		$this->assertSame( $before, self::snapshot( array( $id ) ) );
	}

	public function test_the_unmatched_page_links_through_the_same_path(): void {
		$email = self::email();
		$other = self::createUser( self::email() );
		$alice = self::userWithPassword( 'subscriber', 'pw-' . bin2hex( random_bytes( 4 ) ) );
		$owned = $this->seedSession( $other, 'attended', -48, array( 'invitee_email' => $email ) );
		$one   = $this->seedSession( null, 'scheduled', 24, array( 'invitee_email' => $email ) );
		$two   = $this->seedSession( null, 'scheduled', 48, array( 'invitee_email' => $email ) );
		$admin = self::admin();

		$page = self::http( '/wp-admin/admin.php?page=tfsp-calendly-unmatched&s=' . rawurlencode( $email ), $admin['jar'] );
		$this->assertSame( 200, $page['status'] );
		$this->assertMatchesRegularExpression( '/<input type="checkbox" name="alias" value="1">/', $page['body'], 'the alias box is unticked by default' );
		$this->assertDoesNotMatchRegularExpression( '/name="alias" value="1" checked/', $page['body'] );
		$this->assertSame( 1, preg_match( '/name="session" value="' . $one . '">.*?name="_wpnonce" value="([0-9a-f]+)"/s', $page['body'], $m ), 'the link form of the booking' );
		$answer = self::http(
			'/wp-admin/admin-post.php',
			$admin['jar'],
			array(
				'action'     => 'tfsp_calendly_link',
				'session'    => $one,
				'_wpnonce'   => $m[1],
				'user_other' => (string) $alice['id'],
				'alias'      => '1',
			)
		);
		$this->assertSame( 302, $answer['status'] );
		$this->assertSame( (string) $alice['id'], self::student( $one ) );
		$this->assertSame( (string) $alice['id'], self::student( $two ) );
		$this->assertSame( (string) $other, self::student( $owned ) );
	}

	public function test_aliases_held_by_two_users_are_listed(): void {
		$shared = self::email();
		$a      = self::createUser( self::email(), $shared );
		$b      = self::createUser( self::email(), strtoupper( $shared ) );
		$page   = self::http( '/wp-admin/admin.php?page=tfsp-calendly-unmatched', self::admin()['jar'] );
		$this->assertSame( 200, $page['status'] );
		$this->assertStringContainsString( 'E-mails held by several users', $page['body'] );
		$this->assertMatchesRegularExpression( '#<tr><td>' . preg_quote( strtolower( $shared ), '#' ) . '</td><td>[^<]*<a href="[^"]*user_id=' . $a . '[^"]*">.*user_id=' . $b . '#', $page['body'] );
		// Nothing was removed.
		$this->assertCount( 2, self::rows( 'SELECT umeta_id FROM ' . self::table( 'usermeta' ) . " WHERE meta_key = 'tfsp_calendly_email_alias' AND LOWER(meta_value) = ?", array( strtolower( $shared ) ) ) );
	}
}

