<?php
// SPDX-License-Identifier: MIT
/**
 * Writes COUNT unique, validly signed webhook deliveries for bench/webhook/run,
 * one a line: "<Calendly-Webhook-Signature>\t<body>".  Each body is
 * tests/fixtures/invitee_created.json (compact, as Calendly sends it) with a
 * fresh invitee (its UUID starts with RUN, 8 hex digits, so that the run's
 * rows can be counted afterwards), a fresh scheduled event and its own
 * e-mail; t is now, the key the site's signing key.
 *
 *   php generate.php FIXTURE SIGNING_KEY COUNT RUN OUT
 */

if ( PHP_SAPI !== 'cli' || 6 !== $argc || ! preg_match( '/^[0-9a-f]{8}$/', $argv[4] ) ) {
	fwrite( STDERR, "usage: php generate.php FIXTURE SIGNING_KEY COUNT RUN(8 hex) OUT\n" );
	exit( 2 );
}
[ , $fixture, $key, $count, $run, $out ] = $argv;

$template = json_decode( (string) file_get_contents( $fixture ), true, 512, JSON_THROW_ON_ERROR );
$invitee  = basename( $template['payload']['uri'] );
$event    = basename( $template['payload']['event'] );
$email    = $template['payload']['email'];

// Times as of now, the way a fresh booking would carry them.
$now                                                   = microtime( true );
$iso                                                   = static fn( float $t ) => gmdate( 'Y-m-d\TH:i:s', (int) $t ) . sprintf( '.%06dZ', (int) round( fmod( $t, 1 ) * 1e6 ) % 1000000 );
$template['created_at']                                = $iso( $now );
$template['payload']['created_at']                     = $iso( $now - 0.2 );
$template['payload']['updated_at']                     = $iso( $now - 0.1 );
$template['payload']['scheduled_event']['created_at'] = $iso( $now - 0.25 );
$template['payload']['scheduled_event']['updated_at'] = $iso( $now );
$text = json_encode( $template, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR );

$uuid = static function ( string $prefix = '' ): string {
	$b    = random_bytes( 16 );
	$b[6] = chr( ( ord( $b[6] ) & 0x0f ) | 0x40 );
	$b[8] = chr( ( ord( $b[8] ) & 0x3f ) | 0x80 );
	$hex  = bin2hex( $b );
	if ( '' !== $prefix ) {
		$hex = $prefix . substr( $hex, 8 );
	}
	return vsprintf( '%s%s-%s-%s-%s-%s%s%s', str_split( $hex, 4 ) );
};

$fh = fopen( $out, 'wb' );
$t  = time();
for ( $n = 0; $n < (int) $count; $n++ ) {
	$body = strtr(
		$text,
		array(
			$invitee => $uuid( $run ),
			$event   => $uuid(),
			$email   => "bench.$run.$n@example.org",
		)
	);
	fwrite( $fh, 't=' . $t . ',v1=' . hash_hmac( 'sha256', $t . '.' . $body, $key ) . "\t" . $body . "\n" );
}
fclose( $fh );
