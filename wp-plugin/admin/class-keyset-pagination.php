<?php
/**
 * The paging links of the plugin's list tables, in WP_List_Table's markup, but with keyset
 * positions ("after"/"before" the row at the page's edge) instead of page numbers, so that a deep
 * page costs what the first one costs.
 *
 * @package TFSP\CalendlySync\Admin
 */

namespace TFSP\CalendlySync\Admin;

defined( 'ABSPATH' ) || exit;

final class KeysetPagination {

	/** Query arguments that hold a position; dropped from links that start over. */
	public const ARGS = array( 'after', 'before', 'last', 'paged' );

	/**
	 * @param string      $which       "top" or "bottom".
	 * @param int         $total_items Rows matching the filters.
	 * @param int         $page        Number of the page shown (1-based).
	 * @param int         $pages       Number of pages.
	 * @param string      $base        The list's URL without position arguments.
	 * @param string|null $first_key   Position of the first row shown (for "previous").
	 * @param string|null $last_key    Position of the last row shown (for "next").
	 * @param bool        $has_more    Rows follow the page.
	 */
	public static function render( string $which, int $total_items, int $page, int $pages, string $base, ?string $first_key, ?string $last_key, bool $has_more ): void {
		/* translators: %s: number of items */
		$output = '<span class="displaying-num">' . esc_html( sprintf( _n( '%s item', '%s items', $total_items, 'tfsp-calendly-sync' ), number_format_i18n( $total_items ) ) ) . '</span>';
		$pages  = max( 1, $pages );
		$page   = max( 1, min( $page, $pages ) );
		$links  = array();

		$has_prev = $page > 1 && null !== $first_key;
		$has_next = $has_more && null !== $last_key;
		$links[]  = $has_prev
			? self::link( 'first-page', $base, __( 'First page', 'tfsp-calendly-sync' ), '&laquo;' )
			: self::disabled( '&laquo;' );
		$links[]  = $has_prev
			? self::link( 'prev-page', add_query_arg( array( 'before' => $first_key, 'paged' => $page - 1 ), $base ), __( 'Previous page', 'tfsp-calendly-sync' ), '&lsaquo;' )
			: self::disabled( '&lsaquo;' );
		/* translators: 1: current page, 2: total pages */
		$links[] = '<span class="paging-input"><span class="tablenav-paging-text">' . esc_html( sprintf( _x( '%1$s of %2$s', 'paging', 'tfsp-calendly-sync' ), number_format_i18n( $page ), number_format_i18n( $pages ) ) ) . '</span></span>';
		$links[] = $has_next
			? self::link( 'next-page', add_query_arg( array( 'after' => $last_key, 'paged' => $page + 1 ), $base ), __( 'Next page', 'tfsp-calendly-sync' ), '&rsaquo;' )
			: self::disabled( '&rsaquo;' );
		$links[] = $has_next
			? self::link( 'last-page', add_query_arg( array( 'last' => 1, 'paged' => $pages ), $base ), __( 'Last page', 'tfsp-calendly-sync' ), '&raquo;' )
			: self::disabled( '&raquo;' );

		$class = $pages > 1 ? '' : ' one-page';
		echo '<div class="tablenav-pages' . esc_attr( $class ) . '">' . $output . ' <span class="pagination-links">' . implode( ' ', $links ) . '</span></div>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- parts escaped above.
		unset( $which );
	}

	/** The current list URL without position arguments (the start of the list with the same filters). */
	public static function base_url( array $keep ): string {
		$args = array();
		foreach ( $keep as $name => $value ) {
			if ( null !== $value && '' !== $value && ! in_array( $name, self::ARGS, true ) ) {
				$args[ $name ] = $value;
			}
		}
		return add_query_arg( array_map( 'rawurlencode', $args ), admin_url( 'admin.php' ) );
	}

	private static function link( string $class, string $url, string $label, string $glyph ): string {
		return sprintf( '<a class="%s button" href="%s"><span class="screen-reader-text">%s</span><span aria-hidden="true">%s</span></a>', esc_attr( $class ), esc_url( $url ), esc_html( $label ), $glyph );
	}

	private static function disabled( string $glyph ): string {
		return '<span class="tablenav-pages-navspan button disabled" aria-hidden="true">' . $glyph . '</span>';
	}
}
