<?php
// SPDX-License-Identifier: MIT
/**
 * The storm of tests/wp/StormTest (1,000 bookings and what follows them,
 * every delivery sent one to three times, shuffled, 8 at a time) through the
 * load balancer of two web nodes on a three-node Galera cluster, while web2
 * and then db2 (web2's database node) are stopped and started again.
 * Deliveries in flight on a stopped node, and those web2 answers 500 while
 * its database node is down, come back through the fake's retries; once the
 * fake's queue is empty, the sessions table equals what the fake knows, no
 * audit entry is doubled, no delivery answered 2xx lacks its ledger row
 * (a copy may be counted although its answer was lost with its node), and
 * the progress of each of the students who booked a quarter of the sessions
 * is what the fake's invitees call for.
 */
final class ClusterStormTest extends StormTest {
	use ClusterNodes;

	protected const BOOKINGS = 1000;

	protected const EXACT_LEDGER_COUNTS = false;

	/** Students (WordPress users) who book every fourth session between them. */
	private const STUDENTS = 12;

	/** @var array<string,int> Student e-mail (lower case) => user id. */
	private array $students = array();

	protected static function booking_local_part( string $run, int $n ): string {
		return 0 === $n % 4 ? "storm.$run.student" . ( intdiv( $n, 4 ) % self::STUDENTS ) : "storm.$run.$n";
	}

	protected function before_storm( string $run ): void {
		for ( $k = 0; $k < self::STUDENTS; $k++ ) {
			$email                    = "storm.$run.student$k@example.org";
			$this->students[ $email ] = self::createUser( $email );
		}
	}

	protected function after_storm( array $truth, string $context ): void {
		$want = array();
		foreach ( $this->students as $id ) {
			$want[ $id ] = array(
				'attended' => 0, // No coach marks here, and every session is still to come.
				'upcoming' => 0,
				'no_show'  => 0,
			);
		}
		foreach ( $truth as $i ) {
			$id = $this->students[ strtolower( $i['email'] ) ] ?? null;
			if ( null === $id ) {
				continue;
			}
			if ( null !== $i['no_show'] ) {
				++$want[ $id ]['no_show'];
			} elseif ( 'canceled' !== $i['status'] ) {
				++$want[ $id ]['upcoming'];
			}
		}
		$this->assertGreaterThan( 0, array_sum( array_column( $want, 'upcoming' ) ) );
		$this->assertGreaterThan( 0, array_sum( array_column( $want, 'no_show' ) ) );
		[ $code, $out, $err ] = self::runProgress( array_values( $this->students ) );
		$this->assertSame( 0, $code, $err . $out );
		$got = json_decode( $out, true );
		ksort( $want );
		ksort( $got );
		$this->assertSame( $want, $got, "$context: the students' progress" );
	}

	/** @return array{0:int,1:string,2:string} */
	private static function runProgress( array $ids ): array {
		$cmd  = array_merge( array( PHP_BINARY, '-d', 'extension=' . self::env( 'CALSYNC_EXTENSION' ), __DIR__ . '/progress.php', self::env( 'WP_PATH' ) ), array_map( 'strval', $ids ) );
		$proc = proc_open( $cmd, array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ), $pipes );
		$out  = stream_get_contents( $pipes[1] );
		$err  = stream_get_contents( $pipes[2] );
		fclose( $pipes[1] );
		fclose( $pipes[2] );
		return array( proc_close( $proc ), (string) $out, (string) $err );
	}

	protected function while_delivering( string $context ): void {
		$this->requireCluster();
		$schedule = array(
			array( 3, 'node-down', 'web2' ),
			array( 8, 'node-up', 'web2' ),
			array( 4, 'node-down', 'db2' ),
			array( 8, 'node-up', 'db2' ),
		);
		foreach ( $schedule as [ $wait, $action, $node ] ) {
			sleep( $wait );
			$pending = self::control( 'GET', 'deliveries?since=' . PHP_INT_MAX )['pending'];
			$this->assertGreaterThan( 0, $pending, "$context: the fake still delivers the storm at $action $node" );
			self::stack( $action, $node );
			fwrite( STDERR, sprintf( "\ncluster storm: %s %s with %d deliveries pending", $action, $node, $pending ) );
		}
	}
}
