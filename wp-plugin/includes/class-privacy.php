<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * WordPress's personal-data exporter and eraser for the plugin's data.
 *
 * The export holds a person's coaching sessions (as student or as invitee
 * e-mail) and their e-mail aliases.  Erasing anonymises the invitee's
 * e-mail, name, cancel reason, self-service links and stored payloads (the
 * session's webhook_data, the ledger's raw bodies, personal values in the
 * audit trail) but keeps every row, its status, times and student link, so
 * that counts, progress and the audit trail's shape stay as they were.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

use TFSP\CalendlySync\Cron\StudentNudges;

defined( 'ABSPATH' ) || exit;

final class Privacy {

	/** Session rows per exporter or eraser page. */
	private const BATCH = 100;

	private PrivacyRepository $repository;
	private SessionWriter $writer;
	private NotificationRepository $notifications;
	private TermRepository $terms;

	public function __construct( PrivacyRepository $repository, SessionWriter $writer, NotificationRepository $notifications, TermRepository $terms ) {
		$this->terms         = $terms;
		$this->repository    = $repository;
		$this->writer        = $writer;
		$this->notifications = $notifications;
	}

	/** The suggested text for the site's privacy policy (HTML), as Settings > Privacy offers it. */
	public static function policy_text(): string {
		$paragraphs = array(
			__( 'When you book a coaching session through Calendly, Calendly sends this site the booking: your name, your e-mail address, your time zone, the time of the session, its video-call and cancel/reschedule links, and, when you cancel, your reason. This site keeps them with your session, so that you and your coach see it here and your progress toward the required sessions is counted.', 'tfsp-calendly-sync' ),
			__( 'Coaches record whether you attended; every change of a session is kept in its history with who made it.', 'tfsp-calendly-sync' ),
			__( 'The site may e-mail you when you are due to book your next session and when you have met the requirement. It records which of these e-mails it sent you and when, so that each goes out once; each e-mail has a link that turns it off, and that choice is kept with your account.', 'tfsp-calendly-sync' ),
			__( 'Times are shown to you in the time zone you choose in your profile, else in the time zone of your latest Calendly booking; the choice is kept with your account.', 'tfsp-calendly-sync' ),
			__( 'Each message from Calendly is kept as received only until it is applied, and never longer than the number of days the site sets (90 by default); after that only without your personal data.', 'tfsp-calendly-sync' ),
			__( 'An administrator can export your data and erase it (Tools > Export Personal Data and Erase Personal Data); an erased booking stays erased even when Calendly sends it again.', 'tfsp-calendly-sync' ),
		);
		return '<p>' . implode( '</p><p>', array_map( 'esc_html', $paragraphs ) ) . '</p>';
	}

	public function register(): void {
		add_filter( 'wp_privacy_personal_data_exporters', array( $this, 'add_exporter' ) );
		add_filter( 'wp_privacy_personal_data_erasers', array( $this, 'add_eraser' ) );
	}

	/** @param array $exporters Registered exporters. */
	public function add_exporter( $exporters ) {
		$exporters['tfsp-calendly-sync'] = array(
			'exporter_friendly_name' => __( 'Coaching sessions (Calendly Sync)', 'tfsp-calendly-sync' ),
			'callback'               => array( $this, 'export' ),
		);
		return $exporters;
	}

	/** @param array $erasers Registered erasers. */
	public function add_eraser( $erasers ) {
		$erasers['tfsp-calendly-sync'] = array(
			'eraser_friendly_name' => __( 'Coaching sessions (Calendly Sync)', 'tfsp-calendly-sync' ),
			'callback'             => array( $this, 'erase' ),
		);
		return $erasers;
	}

