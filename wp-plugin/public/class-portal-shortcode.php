<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The student portal: [tfsp_coaching_sessions] and the block "tfsp-calendly/coaching-sessions" show
 * the logged-in student's own sessions (upcoming with Calendly's join, reschedule and cancel links;
 * past ones with their status) and progress such as "1 of 3".  Times are in the student's own time
 * zone (ReaderTimeZone), each with the zone's name.  Only rows whose student_id is the
 * current user are ever read; a visitor who is not logged in gets a login link and no data.
 *
 * @package TFSP\CalendlySync\Public
 */

namespace TFSP\CalendlySync\Public;

use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\HandEntries;
use TFSP\CalendlySync\LegacySessions;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\Progress;
use TFSP\CalendlySync\ReaderTimeZone;

defined( 'ABSPATH' ) || exit;

final class PortalShortcode {

	public const TAG   = 'tfsp_coaching_sessions';
	public const BLOCK = 'tfsp-calendly/coaching-sessions';

	/** Past sessions listed at most. */
	private const PAST_LIMIT = 50;

	/** Upcoming sessions listed at most. */
	private const UPCOMING_LIMIT = 20;

	private Progress $progress;
	private ReaderTimeZone $zones;

	public function __construct( Progress $progress, ReaderTimeZone $zones ) {
		$this->progress = $progress;
		$this->zones    = $zones;
	}

	public function register(): void {
		add_shortcode( self::TAG, array( $this, 'render' ) );
		add_action( 'init', array( $this, 'register_block' ) );
		add_filter( 'login_redirect', array( $this, 'login_redirect' ), 10, 3 );
	}

	/**
	 * A dynamic block without a build step (public/blocks/coaching-sessions:
	 * block.json, the editor script and its hand-written index.asset.php):
	 * the editor shows the server's rendering.
	 */
	public function register_block(): void {
		register_block_type(
			TFSP_CALENDLY_SYNC_DIR . '/public/blocks/coaching-sessions',
			array(
				'title'           => __( 'Coaching sessions', 'tfsp-calendly-sync' ),
				'description'     => __( 'The logged-in student\'s coaching sessions and progress.', 'tfsp-calendly-sync' ),
				'render_callback' => fn() => $this->render(),
			)
		);
	}

	/**
	 * The page students are sent to after they log in: the first published
	 * page holding the block or the shortcode; null when there is none.
	 */
	public function page_url(): ?string {
		try {
			$id = $this->progress->repository()->first_page_with( '<!-- wp:' . self::BLOCK, '[' . self::TAG );
		} catch ( DatabaseError $e ) {
			return null;
		}
		$url = null === $id ? false : get_permalink( $id );
		return is_string( $url ) ? $url : null;
	}

	/**
	 * login_redirect: a student who logs in without asking for a page lands
	 * on the sessions page (setting send_students_to_portal).
	 *
	 * @param string             $to        Where WordPress sends the user.
	 * @param string             $requested The redirect_to the login form carried.
	 * @param \WP_User|\WP_Error $user      Who logged in.
	 */
	public function login_redirect( $to, $requested, $user ): string {
		$to = (string) $to;
		if ( ! $user instanceof \WP_User || user_can( $user, Plugin::CAP_MARK_ATTENDANCE ) || user_can( $user, 'edit_posts' ) ) {
			return $to;
		}
		if ( '' !== (string) $requested && admin_url() !== (string) $requested ) {
			return $to; // The user asked for a page: they get it.
		}
		if ( ! Plugin::instance()->settings()->get( 'send_students_to_portal' ) ) {
			return $to;
		}
		return $this->page_url() ?? $to;
	}

