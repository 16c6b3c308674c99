<?php
// SPDX-License-Identifier: MIT
/**
 * The Progress page and its CSV export: who may see them, the nonce, what the export holds
 * (attended rows only, a reschedule chain once, formula cells escaped).
 */
require_once __DIR__ . '/support/CoachingTestCase.php';

final class ProgressPageTest extends CoachingTestCase {

	/** A student with two attended sessions (one a reschedule chain marked twice), one upcoming, one canceled. */
	private function seedStudent( string $display_name ): array {
		$student = self::userWithPassword( 'subscriber', 'pw-' . bin2hex( random_bytes( 6 ) ), $display_name );
		$id      = $student['id'];
		$this->seedSession( $id, 'attended', -200 );
		$next = 'https://api.calendly.com/scheduled_events/' . Fixtures::uuid() . '/invitees/' . Fixtures::uuid();
		// Marked attended before Calendly's reschedule arrived, and its new session marked attended too.
		$this->seedSession( $id, 'attended', -100, array( 'reschedule_canceled' => 1, 'rescheduled_to_uri' => $next, 'conflict' => 1 ) );
		$this->seedSession( $id, 'attended', -90, array( 'calendly_uri' => $next ) );
		$this->seedSession( $id, 'scheduled', 48 );
		$this->seedSession( $id, 'canceled', 24 );
		return $student;
	}

	public function test_admins_and_coaches_see_the_page_and_others_do_not(): void {
		$student = $this->seedStudent( 'Progress ' . bin2hex( random_bytes( 3 ) ) );
		$coach   = self::userWithPassword( 'tfsp_coach', 'pw-' . bin2hex( random_bytes( 6 ) ) );

		$admin = self::login( self::env( 'WP_ADMIN_USER' ), self::adminPassword() );
		$page  = self::http( '/wp-admin/admin.php?page=tfsp-calendly-progress&s=' . rawurlencode( $student['email'] ), $admin );
		$this->assertSame( 200, $page['status'] );
		$this->assertStringContainsString( '<svg class="tfsp-calendly-chart" role="img"', $page['body'] );
		$this->assertStringContainsString( '<title id="tfsp-chart-title">', $page['body'] );
		$this->assertStringContainsString( '<desc id="tfsp-chart-desc">', $page['body'] );
		$this->assertStringContainsString( 'Program totals', $page['body'] );
		$this->assertMatchesRegularExpression( '#' . preg_quote( $student['email'], '#' ) . '</td><td[^>]*>2 / 3</td><td[^>]*>1</td>#', $page['body'], 'attended counts a reschedule chain once' );

		$as_coach = self::login( $coach['login'], $coach['password'] );
		$this->assertSame( 200, self::http( '/wp-admin/admin.php?page=tfsp-calendly-progress', $as_coach )['status'] );

		$student_jar = self::login( $student['login'], $student['password'] );
		$denied      = self::http( '/wp-admin/admin.php?page=tfsp-calendly-progress', $student_jar );
		$this->assertSame( 403, $denied['status'] );
		$this->assertStringNotContainsString( 'tfsp-calendly-chart', $denied['body'] );
	}

	public function test_the_csv_export_needs_the_nonce_and_the_capability(): void {
		$admin = self::login( self::env( 'WP_ADMIN_USER' ), self::adminPassword() );
		$bare  = self::http( '/wp-admin/admin-post.php?action=tfsp_calendly_progress_csv', $admin );
		$this->assertSame( 403, $bare['status'], 'no nonce' );
		$this->assertStringNotContainsString( 'Attended', $bare['body'] );

		$student = self::userWithPassword( 'subscriber', 'pw-' . bin2hex( random_bytes( 6 ) ) );
		$out     = self::asUser( $student['id'], 'csv' );
		$this->assertStringStartsWith( 'died: 403', $out, 'a subscriber with a valid nonce of their own' );
	}

