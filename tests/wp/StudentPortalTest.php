<?php
// SPDX-License-Identifier: MIT
/**
 * The student portal [tfsp_coaching_sessions] and the booking link [tfsp_book_session]: a
 * student sees their own sessions, links and progress, never another student's; a visitor gets
 * a login link; the booking link carries the student's name and e-mail for Calendly's prefill.
 */
require_once __DIR__ . '/support/CoachingTestCase.php';

final class StudentPortalTest extends CoachingTestCase {

	public function test_a_student_sees_only_their_own_sessions_and_progress(): void {
		$ada = self::createUser( self::email() );
		$bob = self::createUser( self::email() );
		$this->seedSession( $ada, 'attended', -72, array( 'event_name' => 'Ada past attended' ) );
		$this->seedSession( $ada, 'no_show', -48, array( 'event_name' => 'Ada past no-show' ) );
		$up = $this->seedSession( $ada, 'scheduled', 24, array( 'event_name' => 'Ada upcoming' ) );
		$this->seedSession( $ada, 'canceled', 30, array( 'event_name' => 'Ada canceled' ) );
		foreach ( array( 'attended', 'attended', 'scheduled' ) as $i => $status ) {
			$this->seedSession( $bob, $status, 'scheduled' === $status ? 10 : -10 - $i, array( 'event_name' => 'Bob secret ' . $i, 'invitee_email' => 'bob-secret@example.org' ) );
		}

		$html = self::asUser( $ada, 'portal' );
		$this->assertStringContainsString( '1 of 3', $html );
		$this->assertStringContainsString( 'Ada upcoming', $html );
		$row = self::sessionRow( $up );
		foreach ( array( 'join_url', 'reschedule_url', 'cancel_url' ) as $link ) {
			$this->assertStringContainsString( 'href="' . esc_url_like( $row[ $link ] ) . '"', $html, $link );
		}
		$this->assertMatchesRegularExpression( '#Ada past attended</span> <span class="tfsp-coaching-status[^"]*">Attended#', $html );
		$this->assertMatchesRegularExpression( '#Ada past no-show</span> <span class="tfsp-coaching-status[^"]*">Missed#', $html );
		$this->assertMatchesRegularExpression( '#Ada canceled</span> <span class="tfsp-coaching-status[^"]*">Canceled#', $html );
		$this->assertStringNotContainsString( 'Bob secret', $html );
		$this->assertStringNotContainsString( 'bob-secret', $html );

		$bobs = self::asUser( $bob, 'portal' );
		$this->assertStringContainsString( '2 of 3', $bobs );
		$this->assertStringNotContainsString( 'Ada ', $bobs );
	}

	public function test_the_block_is_registered_from_block_json_and_renders_the_portal(): void {
		$ada = self::createUser( self::email() );
		$this->seedSession( $ada, 'attended', -72, array( 'event_name' => 'Ada block attended' ) );
		$block = json_decode( self::asUser( $ada, 'block' ), true );
		$this->assertSame( 'Coaching sessions', $block['title'] );
		$this->assertCount( 1, $block['scripts'], 'one editor script, from block.json' );
		$this->assertStringEndsWith( '/public/blocks/coaching-sessions/index.js', (string) $block['scripts'][0]['src'] );
		$this->assertSame( array( 'wp-blocks', 'wp-element', 'wp-server-side-render' ), $block['scripts'][0]['deps'], 'the dependencies of index.asset.php' );
		$this->assertStringContainsString( 'Ada block attended', $block['html'] );
		$this->assertStringContainsString( '1 of 3', $block['html'] );
	}

	public function test_a_visitor_gets_a_login_link_and_no_data(): void {
		$ada = self::createUser( self::email() );
		$this->seedSession( $ada, 'scheduled', 24, array( 'event_name' => 'Visitor must not see' ) );
		$html = self::asUser( 0, 'portal' );
		$this->assertStringContainsString( 'wp-login.php', $html );
		$this->assertStringNotContainsString( 'Visitor must not see', $html );
		$this->assertStringNotContainsString( 'of 3', $html );
		$this->assertStringContainsString( 'wp-login.php', self::asUser( 0, 'book' ) );
	}

	public function test_the_booking_link_prefills_name_and_email(): void {
		self::putSetting( 'scheduling_url', 'https://calendly.com/tfsp/coaching?hide_gdpr_banner=1' );
		try {
			$email = 'ada+coach.' . bin2hex( random_bytes( 3 ) ) . '@example.org';
			$id    = self::createUser( $email );
			self::exec( 'DELETE FROM ' . self::table( 'usermeta' ) . " WHERE user_id = ? AND meta_key IN ('first_name', 'last_name')", array( $id ) );
			self::exec( 'INSERT INTO ' . self::table( 'usermeta' ) . " (user_id, meta_key, meta_value) VALUES (?, 'first_name', 'Ada Marie'), (?, 'last_name', 'O''Lovelace & Co')", array( $id, $id ) );
			$html = self::asUser( $id, 'book' );
			$this->assertSame( 1, preg_match( '#<a class="[^"]*tfsp-book-session-link" href="([^"]+)"#', $html, $m ), $html );
			$url = html_entity_decode( $m[1] );
			$this->assertStringStartsWith( 'https://calendly.com/tfsp/coaching?', $url );
			parse_str( (string) parse_url( $url, PHP_URL_QUERY ), $query );
			$this->assertSame( $email, $query['email'] );
			$this->assertSame( "Ada Marie O'Lovelace & Co", $query['name'] );
			$this->assertSame( 'Ada Marie', $query['first_name'] );
			$this->assertSame( "O'Lovelace & Co", $query['last_name'] );
			$this->assertSame( '1', $query['hide_gdpr_banner'] );
			$this->assertStringContainsString( 'email=' . rawurlencode( $email ), $url, 'the + survives as %2B' );
		} finally {
			self::deleteSetting( 'scheduling_url' );
		}
		$this->assertStringContainsString( 'not open yet', self::asUser( self::createUser( self::email() ), 'book' ) );
	}
}

/** How esc_url() writes a plain https URL into an attribute. */
function esc_url_like( string $url ): string {
	return str_replace( '&', '&#038;', $url );
}
