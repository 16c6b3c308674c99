<?php
// SPDX-License-Identifier: MIT
/**
 * bench/backfill driver: seeds N invitees over 100 days in the fake Calendly (silently: no
 * webhooks), then runs the plugin's back-fill job in-process twice (the second with nothing
 * changed) and prints requests per invitee, wall time and peak memory of each.
 *   php -d extension=calsync.so driver.php WP_DIR FAKE_URL N
 */
[ , $wp_dir, $fake, $n ] = $argv;
$n = (int) $n;

/** Runs control operations in one batch call, or one by one on a fake without /_control/batch. */
function bench_batch( string $fake, array $ops ): array {
	static $batch = true;
	if ( $batch ) {
		$answer = bench_fake( $fake, 'batch', array( 'ops' => $ops ), true );
		if ( null !== $answer ) {
			return $answer['results'];
		}
		$batch = false;
	}
	$results = array();
	foreach ( $ops as $op ) {
		$name = $op['op'];
		unset( $op['op'] );
		$results[] = array( 'body' => bench_fake( $fake, $name, $op ) );
	}
	return $results;
}

function bench_fake( string $fake, string $path, array $body, bool $may_be_missing = false ): ?array {
	$ch = curl_init( $fake . '/_control/' . $path );
	curl_setopt_array(
		$ch,
		array(
			CURLOPT_POST           => true,
			CURLOPT_POSTFIELDS     => json_encode( $body ),
			CURLOPT_HTTPHEADER     => array( 'Content-Type: application/json' ),
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_TIMEOUT        => 300,
		)
	);
	$out    = (string) curl_exec( $ch );
	$status = curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
	if ( 404 === $status && $may_be_missing ) {
		return null;
	}
	if ( $status >= 300 ) {
		fwrite( STDERR, "fake $path: $status $out\n" );
		exit( 1 );
	}
	return (array) json_decode( $out, true );
}

// Seed: 100 days from a fixed start, N bookings spread evenly; one in 50 gets a no-show
// (it is what tells the job whether no-shows move updated_at).
$window_from = strtotime( '2030-01-01T00:00:00Z' );
$days        = 100;
bench_fake( $fake, 'reset', array( 'keep_subscriptions' => true ) );
bench_fake( $fake, 'switches', array( 'rate_limit' => 0, 'noshow_moves_updated_at' => true ) );
$ops = array();
for ( $i = 0; $i < $n; $i++ ) {
	$start = $window_from + intdiv( $i * $days * 86400, $n );
	$ops[] = array(
		'op'         => 'book',
		'email'      => sprintf( 'bench%05d@example.org', $i ),
		'start_time' => gmdate( 'Y-m-d\TH:i:s\Z', $start - $start % 60 ),
		'silent'     => true,
	);
	if ( count( $ops ) === 1000 || $i === $n - 1 ) {
		$results = bench_batch( $fake, $ops );
		$ops     = array();
		foreach ( $results as $k => $result ) {
			if ( 0 === $k % 50 ) {
				$ops[] = array( 'op' => 'no_show', 'invitee_uri' => $result['body']['invitee_uri'], 'silent' => true );
			}
		}
		if ( $ops ) {
			bench_batch( $fake, $ops );
			$ops = array();
		}
	}
}
// Calendly's paid-plan limit, 500 requests a minute, with the minute compressed to 6 s.
bench_fake( $fake, 'switches', array( 'rate_limit' => 500, 'rate_window_seconds' => 6 ) );

$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $wp_dir . '/wp-load.php';
global $wpdb;
$plugin = \TFSP\CalendlySync\Plugin::instance();
$wpdb->query( "DELETE FROM {$wpdb->prefix}tfsp_calendly_seen_events" );
$wpdb->query( "UPDATE {$wpdb->prefix}tfsp_calendly_backfills SET state = 'failed' WHERE state IN ('queued','running')" );
$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->prefix}tfsp_calendly_settings WHERE setting_key = %s", '_noshow_moves_updated_at' ) );
wp_clear_scheduled_hook( \TFSP\CalendlySync\Backfill::HOOK );
$base_memory = memory_get_usage();

printf( "bench/backfill: %d invitees over %d days, rate limit 500 per 6 s (Calendly's 500/min, time compressed x10)\n", $n, $days );
foreach ( array( 'first back-fill', 'second, nothing changed' ) as $label ) {
	$id = $plugin->backfill()->queue( 'admin', $window_from * 1000000, ( $window_from + $days * 86400 ) * 1000000, null );
	if ( function_exists( 'memory_reset_peak_usage' ) ) {
		memory_reset_peak_usage();
	}
	$t0 = microtime( true );
	do {
		$states = $plugin->backfill()->run( 3600.0 );
	} while ( ( $states[ $id ] ?? 'done' ) === 'running' );
	$wall = microtime( true ) - $t0;
	$job  = $plugin->backfills()->find( $id );
	$inv  = $n; // Invitees in the window, synced or skipped.
	$pages = (int) $job['pages_done'];
	printf(
		"  %-24s state %-4s  invitees %5d  events %5d (skipped %5d)  pages %3d  requests %5d  = %.3f per invitee, %.2f per page  throttled %d  wall %6.2f s  peak PHP memory %5.1f MiB (%.1f MiB above WordPress loaded)\n",
		$label,
		$job['state'],
		(int) $job['invitees_synced'],
		(int) $job['events_seen'],
		(int) $job['events_skipped'],
		$pages,
		(int) $job['requests'],
		(int) $job['requests'] / $inv,
		(int) $job['requests'] / max( 1, $pages ),
		(int) $job['throttled'],
		$wall,
		memory_get_peak_usage() / 1048576,
		( memory_get_peak_usage() - $base_memory ) / 1048576
	);
}
wp_clear_scheduled_hook( \TFSP\CalendlySync\Backfill::HOOK );
bench_fake( $fake, 'switches', array( 'rate_limit' => 500, 'rate_window_seconds' => 60 ) );
