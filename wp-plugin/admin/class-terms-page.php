<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The Terms & cohorts page (tfsp_calendly_manage): the program's calendar of terms and its
 * cohorts, each listed with its forms to add, change and delete (admin-post.php actions, each
 * checking the capability and its nonce).  Bad input is refused with a notice naming the field
 * and nothing is written; the form keeps what was typed.  Every name is shown as text.
 *
 * @package TFSP\CalendlySync\Admin
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\PluginError;
use TFSP\CalendlySync\Terms;

defined( 'ABSPATH' ) || exit;

final class TermsPage {

	public const SLUG = 'tfsp-calendly-terms';

	public const SAVE_TERM     = 'tfsp_calendly_save_term';
	public const DELETE_TERM   = 'tfsp_calendly_delete_term';
	public const SAVE_COHORT   = 'tfsp_calendly_save_cohort';
	public const DELETE_COHORT = 'tfsp_calendly_delete_cohort';

	public const ACTIONS = array( self::SAVE_TERM, self::DELETE_TERM, self::SAVE_COHORT, self::DELETE_COHORT );

	private Terms $terms;

	public function __construct( Terms $terms ) {
		$this->terms = $terms;
	}

	public function render(): void {
		if ( ! current_user_can( Plugin::CAP_MANAGE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage terms and cohorts.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		echo '<div class="wrap tfsp-calendly-terms"><h1>' . esc_html__( 'Terms & cohorts', 'tfsp-calendly-sync' ) . '</h1>';
		Notices::render();
		try {
			$terms   = $this->terms->repository()->terms();
			$cohorts = $this->terms->repository()->cohorts();
			$scope   = $this->terms->scope();
		} catch ( DatabaseError $e ) {
			echo '<div class="notice notice-error"><p>' . esc_html__( 'Terms and cohorts could not be read because of a database error.', 'tfsp-calendly-sync' ) . '</p></div></div>';
			return;
		}
		$typed = self::typed();
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- which row to edit, read only.
		$edit_term   = isset( $_GET['edit_term'] ) ? absint( $_GET['edit_term'] ) : 0;
		$edit_cohort = isset( $_GET['edit_cohort'] ) ? absint( $_GET['edit_cohort'] ) : 0;
		// phpcs:enable

		$line = ProgressPage::term_line( $scope, null === $scope['term'] ? 0 : (int) $scope['term']['required'] );
		echo '<p class="description">' . esc_html( $line ?? __( 'No term is defined: progress counts every attended session toward the required number of the Settings page.', 'tfsp-calendly-sync' ) ) . '</p>';

		echo '<h2>' . esc_html__( 'Terms', 'tfsp-calendly-sync' ) . '</h2>';
		echo '<p>' . esc_html__( 'Terms do not overlap; their days are in the site\'s time zone. A session belongs to the term in which it starts; a student reaches the term\'s required attended sessions, or the highest of their cohorts.', 'tfsp-calendly-sync' ) . '</p>';
		echo '<table class="widefat striped tfsp-calendly-terms-table"><thead><tr><th scope="col">' . esc_html__( 'Name', 'tfsp-calendly-sync' ) . '</th><th scope="col">' . esc_html__( 'First day', 'tfsp-calendly-sync' ) . '</th><th scope="col">' . esc_html__( 'Last day', 'tfsp-calendly-sync' ) . '</th><th scope="col">' . esc_html__( 'Required sessions', 'tfsp-calendly-sync' ) . '</th><th scope="col">' . esc_html__( 'Actions', 'tfsp-calendly-sync' ) . '</th></tr></thead><tbody>';
		if ( ! $terms ) {
			echo '<tr><td colspan="5">' . esc_html__( 'No terms yet.', 'tfsp-calendly-sync' ) . '</td></tr>';
		}
		$today = Terms::today();
		foreach ( $terms as $term ) {
			$now = $term['first_day'] <= $today && $today <= $term['last_day'] ? ' <span class="tfsp-calendly-current">(' . esc_html__( 'current', 'tfsp-calendly-sync' ) . ')</span>' : '';
			echo '<tr><td class="tfsp-term-name">' . esc_html( (string) $term['name'] ) . $now . '</td><td>' . esc_html( Terms::day( (string) $term['first_day'] ) ) . '</td><td>' . esc_html( Terms::day( (string) $term['last_day'] ) ) . '</td><td>' . esc_html( (string) (int) $term['required'] ) . '</td><td>';
			echo '<a href="' . esc_url( add_query_arg( array( 'page' => self::SLUG, 'edit_term' => (int) $term['id'] ), admin_url( 'admin.php' ) ) ) . '">' . esc_html__( 'Edit', 'tfsp-calendly-sync' ) . '</a> ';
			self::delete_button( self::DELETE_TERM, (int) $term['id'], __( 'Delete', 'tfsp-calendly-sync' ) );
			echo '</td></tr>';
		}
		echo '</tbody></table>';
		$this->term_form( $edit_term, $terms, $typed );

		echo '<h2>' . esc_html__( 'Cohorts', 'tfsp-calendly-sync' ) . '</h2>';
		echo '<p>' . esc_html__( 'A cohort is every user with a WordPress role, or students picked by hand. It applies to one term or to every term, and may ask for its own number of attended sessions; a student in several cohorts takes the highest, one in none the term\'s.', 'tfsp-calendly-sync' ) . '</p>';
		echo '<table class="widefat striped tfsp-calendly-cohorts-table"><thead><tr><th scope="col">' . esc_html__( 'Name', 'tfsp-calendly-sync' ) . '</th><th scope="col">' . esc_html__( 'Members', 'tfsp-calendly-sync' ) . '</th><th scope="col">' . esc_html__( 'Term', 'tfsp-calendly-sync' ) . '</th><th scope="col">' . esc_html__( 'Required sessions', 'tfsp-calendly-sync' ) . '</th><th scope="col">' . esc_html__( 'Actions', 'tfsp-calendly-sync' ) . '</th></tr></thead><tbody>';
		if ( ! $cohorts ) {
			echo '<tr><td colspan="5">' . esc_html__( 'No cohorts yet.', 'tfsp-calendly-sync' ) . '</td></tr>';
		}
		$roles = wp_roles()->get_names();
		foreach ( $cohorts as $cohort ) {
			/* translators: %s: role name */
			$members = 'role' === $cohort['kind'] ? sprintf( __( 'Role: %s', 'tfsp-calendly-sync' ), translate_user_role( (string) ( $roles[ $cohort['role'] ] ?? $cohort['role'] ) ) ) : sprintf(
				/* translators: %s: number of students */
				_n( '%s student picked by hand', '%s students picked by hand', (int) $cohort['members'], 'tfsp-calendly-sync' ),
				number_format_i18n( (int) $cohort['members'] )
			);
			$term     = null === $cohort['term_id'] ? __( 'Every term', 'tfsp-calendly-sync' ) : (string) $cohort['term_name'];
			$required = null === $cohort['required'] ? __( 'the term\'s', 'tfsp-calendly-sync' ) : (string) (int) $cohort['required'];
			echo '<tr><td class="tfsp-cohort-name">' . esc_html( (string) $cohort['name'] ) . '</td><td>' . esc_html( $members ) . '</td><td>' . esc_html( $term ) . '</td><td>' . esc_html( $required ) . '</td><td>';
			echo '<a href="' . esc_url( add_query_arg( array( 'page' => self::SLUG, 'edit_cohort' => (int) $cohort['id'] ), admin_url( 'admin.php' ) ) ) . '">' . esc_html__( 'Edit', 'tfsp-calendly-sync' ) . '</a> ';
			self::delete_button( self::DELETE_COHORT, (int) $cohort['id'], __( 'Delete', 'tfsp-calendly-sync' ) );
			echo '</td></tr>';
		}
		echo '</tbody></table>';
		$this->cohort_form( $edit_cohort, $terms, $typed );
		echo '</div>';
	}

	/** @param array<int,array> $terms Every term. */
	private function term_form( int $id, array $terms, array $typed ): void {
		$term = array(
			'name'      => '',
			'first_day' => '',
			'last_day'  => '',
			'required'  => (string) Terms::DEFAULT_REQUIRED,
		);
		foreach ( $terms as $row ) {
			if ( (int) $row['id'] === $id ) {
				$term = $row;
			}
		}
		if ( self::SAVE_TERM === ( $typed['action'] ?? '' ) ) {
			$term = array_merge( $term, $typed['input'] );
			$id   = (int) $typed['id'];
		}
		echo '<h3>' . esc_html( $id ? __( 'Change the term', 'tfsp-calendly-sync' ) : __( 'Add a term', 'tfsp-calendly-sync' ) ) . '</h3>';
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="tfsp-calendly-term-form">';
		echo '<input type="hidden" name="action" value="' . esc_attr( self::SAVE_TERM ) . '"><input type="hidden" name="id" value="' . esc_attr( (string) $id ) . '">';
		wp_nonce_field( self::SAVE_TERM );
		echo '<table class="form-table" role="presentation"><tbody>';
		echo '<tr><th scope="row"><label for="tfsp-term-name">' . esc_html__( 'Name', 'tfsp-calendly-sync' ) . '</label></th><td><input type="text" id="tfsp-term-name" name="name" class="regular-text" required maxlength="' . esc_attr( (string) Terms::NAME_MAX ) . '" value="' . esc_attr( (string) $term['name'] ) . '"></td></tr>';
		echo '<tr><th scope="row"><label for="tfsp-term-first">' . esc_html__( 'First day', 'tfsp-calendly-sync' ) . '</label></th><td><input type="date" id="tfsp-term-first" name="first_day" required value="' . esc_attr( (string) $term['first_day'] ) . '"></td></tr>';
		echo '<tr><th scope="row"><label for="tfsp-term-last">' . esc_html__( 'Last day', 'tfsp-calendly-sync' ) . '</label></th><td><input type="date" id="tfsp-term-last" name="last_day" required value="' . esc_attr( (string) $term['last_day'] ) . '">';
		/* translators: %s: the site's time zone */
		echo ' <span class="description">' . esc_html( sprintf( __( 'Days in the site\'s time zone (%s); the last day is included.', 'tfsp-calendly-sync' ), wp_timezone_string() ) ) . '</span></td></tr>';
		echo '<tr><th scope="row"><label for="tfsp-term-required">' . esc_html__( 'Required sessions', 'tfsp-calendly-sync' ) . '</label></th><td><input type="number" id="tfsp-term-required" name="required" min="1" max="1000" class="small-text" value="' . esc_attr( (string) $term['required'] ) . '"></td></tr>';
		echo '</tbody></table>';
		submit_button( $id ? __( 'Save term', 'tfsp-calendly-sync' ) : __( 'Add term', 'tfsp-calendly-sync' ), 'primary', 'submit', false );
		echo '</form>';
	}

	/** @param array<int,array> $terms Every term. */
	private function cohort_form( int $id, array $terms, array $typed ): void {
		$cohort = array(
			'name'     => '',
			'kind'     => 'hand',
			'role'     => '',
			'term_id'  => '',
			'required' => '',
			'members'  => '',
		);
		if ( $id ) {
			$row = $this->terms->repository()->cohort( $id );
			if ( null !== $row ) {
				$emails = array();
				foreach ( $this->terms->repository()->members( $id ) as $user_id ) {
					$user     = get_userdata( $user_id );
					$emails[] = $user ? $user->user_email : (string) $user_id;
				}
				$cohort = array_merge( $cohort, $row, array( 'members' => implode( "\n", $emails ) ) );
			} else {
				$id = 0;
			}
		}
		if ( self::SAVE_COHORT === ( $typed['action'] ?? '' ) ) {
			$cohort = array_merge( $cohort, $typed['input'] );
			$id     = (int) $typed['id'];
		}
		echo '<h3>' . esc_html( $id ? __( 'Change the cohort', 'tfsp-calendly-sync' ) : __( 'Add a cohort', 'tfsp-calendly-sync' ) ) . '</h3>';
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="tfsp-calendly-cohort-form">';
		echo '<input type="hidden" name="action" value="' . esc_attr( self::SAVE_COHORT ) . '"><input type="hidden" name="id" value="' . esc_attr( (string) $id ) . '">';
		wp_nonce_field( self::SAVE_COHORT );
		echo '<table class="form-table" role="presentation"><tbody>';
		echo '<tr><th scope="row"><label for="tfsp-cohort-name">' . esc_html__( 'Name', 'tfsp-calendly-sync' ) . '</label></th><td><input type="text" id="tfsp-cohort-name" name="name" class="regular-text" required maxlength="' . esc_attr( (string) Terms::NAME_MAX ) . '" value="' . esc_attr( (string) $cohort['name'] ) . '"></td></tr>';
		echo '<tr><th scope="row">' . esc_html__( 'Members', 'tfsp-calendly-sync' ) . '</th><td><fieldset>';
		echo '<label><input type="radio" name="kind" value="role"' . checked( 'role', $cohort['kind'], false ) . '> ' . esc_html__( 'Every user with the role', 'tfsp-calendly-sync' ) . '</label> <select name="role" aria-label="' . esc_attr__( 'Role', 'tfsp-calendly-sync' ) . '"><option value="">' . esc_html__( '(choose)', 'tfsp-calendly-sync' ) . '</option>';
		foreach ( wp_roles()->get_names() as $slug => $name ) {
			echo '<option value="' . esc_attr( (string) $slug ) . '"' . selected( (string) $cohort['role'], (string) $slug, false ) . '>' . esc_html( translate_user_role( (string) $name ) ) . '</option>';
		}
		echo '</select><br><label><input type="radio" name="kind" value="hand"' . checked( 'hand', $cohort['kind'], false ) . '> ' . esc_html__( 'These students (e-mail, login or user ID, one a line):', 'tfsp-calendly-sync' ) . '</label><br><textarea name="members" rows="4" cols="50" aria-label="' . esc_attr__( 'Students', 'tfsp-calendly-sync' ) . '">' . esc_textarea( (string) $cohort['members'] ) . '</textarea></fieldset></td></tr>';
		echo '<tr><th scope="row"><label for="tfsp-cohort-term">' . esc_html__( 'Term', 'tfsp-calendly-sync' ) . '</label></th><td><select id="tfsp-cohort-term" name="term_id"><option value="">' . esc_html__( 'Every term', 'tfsp-calendly-sync' ) . '</option>';
		foreach ( $terms as $term ) {
			echo '<option value="' . esc_attr( (string) $term['id'] ) . '"' . selected( (string) $cohort['term_id'], (string) $term['id'], false ) . '>' . esc_html( (string) $term['name'] ) . '</option>';
		}
		echo '</select></td></tr>';
		echo '<tr><th scope="row"><label for="tfsp-cohort-required">' . esc_html__( 'Required sessions', 'tfsp-calendly-sync' ) . '</label></th><td><input type="number" id="tfsp-cohort-required" name="required" min="1" max="1000" class="small-text" value="' . esc_attr( (string) $cohort['required'] ) . '"> <span class="description">' . esc_html__( 'Empty: the term\'s.', 'tfsp-calendly-sync' ) . '</span></td></tr>';
		echo '</tbody></table>';
		submit_button( $id ? __( 'Save cohort', 'tfsp-calendly-sync' ) : __( 'Add cohort', 'tfsp-calendly-sync' ), 'primary', 'submit', false );
		echo '</form>';
	}

	private static function delete_button( string $action, int $id, string $label ): void {
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" style="display:inline">';
		echo '<input type="hidden" name="action" value="' . esc_attr( $action ) . '"><input type="hidden" name="id" value="' . esc_attr( (string) $id ) . '">';
		wp_nonce_field( $action . '_' . $id );
		echo '<button type="submit" class="button-link button-link-delete">' . esc_html( $label ) . '</button></form>';
	}

	/** The admin-post.php handler of every action of the page. */
	public function handle( string $action ): void {
		if ( ! current_user_can( Plugin::CAP_MANAGE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage terms and cohorts.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- the nonce is checked before any use below.
		$id = isset( $_POST['id'] ) && is_string( $_POST['id'] ) && ctype_digit( $_POST['id'] ) ? (int) $_POST['id'] : 0;
		check_admin_referer( in_array( $action, array( self::DELETE_TERM, self::DELETE_COHORT ), true ) ? $action . '_' . $id : $action );
		$field = static fn( string $name ): string => isset( $_POST[ $name ] ) && is_string( $_POST[ $name ] ) ? (string) wp_unslash( $_POST[ $name ] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- validated by Terms; names kept as written and escaped on output.
		// phpcs:enable
		$input = array();
		try {
			switch ( $action ) {
				case self::SAVE_TERM:
					$input  = array(
						'name'      => $field( 'name' ),
						'first_day' => $field( 'first_day' ),
						'last_day'  => $field( 'last_day' ),
						'required'  => $field( 'required' ),
					);
					$result = $this->terms->save_term( $id, $input );
					/* translators: %s: term name */
					$done = __( 'The term "%s" was saved.', 'tfsp-calendly-sync' );
					break;
				case self::SAVE_COHORT:
					$input  = array(
						'name'     => $field( 'name' ),
						'kind'     => $field( 'kind' ),
						'role'     => $field( 'role' ),
						'members'  => $field( 'members' ),
						'term_id'  => $field( 'term_id' ),
						'required' => $field( 'required' ),
					);
					$result = $this->terms->save_cohort( $id, $input );
					/* translators: %s: cohort name */
					$done = __( 'The cohort "%s" was saved.', 'tfsp-calendly-sync' );
					break;
				case self::DELETE_TERM:
					$row    = $this->terms->repository()->term( $id );
					$result = $this->terms->delete_term( $id );
					$input  = array( 'name' => (string) ( $row['name'] ?? '' ) );
					/* translators: %s: term name */
					$done = __( 'The term "%s" was deleted.', 'tfsp-calendly-sync' );
					break;
				default:
					$row    = $this->terms->repository()->cohort( $id );
					$result = $this->terms->delete_cohort( $id );
					$input  = array( 'name' => (string) ( $row['name'] ?? '' ) );
					/* translators: %s: cohort name */
					$done = __( 'The cohort "%s" was deleted.', 'tfsp-calendly-sync' );
			}
		} catch ( DatabaseError $e ) {
			$result = $e;
		}
		if ( $result instanceof PluginError ) {
			$params = (array) ( $result->data['params'] ?? array() );
			Notices::add( 'error', $params ? implode( ' ', $params ) : $result->notice() );
			if ( in_array( $action, array( self::SAVE_TERM, self::SAVE_COHORT ), true ) ) {
				set_transient( self::typed_key(), array( 'action' => $action, 'id' => $id, 'input' => $input ), 120 );
			}
			Notices::redirect( self::SLUG, array( 'tfsp_error' => $params ? (string) array_key_first( $params ) : $result->category ) );
		}
		delete_transient( 'tfsp_calendly_progress_totals' ); // The Progress page counts the new calendar at once.
		Notices::add( 'success', sprintf( $done, $input['name'] ?? '' ) );
		Notices::redirect( self::SLUG );
	}

	/** What the user typed into a form that was refused (shown once). */
	private static function typed(): array {
		$typed = get_transient( self::typed_key() );
		delete_transient( self::typed_key() );
		return is_array( $typed ) ? $typed : array();
	}

	private static function typed_key(): string {
		return 'tfsp_calendly_terms_form_' . get_current_user_id();
	}
}