	/**
	 * Exporter callback.
	 *
	 * @param string $email The address of the request.
	 * @param int    $page  1-based page.
	 * @return array{data:array,done:bool}
	 */
	public function export( $email, $page = 1 ) {
		$email = trim( (string) $email );
		$page  = max( 1, (int) $page );
		$user  = get_user_by( 'email', $email );
		$data  = array();
		if ( 1 === $page && $user ) {
			foreach ( (array) get_user_meta( $user->ID, UserRepository::ALIAS_META ) as $alias ) {
				$data[] = array(
					'group_id'    => 'tfsp-calendly-aliases',
					'group_label' => __( 'Coaching: other e-mail addresses', 'tfsp-calendly-sync' ),
					'item_id'     => 'tfsp-calendly-alias-' . md5( (string) $alias ),
					'data'        => array(
						array(
							'name'  => __( 'E-mail address', 'tfsp-calendly-sync' ),
							'value' => (string) $alias,
						),
					),
				);
			}
		}
		if ( 1 === $page && $user ) {
			$data = array_merge( $data, $this->export_mails( (int) $user->ID ), $this->export_cohorts( (int) $user->ID ) );
		}
		try {
			$rows = $this->repository->sessions_of( $user ? (int) $user->ID : null, $email, null, ( $page - 1 ) * self::BATCH, self::BATCH );
		} catch ( DatabaseError $e ) {
			return array(
				'data' => $data,
				'done' => true,
			);
		}
		$labels = Public\PortalShortcode::status_labels();
		foreach ( $rows as $row ) {
			$fields = array(
				__( 'Start (UTC)', 'tfsp-calendly-sync' )        => $row['start_at'],
				__( 'End (UTC)', 'tfsp-calendly-sync' )          => $row['end_at'],
				__( 'Status', 'tfsp-calendly-sync' )             => $labels[ $row['status'] ] ?? $row['status'],
				__( 'Event', 'tfsp-calendly-sync' )              => $row['event_name'],
				__( 'Name given at booking', 'tfsp-calendly-sync' ) => $row['invitee_name'],
				__( 'E-mail given at booking', 'tfsp-calendly-sync' ) => $row['invitee_email'],
				__( 'Time zone', 'tfsp-calendly-sync' )          => $row['timezone'],
				__( 'Cancel reason', 'tfsp-calendly-sync' )      => $row['cancel_reason'],
				__( 'Join link', 'tfsp-calendly-sync' )          => $row['join_url'],
				__( 'Reschedule link', 'tfsp-calendly-sync' )    => $row['reschedule_url'],
				__( 'Cancel link', 'tfsp-calendly-sync' )        => $row['cancel_url'],
				__( 'Calendly invitee', 'tfsp-calendly-sync' )   => $row['calendly_uri'],
			);
			$item   = array();
			foreach ( $fields as $name => $value ) {
				if ( null !== $value && '' !== $value ) {
					$item[] = array(
						'name'  => $name,
						'value' => (string) $value,
					);
				}
			}
			$data[] = array(
				'group_id'          => 'tfsp-calendly-sessions',
				'group_label'       => __( 'Coaching sessions', 'tfsp-calendly-sync' ),
				'group_description' => __( 'Coaching sessions booked through Calendly.', 'tfsp-calendly-sync' ),
				'item_id'           => 'tfsp-calendly-session-' . (int) $row['id'],
				'data'              => $item,
			);
		}
		return array(
			'data' => $data,
			'done' => count( $rows ) < self::BATCH,
		);
	}

	/**
	 * Eraser callback: anonymises the next batch of the person's rows.
	 *
	 * @param string $email The address of the request.
	 * @param int    $page  1-based page (each call takes the rows not yet anonymised).
	 * @return array{items_removed:bool,items_retained:bool,messages:string[],done:bool}
	 */
	public function erase( $email, $page = 1 ) {
		unset( $page );
		$email       = trim( (string) $email );
		$user        = get_user_by( 'email', $email );
		$placeholder = (string) wp_privacy_anonymize_data( 'email', $email );
		$text        = (string) wp_privacy_anonymize_data( 'text', '' );
		$removed     = false;
		if ( $user && delete_user_meta( $user->ID, UserRepository::ALIAS_META ) ) {
			$removed = true;
		}
		try {
			// The record of the student mails sent; an unsubscribe choice stays (it is what
			// keeps further mail from going out), and the exporter shows it.
			if ( $user && $this->notifications->delete_of_user( (int) $user->ID ) > 0 ) {
				$removed = true;
			}
			// The hand-picked cohorts they were put in (a role cohort follows the account's role).
			if ( $user && $this->terms->forget_user( (int) $user->ID ) > 0 ) {
				$removed = true;
			}
			$rows = $this->repository->sessions_of( $user ? (int) $user->ID : null, $email, $placeholder, 0, self::BATCH );
			if ( $rows ) {
				$ids = array_map( static fn( $r ) => (int) $r['id'], $rows );
				$this->repository->clear_ledger_bodies_of( array_map( static fn( $r ) => (string) $r['calendly_uri'], $rows ), $ids, $email );
				$this->repository->anonymise_audit( $ids, $text );
				$this->writer->erase( $ids );
				$removed = true;
			}
		} catch ( DatabaseError $e ) {
			return array(
				'items_removed'  => $removed,
				'items_retained' => true,
				'messages'       => array( __( 'Coaching sessions could not be anonymised because of a database error; run the eraser again.', 'tfsp-calendly-sync' ) ),
				'done'           => true,
			);
		}
		$done = count( $rows ) < self::BATCH;
		return array(
			'items_removed'  => $removed,
			'items_retained' => (bool) $rows,
			'messages'       => $rows ? array( __( 'Coaching sessions were kept, anonymised, so that attendance counts and the audit trail stay complete.', 'tfsp-calendly-sync' ) ) : array(),
			'done'           => $done,
		);
	}

