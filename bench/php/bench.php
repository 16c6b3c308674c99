<?php
// SPDX-License-Identifier: MIT
// Times verify + parse + state per webhook body, through the calsync extension and through PurePhpPipeline, in one process.
//
//   php -d extension=/abs/calsync.so bench/php/bench.php [--iterations=N] [--rounds=R]
//
// Two real-shaped cases: an invitee.created that creates its row, and the
// 3.2 KB invitee.canceled applied to that stored row.  Each step is timed
// on its own (many iterations, best of R rounds, so scheduler noise does
// not count).  Two pure-PHP pipelines: "idiomatic" converts times with
// DateTimeImmutable, "tuned" with gmmktime().  All three are first checked
// to give identical results, so the comparison is like for like.

declare(strict_types=1);

require __DIR__ . '/PurePhpPipeline.php';

use Calsync\Event;
use Calsync\Signature;
use Calsync\State;
use CalsyncBench\PurePhpPipeline;

if (!extension_loaded('calsync')) {
    fwrite(STDERR, "bench: the calsync extension is not loaded (use bench/php/run)\n");
    exit(1);
}
$opts = getopt('', ['iterations:', 'rounds:']);
$iterations = (int)($opts['iterations'] ?? 10000);
$rounds = (int)($opts['rounds'] ?? 3);

const KEY = 'whsec_bench_5b1f0c9e7a3d';
$fixtures = dirname(__DIR__, 2) . '/tests/fixtures/';
$now = 1772463845;

$cases = [];
$created = file_get_contents($fixtures . 'invitee_created.json');
$canceled = file_get_contents($fixtures . 'invitee_canceled.json');
$storedFacts = State::applyEvent(null, Event::parse($created), $now * 1000000)['facts'];
$cases['invitee.created, new row'] = [$created, null];
$cases['invitee.canceled, stored row'] = [$canceled, $storedFacts];

/** Best-of-rounds microseconds per call of $fn. */
function time_us(callable $fn, int $iterations, int $rounds): float
{
    $best = INF;
    for ($r = 0; $r < $rounds; $r++) {
        $t0 = hrtime(true);
        $fn($iterations);
        $best = min($best, (hrtime(true) - $t0) / $iterations / 1000);
    }
    return $best;
}

/** A library version as phpinfo() shows it for the extension. */
function lib_version(string $lib): string
{
    ob_start();
    (new ReflectionExtension('calsync'))->info();
    return preg_match('/' . $lib . ' version => (\S+)/', ob_get_clean(), $m) ? $m[1] : '?';
}

printf("PHP %s, calsync %s (jansson %s, OpenSSL %s), opcache %s, JIT %s; %d iterations, best of %d rounds\n",
    PHP_VERSION, phpversion('calsync'), lib_version('jansson'), lib_version('OpenSSL'),
    ini_get('opcache.enable_cli') ? 'on' : 'off', ini_get('opcache.jit') && ini_get('opcache.enable_cli') ? 'on' : 'off',
    $iterations, $rounds);

$pipelines = ['PHP idiomatic' => new PurePhpPipeline(false), 'PHP tuned' => new PurePhpPipeline(true)];

