<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The list of coaching sessions: its columns and their cells (a session's times, invitee,
 * student, coach, status with conflicts and reschedule links, mark buttons and history), over
 * keyset pages of SessionListRepository.
 *
 * The parts live beside it: the views, filters, sort and positions in SessionsListFilters, the
 * mark buttons in SessionMarkButtons, the bulk marks in SessionsBulkMarks, the history in
 * SessionHistory, the status words in SessionStatus, the paging in KeysetPagination.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\HandEntries;
use TFSP\CalendlySync\LegacySessions;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\SessionListRepository;

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( '\WP_List_Table' ) ) {
	require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
}

final class SessionsListTable extends \WP_List_Table {

	public const PLURAL = 'tfsp-sessions';

	private Plugin $plugin;
	private SessionListRepository $repository;
	private SessionsListFilters $filters;
	private KeysetPagination $paging;

	/** @var array<int,array<int,array<string,mixed>>> History per session of the page. */
	private array $history = array();

	/** @var array<string,array<string,mixed>> Reschedule neighbours by lower-case URI. */
	private array $neighbours = array();

	public function __construct( Plugin $plugin ) {
		$this->plugin     = $plugin;
		$this->repository = $plugin->session_list();
		$this->paging     = new KeysetPagination();
		parent::__construct(
			array(
				'singular' => 'tfsp-session',
				'plural'   => self::PLURAL,
				'ajax'     => false,
			)
		);
		$this->filters = new SessionsListFilters();
	}

	public function get_columns() {
		return array(
			'cb'         => '<input type="checkbox" />',
			/* translators: %s: the site's time zone, in which wp-admin shows every time ("America/Chicago") */
			'start'      => esc_html( sprintf( __( 'Session (%s)', 'tfsp-calendly-sync' ), Clock::zone_name( wp_timezone() ) ) ),
			'invitee'    => __( 'Invitee', 'tfsp-calendly-sync' ),
			'student'    => __( 'Student', 'tfsp-calendly-sync' ),
			'coach'      => __( 'Coach', 'tfsp-calendly-sync' ),
			'status'     => __( 'Status', 'tfsp-calendly-sync' ),
			'attendance' => __( 'Mark attendance', 'tfsp-calendly-sync' ),
			'history'    => __( 'History', 'tfsp-calendly-sync' ),
		);
	}

	protected function get_sortable_columns() {
		return array(
			'start'   => array( 'start', true ),
			'invitee' => array( 'invitee', false ),
			'status'  => array( 'status', false ),
		);
	}

	protected function get_primary_column_name() {
		return 'start';
	}

	protected function get_bulk_actions() {
		return SessionsBulkMarks::actions();
	}

	/**
	 * Loads the page of rows.
	 *
	 * @return string|null An error message for the admin, or null.
	 */
	public function prepare_items() {
		$this->_column_headers = array( $this->get_columns(), array(), $this->get_sortable_columns(), $this->get_primary_column_name() );
		$per_page              = $this->get_items_per_page( 'tfsp_calendly_per_page', 20 );
		$cursor                = $this->filters->cursor();
		try {
			$total = $this->repository->count( $this->filters->all() );
			$rows  = $this->repository->page( $this->filters->all(), $this->filters->sort(), $this->filters->desc(), $cursor, $per_page + 1 );
		} catch ( DatabaseError $e ) {
			$this->items = array();
			return __( 'The sessions could not be read because of a database error.', 'tfsp-calendly-sync' );
		}
		$rows        = $this->paging->take( $rows, $per_page, $total, null === $cursor ? 'first' : $cursor['dir'] );
		$this->items = $rows;

		$ids   = array_map( static fn( $r ) => (int) $r['id'], $rows );
		$users = array();
		$uris  = array();
		foreach ( $rows as $row ) {
			$users[] = (int) $row['student_id'];
			$users[] = (int) $row['coach_id'];
			$uris[]  = $row['rescheduled_from_uri'];
			$uris[]  = $row['rescheduled_to_uri'];
		}
		try {
			$this->history    = $this->plugin->audit()->for_sessions( $ids );
			$this->neighbours = $this->repository->by_uris( array_filter( $uris ) );
			foreach ( $this->history as $entries ) {
				$users = array_merge( $users, SessionHistory::user_ids( $entries ) );
			}
		} catch ( DatabaseError $e ) {
			$this->history = array();
		}
		$users = array_values( array_filter( array_unique( $users ) ) );
		if ( $users ) {
			cache_users( $users );
		}
		$this->set_pagination_args(
			array(
				'total_items' => $total,
				'per_page'    => $per_page,
				'total_pages' => $this->paging->pages(),
			)
		);
		return null;
	}

