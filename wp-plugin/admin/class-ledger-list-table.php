<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The ledger on the Sync page: every delivery with its outcome and stored error, filters by
 * outcome and event, keyset paging by id, and retry/replay from the stored body.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\LedgerListRepository;
use TFSP\CalendlySync\Plugin;

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( '\WP_List_Table' ) ) {
	require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
}

final class LedgerListTable extends \WP_List_Table {

	public const PLURAL = 'tfsp-ledger';

	private LedgerListRepository $repository;
	private KeysetPagination $paging;
	private array $filters = array();

	public function __construct() {
		$this->repository = Plugin::instance()->ledger_list();
		$this->paging     = new KeysetPagination();
		parent::__construct(
			array(
				'singular' => 'tfsp-ledger-row',
				'plural'   => self::PLURAL,
				'ajax'     => false,
			)
		);
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- filters only.
		$outcome       = isset( $_GET['outcome'] ) ? sanitize_key( $_GET['outcome'] ) : '';
		$this->filters = array(
			'outcome' => in_array( $outcome, LedgerListRepository::OUTCOMES, true ) ? $outcome : '',
			'event'   => isset( $_GET['event'] ) ? sanitize_text_field( wp_unslash( $_GET['event'] ) ) : '',
			'search'  => isset( $_GET['s'] ) ? trim( sanitize_text_field( wp_unslash( $_GET['s'] ) ) ) : '',
			// One delivery, as a session's History links to it.
			'id'      => isset( $_GET['delivery'] ) ? absint( $_GET['delivery'] ) : 0,
		);
		// phpcs:enable
	}

	public static function outcome_label( string $outcome ): string {
		$labels = array(
			'processed' => __( 'processed', 'tfsp-calendly-sync' ),
			'ignored'   => __( 'ignored', 'tfsp-calendly-sync' ),
			'failed'    => __( 'failed', 'tfsp-calendly-sync' ),
			'retrying'  => __( 'retrying', 'tfsp-calendly-sync' ),
			'stale'     => __( 'stale', 'tfsp-calendly-sync' ),
			'duplicate' => __( 'duplicate', 'tfsp-calendly-sync' ),
		);
		return $labels[ $outcome ] ?? $outcome;
	}

	public function get_columns() {
		return array(
			'cb'       => '<input type="checkbox" />',
			'received' => __( 'Received', 'tfsp-calendly-sync' ),
			'event'    => __( 'Event', 'tfsp-calendly-sync' ),
			'outcome'  => __( 'Outcome', 'tfsp-calendly-sync' ),
			'error'    => __( 'Stored error', 'tfsp-calendly-sync' ),
			'session'  => __( 'Session', 'tfsp-calendly-sync' ),
			'actions'  => __( 'Actions', 'tfsp-calendly-sync' ),
		);
	}

	protected function get_primary_column_name() {
		return 'received';
	}

	protected function get_bulk_actions() {
		return array( 'retry' => __( 'Retry from the stored body', 'tfsp-calendly-sync' ) );
	}

	/** @return string|null Error message. */
	public function prepare_items() {
		$this->_column_headers = array( $this->get_columns(), array(), array(), 'received' );
		$per_page              = $this->get_items_per_page( 'tfsp_calendly_per_page', 20 );
		$asked                 = KeysetPagination::requested_id();
		try {
			$total = $this->repository->count( $this->filters );
			$rows  = $this->repository->page( $this->filters, $asked['after'] ?? null, $asked['before'] ?? null, $per_page + 1 );
		} catch ( DatabaseError $e ) {
			$this->items = array();
			return __( 'The ledger could not be read because of a database error.', 'tfsp-calendly-sync' );
		}
		$this->items = $this->paging->take( $rows, $per_page, $total, $asked['dir'] ?? 'first' );
		$this->set_pagination_args(
			array(
				'total_items' => $total,
				'per_page'    => $per_page,
			)
		);
		return null;
	}

	public function current_url(): string {
		return KeysetPagination::base_url( $this->query_args() );
	}

	protected function pagination( $which ) {
		$this->paging->render( $this->current_url(), $this->items, array( KeysetPagination::class, 'id_key' ) );
	}

	public function render_filters(): void {
		if ( 0 !== $this->filters['id'] ) {
			/* translators: %d: the ledger row's id */
			echo '<p class="tfsp-calendly-one-delivery">' . esc_html( sprintf( __( 'Delivery #%d only.', 'tfsp-calendly-sync' ), $this->filters['id'] ) ) . ' <a href="' . esc_url( admin_url( 'admin.php?page=' . SyncPage::SLUG ) . '#tfsp-ledger' ) . '">' . esc_html__( 'Show every delivery', 'tfsp-calendly-sync' ) . '</a></p>';
		}
		try {
			$events = $this->repository->event_names();
		} catch ( DatabaseError $e ) {
			$events = array();
		}
		echo '<form method="get" class="tfsp-calendly-filters" action="' . esc_url( admin_url( 'admin.php' ) ) . '#tfsp-ledger"><input type="hidden" name="page" value="' . esc_attr( SyncPage::SLUG ) . '">';
		echo '<label>' . esc_html__( 'Outcome', 'tfsp-calendly-sync' ) . ' <select name="outcome"><option value="">' . esc_html__( 'Any', 'tfsp-calendly-sync' ) . '</option>';
		foreach ( LedgerListRepository::OUTCOMES as $outcome ) {
			echo '<option value="' . esc_attr( $outcome ) . '"' . selected( $this->filters['outcome'], $outcome, false ) . '>' . esc_html( self::outcome_label( $outcome ) ) . '</option>';
		}
		echo '</select></label> <label>' . esc_html__( 'Event', 'tfsp-calendly-sync' ) . ' <select name="event"><option value="">' . esc_html__( 'Any', 'tfsp-calendly-sync' ) . '</option>';
		foreach ( $events as $event ) {
			echo '<option value="' . esc_attr( $event ) . '"' . selected( $this->filters['event'], $event, false ) . '>' . esc_html( $event ) . '</option>';
		}
		echo '</select></label> <label>' . esc_html__( 'Invitee', 'tfsp-calendly-sync' ) . ' <input type="search" name="s" value="' . esc_attr( $this->filters['search'] ) . '" placeholder="' . esc_attr__( 'invitee URI or UUID', 'tfsp-calendly-sync' ) . '"></label> ';
		submit_button( __( 'Filter', 'tfsp-calendly-sync' ), 'secondary', '', false );
		echo '</form>';
	}

