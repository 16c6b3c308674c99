<?php
// SPDX-License-Identifier: MIT
/**
 * Shared by the tests of the Progress page, the student portal, the reminders and privacy:
 * session rows written as the sync would leave them, users with a known password, and
 * logged-in HTTP requests to wp-admin.
 */
abstract class CoachingTestCase extends StackTestCase {

	/** Session rows this test made (deleted in tearDown). */
	private array $made = array();

	protected function tearDown(): void {
		if ( $this->made ) {
			self::exec( 'DELETE FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id IN (' . implode( ',', array_map( 'intval', $this->made ) ) . ')' );
		}
		parent::tearDown();
	}

	/**
	 * Inserts a session row; start and end relative to now in hours (UTC).
	 *
	 * @param array<string,mixed> $columns Column values overriding the defaults.
	 */
	protected function seedSession( ?int $student_id, string $status, float $starts_in_hours, array $columns = array() ): int {
		$uri  = 'https://api.calendly.com/scheduled_events/' . Fixtures::uuid() . '/invitees/' . Fixtures::uuid();
		$row  = array_merge(
			array(
				'student_id'     => $student_id,
				'status'         => $status,
				'start_at'       => gmdate( 'Y-m-d H:i:s', (int) ( time() + $starts_in_hours * 3600 ) ),
				'end_at'         => gmdate( 'Y-m-d H:i:s', (int) ( time() + $starts_in_hours * 3600 + 1800 ) ),
				'calendly_uri'   => $uri,
				'auto_created'   => 1,
				'booked'         => 1,
				'invitee_email'  => 'invitee-' . bin2hex( random_bytes( 4 ) ) . '@example.org',
				'invitee_name'   => 'Invitee ' . bin2hex( random_bytes( 3 ) ),
				'event_name'     => 'Coaching ' . bin2hex( random_bytes( 4 ) ),
				'join_url'       => 'https://zoom.example/j/' . random_int( 1000, 9999 ),
				'cancel_url'     => 'https://calendly.com/cancellations/' . Fixtures::uuid(),
				'reschedule_url' => 'https://calendly.com/reschedulings/' . Fixtures::uuid(),
				'created_at'     => gmdate( 'Y-m-d H:i:s' ),
				'updated_at'     => gmdate( 'Y-m-d H:i:s' ),
			),
			$columns
		);
		$names = array_keys( $row );
		$sql   = 'INSERT INTO ' . self::table( 'tfsp_coach_sessions' ) . ' (' . implode( ',', $names ) . ') VALUES (' . implode( ',', array_fill( 0, count( $names ), '?' ) ) . ')';
		$stmt  = self::db()->prepare( $sql );
		$vals  = array_values( $row );
		$stmt->bind_param( str_repeat( 's', count( $vals ) ), ...array_map( static fn( $v ) => null === $v ? null : (string) $v, $vals ) );
		$stmt->execute();
		$id           = (int) self::db()->insert_id;
		$this->made[] = $id;
		self::settle();
		return $id;
	}

	/**
	 * Rows written here, as the portal's own code would write them, get the core's stored answer
	 * (counts_toward_progress) from the five-minute progress job, run now.
	 */
	protected static function settle(): void {
		[ $code, $out, $err ] = self::php( 'run-cron.php', array( 'tfsp_calendly_progress' ) );
		self::assertSame( 0, $code, $out . $err );
	}

	protected static function sessionRow( int $id ): array {
		return self::rows( 'SELECT * FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( $id ) )[0];
	}

	/** A user with a known password (WordPress accepts, and upgrades, an MD5 hash). */
	protected static function userWithPassword( string $role, string $password, ?string $display_name = null ): array {
		$email = self::email( $role );
		$id    = self::createUser( $email, null, $role );
		self::exec( 'UPDATE ' . self::table( 'users' ) . ' SET user_pass = MD5(?) WHERE ID = ?', array( $password, $id ) );
		if ( null !== $display_name ) {
			self::exec( 'UPDATE ' . self::table( 'users' ) . ' SET display_name = ? WHERE ID = ?', array( $display_name, $id ) );
		}
		$login = self::rows( 'SELECT user_login FROM ' . self::table( 'users' ) . ' WHERE ID = ?', array( $id ) )[0]['user_login'];
		return array(
			'id'       => $id,
			'email'    => $email,
			'login'    => $login,
			'password' => $password,
		);
	}

	/** Logs in through wp-login.php; returns a cookie file for later requests. */
	protected static function login( string $login, string $password ): string {
		$jar = tempnam( sys_get_temp_dir(), 'tfsp-jar' );
		self::http( '/wp-login.php', $jar );
		$answer = self::http(
			'/wp-login.php',
			$jar,
			array(
				'log'        => $login,
				'pwd'        => $password,
				'testcookie' => '1',
				'wp-submit'  => 'Log In',
			)
		);
		self::assertSame( 302, $answer['status'], 'login of ' . $login );
		return $jar;
	}

	/** @return array{status:int,body:string,headers:array<string,string>} */
	protected static function http( string $path, ?string $jar, ?array $post = null ): array {
		$ch = curl_init( self::env( 'WP_URL' ) . $path );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_HEADER         => true,
				CURLOPT_TIMEOUT        => 60,
			)
		);
		if ( null !== $jar ) {
			curl_setopt( $ch, CURLOPT_COOKIEJAR, $jar );
			curl_setopt( $ch, CURLOPT_COOKIEFILE, $jar );
		}
		if ( null !== $post ) {
			curl_setopt( $ch, CURLOPT_POST, true );
			curl_setopt( $ch, CURLOPT_POSTFIELDS, http_build_query( $post ) );
		}
		$raw  = (string) curl_exec( $ch );
		$size = (int) curl_getinfo( $ch, CURLINFO_HEADER_SIZE );
		$out  = array(
			'status'  => (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE ),
			'body'    => substr( $raw, $size ),
			'headers' => array(),
		);
		foreach ( explode( "\r\n", substr( $raw, 0, $size ) ) as $line ) {
			if ( str_contains( $line, ':' ) ) {
				[ $name, $value ]                              = explode( ':', $line, 2 );
				$out['headers'][ strtolower( trim( $name ) ) ] = trim( $value );
			}
		}
		curl_close( $ch );
		return $out;
	}

	/** Runs support/coaching.php as a user; returns its output. */
	protected static function asUser( int $user_id, string $what, string ...$args ): string {
		[ $code, $out, $err ] = self::php( 'coaching.php', array_merge( array( $user_id, $what ), $args ) );
		self::assertSame( 0, $code, $err . $out );
		return $out;
	}
}
