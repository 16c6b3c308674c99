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
 * - GET /tfsp-calendly/v1/sessions (status, student, coach, after, before, orderby, order,
 *   per_page, cursor): the sessions the user may read, newest first, keyset paged: the next
 *   page's opaque cursor is in the Link header (rel="next"), X-WP-Total is exact, page > 1 is
 *   refused.  A student reads their own sessions, a coach those they host, a holder of
 *   tfsp_calendly_mark_any_session (lead coaches, admins) every session.
 * - GET /tfsp-calendly/v1/sessions/{id}: one session, by the same rules.
 * - GET /tfsp-calendly/v1/students/{id}/progress: a student's progress (the stored answers, read
 *   as the Progress page reads them): the student themselves, a coach of one of their sessions,
 *   a holder of tfsp_calendly_mark_any_session.
 *
 * Every route answers the one session item (get_item_schema()), the mark and link routes with
 * their own fields besides.  The invitee's name and e-mail are in context=edit only, which the
 * session's coaches, lead coaches and admins may ask for (the write routes answer it).  The GET
 * routes read stored columns only, so they answer without the calsync extension.  Cookie
 * authentication with the REST nonce, or an application password.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Rest;

use TFSP\CalendlySync\Admin\KeysetPagination;
use TFSP\CalendlySync\Admin\SessionStatus;
use TFSP\CalendlySync\Attendance;
use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\HandEntries;
use TFSP\CalendlySync\SessionWriter;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\PluginError;
use TFSP\CalendlySync\SessionAccess;
use TFSP\CalendlySync\SessionListRepository;

defined( 'ABSPATH' ) || exit;

final class SessionsController extends \WP_REST_Controller {

	public const NOTE_MAX = 1000;

	/** The statuses a session can have (the core's). */
	public const STATUSES = array( 'scheduled', 'canceled', 'rescheduled', 'attended', 'no_show' );

	/** Sorts of the collection: keys of SessionListRepository::SORTS. */
	public const ORDERBY = array( 'start', 'id' );

	public const PER_PAGE_DEFAULT = 10;
	public const PER_PAGE_MAX     = 100;

	private Plugin $plugin;

