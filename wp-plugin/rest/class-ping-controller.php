<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * GET /tfsp-calendly/v1/ping: a public no-op for uptime checks and the benchmark baseline.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Rest;

defined( 'ABSPATH' ) || exit;

final class PingController extends \WP_REST_Controller {

	public function __construct() {
		$this->namespace = 'tfsp-calendly/v1';
		$this->rest_base = 'ping';
	}

	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => '__return_true',
				),
			)
		);
	}

	/** @param \WP_REST_Request $request Request. */
	public function get_item( $request ) {
		return new \WP_REST_Response( array( 'ok' => true ), 200 );
	}
}
