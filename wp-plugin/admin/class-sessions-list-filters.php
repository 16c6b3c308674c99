<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * What the Sessions list shows, as the request asks: the view, the student, coach and date
 * filters, the search and the sort; the view links and the filter form that ask for them; and
 * the keyset position of a row in that sort.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\SessionAccess;
use TFSP\CalendlySync\SessionListRepository;

defined( 'ABSPATH' ) || exit;

final class SessionsListFilters {

	/** @var array<string,mixed> The filters, as SessionListRepository takes them (and as the form shows them). */
	private array $filters;
	private string $sort = 'start';
	private bool $desc   = true;

	/** The order was asked for (kept in links), not implied by the sort. */
	private bool $order_asked = false;

	public function __construct() {
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

		$this->sort        = isset( SessionListRepository::SORTS[ $sort ] ) ? $sort : 'start';
		$order             = isset( $get['order'] ) ? strtolower( sanitize_key( $get['order'] ) ) : '';
		$this->desc        = '' === $order ? 'start' === $this->sort : 'desc' === $order;
		$this->order_asked = isset( $get['order'] );

		$this->filters = array(
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
			$this->filters['session'] = absint( $get['session'] );
		}
		// A coach sees the sessions they host; a lead coach and an admin every session.
		$scope = SessionAccess::scope( get_current_user_id() );
		if ( null !== $scope ) {
			$this->filters['hosted_by'] = $scope;
		}
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

	/** @return array<string,mixed> The filters for SessionListRepository::count() and page(). */
	public function all(): array {
		return $this->filters;
	}

	/** A key of SessionListRepository::SORTS. */
	public function sort(): string {
		return $this->sort;
	}

	public function desc(): bool {
		return $this->desc;
	}

	/** The list's URL with the current filters and sort (no position). */
	public function url(): string {
		return KeysetPagination::base_url( $this->query_args() );
	}

	/** The views as links (no counts: counting each view of a million rows on every load costs too much). */
	public function view_links(): array {
		$current = $this->filters['view'];
		$links   = array();
		foreach ( self::view_labels() as $view => $label ) {
			$args           = $this->query_args();
			$args['view']   = 'all' === $view ? null : $view;
			$url            = KeysetPagination::base_url( $args );
			$links[ $view ] = sprintf( '<a href="%s"%s>%s</a>', esc_url( $url ), $view === $current ? ' class="current" aria-current="page"' : '', esc_html( $label ) );
		}
		return $links;
	}

	/** The filter form (GET): student, coach, date range, search. */
	public function render(): void {
		$coaches = SessionAccess::coach_choices();
		$f       = $this->filters;
		echo '<form method="get" class="tfsp-calendly-filters" action="' . esc_url( admin_url( 'admin.php' ) ) . '">';
		echo '<input type="hidden" name="page" value="' . esc_attr( Menu::PARENT ) . '">';
		if ( 'all' !== $f['view'] ) {
			echo '<input type="hidden" name="view" value="' . esc_attr( $f['view'] ) . '">';
		}
		echo '<label>' . esc_html__( 'Student', 'tfsp-calendly-sync' ) . ' <input type="text" name="student" size="22" value="' . esc_attr( $f['student_query'] ) . '" placeholder="' . esc_attr__( 'e-mail, login or ID', 'tfsp-calendly-sync' ) . '"></label> ';
		if ( ! isset( $f['hosted_by'] ) ) { // A coach's list holds only their own sessions: no coach to choose.
			echo '<label>' . esc_html__( 'Coach', 'tfsp-calendly-sync' ) . ' <select name="coach"><option value="">' . esc_html__( 'Any coach', 'tfsp-calendly-sync' ) . '</option>';
			foreach ( $coaches as $coach ) {
				echo '<option value="' . esc_attr( (string) $coach->ID ) . '"' . selected( (int) $f['coach'], (int) $coach->ID, false ) . '>' . esc_html( $coach->display_name ) . '</option>';
			}
			echo '</select></label> ';
		}
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

	/** A row's keyset position in this sort: the sort and its direction, the sort value and the id. */
	public function position_of( array $row ): string {
		return KeysetPagination::position_key( $this->sort, SessionListRepository::SORTS[ $this->sort ], $this->desc, $row );
	}

	/**
	 * The position the request asks for, as SessionListRepository::page() takes it, when it
	 * belongs to the current sort; null for the first page (and for another sort's position:
	 * the list starts over).
	 *
	 * @return array{dir:string,value:?string,id:int}|null
	 */
	public function cursor(): ?array {
		$asked = KeysetPagination::requested();
		if ( null === $asked ) {
			return null;
		}
		if ( 'last' === $asked['dir'] ) {
			return array(
				'dir'   => 'last',
				'value' => null,
				'id'    => 0,
			);
		}
		$position = KeysetPagination::position_of_key( $asked['key'], $this->sort, $this->desc );
		return null === $position ? null : array( 'dir' => $asked['dir'] ) + $position;
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
			'order'   => $this->order_asked ? ( $this->desc ? 'desc' : 'asc' ) : null,
		);
	}
}
