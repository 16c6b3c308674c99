<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Who may see and mark which sessions: a coach the sessions they host (every host of a
 * co-hosted event, through {prefix}tfsp_session_coaches); a lead coach and an admin, who hold
 * tfsp_calendly_mark_any_session, every session, those whose hosts match no user included.
 *
 * Reads only (no core needed): the coaches are stored with each session by SessionWriter.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class SessionAccess {

	/** The transient of coach_choices(). */
	public const CHOICES_TRANSIENT = 'tfsp_calendly_coach_choices';

	private SessionCoachRepository $coaches;

	public function __construct( SessionCoachRepository $coaches ) {
		$this->coaches = $coaches;
	}

	/** The user sees and marks every session. */
	public static function sees_all( int $user_id ): bool {
		return $user_id > 0 && user_can( $user_id, Plugin::CAP_MARK_ANY );
	}

	/**
	 * The coach whose sessions this user's lists show: the user, or null for every session.
	 * The filters of every coach-facing list take it as "hosted_by".
	 */
	public static function scope( int $user_id ): ?int {
		return self::sees_all( $user_id ) ? null : $user_id;
	}

	/**
	 * The user may mark this session: they hold the capability to mark any session, or they
	 * are one of its coaches.  The caller checks tfsp_calendly_mark_attendance.
	 *
	 * @throws DatabaseError On a database error.
	 */
	public function may_mark( int $user_id, int $session_id ): bool {
		return self::sees_all( $user_id ) || ( $user_id > 0 && $this->coaches->hosts( $session_id, $user_id ) );
	}

	/**
	 * The users a session's coach may be chosen from (the Sessions page's coach filter, its
	 * Add-session form and the Reports page): coaches, lead coaches and administrators, by
	 * name, at most 200.  WordPress finds a role with a LIKE over every account's capabilities
	 * (140 ms with 20,000 students), so the list is kept in a transient that every change of a
	 * role, a name or an account forgets (forget_coach_choices(), see UserEvents), and that
	 * expires after an hour for changes made around WordPress's functions.
	 *
	 * @return array<int,object{ID:string,display_name:string}>
	 */
	public static function coach_choices(): array {
		$cached = get_transient( self::CHOICES_TRANSIENT );
		if ( ! is_array( $cached ) ) {
			$cached = array();
			$users  = get_users(
				array(
					'role__in' => array( Plugin::COACH_ROLE, Plugin::LEAD_COACH_ROLE, 'administrator' ),
					'orderby'  => 'display_name',
					'number'   => 200,
					'fields'   => array( 'ID', 'display_name' ),
				)
			);
			foreach ( $users as $user ) {
				$cached[] = array( (string) $user->ID, (string) $user->display_name );
			}
			set_transient( self::CHOICES_TRANSIENT, $cached, HOUR_IN_SECONDS );
		}
		$out = array();
		foreach ( $cached as $entry ) {
			if ( is_array( $entry ) && 2 === count( $entry ) ) {
				$out[] = (object) array(
					'ID'           => (string) $entry[0],
					'display_name' => (string) $entry[1],
				);
			}
		}
		return $out;
	}

	/** coach_choices() are read again on their next use. */
	public static function forget_coach_choices(): void {
		delete_transient( self::CHOICES_TRANSIENT );
	}
}
