<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The Reports page (program evaluation), for users with tfsp_calendly_manage or
 * tfsp_calendly_mark_any_session (administrators and lead coaches: they see every coach):
 * for a date range, term, cohort and coach, the sessions booked, attended, no-show, canceled,
 * rescheduled and entered by hand (from the per-day summary, "as of" its last recount), the
 * students who met the requirement, those at risk, the time from joining to the first
 * session, a chart per week or month (server-rendered SVG with a table) and a session-level
 * CSV of the same rows (admin-post.php, nonce and capability checked, formula-safe cells).
 *
 * @package TFSP\CalendlySync\Admin
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\HandEntries;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\Reports;
use TFSP\CalendlySync\SessionAccess;
use TFSP\CalendlySync\SessionWriter;
use TFSP\CalendlySync\Terms;

defined( 'ABSPATH' ) || exit;

final class ReportsPage {

	public const SLUG          = 'tfsp-calendly-reports';
	public const EXPORT_ACTION = 'tfsp_calendly_report_csv';

	/** Sessions read per query while exporting. */
	private const EXPORT_BATCH = 500;

	/** The query arguments of a filter. */
	private const ARGS = array( 'from', 'to', 'term', 'cohort', 'coach', 'per' );

	private Reports $reports;

	public function __construct( Reports $reports ) {
		$this->reports = $reports;
	}

	/** Whether the current user may see reports. */
	public static function allowed(): bool {
		return current_user_can( Plugin::CAP_MANAGE ) || current_user_can( Plugin::CAP_MARK_ANY );
	}

	/** The capability the menu entry asks for: whichever of the two the user holds. */
	public static function capability(): string {
		return current_user_can( Plugin::CAP_MANAGE ) ? Plugin::CAP_MANAGE : Plugin::CAP_MARK_ANY;
	}

