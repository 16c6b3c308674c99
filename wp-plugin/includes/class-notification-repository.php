<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * {prefix}tfsp_notifications: the student mails sent, one row per student, kind and occasion
 * (UNIQUE).  A mail is claimed by inserting its row before it is sent, so that two runs (two
 * web nodes, a job and a listener) never send it twice; a mail that could not be sent gives its
 * claim back.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class NotificationRepository extends Repository {

	public function table(): string {
		return $this->db->prefix . 'tfsp_notifications';
	}

	/**
	 * Claims a mail: true when this call recorded it (and so may send it), false when it was
	 * recorded before.
	 *
	 * @throws DatabaseError On a database error.
	 */
	public function claim( int $user_id, string $kind, string $occasion ): bool {
		$result = $this->checked(
			$this->db->query(
				$this->db->prepare(
					"INSERT IGNORE INTO {$this->table()} (user_id, kind, occasion, sent_at) VALUES (%d, %s, %s, UTC_TIMESTAMP())", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
					$user_id,
					$kind,
					$occasion
				)
			)
		);
		return 1 === (int) $result;
	}

	/** Gives a claim back (the mail could not be sent): a later run may try again. */
	public function release( int $user_id, string $kind, string $occasion ): void {
		$this->checked(
			$this->db->query(
				$this->db->prepare(
					"DELETE FROM {$this->table()} WHERE user_id = %d AND kind = %s AND occasion = %s", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
					$user_id,
					$kind,
					$occasion
				)
			)
		);
	}

	/**
	 * The mails of one student (the privacy exporter and the tests).
	 *
	 * @return array<int,array{kind:string,occasion:string,sent_at:string}>
	 */
	public function of_user( int $user_id ): array {
		return (array) $this->checked(
			$this->db->get_results(
				$this->db->prepare( "SELECT kind, occasion, sent_at FROM {$this->table()} WHERE user_id = %d ORDER BY id", $user_id ), // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
				ARRAY_A
			)
		);
	}

	/**
	 * How many mails of a kind were sent, and the latest (UTC DATETIME or null).
	 *
	 * @return array{sent:int,last:?string}
	 */
	public function summary( string $kind ): array {
		$row = $this->checked(
			$this->db->get_row(
				$this->db->prepare( "SELECT COUNT(*) AS n, MAX(sent_at) AS last FROM {$this->table()} WHERE kind = %s", $kind ), // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
				ARRAY_A
			)
		);
		return array(
			'sent' => (int) ( $row['n'] ?? 0 ),
			'last' => isset( $row['last'] ) ? (string) $row['last'] : null,
		);
	}

	/**
	 * Deletes the record of one student's mails (the privacy eraser, a deleted user).
	 *
	 * @return int Rows deleted.
	 * @throws DatabaseError On a database error.
	 */
	public function delete_of_user( int $user_id ): int {
		$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->table()} WHERE user_id = %d", $user_id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return (int) $this->db->rows_affected;
	}
}
