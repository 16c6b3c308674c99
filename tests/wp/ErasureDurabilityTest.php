<?php
// SPDX-License-Identifier: MIT
/**
 * Erasure lasts: after the privacy eraser, later deliveries for the same invitee (Calendly's
 * no-show button, a host cancel) keep merging into the row but never write the e-mail, the
 * name, who canceled, the time zone or the self-service links back, in the row, the ledger or
 * the audit trail.  A booking made after the erasure is new data and is stored normally.
 */
require_once __DIR__ . '/support/CalendlyTestCase.php';

final class ErasureDurabilityTest extends CalendlyTestCase {

	private static function everywhere( string $needle, string $uri, int $id ): array {
		$found = array();
		foreach ( self::rows( 'SELECT * FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( $id ) ) as $row ) {
			if ( str_contains( strtolower( json_encode( $row ) ), strtolower( $needle ) ) ) {
				$found[] = 'session';
			}
		}
		foreach ( self::rows( 'SELECT id, raw_body FROM ' . self::table( 'tfsp_calendly_events' ) . ' WHERE invitee_uri = ? OR session_id = ?', array( $uri, $id ) ) as $row ) {
			if ( str_contains( strtolower( (string) $row['raw_body'] ), strtolower( $needle ) ) ) {
				$found[] = 'ledger #' . $row['id'];
			}
		}
		foreach ( self::rows( 'SELECT id, field, old_value, new_value FROM ' . self::table( 'tfsp_session_audit' ) . ' WHERE session_id = ?', array( $id ) ) as $row ) {
			if ( str_contains( strtolower( $row['old_value'] . ' ' . $row['new_value'] ), strtolower( $needle ) ) ) {
				$found[] = 'audit #' . $row['id'] . ' ' . $row['field'];
			}
		}
		return $found;
	}

	public function test_later_deliveries_never_restore_erased_data(): void {
		$email  = self::email();
		$name   = 'Ada ' . bin2hex( random_bytes( 3 ) );
		$coach  = 'coach-' . bin2hex( random_bytes( 3 ) ) . '@example.org';
		$booked = self::control( 'book', array( 'email' => $email, 'name' => $name, 'host_email' => $coach, 'timezone' => 'Europe/Lisbon' ) );
		self::waitIdle();
		$row = self::session( $booked['invitee_uri'] );
		$this->assertSame( $email, $row['invitee_email'] );

		[ $code, $out, $err ] = self::php( 'coaching.php', array( 0, 'erase', $email ) );
		$this->assertSame( 0, $code, $err . $out );
		$row = self::session( $booked['invitee_uri'] );
		$this->assertNotNull( $row['erased_at'] );
		$this->assertNull( $row['invitee_email'] );
		$this->assertNull( $row['invitee_name'] );

		// Calendly's no-show button, its undo, then a host cancel: all after the erasure.
		self::control( 'no_show', array( 'invitee_uri' => $booked['invitee_uri'] ) );
		self::control( 'no_show_delete', array( 'invitee_uri' => $booked['invitee_uri'] ) );
		self::control( 'cancel', array( 'invitee_uri' => $booked['invitee_uri'], 'canceler_type' => 'host', 'reason' => 'coach ill, told ' . $name ) );
		self::waitIdle();
		// And a back-fill look-up of the same invitee through the API.
		$job = self::adminRest( 'POST', 'tfsp-calendly/v1/backfill', array( 'from' => gmdate( 'Y-m-d\TH:i:s\Z', time() - 86400 ), 'to' => gmdate( 'Y-m-d\TH:i:s\Z', time() + 86400 * 300 ) ) );
		$this->assertSame( 201, $job['status'], json_encode( $job['json'] ) );
		self::runBackfills();

		$row = self::session( $booked['invitee_uri'] );
		$this->assertSame( 'canceled', $row['status'], 'the facts keep merging' );
		foreach ( array( 'invitee_email', 'invitee_name', 'canceled_by', 'cancel_reason', 'timezone', 'cancel_url', 'reschedule_url', 'webhook_data' ) as $column ) {
			$this->assertNull( $row[ $column ], $column . ' stays empty' );
		}
		foreach ( array( $email, $name, 'Europe/Lisbon' ) as $needle ) {
			$this->assertSame( array(), self::everywhere( $needle, $booked['invitee_uri'], (int) $row['id'] ), $needle . ' is nowhere' );
		}

		// A booking made after the erasure is new data.
		$again = self::control( 'book', array( 'email' => $email, 'name' => $name ) );
		self::waitIdle();
		$new = self::session( $again['invitee_uri'] );
		$this->assertSame( $email, $new['invitee_email'] );
		$this->assertNull( $new['erased_at'] );
	}
}
