<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The Progress page's list of students: attended / required, upcoming, last session, completed.
 *
 * @package TFSP\CalendlySync\Admin
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Progress;
use TFSP\CalendlySync\SessionAccess;

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( '\WP_List_Table' ) ) {
	require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
}

final class ProgressListTable extends \WP_List_Table {

	public const PER_PAGE_OPTION = 'tfsp_calendly_progress_per_page';

	private Progress $progress;

	public function __construct( Progress $progress ) {
		$this->progress = $progress;
		parent::__construct(
			array(
				'singular' => 'tfsp_student',
				'plural'   => 'tfsp_students',
				'ajax'     => false,
				'screen'   => 'tfsp-calendly-progress',
			)
		);
	}

	/** The completion filter of the request: "completed", "in_progress" or '' (all). */
	public static function completion(): string {
		$value = isset( $_GET['completion'] ) ? sanitize_key( wp_unslash( $_GET['completion'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a read-only filter.
		return in_array( $value, array( 'completed', 'in_progress' ), true ) ? $value : '';
	}

	public static function search(): string {
		return isset( $_GET['s'] ) ? trim( sanitize_text_field( wp_unslash( $_GET['s'] ) ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended
	}

	public function get_columns() {
		return array(
			'name'         => __( 'Student (username)', 'tfsp-calendly-sync' ),
			'email'        => __( 'E-mail', 'tfsp-calendly-sync' ),
			'attended'     => __( 'Attended / required', 'tfsp-calendly-sync' ),
			'upcoming'     => __( 'Upcoming', 'tfsp-calendly-sync' ),
			'no_show'      => __( 'No-shows', 'tfsp-calendly-sync' ),
			'last_session' => __( 'Last session', 'tfsp-calendly-sync' ),
			'completed'    => __( 'Completed', 'tfsp-calendly-sync' ),
		);
	}

	protected function get_sortable_columns() {
		return array(
			'name'  => array( 'login', false ),
			'email' => array( 'email', false ),
		);
	}

	protected function get_primary_column_name() {
		return 'name';
	}

	/** @return string|null An error message for the page, or null. */
	public function prepare_items() {
		$this->_column_headers = array( $this->get_columns(), array(), $this->get_sortable_columns(), $this->get_primary_column_name() );
		$per_page              = $this->get_items_per_page( self::PER_PAGE_OPTION, 20 );
		$orderby               = isset( $_GET['orderby'] ) ? sanitize_key( wp_unslash( $_GET['orderby'] ) ) : 'login'; // phpcs:ignore WordPress.Security.NonceVerification.Recommended
		$orderby               = in_array( $orderby, array( 'login', 'email', 'name' ), true ) ? $orderby : 'login';
		$desc                  = isset( $_GET['order'] ) && 'desc' === strtolower( sanitize_key( wp_unslash( $_GET['order'] ) ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
		try {
			$result = $this->progress->students_page( self::search(), self::completion(), $orderby, $desc, $per_page, $this->get_pagenum(), SessionAccess::scope( get_current_user_id() ) );
		} catch ( DatabaseError $e ) {
			$this->items = array();
			return __( 'The students could not be read because of a database error.', 'tfsp-calendly-sync' );
		}
		$this->items = $result['rows'];
		$this->set_pagination_args(
			array(
				'total_items' => $result['total'],
				'per_page'    => $per_page,
				'total_pages' => (int) ceil( $result['total'] / $per_page ),
			)
		);
		return null;
	}

	protected function get_views() {
		$current = self::completion();
		$base    = remove_query_arg( array( 'completion', 'paged' ) );
		$labels  = array(
			''            => __( 'All students', 'tfsp-calendly-sync' ),
			'in_progress' => __( 'In progress', 'tfsp-calendly-sync' ),
			'completed'   => __( 'Completed', 'tfsp-calendly-sync' ),
		);
		$links   = array();
		foreach ( $labels as $view => $label ) {
			$url                                   = '' === $view ? $base : add_query_arg( 'completion', $view, $base );
			$links[ '' === $view ? 'all' : $view ] = sprintf( '<a href="%s"%s>%s</a>', esc_url( $url ), $view === $current ? ' class="current" aria-current="page"' : '', esc_html( $label ) );
		}
		return $links;
	}

	public function no_items() {
		esc_html_e( 'No students with coaching sessions yet.', 'tfsp-calendly-sync' );
	}

	protected function column_name( $item ) {
		$name = '' !== $item['name'] ? $item['name'] : $item['email'];
		$url  = add_query_arg(
			array(
				'page'    => Menu::PARENT,
				'student' => (int) $item['id'],
			),
			admin_url( 'admin.php' )
		);
		$out = '<strong><a href="' . esc_url( $url ) . '">' . esc_html( $name ) . '</a></strong>';
		if ( '' !== $item['login'] ) {
			$out .= '<br><span class="tfsp-calendly-login">' . esc_html( $item['login'] ) . '</span>';
		}
		return $out;
	}

	protected function column_email( $item ) {
		return esc_html( $item['email'] );
	}

	protected function column_attended( $item ) {
		/* translators: 1: sessions attended, 2: sessions required */
		return esc_html( sprintf( __( '%1$d / %2$d', 'tfsp-calendly-sync' ), $item['attended'], $item['required'] ) );
	}

	protected function column_upcoming( $item ) {
		return esc_html( number_format_i18n( $item['upcoming'] ) );
	}

	protected function column_no_show( $item ) {
		return esc_html( number_format_i18n( $item['no_show'] ) );
	}

	protected function column_last_session( $item ) {
		if ( null === $item['last_session'] ) {
			return '<span aria-hidden="true">&mdash;</span><span class="screen-reader-text">' . esc_html__( 'None yet', 'tfsp-calendly-sync' ) . '</span>';
		}
		return esc_html( Clock::site_datetime( (string) $item['last_session'] ) );
	}

	protected function column_completed( $item ) {
		return $item['completed']
			? '<span class="dashicons dashicons-yes" aria-hidden="true"></span> ' . esc_html__( 'Yes', 'tfsp-calendly-sync' )
			: esc_html__( 'Not yet', 'tfsp-calendly-sync' );
	}
}
