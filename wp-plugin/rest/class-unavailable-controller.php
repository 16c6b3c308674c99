<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The webhook route while the calsync extension is missing: 503 with Retry-After, so that Calendly retries later.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Rest;

defined( 'ABSPATH' ) || exit;

final class UnavailableController extends \WP_REST_Controller {

	public function __construct() {
		$this->namespace = 'tfsp-calendly/v1';
		$this->rest_base = 'webhook';
	}

	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'                     => \WP_REST_Server::CREATABLE,
					'callback'                    => array( $this, 'create_item' ),
					'permission_callback'         => '__return_true',
					WebhookController::RAW_BODY => true,
				),
			)
		);
		add_filter( 'rest_request_before_callbacks', array( WebhookController::class, 'keep_raw_body' ), 10, 3 );
	}

	/** @param \WP_REST_Request $request Request. */
	public function create_item( $request ) {
		$response = new \WP_REST_Response(
			array(
				'code'    => 'tfsp_calendly_extension_missing',
				'message' => __( 'Calendly Sync cannot process webhooks: the PHP extension "calsync" is not loaded.', 'tfsp-calendly-sync' ),
				'data'    => array( 'status' => 503 ),
			),
			503
		);
		$response->header( 'Retry-After', '300' );
		return $response;
	}
}
