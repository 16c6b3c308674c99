<?php
// SPDX-License-Identifier: MIT
/**
 * The signing key ring rotates only when Calendly accepts the new key: a newly generated key
 * is held as pending and becomes current on 201; a refused attempt discards it, so failed
 * registrations never push the live subscription's key out of the ring.  A pinned
 * TFSP_CALENDLY_SIGNING_KEY is never rotated.
 */
final class KeyRotationTest extends CalendlyTestCase {

	protected function tearDown(): void {
		self::unpinConstants();
		self::resetFake();
		self::restoreConnection();
		parent::tearDown();
	}

	/** The fake's subscriptions of this site. */
	private static function subscriptions(): array {
		return array_values( array_filter( self::fakeState()['webhook_subscriptions'], static fn( $s ) => str_starts_with( $s['callback_url'], self::env( 'WEBHOOK_URL' ) ) ) );
	}

	private function deliverSigned( string $key ): int {
		$body = Fixtures::encode( ( new Fixtures() )->load( 'invitee_created' ) );
		return $this->deliver( $body, null, $key )['status'];
	}

	private static function storedRing(): ?string {
		return self::rows( 'SELECT setting_value FROM ' . self::table( 'tfsp_calendly_settings' ) . " WHERE setting_key = 'signing_key'" )[0]['setting_value'] ?? null;
	}

	public function test_two_failed_registrations_keep_the_live_key(): void {
		$live = self::env( 'CALENDLY_SIGNING_KEY' );
		$this->assertSame( 200, $this->deliverSigned( $live ) );
		$ring = self::storedRing();

		self::switches( array( 'webhooks_plan_gate' => true ) );
		foreach ( array( 1, 2 ) as $attempt ) {
			$out = self::plugin( 'register', array(), false );
			$this->assertSame( 'tfsp_calendly_forbidden', $out['error'] ?? null, "attempt $attempt is refused" );
		}
		self::switches( array( 'webhooks_plan_gate' => false ) );

		$this->assertSame( 200, $this->deliverSigned( $live ), 'a delivery signed with the live key still verifies' );
		$subs = self::subscriptions();
		$this->assertCount( 1, $subs );
		$this->assertSame( $live, $subs[0]['signing_key'], 'the live subscription is untouched' );
		$this->assertSame( $ring, self::storedRing(), 'the stored key ring did not change' );
	}

	public function test_an_accepted_registration_makes_the_new_key_current(): void {
		$made = self::plugin( 'register' );
		$subs = self::subscriptions();
		$this->assertCount( 1, $subs, 'the old subscription is replaced' );
		$this->assertSame( $made['uri'], $subs[0]['uri'] );
		$new = $subs[0]['signing_key'];
		$this->assertNotSame( self::env( 'CALENDLY_SIGNING_KEY' ), $new, 'a new key was generated' );
		$this->assertSame( 200, $this->deliverSigned( $new ) );
		$this->assertSame( 401, $this->deliverSigned( self::env( 'CALENDLY_SIGNING_KEY' ) ), 'the old key left the ring with its subscription' );
	}

	public function test_a_pinned_key_is_never_rotated(): void {
		$live = self::env( 'CALENDLY_SIGNING_KEY' );
		$ring = self::storedRing();
		self::pinConstants( array( 'TFSP_CALENDLY_SIGNING_KEY' => $live ) );
		$made = self::plugin( 'register', array( bin2hex( random_bytes( 20 ) ) ) );
		$subs = self::subscriptions();
		$this->assertCount( 1, $subs );
		$this->assertSame( $made['uri'], $subs[0]['uri'] );
		$this->assertSame( $live, $subs[0]['signing_key'], 'registered with the pinned key, not the one offered' );
		self::switches( array( 'webhooks_plan_gate' => true ) );
		self::plugin( 'register', array(), false );
		self::switches( array( 'webhooks_plan_gate' => false ) );
		$this->assertSame( $ring, self::storedRing(), 'nothing stored over the pinned key' );
		$this->assertSame( 200, $this->deliverSigned( $live ) );
	}
}
