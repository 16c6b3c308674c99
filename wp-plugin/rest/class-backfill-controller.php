<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * POST /tfsp-calendly/v1/backfill (from, to: RFC 3339) queues a back-fill and answers its id;
 * GET /tfsp-calendly/v1/backfill/{id} shows its state, counts and last error (the Sync page's progress).
 *
 * Cookie authentication with the REST nonce and the tfsp_calendly_manage capability.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Rest;

use TFSP\CalendlySync\Backfill;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Plugin;

defined( 'ABSPATH' ) || exit;

final class BackfillController extends \WP_REST_Controller {

	/** The longest window one job may cover. */
	public const MAX_WINDOW_DAYS = 366;

	private Plugin $plugin;

	public function __construct( Plugin $plugin ) {
		$this->plugin    = $plugin;
		$this->namespace = 'tfsp-calendly/v1';
		$this->rest_base = 'backfill';
	}

	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => array(
						'from' => array(
							'description' => __( 'Start of the window of event start times (RFC 3339, inclusive).', 'tfsp-calendly-sync' ),
							'type'        => 'string',
							'format'      => 'date-time',
							'required'    => true,
						),
						'to'   => array(
							'description' => __( 'End of the window of event start times (RFC 3339, exclusive).', 'tfsp-calendly-sync' ),
							'type'        => 'string',
							'format'      => 'date-time',
							'required'    => true,
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/(?P<id>\d+)',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
					'args'                => array(
						'id' => array(
							'description' => __( 'The back-fill job.', 'tfsp-calendly-sync' ),
							'type'        => 'integer',
							'minimum'     => 1,
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	public function create_item_permissions_check( $request ) {
		return self::can_manage();
	}

	public function get_item_permissions_check( $request ) {
		return self::can_manage();
	}

	/** @return true|\WP_Error */
	public static function can_manage() {
		if ( current_user_can( Plugin::CAP_MANAGE ) ) {
			return true;
		}
		return new \WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to manage the Calendly sync.', 'tfsp-calendly-sync' ), array( 'status' => rest_authorization_required_code() ) );
	}

	/** @param \WP_REST_Request $request Request. */
	public function create_item( $request ) {
		$missing = Plugin::core_missing();
		if ( null !== $missing ) {
			return $missing->to_wp_error(); // A back-fill applies what it reads through the core.
		}
		try {
			$from = \Calsync\Time::parse( (string) $request['from'] );
			$to   = \Calsync\Time::parse( (string) $request['to'] );
		} catch ( \Calsync\Exception $e ) {
			return new \WP_Error( 'rest_invalid_param', __( 'from and to must be RFC 3339 times.', 'tfsp-calendly-sync' ), array( 'status' => 400 ) );
		}
		if ( $to <= $from ) {
			return new \WP_Error( 'rest_invalid_param', __( 'to must be later than from.', 'tfsp-calendly-sync' ), array( 'status' => 400 ) );
		}
		if ( $to - $from > self::MAX_WINDOW_DAYS * DAY_IN_SECONDS * 1000000 ) {
			/* translators: %d: days */
			return new \WP_Error( 'rest_invalid_param', sprintf( __( 'A back-fill covers at most %d days; start several.', 'tfsp-calendly-sync' ), self::MAX_WINDOW_DAYS ), array( 'status' => 400 ) );
		}
		try {
			$id  = $this->plugin->backfill()->queue( 'admin', $from, $to, get_current_user_id() );
			$job = $this->plugin->backfills()->find( $id );
		} catch ( DatabaseError $e ) {
			return $e->to_wp_error( __( 'The back-fill could not be queued because of a database error.', 'tfsp-calendly-sync' ) );
		}
		$response = rest_ensure_response( $this->prepare_item_for_response( $job, $request ) );
		$response->set_status( 201 );
		$response->header( 'Location', rest_url( $this->namespace . '/' . $this->rest_base . '/' . $id ) );
		return $response;
	}

	/** @param \WP_REST_Request $request Request. */
	public function get_item( $request ) {
		try {
			$job = $this->plugin->backfills()->find( (int) $request['id'] );
		} catch ( DatabaseError $e ) {
			return $e->to_wp_error( __( 'The back-fill could not be read because of a database error.', 'tfsp-calendly-sync' ) );
		}
		if ( null === $job ) {
			return new \WP_Error( 'rest_not_found', __( 'There is no such back-fill.', 'tfsp-calendly-sync' ), array( 'status' => 404 ) );
		}
		return rest_ensure_response( $this->prepare_item_for_response( $job, $request ) );
	}

	/**
	 * @param array            $item    The job row.
	 * @param \WP_REST_Request $request Request.
	 */
	public function prepare_item_for_response( $item, $request ) {
		return rest_ensure_response( Backfill::view( $item ) );
	}

	public function get_item_schema() {
		if ( $this->schema ) {
			return $this->add_additional_fields_schema( $this->schema );
		}
		$count        = array(
			'type'     => 'integer',
			'context'  => array( 'view' ),
			'readonly' => true,
		);
		$this->schema = array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'tfsp-calendly-backfill',
			'type'       => 'object',
			'properties' => array(
				'id'          => array( 'description' => __( 'Job id.', 'tfsp-calendly-sync' ) ) + $count,
				'state'       => array(
					'description' => __( 'queued, running, done or failed.', 'tfsp-calendly-sync' ),
					'type'        => 'string',
					'enum'        => array( 'queued', 'running', 'done', 'failed' ),
					'context'     => array( 'view' ),
					'readonly'    => true,
				),
				'reason'      => array(
					'description' => __( 'Who started it: admin, recovery (after a disabled subscription) or polling (webhooks refused).', 'tfsp-calendly-sync' ),
					'type'        => 'string',
					'context'     => array( 'view' ),
					'readonly'    => true,
				),
				'from'        => array(
					'type'     => 'string',
					'format'   => 'date-time',
					'context'  => array( 'view' ),
					'readonly' => true,
				),
				'to'          => array(
					'type'     => 'string',
					'format'   => 'date-time',
					'context'  => array( 'view' ),
					'readonly' => true,
				),
				'cursor'      => array(
					'description' => __( 'Pages of events finished, and events finished on the current page.', 'tfsp-calendly-sync' ),
					'type'        => 'object',
					'context'     => array( 'view' ),
					'readonly'    => true,
				),
				'counts'      => array(
					'description' => __( 'pages_done, events_seen, events_skipped (updated_at unchanged or type not chosen), invitees_synced, invitees_failed, requests, throttled, slices, errors.', 'tfsp-calendly-sync' ),
					'type'        => 'object',
					'context'     => array( 'view' ),
					'readonly'    => true,
				),
				'last_error'  => array(
					'type'     => array( 'string', 'null' ),
					'context'  => array( 'view' ),
					'readonly' => true,
				),
				'created_at'  => array(
					'type'     => array( 'string', 'null' ),
					'context'  => array( 'view' ),
					'readonly' => true,
				),
				'started_at'  => array(
					'type'     => array( 'string', 'null' ),
					'context'  => array( 'view' ),
					'readonly' => true,
				),
				'finished_at' => array(
					'type'     => array( 'string', 'null' ),
					'context'  => array( 'view' ),
					'readonly' => true,
				),
			),
		);
		return $this->add_additional_fields_schema( $this->schema );
	}
}
