<?php
// SPDX-License-Identifier: MIT
/**
 * WordPress's personal-data exporter and eraser: the export holds the person's sessions and
 * aliases; erasing anonymises e-mail, name, links and stored payloads, and keeps the rows, the
 * progress count and the audit trail's rows.
 */
require_once __DIR__ . '/support/CoachingTestCase.php';

final class PrivacyTest extends CoachingTestCase {

	public function test_export_and_erase(): void {
		$email   = self::email();
		$student = self::createUser( $email, 'alias.' . $email );
		$name    = 'Grace ' . bin2hex( random_bytes( 3 ) );
		$a       = $this->seedSession( $student, 'attended', -50, array( 'invitee_email' => $email, 'invitee_name' => $name, 'webhook_data' => '{"payload":{"email":"' . $email . '"}}', 'cancel_reason' => null ) );
		$b       = $this->seedSession( $student, 'canceled', 20, array( 'invitee_email' => $email, 'invitee_name' => $name, 'cancel_reason' => 'my reason ' . $name ) );
		// Booked with the address but not (yet) linked to the user.
		$c     = $this->seedSession( null, 'scheduled', 40, array( 'invitee_email' => $email, 'invitee_name' => $name ) );
		$other = $this->seedSession( self::createUser( self::email() ), 'attended', -10 );
		$audit = self::table( 'tfsp_session_audit' );
		self::exec( "INSERT INTO $audit (session_id, created_at, actor_type, field, old_value, new_value, reason) VALUES (?, UTC_TIMESTAMP(6), 'calendly', 'invitee_email', NULL, ?, 'test'), (?, UTC_TIMESTAMP(6), 'calendly', 'status', 'scheduled', 'attended', 'test')", array( $a, $email, $a ) );
		$ledger = self::table( 'tfsp_calendly_events' );
		self::exec( "INSERT INTO $ledger (dedupe_key, event_name, invitee_uri, first_received, last_received, outcome, raw_body) VALUES (?, 'invitee.created', ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), 'processed', ?)", array( hash( 'sha256', random_bytes( 8 ) ), self::sessionRow( $a )['calendly_uri'], '{"email":"' . $email . '"}' ) );

		$export = json_decode( self::asUser( 0, 'export', $email ), true );
		$items  = array_merge( ...array_map( static fn( $page ) => $page['data'], $export ) );
		$ids    = array_column( $items, 'item_id' );
		foreach ( array( $a, $b, $c ) as $id ) {
			$this->assertContains( 'tfsp-calendly-session-' . $id, $ids );
		}
		$this->assertNotContains( 'tfsp-calendly-session-' . $other, $ids );
		$this->assertStringContainsString( 'alias.' . $email, json_encode( $items ) );
		$this->assertStringContainsString( $name, json_encode( $items ) );

		$erase = json_decode( self::asUser( 0, 'erase', $email ), true );
		$this->assertTrue( end( $erase )['done'] );
		$this->assertTrue( $erase[0]['items_removed'] );
		foreach ( array( $a, $b, $c ) as $id ) {
			$row = self::sessionRow( $id );
			$this->assertStringNotContainsString( $email, json_encode( $row ) );
			$this->assertStringNotContainsString( $name, json_encode( $row ) );
			$this->assertNull( $row['webhook_data'] );
			$this->assertNull( $row['cancel_url'] );
		}
		$this->assertSame( 'attended', self::sessionRow( $a )['status'], 'the row and its status stay' );
		$this->assertSame( (string) $student, self::sessionRow( $a )['student_id'] );
		$this->assertStringContainsString( '1 of 3', self::asUser( $student, 'portal' ), 'progress unchanged' );
		$trail = self::audit( $a );
		$this->assertCount( 2, $trail, 'the audit trail keeps its rows' );
		$this->assertStringNotContainsString( $email, json_encode( $trail ) );
		$this->assertSame( 'attended', $trail[1]['new_value'] );
		$this->assertNull( self::ledger( self::sessionRow( $a )['calendly_uri'] )[0]['raw_body'] );
		$this->assertSame( array(), self::rows( 'SELECT * FROM ' . self::table( 'usermeta' ) . " WHERE user_id = ? AND meta_key = 'tfsp_calendly_email_alias'", array( $student ) ) );
		$this->assertNotSame( 'deleted@site.invalid', self::sessionRow( $other )['invitee_email'], 'another person stays' );
	}
	/** Two student mails as the nudge job and the listener record them. */
	private static function mailsSent( int $user ): void {
		self::exec(
			'INSERT INTO ' . self::table( 'tfsp_notifications' ) . " (user_id, kind, occasion, sent_at) VALUES (?, 'student_book_next', 'never', UTC_TIMESTAMP()), (?, 'student_requirement_met', 'met', UTC_TIMESTAMP())",
			array( $user, $user )
		);
	}

	private static function mailRows( int $user ): array {
		return self::rows( 'SELECT kind, occasion FROM ' . self::table( 'tfsp_notifications' ) . ' WHERE user_id = ? ORDER BY id', array( $user ) );
	}

	public function test_the_student_mails_are_exported_erased_and_go_with_a_deleted_user(): void {
		$email   = self::email();
		$student = self::createUser( $email );
		$other   = self::createUser( self::email() );
		self::mailsSent( $student );
		self::mailsSent( $other );
		self::exec( 'INSERT INTO ' . self::table( 'usermeta' ) . " (user_id, meta_key, meta_value) VALUES (?, 'tfsp_calendly_unsubscribed_student_book_next', '2026-12-01T10:00:00Z')", array( $student ) );

		$export = json_decode( self::asUser( 0, 'export', $email ), true );
		$items  = array_merge( ...array_map( static fn( $page ) => $page['data'], $export ) );
		$mails  = array_values( array_filter( $items, static fn( $i ) => 'tfsp-calendly-mails' === $i['group_id'] ) );
		$this->assertCount( 2, $mails, 'each mail sent is in the export' );
		$this->assertStringContainsString( 'Book your next session', json_encode( $mails ) );
		$this->assertStringContainsString( 'never', json_encode( $mails ) );
		$off = array_values( array_filter( $items, static fn( $i ) => 'tfsp-calendly-unsubscribed' === $i['group_id'] ) );
		$this->assertCount( 1, $off, 'and the mail they turned off' );
		$this->assertStringContainsString( '2026-12-01T10:00:00Z', json_encode( $off ) );

		$erase = json_decode( self::asUser( 0, 'erase', $email ), true );
		$this->assertTrue( $erase[0]['items_removed'], 'the eraser says it removed something' );
		$this->assertSame( array(), self::mailRows( $student ), 'the record of their mails is erased' );
		$this->assertCount( 2, self::mailRows( $other ), 'another student\'s stays' );
		$this->assertCount( 1, self::rows( 'SELECT umeta_id FROM ' . self::table( 'usermeta' ) . " WHERE user_id = ? AND meta_key = 'tfsp_calendly_unsubscribed_student_book_next'", array( $student ) ), 'their choice not to get that mail stays, so none is sent again' );

		[ $code, $out, $err ] = self::php( 'delete-user.php', array( (string) $other ) );
		$this->assertSame( 0, $code, $err . $out );
		$this->assertSame( array(), self::mailRows( $other ), 'a deleted user\'s mail record goes with them' );
	}
}
