<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Matching after the fact: links the sessions that an account's e-mail (or a remembered alias)
 * claims, as student and as coach, and lets go of a deleted user's sessions.
 *
 * Whether a row is linked is the core's answer (Calsync\Email::match over the
 * users holding the address, so that an address shared by two accounts links
 * nobody); this class only loads the rows, locked, in one transaction, and
 * writes that answer with one audit row per change.  Whether an account may
 * be matched at all (the trust rule) is UserEvents' business.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class UserMatcher {

	/** User meta: a match this account is owed, kept while the extension is not loaded (value: the reason). */
	public const OWED_META = 'tfsp_calendly_match_owed';

	/** Owed matches run per request or cron tick. */
	private const OWED_BATCH = 50;

	private Database $db;
	private SessionMatchRepository $sessions;
	private SessionWriter $writer;
	private UserRepository $users;

	public function __construct( Database $db, SessionMatchRepository $sessions, SessionWriter $writer, UserRepository $users ) {
		$this->db       = $db;
		$this->sessions = $sessions;
		$this->writer   = $writer;
		$this->users    = $users;
	}

	/** Matching needs the core. */
	public static function available(): bool {
		return class_exists( '\Calsync\Email', false );
	}

	/**
	 * Links to $user_id every session with this e-mail that is unmatched, not
	 * unlinked by an admin and not erased, where the core names this user for
	 * the address; and, when the address is the user's own e-mail, makes the
	 * user the coach of every coach-less session whose first host has it.
	 * One transaction, rows locked, one audit row per change.
	 *
	 * @param string   $email      The address (normalised by the core here).
	 * @param int      $user_id    The user.
	 * @param string   $actor_type An AuditRepository::ACTORS value ("sync" for automatic matching).
	 * @param int|null $actor_id   The acting user, if any.
	 * @param string   $reason     Why, for the audit trail.
	 * @return int[] The ids of the sessions changed.
	 * @throws \LogicException When the extension is not loaded.
	 * @throws DatabaseError   When the database fails (rolled back).
	 */
	public function link_email( string $email, int $user_id, string $actor_type, ?int $actor_id, string $reason ): array {
		if ( ! self::available() ) {
			throw new \LogicException( 'E-mail matching needs the calsync extension.' );
		}
		try {
			$normalized = \Calsync\Email::normalize( $email );
		} catch ( \Calsync\Exception $e ) {
			return array(); // Not an address: nothing can match it.
		}
		$user = get_userdata( $user_id );
		if ( ! $user ) {
			return array();
		}
		return $this->db->transaction(
			function () use ( $normalized, $user, $actor_type, $actor_id, $reason ): array {
				return $this->link_once( $normalized, $user, $actor_type, $actor_id, $reason );
			}
		);
	}

	/**
	 * Links the sessions of a user's e-mail and of each remembered alias.
	 *
	 * @return int[] The ids of the sessions changed.
	 * @throws \LogicException When the extension is not loaded.
	 * @throws DatabaseError   When the database fails.
	 */
	public function link_user( int $user_id, string $reason ): array {
		$user = get_userdata( $user_id );
		if ( ! $user ) {
			return array();
		}
		$changed = $this->link_email( (string) $user->user_email, $user_id, 'sync', null, $reason );
		foreach ( array_unique( array_map( 'strval', (array) get_user_meta( $user_id, UserRepository::ALIAS_META ) ) ) as $alias ) {
			$changed = array_merge( $changed, $this->link_email( $alias, $user_id, 'sync', null, $reason . ' (remembered e-mail)' ) );
		}
		return array_values( array_unique( $changed ) );
	}

	/**
	 * Matches owed to accounts that were created or changed while the
	 * extension was not loaded (admin_init and the five-minute cron tick).
	 *
	 * @return int Accounts matched.
	 */
	public function run_owed(): int {
		if ( ! self::available() ) {
			return 0;
		}
		$ids = get_users(
			array(
				'meta_key'    => self::OWED_META, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key -- indexed meta_key, a handful of rows.
				'fields'      => 'ID',
				'number'      => self::OWED_BATCH,
				'orderby'     => 'ID',
				'count_total' => false,
			)
		);
		$done = 0;
		foreach ( (array) $ids as $id ) {
			$id     = (int) $id;
			$reason = (string) get_user_meta( $id, self::OWED_META, true );
			try {
				$this->link_user( $id, '' === $reason ? 'owed match' : $reason . ' (matched once the extension was loaded)' );
			} catch ( DatabaseError $e ) {
				return $done; // Kept for the next run.
			}
			delete_user_meta( $id, self::OWED_META );
			++$done;
		}
		return $done;
	}

	/**
	 * A deleted user's sessions: unmatched and coach-less, or moved to the
	 * user WordPress gave the deleted user's content to.  Needs no core: the
	 * user is gone, there is nothing to decide about an address.
	 *
	 * @return int[] The ids of the sessions changed.
	 * @throws DatabaseError When the database fails (rolled back).
	 */
	public function release_user( int $user_id, ?int $reassign, string $reason ): array {
		$to = null !== $reassign && $reassign > 0 && $reassign !== $user_id ? $reassign : null;
		return $this->db->transaction(
			function () use ( $user_id, $to, $reason ): array {
				$changes = array();
				foreach ( array( 'student_id', 'coach_id' ) as $column ) {
					foreach ( $this->sessions->lock_by_user( $column, $user_id ) as $id ) {
						$changes[] = array(
							'id'     => $id,
							'column' => $column,
							'from'   => $user_id,
							'to'     => $to,
						);
					}
				}
				$by = new AuditActor( 'sync', null, $reason );
				$this->writer->set_links( $changes, $by );
				$cohosted = $this->writer->release_cohost( $user_id, $to, $by );
				return array_values( array_unique( array_merge( array_column( $changes, 'id' ), $cohosted ) ) );
			}
		);
	}

	/** @return int[] */
	private function link_once( string $normalized, \WP_User $user, string $actor_type, ?int $actor_id, string $reason ): array {
		$user_id    = (int) $user->ID;
		$candidates = $this->users->email_candidates( $normalized );
		$listed     = false;
		foreach ( $candidates as $candidate ) {
			$listed = $listed || $candidate['user_id'] === $user_id;
		}
		if ( ! $listed ) {
			// Called before the alias is stored: the user holds the address as one.
			$candidates[] = array(
				'user_id' => $user_id,
				'email'   => $normalized,
				'name'    => '' === (string) $user->display_name ? null : (string) $user->display_name,
				'alias'   => true,
			);
		}
		$by       = new AuditActor( $actor_type, $actor_id, $reason );
		$students = array();
		foreach ( $this->sessions->lock_unmatched_by_email( $normalized ) as $row ) {
			if ( $this->names( (string) $row['invitee_email'], null === $row['invitee_name'] ? null : (string) $row['invitee_name'], $candidates ) !== $user_id ) {
				continue;
			}
			$students[] = array(
				'id'     => (int) $row['id'],
				'column' => 'student_id',
				'from'   => null,
				'to'     => $user_id,
			);
		}
		$this->writer->set_links( $students, $by );
		// Coaches, as the webhook links them: by the user's own e-mail, never an alias.
		$coaches = array();
		$own     = array_values( array_filter( $candidates, static fn( $c ) => ! $c['alias'] ) );
		if ( $own && $this->names( $normalized, null, $own ) === $user_id ) {
			foreach ( $this->sessions->lock_coachless_by_host( $normalized ) as $row ) {
				if ( $this->names( (string) $row['host_email'], null, $own ) !== $user_id ) {
					continue;
				}
				$coaches[] = array(
					'id'     => (int) $row['id'],
					'column' => 'coach_id',
					'from'   => null,
					'to'     => $user_id,
				);
			}
		}
		$this->writer->set_links( $coaches, $by->as( $actor_type, $reason . ' (host e-mail)' ) );
		// Co-hosts: every session one of whose hosts has the address gains the user as a coach
		// (coach_id too when it has none yet).
		$cohosted = array();
		if ( $own && $this->names( $normalized, null, $own ) === $user_id ) {
			$hosting = $by->as( $actor_type, $reason . ' (host e-mail)' );
			foreach ( $this->sessions->lock_cohosted_by_host( $normalized, $user_id ) as $row ) {
				if ( ! in_array( $normalized, SessionSync::host_addresses( array( 'host_emails' => $row['host_emails'] ) ), true ) ) {
					continue; // The LIKE's candidates: only an exact line counts.
				}
				$id = (int) $row['id'];
				if ( null === $row['coach_id'] ) {
					$this->writer->set_links(
						array(
							array(
								'id'     => $id,
								'column' => 'coach_id',
								'from'   => null,
								'to'     => $user_id,
							),
						),
						$hosting
					);
				} else {
					$this->writer->add_coach( $id, $user_id, $hosting );
				}
				$cohosted[] = $id;
			}
		}
		return array_values( array_unique( array_merge( array_column( $students, 'id' ), array_column( $coaches, 'id' ), $cohosted ) ) );
	}

	/** The user the core links this address to among the candidates, or null. */
	private function names( string $email, ?string $name, array $candidates ): ?int {
		try {
			$match = \Calsync\Email::match( $email, $name, $candidates );
		} catch ( \Calsync\Exception $e ) {
			return null;
		}
		return isset( $match['link'] ) ? (int) $match['link'] : null;
	}
}
