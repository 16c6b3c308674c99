<?php
// SPDX-License-Identifier: MIT
/**
 * A crash of the whole cluster loses nothing that was committed: db3 leaves cleanly, rows are
 * committed through db1 (and so on db2), then db1 and db2 are killed (SIGKILL: no node is marked
 * safe_to_bootstrap, the two crashed ones say seqno -1 and only db3, the one that missed the
 * rows, has a seqno in its grastate.dat).  `scripts/stack db-up` must find the newest node by
 * `mariadbd --wsrep-recover` and bootstrap from it; bootstrapping db3 would make the others
 * take its older state and the rows would be gone.
 */
final class ClusterCrashTest extends CalendlyTestCase {
	use ClusterNodes;

	private string $probe = '';

	protected function tearDown(): void {
		self::disconnect();
		self::stack( 'db-up' ); // Whatever happened: every database node runs again.
		if ( '' !== $this->probe ) {
			self::exec( "DROP TABLE IF EXISTS {$this->probe}" );
		}
		parent::tearDown();
	}

	public function test_after_every_node_crashed_db_up_bootstraps_the_newest_and_keeps_every_commit(): void {
		$this->requireCluster();
		$this->probe = 'crash_probe_' . bin2hex( random_bytes( 4 ) );
		self::exec( "CREATE TABLE {$this->probe} (id int NOT NULL PRIMARY KEY, v varchar(40) NOT NULL) ENGINE=InnoDB" );
		self::exec( "INSERT INTO {$this->probe} VALUES (0, 'before')" );

		self::stack( 'node-down', 'db3' );
		for ( $i = 1; $i <= 40; $i++ ) {
			self::exec( "INSERT INTO {$this->probe} VALUES (?, ?)", array( $i, 'while db3 was away' ) );
		}
		self::disconnect();
		$galera = self::stackDir() . '/galera';
		$pids   = array();
		foreach ( array( 1, 2 ) as $k ) {
			$pids[ $k ] = (int) trim( (string) file_get_contents( "$galera/db$k.pidfile" ) );
			$this->assertGreaterThan( 1, $pids[ $k ], "db$k's pid" );
		}
		foreach ( $pids as $pid ) {
			posix_kill( $pid, 9 );
		}
		foreach ( $pids as $k => $pid ) {
			for ( $i = 0; $i < 100 && posix_kill( $pid, 0 ); $i++ ) {
				usleep( 100000 );
			}
			$this->assertFalse( posix_kill( $pid, 0 ), "db$k was killed" );
			$this->assertStringNotContainsString( 'safe_to_bootstrap: 1', (string) file_get_contents( "$galera/db$k/grastate.dat" ) );
		}
		$this->assertMatchesRegularExpression( '/^seqno:\s+[0-9]+$/m', (string) file_get_contents( "$galera/db3/grastate.dat" ), 'db3 left cleanly, with its older seqno' );

		self::stack( 'db-up' );
		foreach ( self::dbNodes() as $k => $socket ) {
			$db = new mysqli( 'localhost', self::env( 'DB_USER' ), self::env( 'DB_PASSWORD' ), self::env( 'DB_NAME' ), 0, $socket );
			$db->query( 'SET SESSION wsrep_sync_wait = 1' );
			$n = $db->query( "SELECT COUNT(*) FROM {$this->probe}" )->fetch_row()[0];
			$db->close();
			$this->assertSame( '41', (string) $n, 'db' . ( $k + 1 ) . ' has every committed row' );
		}
	}
}
