<?php
// SPDX-License-Identifier: MIT
/**
 * The hooks for integrators (docs/hooks.md), as a site's own code would use
 * them: a must-use plugin written for the test records every call of
 * tfsp_calendly_session_changed and tfsp_calendly_requirement_met (and
 * whether the transaction was still open), and changes the subject of every
 * mail through tfsp_calendly_email.
 */
final class HooksTest extends CalendlyTestCase {

	private string $log;
	private string $mu_plugin;

	protected function setUp(): void {
		parent::setUp();
		$this->log       = sys_get_temp_dir() . '/tfsp-hooks-' . bin2hex( random_bytes( 6 ) ) . '.jsonl';
		$this->mu_plugin = self::env( 'WP_PATH' ) . '/wp-content/mu-plugins/tfsp-test-hooks.php';
		touch( $this->log );
		chmod( $this->log, 0666 ); // php-fpm's user and the CLI both append.
		$log = var_export( $this->log, true );
		file_put_contents(
			$this->mu_plugin,
			<<<PHP
<?php
// Written by tests/wp/HooksTest.php; removed when the test ends.
\$tfsp_test_log = static function ( array \$entry ): void {
	global \$wpdb;
	\$entry['in_transaction'] = (int) \$wpdb->get_var( 'SELECT @@in_transaction' );
	file_put_contents( $log, json_encode( \$entry ) . "\\n", FILE_APPEND | LOCK_EX );
};
add_action(
	'tfsp_calendly_session_changed',
	static function ( \$id, \$changes, \$actor ) use ( \$tfsp_test_log ) {
		global \$wpdb;
		\$status = \$wpdb->get_var( \$wpdb->prepare( "SELECT status FROM {\$wpdb->prefix}tfsp_coach_sessions WHERE id = %d", \$id ) );
		\$tfsp_test_log( array( 'hook' => 'changed', 'id' => \$id, 'changes' => \$changes, 'actor' => \$actor, 'stored_status' => \$status ) );
	},
	10,
	3
);
add_action(
	'tfsp_calendly_requirement_met',
	static function ( \$student, \$term ) use ( \$tfsp_test_log ) {
		\$tfsp_test_log( array( 'hook' => 'requirement_met', 'student' => \$student, 'term' => \$term ) );
	},
	10,
	2
);
add_filter(
	'tfsp_calendly_email',
	static function ( \$mail, \$kind, \$context ) use ( \$tfsp_test_log ) {
		\$tfsp_test_log( array( 'hook' => 'email', 'kind' => \$kind, 'context' => \$context, 'to' => \$mail['to'] ) );
		\$mail['subject'] = '[hooked ' . \$kind . '] ' . \$mail['subject'];
		return \$mail;
	},
	10,
	3
);
PHP
		);
	}

	protected function tearDown(): void {
		@unlink( $this->mu_plugin );
		@unlink( $this->log );
		self::deleteSetting( 'required_sessions' );
		parent::tearDown();
	}

	/** @return array<int,array> The recorded calls of one hook. */
	private function calls( string $hook ): array {
		$out = array();
		foreach ( file( $this->log, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) ?: array() as $line ) {
			$entry = json_decode( $line, true );
			if ( is_array( $entry ) && $hook === $entry['hook'] ) {
				$out[] = $entry;
			}
		}
		return $out;
	}

	private function book( string $email, int $hours_ago, ?string $host = null ): array {
		$booking = array(
			'email'      => $email,
			'start_time' => gmdate( 'Y-m-d\TH:00:00\Z', time() - $hours_ago * 3600 ),
		);
		if ( null !== $host ) {
			$booking['host_email'] = $host;
		}
		$booked = self::control( 'book', $booking );
		self::waitIdle();
		$row = self::session( $booked['invitee_uri'] );
		$this->assertNotNull( $row, 'the booking arrived' );
		return $row;
	}