	public function test_the_csv_export_holds_each_student_with_formulas_escaped(): void {
		$evil    = '=HYPERLINK("http://evil.example","x") ' . bin2hex( random_bytes( 3 ) );
		$student = $this->seedStudent( $evil );
		$other   = self::userWithPassword( 'subscriber', 'pw-' . bin2hex( random_bytes( 6 ) ), '@SUM(1) ' . bin2hex( random_bytes( 3 ) ) );
		$this->seedSession( $other['id'], 'no_show', -30 );

		$admin = self::login( self::env( 'WP_ADMIN_USER' ), self::adminPassword() );
		$page  = self::http( '/wp-admin/admin.php?page=tfsp-calendly-progress', $admin )['body'];
		$this->assertSame( 1, preg_match( '#href="([^"]*admin-post\.php\?action=tfsp_calendly_progress_csv[^"]*)"#', $page, $m ), 'the export link' );
		$url = html_entity_decode( $m[1] );
		$csv = self::http( substr( $url, strlen( self::env( 'WP_URL' ) ) ), $admin );
		$this->assertSame( 200, $csv['status'] );
		$this->assertStringStartsWith( 'text/csv', $csv['headers']['content-type'] );
		$this->assertStringContainsString( 'attachment;', $csv['headers']['content-disposition'] );

		$rows = array_map( 'str_getcsv', array_filter( explode( "\n", $csv['body'] ) ) );
		$this->assertSame( array( 'User ID', 'Student', 'E-mail', 'Attended', 'Required', 'Upcoming', 'No-shows', 'Last session (UTC)', 'Completed', 'Attended, entered by hand', 'Term' ), $rows[0] );
		$by_id = array();
		foreach ( $rows as $row ) {
			$by_id[ $row[0] ] = $row;
		}
		$mine = $by_id[ (string) $student['id'] ];
		$this->assertSame( "'" . $evil, $mine[1], 'a leading = is neutralised' );
		$this->assertSame( array( '2', '3', '1', '0' ), array( $mine[3], $mine[4], $mine[5], $mine[6] ) );
		$this->assertSame( 'no', $mine[8] );
		$theirs = $by_id[ (string) $other['id'] ];
		$this->assertStringStartsWith( "'@SUM(1)", $theirs[1] );
		$this->assertSame( array( '0', '1' ), array( $theirs[3], $theirs[6] ) );
	}

	public function test_a_student_with_the_required_sessions_is_completed(): void {
		$student = self::userWithPassword( 'subscriber', 'pw-' . bin2hex( random_bytes( 6 ) ) );
		foreach ( array( -300, -200, -100 ) as $hours ) {
			$this->seedSession( $student['id'], 'attended', $hours );
		}
		$admin = self::login( self::env( 'WP_ADMIN_USER' ), self::adminPassword() );
		$page  = self::http( '/wp-admin/admin.php?page=tfsp-calendly-progress&completion=completed&s=' . rawurlencode( $student['email'] ), $admin )['body'];
		$this->assertStringContainsString( '3 / 3', $page );
		$this->assertStringContainsString( $student['email'], $page );
		$none = self::http( '/wp-admin/admin.php?page=tfsp-calendly-progress&completion=in_progress&s=' . rawurlencode( $student['email'] ), $admin )['body'];
		$this->assertStringNotContainsString( $student['email'] . '</td>', $none );
	}

	private static function adminPassword(): string {
		$env = file( getenv( 'CALSYNC_STACK_ENV' ) ?: CALSYNC_TEST_ROOT . '/.stack/env', FILE_IGNORE_NEW_LINES );
		foreach ( $env as $line ) {
			if ( str_starts_with( $line, 'WP_ADMIN_PASSWORD=' ) ) {
				return substr( $line, strlen( 'WP_ADMIN_PASSWORD=' ) );
			}
		}
		self::fail( 'WP_ADMIN_PASSWORD missing' );
	}
}
