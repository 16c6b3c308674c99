<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL over WordPress users for matching: students by e-mail or known alias, coaches by the host's e-mail.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class UserRepository extends Repository {

	/** User meta that holds another address of a student, one address per meta row. */
	public const ALIAS_META = 'tfsp_calendly_email_alias';

	public function table(): string {
		return $this->db->users;
	}

	/**
	 * Candidates for Calsync\Email::match: users whose e-mail equals the
	 * address (case-insensitive) and users with it as an alias.
	 *
	 * @return array<int,array{user_id:int,email:string,name:?string,alias:bool}>
	 */
	public function email_candidates( string $normalized ): array {
		return $this->people( $normalized )['candidates'];
	}

	/** The user whose e-mail is the address (case-insensitive), lowest id first; null if none. */
	public function id_by_email( string $normalized ): ?int {
		return $this->people( null, array( $normalized ) )['coaches'][ $normalized ] ?? null;
	}

	/**
	 * The address a user registered with and has not confirmed yet ('' when none), read
	 * through WordPress's user meta.  It may run inside a delivery's transaction, so a failed
	 * read throws (see SettingsRepository::find_quietly(): a deadlock taken for "no value"
	 * would leave the rest of the transaction running with autocommit).
	 *
	 * @throws DatabaseError When the meta cannot be read.
	 */
	public function unconfirmed_email( int $user_id ): string {
		$value = (string) get_user_meta( $user_id, UserEvents::UNCONFIRMED_META, true );
		$this->checked( true );
		return $value;
	}

	/**
	 * A session's people in one statement (the webhook path asks for both):
	 * the candidates for its invitee's address (as email_candidates()) and,
	 * for each of its hosts' addresses, the user holding it (as id_by_email()).
	 *
	 * @param string|null $student Normalized invitee address, or null for none.
	 * @param string[]    $hosts   Normalized host addresses.
	 * @return array{candidates:array<int,array{user_id:int,email:string,name:?string,alias:bool}>,coaches:array<string,int>}
	 *         coaches: host address => user, for the addresses some user holds.
	 */
	public function people( ?string $student, array $hosts = array() ): array {
		$parts = array();
		if ( null !== $student ) {
			$parts[] = $this->db->prepare( "(SELECT 0 AS kind, ID, user_email, display_name FROM {$this->db->users} WHERE user_email = %s)", $student );
			$parts[] = $this->db->prepare(
				"(SELECT 1 AS kind, u.ID, m.meta_value AS user_email, u.display_name FROM {$this->db->usermeta} m JOIN {$this->db->users} u ON u.ID = m.user_id WHERE m.meta_key = %s AND LOWER(TRIM(m.meta_value)) = %s)",
				self::ALIAS_META,
				$student
			);
		}
		$hosts = array_values( array_unique( array_map( 'strval', $hosts ) ) );
		if ( $hosts ) {
			$placeholders = implode( ',', array_fill( 0, count( $hosts ), '%s' ) );
			// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare
			$parts[] = $this->db->prepare( "(SELECT 2 AS kind, ID, user_email, display_name FROM {$this->db->users} WHERE user_email IN ({$placeholders}))", ...$hosts );
		}
		$out = array(
			'candidates' => array(),
			'coaches'    => array(),
		);
		if ( ! $parts ) {
			return $out;
		}
		// No ORDER BY over the union (it would make the server sort in a temporary table):
		// the rows are put in order here, by kind and id.
		// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- each part prepared above.
		$rows = (array) $this->checked( $this->db->get_results( implode( ' UNION ALL ', $parts ), ARRAY_A ) );
		usort( $rows, static fn( array $a, array $b ): int => array( (int) $a['kind'], (int) $a['ID'] ) <=> array( (int) $b['kind'], (int) $b['ID'] ) );
		foreach ( $rows as $row ) {
			if ( 2 === (int) $row['kind'] ) {
				// The column compares case-insensitively: the lowest id holding the address wins.
				$email = strtolower( (string) $row['user_email'] );
				foreach ( $hosts as $host ) {
					if ( strtolower( $host ) === $email && ! isset( $out['coaches'][ $host ] ) ) {
						$out['coaches'][ $host ] = (int) $row['ID'];
					}
				}
				continue;
			}
			$out['candidates'][] = array(
				'user_id' => (int) $row['ID'],
				'email'   => (string) $row['user_email'],
				'name'    => '' === (string) $row['display_name'] ? null : (string) $row['display_name'],
				'alias'   => 1 === (int) $row['kind'],
			);
		}
		return $out;
	}

	/**
	 * Which of these addresses no user holds as their e-mail (the Sessions page's notice).
	 *
	 * @param string[] $normalized Normalized addresses.
	 * @return string[]
	 */
	public function unheld( array $normalized ): array {
		if ( ! $normalized ) {
			return array();
		}
		$held = $this->people( null, $normalized )['coaches'];
		return array_values( array_filter( $normalized, static fn( string $e ): bool => ! isset( $held[ $e ] ) ) );
	}

	/**
	 * A bounded set of users an unmatched address may belong to, for
	 * Calsync\Email::match's suggestions: users at the same domain, users
	 * whose address starts with the same local part (dots and +tag removed),
	 * users with the invitee's name, and aliases at the same domain; first of
	 * all the users holding the address itself (an account nobody vouched for
	 * yet, or one whose booking an admin unlinked), whatever the limits cut.
	 *
	 * @return array<int,array{user_id:int,email:string,name:?string,alias:bool}>
	 */
	public function suggestion_candidates( string $normalized, ?string $name, int $limit = 50 ): array {
		$exact = $this->email_candidates( $normalized );
		$at     = strrpos( $normalized, '@' );
		$local  = false === $at ? $normalized : substr( $normalized, 0, $at );
		$domain = false === $at ? '' : substr( $normalized, $at + 1 );
		$base   = (string) preg_replace( '/\+.*$/', '', $local );
		$plain  = str_replace( '.', '', $base );
		$parts  = array();
		$args   = array();
		if ( '' !== $domain ) {
			$parts[] = "(SELECT ID, user_email, display_name, 0 AS alias FROM {$this->db->users} WHERE user_email LIKE %s LIMIT %d)";
			array_push( $args, '%@' . $this->db->esc_like( $domain ), $limit );
			$parts[] = "(SELECT u.ID, m.meta_value, u.display_name, 1 FROM {$this->db->usermeta} m JOIN {$this->db->users} u ON u.ID = m.user_id WHERE m.meta_key = %s AND m.meta_value LIKE %s LIMIT %d)";
			array_push( $args, self::ALIAS_META, '%@' . $this->db->esc_like( $domain ), $limit );
		}
		foreach ( array_unique( array_filter( array( $base, $plain, substr( $plain, 0, 3 ) ), static fn( $p ) => strlen( $p ) >= 3 ) ) as $prefix ) {
			$parts[] = "(SELECT ID, user_email, display_name, 0 FROM {$this->db->users} WHERE user_email LIKE %s LIMIT %d)";
			array_push( $args, $this->db->esc_like( $prefix ) . '%', $limit );
		}
		if ( null !== $name && '' !== trim( $name ) ) {
			$parts[] = "(SELECT ID, user_email, display_name, 0 FROM {$this->db->users} WHERE display_name = %s LIMIT %d)";
			array_push( $args, trim( $name ), $limit );
		}
		if ( ! $parts ) {
			return $exact;
		}
		// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare -- the parts hold placeholders only.
		$rows = $this->checked( $this->db->get_results( $this->db->prepare( implode( ' UNION ', $parts ), ...$args ), ARRAY_A ) );
		$out  = $exact;
		$seen = array();
		foreach ( $exact as $candidate ) {
			$seen[ $candidate['user_id'] . '|' . strtolower( $candidate['email'] ) ] = true;
		}
		foreach ( (array) $rows as $row ) {
			$key = $row['ID'] . '|' . strtolower( (string) $row['user_email'] );
			if ( isset( $seen[ $key ] ) || count( $out ) >= 4 * $limit ) {
				continue;
			}
			$seen[ $key ] = true;
			$out[]        = array(
				'user_id' => (int) $row['ID'],
				'email'   => (string) $row['user_email'],
				'name'    => '' === (string) $row['display_name'] ? null : (string) $row['display_name'],
				'alias'   => (bool) (int) $row['alias'],
			);
		}
		return $out;
	}
}