	/**
	 * The shortcode's output.
	 *
	 * @param array|string $atts Unused.
	 */
	public function render( $atts = array() ): string {
		unset( $atts );
		if ( ! is_user_logged_in() ) {
			return '<div class="tfsp-coaching-sessions"><p>' . sprintf(
				/* translators: %s: "log in" link */
				esc_html__( 'Please %s to see your coaching sessions.', 'tfsp-calendly-sync' ),
				'<a href="' . esc_url( wp_login_url( self::current_url() ) ) . '">' . esc_html__( 'log in', 'tfsp-calendly-sync' ) . '</a>'
			) . '</p></div>';
		}
		$user_id = get_current_user_id();
		$now     = Progress::now();
		try {
			$progress = $this->progress->of_student( $user_id );
			$upcoming = $this->progress->repository()->upcoming_of( $user_id, $now, self::UPCOMING_LIMIT );
			$past     = $this->progress->repository()->past_of( $user_id, $now, self::PAST_LIMIT );
		} catch ( DatabaseError $e ) {
			return '<div class="tfsp-coaching-sessions"><p>' . esc_html__( 'Your coaching sessions cannot be shown right now. Please try again later.', 'tfsp-calendly-sync' ) . '</p></div>';
		}

		$out  = '<div class="tfsp-coaching-sessions">';
		$out .= '<p class="tfsp-coaching-progress"><strong>' . esc_html(
			$progress['phrase'] ?? sprintf(
				/* translators: 1: sessions attended, 2: sessions required */
				_n( '%1$d of %2$d session attended', '%1$d of %2$d sessions attended', $progress['required'], 'tfsp-calendly-sync' ),
				$progress['attended'],
				$progress['required']
			)
		) . '</strong>';
		if ( $progress['completed'] ) {
			$out .= ' &mdash; ' . esc_html__( 'requirement complete.', 'tfsp-calendly-sync' );
		}
		if ( null !== $progress['next'] ) {
			// Between terms: the last term's result above, and when the next one begins.
			$out .= ' <span class="tfsp-coaching-next-term">' . esc_html( $progress['next'] ) . '</span>';
		}
		$out .= '</p><progress max="' . esc_attr( (string) $progress['required'] ) . '" value="' . esc_attr( (string) min( $progress['attended'], $progress['required'] ) ) . '" aria-hidden="true"></progress>';

		$out .= '<h3>' . esc_html__( 'Upcoming sessions', 'tfsp-calendly-sync' ) . '</h3>';
		if ( ! $upcoming ) {
			$out .= '<p>' . esc_html__( 'No upcoming sessions.', 'tfsp-calendly-sync' ) . '</p>';
		} else {
			$out .= '<ul class="tfsp-coaching-upcoming">';
			foreach ( $upcoming as $row ) {
				$out .= '<li>' . $this->describe( $row ) . $this->links( $row ) . '</li>';
			}
			$out .= '</ul>';
		}

		$out .= '<h3>' . esc_html__( 'Past and canceled sessions', 'tfsp-calendly-sync' ) . '</h3>';
		if ( ! $past ) {
			$out .= '<p>' . esc_html__( 'No past sessions yet.', 'tfsp-calendly-sync' ) . '</p>';
		} else {
			$labels = self::status_labels();
			$out   .= '<ul class="tfsp-coaching-past">';
			foreach ( $past as $row ) {
				$status = ! empty( $row['needs_attendance'] ) ? __( 'Awaiting the coach\'s mark', 'tfsp-calendly-sync' ) : ( $labels[ $row['status'] ] ?? $row['status'] );
				$out   .= '<li>' . $this->describe( $row ) . ' <span class="tfsp-coaching-status tfsp-coaching-status-' . esc_attr( sanitize_html_class( (string) $row['status'] ) ) . '">' . esc_html( $status ) . '</span></li>';
			}
			$out .= '</ul>';
		}
		return $out . '</div>';
	}

	/** @return array<string,string> */
	public static function status_labels(): array {
		return array(
			'scheduled'   => __( 'Scheduled', 'tfsp-calendly-sync' ),
			'attended'    => __( 'Attended', 'tfsp-calendly-sync' ),
			'no_show'     => __( 'Missed', 'tfsp-calendly-sync' ),
			'canceled'    => __( 'Canceled', 'tfsp-calendly-sync' ),
			'rescheduled' => __( 'Rescheduled', 'tfsp-calendly-sync' ),
		);
	}

	/** When and what. */
	private function describe( array $row ): string {
		// In the student's own zone, named (the reader is the student: only their rows are read);
		// a legacy row's date alone is a date in no zone.
		if ( null === $row['start_at'] ) {
			$when = __( 'Time to be confirmed', 'tfsp-calendly-sync' );
		} elseif ( LegacySessions::date_only( $row ) ) {
			$when = LegacySessions::when( $row );
		} else {
			$when = Clock::datetime( (string) $row['start_at'], $this->zones->of_student( get_current_user_id() ), true );
		}
		$out  = '<span class="tfsp-coaching-when">' . esc_html( $when ) . '</span>';
		if ( null !== $row['event_name'] && '' !== $row['event_name'] ) {
			$out .= ' &middot; <span class="tfsp-coaching-event">' . esc_html( (string) $row['event_name'] ) . '</span>';
		}
		$hand = HandEntries::label( $row );
		if ( null !== $hand ) {
			$out .= ' &middot; <span class="tfsp-coaching-hand">' . esc_html( $hand ) . '</span>';
		}
		return $out;
	}

	/** Calendly's own links of an upcoming session: join, reschedule, cancel. */
	private function links( array $row ): string {
		$links = array(
			'join_url'       => __( 'Join', 'tfsp-calendly-sync' ),
			'reschedule_url' => __( 'Reschedule', 'tfsp-calendly-sync' ),
			'cancel_url'     => __( 'Cancel', 'tfsp-calendly-sync' ),
		);
		$out   = array();
		foreach ( $links as $column => $label ) {
			$url = (string) ( $row[ $column ] ?? '' );
			if ( '' === $url || ! in_array( strtolower( (string) wp_parse_url( $url, PHP_URL_SCHEME ) ), array( 'http', 'https' ), true ) ) {
				continue;
			}
			$out[] = '<a class="tfsp-coaching-' . esc_attr( str_replace( '_url', '', $column ) ) . '" href="' . esc_url( $url ) . '" rel="noopener noreferrer" target="_blank">' . esc_html( $label ) . '<span class="screen-reader-text"> ' . esc_html__( '(opens in a new tab)', 'tfsp-calendly-sync' ) . '</span></a>';
		}
		return $out ? ' <span class="tfsp-coaching-links">' . implode( ' | ', $out ) . '</span>' : '';
	}

	private static function current_url(): string {
		$uri = isset( $_SERVER['REQUEST_URI'] ) ? esc_url_raw( wp_unslash( $_SERVER['REQUEST_URI'] ) ) : '/';
		return home_url( $uri );
	}
}
