<?php
// SPDX-License-Identifier: MIT
/**
 * The subscription is identified by its Calendly URI and the callback URL it was made for.
 * When the site's webhook URL changes (here: plain permalinks, so rest_url() becomes
 * ?rest_route=...), the health check neither creates a second subscription, nor deletes or
 * replaces the one it has, nor back-fills because of it, even once Calendly disables it;
 * the Sync page says what happened and what to do.
 */
final class SiteMoveTest extends CalendlyTestCase {

	private ?string $permalinks = null;

	protected function setUp(): void {
		parent::setUp();
		$this->permalinks = self::rows( 'SELECT option_value FROM ' . self::table( 'options' ) . " WHERE option_name = 'permalink_structure'" )[0]['option_value'] ?? null;
	}

	protected function tearDown(): void {
		self::exec( 'UPDATE ' . self::table( 'options' ) . " SET option_value = ? WHERE option_name = 'permalink_structure'", array( (string) $this->permalinks ) );
		self::resetFake();
		self::restoreConnection();
		parent::tearDown();
	}

	/** Every subscription in the fake, by URI => [callback_url, state]. */
	private static function fakeSubscriptions(): array {
		$out = array();
		foreach ( self::fakeState()['webhook_subscriptions'] as $sub ) {
			$out[ $sub['uri'] ] = array( $sub['callback_url'], $sub['state'] );
		}
		ksort( $out );
		return $out;
	}

	private static function lastJob(): int {
		return (int) ( self::rows( 'SELECT MAX(id) AS m FROM ' . self::table( 'tfsp_calendly_backfills' ) )[0]['m'] ?? 0 );
	}

	public function test_a_changed_site_url_never_replaces_or_backfills_and_the_sync_page_says_so(): void {
		$this->assertNotSame( '', (string) $this->permalinks, 'the stack uses pretty permalinks' );
		self::cron( 'tfsp_calendly_health' );
		$before = self::fakeSubscriptions();
		$mine   = array_keys( array_filter( $before, static fn( $s ) => self::env( 'WEBHOOK_URL' ) === $s[0] ) );
		$this->assertCount( 1, $mine );
		$jobs = self::lastJob();

		self::exec( 'UPDATE ' . self::table( 'options' ) . " SET option_value = '' WHERE option_name = 'permalink_structure'" );
		self::cron( 'tfsp_calendly_health' );
		self::cron( 'tfsp_calendly_health' );
		$this->assertSame( $before, self::fakeSubscriptions(), 'no second subscription, none deleted or replaced' );
		$this->assertSame( $jobs, self::lastJob(), 'no back-fill queued' );

		// Even a disabled subscription is left to the site it was made for.
		self::control( 'subscription_state', array( 'uri' => $mine[0], 'state' => 'disabled' ) );
		self::cron( 'tfsp_calendly_health' );
		$after = $before;
		$after[ $mine[0] ][1] = 'disabled';
		$this->assertSame( $after, self::fakeSubscriptions(), 'not recreated at the new URL' );
		$this->assertSame( $jobs, self::lastJob(), 'no recovery back-fill' );

		$page = self::adminPage( 'admin.php?page=tfsp-calendly-sync' );
		$this->assertSame( 200, $page['status'] );
		$text = html_entity_decode( tfsp_test_page_text( $page['body'] ), ENT_QUOTES );
		$this->assertStringContainsString( 'The webhook URL of this site changed', $text );
		$this->assertStringContainsString( self::env( 'WEBHOOK_URL' ), $text, 'names the URL the subscription was made for' );
		$this->assertStringContainsString( 'rest_route=', $text, 'and the URL the site has now' );
		$this->assertStringContainsString( 'register the webhook subscription again', $text, 'says what to do' );
	}
}

/** The text of an HTML page, tags removed. */
function tfsp_test_page_text( string $html ): string {
	return (string) preg_replace( '/\s+/', ' ', strip_tags( (string) preg_replace( '#<(script|style)\b.*?</\1>#si', '', $html ) ) );
}
