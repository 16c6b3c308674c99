<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The editor script's dependencies, written by hand (there is no build
 * step): WordPress 6.1 reads them from here for "file:./index.js".
 *
 * @package TFSP\CalendlySync
 */

return array(
	'dependencies' => array( 'wp-blocks', 'wp-element', 'wp-server-side-render' ),
	'version'      => '0.2.0',
);
