<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * WordPress account events that change who a session belongs to: a new account, a changed
 * e-mail, an account activated on a network, and a deleted user.
 *
 * The trust rule: nobody verifies the e-mail a booker types, so an account
 * claims the bookings of its address on its own only when someone vouched
 * for the address: an admin created the account or changed its e-mail,
 * WordPress had the change confirmed from the new address, a network
 * activation link was followed, or the site links every new account
 * (setting "Link bookings to new accounts").  Otherwise the account is
 * marked unconfirmed and its bookings wait in Unmatched bookings with that
 * reason.  Without the extension the match is recorded as owed and runs
 * once it is loaded again.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class UserEvents {

	/** User meta: the account's e-mail nobody vouched for (normalised); Unmatched bookings names it as the reason. */
	public const UNCONFIRMED_META = 'tfsp_calendly_unconfirmed_email';

	private Plugin $plugin;

	public function __construct( Plugin $plugin ) {
		$this->plugin = $plugin;
	}

	public function register(): void {
		add_action( 'user_register', array( $this, 'on_register' ), 20, 1 );
		add_action( 'profile_update', array( $this, 'on_profile_update' ), 20, 2 );
		add_action( 'wpmu_activate_user', array( $this, 'on_activate' ), 20, 1 );
		add_action( 'deleted_user', array( $this, 'on_deleted' ), 20, 2 );
		// The coach choices follow every account, name and role change (a role is the capabilities meta).
		foreach ( array( 'user_register', 'profile_update', 'deleted_user' ) as $hook ) {
			add_action( $hook, array( SessionAccess::class, 'forget_coach_choices' ), 10, 0 );
		}
		foreach ( array( 'added_user_meta', 'updated_user_meta', 'deleted_user_meta' ) as $hook ) {
			add_action( $hook, array( $this, 'on_user_meta' ), 10, 3 );
		}
	}

	/**
	 * A user meta row changed: a role (the "{prefix}capabilities" meta, of this site or another
	 * of the network: forgetting is harmless) forgets the coach choices.
	 *
	 * @param mixed      $meta_ids  The meta rows.
	 * @param int|string $user_id   The account.
	 * @param string     $meta_key  The meta key.
	 */
	public function on_user_meta( $meta_ids, $user_id, $meta_key ): void {
		if ( str_ends_with( (string) $meta_key, 'capabilities' ) ) {
			SessionAccess::forget_coach_choices();
		}
	}

	/** @param int|string $user_id The new account. */
	public function on_register( $user_id ): void {
		$this->claim( (int) $user_id, $this->registration_reason() );
	}

	/**
	 * @param int|string $user_id       The account.
	 * @param \WP_User   $old_user_data The account before the update.
	 */
	public function on_profile_update( $user_id, $old_user_data = null ): void {
		$user = get_userdata( (int) $user_id );
		if ( ! $user || ! $old_user_data instanceof \WP_User || self::plain( (string) $old_user_data->user_email ) === self::plain( (string) $user->user_email ) ) {
			return;
		}
		$this->claim( (int) $user_id, $this->change_reason( (int) $user_id, (string) $user->user_email ) );
	}

	/**
	 * A network sign-up activated from the link sent to its address: the address is confirmed.
	 *
	 * @param int|string $user_id The account.
	 */
	public function on_activate( $user_id ): void {
		$this->claim( (int) $user_id, 'account activated from its e-mail' );
	}

	/**
	 * @param int|string      $user_id  The deleted user.
	 * @param int|string|null $reassign The user WordPress gave the content to, if any.
	 */
	public function on_deleted( $user_id, $reassign = null ): void {
		$user_id = (int) $user_id;
		// On a network, wp_delete_user() only removes the user from this site:
		// the account still exists, and so does the person its sessions name.
		if ( is_multisite() && get_userdata( $user_id ) ) {
			return;
		}
		$to     = null === $reassign ? null : (int) $reassign;
		$by     = get_current_user_id();
		$reason = null !== $to && $to > 0
			? sprintf( 'user #%d deleted%s; their content given to user #%d', $user_id, $by ? sprintf( ' by user #%d', $by ) : '', $to )
			: sprintf( 'user #%d deleted%s', $user_id, $by ? sprintf( ' by user #%d', $by ) : '' );
		try {
			$this->plugin->notifications()->delete_of_user( $user_id ); // The record of their student mails goes with them.
		} catch ( DatabaseError $e ) {
			error_log( 'tfsp-calendly-sync: the mail record of deleted user ' . $user_id . ' could not be deleted: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
		}
		try {
			$this->plugin->term_repository()->forget_user( $user_id ); // They leave every hand-picked cohort.
		} catch ( DatabaseError $e ) {
			error_log( 'tfsp-calendly-sync: the cohorts of deleted user ' . $user_id . ' could not be updated: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
		}
		try {
			$this->plugin->user_matcher()->release_user( $user_id, $to, $reason );
		} catch ( DatabaseError $e ) {
			error_log( 'tfsp-calendly-sync: the sessions of deleted user ' . $user_id . ' could not be released: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
		}
	}

	/**
	 * Links the account's bookings when $reason vouches for its address, else marks it unconfirmed.
	 *
	 * @param string|null $reason Who vouched, for the audit trail; null: nobody.
	 */
	private function claim( int $user_id, ?string $reason ): void {
		$user = get_userdata( $user_id );
		if ( ! $user ) {
			return;
		}
		if ( null === $reason ) {
			update_user_meta( $user_id, self::UNCONFIRMED_META, self::plain( (string) $user->user_email ) );
			delete_user_meta( $user_id, UserMatcher::OWED_META ); // An owed match was for the address before.
			return;
		}
		delete_user_meta( $user_id, self::UNCONFIRMED_META );
		if ( ! UserMatcher::available() ) {
			update_user_meta( $user_id, UserMatcher::OWED_META, $reason );
			return;
		}
		try {
			$this->plugin->user_matcher()->link_user( $user_id, $reason );
		} catch ( DatabaseError $e ) {
			update_user_meta( $user_id, UserMatcher::OWED_META, $reason ); // Tried again on the next tick.
		}
	}

	/** Who vouches for a new account's address, or null. */
	private function registration_reason(): ?string {
		if ( defined( 'WP_CLI' ) && WP_CLI ) {
			return 'account created with WP-CLI';
		}
		if ( current_user_can( 'create_users' ) ) {
			return sprintf( 'account created by an admin (user #%d)', get_current_user_id() );
		}
		if ( $this->link_new_accounts() ) {
			return 'new account; "Link bookings to new accounts" is on';
		}
		return null;
	}

	/** Who vouches for a changed address, or null. */
	private function change_reason( int $user_id, string $email ): ?string {
		if ( defined( 'WP_CLI' ) && WP_CLI ) {
			return 'e-mail changed with WP-CLI';
		}
		// profile.php applies a self-service change only from the link mailed to
		// the new address, and deletes the pending change after the update.
		$pending = get_user_meta( $user_id, '_new_email', true );
		if ( is_array( $pending ) && isset( $pending['newemail'] ) && self::plain( (string) $pending['newemail'] ) === self::plain( $email ) ) {
			return 'e-mail change confirmed from the new address';
		}
		if ( current_user_can( 'edit_users' ) ) {
			return sprintf( 'e-mail changed by an admin (user #%d)', get_current_user_id() );
		}
		if ( $this->link_new_accounts() ) {
			return 'e-mail changed; "Link bookings to new accounts" is on';
		}
		return null;
	}

	private function link_new_accounts(): bool {
		try {
			return (bool) $this->plugin->settings()->get( 'link_new_accounts' );
		} catch ( DatabaseError | SecretUnavailable $e ) {
			return false; // When in doubt, nobody vouched.
		}
	}

	/** An address as WordPress compares accounts (the core normalises for matching). */
	private static function plain( string $email ): string {
		return strtolower( trim( $email ) );
	}
}