	/** The list's URL with the current filters and sort (no position). */
	public function current_url(): string {
		return $this->filters->url();
	}

	protected function pagination( $which ) {
		$this->paging->render( $this->current_url(), $this->items, array( $this->filters, 'position_of' ) );
	}

	protected function get_views() {
		return $this->filters->view_links();
	}

	/** The filter form (GET): student, coach, date range, search. */
	public function render_filters(): void {
		$this->filters->render();
	}

	protected function extra_tablenav( $which ) {
		if ( 'top' === $which ) {
			SessionsBulkMarks::render_note_field();
		}
	}

	public function no_items() {
		esc_html_e( 'No sessions match.', 'tfsp-calendly-sync' );
	}

	/** @param array $item Row. */
	protected function column_cb( $item ) {
		/* translators: %d: session id */
		return sprintf( '<label class="screen-reader-text" for="tfsp-session-%1$d">%2$s</label><input type="checkbox" id="tfsp-session-%1$d" name="session[]" value="%1$d">', (int) $item['id'], esc_html( sprintf( __( 'Select session %d', 'tfsp-calendly-sync' ), (int) $item['id'] ) ) );
	}

	/** @param array $item Row. */
	protected function column_start( $item ) {
		$out  = '<strong>' . esc_html( LegacySessions::when( $item ) ) . '</strong>';
		$out .= ' <span class="tfsp-calendly-id">#' . esc_html( (string) (int) $item['id'] ) . '</span>';
		if ( null !== $item['event_name'] && '' !== $item['event_name'] ) {
			$out .= '<br><span class="tfsp-calendly-event">' . esc_html( (string) $item['event_name'] ) . '</span>';
		}
		$hand = HandEntries::label( $item );
		if ( null !== $hand ) {
			$out .= '<br><span class="tfsp-calendly-hand">' . esc_html( $hand ) . '</span>';
			if ( null !== $item['notes'] && '' !== $item['notes'] ) {
				$out .= '<br><span class="tfsp-calendly-note">' . esc_html( (string) $item['notes'] ) . '</span>';
			}
		}
		$links = array();
		foreach ( array(
			'rescheduled_from_uri' => __( 'Rescheduled from', 'tfsp-calendly-sync' ),
			'rescheduled_to_uri'   => __( 'Rescheduled to', 'tfsp-calendly-sync' ),
		) as $column => $label ) {
			$uri = (string) $item[ $column ];
			if ( '' === $uri ) {
				continue;
			}
			$other = $this->neighbours[ strtolower( $uri ) ] ?? null;
			if ( null === $other ) {
				$links[] = esc_html( $label ) . ' ' . esc_html__( '(not synced yet)', 'tfsp-calendly-sync' );
				continue;
			}
			$url     = add_query_arg(
				array(
					'page'    => Menu::PARENT,
					'session' => $other['id'],
				),
				admin_url( 'admin.php' )
			);
			$links[] = esc_html( $label ) . ' <a href="' . esc_url( $url ) . '">#' . esc_html( (string) $other['id'] ) . ' ' . esc_html( Clock::site_datetime( $other['start_at'] ) ) . '</a>';
		}
		if ( ! empty( $item['reschedule_url'] ) && 'scheduled' === $item['status'] ) {
			$links[] = '<a href="' . esc_url( (string) $item['reschedule_url'] ) . '" target="_blank" rel="noopener noreferrer">' . esc_html__( 'Calendly reschedule page', 'tfsp-calendly-sync' ) . '</a>';
		}
		if ( $links ) {
			$out .= '<div class="tfsp-calendly-links">' . implode( '<br>', $links ) . '</div>';
		}
		return $out;
	}

