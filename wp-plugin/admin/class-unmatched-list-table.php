<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The list of unmatched bookings, each with the core's suggestions (Calsync\Email::match over a
 * bounded candidate set) and a form that links it to a user.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\SessionListRepository;
use TFSP\CalendlySync\UserEvents;

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( '\WP_List_Table' ) ) {
	require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
}

final class UnmatchedListTable extends \WP_List_Table {

	private Plugin $plugin;
	private SessionListRepository $repository;
	private KeysetPagination $paging;
	private string $search = '';

	/** @var array<string,array> Suggestions per normalised e-mail. */
	private array $suggestions = array();

	public function __construct( Plugin $plugin ) {
		$this->plugin     = $plugin;
		$this->repository = $plugin->session_list();
		$this->paging     = new KeysetPagination();
		parent::__construct(
			array(
				'singular' => 'tfsp-unmatched-booking',
				'plural'   => 'tfsp-unmatched-bookings',
				'ajax'     => false,
			)
		);
		$this->search = isset( $_GET['s'] ) ? trim( sanitize_text_field( wp_unslash( $_GET['s'] ) ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended
	}

	public function get_columns() {
		return array(
			'booking'     => __( 'Booking', 'tfsp-calendly-sync' ),
			'invitee'     => __( 'Invitee', 'tfsp-calendly-sync' ),
			'suggestions' => __( 'Link to a user', 'tfsp-calendly-sync' ),
		);
	}

	protected function get_primary_column_name() {
		return 'booking';
	}

	/** @return string|null Error message. */
	public function prepare_items() {
		$this->_column_headers = array( $this->get_columns(), array(), array(), 'booking' );
		$per_page              = $this->get_items_per_page( 'tfsp_calendly_per_page', 20 );
		$asked                 = KeysetPagination::requested_id();
		try {
			$total = $this->repository->count_unmatched( $this->search );
			$rows  = $this->repository->unmatched( $this->search, $asked['after'] ?? null, $asked['before'] ?? null, $per_page + 1 );
		} catch ( DatabaseError $e ) {
			$this->items = array();
			return __( 'The bookings could not be read because of a database error.', 'tfsp-calendly-sync' );
		}
		$rows        = $this->paging->take( $rows, $per_page, $total, $asked['dir'] ?? 'first' );
		$this->items = $rows;
		foreach ( $rows as $row ) {
			$this->suggest( (string) $row['invitee_email'], null === $row['invitee_name'] ? null : (string) $row['invitee_name'] );
		}
		$this->set_pagination_args(
			array(
				'total_items' => $total,
				'per_page'    => $per_page,
			)
		);
		return null;
	}

	protected function pagination( $which ) {
		$base  = KeysetPagination::base_url(
			array(
				'page' => UnmatchedPage::SLUG,
				's'    => '' === $this->search ? null : $this->search,
			)
		);
		$this->paging->render( $base, $this->items, array( KeysetPagination::class, 'id_key' ) );
	}

	public function no_items() {
		esc_html_e( 'Every booking is linked to a student.', 'tfsp-calendly-sync' );
	}

	/** @param array $item Row. */
	protected function column_booking( $item ) {
		$url = add_query_arg(
			array(
				'page'    => Menu::PARENT,
				'session' => (int) $item['id'],
			),
			admin_url( 'admin.php' )
		);
		$out = '<strong><a href="' . esc_url( $url ) . '">' . esc_html( Clock::site_datetime( $item['start_at'] ) ) . '</a></strong> <span class="tfsp-calendly-id">#' . esc_html( (string) (int) $item['id'] ) . '</span>';
		if ( ! empty( $item['event_name'] ) ) {
			$out .= '<br>' . esc_html( (string) $item['event_name'] );
		}
		return $out . '<br><span class="tfsp-calendly-status">' . esc_html( SessionStatus::shown_label( $item ) ) . '</span>';
	}

	/** @param array $item Row. */
	protected function column_invitee( $item ) {
		return '<span class="tfsp-calendly-name">' . esc_html( (string) $item['invitee_name'] ) . '</span><br><span class="tfsp-calendly-email">' . esc_html( (string) $item['invitee_email'] ) . '</span>';
	}

	/** @param array $item Row. */
	protected function column_suggestions( $item ) {
		$id      = (int) $item['id'];
		$matches = $this->suggestions[ strtolower( trim( (string) $item['invitee_email'] ) ) ] ?? array();
		ob_start();
		echo '<form method="post" class="tfsp-calendly-link" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		echo '<input type="hidden" name="action" value="' . esc_attr( UnmatchedPage::ACTION ) . '"><input type="hidden" name="session" value="' . esc_attr( (string) $id ) . '">';
		wp_nonce_field( UnmatchedPage::ACTION . '_' . $id );
		if ( ! $matches ) {
			echo '<p class="description">' . esc_html__( 'No suggestions.', 'tfsp-calendly-sync' ) . '</p>';
		}
		foreach ( $matches as $i => $match ) {
			$user = get_userdata( (int) $match['user_id'] );
			if ( ! $user ) {
				continue;
			}
			if ( 'exact' === $match['reason'] && self::unconfirmed( $user ) ) {
				$match['reason'] = 'exact_unconfirmed'; // Why the core's exact match was not linked on its own.
			}
			echo '<label class="tfsp-calendly-suggestion"><input type="radio" name="user" value="' . esc_attr( (string) $user->ID ) . '"' . checked( 0, $i, false ) . '> ' . esc_html( $user->display_name ) . ' &lt;' . esc_html( $user->user_email ) . '&gt; <span class="tfsp-calendly-reason">(' . esc_html( self::reason_label( (string) $match['reason'], (int) ( $match['distance'] ?? 0 ), (string) ( $match['email'] ?? '' ) ) ) . ')</span></label><br>';
		}
		echo '<label>' . esc_html__( 'Or another user', 'tfsp-calendly-sync' ) . ' <input type="text" name="user_other" size="24" placeholder="' . esc_attr__( 'e-mail, login or ID', 'tfsp-calendly-sync' ) . '"></label><br>';
		echo '<label><input type="checkbox" name="alias" value="1"> ' . esc_html__( 'Remember this e-mail as the user\'s alias (also links its other unmatched sessions, now and later)', 'tfsp-calendly-sync' ) . '</label><br>';
		submit_button( __( 'Link', 'tfsp-calendly-sync' ), 'secondary small', 'tfsp_link', false );
		echo '</form>';
		return (string) ob_get_clean();
	}

	/** @param array $item Row. @param string $column_name Column. */
	protected function column_default( $item, $column_name ) {
		return '';
	}

	public static function reason_label( string $reason, int $distance, string $via ): string {
		switch ( $reason ) {
			case 'exact':
				return __( 'same e-mail', 'tfsp-calendly-sync' );
			case 'exact_unconfirmed':
				return __( 'exact e-mail, unconfirmed account', 'tfsp-calendly-sync' );
			case 'alias':
				return __( 'a known alias', 'tfsp-calendly-sync' );
			case 'dots':
				return __( 'same address apart from dots', 'tfsp-calendly-sync' );
			case 'plus_tag':
				return __( 'same address apart from a +tag', 'tfsp-calendly-sync' );
			case 'edit_distance':
				/* translators: %d: number of characters */
				return sprintf( _n( 'e-mail differs by %d character', 'e-mail differs by %d characters', max( 1, $distance ), 'tfsp-calendly-sync' ), max( 1, $distance ) );
			case 'same_name':
				return __( 'same name at another address', 'tfsp-calendly-sync' );
		}
		unset( $via );
		return $reason;
	}

	/** Whether nobody vouched for the user's current e-mail (see UserEvents). */
	private static function unconfirmed( \WP_User $user ): bool {
		$flagged = (string) get_user_meta( $user->ID, UserEvents::UNCONFIRMED_META, true );
		return '' !== $flagged && strtolower( trim( (string) $user->user_email ) ) === $flagged;
	}

	/** The core's suggestions for an address, from a bounded candidate set. */
	private function suggest( string $email, ?string $name ): void {
		$key = strtolower( trim( $email ) );
		if ( isset( $this->suggestions[ $key ] ) ) {
			return;
		}
		$this->suggestions[ $key ] = array();
		if ( ! Plugin::requirements_met() ) {
			return; // The core suggests; the list is shown without suggestions meanwhile.
		}
		try {
			$normalized = \Calsync\Email::normalize( $email );
			$candidates = $this->plugin->users()->suggestion_candidates( $normalized, $name );
			if ( ! $candidates ) {
				return;
			}
			$result = \Calsync\Email::match( $email, $name, $candidates );
		} catch ( \Calsync\Exception | DatabaseError $e ) {
			return;
		}
		$seen = array();
		foreach ( (array) ( $result['matches'] ?? array() ) as $match ) {
			if ( isset( $seen[ $match['user_id'] ] ) || count( $seen ) >= 5 ) {
				continue;
			}
			$seen[ $match['user_id'] ] = true;
			$match['email']            = $candidates[ $match['index'] ]['email'] ?? '';
			$this->suggestions[ $key ][] = $match;
		}
	}
}
