<?php
// SPDX-License-Identifier: MIT
/**
 * Where the time of one webhook request goes, measured in-process: loads the
 * stack's WordPress once (php-cli, SAVEQUERIES on), then dispatches the ping
 * route and the webhook route through the REST server many times, with
 * unique, validly signed deliveries, and splits the webhook's time into
 * database round trips (grouped by table / statement) and PHP.  What runs
 * once per HTTP request before the route (WordPress's bootstrap) is the ping
 * route's HTTP latency minus its dispatch time here.  wpdb's per-request
 * caches (column charsets) are cleared before each iteration, as a new
 * php-fpm request would start without them.  Ends with the cost of one
 * round trip of a statement that does no work, the floor under each query.
 *
 *   php -d extension=CALSYNC_EXTENSION bench/webhook/phases.php WP_PATH SIGNING_KEY [ITERATIONS]
 */

if ( PHP_SAPI !== 'cli' || $argc < 3 ) {
	fwrite( STDERR, "usage: php -d extension=calsync.so phases.php WP_PATH SIGNING_KEY [ITERATIONS]\n" );
	exit( 2 );
}
[ , $wp_path, $key ] = $argv;
$iterations          = (int) ( $argv[3] ?? 300 );

define( 'SAVEQUERIES', true );
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
require $wp_path . '/wp-load.php';

$fixture  = json_decode( (string) file_get_contents( dirname( __DIR__, 2 ) . '/tests/fixtures/invitee_created.json' ), true, 512, JSON_THROW_ON_ERROR );
$template = json_encode( $fixture, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
$uuid     = static fn() => vsprintf( '%s%s-%s-4%s-a%s-%s%s%s', str_split( substr( bin2hex( random_bytes( 16 ) ), 0, 32 ), 4 ) );
$delivery = static function () use ( $template, $fixture, $uuid, $key ): WP_REST_Request {
	$body = strtr(
		$template,
		array(
			basename( $fixture['payload']['uri'] )   => $uuid(),
			basename( $fixture['payload']['event'] ) => $uuid(),
		)
	);
	$t    = time();
	$r    = new WP_REST_Request( 'POST', '/tfsp-calendly/v1/webhook' );
	$r->set_header( 'content-type', 'application/json' );
	$r->set_header( 'calendly_webhook_signature', 't=' . $t . ',v1=' . hash_hmac( 'sha256', $t . '.' . $body, $key ) );
	$r->set_body( $body );
	return $r;
};

$fresh = Closure::bind(
	static function ( wpdb $db ): void {
		$db->col_meta      = array();
		$db->table_charset = array();
	},
	null,
	wpdb::class
);

/** @return array{0:float,1:array<string,array{0:int,1:float}>} ms per call, and per query kind [count, ms] per call. */
$measure = static function ( callable $make, string $want ) use ( $iterations, $fresh ): array {
	global $wpdb;
	$total = 0.0;
	$kinds = array();
	for ( $i = 0; $i < $iterations; $i++ ) {
		$request = $make();
		$fresh( $wpdb );
		\TFSP\CalendlySync\Plugin::instance()->settings()->refresh();
		$wpdb->queries = array();
		$t0            = hrtime( true );
		$response      = rest_do_request( $request );
		$total        += ( hrtime( true ) - $t0 ) / 1e6;
		if ( ! str_contains( (string) wp_json_encode( $response->get_data() ), $want ) ) {
			fwrite( STDERR, 'unexpected answer: ' . wp_json_encode( $response->get_data() ) . "\n" );
			exit( 1 );
		}
		foreach ( $wpdb->queries as [ $sql, $seconds ] ) {
			$kind = kind( $sql );
			$kinds[ $kind ][0] = ( $kinds[ $kind ][0] ?? 0 ) + 1;
			$kinds[ $kind ][1] = ( $kinds[ $kind ][1] ?? 0 ) + $seconds * 1000;
		}
	}
	foreach ( $kinds as $k => [ $n, $ms ] ) {
		$kinds[ $k ] = array( $n / $iterations, $ms / $iterations );
	}
	return array( $total / $iterations, $kinds );
};

function kind( string $sql ): string {
	$sql = ltrim( $sql );
	if ( preg_match( '/^(START TRANSACTION|COMMIT|ROLLBACK)/i', $sql, $m ) ) {
		return strtoupper( $m[1] );
	}
	if ( preg_match( '/^SHOW FULL COLUMNS FROM `?(\w+)/i', $sql, $m ) ) {
		return 'SHOW FULL COLUMNS (wpdb charset check)';
	}
	if ( preg_match( '/^(INSERT INTO|UPDATE|SELECT .*? FROM|DELETE FROM)\s+`?(\w+)/is', $sql, $m ) ) {
		$verb = strtoupper( strtok( $m[1], ' ' ) );
		return $verb . ' ' . preg_replace( '/^' . preg_quote( $GLOBALS['wpdb']->prefix, '/' ) . '/', '', $m[2] );
	}
	return substr( $sql, 0, 40 );
}

// Warm up (autoloading, first writes), then measure.
for ( $i = 0; $i < 20; $i++ ) {
	rest_do_request( new WP_REST_Request( 'GET', '/tfsp-calendly/v1/ping' ) );
	rest_do_request( $delivery() );
}
[ $ping_ms, $ping_q ]       = $measure( static fn() => new WP_REST_Request( 'GET', '/tfsp-calendly/v1/ping' ), '"ok":true' );
[ $webhook_ms, $webhook_q ] = $measure( $delivery, '"status":"processed"' );

// The core's share: verify, parse, state (what the extension does per delivery).
$r    = $delivery();
$body = $r->get_body();
$sig  = $r->get_header( 'calendly_webhook_signature' );
$t0   = hrtime( true );
for ( $i = 0; $i < $iterations; $i++ ) {
	\Calsync\Signature::verify( $sig, $body, array( $key ), time(), 180, 180 );
	$event = \Calsync\Event::parse( $body );
	$event->toArray();
	$event->redactedJson();
	\Calsync\State::applyEvent( null, $event, \TFSP\CalendlySync\Clock::now_us() );
}
$core_ms = ( hrtime( true ) - $t0 ) / 1e6 / $iterations;

$db_ms = array_sum( array_column( $webhook_q, 1 ) );
$db_n  = array_sum( array_column( $webhook_q, 0 ) );
printf( "In-process dispatch (php-cli, %d iterations; HTTP adds WordPress's bootstrap, the same for both routes):\n", $iterations );
printf( "  ping route     %6.2f ms, %4.1f queries\n", $ping_ms, array_sum( array_column( $ping_q, 0 ) ) );
printf( "  webhook route  %6.2f ms, %4.1f queries taking %.2f ms (wpdb's own timing), PHP %.2f ms of which the core (verify, parse, state) %.3f ms\n", $webhook_ms, $db_n, $db_ms, $webhook_ms - $db_ms, $core_ms );
uasort( $webhook_q, static fn( $a, $b ) => $b[1] <=> $a[1] );
printf( "  webhook queries per delivery, by kind:\n" );
foreach ( $webhook_q as $k => [ $n, $ms ] ) {
	printf( "    %-44s %5.1f x  %6.3f ms\n", $k, $n, $ms );
}

// The floor under every statement: one round trip of a statement that does no work, through wpdb.
$t0 = hrtime( true );
for ( $i = 0; $i < $iterations; $i++ ) {
	$wpdb->query( 'DO 0' );
}
printf( "  one round trip (DO 0 through wpdb): %.3f ms\n", ( hrtime( true ) - $t0 ) / 1e6 / $iterations );
