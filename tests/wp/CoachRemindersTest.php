<?php
// SPDX-License-Identifier: MIT
/**
 * The daily coach reminder (tfsp_calendly_reminders): each coach gets a digest of their own
 * overdue unmarked sessions, sessions whose host matches no user go to the admin recipients,
 * marked and recent sessions are left out, and a second run the same day sends nothing again.
 * Mail is read from the stack's recorder (STACK_MAIL_DIR).
 */
require_once __DIR__ . '/support/CoachingTestCase.php';

final class CoachRemindersTest extends CoachingTestCase {

	private string $admin_to;

	protected function setUp(): void {
		parent::setUp();
		$this->admin_to = 'alerts.' . bin2hex( random_bytes( 4 ) ) . '@example.org';
		self::putSetting( 'alert_email', $this->admin_to );
	}

	protected function tearDown(): void {
		self::deleteSetting( 'alert_email' );
		parent::tearDown();
	}

	/** @return array<int,array{to:string[],subject:string,message:string}> Mails sent since $since (MailSink). */
	private static function mailsSince( float $since ): array {
		return MailSink::since( $since );
	}

	private static function mailsTo( array $mails, string $to ): array {
		// Only digests: the sync's own alerts may go to the same address meanwhile.
		return array_values( array_filter( $mails, static fn( $m ) => in_array( $to, (array) $m['to'], true ) && str_contains( (string) $m['subject'], 'attendance mark' ) ) );
	}

	private function runReminders(): void {
		[ $code, $out, $err ] = self::php( 'run-cron.php', array( 'tfsp_calendly_reminders' ) );
		$this->assertSame( 0, $code, $err . $out );
	}

	public function test_each_coach_gets_their_overdue_sessions_once_a_day(): void {
		$coach   = self::createUser( self::email( 'coach' ), null, 'tfsp_coach' );
		$other   = self::createUser( self::email( 'coach' ), null, 'tfsp_coach' );
		$c_email = self::rows( 'SELECT user_email FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( $coach ) )[0]['user_email'];
		$o_email = self::rows( 'SELECT user_email FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( $other ) )[0]['user_email'];
		$student = self::createUser( self::email() );

		$overdue  = $this->seedSession( $student, 'scheduled', -30, array( 'coach_id' => $coach, 'invitee_email' => 'overdue-' . bin2hex( random_bytes( 3 ) ) . '@example.org' ) );
		$recent   = $this->seedSession( $student, 'scheduled', -2, array( 'coach_id' => $coach ) );
		$marked   = $this->seedSession( $student, 'attended', -30, array( 'coach_id' => $coach ) );
		$theirs   = $this->seedSession( $student, 'scheduled', -40, array( 'coach_id' => $other ) );
		// The host matches no user: the admin recipients hear of it.  The oldest, so that it is listed first.
		$hostless = $this->seedSession( null, 'scheduled', -24 * 365 * 20, array( 'host_email' => 'stranger@example.org' ) );

		$since = time();
		$this->runReminders();
		$mails = self::mailsSince( $since );

		$to_coach = self::mailsTo( $mails, $c_email );
		$this->assertCount( 1, $to_coach );
		$this->assertStringContainsString( '1 coaching session needs an attendance mark', $to_coach[0]['subject'] );
		$this->assertStringContainsString( self::sessionRow( $overdue )['invitee_email'], $to_coach[0]['message'] );
		$this->assertStringNotContainsString( self::sessionRow( $recent )['invitee_email'], $to_coach[0]['message'] );
		$this->assertStringNotContainsString( self::sessionRow( $marked )['invitee_email'], $to_coach[0]['message'] );
		$this->assertStringNotContainsString( self::sessionRow( $theirs )['invitee_email'], $to_coach[0]['message'], 'another coach\'s session' );
		$this->assertStringContainsString( 'page=tfsp-calendly', $to_coach[0]['message'] );

		$to_other = self::mailsTo( $mails, $o_email );
		$this->assertCount( 1, $to_other );
		$this->assertStringContainsString( self::sessionRow( $theirs )['invitee_email'], $to_other[0]['message'] );

		$to_admin = self::mailsTo( $mails, $this->admin_to );
		$this->assertCount( 1, $to_admin );
		$this->assertStringContainsString( self::sessionRow( $hostless )['invitee_email'], $to_admin[0]['message'] );
		$this->assertStringContainsString( 'stranger@example.org', $to_admin[0]['message'] );
		$this->assertStringNotContainsString( self::sessionRow( $overdue )['invitee_email'], $to_admin[0]['message'] );

		sleep( 1 );
		$again = time();
		$this->runReminders();
		$later = self::mailsSince( $again );
		$this->assertSame( array(), self::mailsTo( $later, $c_email ), 'no second digest the same day' );
		$this->assertSame( array(), self::mailsTo( $later, $this->admin_to ) );
	}

	public function test_the_job_is_scheduled_daily(): void {
		self::http( '/', null );
		$cron = self::rows( 'SELECT option_value FROM ' . self::table( 'options' ) . " WHERE option_name = 'cron'" )[0]['option_value'];
		$this->assertMatchesRegularExpression( '/tfsp_calendly_reminders.{0,200}"daily"|tfsp_calendly_reminders.{0,200}s:5:"daily"/s', $cron );
	}
}