$failed = false;
foreach ($cases as $label => [$body, $facts]) {
    $header = Signature::sign($body, KEY, $now);
    $keys = [KEY];
    $nowUs = $now * 1000000;

    // Like for like: every pipeline must answer the same before it is timed.
    $ev = Event::parse($body);
    $extArray = $ev->toArray();
    $extState = State::applyEvent($facts, $ev, $nowUs);
    foreach ($pipelines as $name => $pure) {
        $pureArray = $pure->parse($body);
        if (Signature::verify($header, $body, $keys, $now) !== $pure->verify($header, $body, $keys, $now)
            || $extArray !== $pureArray || $extState !== $pure->applyEvent($facts, $pureArray, $nowUs)) {
            fwrite(STDERR, "bench: '$name' disagrees with the extension on '$label'\n");
            $failed = true;
            continue 2;
        }
    }

    $t = [];
    $t['extension'] = [
        'verify' => time_us(function (int $n) use ($header, $body, $keys, $now) {
            for ($i = 0; $i < $n; $i++) { Signature::verify($header, $body, $keys, $now); }
        }, $iterations, $rounds),
        // Parse means: from the raw body to the array of fields the plugin stores.
        'parse' => time_us(function (int $n) use ($body) {
            for ($i = 0; $i < $n; $i++) { Event::parse($body)->toArray(); }
        }, $iterations, $rounds),
        'state' => time_us(function (int $n) use ($facts, $ev, $nowUs) {
            for ($i = 0; $i < $n; $i++) { State::applyEvent($facts, $ev, $nowUs); }
        }, $iterations, $rounds),
        // The whole path as the plugin runs it (the parsed event feeds the state call).
        'total' => time_us(function (int $n) use ($header, $body, $keys, $now, $facts, $nowUs) {
            for ($i = 0; $i < $n; $i++) {
                Signature::verify($header, $body, $keys, $now);
                $e = Event::parse($body);
                $e->toArray();
                State::applyEvent($facts, $e, $nowUs);
            }
        }, $iterations, $rounds),
    ];
    foreach ($pipelines as $name => $pure) {
        $pureArray = $pure->parse($body);
        $t[$name] = [
            'verify' => time_us(function (int $n) use ($pure, $header, $body, $keys, $now) {
                for ($i = 0; $i < $n; $i++) { $pure->verify($header, $body, $keys, $now); }
            }, $iterations, $rounds),
            'parse' => time_us(function (int $n) use ($pure, $body) {
                for ($i = 0; $i < $n; $i++) { $pure->parse($body); }
            }, $iterations, $rounds),
            'state' => time_us(function (int $n) use ($pure, $facts, $pureArray, $nowUs) {
                for ($i = 0; $i < $n; $i++) { $pure->applyEvent($facts, $pureArray, $nowUs); }
            }, $iterations, $rounds),
            'total' => time_us(function (int $n) use ($pure, $header, $body, $keys, $now, $facts, $nowUs) {
                for ($i = 0; $i < $n; $i++) {
                    $pure->verify($header, $body, $keys, $now);
                    $pure->applyEvent($facts, $pure->parse($body), $nowUs);
                }
            }, $iterations, $rounds),
        ];
    }
    // The raw building blocks, to show where each side spends its time.
    $ref = [
        'hash_hmac + hash_equals' => time_us(function (int $n) use ($body, $now, $header) {
            $mac = substr($header, -64);
            for ($i = 0; $i < $n; $i++) { hash_equals(hash_hmac('sha256', $now . '.' . $body, KEY), $mac); }
        }, $iterations, $rounds),
        'json_decode' => time_us(function (int $n) use ($body) {
            for ($i = 0; $i < $n; $i++) { json_decode($body, true); }
        }, $iterations, $rounds),
        'Event::parse (jansson + checks)' => time_us(function (int $n) use ($body) {
            for ($i = 0; $i < $n; $i++) { Event::parse($body); }
        }, $iterations, $rounds),
        'Event::toArray' => time_us(function (int $n) use ($ev) {
            for ($i = 0; $i < $n; $i++) { $ev->toArray(); }
        }, $iterations, $rounds),
    ];

    printf("\n%s (%d bytes), microseconds per payload; ratio = PHP time / extension time\n", $label, strlen($body));
    printf("  %-7s %10s %15s %7s %11s %7s\n", 'step', 'extension', 'PHP idiomatic', 'ratio', 'PHP tuned', 'ratio');
    foreach (['verify', 'parse', 'state', 'total'] as $step) {
        $e = $t['extension'][$step];
        printf("  %-7s %10.2f %15.2f %6.2fx %11.2f %6.2fx\n", $step, $e, $t['PHP idiomatic'][$step],
            $t['PHP idiomatic'][$step] / $e, $t['PHP tuned'][$step], $t['PHP tuned'][$step] / $e);
    }
    echo "  building blocks:";
    foreach ($ref as $what => $us) {
        printf(" %s %.2f;", $what, $us);
    }
    echo "\n";
}
exit($failed ? 1 : 0);
