<?php
// SPDX-License-Identifier: MIT
/**
 * Bootstrap of the WordPress integration tests: reads .stack/env (written by
 * `scripts/stack up`), loads the shared test helpers, and lets the tests name
 * their client address through X-Forwarded-For by trusting the loopback proxy
 * for the duration of the run (the previous setting is restored at the end).
 */

$root    = dirname( __DIR__, 2 );
$envfile = getenv( 'CALSYNC_STACK_ENV' ) ?: $root . '/.stack/env';
if ( ! is_readable( $envfile ) ) {
	fwrite( STDERR, "tests/wp: $envfile not found; start the stack first: scripts/stack up\n" );
	exit( 1 );
}
$env = array();
foreach ( file( $envfile, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) as $line ) {
	if ( preg_match( '/^([A-Z_][A-Z0-9_]*)=(.*)$/', $line, $m ) ) {
		$env[ $m[1] ] = preg_replace( '/^"(.*)"$/', '$1', $m[2] ); // WEB_NODE_URLS="a b" is quoted for the shell.
	}
}
foreach ( array( 'WP_URL', 'WP_PATH', 'DB_SOCKET', 'DB_NAME', 'DB_USER', 'DB_PASSWORD', 'DB_PREFIX', 'WEBHOOK_URL', 'CALENDLY_SIGNING_KEY', 'CALSYNC_EXTENSION', 'FAKE_CALENDLY_URL' ) as $name ) {
	if ( ! isset( $env[ $name ] ) ) {
		fwrite( STDERR, "tests/wp: $name missing from $envfile\n" );
		exit( 1 );
	}
}
define( 'CALSYNC_TEST_ROOT', $root );
define( 'CALSYNC_TEST_ENV', $env );

require __DIR__ . '/support/Fixtures.php';
require __DIR__ . '/support/StackTestCase.php';
require __DIR__ . '/support/MailSink.php';
require __DIR__ . '/support/CalendlyTestCase.php';

StackTestCase::trustLoopbackProxy();
