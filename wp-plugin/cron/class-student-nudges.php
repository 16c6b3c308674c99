<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The student mails, each at most once per occasion ({prefix}tfsp_notifications):
 *
 * - "Book your next session" (kind student_book_next), from the daily WP-Cron job
 *   tfsp_calendly_student_nudges under the lease "student_nudges": a student below the
 *   requirement, with nothing upcoming, whose latest ended, not canceled session ended
 *   nudge_after_days ago or more (occasion "session:<id>": once per latest session), or who
 *   never had one (occasion "never": once).  It carries the booking link.  Calendly itself
 *   reminds of booked sessions, so nothing is sent to a student with a session upcoming.
 * - "Requirement met" (kind student_requirement_met), from a listener of
 *   tfsp_calendly_requirement_met (occasion "met": once).
 *
 * Occasions are built by occasion(): until the program has terms (another issue) the term is
 * null; with a term they become "term:<id>:never", "term:<id>:session:<id>", "term:<id>:met", so
 * that a student is nudged once per term.  Both read only stored answers (counts_toward_progress,
 * status, start_at, end_at), so they run without the calsync extension.
 *
 * Each mail carries a signed unsubscribe link (Public\Unsubscribe) and the RFC 8058 headers.  Its
 * times are in the student's own time zone (ReaderTimeZone), each with the zone's name.
 *
 * @package TFSP\CalendlySync\Cron
 */

namespace TFSP\CalendlySync\Cron;

use TFSP\CalendlySync\Alerts;
use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\Database;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\NotificationRepository;
use TFSP\CalendlySync\Progress;
use TFSP\CalendlySync\ProgressRepository;
use TFSP\CalendlySync\ReaderTimeZone;
use TFSP\CalendlySync\Public\BookingShortcode;
use TFSP\CalendlySync\Public\Unsubscribe;
use TFSP\CalendlySync\Settings;
use TFSP\CalendlySync\SettingsRepository;
use TFSP\CalendlySync\Terms;

defined( 'ABSPATH' ) || exit;

final class StudentNudges {

	public const HOOK = 'tfsp_calendly_student_nudges';

	public const BOOK_NEXT       = 'student_book_next';
	public const REQUIREMENT_MET = 'student_requirement_met';
	public const KINDS           = array( self::BOOK_NEXT, self::REQUIREMENT_MET );

	/** Settings table key: the job's last run (time, mails sent, what it skipped for). */
	public const LAST_RUN_KEY = '_student_nudges_last_run';

	/** Settings table key: when the requirement-met listener last ran. */
	public const LISTENER_RUN_KEY = '_student_requirement_met_last_run';

	/** Users read per query. */
	private const BATCH = 200;

	/** Mails one run sends at most (the rest wait for the next day's run). */
	private const MAX_PER_RUN = 2000;

	private Database $db;
	private ProgressRepository $progress;
	private Progress $rules;
	private NotificationRepository $notifications;
	private Settings $settings;
	private SettingsRepository $store;
	private ReaderTimeZone $zones;

	public function __construct( Database $db, ProgressRepository $progress, NotificationRepository $notifications, Settings $settings, SettingsRepository $store, Progress $rules, ReaderTimeZone $zones ) {
		$this->rules         = $rules;
		$this->db            = $db;
		$this->progress      = $progress;
		$this->notifications = $notifications;
		$this->settings      = $settings;
		$this->store         = $store;
		$this->zones         = $zones;
	}

	/**
	 * An occasion of a mail: what it is about, within a term when the program has terms.
	 *
	 * @param string   $what    "never", "session:<id>" or "met".
	 * @param int|null $term_id The term (null until terms exist).
	 */
	public static function occasion( string $what, ?int $term_id = null ): string {
		return null === $term_id ? $what : 'term:' . $term_id . ':' . $what;
	}

	/** Whether the student turned this kind of mail off (Public\Unsubscribe). */
	public static function unsubscribed( int $user_id, string $kind ): bool {
		return '' !== (string) get_user_meta( $user_id, Unsubscribe::meta_key( $kind ), true );
	}

	/**
	 * The daily job.
	 *
	 * @return array<int,array{user_id:int,occasion:string}>|null Mails sent; null when another node holds the lease.
	 */
	public function run(): ?array {
		try {
			return $this->db->with_lock( 'student_nudges', fn() => $this->send_book_next(), 0, null );
		} catch ( DatabaseError $e ) {
			return null; // The lease could not be asked for: the next run tries again.
		}
	}

