<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * WP-Cron job tfsp_calendly_reminders (daily, under a database lock): an e-mail digest to each
 * coach of the sessions that ended more than reminder_after_hours ago and still have no attendance
 * mark.  Sessions whose host matches no WordPress user (or whose coach has no account any more) go
 * to the admin recipients (alert_email, else the site's admin e-mail).  A session is put in at
 * most one digest a day, however often the job runs.  Also the admin notice with the count.
 *
 * @package TFSP\CalendlySync\Cron
 */

namespace TFSP\CalendlySync\Cron;

use TFSP\CalendlySync\Alerts;
use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\Database;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\ProgressRepository;
use TFSP\CalendlySync\SessionAccess;
use TFSP\CalendlySync\Settings;
use TFSP\CalendlySync\SettingsRepository;

defined( 'ABSPATH' ) || exit;

final class CoachReminders {

	public const HOOK = 'tfsp_calendly_reminders';

	/** Where the sessions already reminded today are kept (settings table). */
	private const SENT_KEY = '_reminders_sent';

	/** Sessions listed in one digest at most; the rest are counted. */
	private const LIST_LIMIT = 100;

	/** How long the admin notice's count is kept. */
	private const NOTICE_CACHE_SECONDS = 300;

	private Database $db;
	private ProgressRepository $progress;
	private Settings $settings;
	private SettingsRepository $store;

	public function __construct( Database $db, ProgressRepository $progress, Settings $settings, SettingsRepository $store ) {
		$this->db       = $db;
		$this->progress = $progress;
		$this->settings = $settings;
		$this->store    = $store;
	}

	/** The instant before which an unmarked session is overdue (UTC DATETIME). */
	public function cutoff(): string {
		return gmdate( 'Y-m-d H:i:s', time() - (int) $this->settings->get( 'reminder_after_hours' ) * HOUR_IN_SECONDS );
	}

	/**
	 * Sends the digests.
	 *
	 * @return array<int,array{to:string,sessions:int[]}>|null The digests sent; null when another node holds the lock.
	 */
	public function run(): ?array {
		try {
			return $this->db->with_lock( 'reminders', fn() => $this->send(), 0, null );
		} catch ( DatabaseError $e ) {
			return null; // The lock could not be asked for: the next run tries again.
		}
	}

	/** The job itself, run under its lock. */
	private function send(): ?array {
		$sent = array();
		try {
			$cutoff   = $this->cutoff();
			$today    = gmdate( 'Y-m-d' );
			$done     = $this->sent_today( $today );
			$for_admin = array();
			$admin_more = 0;
			foreach ( $this->progress->coaches_needing_mark( $cutoff ) as $group ) {
				$coach_id = null === $group['coach_id'] ? null : (int) $group['coach_id'];
				$rows     = $this->progress->needing_mark_for( $coach_id, $cutoff, self::LIST_LIMIT );
				$rows     = array_values( array_filter( $rows, static fn( $r ) => ! isset( $done[ (int) $r['id'] ] ) ) );
				if ( ! $rows ) {
					continue;
				}
				$more  = max( 0, (int) $group['n'] - self::LIST_LIMIT );
				$coach = null === $coach_id ? false : get_userdata( $coach_id );
				if ( ! $coach || ! is_email( $coach->user_email ) ) {
					$for_admin   = array_merge( $for_admin, $rows );
					$admin_more += $more;
					continue;
				}
				if ( $this->mail( $coach->user_email, $rows, $more, false ) ) {
					$sent[] = array(
						'to'       => $coach->user_email,
						'sessions' => array_map( static fn( $r ) => (int) $r['id'], $rows ),
					);
				}
			}
			if ( $for_admin ) {
				$to = (string) $this->settings->get( 'alert_email' );
				$to = '' !== $to ? $to : (string) get_option( 'admin_email' );
				if ( '' !== $to && $this->mail( $to, $for_admin, $admin_more, true ) ) {
					$sent[] = array(
						'to'       => $to,
						'sessions' => array_map( static fn( $r ) => (int) $r['id'], $for_admin ),
					);
				}
			}
			foreach ( $sent as $digest ) {
				foreach ( $digest['sessions'] as $id ) {
					$done[ $id ] = true;
				}
			}
			$this->store->put(
				self::SENT_KEY,
				(string) wp_json_encode(
					array(
						'date' => $today,
						'ids'  => array_keys( $done ),
					)
				)
			);
		} catch ( DatabaseError $e ) {
			error_log( 'tfsp-calendly-sync reminders: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
		}
		return $sent;
	}

	/** @return array<int,true> Sessions already in a digest today. */
	private function sent_today( string $today ): array {
		$raw   = $this->store->find_quietly( self::SENT_KEY );
		$state = null === $raw ? null : json_decode( $raw, true );
		if ( ! is_array( $state ) || ( $state['date'] ?? '' ) !== $today || ! is_array( $state['ids'] ?? null ) ) {
			return array();
		}
		return array_fill_keys( array_map( 'intval', $state['ids'] ), true );
	}

	/**
	 * One digest.
	 *
	 * @param array<int,array<string,mixed>> $rows     Sessions, oldest first.
	 * @param int                            $more     Further sessions not listed.
	 * @param bool                           $to_admin For the admin: sessions whose host matches no user.
	 */
	private function mail( string $to, array $rows, int $more, bool $to_admin ): bool {
		$count = count( $rows ) + $more;
		$site  = wp_specialchars_decode( (string) get_option( 'blogname' ), ENT_QUOTES );
		/* translators: 1: site name, 2: number of sessions */
		$subject = sprintf( _n( '[%1$s] %2$d coaching session needs an attendance mark', '[%1$s] %2$d coaching sessions need an attendance mark', $count, 'tfsp-calendly-sync' ), $site, $count );
		$lines   = array();
		$lines[] = $to_admin
			? __( 'These coaching sessions have ended but have no attendance mark yet. Their Calendly host matches no WordPress user, so no coach was reminded; mark them yourself or give the host a WordPress account with the host\'s e-mail.', 'tfsp-calendly-sync' )
			: __( 'These coaching sessions of yours have ended but have no attendance mark yet. Please mark each one attended, no-show or rescheduled.', 'tfsp-calendly-sync' );
		$lines[] = '';
		foreach ( $rows as $row ) {
			$when    = null === $row['start_at'] ? __( 'time unknown', 'tfsp-calendly-sync' ) : Clock::site_datetime( (string) $row['start_at'], true );
			$who     = trim( (string) $row['invitee_name'] . ' <' . (string) $row['invitee_email'] . '>' );
			$line    = '- ' . $when . ': ' . $who;
			if ( '' !== (string) $row['event_name'] ) {
				$line .= ' (' . $row['event_name'] . ')';
			}
			if ( $to_admin && '' !== (string) $row['host_email'] ) {
				/* translators: %s: Calendly host's e-mail */
				$line .= ' ' . sprintf( __( '[host: %s]', 'tfsp-calendly-sync' ), $row['host_email'] );
			}
			$lines[] = $line;
		}
		if ( $more > 0 ) {
			/* translators: %d: number of sessions */
			$lines[] = sprintf( _n( '... and %d more.', '... and %d more.', $more, 'tfsp-calendly-sync' ), $more );
		}
		$lines[] = '';
		/* translators: %s: URL of the Sessions page */
		$lines[] = sprintf( __( 'Mark attendance: %s', 'tfsp-calendly-sync' ), admin_url( 'admin.php?page=tfsp-calendly&view=needs_attendance' ) );
		return Alerts::send(
			array(
				'to'      => $to,
				'subject' => $subject,
				'message' => implode( "\n", $lines ) . "\n",
				'headers' => array(),
			),
			'coach_reminder',
			array(
				'to_admin'    => $to_admin,
				'session_ids' => array_map( static fn( array $row ): int => (int) $row['id'], $rows ),
				'more'        => $more,
			)
		);
	}

	/** Admin notice on the dashboard and the plugin's pages: how many sessions wait for a mark. */
	public function render_notice(): void {
		if ( ! current_user_can( Plugin::CAP_MARK_ATTENDANCE ) ) {
			return;
		}
		$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		if ( ! $screen || ( 'dashboard' !== $screen->id && false === strpos( (string) $screen->id, 'tfsp-calendly' ) ) ) {
			return;
		}
		$coach = SessionAccess::scope( get_current_user_id() ); // A coach counts the sessions they host.
		$key   = 'tfsp_calendly_overdue_' . ( null === $coach ? 'all' : $coach );
		$count = get_transient( $key );
		if ( false === $count ) {
			try {
				$count = $this->progress->count_needing_mark( $this->cutoff(), $coach );
			} catch ( DatabaseError $e ) {
				return;
			}
			set_transient( $key, $count, self::NOTICE_CACHE_SECONDS );
		}
		$count = (int) $count;
		if ( $count <= 0 ) {
			return;
		}
		$message = null === $coach
			/* translators: %s: number of sessions */
			? _n( '%s coaching session ended a while ago and has no attendance mark yet.', '%s coaching sessions ended a while ago and have no attendance mark yet.', $count, 'tfsp-calendly-sync' )
			/* translators: %s: number of sessions */
			: _n( '%s of your coaching sessions ended a while ago and has no attendance mark yet.', '%s of your coaching sessions ended a while ago and have no attendance mark yet.', $count, 'tfsp-calendly-sync' );
		echo '<div class="notice notice-warning tfsp-calendly-overdue"><p>' . esc_html( sprintf( $message, number_format_i18n( $count ) ) )
			. ' <a href="' . esc_url( admin_url( 'admin.php?page=tfsp-calendly&view=needs_attendance' ) ) . '">' . esc_html__( 'Mark attendance', 'tfsp-calendly-sync' ) . '</a></p></div>';
	}
}
