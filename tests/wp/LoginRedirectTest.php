<?php
// SPDX-License-Identifier: MIT
/**
 * Students land on their sessions page after they log in (setting
 * send_students_to_portal, on for new installs): through wp-login.php, as a
 * person would, to the first published page with the portal block; not
 * when the setting is off, not for a coach, not when the login asked for
 * another page.  The theme's navigation lists the page.
 */
require_once __DIR__ . '/support/CoachingTestCase.php';

final class LoginRedirectTest extends CoachingTestCase {

	private int $page = 0;

	protected function setUp(): void {
		parent::setUp();
		$slug = 'coaching-' . bin2hex( random_bytes( 4 ) );
		self::exec(
			'INSERT INTO ' . self::table( 'posts' ) . " (post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status, post_name, to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, post_type, comment_status, ping_status)
			VALUES (1, NOW(), UTC_TIMESTAMP(), ?, 'My coaching sessions', '', 'publish', ?, '', '', NOW(), UTC_TIMESTAMP(), '', 'page', 'closed', 'closed')",
			array( "<!-- wp:tfsp-calendly/coaching-sessions /-->\n\n<!-- wp:shortcode -->\n[tfsp_book_session]\n<!-- /wp:shortcode -->", $slug )
		);
		$this->page = (int) self::db()->insert_id;
		self::putSetting( 'send_students_to_portal', '1' ); // As a new install has it (MigrationTest).
	}

	protected function tearDown(): void {
		self::exec( 'DELETE FROM ' . self::table( 'posts' ) . ' WHERE ID = ?', array( $this->page ) );
		self::putSetting( 'send_students_to_portal', '1' );
		parent::tearDown();
	}

	/** @return array{status:int,location:string,jar:string} The answer to a login through wp-login.php. */
	private static function signIn( array $user, ?string $redirect_to = null ): array {
		$jar  = tempnam( sys_get_temp_dir(), 'tfsp-jar' );
		self::http( '/wp-login.php', $jar );
		$form = array(
			'log'        => $user['login'],
			'pwd'        => $user['password'],
			'testcookie' => '1',
			'wp-submit'  => 'Log In',
		);
		if ( null !== $redirect_to ) {
			$form['redirect_to'] = $redirect_to;
		}
		$answer = self::http( '/wp-login.php', $jar, $form );
		return array(
			'status'   => $answer['status'],
			'location' => (string) ( $answer['headers']['location'] ?? '' ),
			'jar'      => $jar,
		);
	}

	public function test_a_student_lands_on_the_sessions_page(): void {
		$student = self::userWithPassword( 'subscriber', 'pw-' . bin2hex( random_bytes( 6 ) ) );
		$this->seedSession( $student['id'], 'attended', -48, array( 'event_name' => 'Redirected student session' ) );

		$login = self::signIn( $student );
		$this->assertSame( 302, $login['status'] );
		$this->assertStringNotContainsString( '/wp-admin', $login['location'] );
		$page = self::http( (string) substr( $login['location'], strlen( self::env( 'WP_URL' ) ) ), $login['jar'] );
		$this->assertSame( 200, $page['status'], $login['location'] );
		$this->assertStringContainsString( 'Redirected student session', $page['body'], 'the page shows the student\'s sessions' );
		$this->assertStringContainsString( 'tfsp-book-session', $page['body'], 'and the booking link' );

		$home = self::http( '/', null );
		$this->assertStringContainsString( 'My coaching sessions', $home['body'], 'the theme\'s navigation lists the page' );
	}

	public function test_nobody_else_is_sent_there(): void {
		$student = self::userWithPassword( 'subscriber', 'pw-' . bin2hex( random_bytes( 6 ) ) );
		$coach   = self::userWithPassword( 'tfsp_coach', 'pw-' . bin2hex( random_bytes( 6 ) ) );

		$asked = self::signIn( $student, self::env( 'WP_URL' ) . '/?p=1' );
		$this->assertSame( self::env( 'WP_URL' ) . '/?p=1', $asked['location'], 'a page asked for is kept' );
		$this->assertStringContainsString( '/wp-admin', self::signIn( $coach )['location'], 'a coach goes to wp-admin' );

		self::putSetting( 'send_students_to_portal', '0' );
		$this->assertStringContainsString( '/wp-admin', self::signIn( $student )['location'], 'the setting off: WordPress\'s own redirect' );
	}
}
