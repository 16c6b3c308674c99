<?php
// SPDX-License-Identifier: MIT
/**
 * Job leases hold cluster-wide: a lease taken through one Galera node is
 * busy through another (GET_LOCK was local to a node), and of two processes
 * taking one lease at the same moment through two nodes never both get it
 * (the later commit fails certification, 1213, which is "not taken").
 */
final class ClusterLeaseTest extends StackTestCase {
	use ClusterNodes;

	public function test_a_lease_held_through_db1_is_busy_through_db2_until_released(): void {
		$this->requireCluster();
		$a = self::startHolder( 1, 'retention' );
		try {
			$this->assertStringStartsWith( 'held ', self::holderAnswer( $a ) );
			foreach ( array( 2, 3 ) as $k ) {
				$b = self::startHolder( $k, 'retention' );
				try {
					$this->assertStringStartsWith( 'busy ', self::holderAnswer( $b ), "db$k sees the lease taken through db1" );
				} finally {
					self::releaseLock( $b );
				}
			}
		} finally {
			self::releaseLock( $a );
		}
		$b = self::startHolder( 2, 'retention' );
		try {
			$this->assertStringStartsWith( 'held ', self::holderAnswer( $b ), 'released through db1, the lease is free through db2' );
		} finally {
			self::releaseLock( $b );
		}
	}

	public function test_two_nodes_taking_one_lease_at_once_never_both_hold_it(): void {
		$this->requireCluster();
		$both = 0;
		$won  = array( 0, 0, 0 );
		for ( $round = 0; $round < 12; $round++ ) {
			$holders = array( self::startHolder( 1, 'health' ), self::startHolder( 2, 'health' ), self::startHolder( 3, 'health' ) );
			$answers = array_map( array( self::class, 'holderAnswer' ), $holders );
			foreach ( $holders as $h ) {
				self::releaseLock( $h );
			}
			$held = array_keys( array_filter( $answers, static fn( $a ) => str_starts_with( $a, 'held ' ) ) );
			foreach ( $answers as $a ) {
				$this->assertMatchesRegularExpression( '/^(held|busy) \S+$/', $a );
			}
			$this->assertLessThanOrEqual( 1, count( $held ), "round $round: " . implode( ' / ', $answers ) );
			foreach ( $held as $k ) {
				++$won[ $k ];
			}
		}
		$this->assertGreaterThan( 0, array_sum( $won ), 'the lease was taken in some rounds' );
	}
}
