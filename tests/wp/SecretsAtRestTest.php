<?php
// SPDX-License-Identifier: MIT
/**
 * Secrets at rest, at the plugin level: every secret the plugin writes to its settings table
 * is sealed (cs1.…, and no plain value anywhere in the table); a setting pinned by a constant
 * shows read-only on the settings page without its value; and when the key the seal is
 * derived from changes (here TFSP_CALENDLY_SEAL_KEY appears, so the salts no longer give the
 * key), Site Health says which secret to enter again and the webhook answers 503.
 */
final class SecretsAtRestTest extends CalendlyTestCase {

	/** Secret settings and internal values the plugin seals (Settings::definitions() secret => true, the pending key). */
	private const SECRETS = array( 'token', 'signing_key', '_pending_signing_key' );

	protected function tearDown(): void {
		self::unpinConstants();
		parent::tearDown();
	}

	private static function settingsRows(): array {
		return array_column( self::rows( 'SELECT setting_key, setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) ), 'setting_value', 'setting_key' );
	}

	public function test_every_secret_in_the_settings_table_is_sealed(): void {
		// Written now, by the plugin's own settings code, with the stack's values.
		self::plugin( 'connect', array( self::env( 'FAKE_CALENDLY_TOKEN' ) ) );
		self::plugin( 'set-signing-key', array( self::env( 'CALENDLY_SIGNING_KEY' ) ) );
		$rows = self::settingsRows();
		$this->assertArrayHasKey( 'token', $rows );
		$this->assertArrayHasKey( 'signing_key', $rows );
		foreach ( self::SECRETS as $name ) {
			if ( isset( $rows[ $name ] ) ) {
				$this->assertMatchesRegularExpression( '/^cs1\.[A-Za-z0-9_.\-+\/=]+$/', $rows[ $name ], "$name is sealed" );
			}
		}
		foreach ( $rows as $key => $value ) {
			foreach ( array( self::env( 'FAKE_CALENDLY_TOKEN' ), self::env( 'CALENDLY_SIGNING_KEY' ) ) as $plain ) {
				$this->assertStringNotContainsString( $plain, (string) $value, "no plain secret in $key" );
				$this->assertStringNotContainsString( base64_encode( $plain ), (string) $value, "no merely encoded secret in $key" );
			}
		}
		$this->assertSame( 200, $this->deliver( Fixtures::encode( $this->fixtures->load( 'invitee_created' ) ) )['status'], 'and they still open' );
	}

	public function test_a_pinned_setting_shows_read_only_without_its_value(): void {
		self::pinConstants(
			array(
				'TFSP_CALENDLY_TOKEN'          => self::env( 'FAKE_CALENDLY_TOKEN' ),
				'TFSP_CALENDLY_RETENTION_DAYS' => '45',
			)
		);
		$page = self::adminPage( 'admin.php?page=tfsp-calendly-settings' );
		$this->assertSame( 200, $page['status'] );
		$html = $page['body'];
		$this->assertStringContainsString( 'Pinned by TFSP_CALENDLY_TOKEN in wp-config.php', $html );
		$this->assertStringContainsString( 'Pinned by TFSP_CALENDLY_RETENTION_DAYS in wp-config.php', $html );
		$this->assertMatchesRegularExpression( '/<input type="password" id="tfsp-field-token"[^>]* disabled>/', $html, 'the token field is read-only' );
		$this->assertMatchesRegularExpression( '/<input type="number" id="tfsp-field-retention_days"[^>]*value="45"[^>]* disabled>/', $html, 'the pinned value shows, read-only' );
		$this->assertStringNotContainsString( self::env( 'FAKE_CALENDLY_TOKEN' ), $html, 'a pinned secret is never printed' );
	}

	public function test_a_changed_seal_key_shows_in_site_health_and_the_webhook_answers_503(): void {
		$body = Fixtures::encode( $this->fixtures->load( 'invitee_created' ) );
		self::pinConstants( array( 'TFSP_CALENDLY_SEAL_KEY' => bin2hex( random_bytes( 24 ) ) ) );

		$r = $this->deliver( $body );
		$this->assertSame( 503, $r['status'], $r['body'] );
		$this->assertSame( 'tfsp_calendly_signing_key_unreadable', $r['json']['code'] ?? null );
		$this->assertArrayHasKey( 'retry-after', $r['headers'] );

		$page = self::adminPage( 'site-health.php' );
		$this->assertSame( 200, $page['status'] );
		$this->assertStringContainsString( 'Calendly Sync needs attention', $page['body'] );
		$this->assertStringContainsString( 'can no longer be opened', $page['body'] );
		$this->assertStringContainsString( 'Enter the Calendly access token again', $page['body'] );
		$this->assertStringContainsString( 'register the webhook subscription again', $page['body'] );
		$this->assertStringNotContainsString( self::env( 'CALENDLY_SIGNING_KEY' ), $page['body'] );

		self::unpinConstants();
		$this->assertSame( 200, $this->deliver( $body )['status'], 'with the key back, the stored secrets open again' );
	}
}