	/** @var array<int,array> Rows read by a permission check, for its callback. */
	private array $checked_rows = array();

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
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_items' ),
					'permission_callback' => array( $this, 'get_items_permissions_check' ),
					'args'                => $this->get_collection_params(),
				),
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
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_item' ),
					'permission_callback' => array( $this, 'get_item_permissions_check' ),
					'args'                => array(
						'id'      => self::id_arg(),
						'context' => $this->get_context_param( array( 'default' => 'view' ) ),
					),
				),
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
		register_rest_route(
			$this->namespace,
			'/students/(?P<id>\d+)/progress',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_progress' ),
					'permission_callback' => array( $this, 'get_progress_permissions_check' ),
					'args'                => array(
						'id'      => array(
							'description' => __( 'The student (a user of this site).', 'tfsp-calendly-sync' ),
							'type'        => 'integer',
							'minimum'     => 1,
							'required'    => true,
						),
						'context' => array(
							'description' => __( 'Scope under which the request is made; determines fields present in response.', 'tfsp-calendly-sync' ),
							'type'        => 'string',
							'enum'        => array( 'view', 'embed', 'edit' ),
							'default'     => 'view',
						),
					),
				),
				'schema' => array( $this, 'get_progress_schema' ),
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
		$id   = (int) $row['id'];
		$text = static fn( $value ): ?string => null === $value || '' === $value ? null : (string) $value;
		return array(
			'id'                     => $id,
			'student_id'             => null === $row['student_id'] ? null : (int) $row['student_id'],
			'coach_ids'              => $row['_coach_ids'] ?? $this->plugin->session_coaches()->coaches_of( $id ),
			'start'                  => self::rfc3339( $row['start_at'] ?? null ),
			'end'                    => self::rfc3339( $row['end_at'] ?? null ),
			'status'                 => (string) $row['status'],
			'needs_attendance'       => (bool) (int) ( $row['needs_attendance'] ?? 0 ),
			'counts_toward_progress' => (bool) (int) ( $row['counts_toward_progress'] ?? 0 ),
			'event_name'             => $text( $row['event_name'] ?? null ),
			'reschedule_url'         => $text( $row['reschedule_url'] ?? null ),
			'cancel_url'             => $text( $row['cancel_url'] ?? null ),
			'invitee_name'           => $text( $row['invitee_name'] ?? null ),
			'invitee_email'          => $text( $row['invitee_email'] ?? null ),
			'source'                 => null === ( $row['source'] ?? null ) ? null : (string) $row['source'],
			'entered_by'             => null === ( $row['entered_by'] ?? null ) ? null : (int) $row['entered_by'],
			'entered_at'             => self::rfc3339( $row['entered_at'] ?? null ),
			'note'                   => SessionWriter::SOURCE_HAND === ( $row['source'] ?? null ) && null !== $row['notes'] ? (string) $row['notes'] : null,
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

	/**
	 * The parameters of GET /sessions: the filters, the order and the keyset paging.
	 */
	public function get_collection_params() {
		return array(
			'context'  => $this->get_context_param( array( 'default' => 'view' ) ),
			'per_page' => array(
				'description' => __( 'Maximum number of sessions in one answer.', 'tfsp-calendly-sync' ),
				'type'        => 'integer',
				'default'     => self::PER_PAGE_DEFAULT,
				'minimum'     => 1,
				'maximum'     => self::PER_PAGE_MAX,
			),
			'cursor'   => array(
				'description'       => __( 'Where the page starts: the opaque cursor of the previous answer\'s Link header (rel="next").', 'tfsp-calendly-sync' ),
				'type'              => 'string',
				'validate_callback' => static function ( $value, $request, $param ) {
					$valid = rest_validate_request_arg( $value, $request, $param );
					if ( true !== $valid ) {
						return $valid;
					}
					return is_string( $value ) && null !== KeysetPagination::decode_key( $value ) ? true : new \WP_Error( 'rest_invalid_param', __( 'cursor is not a position of this list: take it from the Link header (rel="next") unchanged.', 'tfsp-calendly-sync' ), array( 'status' => 400 ) );
				},
			),
			'page'     => array(
				'description'       => __( 'Only 1: the list is paged by cursor (see the Link header), not by page number.', 'tfsp-calendly-sync' ),
				'type'              => 'integer',
				'default'           => 1,
				'minimum'           => 1,
				'validate_callback' => static function ( $value, $request, $param ) {
					$valid = rest_validate_request_arg( $value, $request, $param );
					if ( true !== $valid ) {
						return $valid;
					}
					return 1 === (int) $value ? true : new \WP_Error( 'rest_invalid_param', __( 'page must be 1: this list is paged by cursor; follow the Link header (rel="next").', 'tfsp-calendly-sync' ), array( 'status' => 400 ) );
				},
			),
			'status'   => array(
				'description' => __( 'Only sessions with one of these statuses.', 'tfsp-calendly-sync' ),
				'type'        => 'array',
				'items'       => array(
					'type' => 'string',
					'enum' => self::STATUSES,
				),
			),
			'student'  => array(
				'description' => __( 'Only the sessions of this student (a user id).', 'tfsp-calendly-sync' ),
				'type'        => 'integer',
				'minimum'     => 1,
			),
			'coach'    => array(
				'description' => __( 'Only the sessions this coach hosts (a user id).', 'tfsp-calendly-sync' ),
				'type'        => 'integer',
				'minimum'     => 1,
			),
			'after'    => array(
				'description' => __( 'Only sessions starting at or after this time (RFC 3339).', 'tfsp-calendly-sync' ),
				'type'        => 'string',
				'format'      => 'date-time',
			),
			'before'   => array(
				'description' => __( 'Only sessions starting before this time (RFC 3339).', 'tfsp-calendly-sync' ),
				'type'        => 'string',
				'format'      => 'date-time',
			),
			'orderby'  => array(
				'description' => __( 'Sort by the start time (sessions without one last when descending) or by id.', 'tfsp-calendly-sync' ),
				'type'        => 'string',
				'enum'        => self::ORDERBY,
				'default'     => 'start',
			),
			'order'    => array(
				'description' => __( 'Sort direction.', 'tfsp-calendly-sync' ),
				'type'        => 'string',
				'enum'        => array( 'asc', 'desc' ),
				'default'     => 'desc',
			),
		);
	}

	/** The error of a logged-out request (401) or of one the user may not make (403). */
	private static function refused( string $code, string $message ): \WP_Error {
		return new \WP_Error( $code, $message, array( 'status' => rest_authorization_required_code() ) );
	}

	/**
	 * GET /sessions: logged in; context=edit for those whose list holds only sessions they may
	 * mark (coaches, lead coaches, admins); a student's list is their own.
	 *
	 * @param \WP_REST_Request $request Request.
	 */
	public function get_items_permissions_check( $request ) {
		if ( ! is_user_logged_in() ) {
			return self::refused( 'rest_forbidden', __( 'Sorry, you must be logged in to read sessions.', 'tfsp-calendly-sync' ) );
		}
		$coach = current_user_can( Plugin::CAP_MARK_ATTENDANCE );
		if ( 'edit' === $request['context'] && ! $coach ) {
			return self::refused( 'rest_forbidden_context', __( 'Sorry, you are not allowed to read the invitees\' details of sessions.', 'tfsp-calendly-sync' ) );
		}
		if ( ! $coach && ! empty( $request['student'] ) && (int) $request['student'] !== get_current_user_id() ) {
			return self::refused( 'rest_forbidden', __( 'Sorry, you may read only your own sessions.', 'tfsp-calendly-sync' ) );
		}
		return true;
	}

	/**
	 * The filters of GET /sessions for SessionListRepository, within what the user may read: a
	 * holder of tfsp_calendly_mark_any_session everything, a coach the sessions they host, anyone
	 * else their own sessions.
	 */
	private static function collection_filters( \WP_REST_Request $request, int $user_id ): array {
		$filters = array(
			'view' => 'all',
			'now'  => gmdate( 'Y-m-d H:i:s' ),
		);
		if ( ! empty( $request['status'] ) ) {
			$filters['status'] = array_values( array_unique( (array) $request['status'] ) );
		}
		if ( ! empty( $request['student'] ) ) {
			$filters['student'] = (int) $request['student'];
		}
		foreach ( array( 'after' => 'from', 'before' => 'to' ) as $param => $key ) {
			if ( ! empty( $request[ $param ] ) ) {
				$filters[ $key ] = gmdate( 'Y-m-d H:i:s', (int) rest_parse_date( (string) $request[ $param ] ) );
			}
		}
		$hosted = empty( $request['coach'] ) ? array() : array( (int) $request['coach'] );
		if ( ! SessionAccess::sees_all( $user_id ) ) {
			if ( user_can( $user_id, Plugin::CAP_MARK_ATTENDANCE ) ) {
				$hosted[] = $user_id;
			} else {
				$filters['student'] = $user_id;
			}
		}
		if ( $hosted ) {
			$filters['hosted_by'] = $hosted;
		}
		return $filters;
	}

	/**
	 * GET /sessions: one keyset page (the Sessions list's SessionListRepository::page() and
	 * KeysetPagination), X-WP-Total exact, the next page's cursor in the Link header.
	 *
	 * @param \WP_REST_Request $request Request.
	 */
	public function get_items( $request ) {
		$sort     = in_array( $request['orderby'], self::ORDERBY, true ) ? (string) $request['orderby'] : 'start';
		$column   = SessionListRepository::SORTS[ $sort ];
		$desc     = 'asc' !== $request['order'];
		$per_page = (int) $request['per_page'];
		$cursor   = null;
		if ( null !== $request['cursor'] && '' !== $request['cursor'] ) {
			$position = KeysetPagination::position_of_key( (string) $request['cursor'], $sort, $desc );
			if ( null === $position ) {
				return PluginError::invalid_param( 'cursor', __( 'cursor belongs to another order or is no position of this list: take it from the Link header (rel="next") unchanged.', 'tfsp-calendly-sync' ) );
			}
			$cursor = array( 'dir' => 'after' ) + $position;
		}
		$filters = self::collection_filters( $request, get_current_user_id() );
		$list    = $this->plugin->session_list();
		try {
			$total = $list->count( $filters );
			$rows  = $list->page( $filters, $sort, $desc, $cursor, $per_page + 1 );
			$pages = new KeysetPagination();
			$rows  = $pages->take( $rows, $per_page, $total, null === $cursor ? 'first' : 'after' );
			$this->coach_ids_of( $rows, $request );
		} catch ( DatabaseError $e ) {
			return $e->to_wp_error( __( 'The sessions could not be read because of a database error.', 'tfsp-calendly-sync' ) );
		}
		$items = array();
		foreach ( $rows as $row ) {
			$items[] = $this->prepare_response_for_collection( $this->prepare_item_for_response( $row, $request ) );
		}
		$response = rest_ensure_response( $items );
		$response->header( 'X-WP-Total', (string) $total );
		$response->header( 'X-WP-TotalPages', (string) (int) ceil( $total / $per_page ) );
		if ( $pages->has_next() && $rows ) {
			$query = $request->get_query_params();
			unset( $query['cursor'], $query['page'] );
			$query['cursor'] = KeysetPagination::position_key( $sort, $column, $desc, $rows[ count( $rows ) - 1 ] );
			$response->link_header( 'next', add_query_arg( map_deep( $query, 'rawurlencode' ), rest_url( $this->namespace . '/' . $this->rest_base ) ) );
		}
		return $response;
	}

	/**
	 * The coaches of the rows (when the answer holds coach_ids or its links), read at once and
	 * kept with each row as "_coach_ids".
	 *
	 * @param array<int,array> $rows Rows, changed in place.
	 * @throws DatabaseError On a database error.
	 */
	private function coach_ids_of( array &$rows, \WP_REST_Request $request ): void {
		$fields = $this->get_fields_for_response( $request );
		if ( ! rest_is_field_included( 'coach_ids', $fields ) && ! rest_is_field_included( '_links', $fields ) ) {
			return;
		}
		$coaches = $this->plugin->session_coaches()->coaches_of_many( array_map( static fn( $r ) => (int) $r['id'], $rows ) );
		foreach ( $rows as &$row ) {
			$row['_coach_ids'] = $coaches[ (int) $row['id'] ] ?? array();
		}
		unset( $row );
	}

	/**
	 * GET /sessions/{id}: logged in; the session's student, its coaches, and holders of
	 * tfsp_calendly_mark_any_session; context=edit for those who may mark it.  404 for no
	 * session (of any user).
	 *
	 * @param \WP_REST_Request $request Request.
	 */
	public function get_item_permissions_check( $request ) {
		if ( ! is_user_logged_in() ) {
			return self::refused( 'rest_forbidden', __( 'Sorry, you must be logged in to read sessions.', 'tfsp-calendly-sync' ) );
		}
		$id   = (int) $request['id'];
		$user = get_current_user_id();
		try {
			$row = $this->plugin->session_list()->find( $id );
			if ( null === $row ) {
				return ( new PluginError( 'no_session', 'no session ' . $id ) )->to_wp_error();
			}
			$coach = $this->plugin->session_access()->may_mark( $user, $id );
		} catch ( DatabaseError $e ) {
			return $e->to_wp_error();
		}
		if ( ! $coach && (int) $row['student_id'] !== $user ) {
			return self::refused( 'rest_forbidden', __( 'Sorry, you may read only your own sessions and those you coach.', 'tfsp-calendly-sync' ) );
		}
		if ( 'edit' === $request['context'] && ! $coach ) {
			return self::refused( 'rest_forbidden_context', __( 'Sorry, you are not allowed to read the invitee\'s details of this session.', 'tfsp-calendly-sync' ) );
		}
		$this->checked_rows[ $id ] = $row;
		return true;
	}

	/** @param \WP_REST_Request $request Request. */
	public function get_item( $request ) {
		$id  = (int) $request['id'];
		$row = $this->checked_rows[ $id ] ?? null;
		unset( $this->checked_rows[ $id ] );
		try {
			$row = $row ?? $this->plugin->session_list()->find( $id );
			if ( null === $row ) {
				return ( new PluginError( 'no_session', 'no session ' . $id ) )->to_wp_error();
			}
			$rows = array( $row );
			$this->coach_ids_of( $rows, $request );
		} catch ( DatabaseError $e ) {
			return $e->to_wp_error();
		}
		return $this->prepare_item_for_response( $rows[0], $request );
	}

	/**
	 * One session of a GET route: the item's fields for the request's context and _fields, and
	 * its links (self, collection, the student, each coach, the student's progress).
	 *
	 * @param array            $item    A row of SessionListRepository (with "_coach_ids" when read).
	 * @param \WP_REST_Request $request Request.
	 */
	public function prepare_item_for_response( $item, $request ) {
		$data     = $this->session_item( $item );
		$data     = $this->add_additional_fields_to_object( $data, $request );
		$data     = $this->filter_response_by_context( $data, $request['context'] ?? 'view' );
		$response = rest_ensure_response( $data );
		if ( rest_is_field_included( '_links', $this->get_fields_for_response( $request ) ) ) {
			$response->add_links( $this->prepare_links( $item ) );
		}
		return $response;
	}

	/** The links of one session. */
	private function prepare_links( array $row ): array {
		$base  = $this->namespace . '/' . $this->rest_base;
		$links = array(
			'self'       => array( 'href' => rest_url( $base . '/' . (int) $row['id'] ) ),
			'collection' => array( 'href' => rest_url( $base ) ),
		);
		if ( null !== $row['student_id'] ) {
			$student             = (int) $row['student_id'];
			$links['student']    = array(
				'href'       => rest_url( 'wp/v2/users/' . $student ),
				'embeddable' => true,
			);
			$links['progress'] = array( 'href' => rest_url( $this->namespace . '/students/' . $student . '/progress' ) );
		}
		foreach ( $row['_coach_ids'] ?? array() as $coach ) {
			$links['coach'][] = array(
				'href'       => rest_url( 'wp/v2/users/' . (int) $coach ),
				'embeddable' => true,
			);
		}
		return $links;
	}

	/**
	 * GET /students/{id}/progress: logged in; the student themselves, a coach of one of their
	 * sessions, a holder of tfsp_calendly_mark_any_session; 404 for no such user.  context=edit
	 * (the student's e-mail) for coaches, lead coaches and admins who may read it.
	 *
	 * @param \WP_REST_Request $request Request.
	 */
	public function get_progress_permissions_check( $request ) {
		if ( ! is_user_logged_in() ) {
			return self::refused( 'rest_forbidden', __( 'Sorry, you must be logged in to read progress.', 'tfsp-calendly-sync' ) );
		}
		$student = (int) $request['id'];
		$user    = get_current_user_id();
		if ( ! get_userdata( $student ) ) {
			return new \WP_Error( 'rest_user_invalid_id', __( 'Invalid user ID.', 'tfsp-calendly-sync' ), array( 'status' => 404 ) );
		}
		$coach = SessionAccess::sees_all( $user );
		if ( ! $coach && current_user_can( Plugin::CAP_MARK_ATTENDANCE ) ) {
			try {
				$coach = $this->plugin->progress_repository()->is_student_of( $student, $user );
			} catch ( DatabaseError $e ) {
				return $e->to_wp_error();
			}
		}
		if ( ! $coach && $student !== $user ) {
			return self::refused( 'rest_forbidden', __( 'Sorry, you may read only your own progress and that of the students you coach.', 'tfsp-calendly-sync' ) );
		}
		if ( 'edit' === $request['context'] && ! $coach ) {
			return self::refused( 'rest_forbidden_context', __( 'Sorry, you are not allowed to read the student\'s details.', 'tfsp-calendly-sync' ) );
		}
		return true;
	}

	/**
	 * GET /students/{id}/progress: the Progress page's figures of one student
	 * (Progress::with_stats(), SQL over the stored answers).
	 *
	 * @param \WP_REST_Request $request Request.
	 */
	public function get_progress( $request ) {
		$user = get_userdata( (int) $request['id'] );
		try {
			$rows = $this->plugin->progress()->with_stats(
				array(
					array(
						'ID'           => (string) $user->ID,
						'user_login'   => (string) $user->user_login,
						'display_name' => (string) $user->display_name,
						'user_email'   => (string) $user->user_email,
					),
				)
			);
		} catch ( DatabaseError $e ) {
			return $e->to_wp_error( __( 'The progress could not be read because of a database error.', 'tfsp-calendly-sync' ) );
		}
		$row  = $rows[0];
		$data = array(
			'student_id'       => (int) $row['id'],
			'name'             => $row['name'],
			'email'            => $row['email'],
			'attended'         => (int) $row['attended'],
			'attended_by_hand' => (int) $row['by_hand'],
			'required'         => (int) $row['required'],
			'completed'        => (bool) $row['completed'],
			'upcoming'         => (int) $row['upcoming'],
			'no_show'          => (int) $row['no_show'],
			'last_session'     => self::rfc3339( $row['last_session'] ),
		);
		$schema = $this->get_progress_schema();
		$data   = rest_filter_response_by_context( $data, $schema, (string) ( $request['context'] ?? 'view' ) );
		$answer = rest_ensure_response( $data );
		if ( ! empty( $request['_fields'] ) && ! rest_is_field_included( '_links', wp_parse_list( $request['_fields'] ) ) ) {
			return $answer;
		}
		$answer->add_links(
			array(
				'self'     => array( 'href' => rest_url( $this->namespace . '/students/' . (int) $row['id'] . '/progress' ) ),
				'student'  => array(
					'href'       => rest_url( 'wp/v2/users/' . (int) $row['id'] ),
					'embeddable' => true,
				),
				'sessions' => array( 'href' => add_query_arg( 'student', (int) $row['id'], rest_url( $this->namespace . '/' . $this->rest_base ) ) ),
			)
		);
		return $answer;
	}

	/** The schema of a student's progress. */
	public function get_progress_schema(): array {
		$ro    = array(
			'context'  => array( 'view', 'edit', 'embed' ),
			'readonly' => true,
		);
		$count = array( 'type' => 'integer' ) + $ro;
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'tfsp-calendly-progress',
			'type'       => 'object',
			'properties' => array(
				'student_id'       => $count,
				'name'             => array(
					'description' => __( 'The student\'s display name.', 'tfsp-calendly-sync' ),
					'type'        => 'string',
				) + $ro,
				'email'            => array(
					'description' => __( 'The student\'s e-mail (context=edit).', 'tfsp-calendly-sync' ),
					'type'        => 'string',
					'context'     => array( 'edit' ),
					'readonly'    => true,
				),
				'attended'         => array( 'description' => __( 'Sessions that count toward the requirement (the stored answers).', 'tfsp-calendly-sync' ) ) + $count,
				'attended_by_hand' => array( 'description' => __( 'Of those, sessions entered by hand.', 'tfsp-calendly-sync' ) ) + $count,
				'required'         => array( 'description' => __( 'Attended sessions the requirement asks for.', 'tfsp-calendly-sync' ) ) + $count,
				'completed'        => array( 'type' => 'boolean' ) + $ro,
				'upcoming'         => array( 'description' => __( 'Scheduled sessions that have not started.', 'tfsp-calendly-sync' ) ) + $count,
				'no_show'          => $count,
				'last_session'     => array(
					'description' => __( 'Start of the latest session that has started (attended, no-show or scheduled).', 'tfsp-calendly-sync' ),
					'type'        => array( 'string', 'null' ),
					'format'      => 'date-time',
				) + $ro,
			),
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
		return rest_ensure_response( $this->mark_response( $row, $result, $request ) );
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
	 * The mark route's answer: the session item with the mark's outcome.
	 *
	 * @param array|null       $row     The session after the mark, or null when it could not be read.
	 * @param array            $result  Attendance::mark()'s answer.
	 * @param \WP_REST_Request $request Request.
	 */
	private function mark_response( ?array $row, array $result, $request ): \WP_REST_Response {
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
			'context'  => array( 'view', 'edit', 'embed' ),
			'readonly' => true,
		);
		$personal     = array(
			'context'  => array( 'edit' ),
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
					'enum' => self::STATUSES,
				) + $ro,
				'needs_attendance' => array(
					'description' => __( 'Scheduled and ended: a coach\'s mark is due (from the stored status and end).', 'tfsp-calendly-sync' ),
					'type'        => 'boolean',
				) + $ro,
				'counts_toward_progress' => array(
					'description' => __( 'The core\'s stored answer: the session counts toward the student\'s requirement.', 'tfsp-calendly-sync' ),
					'type'        => 'boolean',
				) + $ro,
				'event_name'       => array(
					'description' => __( 'The Calendly event type\'s name.', 'tfsp-calendly-sync' ),
					'type'        => array( 'string', 'null' ),
				) + $ro,
				'reschedule_url'   => array(
					'description' => __( 'Calendly\'s page to reschedule the booking.', 'tfsp-calendly-sync' ),
					'type'        => array( 'string', 'null' ),
					'format'      => 'uri',
				) + $ro,
				'cancel_url'       => array(
					'description' => __( 'Calendly\'s page to cancel the booking.', 'tfsp-calendly-sync' ),
					'type'        => array( 'string', 'null' ),
					'format'      => 'uri',
				) + $ro,
				'invitee_name'     => array(
					'description' => __( 'The name the invitee booked with (context=edit: the session\'s coaches, lead coaches, admins).', 'tfsp-calendly-sync' ),
					'type'        => array( 'string', 'null' ),
				) + $personal,
				'invitee_email'    => array(
					'description' => __( 'The e-mail the invitee booked with (context=edit: the session\'s coaches, lead coaches, admins).', 'tfsp-calendly-sync' ),
					'type'        => array( 'string', 'null' ),
					'format'      => 'email',
				) + $personal,
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