	/** The job itself, under its lease. @return array<int,array{user_id:int,occasion:string}> */
	private function send_book_next(): array {
		$sent    = array();
		$skipped = '';
		try {
			$link = (string) $this->settings->get( 'scheduling_url' );
			if ( ! $this->settings->get( 'nudge_book_next' ) ) {
				$skipped = 'off';
			} elseif ( '' === $link ) {
				$skipped = 'no_link';
			} elseif ( 'ended' === $this->rules->scope()['state'] ) {
				$skipped = 'between_terms'; // Nothing to reach until the next term begins.
			} else {
				$rule     = $this->rules->rule(); // The current term's sessions and each student's requirement.
				$now      = gmdate( 'Y-m-d H:i:s' );
				$cutoff   = gmdate( 'Y-m-d H:i:s', time() - (int) $this->settings->get( 'nudge_after_days' ) * DAY_IN_SECONDS );
				$after    = 0;
				do {
					$rows = $this->progress->nudge_candidates( $after, $now, self::BATCH, $rule );
					foreach ( $rows as $row ) {
						$after    = (int) $row['ID'];
						$required = max( 1, (int) $row['required'] );
						if ( (int) $row['counted'] >= $required || (int) $row['upcoming'] ) {
							continue;
						}
						if ( null === $row['last_id'] ) {
							$occasion = self::occasion( 'never', null === $rule['term'] ? null : (int) $rule['term']['id'] );
							$session  = null;
						} elseif ( (string) $row['last_end'] <= $cutoff ) {
							$occasion = self::occasion( 'session:' . (int) $row['last_id'] );
							$session  = (int) $row['last_id'];
						} else {
							continue;
						}
						if ( $this->book_next( $after, $occasion, $session, $row, $required, $link, $rule ) ) {
							$sent[] = array(
								'user_id'  => $after,
								'occasion' => $occasion,
							);
						}
						if ( count( $sent ) >= self::MAX_PER_RUN ) {
							break 2;
						}
					}
				} while ( count( $rows ) === self::BATCH );
			}
		} catch ( DatabaseError $e ) {
			error_log( 'tfsp-calendly-sync student nudges: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
		}
		try {
			$this->store->put(
				self::LAST_RUN_KEY,
				(string) wp_json_encode(
					array(
						'at'      => time(),
						'sent'    => count( $sent ),
						'skipped' => $skipped,
					)
				)
			);
		} catch ( DatabaseError $e ) {
			unset( $e ); // The status line stays as it was.
		}
		return $sent;
	}

	/**
	 * One "book your next session" mail, claimed first.
	 *
	 * @param array<string,mixed> $row The student's stored answers (nudge_candidates()).
	 */
	private function book_next( int $user_id, string $occasion, ?int $session_id, array $row, int $required, string $link, array $rule ): bool {
		$user = get_userdata( $user_id );
		if ( ! $user || ! is_email( $user->user_email ) || self::unsubscribed( $user_id, self::BOOK_NEXT ) ) {
			return false;
		}
		if ( ! $this->notifications->claim( $user_id, self::BOOK_NEXT, $occasion ) ) {
			return false;
		}
		$counted = (int) $row['counted'];
		$lines   = array(
			/* translators: %s: the student's name */
			sprintf( __( 'Hello %s,', 'tfsp-calendly-sync' ), self::name( $user ) ),
			'',
		);
		if ( null === $session_id ) {
			$lines[] = __( 'You have not had a coaching session yet.', 'tfsp-calendly-sync' );
		} else {
			$start = (string) ( $row['last_start'] ?? '' );
			$end   = strtotime( substr( '' === $start ? (string) $row['last_end'] : $start, 0, 19 ) . ' UTC' );
			// In the student's own zone, named: the mail is read away from the site.
			/* translators: %s: date and time of the student's latest session, with its time zone */
			$lines[] = sprintf( __( 'Your latest coaching session was on %s.', 'tfsp-calendly-sync' ), Clock::datetime_at( false === $end ? time() : $end, $this->zones->of_student( $user_id ), true ) );
		}
		$phrase = Terms::phrase( $rule, $counted, $required );
		if ( null === $phrase ) {
			/* translators: 1: sessions attended, 2: sessions required */
			$lines[] = sprintf( _n( 'You have attended %1$d of the %2$d coaching session the program asks for.', 'You have attended %1$d of the %2$d coaching sessions the program asks for.', $required, 'tfsp-calendly-sync' ), $counted, $required );
		} else {
			/* translators: %s: progress such as "1 of 3 sessions this term, ends December 15" */
			$lines[] = sprintf( __( 'Your coaching sessions: %s.', 'tfsp-calendly-sync' ), $phrase );
		}
		$lines[] = '';
		$lines[] = __( 'Book your next session here:', 'tfsp-calendly-sync' );
		$lines[] = BookingShortcode::prefilled( $link, $user );
		/* translators: %s: site name */
		$subject = sprintf( __( '[%s] Book your next coaching session', 'tfsp-calendly-sync' ), self::site() );
		$context = array(
			'user_id'    => $user_id,
			'occasion'   => $occasion,
			'session_id' => $session_id,
			'term_id'    => null === $rule['term'] ? null : (int) $rule['term']['id'],
		);
		return $this->send( $user, self::BOOK_NEXT, $occasion, $subject, $lines, $context );
	}

	/**
	 * The listener of tfsp_calendly_requirement_met: the "requirement met" mail, once.
	 *
	 * @param int      $student_id The student.
	 * @param int|null $term_id    The term (null until terms exist).
	 */
	public function requirement_met( $student_id, $term_id = null ): bool {
		$student_id = (int) $student_id;
		$term_id    = null === $term_id ? null : (int) $term_id;
		try {
			$this->store->put( self::LISTENER_RUN_KEY, (string) time() );
			if ( ! $this->settings->get( 'nudge_requirement_met' ) ) {
				return false;
			}
			$user = get_userdata( $student_id );
			if ( ! $user || ! is_email( $user->user_email ) || self::unsubscribed( $student_id, self::REQUIREMENT_MET ) ) {
				return false;
			}
			$occasion = self::occasion( 'met', $term_id );
			if ( ! $this->notifications->claim( $student_id, self::REQUIREMENT_MET, $occasion ) ) {
				return false;
			}
			$now      = $this->rules->of_student( $student_id ); // In the current term, with the student's cohort requirement.
			$required = $now['required'];
			$counted  = $now['attended'];
			$lines    = array(
				/* translators: %s: the student's name */
				sprintf( __( 'Hello %s,', 'tfsp-calendly-sync' ), self::name( $user ) ),
				'',
				/* translators: 1: sessions attended, 2: sessions required */
				sprintf( _n( 'Congratulations: you have attended %1$d coaching sessions and so met the program\'s requirement of %2$d session.', 'Congratulations: you have attended %1$d coaching sessions and so met the program\'s requirement of %2$d sessions.', $required, 'tfsp-calendly-sync' ), $counted, $required ),
				__( 'You are welcome to keep booking sessions with your coach.', 'tfsp-calendly-sync' ),
			);
			/* translators: %s: site name */
			$subject = sprintf( __( '[%s] You met the coaching requirement', 'tfsp-calendly-sync' ), self::site() );
			$context = array(
				'user_id'  => $student_id,
				'occasion' => $occasion,
				'term_id'  => $term_id,
			);
			return $this->send( $user, self::REQUIREMENT_MET, $occasion, $subject, $lines, $context );
		} catch ( DatabaseError $e ) {
			error_log( 'tfsp-calendly-sync requirement met mail: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
			return false;
		}
	}

	/**
	 * Sends a claimed mail with its unsubscribe link and headers; gives the claim back when
	 * nothing was sent.
	 *
	 * @param string[]            $lines   The body above the unsubscribe footer.
	 * @param array<string,mixed> $context The filter's context.
	 */
	private function send( \WP_User $user, string $kind, string $occasion, string $subject, array $lines, array $context ): bool {
		$unsubscribe = Unsubscribe::url( (int) $user->ID, $kind );
		$lines[]     = '';
		$lines[]     = '-- ';
		$lines[]     = self::BOOK_NEXT === $kind
			/* translators: %s: unsubscribe link */
			? sprintf( __( 'To stop e-mails that remind you to book a session: %s', 'tfsp-calendly-sync' ), $unsubscribe )
			/* translators: %s: unsubscribe link */
			: sprintf( __( 'To stop e-mails about your progress: %s', 'tfsp-calendly-sync' ), $unsubscribe );
		$sent = false;
		try {
			$sent = Alerts::send(
				array(
					'to'      => $user->user_email,
					'subject' => $subject,
					'message' => implode( "\n", $lines ) . "\n",
					'headers' => array(
						'Content-Type: text/plain; charset=UTF-8',
						'List-Unsubscribe: <' . $unsubscribe . '>',
						'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
					),
				),
				$kind,
				$context
			);
		} finally {
			if ( ! $sent ) {
				$this->notifications->release( (int) $user->ID, $kind, $occasion );
			}
		}
		return $sent;
	}

	/** The student's name as plain text: a mail client that renders markup gets none. */
	private static function name( \WP_User $user ): string {
		$name = trim( wp_strip_all_tags( wp_specialchars_decode( (string) $user->display_name, ENT_QUOTES ) ) );
		return '' !== $name ? $name : __( 'student', 'tfsp-calendly-sync' );
	}

	private static function site(): string {
		return wp_specialchars_decode( (string) get_option( 'blogname' ), ENT_QUOTES );
	}

	/**
	 * The Settings page's status of each mail: when it last ran and how many it sent.
	 *
	 * @return array<string,array{ran:?int,sent_last_run:?int,skipped:string,sent_total:int,last_sent:?string}>
	 */
	public function status(): array {
		$out = array();
		try {
			$job      = json_decode( (string) $this->store->find_quietly( self::LAST_RUN_KEY ), true );
			$listener = $this->store->find_quietly( self::LISTENER_RUN_KEY );
			foreach ( self::KINDS as $kind ) {
				$summary      = $this->notifications->summary( $kind );
				$is_job       = self::BOOK_NEXT === $kind;
				$out[ $kind ] = array(
					'ran'           => $is_job ? ( is_array( $job ) ? (int) $job['at'] : null ) : ( null === $listener ? null : (int) $listener ),
					'sent_last_run' => $is_job && is_array( $job ) ? (int) $job['sent'] : null,
					'skipped'       => $is_job && is_array( $job ) ? (string) ( $job['skipped'] ?? '' ) : '',
					'sent_total'    => $summary['sent'],
					'last_sent'     => $summary['last'],
				);
			}
		} catch ( DatabaseError $e ) {
			unset( $e );
		}
		return $out;
	}
}
