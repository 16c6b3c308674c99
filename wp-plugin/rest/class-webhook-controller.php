<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * POST /tfsp-calendly/v1/webhook: Calendly's signed deliveries.
 *
 * A public route, authenticated by its signature rather than by cookies or
 * nonces.  Checks in order: body size (413, from rest_api_init before WordPress
 * reads or decodes the body, see refuse_oversized_body()), signature with the key ring
 * (401, or 429 once the client address has too many failed verifications
 * this minute; a valid signature is never refused), staleness (kept, 202),
 * then SessionSync (200 processed, duplicate or ignored; 202 failed).  Any
 * database error is 503, so that Calendly retries.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Rest;

use TFSP\CalendlySync\ClientAddress;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\SecretUnavailable;

defined( 'ABSPATH' ) || exit;

final class WebhookController extends \WP_REST_Controller {

	/** Marks the route whose callback reads the raw body, even when it is not valid JSON. */
	public const RAW_BODY = 'tfsp_calendly_raw_body';

	/** Seconds after which Calendly should try again when we answer 503. */
	private const RETRY_AFTER = 60;

	private Plugin $plugin;

	public function __construct( Plugin $plugin ) {
		$this->plugin    = $plugin;
		$this->namespace = 'tfsp-calendly/v1';
		$this->rest_base = 'webhook';
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
					'args'                => array(),
					self::RAW_BODY        => true,
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/** The route, as WordPress's rest_route query variable names it. */
	public const ROUTE = '/tfsp-calendly/v1/webhook';

	/**
	 * rest_api_init, first of all: a request to the webhook route whose
	 * Content-Length is over the limit is answered 413 here, before
	 * WP_REST_Server reads the body into the request and json-decodes it
	 * (an unsigned 3 MB body of nested arrays exhausts PHP's memory there).
	 * What PHP buffers before this is bounded by the web server's own limit
	 * (client_max_body_size / LimitRequestBody, see the README).
	 */
	public static function refuse_oversized_body( Plugin $plugin ): void {
		if ( ! defined( 'REST_REQUEST' ) || ! REST_REQUEST || ! isset( $GLOBALS['wp'] ) || empty( $GLOBALS['wp']->query_vars['rest_route'] ) ) {
			return;
		}
		if ( strtolower( untrailingslashit( (string) $GLOBALS['wp']->query_vars['rest_route'] ) ) !== self::ROUTE ) {
			return;
		}
		$length = isset( $_SERVER['CONTENT_LENGTH'] ) ? (int) $_SERVER['CONTENT_LENGTH'] : 0; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput
		try {
			$limit = (int) $plugin->settings()->get( 'webhook_body_limit' );
		} catch ( \Throwable $e ) {
			$limit = (int) $plugin->settings()->definitions()['webhook_body_limit']['default'];
		}
		if ( $length <= $limit ) {
			return; // create_item() checks the body it gets too (a body sent without Content-Length).
		}
		try {
			$plugin->counters()->increment( 'body_too_large' );
		} catch ( DatabaseError $e ) {
			unset( $e ); // The answer matters more than the count.
		}
		status_header( 413 );
		nocache_headers();
		header( 'Content-Type: application/json; charset=' . get_option( 'blog_charset' ) );
		header( 'Connection: close' );
		echo wp_json_encode(
			array(
				'code'    => 'tfsp_calendly_body_too_large',
				'message' => __( 'The webhook body is larger than the configured limit.', 'tfsp-calendly-sync' ),
				'data'    => array( 'status' => 413 ),
			)
		);
		exit;
	}

	/**
	 * WordPress answers 400 rest_invalid_json before a route's callback runs
	 * when a JSON body does not parse.  For our route the body is verified
	 * and stored byte for byte instead, so that error is dropped here (the
	 * filter runs after that check and before the permission check).
	 *
	 * @param mixed            $response Result so far.
	 * @param array            $handler  Matched handler.
	 * @param \WP_REST_Request $request  Request.
	 * @return mixed
	 */
	public static function keep_raw_body( $response, $handler, $request ) {
		if ( is_wp_error( $response ) && 'rest_invalid_json' === $response->get_error_code() && ! empty( $handler[ self::RAW_BODY ] ) ) {
			return null;
		}
		return $response;
	}

	/** Public: a delivery is authenticated by its signature in create_item(). */
	public function create_item_permissions_check( $request ) {
		return true;
	}

	/**
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function create_item( $request ) {
		$settings = $this->plugin->settings();
		try {
			$body = $request->get_body();
			if ( strlen( $body ) > (int) $settings->get( 'webhook_body_limit' ) ) {
				$this->plugin->counters()->increment( 'body_too_large' );
				return self::error( 'tfsp_calendly_body_too_large', __( 'The webhook body is larger than the configured limit.', 'tfsp-calendly-sync' ), 413 );
			}
			$keys = $settings->signing_keys();
			if ( ! $keys ) {
				return self::error( 'tfsp_calendly_not_configured', __( 'No webhook signing key is configured yet.', 'tfsp-calendly-sync' ), 503, array( 'Retry-After' => (string) self::RETRY_AFTER ) );
			}
			$header    = $request->get_header( 'calendly_webhook_signature' );
			$tolerance = (int) $settings->get( 'signature_tolerance' );
			$stale     = false;
			$timestamp = null;
			$refusal   = null;
			if ( null === $header || '' === trim( $header ) ) {
				$refusal = 'missing';
			} else {
				try {
					$verified  = \Calsync\Signature::verify( $header, $body, $keys, time(), $tolerance, $tolerance );
					$timestamp = (int) $verified['timestamp'];
				} catch ( \Calsync\SignatureException $e ) {
					if ( 'too_old' === $e->reason || 'too_new' === $e->reason ) {
						$stale     = true; // Authentic, but possibly a replay: kept, not applied.
						$timestamp = $e->timestamp;
					} else {
						$refusal = $e->reason;
					}
				}
			}
			if ( null !== $refusal ) {
				return $this->refuse( $request, $refusal );
			}

			$result = $this->plugin->sync()->receive( $body, $timestamp, $stale );
			$code   = in_array( $result['outcome'], array( 'stale', 'failed' ), true ) ? 202 : 200;
			return new \WP_REST_Response( array( 'status' => $result['outcome'] ), $code );
		} catch ( SecretUnavailable $e ) {
			return self::error( 'tfsp_calendly_signing_key_unreadable', __( 'The stored signing key cannot be opened; see Site Health.', 'tfsp-calendly-sync' ), 503, array( 'Retry-After' => (string) self::RETRY_AFTER ) );
		} catch ( DatabaseError $e ) {
			error_log( 'tfsp-calendly-sync webhook: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
			return self::error( 'tfsp_calendly_unavailable', __( 'The delivery could not be stored; please retry.', 'tfsp-calendly-sync' ), 503, array( 'Retry-After' => (string) self::RETRY_AFTER ) );
		} catch ( \ValueError $e ) {
			// A key ring the core refuses (an empty key): a configuration problem.
			return self::error( 'tfsp_calendly_not_configured', __( 'The webhook signing key is not usable.', 'tfsp-calendly-sync' ), 503, array( 'Retry-After' => (string) self::RETRY_AFTER ) );
		}
	}

	/** 401 for a failed verification, or 429 when the address has failed too often this minute. */
	private function refuse( \WP_REST_Request $request, string $reason ): \WP_REST_Response {
		$settings = $this->plugin->settings();
		$client   = ClientAddress::resolve(
			isset( $_SERVER['REMOTE_ADDR'] ) ? (string) $_SERVER['REMOTE_ADDR'] : '', // phpcs:ignore WordPress.Security.ValidatedSanitizedInput
			$request->get_header( 'x_forwarded_for' ),
			(array) $settings->get( 'trusted_proxies' )
		);
		$now      = time();
		$window   = $now - $now % 60;
		$throttle = $this->plugin->throttle();
		if ( $throttle->failures( $client, $window ) >= (int) $settings->get( 'webhook_rate_limit' ) ) {
			$this->plugin->counters()->increment( 'rate_limited' );
			return self::error( 'tfsp_calendly_rate_limited', __( 'Too many failed signature verifications from this address; try again later.', 'tfsp-calendly-sync' ), 429, array( 'Retry-After' => (string) ( $window + 60 - $now ) ) );
		}
		$throttle->record_failure( $client, $window );
		$this->plugin->counters()->increment( 'signature_' . $reason );
		$messages = array(
			'missing'   => __( 'The Calendly-Webhook-Signature header is missing.', 'tfsp-calendly-sync' ),
			'malformed' => __( 'The Calendly-Webhook-Signature header is malformed.', 'tfsp-calendly-sync' ),
			'mismatch'  => __( 'The webhook signature does not match.', 'tfsp-calendly-sync' ),
		);
		return self::error( 'tfsp_calendly_signature_' . $reason, $messages[ $reason ] ?? $messages['mismatch'], 401 );
	}

	/** An error in WordPress's REST error shape, with headers. */
	private static function error( string $code, string $message, int $status, array $headers = array() ): \WP_REST_Response {
		$response = new \WP_REST_Response(
			array(
				'code'    => $code,
				'message' => $message,
				'data'    => array( 'status' => $status ),
			),
			$status
		);
		foreach ( $headers as $name => $value ) {
			$response->header( $name, $value );
		}
		return $response;
	}

	public function get_item_schema() {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'tfsp-calendly-webhook-result',
			'type'       => 'object',
			'properties' => array(
				'status' => array(
					'description' => __( 'What became of the delivery.', 'tfsp-calendly-sync' ),
					'type'        => 'string',
					'enum'        => array( 'processed', 'duplicate', 'ignored', 'stale', 'failed' ),
					'context'     => array( 'view' ),
					'readonly'    => true,
				),
			),
		);
	}
}
