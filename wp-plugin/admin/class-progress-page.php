<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The Progress page (admins and coaches): program totals, the weekly chart, the students with
 * their progress, and the CSV export (admin-post.php, nonce and capability checked).
 *
 * @package TFSP\CalendlySync\Admin
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\Progress;
use TFSP\CalendlySync\SessionAccess;
use TFSP\CalendlySync\Terms;

defined( 'ABSPATH' ) || exit;

final class ProgressPage {

	public const SLUG          = 'tfsp-calendly-progress';
	public const EXPORT_ACTION = 'tfsp_calendly_progress_csv';

	/** Students read per query while exporting. */
	private const EXPORT_BATCH = 500;

	private Progress $progress;

	private ?ProgressListTable $table = null;

	public function __construct( Progress $progress ) {
		$this->progress = $progress;
	}

	/** Hooks: the submenu (after the parent menu exists) and the export handler. */
	public function register(): void {
		add_action( 'admin_menu', array( $this, 'add_page' ), 20 );
		add_action( 'admin_post_' . self::EXPORT_ACTION, array( $this, 'export' ) );
		add_filter( 'set_screen_option_' . ProgressListTable::PER_PAGE_OPTION, array( self::class, 'save_per_page' ), 10, 3 );
	}

	public function add_page(): void {
		$hook = add_submenu_page(
			Menu::PARENT,
			__( 'Coaching progress', 'tfsp-calendly-sync' ),
			__( 'Progress', 'tfsp-calendly-sync' ),
			Plugin::CAP_MARK_ATTENDANCE,
			self::SLUG,
			array( $this, 'render' )
		);
		if ( $hook ) {
			add_action( 'load-' . $hook, array( $this, 'load' ) );
		}
	}

	public function load(): void {
		add_screen_option(
			'per_page',
			array(
				'default' => 20,
				'option'  => ProgressListTable::PER_PAGE_OPTION,
			)
		);
	}

	/**
	 * Keeps the "students per page" screen option.
	 *
	 * @param mixed  $status Default.
	 * @param string $option Option name.
	 * @param mixed  $value  Submitted value.
	 * @return mixed
	 */
	public static function save_per_page( $status, $option, $value ) {
		return ProgressListTable::PER_PAGE_OPTION === $option ? max( 1, min( 200, (int) $value ) ) : $status;
	}

