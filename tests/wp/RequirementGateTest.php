<?php
// SPDX-License-Identifier: MIT
/**
 * Without the calsync extension the site keeps working, wp-admin says why, and
 * the webhook route answers 503 (so that Calendly retries) instead of a fatal error.
 */
final class RequirementGateTest extends StackTestCase {

	public function test_missing_extension_gives_a_notice_and_503(): void {
		[ $code, $out, $err ] = self::php( 'gate.php', array(), false );
		$this->assertSame( 0, $code, $err . $out );
		$this->assertStringNotContainsString( 'Fatal', $err . $out );
		$gate = json_decode( trim( $out ), true );
		$this->assertIsArray( $gate, $out );
		$this->assertTrue( $gate['plugin_active'] );
		$this->assertStringContainsString( 'the PHP extension "calsync" is not loaded', html_entity_decode( $gate['notice'], ENT_QUOTES ) );
		$this->assertStringContainsString( 'notice-error', $gate['notice'] );
		$this->assertSame( 503, $gate['status'] );
		$this->assertSame( 'tfsp_calendly_extension_missing', $gate['code'] );
		$this->assertNotNull( $gate['retry_after'] );
		$this->assertSame( 503, $gate['status_broken'], 'an invalid JSON body is 503 too, not 400' );
		$this->assertSame( 200, $gate['ping'] );
		$this->assertNotSame( '', $gate['blogname'], 'the rest of the site works' );
	}

	public function test_an_extension_older_than_the_minimum_counts_as_missing_and_a_newer_one_works(): void {
		$release = trim( (string) file_get_contents( CALSYNC_TEST_ROOT . '/VERSION' ) );
		[ $code, $out, $err ] = self::php( 'extension-status.php', array( '-', '0.1.0', '0.1.9', $release, '99.0.0' ) );
		$this->assertSame( 0, $code, $err . $out );
		$status = json_decode( trim( $out ), true );
		$this->assertIsArray( $status, $out . $err );
		$this->assertSame( $release, $status['version'], 'the loaded extension is this release' );
		$this->assertSame( $release, $status['newest'], 'the newest extension the plugin knows is its own release' );
		$this->assertSame( 'ok', $status['loaded'] );
		$this->assertTrue( $status['met'] );
		$this->assertSame( '0.2.0', $status['min'], 'the stored answers need the chain standing of 0.2.0' );
		$this->assertSame(
			array(
				'-'      => 'missing',
				'0.1.0'  => 'too_old',
				'0.1.9'  => 'too_old',
				$release => 'ok',
				'99.0.0' => 'newer',
			),
			$status['given']
		);
	}

	public function test_with_the_extension_no_notice_is_shown(): void {
		$r = curl_init( self::env( 'WP_URL' ) . '/wp-json/tfsp-calendly/v1/ping' );
		curl_setopt( $r, CURLOPT_RETURNTRANSFER, true );
		$this->assertSame( '{"ok":true}', curl_exec( $r ) );
		$this->assertSame( 200, curl_getinfo( $r, CURLINFO_RESPONSE_CODE ) );
		curl_close( $r );
	}
}
