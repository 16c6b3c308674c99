<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A sealed setting that no longer opens (salts rotated, seal key changed): never read as empty.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class SecretUnavailable extends PluginError {

	/** @var string The setting's name. */
	public string $setting;

	/** @var string "format", "key", "auth", "no_seal_key" or "no_extension" (the core's sealer is missing: category "no_extension"). */
	public string $reason;

	public function __construct( string $setting, string $reason ) {
		$this->setting = $setting;
		$this->reason  = $reason;
		parent::__construct( 'no_extension' === $reason ? 'no_extension' : 'secret', sprintf( 'The stored value of "%s" cannot be opened (%s).', $setting, $reason ), array( 'setting' => $setting ) );
	}
}
