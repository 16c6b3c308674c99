<?php
// SPDX-License-Identifier: MIT
/**
 * Keyset paging of the three admin lists (Sessions, Unmatched, the Sync page's ledger), through
 * their own links: walking "next" from the first page, and "previous" from the last, visits
 * every matching row once, in the list's order, with the right page numbers; another sort's
 * order (ties broken by id) is kept across pages.
 */
require_once __DIR__ . '/support/CoachingTestCase.php';

final class AdminPagingTest extends CoachingTestCase {

	private const PER_PAGE = 3;

	/** Rows that match the test's searches: 8 rows, 3 a page, so pages of 3, 3 and 2. */
	private const ROWS = 8;

	private string $run;
	private string $jar;

	/** Ledger rows this test made. */
	private array $ledger_ids = array();

	protected function setUp(): void {
		parent::setUp();
		$this->run = 'Paging' . bin2hex( random_bytes( 4 ) );
		$admin     = self::userWithPassword( 'administrator', 'pw-' . bin2hex( random_bytes( 6 ) ) );
		self::exec( 'INSERT INTO ' . self::table( 'usermeta' ) . " (user_id, meta_key, meta_value) VALUES (?, 'tfsp_calendly_per_page', ?)", array( $admin['id'], self::PER_PAGE ) );
		$this->jar = self::login( $admin['login'], $admin['password'] );
	}

	protected function tearDown(): void {
		if ( $this->ledger_ids ) {
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_calendly_events' ) . ' WHERE id IN (' . implode( ',', array_map( 'intval', $this->ledger_ids ) ) . ')' );
		}
		parent::tearDown();
	}

	/**
	 * Unmatched sessions named "{run} A|B|C" (names repeat: ties for the invitee sort), a day apart.
	 *
	 * @return array<int,array{id:int,name:string,start:int}>
	 */
	private function seedSessions(): array {
		$out = array();
		for ( $i = 0; $i < self::ROWS; $i++ ) {
			$name  = $this->run . ' ' . array( 'B', 'A', 'C' )[ $i % 3 ];
			$id    = $this->seedSession(
				null,
				'scheduled',
				24 * ( $i - 4 ),
				array(
					'invitee_name'  => $name,
					'invitee_email' => strtolower( $this->run ) . '-' . $i . '@example.org',
				)
			);
			$out[] = array(
				'id'    => $id,
				'name'  => $name,
				'start' => $i,
			);
		}
		return $out;
	}

	/**
	 * Follows one paging link from page to page.
	 *
	 * @param string $path  The first page's path.
	 * @param string $ids   Pattern whose first group is a row's id.
	 * @param string $class "next-page" or "prev-page".
	 * @return array<int,array{ids:int[],label:string}> The pages in the order visited.
	 */
	private function walk( string $path, string $ids, string $class ): array {
		$pages = array();
		while ( null !== $path && count( $pages ) <= self::ROWS ) {
			$page = self::http( $path, $this->jar );
			$this->assertSame( 200, $page['status'], $path );
			$body = $page['body'];
			preg_match_all( $ids, $body, $m );
			$this->assertSame( 1, preg_match( '#<span class="tablenav-paging-text">([^<]+)</span>#', $body, $label ), 'the page number of ' . $path );
			$pages[] = array(
				'ids'   => array_map( 'intval', $m[1] ),
				'label' => html_entity_decode( $label[1] ),
			);
			$path    = self::link( $body, $class );
		}
		return $pages;
	}

	/** The path of a paging link of the page (the top one), or null when it has none. */
	private static function link( string $body, string $class ): ?string {
		if ( ! preg_match( '#<a class="' . preg_quote( $class, '#' ) . ' button" href="([^"]+)"#', $body, $m ) ) {
			return null;
		}
		$url = html_entity_decode( $m[1] );
		self::assertStringStartsWith( self::env( 'WP_URL' ), $url );
		return substr( $url, strlen( self::env( 'WP_URL' ) ) );
	}

	/**
	 * Walks a list forwards from its first page, then backwards from its last, and checks both
	 * against the expected order.
	 *
	 * @param int[] $expected The ids in the list's order.
	 */
	private function assertPagesInOrder( string $path, string $ids, array $expected ): void {
		$forward = $this->walk( $path, $ids, 'next-page' );
		$this->assertSame( $expected, array_merge( ...array_column( $forward, 'ids' ) ), 'next, next: every row once, in order' );
		$this->assertSame( array( '1 of 3', '2 of 3', '3 of 3' ), array_column( $forward, 'label' ) );
		$this->assertSame( array( 3, 3, 2 ), array_map( 'count', array_column( $forward, 'ids' ) ) );

		$last = self::link( self::http( $path, $this->jar )['body'], 'last-page' );
		$this->assertNotNull( $last, 'the first page links to the last' );
		$backward = $this->walk( $last, $ids, 'prev-page' );
		$this->assertSame( '3 of 3', $backward[0]['label'], 'the last page says so' );
		$this->assertSame( array_slice( $expected, -self::PER_PAGE ), $backward[0]['ids'], 'the last page holds the last rows' );
		$this->assertSame( '1 of 3', $backward[ count( $backward ) - 1 ]['label'] );
		$this->assertSame( $expected, array_merge( ...array_column( array_reverse( $backward ), 'ids' ) ), 'last, previous, previous: every row once, in order' );
	}

	public function test_the_sessions_list_pages_by_start_and_by_invitee(): void {
		$rows = $this->seedSessions();
		$row  = '#<tr data-session="(\d+)"#';
		$path = '/wp-admin/admin.php?page=tfsp-calendly&s=' . rawurlencode( $this->run );

		$by_start = array_reverse( array_column( $rows, 'id' ) ); // Newest start first.
		$this->assertPagesInOrder( $path, $row, $by_start );

		usort( $rows, static fn( $a, $b ) => array( $a['name'], $a['id'] ) <=> array( $b['name'], $b['id'] ) );
		$this->assertPagesInOrder( $path . '&orderby=invitee&order=asc', $row, array_column( $rows, 'id' ) );
	}

	public function test_the_unmatched_bookings_page_newest_first(): void {
		$ids = array_column( $this->seedSessions(), 'id' );
		rsort( $ids );
		$this->assertPagesInOrder( '/wp-admin/admin.php?page=tfsp-calendly-unmatched&s=' . rawurlencode( $this->run ), '#<input type="hidden" name="session" value="(\d+)">#', $ids );
	}

	public function test_the_ledger_pages_newest_first(): void {
		$table = self::table( 'tfsp_calendly_events' );
		for ( $i = 0; $i < self::ROWS; $i++ ) {
			self::exec(
				"INSERT INTO $table (dedupe_key, event_name, invitee_uri, first_received, last_received, outcome) VALUES (?, 'invitee.created', ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), 'processed')",
				array( bin2hex( random_bytes( 32 ) ), 'https://api.calendly.com/scheduled_events/' . Fixtures::uuid() . '/invitees/' . strtolower( $this->run ) . '-' . $i )
			);
			$this->ledger_ids[] = (int) self::db()->insert_id;
		}
		$ids = $this->ledger_ids;
		rsort( $ids );
		$this->assertPagesInOrder( '/wp-admin/admin.php?page=tfsp-calendly-sync&s=' . rawurlencode( strtolower( $this->run ) ), '#<input type="checkbox" name="ledger\[\]" value="(\d+)"#', $ids );
	}
}