	public function no_items() {
		esc_html_e( 'No deliveries match.', 'tfsp-calendly-sync' );
	}

	/** @param array $item Row. */
	protected function column_cb( $item ) {
		return '<input type="checkbox" name="ledger[]" value="' . esc_attr( (string) (int) $item['id'] ) . '" aria-label="' . esc_attr( '#' . (int) $item['id'] ) . '">';
	}

	/** @param array $item Row. */
	protected function column_received( $item ) {
		$out = '<strong>' . esc_html( Clock::site_datetime( $item['first_received'] ) ) . '</strong> <span class="tfsp-calendly-id">#' . esc_html( (string) (int) $item['id'] ) . '</span>';
		if ( (int) $item['deliveries'] > 1 ) {
			/* translators: 1: deliveries, 2: last time */
			$out .= '<br><span class="description">' . esc_html( sprintf( __( '%1$d deliveries, last %2$s', 'tfsp-calendly-sync' ), (int) $item['deliveries'], Clock::site_datetime( $item['last_received'] ) ) ) . '</span>';
		}
		return $out;
	}

	/** @param array $item Row. */
	protected function column_event( $item ) {
		return esc_html( (string) $item['event_name'] ) . '<br><code class="tfsp-calendly-uri">' . esc_html( (string) $item['invitee_uri'] ) . '</code>';
	}

	/** @param array $item Row. */
	protected function column_outcome( $item ) {
		$out = '<span class="tfsp-calendly-outcome tfsp-calendly-outcome-' . esc_attr( (string) $item['outcome'] ) . '">' . esc_html( self::outcome_label( (string) $item['outcome'] ) ) . '</span>';
		if ( (int) $item['attempts'] > 0 && 'processed' !== $item['outcome'] ) {
			/* translators: %d: attempts */
			$out .= '<br>' . esc_html( sprintf( _n( '%d attempt', '%d attempts', (int) $item['attempts'], 'tfsp-calendly-sync' ), (int) $item['attempts'] ) );
		}
		if ( ! empty( $item['next_attempt_at'] ) ) {
			/* translators: %s: time */
			$out .= '<br>' . esc_html( sprintf( __( 'next try %s', 'tfsp-calendly-sync' ), Clock::site_datetime( $item['next_attempt_at'] ) ) );
		}
		return $out;
	}

	/** @param array $item Row. */
	protected function column_error( $item ) {
		return null === $item['last_error'] ? '' : '<code class="tfsp-calendly-error-text">' . esc_html( (string) $item['last_error'] ) . '</code>';
	}

	/** @param array $item Row. */
	protected function column_session( $item ) {
		if ( empty( $item['session_id'] ) ) {
			return '';
		}
		$url = add_query_arg(
			array(
				'page'    => Menu::PARENT,
				'session' => (int) $item['session_id'],
			),
			admin_url( 'admin.php' )
		);
		return '<a href="' . esc_url( $url ) . '">#' . esc_html( (string) (int) $item['session_id'] ) . '</a>';
	}

	/** @param array $item Row. */
	protected function column_actions( $item ) {
		if ( 'processed' === $item['outcome'] || ! (int) $item['has_body'] ) {
			return '';
		}
		$id    = (int) $item['id'];
		$label = in_array( $item['outcome'], array( 'failed', 'retrying' ), true ) ? __( 'Retry now', 'tfsp-calendly-sync' ) : __( 'Replay', 'tfsp-calendly-sync' );
		// The button submits a form of its own (see row_forms()): forms cannot nest in the list's form.
		return '<button type="submit" class="button button-small" form="tfsp-retry-' . esc_attr( (string) $id ) . '">' . esc_html( $label ) . '</button>';
	}

	/** @param array $item Row. @param string $column_name Column. */
	protected function column_default( $item, $column_name ) {
		return '';
	}

	/** The forms that the rows' Retry/Replay buttons submit; printed after the list's form. */
	public function row_forms(): void {
		foreach ( $this->items as $item ) {
			if ( 'processed' === $item['outcome'] || ! (int) $item['has_body'] ) {
				continue;
			}
			$id = (int) $item['id'];
			echo '<form method="post" id="tfsp-retry-' . esc_attr( (string) $id ) . '" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" hidden>';
			echo '<input type="hidden" name="action" value="' . esc_attr( SyncPage::RETRY_ACTION ) . '"><input type="hidden" name="ledger" value="' . esc_attr( (string) $id ) . '">';
			wp_nonce_field( SyncPage::RETRY_ACTION . '_' . $id, '_wpnonce', true, true );
			echo '</form>';
		}
	}

	private function query_args(): array {
		return array(
			'page'     => SyncPage::SLUG,
			'outcome'  => '' === $this->filters['outcome'] ? null : $this->filters['outcome'],
			'event'    => '' === $this->filters['event'] ? null : $this->filters['event'],
			's'        => '' === $this->filters['search'] ? null : $this->filters['search'],
			'delivery' => 0 === $this->filters['id'] ? null : $this->filters['id'],
		);
	}
}