	/**
	 * The exporter's items for the hand-picked cohorts the user is in.
	 *
	 * @return array<int,array>
	 */
	private function export_cohorts( int $user_id ): array {
		try {
			$cohorts = $this->terms->cohorts_of( $user_id );
		} catch ( DatabaseError $e ) {
			return array();
		}
		$items = array();
		foreach ( $cohorts as $n => $cohort ) {
			$items[] = array(
				'group_id'    => 'tfsp-calendly-cohorts',
				'group_label' => __( 'Coaching: cohorts you are in', 'tfsp-calendly-sync' ),
				'item_id'     => 'tfsp-calendly-cohort-' . $n,
				'data'        => array(
					array(
						'name'  => __( 'Cohort', 'tfsp-calendly-sync' ),
						'value' => (string) $cohort['name'],
					),
					array(
						'name'  => __( 'Joined (UTC)', 'tfsp-calendly-sync' ),
						'value' => (string) $cohort['joined_at'],
					),
				),
			);
		}
		return $items;
	}

	/**
	 * The exporter's items for the student mails: each one sent (kind, occasion, time) and each
	 * unsubscribe choice; and the time zone chosen in the profile (ReaderTimeZone).
	 *
	 * @return array<int,array>
	 */
	private function export_mails( int $user_id ): array {
		$labels = array(
			StudentNudges::BOOK_NEXT       => __( 'Book your next session', 'tfsp-calendly-sync' ),
			StudentNudges::REQUIREMENT_MET => __( 'Requirement met', 'tfsp-calendly-sync' ),
		);
		$items  = array();
		try {
			$sent = $this->notifications->of_user( $user_id );
		} catch ( DatabaseError $e ) {
			$sent = array();
		}
		foreach ( $sent as $n => $mail ) {
			$items[] = array(
				'group_id'    => 'tfsp-calendly-mails',
				'group_label' => __( 'Coaching: e-mails sent to you', 'tfsp-calendly-sync' ),
				'item_id'     => 'tfsp-calendly-mail-' . $n,
				'data'        => array(
					array(
						'name'  => __( 'E-mail', 'tfsp-calendly-sync' ),
						'value' => $labels[ $mail['kind'] ] ?? (string) $mail['kind'],
					),
					array(
						'name'  => __( 'Occasion', 'tfsp-calendly-sync' ),
						'value' => (string) $mail['occasion'],
					),
					array(
						'name'  => __( 'Sent (UTC)', 'tfsp-calendly-sync' ),
						'value' => (string) $mail['sent_at'],
					),
				),
			);
		}
		foreach ( StudentNudges::KINDS as $kind ) {
			$when = get_user_meta( $user_id, Public\Unsubscribe::meta_key( $kind ), true );
			if ( is_string( $when ) && '' !== $when ) {
				$items[] = array(
					'group_id'    => 'tfsp-calendly-unsubscribed',
					'group_label' => __( 'Coaching: e-mails you turned off', 'tfsp-calendly-sync' ),
					'item_id'     => 'tfsp-calendly-unsubscribed-' . $kind,
					'data'        => array(
						array(
							'name'  => __( 'E-mail', 'tfsp-calendly-sync' ),
							'value' => $labels[ $kind ],
						),
						array(
							'name'  => __( 'Turned off', 'tfsp-calendly-sync' ),
							'value' => $when,
						),
					),
				);
			}
		}
		$zone = ReaderTimeZone::chosen( $user_id );
		if ( '' !== $zone ) {
			$items[] = array(
				'group_id'    => 'tfsp-calendly-preferences',
				'group_label' => __( 'Coaching: your preferences', 'tfsp-calendly-sync' ),
				'item_id'     => 'tfsp-calendly-time-zone',
				'data'        => array(
					array(
						'name'  => __( 'Time zone', 'tfsp-calendly-sync' ),
						'value' => $zone,
					),
				),
			);
		}
		return $items;
	}
}
