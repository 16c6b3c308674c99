<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The Progress and Reports pages' chart: sessions per week (or per month) by status as a server-rendered SVG (stacked bars),
 * readable without JavaScript and by screen readers (title, desc, text labels, and the numbers as
 * a table beside it).
 *
 * @package TFSP\CalendlySync\Admin
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\Progress;

defined( 'ABSPATH' ) || exit;

final class ProgressChart {

	/** Colours per status, distinguishable for the common colour-vision deficiencies (Okabe-Ito). */
	private const COLOURS = array(
		'attended'    => '#009E73',
		'no_show'     => '#D55E00',
		'scheduled'   => '#0072B2',
		'rescheduled' => '#E69F00',
		'canceled'    => '#999999',
	);

	/** @return array<string,string> Status labels of the chart. */
	public static function labels(): array {
		return array(
			'attended'    => __( 'Attended', 'tfsp-calendly-sync' ),
			'no_show'     => __( 'No-show', 'tfsp-calendly-sync' ),
			'scheduled'   => __( 'Scheduled', 'tfsp-calendly-sync' ),
			'rescheduled' => __( 'Rescheduled', 'tfsp-calendly-sync' ),
			'canceled'    => __( 'Canceled', 'tfsp-calendly-sync' ),
		);
	}

	/**
	 * The chart and its data table.
	 *
	 * @param array<int,array{start:int,counts:array<string,int>}> $weeks  From Progress::weeks() (or Reports::periods()).
	 * @param string                                                $period "week" or "month": what a bar is.
	 */
	public static function render( array $weeks, string $period = 'week' ): string {
		$monthly = 'month' === $period;
		$labels = self::labels();
		$width  = 760;
		$height = 300;
		$left   = 48;
		$bottom = 60;
		$top    = 16;
		$plot_h = $height - $top - $bottom;
		$max    = 1;
		foreach ( $weeks as $week ) {
			$max = max( $max, array_sum( $week['counts'] ) );
		}
		$max   = max( 4, self::nice( $max ) ); // At least four steps, so that each grid line has its own whole number.
		$n     = max( 1, count( $weeks ) );
		$slot  = ( $width - $left - 10 ) / $n;
		$bar_w = max( 4, $slot * 0.7 );
		$title = $monthly ? __( 'Coaching sessions per month by status', 'tfsp-calendly-sync' ) : __( 'Coaching sessions per week by status', 'tfsp-calendly-sync' );
		$first = $weeks ? Clock::site_date_at( $weeks[0]['start'] ) : '';
		$last  = $weeks ? Clock::site_date_at( $weeks[ count( $weeks ) - 1 ]['start'] ) : '';
		$desc  = $monthly
			/* translators: 1: number of months, 2: first month, 3: last month */
			? sprintf( __( 'Stacked bars for %1$d months, from %2$s to %3$s; each bar shows the sessions of one month by status. The same numbers follow in a table.', 'tfsp-calendly-sync' ), $n, $weeks ? wp_date( 'F Y', $weeks[0]['start'] ) : '', $weeks ? wp_date( 'F Y', $weeks[ count( $weeks ) - 1 ]['start'] ) : '' )
			/* translators: 1: number of weeks, 2: first week's date, 3: last week's date */
			: sprintf( __( 'Stacked bars for %1$d weeks, from the week of %2$s to the week of %3$s; each bar shows the sessions of one week by status. The same numbers follow in a table.', 'tfsp-calendly-sync' ), $n, $first, $last );

		$svg  = '<svg class="tfsp-calendly-chart" role="img" aria-labelledby="tfsp-chart-title tfsp-chart-desc" viewBox="0 0 ' . $width . ' ' . $height . '" width="100%" style="max-width:' . $width . 'px;height:auto" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">';
		$svg .= '<title id="tfsp-chart-title">' . esc_html( $title ) . '</title>';
		$svg .= '<desc id="tfsp-chart-desc">' . esc_html( $desc ) . '</desc>';

		// Horizontal grid lines with their values.
		for ( $i = 0; $i <= 4; $i++ ) {
			$value = (int) round( $max * $i / 4 );
			$y     = $top + $plot_h - $plot_h * $i / 4;
			$svg  .= sprintf( '<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#dcdcde" />', $left, $y, $width - 10, $y );
			$svg  .= sprintf( '<text x="%d" y="%.1f" text-anchor="end" fill="#3c434a">%s</text>', $left - 6, $y + 4, esc_html( number_format_i18n( $value ) ) );
		}
		$today = time();
		foreach ( $weeks as $i => $week ) {
			$x     = $left + $slot * $i + ( $slot - $bar_w ) / 2;
			$y     = $top + $plot_h;
			$total = array_sum( $week['counts'] );
			$day   = $monthly ? wp_date( _x( 'M Y', 'chart month label', 'tfsp-calendly-sync' ), $week['start'] ) : wp_date( _x( 'M j', 'chart week label', 'tfsp-calendly-sync' ), $week['start'] );
			$parts = array();
			foreach ( Progress::CHART_STATUSES as $status ) {
				$count = (int) $week['counts'][ $status ];
				if ( $count <= 0 ) {
					continue;
				}
				$h      = $plot_h * $count / $max;
				$y     -= $h;
				$parts[] = $labels[ $status ] . ' ' . number_format_i18n( $count );
				$tip  = $monthly
					/* translators: 1: month, 2: status, 3: number of sessions */
					? sprintf( __( '%1$s, %2$s: %3$s', 'tfsp-calendly-sync' ), $day, $labels[ $status ], number_format_i18n( $count ) )
					/* translators: 1: week's date, 2: status, 3: number of sessions */
					: sprintf( __( 'Week of %1$s, %2$s: %3$s', 'tfsp-calendly-sync' ), $day, $labels[ $status ], number_format_i18n( $count ) );
				$svg .= sprintf( '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>', $x, $y, $bar_w, $h, self::COLOURS[ $status ], esc_html( $tip ) );
			}
			if ( $total > 0 ) {
				$svg .= sprintf( '<text x="%.1f" y="%.1f" text-anchor="middle" fill="#1d2327">%s</text>', $x + $bar_w / 2, $y - 3, esc_html( number_format_i18n( $total ) ) );
			}
			$current = $monthly ? wp_date( 'Y-m', $today ) === wp_date( 'Y-m', $week['start'] ) : $today >= $week['start'] && $today < $week['start'] + WEEK_IN_SECONDS;
			$svg    .= sprintf(
				'<text x="%.1f" y="%d" text-anchor="end" transform="rotate(-45 %.1f %d)" fill="#3c434a"%s>%s</text>',
				$x + $bar_w / 2,
				$top + $plot_h + 14,
				$x + $bar_w / 2,
				$top + $plot_h + 14,
				$current ? ' font-weight="bold"' : '',
				esc_html( $day )
			);
		}
		$svg .= sprintf( '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#8c8f94" />', $left, $top + $plot_h, $width - 10, $top + $plot_h );
		$svg .= '</svg>';

		$legend = '<ul class="tfsp-calendly-legend" style="display:flex;gap:1em;flex-wrap:wrap;list-style:none;margin:.5em 0;padding:0">';
		foreach ( Progress::CHART_STATUSES as $status ) {
			$legend .= '<li><svg width="12" height="12" aria-hidden="true" focusable="false"><rect width="12" height="12" fill="' . esc_attr( self::COLOURS[ $status ] ) . '" /></svg> ' . esc_html( $labels[ $status ] ) . '</li>';
		}
		$legend .= '</ul>';

		$table  = '<details class="tfsp-calendly-chart-data"><summary>' . esc_html__( 'The chart\'s numbers as a table', 'tfsp-calendly-sync' ) . '</summary>';
		$table .= '<table class="widefat striped"><caption class="screen-reader-text">' . esc_html( $title ) . '</caption><thead><tr><th scope="col">' . ( $monthly ? esc_html__( 'Month', 'tfsp-calendly-sync' ) : esc_html__( 'Week of', 'tfsp-calendly-sync' ) ) . '</th>';
		foreach ( Progress::CHART_STATUSES as $status ) {
			$table .= '<th scope="col">' . esc_html( $labels[ $status ] ) . '</th>';
		}
		$table .= '<th scope="col">' . esc_html__( 'Total', 'tfsp-calendly-sync' ) . '</th></tr></thead><tbody>';
		foreach ( $weeks as $week ) {
			$table .= '<tr><th scope="row">' . esc_html( $monthly ? (string) wp_date( 'F Y', $week['start'] ) : Clock::site_date_at( $week['start'] ) ) . '</th>';
			foreach ( Progress::CHART_STATUSES as $status ) {
				$table .= '<td>' . esc_html( number_format_i18n( (int) $week['counts'][ $status ] ) ) . '</td>';
			}
			$table .= '<td>' . esc_html( number_format_i18n( array_sum( $week['counts'] ) ) ) . '</td></tr>';
		}
		$table .= '</tbody></table></details>';

		return '<figure class="tfsp-calendly-figure" style="margin:0">' . $svg . $legend . $table . '</figure>';
	}

	/** A round axis maximum at or above $value. */
	private static function nice( int $value ): int {
		$magnitude = 10 ** max( 0, (int) floor( log10( max( 1, $value ) ) ) );
		foreach ( array( 1, 2, 2.5, 5, 10 ) as $step ) {
			if ( $step * $magnitude >= $value ) {
				return (int) ( $step * $magnitude );
			}
		}
		return $value;
	}
}