	/** @return array<string,string> The filter's query arguments of this request (unslashed, unvalidated). */
	private static function input(): array {
		$out = array();
		foreach ( self::ARGS as $key ) {
			// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a read-only filter; validated by Reports::filter().
			if ( isset( $_GET[ $key ] ) && is_string( $_GET[ $key ] ) ) {
				$out[ $key ] = sanitize_text_field( wp_unslash( $_GET[ $key ] ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
			}
		}
		return $out;
	}

	/** The query arguments of a validated filter. @return array<string,string> */
	private static function args( array $filter ): array {
		return array_filter(
			array(
				'from'   => $filter['from'],
				'to'     => $filter['to'],
				'term'   => null === $filter['term'] ? '' : (string) $filter['term']['id'],
				'cohort' => null === $filter['cohort'] ? '' : (string) $filter['cohort']['id'],
				'coach'  => null === $filter['coach'] ? '' : (string) $filter['coach'],
				'per'    => $filter['per'],
			),
			'strlen'
		);
	}

	public function render(): void {
		if ( ! self::allowed() ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to see reports.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		echo '<div class="wrap tfsp-calendly-reports"><h1 class="wp-heading-inline">' . esc_html__( 'Reports', 'tfsp-calendly-sync' ) . '</h1> ';
		try {
			$checked = $this->reports->filter( self::input() );
		} catch ( DatabaseError $e ) {
			echo '<hr class="wp-header-end"><div class="notice notice-error"><p>' . esc_html__( 'The report could not be read because of a database error.', 'tfsp-calendly-sync' ) . '</p></div></div>';
			return;
		}
		$filter = $checked['filter'];
		$export = wp_nonce_url( add_query_arg( array_merge( array( 'action' => self::EXPORT_ACTION ), self::args( $filter ) ), admin_url( 'admin-post.php' ) ), self::EXPORT_ACTION );
		echo '<a class="page-title-action tfsp-calendly-report-csv" href="' . esc_url( $export ) . '">' . esc_html__( 'Export sessions (CSV)', 'tfsp-calendly-sync' ) . '</a><hr class="wp-header-end">';
		foreach ( $checked['errors'] as $error ) {
			echo '<div class="notice notice-error tfsp-calendly-report-error"><p>' . esc_html( $error ) . '</p></div>';
		}
		$this->render_form( $filter );

		try {
			$sessions = $this->reports->sessions( $filter );
			$students = $this->reports->students( $filter );
		} catch ( DatabaseError $e ) {
			echo '<div class="notice notice-error"><p>' . esc_html__( 'The report could not be read because of a database error.', 'tfsp-calendly-sync' ) . '</p></div></div>';
			return;
		}
		$this->render_sessions( $filter, $sessions );
		$this->render_students( $students );
		echo '<h2>' . esc_html( 'month' === $filter['per'] ? __( 'Sessions per month', 'tfsp-calendly-sync' ) : __( 'Sessions per week', 'tfsp-calendly-sync' ) ) . '</h2>';
		echo ProgressChart::render( $sessions['periods'], $filter['per'] ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts.
		echo '</div>';
	}

	private function render_form( array $filter ): void {
		$terms   = $this->reports_terms();
		$cohorts = $this->reports_cohorts();
		echo '<form method="get" action="' . esc_url( admin_url( 'admin.php' ) ) . '" class="tfsp-calendly-report-filter" style="display:flex;gap:1em;flex-wrap:wrap;align-items:flex-end;margin:1em 0">';
		echo '<input type="hidden" name="page" value="' . esc_attr( self::SLUG ) . '">';
		echo '<p><label for="tfsp-report-from">' . esc_html__( 'From', 'tfsp-calendly-sync' ) . '</label><br><input type="date" id="tfsp-report-from" name="from" value="' . esc_attr( $filter['from'] ) . '"></p>';
		echo '<p><label for="tfsp-report-to">' . esc_html__( 'To', 'tfsp-calendly-sync' ) . '</label><br><input type="date" id="tfsp-report-to" name="to" value="' . esc_attr( $filter['to'] ) . '"></p>';
		echo '<p><label for="tfsp-report-term">' . esc_html__( 'Term', 'tfsp-calendly-sync' ) . '</label><br><select id="tfsp-report-term" name="term"><option value="">' . esc_html__( 'Any term', 'tfsp-calendly-sync' ) . '</option>';
		foreach ( $terms as $term ) {
			echo '<option value="' . esc_attr( (string) $term['id'] ) . '"' . selected( null !== $filter['term'] && (int) $filter['term']['id'] === (int) $term['id'], true, false ) . '>' . esc_html( (string) $term['name'] ) . '</option>';
		}
		echo '</select></p>';
		echo '<p><label for="tfsp-report-cohort">' . esc_html__( 'Cohort', 'tfsp-calendly-sync' ) . '</label><br><select id="tfsp-report-cohort" name="cohort"><option value="">' . esc_html__( 'Every student', 'tfsp-calendly-sync' ) . '</option>';
		foreach ( $cohorts as $cohort ) {
			echo '<option value="' . esc_attr( (string) $cohort['id'] ) . '"' . selected( null !== $filter['cohort'] && (int) $filter['cohort']['id'] === (int) $cohort['id'], true, false ) . '>' . esc_html( (string) $cohort['name'] ) . '</option>';
		}
		echo '</select></p>';
		echo '<p><label for="tfsp-report-coach">' . esc_html__( 'Coach', 'tfsp-calendly-sync' ) . '</label><br><select id="tfsp-report-coach" name="coach"><option value="">' . esc_html__( 'Every coach', 'tfsp-calendly-sync' ) . '</option>';
		$listed = false;
		foreach ( SessionAccess::coach_choices() as $coach ) {
			$is     = (int) $coach->ID === $filter['coach'];
			$listed = $listed || $is;
			echo '<option value="' . esc_attr( (string) $coach->ID ) . '"' . selected( $is, true, false ) . '>' . esc_html( (string) $coach->display_name ) . '</option>';
		}
		if ( null !== $filter['coach'] && ! $listed ) {
			$user = get_userdata( $filter['coach'] );
			echo '<option value="' . esc_attr( (string) $filter['coach'] ) . '" selected>' . esc_html( $user ? $user->display_name : '#' . $filter['coach'] ) . '</option>';
		}
		echo '</select></p>';
		echo '<p><label for="tfsp-report-per">' . esc_html__( 'Chart', 'tfsp-calendly-sync' ) . '</label><br><select id="tfsp-report-per" name="per">';
		foreach ( array(
			'week'  => __( 'Per week', 'tfsp-calendly-sync' ),
			'month' => __( 'Per month', 'tfsp-calendly-sync' ),
		) as $value => $label ) {
			echo '<option value="' . esc_attr( $value ) . '"' . selected( $filter['per'], $value, false ) . '>' . esc_html( $label ) . '</option>';
		}
		echo '</select></p>';
		echo '<p><button type="submit" class="button button-primary">' . esc_html__( 'Show report', 'tfsp-calendly-sync' ) . '</button></p></form>';
	}

	/** @return array<int,array> The terms, for the filter (empty on a database error). */
	private function reports_terms(): array {
		try {
			return Plugin::instance()->term_repository()->terms();
		} catch ( DatabaseError $e ) {
			return array();
		}
	}

	/** @return array<int,array> The cohorts, for the filter (empty on a database error). */
	private function reports_cohorts(): array {
		try {
			return Plugin::instance()->term_repository()->cohorts();
		} catch ( DatabaseError $e ) {
			return array();
		}
	}

	/** @return array<string,string> Figure => label. */
	public static function figure_labels(): array {
		return array(
			'booked'      => __( 'Booked', 'tfsp-calendly-sync' ),
			'attended'    => __( 'Attended (counted toward progress)', 'tfsp-calendly-sync' ),
			'no_show'     => __( 'No-show', 'tfsp-calendly-sync' ),
			'canceled'    => __( 'Canceled', 'tfsp-calendly-sync' ),
			'rescheduled' => __( 'Rescheduled', 'tfsp-calendly-sync' ),
			'scheduled'   => __( 'Scheduled, not yet marked', 'tfsp-calendly-sync' ),
			'hand'        => __( 'Entered by hand', 'tfsp-calendly-sync' ),
		);
	}

	private function render_sessions( array $filter, array $sessions ): void {
		echo '<h2>' . esc_html__( 'Sessions', 'tfsp-calendly-sync' ) . '</h2>';
		/* translators: 1: first day, 2: last day */
		$range = sprintf( __( 'Sessions that start from %1$s to %2$s.', 'tfsp-calendly-sync' ), Terms::day( $filter['from'] ), Terms::day( $filter['to'] ) );
		echo '<p class="tfsp-calendly-report-range">' . esc_html( $range ) . '</p>';
		echo '<table class="widefat striped tfsp-calendly-report-figures" style="max-width:32em"><tbody>';
		foreach ( self::figure_labels() as $name => $label ) {
			echo '<tr data-figure="' . esc_attr( $name ) . '"><th scope="row">' . esc_html( $label ) . '</th><td class="tfsp-figure">' . esc_html( number_format_i18n( (int) $sessions['totals'][ $name ] ) ) . '</td></tr>';
		}
		echo '</tbody></table>';
		if ( $sessions['live'] ) {
			/* translators: %s: time */
			$as_of = sprintf( __( 'As of %s: a cohort\'s sessions are counted when the page loads.', 'tfsp-calendly-sync' ), Clock::site_time_at( (int) $sessions['as_of'] ) );
		} elseif ( null === $sessions['as_of'] ) {
			$as_of = __( 'The summary has not been counted yet; it is counted within a minute of the upgrade.', 'tfsp-calendly-sync' );
		} else {
			/* translators: %s: time */
			$as_of = sprintf( __( 'As of %s: the figures are recounted every minute from the sessions that changed.', 'tfsp-calendly-sync' ), Clock::site_time_at( (int) $sessions['as_of'] ) );
			if ( $sessions['pending'] > 0 ) {
				$as_of .= ' ' . __( 'Some changes since are still being counted.', 'tfsp-calendly-sync' );
			}
		}
		echo '<p class="description tfsp-calendly-as-of">' . esc_html( $as_of ) . ' ' . esc_html__( 'Booked counts every session but those rescheduled away (a reschedule chain is one booking); attended counts the sessions that count toward progress (an attended chain once, a canceled session never); entered by hand counts the sessions held outside Calendly, whatever their status.', 'tfsp-calendly-sync' ) . '</p>';
	}

	private function render_students( array $s ): void {
		echo '<h2>' . esc_html__( 'Students', 'tfsp-calendly-sync' ) . '</h2>';
		$rule = $s['rule'];
		if ( null === $rule['term'] ) {
			/* translators: %d: attended sessions required */
			$about = sprintf( _n( 'Without terms the requirement is %d attended session in all.', 'Without terms the requirement is %d attended sessions in all.', $rule['required'], 'tfsp-calendly-sync' ), $rule['required'] );
		} else {
			/* translators: 1: term name, 2: first day, 3: last day */
			$about = sprintf( __( 'The requirement of the term %1$s (%2$s to %3$s), each student\'s cohort requirement where a cohort asks for more.', 'tfsp-calendly-sync' ), (string) $rule['term']['name'], Terms::day( (string) $rule['term']['first_day'] ), Terms::day( (string) $rule['term']['last_day'] ) );
		}
		echo '<p class="tfsp-calendly-report-rule">' . esc_html( $about ) . '</p>';
		echo '<table class="widefat striped tfsp-calendly-report-students" style="max-width:48em"><tbody>';
		echo '<tr data-figure="students"><th scope="row">' . esc_html__( 'Students', 'tfsp-calendly-sync' ) . '</th><td class="tfsp-figure">' . esc_html( number_format_i18n( $s['students'] ) ) . '</td></tr>';
		echo '<tr data-figure="met"><th scope="row">' . esc_html__( 'Met the requirement', 'tfsp-calendly-sync' ) . '</th><td class="tfsp-figure">' . esc_html( number_format_i18n( $s['met'] ) ) . '</td></tr>';
		if ( null === $s['at_risk'] ) {
			$risk = null === $s['days_left']
				? __( 'not counted: the term is not under way', 'tfsp-calendly-sync' )
				/* translators: 1: days left in the term, 2: the at-risk window in days */
				: sprintf( __( 'not counted yet: %1$d days left in the term, more than the at-risk window of %2$d', 'tfsp-calendly-sync' ), $s['days_left'], $s['window'] );
			echo '<tr data-figure="at_risk"><th scope="row">' . esc_html__( 'At risk', 'tfsp-calendly-sync' ) . '</th><td class="tfsp-figure" data-value="">' . esc_html( $risk ) . '</td></tr>';
		} else {
			echo '<tr data-figure="at_risk"><th scope="row">' . esc_html__( 'At risk', 'tfsp-calendly-sync' ) . '</th><td class="tfsp-figure">' . esc_html( number_format_i18n( count( $s['at_risk'] ) ) ) . '</td></tr>';
		}
		echo '<tr data-figure="joined"><th scope="row">' . esc_html__( 'Joined in the range', 'tfsp-calendly-sync' ) . '</th><td class="tfsp-figure">' . esc_html( number_format_i18n( $s['joined'] ) ) . '</td></tr>';
		echo '<tr data-figure="started"><th scope="row">' . esc_html__( 'Of them, with a first session', 'tfsp-calendly-sync' ) . '</th><td class="tfsp-figure">' . esc_html( number_format_i18n( $s['started'] ) ) . '</td></tr>';
		foreach ( array(
			'median' => __( 'Days from joining to the first session (median)', 'tfsp-calendly-sync' ),
			'mean'   => __( 'Days from joining to the first session (average)', 'tfsp-calendly-sync' ),
		) as $key => $label ) {
			echo '<tr data-figure="' . esc_attr( $key ) . '"><th scope="row">' . esc_html( $label ) . '</th><td class="tfsp-figure">' . esc_html( null === $s[ $key ] ? '–' : number_format_i18n( (float) $s[ $key ], 1 ) ) . '</td></tr>';
		}
		echo '</tbody></table>';
		/* translators: %d: the at-risk window in days */
		echo '<p class="description">' . esc_html( sprintf( __( 'At risk: below the requirement, nothing scheduled in the rest of the term, and at most %d days left in it (the setting "At-risk window (days)"). Joining is the account\'s registration, or for a hand-picked cohort the day the student joined it; the first session is the first booked, attended or no-show session since.', 'tfsp-calendly-sync' ), $s['window'] ) ) . '</p>';
		if ( $s['at_risk'] ) {
			echo '<h3>' . esc_html__( 'Students at risk', 'tfsp-calendly-sync' ) . '</h3><ul class="tfsp-calendly-at-risk">';
			try {
				$names = $this->reports->at_risk_names( $s['at_risk'], Reports::AT_RISK_LISTED );
			} catch ( DatabaseError $e ) {
				$names = array();
			}
			foreach ( $names as $row ) {
				/* translators: 1: student name, 2: attended sessions, 3: required sessions */
				echo '<li>' . esc_html( sprintf( __( '%1$s: %2$d of %3$d', 'tfsp-calendly-sync' ), $row['name'], (int) $row['attended'], (int) $row['required'] ) ) . '</li>';
			}
			echo '</ul>';
			if ( count( $s['at_risk'] ) > Reports::AT_RISK_LISTED ) {
				/* translators: %d: number of students listed */
				echo '<p>' . esc_html( sprintf( __( 'The first %d by name.', 'tfsp-calendly-sync' ), Reports::AT_RISK_LISTED ) ) . '</p>';
			}
		}
	}

	/** admin-post.php handler: the sessions of the page's filter as CSV, streamed. */
	public function export(): void {
		check_admin_referer( self::EXPORT_ACTION );
		if ( ! self::allowed() ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to export reports.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		try {
			$filter = $this->reports->filter( self::input() )['filter'];
		} catch ( DatabaseError $e ) {
			wp_die( esc_html__( 'The report could not be read because of a database error.', 'tfsp-calendly-sync' ), '', array( 'response' => 503 ) );
		}
		[ $from, $to ] = Reports::range( $filter );
		$repository    = $this->reports->repository();
		$statuses      = ProgressChart::labels();

		nocache_headers();
		header( 'Content-Type: text/csv; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="coaching-sessions-' . $filter['from'] . '-to-' . $filter['to'] . '.csv"' );
		header( 'X-Content-Type-Options: nosniff' );
		$out = fopen( 'php://output', 'w' );
		fputcsv(
			$out,
			array(
				__( 'Session ID', 'tfsp-calendly-sync' ),
				__( 'Start (site time)', 'tfsp-calendly-sync' ),
				__( 'Status', 'tfsp-calendly-sync' ),
				__( 'Counts toward progress', 'tfsp-calendly-sync' ),
				__( 'Booked', 'tfsp-calendly-sync' ),
				__( 'Entered by hand', 'tfsp-calendly-sync' ),
				__( 'Source', 'tfsp-calendly-sync' ),
				__( 'Student ID', 'tfsp-calendly-sync' ),
				__( 'Student', 'tfsp-calendly-sync' ),
				__( 'Student e-mail', 'tfsp-calendly-sync' ),
				__( 'Coaches', 'tfsp-calendly-sync' ),
				__( 'Event', 'tfsp-calendly-sync' ),
			)
		);
		$yes = __( 'yes', 'tfsp-calendly-sync' );
		$no  = __( 'no', 'tfsp-calendly-sync' );
		try {
			$after = null;
			do {
				$rows = $repository->sessions_after( $from, $to, $filter['cohort'], $filter['coach'], $after, self::EXPORT_BATCH );
				if ( ! $rows ) {
					break;
				}
				$last    = $rows[ count( $rows ) - 1 ];
				$after   = array( (string) $last['start_at'], (int) $last['id'] );
				$coaches = $repository->coaches_of( array_column( $rows, 'id' ) );
				$ids     = array_column( $rows, 'student_id' );
				foreach ( $coaches as $list ) {
					$ids = array_merge( $ids, $list );
				}
				$users = $repository->users( $ids );
				foreach ( $rows as $row ) {
					$student = null === $row['student_id'] ? null : ( $users[ (int) $row['student_id'] ] ?? null );
					$names   = array();
					foreach ( $coaches[ (int) $row['id'] ] ?? array() as $coach ) {
						$names[] = $users[ $coach ]['name'] ?? '#' . $coach;
					}
					$hand = HandEntries::label( $row );
					fputcsv(
						$out,
						array(
							(int) $row['id'],
							Clock::to_site_time( Clock::from_datetime( (string) $row['start_at'] ), 'Y-m-d H:i' ),
							ProgressPage::cell( $statuses[ (string) $row['status'] ] ?? (string) $row['status'] ),
							1 === (int) $row['counts_toward_progress'] ? $yes : $no,
							'rescheduled' !== $row['status'] ? $yes : $no,
							null === $hand ? $no : $yes,
							ProgressPage::cell( $hand ?? ( SessionWriter::SOURCE_CALENDLY === $row['source'] ? 'Calendly' : __( 'the portal', 'tfsp-calendly-sync' ) ) ),
							null === $row['student_id'] ? '' : (int) $row['student_id'],
							ProgressPage::cell( null === $student ? (string) $row['invitee_name'] : $student['name'] ),
							ProgressPage::cell( null === $student ? (string) $row['invitee_email'] : $student['email'] ),
							ProgressPage::cell( implode( ', ', $names ) ),
							ProgressPage::cell( (string) $row['event_name'] ),
						)
					);
				}
			} while ( count( $rows ) === self::EXPORT_BATCH );
		} catch ( DatabaseError $e ) {
			fputcsv( $out, array( ProgressPage::cell( __( 'The export stopped because of a database error.', 'tfsp-calendly-sync' ) ) ) );
		}
		fclose( $out ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
		exit;
	}
}