	public function test_session_changed_is_fired_after_the_commit_of_a_delivery_and_of_a_mark(): void {
		$host  = self::email( 'coach' ); // The coach hosts the session: a coach marks the sessions they host.
		$coach = self::createUser( $host, null, 'tfsp_coach' );
		$row   = $this->book( self::email(), 3, $host );
		$id    = (int) $row['id'];

		// The delivery's own call (the coach's link by host e-mail is the sync's, a call of its own).
		$booked = array_values( array_filter( $this->calls( 'changed' ), static fn( array $c ): bool => $id === $c['id'] && 'calendly' === $c['actor']['type'] ) );
		$this->assertCount( 1, $booked, 'one call for the delivery' );
		$this->assertSame( 'calendly', $booked[0]['actor']['type'] );
		$this->assertSame( 'invitee.created', $booked[0]['actor']['reason'] );
		$this->assertSame( array( null, 'scheduled' ), $booked[0]['changes']['status'] );
		$this->assertSame( array( null, $row['calendly_uri'] ), $booked[0]['changes']['calendly_uri'] );
		$this->assertSame( 0, $booked[0]['in_transaction'], 'fired after the commit' );
		$this->assertSame( 'scheduled', $booked[0]['stored_status'] );

		self::plugin( 'mark', array( $id, 'attended', $coach ) );
		$marked = array_values( array_filter( $this->calls( 'changed' ), static fn( array $c ): bool => $id === $c['id'] && 'coach' === $c['actor']['type'] ) );
		$this->assertCount( 1, $marked, 'one call for the mark' );
		$this->assertSame( $coach, $marked[0]['actor']['user_id'] );
		$this->assertSame( array( 'scheduled', 'attended' ), $marked[0]['changes']['status'] );
		$this->assertSame( 0, $marked[0]['in_transaction'] );
		$this->assertSame( 'attended', $marked[0]['stored_status'] );
	}

	public function test_requirement_met_is_fired_when_the_count_reaches_the_requirement(): void {
		self::putSetting( 'required_sessions', '2' );
		$host    = self::email( 'coach' );
		$coach   = self::createUser( $host, null, 'tfsp_coach' );
		$email   = self::email();
		$student = self::createUser( $email );
		$ids     = array();
		foreach ( array( 30, 20, 10 ) as $hours ) {
			$row = $this->book( $email, $hours, $host );
			$this->assertSame( (string) $student, (string) $row['student_id'], 'matched to the student' );
			$ids[] = (int) $row['id'];
		}

		self::plugin( 'mark', array( $ids[0], 'attended', $coach ) );
		$this->assertSame( array(), $this->calls( 'requirement_met' ), 'one of two: not yet' );
		self::plugin( 'mark', array( $ids[1], 'attended', $coach ) );
		$met = $this->calls( 'requirement_met' );
		$this->assertCount( 1, $met, 'two of two' );
		$this->assertSame( $student, $met[0]['student'] );
		$this->assertNull( $met[0]['term'] );
		$this->assertSame( 0, $met[0]['in_transaction'] );
		self::plugin( 'mark', array( $ids[2], 'attended', $coach ) );
		$this->assertCount( 1, $this->calls( 'requirement_met' ), 'three of two: already met' );
	}

	public function test_every_mail_passes_the_email_filter(): void {
		$coach_email = self::email( 'coach' );
		$coach       = self::createUser( $coach_email, null, 'tfsp_coach' );
		$row         = $this->book( self::email(), 48, $coach_email );
		$this->assertSame( (string) $coach, (string) $row['coach_id'] );
		[ $code, $out, $err ] = self::php( 'run-cron.php', array( 'tfsp_calendly_reminders' ) );
		$this->assertSame( 0, $code, $err . $out );

		$filtered = array_values( array_filter( $this->calls( 'email' ), static fn( array $c ): bool => 'coach_reminder' === $c['kind'] && in_array( $coach_email, (array) $c['to'], true ) ) );
		$this->assertCount( 1, $filtered, 'the coach\'s digest went through the filter' );
		$this->assertContains( (int) $row['id'], $filtered[0]['context']['session_ids'] );
		$mails = array_values( array_filter( $this->mailsSince( '[hooked coach_reminder]' ), static fn( array $m ): bool => in_array( $coach_email, (array) $m['to'], true ) ) );
		$this->assertCount( 1, $mails, 'the mail was sent as the filter left it' );
	}
}
