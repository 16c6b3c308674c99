<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Keyset paging of the plugin's list tables: which position the request asks for, which rows of
 * those fetched make the page and where it stands, and the paging links, in WP_List_Table's
 * markup but with keyset positions ("after"/"before" the row at the page's edge, or the "last"
 * page) instead of page numbers, so that a deep page costs what the first one costs.
 *
 * The list's repository fetches one row more than a page, in display order: after a position,
 * the rows that follow it; before a position (and for the last page), the rows that precede it,
 * fetched backwards and returned in display order.  The extra row tells whether there is more.
 *
 * @package TFSP\CalendlySync\Admin
 */

namespace TFSP\CalendlySync\Admin;

defined( 'ABSPATH' ) || exit;

final class KeysetPagination {

	/** Query arguments that hold a position; dropped from links that start over. */
	public const ARGS = array( 'after', 'before', 'last', 'paged' );

	private int $total     = 0;
	private int $page      = 1;
	private int $pages     = 1;
	private bool $has_more = false;

	/**
	 * The position the request asks for: "after" or "before" the row whose key it names, or the
	 * "last" page (key ""); null for the first page.
	 *
	 * @return array{dir:string,key:string}|null
	 */
	public static function requested(): ?array {
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- a position in a list, nothing more.
		if ( ! empty( $_GET['last'] ) ) {
			return array(
				'dir' => 'last',
				'key' => '',
			);
		}
		foreach ( array( 'after', 'before' ) as $dir ) {
			if ( ! empty( $_GET[ $dir ] ) && is_string( $_GET[ $dir ] ) ) {
				return array(
					'dir' => $dir,
					'key' => sanitize_text_field( wp_unslash( $_GET[ $dir ] ) ),
				);
			}
		}
		// phpcs:enable
		return null;
	}

	/**
	 * The position the request asks for in a list keyed by id alone (newest first), as the
	 * repositories' page_by_id() takes it: rows older than "after", newer than "before"; the
	 * last page is the rows newer than id 0, fetched backwards.  Null for the first page.
	 *
	 * @return array{dir:string,after:?int,before:?int}|null
	 */
	public static function requested_id(): ?array {
		$asked = self::requested();
		$id    = null === $asked ? 0 : absint( $asked['key'] );
		if ( null === $asked || ( 'last' !== $asked['dir'] && ! $id ) ) {
			return null;
		}
		return array(
			'dir'    => $asked['dir'],
			'after'  => 'after' === $asked['dir'] ? $id : null,
			'before' => 'after' === $asked['dir'] ? null : $id,
		);
	}

	/** A row's position in a list keyed by id alone: its id. */
	public static function id_key( array $row ): string {
		return (string) (int) $row['id'];
	}

	/** A row's position as a URL-safe key (the data JSON-encoded). */
	public static function encode_key( array $data ): string {
		return rtrim( strtr( base64_encode( (string) wp_json_encode( $data ) ), '+/', '-_' ), '=' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- a URL-safe position, not obfuscation.
	}

	/** Inverse of encode_key(); null for a key that is none. */
	public static function decode_key( string $key ): ?array {
		$raw  = base64_decode( strtr( $key, '-_', '+/' ), true ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode
		$data = false === $raw ? null : json_decode( $raw, true );
		return is_array( $data ) ? $data : null;
	}

	/**
	 * A row's position in a list sorted by $sort (a key of SessionListRepository::SORTS whose
	 * column is $column) in direction $desc: the sort and its direction, the sort value and the
	 * id, as one URL-safe key.  The Sessions list's paging links and the REST route's cursor.
	 */
	public static function position_key( string $sort, string $column, bool $desc, array $row ): string {
		return self::encode_key( array( $sort, $desc ? 1 : 0, 'id' === $column ? null : $row[ $column ], (int) $row['id'] ) );
	}

	/**
	 * Inverse of position_key() for the same sort and direction: the sort value and the id at
	 * the position, or null for a key that is none or belongs to another sort or direction.
	 *
	 * @return array{value:?string,id:int}|null
	 */
	public static function position_of_key( string $key, string $sort, bool $desc ): ?array {
		$data = self::decode_key( $key );
		if ( ! is_array( $data ) || 4 !== count( $data ) || ! array_is_list( $data ) || $data[0] !== $sort || ! in_array( $data[1], array( 0, 1 ), true ) || (bool) $data[1] !== $desc || ! is_int( $data[3] ) || $data[3] < 1 || ! ( null === $data[2] || is_scalar( $data[2] ) ) ) {
			return null;
		}
		return array(
			'value' => null === $data[2] ? null : (string) $data[2],
			'id'    => $data[3],
		);
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

	/**
	 * Keeps the page out of the rows fetched for it, and learns its number and whether rows
	 * follow it.
	 *
	 * @param array<int,array> $rows     Up to $per_page + 1 rows, in display order.
	 * @param int              $per_page Rows a page.
	 * @param int              $total    Rows matching the filters.
	 * @param string           $dir      "first", "after", "before" or "last": how the rows were fetched.
	 * @return array<int,array> The page's rows.
	 */
	public function take( array $rows, int $per_page, int $total, string $dir ): array {
		$this->total = $total;
		$this->pages = max( 1, (int) ceil( $total / $per_page ) );
		$this->page  = max( 1, min( $this->pages, absint( $_GET['paged'] ?? 1 ) ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- the number shown, not trusted for rows.
		if ( 'before' === $dir || 'last' === $dir ) {
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
			return $rows;
		}
		$this->has_more = count( $rows ) > $per_page;
		if ( 'first' === $dir ) {
			$this->page = 1;
		}
		return array_slice( $rows, 0, $per_page );
	}

	/** Rows follow the page take() kept. */
	public function has_next(): bool {
		return $this->has_more;
	}

	/** Number of pages, as take() found it. */
	public function pages(): int {
		return $this->pages;
	}

	/**
	 * Prints the paging links of the page take() kept.
	 *
	 * @param string           $base   The list's URL without position arguments.
	 * @param array<int,array> $rows   The page's rows.
	 * @param callable         $key_of A row => its position (string).
	 */
	public function render( string $base, array $rows, callable $key_of ): void {
		$first_key = $rows ? (string) $key_of( $rows[0] ) : null;
		$last_key  = $rows ? (string) $key_of( $rows[ count( $rows ) - 1 ] ) : null;
		$page      = $this->page;
		$pages     = $this->pages;

		/* translators: %s: number of items */
		$output = '<span class="displaying-num">' . esc_html( sprintf( _n( '%s item', '%s items', $this->total, 'tfsp-calendly-sync' ), number_format_i18n( $this->total ) ) ) . '</span>';
		$links  = array();

		$has_prev = $page > 1 && null !== $first_key;
		$has_next = $this->has_more && null !== $last_key;
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
	}

	private static function link( string $class, string $url, string $label, string $glyph ): string {
		return sprintf( '<a class="%s button" href="%s"><span class="screen-reader-text">%s</span><span aria-hidden="true">%s</span></a>', esc_attr( $class ), esc_url( $url ), esc_html( $label ), $glyph );
	}

	private static function disabled( string $glyph ): string {
		return '<span class="tablenav-pages-navspan button disabled" aria-hidden="true">' . $glyph . '</span>';
	}
}
