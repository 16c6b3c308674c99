<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * GET /tfsp-calendly/v1/health: the sync's health snapshot (as of the last check, or a fresh check
 * with ?refresh=1); POST /tfsp-calendly/v1/connection tests (and stores) the access token;
 * POST /tfsp-calendly/v1/subscription registers the webhook subscription with a new signing key.
 *
 * Cookie authentication with the REST nonce and the tfsp_calendly_manage capability.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Rest;

use TFSP\CalendlySync\Cron\HealthCheck;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Plugin;

defined( 'ABSPATH' ) || exit;

final class HealthController extends \WP_REST_Controller {

	private Plugin $plugin;

	public function __construct( Plugin $plugin ) {
		$this->plugin    = $plugin;
		$this->namespace = 'tfsp-calendly/v1';
		$this->rest_base = 'health';
	}

	public function register_routes(): void {
		$manage = array( BackfillController::class, 'can_manage' );
		register_rest_route(
			$this->namespace,
			'/health',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => $manage,
					'args'                => array(
						'refresh' => array(
							'description' => __( 'Run the health check now instead of showing the last one.', 'tfsp-calendly-sync' ),
							'type'        => 'boolean',
							'default'     => false,
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/connection',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'connect' ),
					'permission_callback' => $manage,
					'args'                => array(
						'token' => array(
							'description' => __( 'A Calendly personal access token to store; omitted: test the stored one.', 'tfsp-calendly-sync' ),
							'type'        => 'string',
							'minLength'   => 1,
						),
					),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/subscription',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'register_subscription' ),
					'permission_callback' => $manage,
					'args'                => array(),
				),
			)
		);
	}

	/** @param \WP_REST_Request $request Request. */
	public function get_item( $request ) {
		try {
			$health = $request['refresh'] ? $this->plugin->health_check()->run() : HealthCheck::snapshot( $this->plugin->settings_repository() );
		} catch ( DatabaseError $e ) {
			return $e->to_wp_error( __( 'The health data could not be read because of a database error.', 'tfsp-calendly-sync' ) );
		}
		if ( ! $health ) {
			return rest_ensure_response(
				array(
					'status'     => 'unknown',
					'checked_at' => null,
				)
			);
		}
		return rest_ensure_response( $health );
	}

	/** @param \WP_REST_Request $request Request. */
	public function connect( $request ) {
		$token  = $request->has_param( 'token' ) ? (string) $request['token'] : null;
		$result = $this->plugin->connection()->connect( $token );
		return is_wp_error( $result ) ? $result : rest_ensure_response( $result );
	}

	/** @param \WP_REST_Request $request Request. */
	public function register_subscription( $request ) {
		$result = $this->plugin->connection()->register( null );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		$response = rest_ensure_response( $result );
		$response->set_status( 201 );
		return $response;
	}

	public function get_item_schema() {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'tfsp-calendly-health',
			'type'       => 'object',
			'properties' => array(
				'status'       => array(
					'description' => __( 'ok, warning, error, or unknown before the first check.', 'tfsp-calendly-sync' ),
					'type'        => 'string',
					'context'     => array( 'view' ),
					'readonly'    => true,
				),
				'checked_at'   => array(
					'type'     => array( 'string', 'null' ),
					'context'  => array( 'view' ),
					'readonly' => true,
				),
				'mode'         => array(
					'description' => __( 'webhooks, or polling while Calendly refuses webhooks.', 'tfsp-calendly-sync' ),
					'type'        => 'string',
					'context'     => array( 'view' ),
					'readonly'    => true,
				),
				'connection'   => array(
					'type'     => 'object',
					'context'  => array( 'view' ),
					'readonly' => true,
				),
				'subscription' => array(
					'type'     => 'object',
					'context'  => array( 'view' ),
					'readonly' => true,
				),
				'deliveries'   => array(
					'type'     => 'object',
					'context'  => array( 'view' ),
					'readonly' => true,
				),
				'ledger'       => array(
					'type'     => 'object',
					'context'  => array( 'view' ),
					'readonly' => true,
				),
				'backfill'     => array(
					'type'     => array( 'object', 'null' ),
					'context'  => array( 'view' ),
					'readonly' => true,
				),
				'alerts'       => array(
					'type'     => 'array',
					'items'    => array( 'type' => 'string' ),
					'context'  => array( 'view' ),
					'readonly' => true,
				),
				'problems'     => array(
					'type'     => 'array',
					'items'    => array( 'type' => 'string' ),
					'context'  => array( 'view' ),
					'readonly' => true,
				),
			),
		);
	}
}
