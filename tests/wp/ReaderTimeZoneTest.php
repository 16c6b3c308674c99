<?php
// SPDX-License-Identifier: MIT
/**
 * Times in each reader's zone (issue 13): the portal (a page with the shortcode, over HTTP, as
 * the logged-in student) and the student's "book your next session" mail (from the stack's mail
 * sink) show times in the student's zone, each with the zone's name: the "Time zone" of their
 * profile (saved through wp-admin's profile form, its nonce and capability checked) if set, else
 * the zone of their latest booking (the invitee's timezone from Calendly), else the site's; a
 * profile value that is no time zone falls back to the site's, and the form refuses one naming
 * the field.  A coach in wp-admin sees the site's time and zone.  The site runs in
 * America/Chicago here; times are stored in UTC.
 */
final class ReaderTimeZoneTest extends CalendlyTestCase {

	private const SITE = 'America/Chicago';

	/** @var array<string,?string> Options and settings as they were. */
	private array $saved = array();

	/** @var string[] Invitee URIs delivered here. */
	private array $uris = array();

	private ?string $portal = null;

	protected function setUp(): void {
		parent::setUp();
		foreach ( array( 'timezone_string', 'gmt_offset' ) as $option ) {
			$this->saved[ 'option:' . $option ] = self::rows( 'SELECT option_value FROM ' . self::table( 'options' ) . ' WHERE option_name = ?', array( $option ) )[0]['option_value'] ?? null;
		}
		self::exec( 'UPDATE ' . self::table( 'options' ) . " SET option_value = ? WHERE option_name = 'timezone_string'", array( self::SITE ) );
		foreach ( array(
			'nudge_book_next'   => '1',
			'nudge_after_days'  => '14',
			'required_sessions' => '3',
			'scheduling_url'    => 'https://calendly.com/tfsp/coaching',
		) as $name => $value ) {
			$row                               = self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . ' WHERE setting_key = ?', array( $name ) );
			$this->saved[ 'setting:' . $name ] = $row ? $row[0]['setting_value'] : null;
			self::putSetting( $name, $value );
		}
	}

	protected function tearDown(): void {
		foreach ( $this->saved as $key => $value ) {
			[ $kind, $name ] = explode( ':', $key, 2 );
			if ( 'option' === $kind ) {
				self::exec( 'UPDATE ' . self::table( 'options' ) . ' SET option_value = ? WHERE option_name = ?', array( (string) $value, $name ) );
			} else {
				null === $value ? self::deleteSetting( $name ) : self::putSetting( $name, $value );
			}
		}
		// The portal page goes too: other tests' students are sent to the first page holding the portal.
		self::exec( 'DELETE FROM ' . self::table( 'posts' ) . " WHERE post_name = 'tfsp-wp-portal' AND post_type = 'page'" );
		foreach ( $this->uris as $uri ) {
			$row = self::session( $uri );
			if ( null !== $row ) {
				self::exec( 'DELETE FROM ' . self::table( 'tfsp_session_coaches' ) . ' WHERE session_id = ?', array( (int) $row['id'] ) );
				self::exec( 'DELETE FROM ' . self::table( 'tfsp_coach_sessions' ) . ' WHERE id = ?', array( (int) $row['id'] ) );
			}
		}
		parent::tearDown();
	}

	/** Books a session for $email hosted by $host through a signed webhook, the invitee in $zone; returns the row. */
	private function book( string $email, string $host, string $zone, int $start ): array {
		$p                                          = ( new Fixtures() )->load( 'invitee_created' );
		$p['payload']['email']                      = $email;
		$p['payload']['timezone']                   = $zone;
		$p['payload']['scheduled_event']['name']    = 'Zone test ' . bin2hex( random_bytes( 4 ) );
		$p['payload']['scheduled_event']['start_time'] = gmdate( 'Y-m-d\TH:i:s.000000\Z', $start );
		$p['payload']['scheduled_event']['end_time']   = gmdate( 'Y-m-d\TH:i:s.000000\Z', $start + 1800 );
		$p['payload']['scheduled_event']['event_memberships'] = array(
			array(
				'user'       => 'https://api.calendly.com/users/' . Fixtures::uuid(),
				'user_email' => $host,
				'user_name'  => 'Coach',
			),
		);
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $p ) )['status'] );
		$this->uris[] = $p['payload']['uri'];
		$row          = self::session( $p['payload']['uri'] );
		$this->assertNotNull( $row );
		return $row;
	}

	/** The instant as the site's formats write it in $zone, followed by the zone's name: computed here, not by the plugin. */
	private static function shown( int $ts, string $zone, bool $name = true ): string {
		$formats = array();
		foreach ( array( 'date_format', 'time_format' ) as $option ) {
			$formats[] = self::rows( 'SELECT option_value FROM ' . self::table( 'options' ) . ' WHERE option_name = ?', array( $option ) )[0]['option_value'];
		}
		$text = ( new DateTimeImmutable( '@' . $ts ) )->setTimezone( new DateTimeZone( $zone ) )->format( implode( ' ', $formats ) );
		return $name ? $text . ' (' . $zone . ')' : $text;
	}

	/** GET or POST as a logged-in user (cookie header); redirects are not followed. */
	private static function request( string $path, array $as, ?array $post = null ): array {
		$ch = curl_init( str_starts_with( $path, 'http' ) ? $path : self::env( 'WP_URL' ) . $path );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_HEADER         => true,
				CURLOPT_TIMEOUT        => 60,
				CURLOPT_HTTPHEADER     => array( 'Cookie: ' . $as['cookie'], 'Referer: ' . self::env( 'WP_URL' ) . '/wp-admin/profile.php' ),
			)
		);
		if ( null !== $post ) {
			curl_setopt( $ch, CURLOPT_POST, true );
			curl_setopt( $ch, CURLOPT_POSTFIELDS, http_build_query( $post ) );
		}
		return self::finish( $ch, (string) curl_exec( $ch ) );
	}

	/** The portal page over HTTP, as $as. */
	private function portal( array $as ): string {
		if ( null === $this->portal ) {
			[ $code, $out, $err ] = self::php( 'coaching.php', array( 0, 'portal-page' ) );
			$this->assertSame( 0, $code, $err );
			$this->portal = trim( $out );
		}
		$page = self::request( $this->portal, $as );
		$this->assertSame( 200, $page['status'] );
		$this->assertSame( 1, preg_match( '#<div class="tfsp-coaching-sessions">.*?</div>#s', $page['body'], $m ), 'the portal is on the page' );
		return $m[0];
	}

	/** Submits wp-admin's profile form with the field, as the user; returns the answer. */
	private static function saveProfile( array $as, string $zone, ?string $nonce = null ): array {
		$form = self::request( '/wp-admin/profile.php', $as );
		self::assertSame( 200, $form['status'] );
		self::assertStringContainsString( 'name="tfsp_calendly_timezone"', $form['body'], 'the profile has the field' );
		self::assertSame( 1, preg_match( '#<form id="your-profile".*?name="_wpnonce" value="([0-9a-f]+)"#s', $form['body'], $m ) );
		return self::request(
			'/wp-admin/profile.php',
			$as,
			array(
				'_wpnonce'               => $nonce ?? $m[1],
				'_wp_http_referer'       => '/wp-admin/profile.php',
				'action'                 => 'update',
				'user_id'                => $as['id'],
				'email'                  => $as['email'],
				'nickname'               => 'student' . $as['id'],
				'tfsp_calendly_timezone' => $zone,
			)
		);
	}

	private static function chosen( int $user_id ): ?string {
		return self::rows( 'SELECT meta_value FROM ' . self::table( 'usermeta' ) . " WHERE user_id = ? AND meta_key = 'tfsp_calendly_timezone'", array( $user_id ) )[0]['meta_value'] ?? null;
	}

	public function test_a_student_reads_their_zone_in_the_portal_and_the_mail_and_a_coach_the_sites(): void {
		$student = self::loggedInUser( 'subscriber' );
		$coach   = self::loggedInUser( 'tfsp_coach' );
		// Twenty days ago, at 15:30 UTC: 00:30 the next day in Tokyo, 10:30 in Chicago.
		$start = (int) ( floor( ( time() - 20 * 86400 ) / 86400 ) * 86400 ) + 15 * 3600 + 1800;
		$row   = $this->book( $student['email'], $coach['email'], 'Europe/Lisbon', $start );
		$this->assertSame( (string) $student['id'], (string) $row['student_id'], 'the booking is the student\'s' );
		$this->assertSame( gmdate( 'Y-m-d H:i:s', $start ), substr( (string) $row['start_at'], 0, 19 ), 'stored in UTC' );

		// No profile zone: the latest booking's.
		$this->assertStringContainsString( self::shown( $start, 'Europe/Lisbon' ), $this->portal( $student ) );

		// The profile form: a bad nonce is refused by WordPress, nothing saved.
		$bad = self::saveProfile( $student, 'Asia/Tokyo', '0123456789' );
		$this->assertNotSame( 302, $bad['status'] );
		$this->assertNull( self::chosen( $student['id'] ) );
		// A value that is none of the choices: an error naming the field, nothing saved.
		$wrong = self::saveProfile( $student, 'Mars/Olympus_Mons' );
		$this->assertSame( 200, $wrong['status'] );
		$this->assertStringContainsString( 'Time zone: please choose a time zone from the list.', $wrong['body'] );
		$this->assertNull( self::chosen( $student['id'] ) );
		// Asia/Tokyo, saved.
		$ok = self::saveProfile( $student, 'Asia/Tokyo' );
		$this->assertSame( 302, $ok['status'], substr( $ok['body'], 0, 2000 ) );
		$this->assertSame( 'Asia/Tokyo', self::chosen( $student['id'] ) );
		$this->assertStringContainsString( '<option selected="selected" value="Asia/Tokyo">', self::request( '/wp-admin/profile.php', $student )['body'], 'shown as chosen' );
		[ , $export ] = self::php( 'coaching.php', array( 0, 'export', $student['email'] ) );
		$items        = array_merge( ...array_column( (array) json_decode( $export, true ), 'data' ) );
		$zone         = array_values( array_filter( $items, static fn( array $i ): bool => 'tfsp-calendly-time-zone' === $i['item_id'] ) );
		$this->assertSame( array( array( 'name' => 'Time zone', 'value' => 'Asia/Tokyo' ) ), $zone[0]['data'] ?? null, 'the privacy export holds the choice' );

		$portal = $this->portal( $student );
		$this->assertStringContainsString( self::shown( $start, 'Asia/Tokyo' ), $portal, 'the portal in Tokyo time, named' );
		$this->assertStringNotContainsString( self::shown( $start, self::SITE, false ), $portal );

		// The mail, as sent (the stack's sendmail sink).
		$since = time();
		[ $code, $out, $err ] = self::php( 'run-cron.php', array( 'tfsp_calendly_student_nudges' ) );
		$this->assertSame( 0, $code, $err . $out );
		$mails = array_values( array_filter( MailSink::since( $since ), static fn( array $m ): bool => in_array( $student['email'], $m['to'], true ) && str_contains( $m['subject'], 'Book your next coaching session' ) ) );
		$this->assertCount( 1, $mails );
		$this->assertStringContainsString( 'Your latest coaching session was on ' . self::shown( $start, 'Asia/Tokyo' ) . '.', $mails[0]['message'] );

		// The coach in wp-admin: the site's time and zone.
		$admin = self::adminPage( 'admin.php?page=tfsp-calendly&session=' . (int) $row['id'], $coach );
		$this->assertSame( 200, $admin['status'] );
		$this->assertStringContainsString( '<strong>' . self::shown( $start, self::SITE, false ) . '</strong>', $admin['body'] );
		$this->assertStringContainsString( 'Session (' . self::SITE . ')', $admin['body'] );
		$this->assertStringNotContainsString( self::shown( $start, 'Asia/Tokyo', false ), $admin['body'] );

		// A profile value that is no time zone (written by other code): the site's, not the booking's.
		self::exec( 'UPDATE ' . self::table( 'usermeta' ) . " SET meta_value = 'Nowhere/Atlantis' WHERE user_id = ? AND meta_key = 'tfsp_calendly_timezone'", array( $student['id'] ) );
		$this->assertStringContainsString( self::shown( $start, self::SITE ), $this->portal( $student ), 'an invalid zone falls back to the site\'s' );

		// Automatic again: the booking's.
		$this->assertSame( 302, self::saveProfile( $student, '' )['status'] );
		$this->assertNull( self::chosen( $student['id'] ) );
		$this->assertStringContainsString( self::shown( $start, 'Europe/Lisbon' ), $this->portal( $student ) );
	}

	public function test_an_admin_sets_a_students_zone_and_a_student_cannot_set_anothers(): void {
		$student = self::loggedInUser( 'subscriber' );
		$other   = self::loggedInUser( 'subscriber' );
		$admin   = self::admin();
		$form    = self::request( '/wp-admin/user-edit.php?user_id=' . $student['id'], $admin );
		$this->assertSame( 200, $form['status'] );
		$this->assertStringContainsString( 'name="tfsp_calendly_timezone"', $form['body'], 'Edit User has the field' );
		$this->assertSame( 1, preg_match( '#<form id="your-profile".*?name="_wpnonce" value="([0-9a-f]+)"#s', $form['body'], $m ) );
		$fields = array(
			'_wpnonce'               => $m[1],
			'_wp_http_referer'       => '/wp-admin/user-edit.php?user_id=' . $student['id'],
			'action'                 => 'update',
			'user_id'                => $student['id'],
			'email'                  => $student['email'],
			'nickname'               => 'student' . $student['id'],
			'tfsp_calendly_timezone' => 'UTC+9',
		);
		$this->assertSame( 302, self::request( '/wp-admin/user-edit.php', $admin, $fields )['status'] );
		$this->assertSame( 'UTC+9', self::chosen( $student['id'] ), 'a fixed offset of WordPress\'s choices' );

		// Another student, with their own nonce, for this one: WordPress refuses; nothing saved.
		$own = self::request( '/wp-admin/profile.php', $other );
		$this->assertSame( 1, preg_match( '#<form id="your-profile".*?name="_wpnonce" value="([0-9a-f]+)"#s', $own['body'], $n ) );
		$refused = self::request( '/wp-admin/user-edit.php', $other, array( '_wpnonce' => $n[1], 'tfsp_calendly_timezone' => 'Asia/Tokyo' ) + $fields );
		$this->assertNotSame( 302, $refused['status'] );
		$this->assertSame( 'UTC+9', self::chosen( $student['id'] ) );
		$this->assertNull( self::chosen( $other['id'] ) );

		$coach = self::loggedInUser( 'tfsp_coach' );
		$start = (int) ( floor( ( time() + 3 * 86400 ) / 86400 ) * 86400 ) + 15 * 3600;
		$this->book( $student['email'], $coach['email'], 'Europe/Lisbon', $start );
		$this->assertStringContainsString( self::shown( $start, '+09:00', false ) . ' (UTC+09:00)', $this->portal( $student ) );
	}

	public function test_without_a_zone_anywhere_the_sites_is_named(): void {
		$student = self::loggedInUser( 'subscriber' );
		$coach   = self::loggedInUser( 'tfsp_coach' );
		$start   = (int) ( floor( ( time() + 3 * 86400 ) / 86400 ) * 86400 ) + 15 * 3600;
		$this->book( $student['email'], $coach['email'], 'Not/AZone', $start );
		$this->assertStringContainsString( self::shown( $start, self::SITE ), $this->portal( $student ), 'a booking zone that is none: the site\'s' );
	}
}
