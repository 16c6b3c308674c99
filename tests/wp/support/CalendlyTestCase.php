<?php
// SPDX-License-Identifier: MIT
/**
 * Base of the tests that talk to the fake Calendly: its control interface,
 * the plugin's services run in-process (support/calendly.php), the admin REST
 * routes with a logged-in cookie and the REST nonce, and the recorded mail.
 */
abstract class CalendlyTestCase extends StackTestCase {

	private static ?array $admin = null;

	protected float $started;

	protected function setUp(): void {
		parent::setUp();
		$this->started = microtime( true );
	}

	/** One call to the fake's control interface or REST API; returns the decoded answer. */
	protected static function fake( string $method, string $path, ?array $body = null, ?int &$status = null, ?string $token = null ): array {
		$ch      = curl_init( self::env( 'FAKE_CALENDLY_URL' ) . $path );
		$headers = array( 'Content-Type: application/json' );
		if ( null !== $token ) {
			$headers[] = 'Authorization: Bearer ' . $token;
		}
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_CUSTOMREQUEST  => $method,
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_TIMEOUT        => 120,
				CURLOPT_HTTPHEADER     => $headers,
				CURLOPT_POSTFIELDS     => null === $body ? null : json_encode( $body ),
			)
		);
		$raw    = (string) curl_exec( $ch );
		$status = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
		curl_close( $ch );
		$json = json_decode( $raw, true );
		return is_array( $json ) ? $json : array();
	}

	/** Control call that must succeed. */
	protected static function control( string $name, array $body = array(), string $method = 'POST' ): array {
		$answer = self::fake( $method, '/_control/' . $name, 'GET' === $method ? null : $body, $status );
		self::assertLessThan( 300, $status, "fake $name: " . json_encode( $answer ) );
		return $answer;
	}

	protected static function switches( array $switches ): void {
		self::control( 'switches', $switches );
	}

	/** Back to an empty fake with the site's subscription kept, and default switches. */
	protected static function resetFake(): void {
		self::control( 'reset', array( 'keep_subscriptions' => true ) );
	}

	protected static function waitIdle( int $timeout = 60 ): void {
		$idle = self::fake( 'GET', '/_control/idle?timeout=' . $timeout );
		self::assertTrue( (bool) ( $idle['idle'] ?? false ), 'fake Calendly did not become idle: ' . json_encode( $idle ) );
	}

	protected static function fakeState(): array {
		return self::control( 'state', array(), 'GET' );
	}

	/** Runs an action of support/calendly.php; returns its decoded JSON output. */
	protected static function plugin( string $action, array $args = array(), bool $must_succeed = true ) {
		[ $code, $out, $err ] = self::php( 'calendly.php', array_merge( array( $action ), $args ) );
		if ( $must_succeed ) {
			self::assertSame( 0, $code, "calendly.php $action: $out $err" );
		}
		return json_decode( trim( $out ), true );
	}

	/** Runs one of the plugin's WP-Cron hooks in-process, as wp-cron.php would. */
	protected static function cron( string $hook ): void {
		[ $code, $out, $err ] = self::php( 'run-cron.php', array( $hook ) );
		self::assertSame( 0, $code, "$hook: $out $err" );
	}

	/**
	 * Runs back-fill slices until no job is unfinished.  The stack's WP-Cron
	 * ticker may be running a slice at the same time (it holds the lock, and
	 * this run then does nothing), so the bound is time, not runs.
	 */
	protected static function runBackfills( int $seconds = 180 ): void {
		$until = microtime( true ) + $seconds;
		while ( microtime( true ) < $until ) {
			self::cron( 'tfsp_calendly_backfill' );
			if ( ! self::rows( 'SELECT id FROM ' . self::table( 'tfsp_calendly_backfills' ) . " WHERE state IN ('queued','running')" ) ) {
				return;
			}
			usleep( 200000 );
		}
		self::fail( 'back-fill did not finish' );
	}

	protected static function job( int $id ): array {
		return self::rows( 'SELECT * FROM ' . self::table( 'tfsp_calendly_backfills' ) . ' WHERE id = ?', array( $id ) )[0];
	}

	/** The session rows of these invitees, keyed by URI, with what may differ between two routes left out. */
	protected static function sessionRows( array $uris, array $drop = array() ): array {
		$out = array();
		foreach ( $uris as $uri ) {
			$row = self::session( $uri );
			self::assertNotNull( $row, "no session row for $uri" );
			foreach ( array_merge( array( 'id', 'created_at', 'updated_at', 'webhook_data' ), $drop ) as $column ) {
				unset( $row[ $column ] );
			}
			$out[ $uri ] = $row;
		}
		return $out;
	}

	/**
	 * A REST call as a logged-in administrator (cookie and X-WP-Nonce).
	 *
	 * @return array{status:int,json:mixed,headers:array<string,string>}
	 */
	protected static function adminRest( string $method, string $route, ?array $body = null, bool $with_nonce = true, ?array $as = null ): array {
		$admin = $as ?? self::admin();
		$ch    = curl_init( self::env( 'WP_URL' ) . '/wp-json/' . ltrim( $route, '/' ) );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_HEADER         => true,
				CURLOPT_TIMEOUT        => 60,
			)
		);
		$head  = array( 'Content-Type: application/json', 'Cookie: ' . $admin['cookie'] );
		if ( $with_nonce ) {
			$head[] = 'X-WP-Nonce: ' . $admin['nonce'];
		}
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_CUSTOMREQUEST  => $method,
				CURLOPT_HTTPHEADER     => $head,
				CURLOPT_POSTFIELDS     => null === $body ? null : json_encode( $body ),
			)
		);
		$answer = self::finish( $ch, (string) curl_exec( $ch ) );
		return array(
			'status'  => $answer['status'],
			'json'    => $answer['json'],
			'headers' => $answer['headers'],
		);
	}

	/**
	 * A wp-admin page as the logged-in administrator (or as the user $as, from userCookies()).
	 *
	 * @return array{status:int,body:string}
	 */
	protected static function adminPage( string $path, ?array $as = null ): array {
		$ch = curl_init( self::env( 'WP_URL' ) . '/wp-admin/' . ltrim( $path, '/' ) );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_TIMEOUT        => 60,
				CURLOPT_HTTPHEADER     => array( 'Cookie: ' . ( $as ?? self::admin() )['cookie'] ),
			)
		);
		$body   = (string) curl_exec( $ch );
		$status = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
		curl_close( $ch );
		return array(
			'status' => $status,
			'body'   => $body,
		);
	}

	/**
	 * The session row the fake's truth calls for, for an invitee of
	 * /_control/state and its scheduled event, derived on its own: with no
	 * coach marks, a Calendly no-show gives no_show, the canceled old end of
	 * a reschedule rescheduled, a cancel canceled, else scheduled.
	 *
	 * @return array<string,string|null> Column => value as the table holds it.
	 */
	protected static function expectedSession( array $invitee, array $event ): array {
		$canceled = 'canceled' === $invitee['status'];
		if ( null !== $invitee['no_show'] ) {
			$status = 'no_show';
		} elseif ( $canceled ) {
			$status = $invitee['rescheduled'] ? 'rescheduled' : 'canceled';
		} else {
			$status = 'scheduled';
		}
		$time = static fn( string $rfc3339 ) => str_replace( 'T', ' ', rtrim( $rfc3339, 'Z' ) );
		return array(
			'status'               => $status,
			'invitee_email'        => $invitee['email'],
			'invitee_name'         => $invitee['name'],
			'event_uri'            => $invitee['event'],
			'calendly_event_id'    => basename( $invitee['event'] ),
			'start_at'             => $time( $event['start_time'] ),
			'end_at'               => $time( $event['end_time'] ),
			'rescheduled_from_uri' => $invitee['old_invitee'],
			'rescheduled_to_uri'   => $invitee['new_invitee'],
			'noshow_uri'           => $invitee['no_show']['uri'] ?? null,
			'canceled'             => $canceled ? '1' : '0',
			'canceler_type'        => $canceled ? $invitee['cancellation']['canceler_type'] : null,
			'cancel_reason'        => $canceled ? $invitee['cancellation']['reason'] : null,
		);
	}

	/** The columns of expectedSession() of this invitee's row, or null without a row. */
	protected static function sessionAsExpected( string $uri, array $expected ): ?array {
		$row = self::session( $uri );
		return null === $row ? null : array_merge( $expected, array_intersect_key( $row, $expected ) );
	}

	/**
	 * Runs the stale look-up until none of these ledger rows is stale any
	 * more (a run takes a batch, oldest first, and other tests may have left
	 * stale rows of their own; the stack's ticker may hold the lock a moment).
	 *
	 * @param int[] $ids Ledger row ids.
	 */
	protected static function resolveStale( array $ids, int $runs = 20 ): void {
		if ( ! $ids ) {
			return;
		}
		$table = self::table( 'tfsp_calendly_events' );
		$in    = implode( ',', array_map( 'intval', $ids ) );
		for ( $i = 0; $i < $runs; $i++ ) {
			self::cron( 'tfsp_calendly_stale_lookup' );
			if ( ! self::rows( "SELECT id FROM $table WHERE id IN ($in) AND outcome = 'stale'" ) ) {
				return;
			}
			usleep( 200000 );
		}
		self::fail( 'stale ledger rows left after ' . $runs . ' look-up runs: ' . json_encode( self::rows( "SELECT id, attempts, last_error, next_attempt_at FROM $table WHERE id IN ($in) AND outcome = 'stale'" ) ) );
	}

	/** Logs the administrator in through wp-login.php and fetches a REST nonce. */
	protected static function admin(): array {
		if ( null === self::$admin ) {
			self::$admin = self::userCookies( self::env( 'WP_ADMIN_USER' ), self::env( 'WP_ADMIN_PASSWORD' ) );
		}
		return self::$admin;
	}

	/**
	 * Logs a user in through wp-login.php: their cookies (wp-admin and REST) and REST nonce.
	 *
	 * @return array{cookie:string,nonce:string}
	 */
	protected static function userCookies( string $login, string $password ): array {
		$jar = tempnam( sys_get_temp_dir(), 'tfsp-cookies' );
		$ch  = curl_init( self::env( 'WP_URL' ) . '/wp-login.php' );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_POST           => true,
				CURLOPT_POSTFIELDS     => http_build_query(
					array(
						'log'        => $login,
						'pwd'        => $password,
						'testcookie' => '1',
					)
				),
				CURLOPT_COOKIE         => 'wordpress_test_cookie=WP%20Cookie%20check',
				CURLOPT_COOKIEJAR      => $jar,
				CURLOPT_COOKIEFILE     => $jar,
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_TIMEOUT        => 30,
			)
		);
		curl_exec( $ch );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_POST    => false,
				CURLOPT_HTTPGET => true,
				CURLOPT_URL     => self::env( 'WP_URL' ) . '/wp-admin/admin-ajax.php?action=rest-nonce',
			)
		);
		$nonce = trim( (string) curl_exec( $ch ) );
		unset( $ch ); // Writes the cookie jar (curl_close() no longer does since PHP 8).
		gc_collect_cycles();
		$cookies = array();
		foreach ( file( $jar ) as $line ) {
			$parts = explode( "\t", trim( $line ) );
			// The logged-in cookie (REST) and the auth cookie (wp-admin pages).
			if ( 7 === count( $parts ) && str_starts_with( $parts[5], 'wordpress_' ) && 'wordpress_test_cookie' !== $parts[5] ) {
				$cookies[] = $parts[5] . '=' . $parts[6];
			}
		}
		unlink( $jar );
		self::assertMatchesRegularExpression( '/^[0-9a-f]{10}$/', $nonce, 'no REST nonce for ' . $login );
		return array(
			'cookie' => implode( '; ', $cookies ),
			'nonce'  => $nonce,
		);
	}

	/** Mail sent since this test started (MailSink) whose subject contains $needle. */
	protected function mailsSince( string $needle ): array {
		return array_values( array_filter( MailSink::since( $this->started ), static fn( array $mail ): bool => str_contains( $mail['subject'], $needle ) ) );
	}

	/** Puts the site's connection back as `scripts/stack up` left it: the stack's token and key, one subscription. */
	protected static function restoreConnection(): void {
		self::switches( array( 'webhooks_plan_gate' => false ) );
		self::plugin( 'connect', array( self::env( 'FAKE_CALENDLY_TOKEN' ) ) );
		self::deleteSetting( '_webhooks_refused' );
		self::deleteSetting( '_recovery_failure' );
		self::plugin( 'register', array( self::env( 'CALENDLY_SIGNING_KEY' ) ) );
		foreach ( array( 'subscription_disabled', 'token_rejected', 'webhooks_refused', 'backfill_failing', 'ledger_failing' ) as $kind ) {
			self::deleteSetting( '_alert_' . $kind );
		}
	}

	/** Marks every job finished so that a test's back-fill runs alone. */
	protected static function finishOtherJobs(): void {
		self::exec( 'UPDATE ' . self::table( 'tfsp_calendly_backfills' ) . " SET state = 'failed', last_error = 'stopped by a test' WHERE state IN ('queued','running')" );
	}
	/**
	 * POSTs a form to wp-admin/admin-post.php with $cookie, as if sent from the wp-admin page
	 * $page (its Referer); redirects are not followed.
	 *
	 * @return array{status:int,json:mixed,body:string,headers:array<string,string>}
	 */
	protected static function postAdminForm( array $fields, string $cookie, string $page ): array {
		$ch = curl_init( self::env( 'WP_URL' ) . '/wp-admin/admin-post.php' );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_POST           => true,
				CURLOPT_POSTFIELDS     => http_build_query( $fields ),
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_HEADER         => true,
				CURLOPT_TIMEOUT        => 60,
				CURLOPT_HTTPHEADER     => array( 'Cookie: ' . $cookie, 'Referer: ' . self::env( 'WP_URL' ) . '/wp-admin/admin.php?page=' . $page ),
			)
		);
		return self::finish( $ch, (string) curl_exec( $ch ) );
	}

	/** A new user of this role with a known password, logged in: id, email, cookie, nonce. */
	protected static function loggedInUser( string $role ): array {
		$email    = self::email( $role );
		$id       = self::createUser( $email, null, $role );
		$password = 'pw-' . bin2hex( random_bytes( 6 ) );
		self::exec( 'UPDATE ' . self::table( 'users' ) . ' SET user_pass = MD5(?) WHERE ID = ?', array( $password, $id ) );
		$login = self::rows( 'SELECT user_login FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( $id ) )[0]['user_login'];
		return array(
			'id'    => $id,
			'email' => $email,
		) + self::userCookies( $login, $password );
	}
}
