<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The sessions routes:
 *
 * - POST /tfsp-calendly/v1/sessions/{id}/mark (mark: attended|no_show|rescheduled|none, note):
 *   a coach's attendance mark from the Sessions list, through the Attendance service; the
 *   tfsp_calendly_mark_attendance capability.
 * - POST /tfsp-calendly/v1/sessions/{id}/student (student_id: a user, 0 unlinks;
 *   remember_email): an admin's link, through StudentLinks (the Unmatched page's code path);
 *   the tfsp_calendly_manage capability.
 *
 * Cookie authentication with the REST nonce.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Rest;

use TFSP\CalendlySync\Admin\SessionStatus;
use TFSP\CalendlySync\Attendance;
use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\SessionListRepository;

defined( 'ABSPATH' ) || exit;

final class SessionsController extends \WP_REST_Controller {

	public const NOTE_MAX = 1000;

	private Plugin $plugin;

	public function __construct( Plugin $plugin ) {
		$this->plugin    = $plugin;
		$this->namespace = 'tfsp-calendly/v1';
		$this->rest_base = 'sessions';
	}

	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/(?P<id>\d+)/mark',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'update_item' ),
					'permission_callback' => array( $this, 'update_item_permissions_check' ),
					'args'                => array(
						'id'   => self::id_arg(),
						'mark' => array(
							'description' => __( 'The attendance mark; "none" clears it.', 'tfsp-calendly-sync' ),
							'type'        => 'string',
							'enum'        => Attendance::MARKS,
							'required'    => true,
						),
						'note' => array(
							'description' => __( 'A note for the audit trail.', 'tfsp-calendly-sync' ),
							'type'        => 'string',
							'maxLength'   => self::NOTE_MAX,
							'default'     => '',
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/(?P<id>\d+)/student',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'link_student' ),
					'permission_callback' => array( $this, 'link_student_permissions_check' ),
					'args'                => array(
						'id'             => self::id_arg(),
						'student_id'     => array(
							'description' => __( 'The WordPress user who is the student; 0 unlinks the session (automatic matching then leaves it alone).', 'tfsp-calendly-sync' ),
							'type'        => 'integer',
							'minimum'     => 0,
							'required'    => true,
						),
						'remember_email' => array(
							'description' => __( 'Also remember the booking\'s e-mail as the student\'s alias, and link every unmatched session with it.', 'tfsp-calendly-sync' ),
							'type'        => 'boolean',
							'default'     => false,
						),
					),
				),
				'schema' => array( $this, 'get_link_schema' ),
			)
		);
	}

	/** The {id} of every session route. */
	private static function id_arg(): array {
		return array(
			'description' => __( 'The session.', 'tfsp-calendly-sync' ),
			'type'        => 'integer',
			'minimum'     => 1,
			'required'    => true,
		);
	}

	/** @param \WP_REST_Request $request Request. */
	public function link_student_permissions_check( $request ) {
		if ( current_user_can( Plugin::CAP_MANAGE ) ) {
			return true;
		}
		return new \WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to link sessions to students.', 'tfsp-calendly-sync' ), array( 'status' => rest_authorization_required_code() ) );
	}

	/** @param \WP_REST_Request $request Request. */
	public function link_student( $request ) {
		$result = $this->plugin->student_links()->link( (int) $request['id'], (int) $request['student_id'], (bool) $request['remember_email'], get_current_user_id() );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		$row = $result['session'];
		return rest_ensure_response(
			array(
				'id'               => (int) $row['id'],
				'student_id'       => null === $row['student_id'] ? null : (int) $row['student_id'],
				'student_unlinked' => (bool) (int) $row['student_unlinked'],
				'status'           => (string) $row['status'],
				'reattributed_ids' => $result['reattributed_ids'],
				'alias'            => $result['alias'],
			)
		);
	}

	public function get_link_schema(): array {
		$ro = array(
			'context'  => array( 'view' ),
			'readonly' => true,
		);
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'tfsp-calendly-session-student',
			'type'       => 'object',
			'properties' => array(
				'id'               => array( 'type' => 'integer' ) + $ro,
				'student_id'       => array( 'type' => array( 'integer', 'null' ) ) + $ro,
				'student_unlinked' => array(
					'description' => __( 'An admin unlinked the student: automatic matching leaves the session alone.', 'tfsp-calendly-sync' ),
					'type'        => 'boolean',
				) + $ro,
				'status'           => array( 'type' => 'string' ) + $ro,
				'reattributed_ids' => array(
					'description' => __( 'The sessions whose student changed, the chosen one first.', 'tfsp-calendly-sync' ),
					'type'        => 'array',
					'items'       => array( 'type' => 'integer' ),
				) + $ro,
				'alias'            => array(
					'description' => __( 'The e-mail remembered as the student\'s alias, or null.', 'tfsp-calendly-sync' ),
					'type'        => array( 'string', 'null' ),
				) + $ro,
			),
		);
	}

	/** @param \WP_REST_Request $request Request. */
	public function update_item_permissions_check( $request ) {
		if ( current_user_can( Plugin::CAP_MARK_ATTENDANCE ) ) {
			return true;
		}
		return new \WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to mark attendance.', 'tfsp-calendly-sync' ), array( 'status' => rest_authorization_required_code() ) );
	}

	/** @param \WP_REST_Request $request Request. */
	public function update_item( $request ) {
		$id     = (int) $request['id'];
		$result = self::mark( $this->plugin, $id, (string) $request['mark'], self::clean_note( (string) $request['note'] ), get_current_user_id() );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		try {
			$row = Plugin::instance()->session_list()->find( $id );
		} catch ( DatabaseError $e ) {
			$row = null;
		}
		return rest_ensure_response( $this->prepare_item_for_response( array( 'row' => $row, 'result' => $result ), $request ) );
	}

	/**
	 * Applies a mark through the Attendance service, then keeps the note in the audit trail.
	 *
	 * @return array{status:string,changed:bool,calendly:?string}|\WP_Error
	 */
	public static function mark( Plugin $plugin, int $id, string $mark, string $note, int $user_id ) {
		$result = $plugin->attendance()->mark( $id, $mark, $user_id );
		if ( is_wp_error( $result ) || '' === $note ) {
			return $result;
		}
		try {
			$plugin->audit()->add( $id, 'coach', $user_id, 'note', null, $note, 'attendance mark: ' . $mark, null, Clock::now_us() );
		} catch ( DatabaseError $e ) {
			return $e->to_wp_error( __( 'The mark was saved, but its note could not be saved because of a database error.', 'tfsp-calendly-sync' ) );
		}
		return $result;
	}

	/**
	 * A note as stored: the coach's words kept as written (escaped wherever shown), valid
	 * UTF-8 without control characters, at most NOTE_MAX characters.
	 */
	public static function clean_note( string $note ): string {
		$note = (string) preg_replace( '/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/', '', wp_check_invalid_utf8( $note, true ) );
		return mb_substr( trim( $note ), 0, self::NOTE_MAX );
	}

	/**
	 * @param array            $item    ['row' => ?array, 'result' => array].
	 * @param \WP_REST_Request $request Request.
	 */
	public function prepare_item_for_response( $item, $request ) {
		$row    = $item['row'];
		$result = $item['result'];
		$labels = SessionStatus::labels();
		$shown  = null === $row ? (string) $result['status'] : SessionStatus::shown( $row );
		return rest_ensure_response(
			array(
				'id'            => null === $row ? (int) $request['id'] : (int) $row['id'],
				'status'        => (string) $result['status'],
				'shown_status'  => $shown,
				'status_label'  => $labels[ $shown ] ?? $shown,
				'mark'          => null === $row ? null : $row['coach_mark'],
				'conflict'      => null !== $row && (bool) (int) $row['conflict'],
				'conflict_text' => null !== $row && (int) $row['conflict'] ? SessionStatus::conflict_text( $row ) : null,
				'changed'       => (bool) $result['changed'],
				'calendly'      => $result['calendly'],
			)
		);
	}

	public function get_item_schema() {
		$ro = array(
			'context'  => array( 'view' ),
			'readonly' => true,
		);
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'tfsp-calendly-session-mark',
			'type'       => 'object',
			'properties' => array(
				'id'            => array( 'type' => 'integer' ) + $ro,
				'status'        => array(
					'type' => 'string',
					'enum' => array( 'scheduled', 'canceled', 'rescheduled', 'attended', 'no_show' ),
				) + $ro,
				'shown_status'  => array( 'type' => 'string' ) + $ro,
				'status_label'  => array( 'type' => 'string' ) + $ro,
				'mark'          => array( 'type' => array( 'string', 'null' ) ) + $ro,
				'conflict'      => array( 'type' => 'boolean' ) + $ro,
				'conflict_text' => array( 'type' => array( 'string', 'null' ) ) + $ro,
				'changed'       => array( 'type' => 'boolean' ) + $ro,
				'calendly'      => array(
					'description' => __( 'Two-way no-show: "created", "deleted", an error message, or null when nothing was sent.', 'tfsp-calendly-sync' ),
					'type'        => array( 'string', 'null' ),
				) + $ro,
			),
		);
	}
}