	public function render(): void {
		if ( ! current_user_can( Plugin::CAP_MARK_ATTENDANCE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to see coaching progress.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		$table = $this->table();
		$error = $table->prepare_items();

		echo '<div class="wrap"><h1 class="wp-heading-inline">' . esc_html__( 'Coaching progress', 'tfsp-calendly-sync' ) . '</h1> ';
		$export = wp_nonce_url(
			add_query_arg(
				array(
					'action'     => self::EXPORT_ACTION,
					'completion' => ProgressListTable::completion(),
					's'          => ProgressListTable::search(),
				),
				admin_url( 'admin-post.php' )
			),
			self::EXPORT_ACTION
		);
		echo '<a class="page-title-action" href="' . esc_url( $export ) . '">' . esc_html__( 'Export CSV', 'tfsp-calendly-sync' ) . '</a><hr class="wp-header-end">';
		if ( null !== $error ) {
			echo '<div class="notice notice-error"><p>' . esc_html( $error ) . '</p></div>';
		}

		try {
			$coach  = SessionAccess::scope( get_current_user_id() ); // A coach's page covers the sessions they host.
			$totals = $this->progress->totals( $coach );
			$weeks  = $this->progress->weeks( $coach );
		} catch ( DatabaseError $e ) {
			$totals = null;
			$weeks  = array();
			echo '<div class="notice notice-error"><p>' . esc_html__( 'The program totals could not be read because of a database error.', 'tfsp-calendly-sync' ) . '</p></div>';
		}
		if ( null !== $totals ) {
			$this->render_totals( $totals );
		}
		echo '<h2>' . esc_html__( 'Sessions per week', 'tfsp-calendly-sync' ) . '</h2>';
		echo ProgressChart::render( $weeks ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts.

		echo '<h2>' . esc_html__( 'Students', 'tfsp-calendly-sync' ) . '</h2>';
		$table->views();
		echo '<form method="get" action="' . esc_url( admin_url( 'admin.php' ) ) . '"><input type="hidden" name="page" value="' . esc_attr( self::SLUG ) . '">';
		if ( '' !== ProgressListTable::completion() ) {
			echo '<input type="hidden" name="completion" value="' . esc_attr( ProgressListTable::completion() ) . '">';
		}
		$table->search_box( __( 'Search students', 'tfsp-calendly-sync' ), 'tfsp-student' );
		$table->display();
		echo '</form></div>';
	}

	/** @param array<string,int> $totals From Progress::totals(). */
	private function render_totals( array $totals ): void {
		$scope = $this->progress->scope();
		$items = array(
			/* translators: %s: number of students */
			sprintf( _n( '%s student', '%s students', $totals['students'], 'tfsp-calendly-sync' ), number_format_i18n( $totals['students'] ) ),
			null === $scope['term']
				/* translators: 1: number of students, 2: attended sessions required */
				? sprintf( _n( '%1$s completed the requirement of %2$d session', '%1$s completed the requirement of %2$d sessions', $totals['required'], 'tfsp-calendly-sync' ), number_format_i18n( $totals['completed'] ), $totals['required'] )
				/* translators: %s: number of students */
				: sprintf( _n( '%s met their requirement', '%s met their requirement', $totals['completed'], 'tfsp-calendly-sync' ), number_format_i18n( $totals['completed'] ) ),
			/* translators: %s: number of sessions */
			sprintf( _n( '%s session attended', '%s sessions attended', $totals['attended'], 'tfsp-calendly-sync' ), number_format_i18n( $totals['attended'] ) ),
			/* translators: %s: number of sessions */
			sprintf( _n( '%s upcoming', '%s upcoming', $totals['upcoming'], 'tfsp-calendly-sync' ), number_format_i18n( $totals['upcoming'] ) ),
			/* translators: %s: number of sessions */
			sprintf( _n( '%s needs an attendance mark', '%s need an attendance mark', $totals['needs_attendance'], 'tfsp-calendly-sync' ), number_format_i18n( $totals['needs_attendance'] ) ),
			/* translators: %s: number of sessions */
			sprintf( _n( '%s no-show', '%s no-shows', $totals['no_show'], 'tfsp-calendly-sync' ), number_format_i18n( $totals['no_show'] ) ),
			/* translators: %s: number of sessions */
			sprintf( _n( '%s canceled or rescheduled', '%s canceled or rescheduled', $totals['canceled'], 'tfsp-calendly-sync' ), number_format_i18n( $totals['canceled'] ) ),
		);
		echo '<h2>' . esc_html__( 'Program totals', 'tfsp-calendly-sync' ) . '</h2>';
		$term = self::term_line( $scope, (int) $totals['required'] );
		if ( null !== $term ) {
			echo '<p class="tfsp-calendly-term">' . esc_html( $term ) . '</p>';
		}
		echo '<ul class="tfsp-calendly-totals" style="display:flex;gap:1.5em;flex-wrap:wrap;list-style:none;padding:0">';
		foreach ( $items as $item ) {
			echo '<li><strong>' . esc_html( $item ) . '</strong></li>';
		}
		echo '</ul><p class="description">' . esc_html(
			/* translators: %s: time */
			sprintf( __( 'Totals and chart as of %s; they are recounted every five minutes. The students below are counted live.', 'tfsp-calendly-sync' ), Clock::site_time_at( (int) $totals['computed_at'] ) )
		) . '</p>';
	}

	/**
	 * Which term the figures are about: "This term: Fall 2026, September 1, 2026 to December 15,
	 * 2026; 3 sessions required unless a cohort asks otherwise. ...", or between terms the last
	 * one and when the next begins; null without terms.
	 */
	public static function term_line( array $scope, int $required ): ?string {
		if ( null === $scope['term'] ) {
			return null;
		}
		$term = $scope['term'];
		if ( 'current' === $scope['state'] ) {
			/* translators: 1: term name, 2: its first day, 3: its last day, 4: sessions it requires */
			$line = sprintf( _n( 'This term: %1$s, %2$s to %3$s; %4$d session required unless a cohort asks otherwise. Sessions count in the term in which they start.', 'This term: %1$s, %2$s to %3$s; %4$d sessions required unless a cohort asks otherwise. Sessions count in the term in which they start.', $required, 'tfsp-calendly-sync' ), (string) $term['name'], Terms::day( (string) $term['first_day'] ), Terms::day( (string) $term['last_day'] ), $required );
		} else {
			/* translators: 1: term name, 2: its first day, 3: its last day */
			$line = sprintf( __( 'Between terms: the figures are those of the last term, %1$s (%2$s to %3$s).', 'tfsp-calendly-sync' ), (string) $term['name'], Terms::day( (string) $term['first_day'] ), Terms::day( (string) $term['last_day'] ) );
		}
		$next = Terms::next_phrase( $scope );
		return null === $next ? $line : $line . ' ' . $next;
	}

	/** admin-post.php handler: every student with their progress as CSV, streamed. */
	public function export(): void {
		check_admin_referer( self::EXPORT_ACTION );
		if ( ! current_user_can( Plugin::CAP_MARK_ATTENDANCE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to export coaching progress.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		$completion = ProgressListTable::completion();
		$search     = ProgressListTable::search();
		$coach      = SessionAccess::scope( get_current_user_id() ); // A coach exports the students they coached.

		nocache_headers();
		header( 'Content-Type: text/csv; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="coaching-progress-' . gmdate( 'Y-m-d' ) . '.csv"' );
		header( 'X-Content-Type-Options: nosniff' );
		$out = fopen( 'php://output', 'w' );
		fputcsv(
			$out,
			array(
				__( 'User ID', 'tfsp-calendly-sync' ),
				__( 'Student', 'tfsp-calendly-sync' ),
				__( 'E-mail', 'tfsp-calendly-sync' ),
				__( 'Attended', 'tfsp-calendly-sync' ),
				__( 'Required', 'tfsp-calendly-sync' ),
				__( 'Upcoming', 'tfsp-calendly-sync' ),
				__( 'No-shows', 'tfsp-calendly-sync' ),
				__( 'Last session (UTC)', 'tfsp-calendly-sync' ),
				__( 'Completed', 'tfsp-calendly-sync' ),
				__( 'Attended, entered by hand', 'tfsp-calendly-sync' ),
				__( 'Term', 'tfsp-calendly-sync' ),
			)
		);
		$scope = $this->progress->scope();
		$term  = null === $scope['term'] ? '' : self::cell( (string) $scope['term']['name'] );
		try {
			$after = 0;
			do {
				$students = $this->progress->repository()->students_after( $after, self::EXPORT_BATCH, $coach );
				if ( ! $students ) {
					break;
				}
				$after = (int) $students[ count( $students ) - 1 ]['ID'];
				foreach ( $this->progress->with_stats( $students ) as $row ) {
					if ( ! self::wanted( $row, $completion, $search ) ) {
						continue;
					}
					fputcsv(
						$out,
						array(
							$row['id'],
							self::cell( $row['name'] ),
							self::cell( $row['email'] ),
							$row['attended'],
							$row['required'],
							$row['upcoming'],
							$row['no_show'],
							null === $row['last_session'] ? '' : substr( (string) $row['last_session'], 0, 19 ),
							$row['completed'] ? __( 'yes', 'tfsp-calendly-sync' ) : __( 'no', 'tfsp-calendly-sync' ),
							$row['by_hand'],
							$term,
						)
					);
				}
			} while ( count( $students ) === self::EXPORT_BATCH );
		} catch ( DatabaseError $e ) {
			fputcsv( $out, array( self::cell( __( 'The export stopped because of a database error.', 'tfsp-calendly-sync' ) ) ) );
		}
		fclose( $out ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
		exit;
	}

	/** The list's filters, applied to an exported row. */
	private static function wanted( array $row, string $completion, string $search ): bool {
		if ( 'completed' === $completion && ! $row['completed'] ) {
			return false;
		}
		if ( 'in_progress' === $completion && $row['completed'] ) {
			return false;
		}
		return '' === $search || false !== stripos( $row['name'], $search ) || false !== stripos( $row['email'], $search );
	}

	/**
	 * A text cell that a spreadsheet will not run as a formula (CSV injection):
	 * a value that starts with =, +, -, @, a tab or a carriage return gets a leading apostrophe.
	 */
	public static function cell( string $value ): string {
		return '' !== $value && false !== strpos( "=+-@\t\r", $value[0] ) ? "'" . $value : $value;
	}

	private function table(): ProgressListTable {
		return $this->table ??= new ProgressListTable( $this->progress );
	}
}
