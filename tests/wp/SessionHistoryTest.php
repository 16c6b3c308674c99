<?php
// SPDX-License-Identifier: MIT
/**
 * The History of a session on the Sessions page reads the trail's times whichever way a row
 * stored them: RFC 3339 (every row written now, Calendly's and a coach's alike) or the raw
 * microseconds that coaches' rows held before (the trail is append-only, so both stay).
 */
final class SessionHistoryTest extends CoachingTestCase {

	public function test_both_time_formats_of_the_trail_show_as_site_times(): void {
		$student = self::userWithPassword( 'subscriber', 'pw-' . bin2hex( random_bytes( 6 ) ) );
		$id      = $this->seedSession( $student['id'], 'attended', -48 );
		$audit   = self::table( 'tfsp_session_audit' );
		// 2026-03-04 05:06:07 UTC, once as an old coach row held it and once as RFC 3339.
		self::exec( "INSERT INTO $audit (session_id, created_at, actor_type, field, old_value, new_value, reason) VALUES (?, UTC_TIMESTAMP(6), 'coach', 'coach_mark_at', NULL, '1772600767000000', 'attendance mark'), (?, UTC_TIMESTAMP(6), 'calendly', 'cancel_at', NULL, '2026-03-04T05:06:07.000000Z', 'invitee.canceled')", array( $id, $id ) );

		$admin = self::login( self::env( 'WP_ADMIN_USER' ), self::env( 'WP_ADMIN_PASSWORD' ) );
		$page  = self::http( '/wp-admin/admin.php?page=tfsp-calendly&session=' . $id, $admin );
		$this->assertSame( 200, $page['status'] );
		$site = self::php( 'coaching.php', array( 1, 'site-time', '1772600767' ) )[1];
		$this->assertNotSame( '', trim( $site ) );
		$this->assertSame( 2, substr_count( $page['body'], '<td>' . htmlspecialchars( trim( $site ) ) . '</td>' ), 'both rows show the same instant in site time' );
		$this->assertStringNotContainsString( '1772600767000000', $page['body'] );
		$this->assertStringNotContainsString( '2026-03-04T05:06:07.000000Z', $page['body'] );
	}
}
