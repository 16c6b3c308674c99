<?php
// SPDX-License-Identifier: MIT
/**
 * Tools > Site Health, as support/site-health.php sees it in-process: the
 * plugin's debug-information section (versions of the plugin, the extension
 * and its libraries, the mode, the subscription, the last verified delivery
 * and cron run) and its tests, with and without the extension; the Plugins
 * screen's Settings link and the suggested privacy-policy text.
 */
final class SiteHealthTest extends CalendlyTestCase {

	private static function health( bool $with_extension ): array {
		[ $code, $out, $err ] = self::php( 'site-health.php', array(), $with_extension );
		self::assertSame( 0, $code, $err . $out );
		self::assertStringNotContainsString( 'Fatal', $err . $out );
		$health = json_decode( trim( $out ), true );
		self::assertIsArray( $health, $out . $err );
		return $health;
	}

	public function test_with_the_extension_every_version_and_the_sync_state_is_shown(): void {
		self::cron( 'tfsp_calendly_health' ); // The health check asks the fake Calendly for the subscription.
		[ $code, $out, $err ] = self::php( 'run-cron.php', array( 'tfsp_calendly_progress' ) );
		$this->assertSame( 0, $code, $out . $err );
		$health  = self::health( true );
		$release = trim( (string) file_get_contents( CALSYNC_TEST_ROOT . '/VERSION' ) );
		$fields  = $health['info']['fields'];

		$this->assertSame( $release, $fields['plugin_version']['value'] );
		$this->assertSame( $release . ' ok', $fields['extension_version']['debug'] );
		foreach ( array( 'jansson_version', 'libcurl_version', 'openssl_version' ) as $library ) {
			$this->assertMatchesRegularExpression( '/^\d+\.\d+/', $fields[ $library ]['value'], $library );
		}
		$this->assertSame( 'webhooks', $fields['mode']['value'] );
		$this->assertSame( 'active', $fields['subscription']['value'] );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', $fields['last_cron_run']['value'], 'the progress job just ran' );
		$this->assertArrayHasKey( 'last_delivery', $fields );

		$tests = $health['tests'];
		$this->assertSame( 'good', $tests['tfsp_calendly_extension']['status'] );
		$this->assertSame( 'good', $tests['tfsp_calendly_secrets']['status'] );
		$this->assertSame( 'good', $tests['tfsp_calendly_subscription']['status'], $tests['tfsp_calendly_subscription']['description'] );
		$this->assertSame( 'good', $tests['tfsp_calendly_cron']['status'], $tests['tfsp_calendly_cron']['description'] );
		$this->assertSame( 'recommended', $tests['tfsp_calendly_webhook_url']['status'], 'the stack is on loopback' );
		$this->assertStringContainsString( 'development stack', $tests['tfsp_calendly_webhook_url']['label'] );
		foreach ( $tests as $name => $test ) {
			$this->assertStringContainsString( 'page=tfsp-calendly-sync', $test['actions'], "$name links to the Sync page" );
		}
		$this->assertSame( 'recommended', $health['late_cron']['status'], 'a job an hour late means WP-Cron does not run' );
		$this->assertStringContainsString( 'tfsp_calendly_retention', $health['late_cron']['description'] );

		$this->assertStringContainsString( 'page=tfsp-calendly-settings', implode( ' ', $health['links'] ), 'a Settings link on the Plugins screen' );
		$this->assertStringContainsString( 'your e-mail address', $health['policy'], 'the suggested privacy-policy text' );
		$this->assertStringContainsString( 'data-kind="backfill_failing"', $health['alert'] );
		$this->assertStringContainsString( 'page=tfsp-calendly-sync', $health['alert'], 'an alert notice links to the Sync page' );
	}

	public function test_without_the_extension_it_says_so_and_reads_what_is_stored(): void {
		$health = self::health( false );
		$fields = $health['info']['fields'];
		$this->assertSame( 'not loaded', $fields['extension_version']['debug'] );
		$this->assertSame( 'not loaded', $fields['jansson_version']['value'] );
		$this->assertSame( trim( (string) file_get_contents( CALSYNC_TEST_ROOT . '/VERSION' ) ), $fields['plugin_version']['value'] );
		$this->assertSame( 'critical', $health['tests']['tfsp_calendly_extension']['status'] );
		$this->assertStringContainsString( 'Students still see their sessions', $health['tests']['tfsp_calendly_extension']['description'] );
		$this->assertSame( 'good', $health['tests']['tfsp_calendly_secrets']['status'], 'not checked without the core, and not reported broken' );
		$this->assertStringContainsString( 'once the calsync extension is loaded', $health['tests']['tfsp_calendly_secrets']['description'] );
	}
}
