<?php
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

	/** @var string "format", "key", "auth" or "no_seal_key". */
	public string $reason;

	public function __construct( string $setting, string $reason ) {
		$this->setting = $setting;
		$this->reason  = $reason;
		parent::__construct( 'secret', sprintf( 'The stored value of "%s" cannot be opened (%s).', $setting, $reason ), array( 'setting' => $setting ) );
	}
}
