<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The sealing key of secret settings: TFSP_CALENDLY_SEAL_KEY when defined, else derived from WordPress's salts.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Secrets {

	private ?\Calsync\Sealer $sealer = null;

	/** Where the key comes from: "constant" or "salts". */
	public function source(): string {
		return defined( 'TFSP_CALENDLY_SEAL_KEY' ) ? 'constant' : 'salts';
	}

	/**
	 * @throws SecretUnavailable When no key of at least 16 bytes can be formed, or the
	 *                           extension is not loaded.
	 */
	public function sealer( string $setting = '' ): \Calsync\Sealer {
		if ( null === $this->sealer && ! Plugin::requirements_met() ) {
			throw new SecretUnavailable( $setting, 'no_extension' ); // The sealer is the core's.
		}
		if ( null === $this->sealer ) {
			if ( defined( 'TFSP_CALENDLY_SEAL_KEY' ) ) {
				$secret = (string) constant( 'TFSP_CALENDLY_SEAL_KEY' );
			} else {
				$secret = '';
				foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY' ) as $name ) {
					$secret .= defined( $name ) ? (string) constant( $name ) : '';
				}
			}
			try {
				$this->sealer = new \Calsync\Sealer( $secret );
			} catch ( \ValueError $e ) {
				throw new SecretUnavailable( $setting, 'no_seal_key' );
			}
		}
		return $this->sealer;
	}

	public function seal( string $plain, string $setting ): string {
		return $this->sealer( $setting )->seal( $plain, $setting );
	}

	/**
	 * @throws SecretUnavailable When the value does not open (never read as empty).
	 */
	public function open( string $sealed, string $setting ): string {
		try {
			return $this->sealer( $setting )->open( $sealed, $setting );
		} catch ( \Calsync\SealException $e ) {
			throw new SecretUnavailable( $setting, $e->reason );
		}
	}
}
