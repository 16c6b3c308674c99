<?php
/**
 * The list of coaching sessions: views, filters, search, sorting, keyset paging, inline and bulk
 * attendance marks, each row's history from the audit trail, its reschedule links and conflicts.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\SessionListRepository;

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( '\WP_List_Table' ) ) {
	require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
}

final class SessionsListTable extends \WP_List_Table {

	public const PLURAL = 'tfsp-sessions';

	/** Bulk action => mark. */
	public const BULK_MARKS = array(
		'mark_attended'    => 'attended',
		'mark_no_show'     => 'no_show',
		'mark_rescheduled' => 'rescheduled',
		'mark_none'        => 'none',
	);

	private Plugin $plugin;
	private SessionListRepository $repository;

	/** @var array<string,mixed> The filters of this request. */
	private array $filters = array();
	private string $sort   = 'start';
	private bool $desc     = true;
	private int $page      = 1;
	private int $pages     = 1;
	private int $total     = 0;
	private bool $has_more = false;

	/** @var array<int,array<int,array<string,mixed>>> History per session of the page. */
	private array $history = array();

	/** @var array<string,array<string,mixed>> Reschedule neighbours by lower-case URI. */
	private array $neighbours = array();

	public function __construct( Plugin $plugin ) {
		global $wpdb;
		$this->plugin     = $plugin;
		$this->repository = new SessionListRepository( $wpdb );
		parent::__construct(
			array(
				'singular' => 'tfsp-session',
				'plural'   => self::PLURAL,
				'ajax'     => false,
			)
		);
		$this->filters = $this->read_filters();
	}

	/** Labels of the views. */
	public static function view_labels(): array {
		return array(
			'all'              => __( 'All', 'tfsp-calendly-sync' ),
			'needs_attendance' => __( 'Needs attendance', 'tfsp-calendly-sync' ),
			'upcoming'         => __( 'Upcoming', 'tfsp-calendly-sync' ),
			'past'             => __( 'Past', 'tfsp-calendly-sync' ),
			'canceled'         => __( 'Canceled', 'tfsp-calendly-sync' ),
			'rescheduled'      => __( 'Rescheduled', 'tfsp-calendly-sync' ),
			'conflicts'        => __( 'Conflicts', 'tfsp-calendly-sync' ),
		);
	}

	/** Labels of the statuses (and of the derived "needs attendance"). */
	public static function status_labels(): array {
		return array(
			'scheduled'        => __( 'Scheduled', 'tfsp-calendly-sync' ),
			'needs_attendance' => __( 'Needs attendance', 'tfsp-calendly-sync' ),
			'canceled'         => __( 'Canceled', 'tfsp-calendly-sync' ),
			'rescheduled'      => __( 'Rescheduled', 'tfsp-calendly-sync' ),
			'attended'         => __( 'Attended', 'tfsp-calendly-sync' ),
			'no_show'          => __( 'No-show', 'tfsp-calendly-sync' ),
		);
	}

	/** The status a row shows: "needs_attendance" for a scheduled session that has ended. */
	public static function shown_status( array $row ): string {
		$status = (string) $row['status'];
		if ( 'scheduled' === $status && ! empty( $row['end_at'] ) && strtotime( $row['end_at'] . ' UTC' ) < time() ) {
			return 'needs_attendance';
		}
		return $status;
	}

	public function get_columns() {
		return array(
			'cb'         => '<input type="checkbox" />',
			'start'      => __( 'Session', 'tfsp-calendly-sync' ),
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
		return array(
			'mark_attended'    => __( 'Mark attended', 'tfsp-calendly-sync' ),
			'mark_no_show'     => __( 'Mark no-show', 'tfsp-calendly-sync' ),
			'mark_rescheduled' => __( 'Mark rescheduled', 'tfsp-calendly-sync' ),
			'mark_none'        => __( 'Clear the mark', 'tfsp-calendly-sync' ),
		);
	}

	/**
	 * Loads the page of rows.
	 *
	 * @return string|null An error message for the admin, or null.
	 */
	public function prepare_items() {
		$this->_column_headers = array( $this->get_columns(), array(), $this->get_sortable_columns(), $this->get_primary_column_name() );
		$per_page              = $this->get_items_per_page( 'tfsp_calendly_per_page', 20 );
		$cursor                = $this->read_cursor();
		try {
			$this->total = $this->repository->count( $this->filters );
			$rows        = $this->repository->page( $this->filters, $this->sort, $this->desc, $cursor, $per_page + 1 );
		} catch ( DatabaseError $e ) {
			$this->items = array();
			return __( 'The sessions could not be read because of a database error.', 'tfsp-calendly-sync' );
		}
		$this->pages = max( 1, (int) ceil( $this->total / $per_page ) );
		$this->page  = max( 1, min( $this->pages, absint( $_GET['paged'] ?? 1 ) ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
		$dir         = null === $cursor ? 'first' : $cursor['dir'];
		if ( in_array( $dir, array( 'before', 'last' ), true ) ) {
			// Fetched backwards: an extra row in front means pages precede this one.
			if ( count( $rows ) > $per_page ) {
				array_shift( $rows );
			} else {
				$this->page = 1;
			}
			$this->has_more = 'before' === $dir;
			if ( 'last' === $dir ) {
				$this->page = $this->pages;
			}
		} else {
			$this->has_more = count( $rows ) > $per_page;
			$rows           = array_slice( $rows, 0, $per_page );
			if ( 'first' === $dir ) {
				$this->page = 1;
			}
		}
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
				foreach ( $entries as $entry ) {
					$users[] = (int) $entry['actor_user_id'];
				}
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
				'total_items' => $this->total,
				'per_page'    => $per_page,
				'total_pages' => $this->pages,
			)
		);
		return null;
	}

	/** The list's URL with the current filters and sort (no position). */
	public function current_url(): string {
		return KeysetPagination::base_url( $this->query_args() );
	}

	protected function pagination( $which ) {
		$first = $this->items ? $this->key_of( $this->items[0] ) : null;
		$last  = $this->items ? $this->key_of( $this->items[ count( $this->items ) - 1 ] ) : null;
		KeysetPagination::render( $which, $this->total, $this->page, $this->pages, $this->current_url(), $first, $last, $this->has_more );
	}

	/** The views as links (no counts: counting each view of a million rows on every load costs too much). */
	protected function get_views() {
		$current = $this->filters['view'];
		$links   = array();
		foreach ( self::view_labels() as $view => $label ) {
			$args          = $this->query_args();
			$args['view']  = 'all' === $view ? null : $view;
			$url           = KeysetPagination::base_url( $args );
			$links[ $view ] = sprintf( '<a href="%s"%s>%s</a>', esc_url( $url ), $view === $current ? ' class="current" aria-current="page"' : '', esc_html( $label ) );
		}
		return $links;
	}

	/** The filter form (GET): student, coach, date range, search. */
	public function render_filters(): void {
		$coaches = get_users(
			array(
				'role__in' => array( Plugin::COACH_ROLE, 'administrator' ),
				'orderby'  => 'display_name',
				'number'   => 200,
				'fields'   => array( 'ID', 'display_name' ),
			)
		);
		$f       = $this->filters;
		echo '<form method="get" class="tfsp-calendly-filters" action="' . esc_url( admin_url( 'admin.php' ) ) . '">';
		echo '<input type="hidden" name="page" value="' . esc_attr( Menu::PARENT ) . '">';
		if ( 'all' !== $f['view'] ) {
			echo '<input type="hidden" name="view" value="' . esc_attr( $f['view'] ) . '">';
		}
		echo '<label>' . esc_html__( 'Student', 'tfsp-calendly-sync' ) . ' <input type="text" name="student" size="22" value="' . esc_attr( $f['student_query'] ) . '" placeholder="' . esc_attr__( 'e-mail, login or ID', 'tfsp-calendly-sync' ) . '"></label> ';
		echo '<label>' . esc_html__( 'Coach', 'tfsp-calendly-sync' ) . ' <select name="coach"><option value="">' . esc_html__( 'Any coach', 'tfsp-calendly-sync' ) . '</option>';
		foreach ( $coaches as $coach ) {
			echo '<option value="' . esc_attr( (string) $coach->ID ) . '"' . selected( (int) $f['coach'], (int) $coach->ID, false ) . '>' . esc_html( $coach->display_name ) . '</option>';
		}
		echo '</select></label> ';
		echo '<label>' . esc_html__( 'From', 'tfsp-calendly-sync' ) . ' <input type="date" name="from" value="' . esc_attr( $f['from_date'] ) . '"></label> ';
		echo '<label>' . esc_html__( 'To', 'tfsp-calendly-sync' ) . ' <input type="date" name="to" value="' . esc_attr( $f['to_date'] ) . '"></label> ';
		echo '<label>' . esc_html__( 'Search', 'tfsp-calendly-sync' ) . ' <input type="search" name="s" value="' . esc_attr( $f['search'] ) . '" placeholder="' . esc_attr__( 'name, e-mail or event (starts with)', 'tfsp-calendly-sync' ) . '"></label> ';
		submit_button( __( 'Filter', 'tfsp-calendly-sync' ), 'secondary', '', false );
		echo ' <a class="button-link" href="' . esc_url( admin_url( 'admin.php?page=' . Menu::PARENT ) ) . '">' . esc_html__( 'Reset', 'tfsp-calendly-sync' ) . '</a>';
		if ( '' !== $f['student_query'] && empty( $f['student'] ) ) {
			echo ' <span class="tfsp-calendly-warning">' . esc_html__( 'No user matches that student.', 'tfsp-calendly-sync' ) . '</span>';
		}
		echo '</form>';
	}

	protected function extra_tablenav( $which ) {
		if ( 'top' !== $which ) {
			return;
		}
		echo '<div class="alignleft actions"><label for="tfsp-bulk-note" class="screen-reader-text">' . esc_html__( 'Note for the bulk mark', 'tfsp-calendly-sync' ) . '</label>';
		echo '<input type="text" id="tfsp-bulk-note" name="tfsp_note" maxlength="1000" placeholder="' . esc_attr__( 'Note for the bulk mark (optional)', 'tfsp-calendly-sync' ) . '"></div>';
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
		$out  = '<strong>' . esc_html( self::when( $item['start_at'] ) ) . '</strong>';
		$out .= ' <span class="tfsp-calendly-id">#' . esc_html( (string) (int) $item['id'] ) . '</span>';
		if ( null !== $item['event_name'] && '' !== $item['event_name'] ) {
			$out .= '<br><span class="tfsp-calendly-event">' . esc_html( (string) $item['event_name'] ) . '</span>';
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
			$links[] = esc_html( $label ) . ' <a href="' . esc_url( $url ) . '">#' . esc_html( (string) $other['id'] ) . ' ' . esc_html( self::when( $other['start_at'] ) ) . '</a>';
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
		$labels = self::status_labels();
		$shown  = self::shown_status( $item );
		$out    = '<span class="tfsp-calendly-status tfsp-calendly-status-' . esc_attr( $shown ) . '" data-status="' . esc_attr( $shown ) . '">' . esc_html( $labels[ $shown ] ?? $shown ) . '</span>';
		if ( (int) $item['conflict'] ) {
			$out .= '<div class="tfsp-calendly-conflict">' . esc_html( self::conflict_text( $item ) ) . '</div>';
		} elseif ( 'canceled' === $item['status'] && ! empty( $item['cancel_reason'] ) ) {
			/* translators: %s: the reason given in Calendly */
			$out .= '<div class="tfsp-calendly-reason">' . esc_html( sprintf( __( 'Reason: %s', 'tfsp-calendly-sync' ), (string) $item['cancel_reason'] ) ) . '</div>';
		}
		return $out;
	}

	/** The conflict in words: Calendly canceled after the coach's mark, which stands. */
	public static function conflict_text( array $item ): string {
		$by     = (string) ( $item['canceled_by'] ?? '' );
		$reason = (string) ( $item['cancel_reason'] ?? '' );
		$when   = empty( $item['cancel_at'] ) ? '' : wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), intdiv( (int) $item['cancel_at'], 1000000 ) );
		/* translators: 1: when, 2: who canceled, 3: reason */
		$text = sprintf( __( 'Conflict: canceled in Calendly %1$s by %2$s (reason: %3$s) after the attendance mark; the mark stands.', 'tfsp-calendly-sync' ), $when, '' === $by ? __( 'unknown', 'tfsp-calendly-sync' ) : $by, '' === $reason ? __( 'none given', 'tfsp-calendly-sync' ) : $reason );
		return $text;
	}

	/** @param array $item Row. */
	protected function column_attendance( $item ) {
		$id   = (int) $item['id'];
		$out  = '<div class="tfsp-calendly-mark" data-session="' . esc_attr( (string) $id ) . '">';
		$out .= '<input type="text" class="tfsp-calendly-mark-note" maxlength="1000" aria-label="' . esc_attr__( 'Note', 'tfsp-calendly-sync' ) . '" placeholder="' . esc_attr__( 'Note (optional)', 'tfsp-calendly-sync' ) . '">';
		foreach ( array(
			'attended'    => __( 'Attended', 'tfsp-calendly-sync' ),
			'no_show'     => __( 'No-show', 'tfsp-calendly-sync' ),
			'rescheduled' => __( 'Rescheduled', 'tfsp-calendly-sync' ),
			'none'        => __( 'Clear', 'tfsp-calendly-sync' ),
		) as $mark => $label ) {
			$current = (string) $item['coach_mark'] === $mark;
			$out    .= '<button type="button" class="button button-small' . ( $current ? ' button-primary' : '' ) . '" data-mark="' . esc_attr( $mark ) . '">' . esc_html( $label ) . '</button> ';
		}
		$out .= '<span class="tfsp-calendly-mark-result" aria-live="polite"></span></div>';
		return $out;
	}

	/** @param array $item Row. */
	protected function column_history( $item ) {
		$entries = $this->history[ (int) $item['id'] ] ?? array();
		if ( ! $entries ) {
			return '<span class="description">' . esc_html__( 'No changes recorded.', 'tfsp-calendly-sync' ) . '</span>';
		}
		/* translators: %d: number of changes */
		$out  = '<details class="tfsp-calendly-history"><summary>' . esc_html( sprintf( _n( '%d change', '%d changes', count( $entries ), 'tfsp-calendly-sync' ), count( $entries ) ) ) . '</summary>';
		$out .= '<table class="widefat striped"><thead><tr><th>' . esc_html__( 'When', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'Who', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'What', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'From', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'To', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'Why', 'tfsp-calendly-sync' ) . '</th></tr></thead><tbody>';
		foreach ( $entries as $entry ) {
			$who = self::actor_label( (string) $entry['actor_type'] );
			if ( ! empty( $entry['actor_user_id'] ) ) {
				$user = get_userdata( (int) $entry['actor_user_id'] );
				$who .= ': ' . ( $user ? $user->display_name : '#' . (int) $entry['actor_user_id'] );
			}
			$out .= '<tr><td>' . esc_html( self::when( $entry['created_at'] ) ) . '</td><td>' . esc_html( $who ) . '</td><td>' . esc_html( (string) $entry['field'] ) . '</td><td>' . esc_html( self::short( $entry['old_value'] ) ) . '</td><td>' . esc_html( self::short( $entry['new_value'] ) ) . '</td><td>' . esc_html( (string) $entry['reason'] ) . '</td></tr>';
		}
		$out .= '</tbody></table></details>';
		return $out;
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

	public static function actor_label( string $actor ): string {
		$labels = array(
			'calendly' => __( 'Calendly', 'tfsp-calendly-sync' ),
			'sync'     => __( 'Sync', 'tfsp-calendly-sync' ),
			'coach'    => __( 'Coach', 'tfsp-calendly-sync' ),
			'admin'    => __( 'Admin', 'tfsp-calendly-sync' ),
			'system'   => __( 'System', 'tfsp-calendly-sync' ),
		);
		return $labels[ $actor ] ?? $actor;
	}

	/** A UTC "Y-m-d H:i:s[.u]" in the site's time zone and formats; a dash for none. */
	public static function when( $utc ): string {
		if ( null === $utc || '' === $utc || 0 === strpos( (string) $utc, '0000' ) ) {
			return '—';
		}
		$ts = strtotime( substr( (string) $utc, 0, 19 ) . ' UTC' );
		return false === $ts ? (string) $utc : (string) wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $ts );
	}

	private static function short( $value ): string {
		$value = (string) $value;
		return strlen( $value ) > 200 ? substr( $value, 0, 200 ) . '…' : $value;
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

	/** The filters from the query string. */
	private function read_filters(): array {
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- reading filters only.
		$get  = wp_unslash( $_GET );
		$view = isset( $get['view'] ) ? sanitize_key( $get['view'] ) : 'all';
		$view = in_array( $view, SessionListRepository::VIEWS, true ) ? $view : 'all';
		// phpcs:enable
		$student_query = isset( $get['student'] ) ? sanitize_text_field( (string) $get['student'] ) : '';
		$student       = 0;
		if ( '' !== $student_query ) {
			$user = ctype_digit( $student_query ) ? get_user_by( 'id', (int) $student_query ) : ( get_user_by( 'email', $student_query ) ?: get_user_by( 'login', $student_query ) );
			// No such user: a filter that matches nothing, never "everyone".
			$student = $user ? (int) $user->ID : -1;
		}
		$from = self::date_arg( $get['from'] ?? '' );
		$to   = self::date_arg( $get['to'] ?? '' );
		$sort = isset( $get['orderby'] ) ? sanitize_key( $get['orderby'] ) : 'start';

		$this->sort = isset( SessionListRepository::SORTS[ $sort ] ) ? $sort : 'start';
		$order      = isset( $get['order'] ) ? strtolower( sanitize_key( $get['order'] ) ) : '';
		$this->desc = '' === $order ? 'start' === $this->sort : 'desc' === $order;

		$filters = array(
			'view'          => $view,
			'student'       => $student,
			'student_query' => $student_query,
			'coach'         => isset( $get['coach'] ) ? absint( $get['coach'] ) : 0,
			'from_date'     => $from,
			'to_date'       => $to,
			'from'          => '' === $from ? '' : get_gmt_from_date( $from . ' 00:00:00' ),
			'to'            => '' === $to ? '' : get_gmt_from_date( gmdate( 'Y-m-d', strtotime( $to . ' +1 day' ) ) . ' 00:00:00' ),
			'search'        => isset( $get['s'] ) ? trim( sanitize_text_field( (string) $get['s'] ) ) : '',
			'now'           => gmdate( 'Y-m-d H:i:s' ),
		);
		if ( isset( $get['session'] ) && absint( $get['session'] ) ) {
			$filters['session'] = absint( $get['session'] );
		}
		return $filters;
	}

	private static function date_arg( $value ): string {
		$value = is_string( $value ) ? trim( $value ) : '';
		return preg_match( '/^\d{4}-\d{2}-\d{2}$/', $value ) && false !== strtotime( $value ) ? $value : '';
	}

	/** The query arguments of the current filters and sort. */
	private function query_args(): array {
		$f = $this->filters;
		return array(
			'page'    => Menu::PARENT,
			'view'    => 'all' === $f['view'] ? null : $f['view'],
			'student' => '' === $f['student_query'] ? null : $f['student_query'],
			'coach'   => $f['coach'] ? (string) $f['coach'] : null,
			'from'    => '' === $f['from_date'] ? null : $f['from_date'],
			'to'      => '' === $f['to_date'] ? null : $f['to_date'],
			's'       => '' === $f['search'] ? null : $f['search'],
			'session' => isset( $f['session'] ) ? (string) $f['session'] : null,
			'orderby' => 'start' === $this->sort ? null : $this->sort,
			'order'   => isset( $_GET['order'] ) ? ( $this->desc ? 'desc' : 'asc' ) : null, // phpcs:ignore WordPress.Security.NonceVerification.Recommended
		);
	}

	/** A row's keyset position: the sort and its direction, the sort value and the id. */
	private function key_of( array $row ): string {
		$column = SessionListRepository::SORTS[ $this->sort ];
		$data   = array( $this->sort, $this->desc ? 1 : 0, 'id' === $column ? null : $row[ $column ], (int) $row['id'] );
		return rtrim( strtr( base64_encode( (string) wp_json_encode( $data ) ), '+/', '-_' ), '=' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- a URL-safe position, not obfuscation.
	}

	/** The position asked for, when it belongs to the current sort; null for the first page. */
	private function read_cursor(): ?array {
		// phpcs:disable WordPress.Security.NonceVerification.Recommended
		if ( ! empty( $_GET['last'] ) ) {
			return array(
				'dir'   => 'last',
				'value' => null,
				'id'    => 0,
			);
		}
		foreach ( array( 'after', 'before' ) as $dir ) {
			if ( empty( $_GET[ $dir ] ) || ! is_string( $_GET[ $dir ] ) ) {
				continue;
			}
			$raw  = base64_decode( strtr( sanitize_text_field( wp_unslash( $_GET[ $dir ] ) ), '-_', '+/' ), true ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode
			$data = false === $raw ? null : json_decode( $raw, true );
			if ( ! is_array( $data ) || 4 !== count( $data ) || $data[0] !== $this->sort || (bool) $data[1] !== $this->desc || ! is_int( $data[3] ) || ! ( null === $data[2] || is_scalar( $data[2] ) ) ) {
				return null; // Another sort's position: start over.
			}
			return array(
				'dir'   => $dir,
				'value' => null === $data[2] ? null : (string) $data[2],
				'id'    => $data[3],
			);
		}
		// phpcs:enable
		return null;
	}
}
