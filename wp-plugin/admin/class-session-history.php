<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A row's history on the Sessions page: its audit trail told as one entry per delivery or
 * action ("Booked in Calendly", "Marked attended by Coach Lee", "Linked to Ada Lovelace by
 * admin", "Entered by hand by Coach Lee"), each with its values (what changed, from what, to
 * what), who, when and why, and for Calendly the ledger row of the delivery (the Sync page's
 * view of it), folded in a details element.
 *
 * The audit rows of one write share its AuditActor: its instant (created_at, to the
 * microsecond), its ledger row and its principal actor (a write may add rows of the sync, the
 * links that a delivery's e-mail or host decides, under the same instant and ledger row).  The
 * rows of a session are written under its row lock, so those of one write follow each other.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\SessionRepository;

defined( 'ABSPATH' ) || exit;

final class SessionHistory {

	/** Fields of the trail whose values are user ids (coaches: a comma-separated list of them). */
	private const USER_FIELDS = array( 'student_id', 'coach_id', 'coach_mark_by', 'entered_by', 'coaches' );

	public static function actor_label( string $actor ): string {
		$labels = array(
			'calendly' => __( 'Calendly', 'tfsp-calendly-sync' ),
			'sync'     => __( 'Sync', 'tfsp-calendly-sync' ),
			'coach'    => __( 'Coach', 'tfsp-calendly-sync' ),
			'admin'    => __( 'Admin', 'tfsp-calendly-sync' ),
			'system'   => __( 'System', 'tfsp-calendly-sync' ),
		);
		return $labels[ $actor ] ?? $actor;
	}

	/**
	 * The users an entry names (actors, students, coaches), for cache_users() before rendering.
	 *
	 * @param array<int,array<string,mixed>> $rows Audit rows.
	 * @return int[]
	 */
	public static function user_ids( array $rows ): array {
		$ids = array();
		foreach ( $rows as $row ) {
			$ids[] = (int) $row['actor_user_id'];
			if ( in_array( (string) $row['field'], self::USER_FIELDS, true ) ) {
				foreach ( array( $row['old_value'], $row['new_value'] ) as $value ) {
					foreach ( explode( ',', (string) $value ) as $id ) {
						$ids[] = (int) $id;
					}
				}
			}
		}
		return array_values( array_filter( array_unique( $ids ) ) );
	}

	/**
	 * The audit rows of a session grouped into the writes that made them, in order.
	 *
	 * @param array<int,array<string,mixed>> $rows The session's audit rows, oldest first.
	 * @return array<int,array{actor_type:string,actor_user_id:?int,reason:string,ledger_id:?int,created_at:string,rows:array<int,array<string,mixed>>}>
	 */
	public static function entries( array $rows ): array {
		$entries = array();
		$current = null;
		foreach ( $rows as $row ) {
			$type   = (string) $row['actor_type'];
			$ledger = empty( $row['ledger_id'] ) ? null : (int) $row['ledger_id'];
			$same   = null !== $current
				&& (string) $row['created_at'] === $current['created_at']
				&& $ledger === $current['ledger_id']
				// The sync's rows belong to the write they are part of; two principals are two writes.
				&& ( 'sync' === $type || 'sync' === $current['actor_type'] || ( $type === $current['actor_type'] && (int) $row['actor_user_id'] === (int) $current['actor_user_id'] ) );
			if ( ! $same ) {
				if ( null !== $current ) {
					$entries[] = $current;
				}
				$current = array(
					'actor_type'    => $type,
					'actor_user_id' => empty( $row['actor_user_id'] ) ? null : (int) $row['actor_user_id'],
					'reason'        => (string) $row['reason'],
					'ledger_id'     => $ledger,
					'created_at'    => (string) $row['created_at'],
					'rows'          => array(),
				);
			} elseif ( 'sync' === $current['actor_type'] && 'sync' !== $type ) {
				// The write's principal is the one who is not the sync.
				$current['actor_type']    = $type;
				$current['actor_user_id'] = empty( $row['actor_user_id'] ) ? null : (int) $row['actor_user_id'];
				$current['reason']        = (string) $row['reason'];
			}
			$current['rows'][] = $row;
		}
		if ( null !== $current ) {
			$entries[] = $current;
		}
		return $entries;
	}

	/**
	 * @param array<int,array<string,mixed>> $rows   The session's audit rows, in order (the users
	 *                                               they name cached beforehand: user_ids()).
	 * @param string|null                    $origin "entered by hand by X" for a session entered by hand.
	 * @param array                          $session The session's row (its reschedule links tell a
	 *                                                reschedule's cancel from any other).
	 */
	public static function render( array $rows, ?string $origin = null, array $session = array() ): string {
		$origin_html = null === $origin ? '' : '<span class="tfsp-calendly-hand">' . esc_html( $origin ) . '</span> ';
		if ( ! $rows ) {
			return $origin_html . '<span class="description">' . esc_html__( 'No changes recorded.', 'tfsp-calendly-sync' ) . '</span>';
		}
		$entries   = self::entries( $rows );
		$may_sync  = current_user_can( Plugin::CAP_MANAGE );
		$last      = end( $entries );
		$count     = count( $entries );
		/* translators: 1: number of entries, 2: what the latest one was ("Booked in Calendly") */
		$summary = sprintf( _n( '%1$d entry, latest: %2$s', '%1$d entries, latest: %2$s', $count, 'tfsp-calendly-sync' ), $count, self::title( $last, $session ) );
		$out     = '<details class="tfsp-calendly-history"><summary>' . $origin_html . esc_html( $summary ) . '</summary><ol class="tfsp-calendly-history-entries">';
		foreach ( $entries as $entry ) {
			$out .= self::render_entry( $entry, $may_sync, $session );
		}
		$out .= '</ol></details>';
		return $out;
	}

	/** One entry: its title, when, why, the delivery it came from, and its values. */
	private static function render_entry( array $entry, bool $may_sync, array $session ): string {
		$at   = Clock::from_datetime( $entry['created_at'] );
		$out  = '<li class="tfsp-calendly-history-entry" data-actor="' . esc_attr( $entry['actor_type'] ) . '">';
		$out .= '<strong class="tfsp-calendly-history-title">' . esc_html( self::title( $entry, $session ) ) . '</strong> ';
		$out .= '<time datetime="' . esc_attr( gmdate( 'Y-m-d\TH:i:s\Z', intdiv( $at, 1000000 ) ) ) . '">' . esc_html( Clock::site_datetime( $entry['created_at'] ) ) . '</time>';
		if ( null !== $entry['ledger_id'] ) {
			/* translators: %d: the ledger row's id */
			$label = sprintf( __( 'delivery #%d', 'tfsp-calendly-sync' ), $entry['ledger_id'] );
			$out  .= ' <span class="tfsp-calendly-history-delivery">' . ( $may_sync ? '<a href="' . esc_url( self::ledger_url( $entry['ledger_id'] ) ) . '">' . esc_html( $label ) . '</a>' : esc_html( $label ) ) . '</span>';
		}
		if ( '' !== $entry['reason'] ) {
			/* translators: %s: why the change was made, as the audit trail holds it (an event name, "linked by an admin", ...) */
			$out .= '<div class="tfsp-calendly-history-reason description">' . esc_html( sprintf( __( 'Why: %s', 'tfsp-calendly-sync' ), $entry['reason'] ) ) . '</div>';
		}
		$out .= '<table class="widefat striped"><thead><tr><th>' . esc_html__( 'What', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'From', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'To', 'tfsp-calendly-sync' ) . '</th></tr></thead><tbody>';
		foreach ( $entry['rows'] as $row ) {
			$field = (string) $row['field'];
			$out  .= '<tr data-field="' . esc_attr( $field ) . '"><td>' . esc_html( self::field_label( $field ) ) . '</td><td>' . esc_html( self::value( $field, $row['old_value'] ) ) . '</td><td>' . esc_html( self::value( $field, $row['new_value'] ) ) . '</td></tr>';
		}
		$out .= '</tbody></table></li>';
		return $out;
	}

	/** The Sync page's view of one ledger row. */
	public static function ledger_url( int $ledger_id ): string {
		return add_query_arg(
			array(
				'page'     => SyncPage::SLUG,
				'delivery' => $ledger_id,
			),
			admin_url( 'admin.php' )
		) . '#tfsp-ledger';
	}

	/**
	 * What an entry was, in words: the Calendly event of a delivery, or the action and its actor.
	 *
	 * @param array $entry   An entry of entries().
	 * @param array $session The session's row (rescheduled_to_uri, rescheduled_from_uri), if known.
	 */
	public static function title( array $entry, array $session = array() ): string {
		$reason = $entry['reason'];
		$new    = array();
		$old    = array();
		foreach ( $entry['rows'] as $row ) {
			$new[ (string) $row['field'] ] = null === $row['new_value'] ? null : (string) $row['new_value'];
			$old[ (string) $row['field'] ] = null === $row['old_value'] ? null : (string) $row['old_value'];
		}
		$who = self::actor_name( $entry['actor_type'], $entry['actor_user_id'] );
		switch ( $entry['actor_type'] ) {
			case 'calendly':
				return self::calendly_title( $reason, $new, $session, $old );
			case 'coach':
			case 'admin':
				if ( 'entered by hand' === $reason ) {
					/* translators: %s: who entered the session */
					return sprintf( __( 'Entered by hand by %s', 'tfsp-calendly-sync' ), $who );
				}
				if ( 'edited by hand' === $reason ) {
					/* translators: %s: who edited the session */
					return sprintf( __( 'Edited by hand by %s', 'tfsp-calendly-sync' ), $who );
				}
				if ( 'removed by hand' === $reason ) {
					/* translators: %s: who removed the session */
					return sprintf( __( 'Removed by hand by %s', 'tfsp-calendly-sync' ), $who );
				}
				if ( array_key_exists( 'coach_mark', $new ) ) {
					return self::mark_title( (string) $new['coach_mark'], $who );
				}
				if ( array_key_exists( 'student_id', $new ) ) {
					return self::link_title( $old['student_id'], $new['student_id'], $who );
				}
				if ( 'attendance mark' === $reason ) {
					/* translators: %s: who marked (a mark that changed nothing: an older one than the stored mark) */
					return sprintf( __( 'Attendance mark by %s', 'tfsp-calendly-sync' ), $who );
				}
				if ( array( 'note' ) === array_keys( $new ) ) {
					/* translators: %s: who wrote the note */
					return sprintf( __( 'Note by %s', 'tfsp-calendly-sync' ), $who );
				}
				/* translators: %s: who made the change */
				return sprintf( __( 'Changed by %s', 'tfsp-calendly-sync' ), $who );
			case 'sync':
				if ( array_key_exists( 'student_id', $new ) ) {
					return null === $new['student_id']
						/* translators: %s: the student's name */
						? sprintf( __( 'Released from %s by the sync', 'tfsp-calendly-sync' ), self::user_name( $old['student_id'] ) )
						/* translators: %s: the student's name */
						: sprintf( __( 'Linked to %s by e-mail', 'tfsp-calendly-sync' ), self::user_name( $new['student_id'] ) );
				}
				if ( array_key_exists( 'coaches', $new ) || array_key_exists( 'coach_id', $new ) ) {
					return __( 'Coaches matched by host e-mail', 'tfsp-calendly-sync' );
				}
				return __( 'Changed by the sync', 'tfsp-calendly-sync' );
			case 'system':
				if ( 'legacy status mapping' === $reason ) {
					return __( 'Status from before the plugin, mapped by the migration', 'tfsp-calendly-sync' );
				}
				return __( 'Changed by the system', 'tfsp-calendly-sync' );
		}
		/* translators: %s: who made the change */
		return sprintf( __( 'Changed by %s', 'tfsp-calendly-sync' ), $who );
	}

	/**
	 * A Calendly delivery's title from its event name (the audit rows' reason) and what it changed.
	 *
	 * An invitee is canceled once: when its row names the invitee that replaced it, its cancel
	 * was that reschedule, whichever delivery brought the link; and a row that names the one it
	 * replaced was booked by a reschedule.
	 *
	 * A back-fill or a look-up reads what happened in Calendly: a booking it brings first, or a
	 * cancel or reschedule it finds, is told as such, "found by a back-fill".
	 *
	 * @param array<string,?string> $new     Field => new value.
	 * @param array                 $session The session's row.
	 * @param array<string,?string> $old     Field => old value.
	 */
	private static function calendly_title( string $reason, array $new, array $session, array $old = array() ): string {
		$link = ' (reschedule link)';
		if ( str_ends_with( $reason, $link ) ) {
			return __( 'Linked to its reschedule in Calendly', 'tfsp-calendly-sync' );
		}
		switch ( $reason ) {
			case 'invitee.created':
				return empty( $new['rescheduled_from_uri'] ) && empty( $session['rescheduled_from_uri'] )
					? __( 'Booked in Calendly', 'tfsp-calendly-sync' )
					: __( 'Booked in Calendly, as a reschedule of an earlier booking', 'tfsp-calendly-sync' );
			case 'invitee.canceled':
				return ( 'rescheduled' === ( $new['status'] ?? null ) || '1' === ( $new['reschedule_canceled'] ?? null ) || ! empty( $session['rescheduled_to_uri'] ) )
					? __( 'Rescheduled in Calendly', 'tfsp-calendly-sync' )
					: __( 'Canceled in Calendly', 'tfsp-calendly-sync' );
			case 'invitee_no_show.created':
				return __( 'Marked no-show in Calendly', 'tfsp-calendly-sync' );
			case 'invitee_no_show.deleted':
				return __( 'No-show removed in Calendly', 'tfsp-calendly-sync' );
			case 'backfill':
			case 'lookup':
				$found  = 'backfill' === $reason ? __( 'found by a back-fill', 'tfsp-calendly-sync' ) : __( 'found by a look-up', 'tfsp-calendly-sync' );
				$status = array_key_exists( 'status', $new ) ? $new['status'] : false;
				if ( 'canceled' === $status ) {
					/* translators: %s: "found by a back-fill" or "found by a look-up" */
					return sprintf( __( 'Canceled in Calendly, %s', 'tfsp-calendly-sync' ), $found );
				}
				if ( 'rescheduled' === $status ) {
					/* translators: %s: "found by a back-fill" or "found by a look-up" */
					return sprintf( __( 'Rescheduled in Calendly, %s', 'tfsp-calendly-sync' ), $found );
				}
				if ( false !== $status && null === ( $old['status'] ?? null ) ) {
					/* translators: %s: "found by a back-fill" or "found by a look-up" */
					return sprintf( __( 'Booked in Calendly, %s', 'tfsp-calendly-sync' ), $found );
				}
				return 'backfill' === $reason ? __( 'Read from Calendly by a back-fill', 'tfsp-calendly-sync' ) : __( 'Looked up in Calendly', 'tfsp-calendly-sync' );
		}
		/* translators: %s: the Calendly event's name */
		return sprintf( __( 'Changed in Calendly (%s)', 'tfsp-calendly-sync' ), $reason );
	}

	private static function mark_title( string $mark, string $who ): string {
		switch ( $mark ) {
			case 'attended':
				/* translators: %s: who marked */
				return sprintf( __( 'Marked attended by %s', 'tfsp-calendly-sync' ), $who );
			case 'no_show':
				/* translators: %s: who marked */
				return sprintf( __( 'Marked no-show by %s', 'tfsp-calendly-sync' ), $who );
			case 'rescheduled':
				/* translators: %s: who marked */
				return sprintf( __( 'Marked rescheduled by %s', 'tfsp-calendly-sync' ), $who );
		}
		/* translators: %s: who cleared the mark */
		return sprintf( __( 'Attendance mark cleared by %s', 'tfsp-calendly-sync' ), $who );
	}

	private static function link_title( ?string $from, ?string $to, string $who ): string {
		if ( null === $to || '' === $to ) {
			/* translators: 1: the student's name, 2: who unlinked */
			return sprintf( __( 'Unlinked from %1$s by %2$s', 'tfsp-calendly-sync' ), self::user_name( $from ), $who );
		}
		/* translators: 1: the student's name, 2: who linked */
		return sprintf( __( 'Linked to %1$s by %2$s', 'tfsp-calendly-sync' ), self::user_name( $to ), $who );
	}

	/** Who acted: the user's display name, else the actor type's label. */
	private static function actor_name( string $type, ?int $user_id ): string {
		return null === $user_id ? self::actor_label( $type ) : self::user_name( (string) $user_id );
	}

	/** A user id of the trail as a name (a deleted user as "#id"). */
	private static function user_name( ?string $id ): string {
		$id = (int) $id;
		if ( $id <= 0 ) {
			return __( 'nobody', 'tfsp-calendly-sync' );
		}
		$user = get_userdata( $id );
		return $user ? (string) $user->display_name : '#' . $id;
	}

	/** A column of the trail in words (the column's name for any other). */
	private static function field_label( string $field ): string {
		static $labels = null; // Built once per request: a page holds hundreds of values.
		$labels = $labels ?? array(
			'status'               => __( 'Status', 'tfsp-calendly-sync' ),
			'conflict'             => __( 'Conflict', 'tfsp-calendly-sync' ),
			'note'                 => __( 'Note', 'tfsp-calendly-sync' ),
			'notes'                => __( 'Note', 'tfsp-calendly-sync' ),
			'source'               => __( 'Source', 'tfsp-calendly-sync' ),
			'student_id'           => __( 'Student', 'tfsp-calendly-sync' ),
			'student_unlinked'     => __( 'Unlinked by an admin', 'tfsp-calendly-sync' ),
			'coach_id'             => __( 'Coach', 'tfsp-calendly-sync' ),
			'coaches'              => __( 'Coaches', 'tfsp-calendly-sync' ),
			'coach_mark'           => __( 'Attendance mark', 'tfsp-calendly-sync' ),
			'coach_mark_at'        => __( 'Marked at', 'tfsp-calendly-sync' ),
			'coach_mark_by'        => __( 'Marked by', 'tfsp-calendly-sync' ),
			'start_at'             => __( 'Start', 'tfsp-calendly-sync' ),
			'end_at'               => __( 'End', 'tfsp-calendly-sync' ),
			'invitee_name'         => __( 'Invitee name', 'tfsp-calendly-sync' ),
			'invitee_email'        => __( 'Invitee e-mail', 'tfsp-calendly-sync' ),
			'event_name'           => __( 'Event', 'tfsp-calendly-sync' ),
			'cancel_reason'        => __( 'Cancel reason', 'tfsp-calendly-sync' ),
			'canceled_by'          => __( 'Canceled by', 'tfsp-calendly-sync' ),
			'cancel_at'            => __( 'Canceled at', 'tfsp-calendly-sync' ),
			'rescheduled_to_uri'   => __( 'Rescheduled to', 'tfsp-calendly-sync' ),
			'rescheduled_from_uri' => __( 'Rescheduled from', 'tfsp-calendly-sync' ),
			'timezone'             => __( 'Time zone', 'tfsp-calendly-sync' ),
			'entered_by'           => __( 'Entered by', 'tfsp-calendly-sync' ),
			'entered_at'           => __( 'Entered at', 'tfsp-calendly-sync' ),
			'deleted'              => __( 'Removed, last values', 'tfsp-calendly-sync' ),
			'calendly_uri'         => __( 'Calendly invitee', 'tfsp-calendly-sync' ),
			'booked'               => __( 'Booked', 'tfsp-calendly-sync' ),
			'canceled'             => __( 'Canceled', 'tfsp-calendly-sync' ),
			'canceler_type'        => __( 'Canceled by (kind)', 'tfsp-calendly-sync' ),
			'reschedule_canceled'  => __( 'Canceled by a reschedule', 'tfsp-calendly-sync' ),
			'event_uri'            => __( 'Calendly event', 'tfsp-calendly-sync' ),
			'event_type_uri'       => __( 'Event type', 'tfsp-calendly-sync' ),
			'event_status'         => __( 'Event status', 'tfsp-calendly-sync' ),
			'invitee_created_at'   => __( 'Booked at', 'tfsp-calendly-sync' ),
			'info_updated_at'      => __( 'Invitee updated at', 'tfsp-calendly-sync' ),
			'info_envelope_at'     => __( 'Delivery sent at', 'tfsp-calendly-sync' ),
			'sched_updated_at'     => __( 'Event updated at', 'tfsp-calendly-sync' ),
			'cancel_url'           => __( 'Cancel link', 'tfsp-calendly-sync' ),
			'reschedule_url'       => __( 'Reschedule link', 'tfsp-calendly-sync' ),
			'join_url'             => __( 'Join link', 'tfsp-calendly-sync' ),
			'location_type'        => __( 'Location', 'tfsp-calendly-sync' ),
			'host_email'           => __( 'Host e-mail', 'tfsp-calendly-sync' ),
			'host_name'            => __( 'Host', 'tfsp-calendly-sync' ),
			'host_emails'          => __( 'Host e-mails', 'tfsp-calendly-sync' ),
			'noshow'               => __( 'No-show in Calendly', 'tfsp-calendly-sync' ),
			'noshow_at'            => __( 'No-show marked at', 'tfsp-calendly-sync' ),
			'noshow_uri'           => __( 'Calendly no-show', 'tfsp-calendly-sync' ),
			'erased_at'            => __( 'Erased at', 'tfsp-calendly-sync' ),
		);
		return $labels[ $field ] ?? $field;
	}

	/**
	 * A value as the trail holds it, for people: a time in site time, whichever way its row
	 * stored it (RFC 3339, as every row does now, or the raw microseconds that coaches' rows
	 * held before; the trail is append-only, so both stay), users by name, a status by its
	 * label, anything else cut short.
	 *
	 * @param mixed $value
	 */
	private static function value( string $field, $value ): string {
		if ( null === $value || '' === $value ) {
			return '';
		}
		$value = (string) $value;
		if ( in_array( $field, self::time_fields(), true ) ) {
			if ( preg_match( '/^-?\d{10,}$/', $value ) ) {
				return Clock::site_datetime_at( intdiv( (int) $value, 1000000 ) );
			}
			$ts = strtotime( $value );
			if ( false !== $ts && preg_match( '/^\d{4}-\d\d-\d\dT/', $value ) ) {
				return Clock::site_datetime_at( $ts );
			}
		}
		if ( in_array( $field, self::USER_FIELDS, true ) && preg_match( '/^\d+(,\d+)*$/', $value ) ) {
			return '0' === $value ? '' : implode( ', ', array_map( array( self::class, 'user_name' ), explode( ',', $value ) ) );
		}
		if ( 'status' === $field || 'coach_mark' === $field ) {
			static $statuses = null;
			$statuses        = $statuses ?? SessionStatus::labels();
			return 'none' === $value ? '' : ( $statuses[ $value ] ?? $value );
		}
		if ( ( '0' === $value || '1' === $value ) && in_array( $field, self::flag_fields(), true ) ) {
			return '1' === $value ? __( 'yes', 'tfsp-calendly-sync' ) : __( 'no', 'tfsp-calendly-sync' );
		}
		return self::short( $value );
	}

	/** @return string[] The columns of the trail that hold yes or no. */
	private static function flag_fields(): array {
		static $out = null;
		if ( null !== $out ) {
			return $out;
		}
		$out = array( 'conflict', 'student_unlinked' );
		foreach ( SessionRepository::FACTS as [ $column, $type ] ) {
			if ( 'flag' === $type ) {
				$out[] = $column;
			}
		}
		return $out;
	}

	/** @return string[] The columns of the trail that hold times. */
	private static function time_fields(): array {
		static $out = null;
		if ( null !== $out ) {
			return $out;
		}
		$out = array();
		foreach ( SessionRepository::FACTS as [ $column, $type ] ) {
			if ( 'time' === $type || 'datetime' === $type ) {
				$out[] = $column;
			}
		}
		return $out;
	}

	private static function short( $value ): string {
		$value = (string) $value;
		return mb_strlen( $value ) > 200 ? mb_substr( $value, 0, 200 ) . '…' : $value;
	}
}
