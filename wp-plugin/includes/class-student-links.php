<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * An admin's link of a session to a student, or unlink: the one code path of the Unmatched
 * bookings page and of POST /tfsp-calendly/v1/sessions/{id}/student.
 *
 * Linking never steals: without remembering the e-mail only the chosen session moves; with it,
 * the chosen session and every *unmatched* session with that e-mail move, and the e-mail becomes
 * the student's alias.  An address that is another user's e-mail or alias is refused (409), so
 * that one address never belongs to two people.  Unlinking marks the session "unlinked by an
 * admin": automatic matching never links it again.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class StudentLinks {

	private Database $db;
	private SessionListRepository $sessions;
	private SessionWriter $writer;
	private UserRepository $users;

	public function __construct( Database $db, SessionListRepository $sessions, SessionWriter $writer, UserRepository $users ) {
		$this->db       = $db;
		$this->sessions = $sessions;
		$this->writer   = $writer;
		$this->users    = $users;
	}

	/**
	 * Links (student_id > 0) or unlinks (0) a session.
	 *
	 * @return array{session:array,reattributed_ids:int[],alias:?string}|\WP_Error
	 *         WP_Error codes: tfsp_calendly_no_session (404), rest_invalid_param (400),
	 *         tfsp_calendly_email_taken (409), tfsp_calendly_db_error (503),
	 *         tfsp_calendly_no_extension (503).
	 */
	public function link( int $session_id, int $student_id, bool $remember_email, int $admin_id ) {
		$missing = Plugin::core_missing();
		if ( null !== $missing ) {
			return $missing->to_wp_error(); // The core normalizes the address and stands the chain again.
		}
		try {
			$session = $this->sessions->find( $session_id );
		} catch ( DatabaseError $e ) {
			return self::db_error();
		}
		if ( null === $session ) {
			return ( new PluginError( 'no_session', 'no session ' . $session_id ) )->to_wp_error();
		}
		if ( 0 === $student_id ) {
			if ( $remember_email ) {
				return PluginError::invalid_param( 'remember_email', __( 'An e-mail can only be remembered for a student; it cannot be remembered while unlinking.', 'tfsp-calendly-sync' ) );
			}
			return $this->attribute( $session, null, null, $admin_id, 'unlinked by an admin' );
		}
		$user = get_userdata( $student_id );
		if ( ! $user ) {
			return PluginError::invalid_param( 'student_id', __( 'There is no user with that ID.', 'tfsp-calendly-sync' ) );
		}
		if ( ! $remember_email ) {
			return $this->attribute( $session, null, (int) $user->ID, $admin_id, 'linked by an admin' );
		}

		if ( null !== $session['erased_at'] || null === $session['invitee_email'] || '' === (string) $session['invitee_email'] ) {
			return PluginError::invalid_param( 'remember_email', __( 'This session has no e-mail to remember.', 'tfsp-calendly-sync' ) );
		}
		try {
			$email = \Calsync\Email::normalize( (string) $session['invitee_email'] );
		} catch ( \Calsync\Exception $e ) {
			return PluginError::invalid_param( 'remember_email', __( 'The booking\'s e-mail is not an address; it cannot become an alias.', 'tfsp-calendly-sync' ) );
		}
		try {
			$holders = $this->users->email_candidates( $email );
		} catch ( DatabaseError $e ) {
			return self::db_error();
		}
		foreach ( $holders as $holder ) {
			if ( (int) $holder['user_id'] !== (int) $user->ID ) {
				return new \WP_Error(
					'tfsp_calendly_email_taken',
					$holder['alias']
						? __( 'This e-mail is already another user\'s alias: remembering it for a second user would make its bookings ambiguous. Link this session without remembering the e-mail, or remove the other alias first.', 'tfsp-calendly-sync' )
						: __( 'This e-mail is another user\'s own e-mail: link this session without remembering the e-mail.', 'tfsp-calendly-sync' ),
					array(
						'status'  => 409,
						'user_id' => (int) $holder['user_id'],
					)
				);
			}
		}
		$known = array_map( 'strtolower', array_map( 'trim', (array) get_user_meta( $user->ID, UserRepository::ALIAS_META ) ) );
		$alias = null;
		if ( strtolower( (string) $user->user_email ) !== $email && ! in_array( $email, $known, true ) ) {
			add_user_meta( $user->ID, UserRepository::ALIAS_META, $email );
			$alias = $email;
		}
		return $this->attribute( $session, $email, (int) $user->ID, $admin_id, 'linked by an admin; e-mail kept as an alias' );
	}

	/** @return array{session:array,reattributed_ids:int[],alias:?string}|\WP_Error */
	private function attribute( array $session, ?string $email, ?int $student_id, int $admin_id, string $reason ) {
		try {
			$changed = $this->db->transaction( fn() => $this->move( (int) $session['id'], $email, $student_id, $admin_id, $reason ) );
			$row     = $this->sessions->find( (int) $session['id'] );
		} catch ( DatabaseError $e ) {
			return self::db_error();
		}
		return array(
			'session'          => $row ?? $session,
			'reattributed_ids' => $changed,
			'alias'            => $email,
		);
	}

	/**
	 * Moves the chosen session (and with an e-mail, its unmatched sessions) to a student, or
	 * unlinks the chosen one ($student_id null: "unlinked by an admin", so that automatic
	 * matching leaves it).  Runs inside the caller's transaction.
	 *
	 * @return int[] The ids whose link changed, the chosen one first.
	 */
	private function move( int $id, ?string $email, ?int $student_id, int $admin_id, string $reason ): array {
		$changes  = array();
		$unlinked = null === $student_id ? 1 : 0;
		foreach ( $this->sessions->lock_for_link( $id, null !== $student_id ? $email : null ) as $row ) {
			$old = null === $row['student_id'] ? null : (int) $row['student_id'];
			if ( $old === $student_id && (int) $row['student_unlinked'] === $unlinked ) {
				continue;
			}
			$changes[] = array(
				'id'       => (int) $row['id'],
				'column'   => 'student_id',
				'from'     => $old,
				'to'       => $student_id,
				'unlinked' => array( (int) $row['student_unlinked'], $unlinked ),
			);
		}
		$this->writer->set_links( $changes, new AuditActor( 'admin', $admin_id, $reason ) );
		return array_map( static fn( array $c ): int => $c['id'], $changes );
	}

	private static function db_error(): \WP_Error {
		return ( new DatabaseError( 'database error' ) )->to_wp_error( __( 'The session could not be changed because of a database error; nothing was changed.', 'tfsp-calendly-sync' ) );
	}
}
