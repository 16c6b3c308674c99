<?php
// SPDX-License-Identifier: MIT
/**
 * What the cluster tests share: the web nodes' URLs and database nodes'
 * sockets from the stack's env, and a job lease taken by a process of its
 * own through one database node (tests/wp/support/hold-lock.php, with the
 * node's socket in CALSYNC_DB_HOST as a web node's pool passes it).
 */
trait ClusterNodes {

	/** @return list<string> */
	protected static function webNodes(): array {
		return explode( ' ', self::env( 'WEB_NODE_URLS' ) );
	}

	/** @return list<string> */
	protected static function dbNodes(): array {
		return explode( ' ', self::env( 'DB_NODE_SOCKETS' ) );
	}

	/** The stack must be the cluster: two web nodes and three Galera nodes. */
	protected function requireCluster(): void {
		$this->assertCount( 2, self::webNodes(), 'the cluster suite runs with CALSYNC_WEB_NODES=2' );
		$this->assertCount( 3, self::dbNodes(), 'the cluster suite runs with CALSYNC_DB_NODES=3' );
	}

	/**
	 * Starts hold-lock.php for JOB through database node K (1-based).
	 *
	 * @return array{0:resource,1:array}
	 */
	protected static function startHolder( int $k, string $job ): array {
		$env                    = getenv();
		$env['CALSYNC_DB_HOST'] = 'localhost:' . self::dbNodes()[ $k - 1 ];
		$cmd                    = array( PHP_BINARY, '-d', 'extension=' . self::env( 'CALSYNC_EXTENSION' ), CALSYNC_TEST_ROOT . '/tests/wp/support/hold-lock.php', self::env( 'WP_PATH' ), self::env( 'DB_NAME' ), $job );
		$proc                   = proc_open( $cmd, array( 0 => array( 'pipe', 'r' ), 1 => array( 'pipe', 'w' ), 2 => array( 'file', '/dev/null', 'w' ) ), $pipes, null, $env );
		return array( $proc, $pipes );
	}

	/** The holder's answer: "held NAME" or "busy NAME". */
	protected static function holderAnswer( array $holder ): string {
		return trim( (string) fgets( $holder[1][1] ) );
	}

	/**
	 * Runs one WP-Cron hook in a process of its own through database node K,
	 * as web node K's cron request would; returns the process (proc_open) at once.
	 *
	 * @return resource
	 */
	protected static function startCron( int $k, string $hook ) {
		$env                    = getenv();
		$env['CALSYNC_DB_HOST'] = 'localhost:' . self::dbNodes()[ $k - 1 ];
		$cmd                    = array( PHP_BINARY, '-d', 'extension=' . self::env( 'CALSYNC_EXTENSION' ), CALSYNC_TEST_ROOT . '/tests/wp/support/run-cron.php', self::env( 'WP_PATH' ), $hook );
		return proc_open( $cmd, array( 1 => array( 'file', '/dev/null', 'w' ), 2 => array( 'file', '/dev/null', 'w' ) ), $pipes, null, $env );
	}
}