	/** @param array $item Row. */
	protected function column_invitee( $item ) {
		$out = '<span class="tfsp-calendly-name">' . esc_html( (string) $item['invitee_name'] ) . '</span>';
		if ( ! empty( $item['invitee_email'] ) ) {
			$out .= '<br><span class="tfsp-calendly-email">' . esc_html( (string) $item['invitee_email'] ) . '</span>';
		}
		return $out;
	}

	/** @param array $item Row. */
	protected function column_student( $item ) {
		if ( empty( $item['student_id'] ) ) {
			$out = '<em>' . esc_html__( 'Unmatched', 'tfsp-calendly-sync' ) . '</em>';
			if ( current_user_can( Plugin::CAP_MANAGE ) ) {
				$out .= '<br><a href="' . esc_url( admin_url( 'admin.php?page=' . UnmatchedPage::SLUG ) ) . '">' . esc_html__( 'Link to a student', 'tfsp-calendly-sync' ) . '</a>';
			}
			return $out;
		}
		return self::user_label( (int) $item['student_id'] );
	}

	/** @param array $item Row. */
	protected function column_coach( $item ) {
		if ( ! empty( $item['coach_id'] ) ) {
			return self::user_label( (int) $item['coach_id'] );
		}
		return esc_html( (string) ( $item['host_name'] ?? $item['host_email'] ?? '' ) );
	}

	/** @param array $item Row. */
	protected function column_status( $item ) {
		$shown = SessionStatus::shown( $item );
		$out   = '<span class="tfsp-calendly-status tfsp-calendly-status-' . esc_attr( $shown ) . '" data-status="' . esc_attr( $shown ) . '">' . esc_html( SessionStatus::shown_label( $item ) ) . '</span>';
		if ( (int) $item['conflict'] ) {
			$out .= '<div class="tfsp-calendly-conflict">' . esc_html( SessionStatus::conflict_text( $item ) ) . '</div>';
		} elseif ( 'canceled' === $item['status'] && ! empty( $item['cancel_reason'] ) ) {
			/* translators: %s: the reason given in Calendly */
			$out .= '<div class="tfsp-calendly-reason">' . esc_html( sprintf( __( 'Reason: %s', 'tfsp-calendly-sync' ), (string) $item['cancel_reason'] ) ) . '</div>';
		}
		return $out;
	}

	/** @param array $item Row. */
	protected function column_attendance( $item ) {
		return SessionMarkButtons::render( $item );
	}

	/** @param array $item Row. */
	protected function column_history( $item ) {
		return SessionHistory::render( $this->history[ (int) $item['id'] ] ?? array(), HandEntries::label( $item ), $item );
	}

	/** @param array $item Row. @param string $column_name Column. */
	protected function column_default( $item, $column_name ) {
		return esc_html( (string) ( $item[ $column_name ] ?? '' ) );
	}

	/** @param array $item Row. */
	public function single_row( $item ) {
		echo '<tr data-session="' . esc_attr( (string) (int) $item['id'] ) . '"' . ( (int) $item['conflict'] ? ' class="tfsp-calendly-has-conflict"' : '' ) . '>';
		$this->single_row_columns( $item );
		echo '</tr>';
	}

	private static function user_label( int $id ): string {
		$user = get_userdata( $id );
		if ( ! $user ) {
			/* translators: %d: user id */
			return esc_html( sprintf( __( 'User #%d (deleted)', 'tfsp-calendly-sync' ), $id ) );
		}
		$name = esc_html( $user->display_name );
		if ( current_user_can( 'edit_user', $id ) ) {
			$name = '<a href="' . esc_url( get_edit_user_link( $id ) ) . '">' . $name . '</a>';
		}
		return $name . '<br><span class="tfsp-calendly-email">' . esc_html( $user->user_email ) . '</span>';
	}
}
