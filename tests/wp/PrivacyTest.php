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
}
