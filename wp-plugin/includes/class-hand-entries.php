<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Sessions entered by hand (held outside Calendly, the study's backup booking method): who may
 * enter, edit and remove them, and the core's word on their times (State::applyManual), stored
 * by SessionWriter in one transaction.  Calendly never touches these rows: they have no invitee
 * URI for the sync to find, and the core refuses Calendly's facts for them.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class HandEntries {

	/** Longest note kept with a session entered by hand. */
	public const NOTE_MAX = 1000;

	private Database $db;
	private SessionRepository $sessions;
	private SessionWriter $writer;
	private Settings $settings;
	private SessionAccess $access;

	public function __construct( Database $db, SessionRepository $sessions, SessionWriter $writer, Settings $settings, SessionAccess $access ) {
		$this->db       = $db;
		$this->sessions = $sessions;
		$this->writer   = $writer;
		$this->settings = $settings;
		$this->access   = $access;
	}

	/**
	 * The user may enter sessions by hand: an administrator (tfsp_calendly_manage) always, a
	 * coach while the setting "Coaches may enter sessions" is on.
	 */
	public function may_enter( int $user_id ): bool {
		if ( $user_id <= 0 ) {
			return false;
		}
		if ( user_can( $user_id, Plugin::CAP_MANAGE ) ) {
			return true;
		}
		return user_can( $user_id, Plugin::CAP_MARK_ATTENDANCE ) && (bool) $this->settings->get( 'coaches_enter_sessions' );
	}

	/**
	 * Enters a session.  $input: student_id (int), coach_id (?int; null: the user), start and
	 * end (RFC 3339 with an offset), note (string).
	 *
	 * @return int|\WP_Error The new session's id.
	 */
	public function create( int $user_id, array $input ) {
		$refused = $this->refusal( $user_id );
		if ( null !== $refused ) {
			return $refused;
		}
		$coach = isset( $input['coach_id'] ) ? (int) $input['coach_id'] : $user_id;
		$error = $this->check_coach( $user_id, $coach ) ?? $this->check_student( (int) ( $input['student_id'] ?? 0 ) );
		if ( null !== $error ) {
			return $error;
		}
		$times = $this->times( $input, null );
		if ( $times instanceof \WP_Error ) {
			return $times;
		}
		$note = self::clean_note( (string) ( $input['note'] ?? '' ) );
		$by   = new AuditActor( $this->actor( $user_id ), $user_id, 'entered by hand' );
		try {
			$answer = \Calsync\State::applyManual( null, $times[0], $times[1], $by->at_us, $user_id );
			return $this->db->transaction( fn(): int => $this->writer->insert_hand_entered( $answer, (int) $input['student_id'], $coach, $note, $by ) );
		} catch ( DatabaseError $e ) {
			return $e->to_wp_error( __( 'The session could not be saved because of a database error.', 'tfsp-calendly-sync' ) );
		} catch ( \Calsync\Exception | \ValueError $e ) {
			return self::core_error( $e );
		}
	}

	/**
	 * Edits a session entered by hand.  $input: any of start, end, coach_id, note; student_id is
	 * refused (the link route changes a session's student).
	 *
	 * @return true|\WP_Error
	 */
	public function update( int $user_id, int $id, array $input ) {
		$refused = $this->refusal( $user_id );
		if ( null !== $refused ) {
			return $refused;
		}
		$coach = isset( $input['coach_id'] ) ? (int) $input['coach_id'] : null;
		if ( null !== $coach ) {
			$error = $this->check_coach( $user_id, $coach );
			if ( null !== $error ) {
				return $error;
			}
		}
		$note = array_key_exists( 'note', $input ) ? self::clean_note( (string) $input['note'] ) : null;
		$by   = new AuditActor( $this->actor( $user_id ), $user_id, 'edited by hand' );
		try {
			return $this->db->transaction(
				function () use ( $user_id, $id, $input, $coach, $note, $by ) {
					$row = $this->locked( $user_id, $id );
					if ( $row instanceof \WP_Error ) {
						return $row;
					}
					if ( array_key_exists( 'student_id', $input ) ) {
						return ( new PluginError( 'refused', 'student_id of session ' . $id ) )->to_wp_error( __( 'A session\'s student is changed through its student link, not here.', 'tfsp-calendly-sync' ) );
					}
					$facts = $this->sessions->row_to_facts( $row, \Calsync\State::emptyFacts() );
					$times = $this->times( $input, $facts );
					if ( $times instanceof \WP_Error ) {
						return $times;
					}
					$answer = \Calsync\State::applyManual( $facts, $times[0], $times[1], $by->at_us, $user_id );
					$this->writer->update_hand_entered( $row, $answer, $coach, $note, $by );
					return true;
				}
			);
		} catch ( DatabaseError $e ) {
			return $e->to_wp_error( __( 'The session could not be saved because of a database error.', 'tfsp-calendly-sync' ) );
		} catch ( \Calsync\Exception | \ValueError $e ) {
			return self::core_error( $e );
		}
	}

	/**
	 * Removes a session entered by hand; the audit trail keeps its last values.
	 *
	 * @return true|\WP_Error
	 */
	public function delete( int $user_id, int $id ) {
		$refused = $this->refusal( $user_id );
		if ( null !== $refused ) {
			return $refused;
		}
		$by = new AuditActor( $this->actor( $user_id ), $user_id, 'removed by hand' );
		try {
			return $this->db->transaction(
				function () use ( $user_id, $id, $by ) {
					$row = $this->locked( $user_id, $id );
					if ( $row instanceof \WP_Error ) {
						return $row;
					}
					$this->writer->delete_hand_entered( $row, $by );
					return true;
				}
			);
		} catch ( DatabaseError $e ) {
			return $e->to_wp_error( __( 'The session could not be removed because of a database error.', 'tfsp-calendly-sync' ) );
		}
	}

	/**
	 * The label of a session entered by hand, everywhere it is shown (Sessions list, History,
	 * portal, CSV): "entered by hand by X"; null for any other session.  Plain text: escape it.
	 *
	 * @param array $row A session row with source and entered_by.
	 */
	public static function label( array $row ): ?string {
		if ( SessionWriter::SOURCE_HAND !== ( $row['source'] ?? null ) ) {
			return null;
		}
		$by   = (int) ( $row['entered_by'] ?? 0 );
		$user = $by > 0 ? get_userdata( $by ) : false;
		/* translators: %s: the name of the person who entered the session */
		return sprintf( __( 'entered by hand by %s', 'tfsp-calendly-sync' ), $user ? $user->display_name : ( $by > 0 ? '#' . $by : __( 'someone', 'tfsp-calendly-sync' ) ) );
	}

	/** A note as stored: valid UTF-8 without control characters, at most NOTE_MAX characters. */
	public static function clean_note( string $note ): string {
		$note = (string) preg_replace( '/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/', '', wp_check_invalid_utf8( $note, true ) );
		return mb_substr( trim( $note ), 0, self::NOTE_MAX );
	}

	/** Without the core, or without the right, nothing is entered. */
	private function refusal( int $user_id ): ?\WP_Error {
		$missing = Plugin::core_missing();
		if ( null !== $missing ) {
			return $missing->to_wp_error(); // The core checks the times and derives the status.
		}
		if ( ! $this->may_enter( $user_id ) ) {
			return ( new PluginError( 'forbidden', 'user ' . $user_id . ' may not enter sessions' ) )->to_wp_error( __( 'You may not enter sessions by hand.', 'tfsp-calendly-sync' ) );
		}
		return null;
	}

	/** A coach names only themselves; a holder of tfsp_calendly_mark_any_session any coach. */
	private function check_coach( int $user_id, int $coach ): ?\WP_Error {
		if ( $coach !== $user_id && ! SessionAccess::sees_all( $user_id ) ) {
			return ( new PluginError( 'forbidden', 'user ' . $user_id . ' named coach ' . $coach ) )->to_wp_error( __( 'You may enter only sessions you held yourself.', 'tfsp-calendly-sync' ) );
		}
		if ( $coach <= 0 || ! user_can( $coach, Plugin::CAP_MARK_ATTENDANCE ) ) {
			return self::input( 'coach_id', __( 'coach_id is not a coach.', 'tfsp-calendly-sync' ) );
		}
		return null;
	}

	private function check_student( int $student ): ?\WP_Error {
		if ( $student <= 0 || false === get_userdata( $student ) ) {
			return self::input( 'student_id', __( 'student_id is not a user of this site.', 'tfsp-calendly-sync' ) );
		}
		return null;
	}

	/**
	 * The start and end in microseconds: from the input (parsed by the core), else from the
	 * stored facts of an edit.
	 *
	 * @return array{0:int,1:int}|\WP_Error
	 */
	private function times( array $input, ?array $facts ) {
		$out = array();
		foreach ( array( 'start', 'end' ) as $field ) {
			if ( isset( $input[ $field ] ) ) {
				try {
					$out[] = \Calsync\Time::parse( (string) $input[ $field ] );
				} catch ( \Calsync\Exception $e ) {
					/* translators: 1: the field (start or end), 2: the parser's reason. */
					return self::input( $field, sprintf( __( '%1$s is not a time in RFC 3339 with an offset (such as 2026-03-05T09:00:00-06:00): %2$s', 'tfsp-calendly-sync' ), $field, $e->getMessage() ) );
				}
			} elseif ( null !== $facts && is_int( $facts[ $field . '_at' ] ?? null ) ) {
				$out[] = $facts[ $field . '_at' ];
			} else {
				/* translators: %s: the field (start or end). */
				return self::input( $field, sprintf( __( '%s is required.', 'tfsp-calendly-sync' ), $field ) );
			}
		}
		return $out;
	}

	/**
	 * The row, locked, when the user may change it: 404 when there is none, 409 for a Calendly
	 * session (its times and booking belong to Calendly), 403 for a coach who does not host it.
	 *
	 * @return array|\WP_Error
	 */
	private function locked( int $user_id, int $id ) {
		$row = $this->sessions->lock_by_id( $id );
		if ( null === $row ) {
			return ( new PluginError( 'no_session', 'no session ' . $id ) )->to_wp_error();
		}
		if ( SessionWriter::SOURCE_HAND !== ( $row['source'] ?? null ) ) {
			return ( new PluginError( 'refused', 'session ' . $id . ' was not entered by hand' ) )->to_wp_error( __( 'Only a session entered by hand can be edited or removed here: a Calendly session\'s times and booking belong to Calendly.', 'tfsp-calendly-sync' ) );
		}
		if ( ! $this->access->may_mark( $user_id, $id ) ) {
			return ( new PluginError( 'forbidden', 'user ' . $user_id . ' is not a coach of session ' . $id ) )->to_wp_error();
		}
		return $row;
	}

	private function actor( int $user_id ): string {
		return user_can( $user_id, Plugin::CAP_MANAGE ) ? 'admin' : 'coach';
	}

	private static function input( string $field, string $message ): \WP_Error {
		return ( new PluginError( 'input', $field . ': ' . $message, array( 'params' => array( $field => $message ) ) ) )->to_wp_error( $message );
	}

	/** The core's refusal: a time rule names its field (400); any other through the error table. */
	private static function core_error( \Throwable $e ): \WP_Error {
		$error = PluginError::from_core( $e );
		if ( 'input' === $error->category && preg_match( '/^(start|end)\b/', $e->getMessage(), $m ) ) {
			return self::input( $m[1], $e->getMessage() );
		}
		return $error->to_wp_error( $error->notice( $e->getMessage() ) );
	}
}
