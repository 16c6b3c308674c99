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
 * - POST /tfsp-calendly/v1/sessions (student_id, coach_id, start, end, note): a session entered
 *   by hand, through HandEntries; 201 with the session and a Location header.
 * - PATCH /tfsp-calendly/v1/sessions/{id} (start, end, coach_id, note) and DELETE: edit or
 *   remove a session entered by hand (409 for a Calendly session).
 *
 * Every route answers the one session item (get_item_schema()), the mark and link routes with
 * their own fields besides.  Cookie authentication with the REST nonce.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Rest;

use TFSP\CalendlySync\Admin\SessionStatus;
use TFSP\CalendlySync\Attendance;
use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\HandEntries;
use TFSP\CalendlySync\SessionWriter;
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
			'/' . $this->rest_base,
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'create_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => self::entry_args( true ),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/' . $this->rest_base . '/(?P<id>\d+)',
			array(
				array(
					'methods'             => 'PATCH',
					'callback'            => array( $this, 'edit_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => array( 'id' => self::id_arg() ) + self::entry_args( false ),
				),
				array(
					'methods'             => \WP_REST_Server::DELETABLE,
					'callback'            => array( $this, 'delete_item' ),
					'permission_callback' => array( $this, 'create_item_permissions_check' ),
					'args'                => array( 'id' => self::id_arg() ),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
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
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * The fields of a session entered by hand.  $create: POST (student_id, start and end
	 * required); else PATCH (every field optional, none defaulted, so that only what the request
	 * holds is changed; student_id is taken only to be refused).
	 */
	private static function entry_args( bool $create ): array {
		$time = array(
			'type'              => 'string',
			'validate_callback' => static function ( $value, $request, $param ) {
				return is_string( $value ) && '' !== $value ? true : new \WP_Error( 'rest_invalid_param', sprintf( /* translators: %s: the field. */ __( '%s must be a time in RFC 3339 with an offset.', 'tfsp-calendly-sync' ), $param ), array( 'status' => 400 ) );
			},
		);
		$args = array(
			'student_id' => array(
				'description' => __( 'The student (a user of this site).', 'tfsp-calendly-sync' ),
				'type'        => 'integer',
				'minimum'     => 1,
				'required'    => $create,
			),
			'coach_id'   => array(
				'description' => __( 'The coach who held it; default the current user. A coach may name only themselves.', 'tfsp-calendly-sync' ),
				'type'        => 'integer',
				'minimum'     => 1,
			),
			'start'      => array(
				'description' => __( 'Start, RFC 3339 with an offset (2026-03-05T09:00:00-06:00).', 'tfsp-calendly-sync' ),
				'required'    => $create,
			) + $time,
			'end'        => array(
				'description' => __( 'End, RFC 3339 with an offset; after the start, at most 24 hours later.', 'tfsp-calendly-sync' ),
				'required'    => $create,
			) + $time,
			'note'       => array(
				'description' => __( 'A note kept with the session.', 'tfsp-calendly-sync' ),
				'type'        => 'string',
				'maxLength'   => HandEntries::NOTE_MAX,
			),
		);
		return $args;
	}

	/**
	 * Logged in with a right to enter sessions at all (the capability to mark attendance, or to
	 * manage); the setting and the coach named are the service's to check.
	 *
	 * @param \WP_REST_Request $request Request.
	 */
	public function create_item_permissions_check( $request ) {
		if ( current_user_can( Plugin::CAP_MANAGE ) || current_user_can( Plugin::CAP_MARK_ATTENDANCE ) ) {
			return true;
		}
		return new \WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to enter sessions.', 'tfsp-calendly-sync' ), array( 'status' => rest_authorization_required_code() ) );
	}

	/** @param \WP_REST_Request $request Request. */
	public function create_item( $request ) {
		$id = $this->plugin->hand_entries()->create( get_current_user_id(), self::entry_input( $request ) );
		if ( is_wp_error( $id ) ) {
			return $id;
		}
		$response = $this->item_response( $id );
		if ( ! is_wp_error( $response ) ) {
			$response->set_status( 201 );
			$response->header( 'Location', rest_url( $this->namespace . '/' . $this->rest_base . '/' . $id ) );
		}
		return $response;
	}

	/** @param \WP_REST_Request $request Request. */
	public function edit_item( $request ) {
		$id     = (int) $request['id'];
		$result = $this->plugin->hand_entries()->update( get_current_user_id(), $id, self::entry_input( $request ) );
		return is_wp_error( $result ) ? $result : $this->item_response( $id );
	}

	/** @param \WP_REST_Request $request Request. */
	public function delete_item( $request ) {
		$id     = (int) $request['id'];
		$before = $this->item_response( $id );
		$result = $this->plugin->hand_entries()->delete( get_current_user_id(), $id );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		$data = is_wp_error( $before ) ? array( 'id' => $id ) : $before->get_data();
		return rest_ensure_response(
			array(
				'deleted'  => true,
				'previous' => $data,
			)
		);
	}

	/** What the request holds of a hand entry's fields (PATCH: only what it sends). */
	private static function entry_input( \WP_REST_Request $request ): array {
		$input = array();
		foreach ( array( 'student_id', 'coach_id', 'start', 'end', 'note' ) as $key ) {
			if ( null !== $request->get_param( $key ) ) {
				$input[ $key ] = $request->get_param( $key );
			}
		}
		return $input;
	}

	/** The session item of one row, or the error of reading it. */
	private function item_response( int $id ) {
		try {
			$row = $this->plugin->session_list()->find( $id );
			if ( null === $row ) {
				return ( new \TFSP\CalendlySync\PluginError( 'no_session', 'no session ' . $id ) )->to_wp_error();
			}
			return rest_ensure_response( $this->session_item( $row ) );
		} catch ( DatabaseError $e ) {
			return $e->to_wp_error();
		}
	}

	/**
	 * The fields every session route answers (get_item_schema()).
	 *
	 * @param array $row A row of SessionListRepository.
	 */
	public function session_item( array $row ): array {
		$id = (int) $row['id'];
		return array(
			'id'         => $id,
			'student_id' => null === $row['student_id'] ? null : (int) $row['student_id'],
			'coach_ids'  => $this->plugin->session_coaches()->coaches_of( $id ),
			'start'      => self::rfc3339( $row['start_at'] ?? null ),
			'end'        => self::rfc3339( $row['end_at'] ?? null ),
			'status'     => (string) $row['status'],
			'source'     => null === ( $row['source'] ?? null ) ? null : (string) $row['source'],
			'entered_by' => null === ( $row['entered_by'] ?? null ) ? null : (int) $row['entered_by'],
			'entered_at' => self::rfc3339( $row['entered_at'] ?? null ),
			'note'       => SessionWriter::SOURCE_HAND === ( $row['source'] ?? null ) && null !== $row['notes'] ? (string) $row['notes'] : null,
		);
	}

	/** A stored UTC DATETIME as RFC 3339, or null. */
	private static function rfc3339( $value ): ?string {
		if ( null === $value || '' === $value || 0 === strpos( (string) $value, '0000-00-00' ) ) {
			return null;
		}
		return gmdate( 'Y-m-d\TH:i:s\Z', (int) intdiv( Clock::from_datetime( (string) $value ), 1000000 ) );
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
		try {
			$listed = $this->plugin->session_list()->find( (int) $row['id'] );
		} catch ( DatabaseError $e ) {
			$listed = null;
		}
		return rest_ensure_response(
			( null === $listed ? array() : $this->session_item( $listed ) ) + array(
				'id'               => (int) $row['id'],
				'student_id'       => null === $row['student_id'] ? null : (int) $row['student_id'],
				'student_unlinked' => (bool) (int) $row['student_unlinked'],
				'status'           => (string) $row['status'],
				'reattributed_ids' => $result['reattributed_ids'],
				'alias'            => $result['alias'],
			)
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
			// At the mark's instant: the History shows the note in the mark's entry.
			$plugin->audit()->add( $id, 'coach', $user_id, 'note', null, $note, 'attendance mark: ' . $mark, null, (int) ( $result['at_us'] ?? Clock::now_us() ) );
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
			( null === $row ? array() : $this->session_item( $row ) ) + array(
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

	/**
	 * The one session item of every session route.  The core fields (id, student_id, coach_ids,
	 * start, end, status, source, entered_by, entered_at, note) are in every answer; the mark
	 * route adds its mark fields, the link route its link fields.
	 */
	public function get_item_schema() {
		if ( $this->schema ) {
			return $this->add_additional_fields_schema( $this->schema );
		}
		$ro           = array(
			'context'  => array( 'view' ),
			'readonly' => true,
		);
		$this->schema = array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'tfsp-calendly-session',
			'type'       => 'object',
			'properties' => array(
				'id'               => array( 'type' => 'integer' ) + $ro,
				'student_id'       => array( 'type' => array( 'integer', 'null' ) ) + $ro,
				'coach_ids'        => array(
					'description' => __( 'The session\'s coaches (every host who is a user; a session entered by hand has one).', 'tfsp-calendly-sync' ),
					'type'        => 'array',
					'items'       => array( 'type' => 'integer' ),
				) + $ro,
				'start'            => array(
					'type'   => array( 'string', 'null' ),
					'format' => 'date-time',
				) + $ro,
				'end'              => array(
					'type'   => array( 'string', 'null' ),
					'format' => 'date-time',
				) + $ro,
				'status'           => array(
					'type' => 'string',
					'enum' => array( 'scheduled', 'canceled', 'rescheduled', 'attended', 'no_show' ),
				) + $ro,
				'source'           => array(
					'description' => __( '"calendly" (made by the sync), "hand" (entered by hand), or null (the portal\'s own older rows).', 'tfsp-calendly-sync' ),
					'type'        => array( 'string', 'null' ),
				) + $ro,
				'entered_by'       => array(
					'description' => __( 'Who entered the session by hand (a user id), or null.', 'tfsp-calendly-sync' ),
					'type'        => array( 'integer', 'null' ),
				) + $ro,
				'entered_at'       => array(
					'type'   => array( 'string', 'null' ),
					'format' => 'date-time',
				) + $ro,
				'note'             => array( 'type' => array( 'string', 'null' ) ) + $ro,
				'shown_status'     => array( 'type' => 'string' ) + $ro,
				'status_label'     => array( 'type' => 'string' ) + $ro,
				'mark'             => array( 'type' => array( 'string', 'null' ) ) + $ro,
				'conflict'         => array( 'type' => 'boolean' ) + $ro,
				'conflict_text'    => array( 'type' => array( 'string', 'null' ) ) + $ro,
				'changed'          => array( 'type' => 'boolean' ) + $ro,
				'calendly'         => array(
					'description' => __( 'Two-way no-show: "created", "deleted", an error message, or null when nothing was sent.', 'tfsp-calendly-sync' ),
					'type'        => array( 'string', 'null' ),
				) + $ro,
				'student_unlinked' => array(
					'description' => __( 'An admin unlinked the student: automatic matching leaves the session alone.', 'tfsp-calendly-sync' ),
					'type'        => 'boolean',
				) + $ro,
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
		return $this->add_additional_fields_schema( $this->schema );
	}
}
