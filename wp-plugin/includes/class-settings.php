<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The plugin's settings: definitions, validation, sealing of secrets, and wp-config pinning.
 *
 * A constant TFSP_CALENDLY_<UPPER_NAME> pins a setting: it wins over the
 * database and cannot be changed here.  Secrets are sealed at rest with
 * Calsync\Sealer; a stored secret that no longer opens raises
 * SecretUnavailable and shows in health(), it is never read as empty.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Settings {

	private SettingsRepository $repository;
	private Secrets $secrets;

	/** @var array<string,string>|null Stored values of this request. */
	private ?array $stored = null;

	/** @var array<string,array<string,mixed>>|null definitions() of this request, for its locale. */
	private ?array $definitions = null;

	private string $definitions_locale = '';

	public function __construct( SettingsRepository $repository, Secrets $secrets ) {
		$this->repository = $repository;
		$this->secrets    = $secrets;
	}

	/**
	 * Every setting: default, type, secret flag, bounds and a label.
	 * Types: url, url_or_empty, https_url_or_empty, email_or_empty, string, keyring, int, bool, ip_list, url_list.
	 *
	 * Built once per request and locale (a webhook reads several settings;
	 * the labels are translated).
	 *
	 * @return array<string,array<string,mixed>>
	 */
	public function definitions(): array {
		$locale = get_locale();
		if ( null === $this->definitions || $locale !== $this->definitions_locale ) {
			$this->definitions        = $this->build_definitions();
			$this->definitions_locale = $locale;
		}
		return $this->definitions;
	}

	/** @return array<string,array<string,mixed>> */
	private function build_definitions(): array {
		return array(
			'api_base'                 => array( 'type' => 'url', 'default' => 'https://api.calendly.com', 'secret' => false, 'label' => __( 'Calendly API base URL', 'tfsp-calendly-sync' ) ),
			'token'                    => array( 'type' => 'string', 'default' => '', 'secret' => true, 'label' => __( 'Calendly access token', 'tfsp-calendly-sync' ) ),
			'auth_base'                => array( 'type' => 'url', 'default' => 'https://auth.calendly.com', 'secret' => false, 'label' => __( 'Calendly OAuth base URL', 'tfsp-calendly-sync' ) ),
			'oauth_client_id'          => array( 'type' => 'string', 'default' => '', 'secret' => false, 'label' => __( 'OAuth app client ID', 'tfsp-calendly-sync' ) ),
			'oauth_client_secret'      => array( 'type' => 'string', 'default' => '', 'secret' => true, 'label' => __( 'OAuth app client secret', 'tfsp-calendly-sync' ) ),
			'signing_key'              => array( 'type' => 'keyring', 'default' => array(), 'secret' => true, 'label' => __( 'Webhook signing key', 'tfsp-calendly-sync' ) ),
			'signature_tolerance'      => array( 'type' => 'int', 'default' => 180, 'min' => 1, 'max' => 86400, 'secret' => false, 'label' => __( 'Signature tolerance (seconds)', 'tfsp-calendly-sync' ) ),
			'webhook_body_limit'       => array( 'type' => 'int', 'default' => 262144, 'min' => 1024, 'max' => 4194304, 'secret' => false, 'label' => __( 'Largest webhook body (bytes)', 'tfsp-calendly-sync' ) ),
			'webhook_rate_limit'       => array( 'type' => 'int', 'default' => 60, 'min' => 1, 'max' => 1000000, 'secret' => false, 'label' => __( 'Failed verifications per address and minute', 'tfsp-calendly-sync' ) ),
			'trusted_proxies'          => array( 'type' => 'ip_list', 'default' => array(), 'secret' => false, 'label' => __( 'Trusted proxies (addresses or CIDR ranges)', 'tfsp-calendly-sync' ) ),
			'event_types'              => array( 'type' => 'url_list', 'default' => array(), 'secret' => false, 'label' => __( 'Calendly event types that are coaching sessions (empty: all)', 'tfsp-calendly-sync' ) ),
			'required_sessions'        => array( 'type' => 'int', 'default' => 3, 'min' => 1, 'max' => 1000, 'secret' => false, 'label' => __( 'Required attended sessions', 'tfsp-calendly-sync' ) ),
			'retention_days'           => array( 'type' => 'int', 'default' => 90, 'min' => 1, 'max' => 36500, 'secret' => false, 'label' => __( 'Days to keep raw webhook bodies', 'tfsp-calendly-sync' ) ),
			'two_way_no_show'          => array( 'type' => 'bool', 'default' => false, 'secret' => false, 'label' => __( 'Send no-show marks back to Calendly', 'tfsp-calendly-sync' ) ),
			'coaches_enter_sessions'   => array( 'type' => 'bool', 'default' => true, 'secret' => false, 'label' => __( 'Coaches may enter sessions', 'tfsp-calendly-sync' ) ),
			// Default: on when visitors cannot register themselves (every account is an admin's), off when they can.
			'link_new_accounts'        => array( 'type' => 'bool', 'default' => ! get_option( 'users_can_register' ), 'secret' => false, 'label' => __( 'Link bookings to new accounts', 'tfsp-calendly-sync' ) ),
			'send_students_to_portal'  => array( 'type' => 'bool', 'default' => false, 'secret' => false, 'label' => __( 'Send students to their sessions page after they log in', 'tfsp-calendly-sync' ) ),
			'delete_data_on_uninstall' => array( 'type' => 'bool', 'default' => false, 'secret' => false, 'label' => __( 'Delete the plugin\'s data on uninstall', 'tfsp-calendly-sync' ) ),
			'organization_uri'         => array( 'type' => 'url_or_empty', 'default' => '', 'secret' => false, 'label' => __( 'Calendly organization URI', 'tfsp-calendly-sync' ) ),
			'user_uri'                 => array( 'type' => 'url_or_empty', 'default' => '', 'secret' => false, 'label' => __( 'Calendly user URI', 'tfsp-calendly-sync' ) ),
			'alert_email'              => array( 'type' => 'email_or_empty', 'default' => '', 'secret' => false, 'label' => __( 'Send alerts to (empty: the site\'s admin e-mail)', 'tfsp-calendly-sync' ) ),
			'alert_interval_minutes'   => array( 'type' => 'int', 'default' => 60, 'min' => 1, 'max' => 10080, 'secret' => false, 'label' => __( 'Least minutes between two alert e-mails of one kind', 'tfsp-calendly-sync' ) ),
			'poll_days_back'           => array( 'type' => 'int', 'default' => 7, 'min' => 0, 'max' => 366, 'secret' => false, 'label' => __( 'Polling without webhooks: days back', 'tfsp-calendly-sync' ) ),
			'poll_days_ahead'          => array( 'type' => 'int', 'default' => 90, 'min' => 1, 'max' => 366, 'secret' => false, 'label' => __( 'Polling without webhooks: days ahead', 'tfsp-calendly-sync' ) ),
			'backfill_slice_seconds'   => array( 'type' => 'int', 'default' => 20, 'min' => 1, 'max' => 600, 'secret' => false, 'label' => __( 'Seconds a back-fill works per cron run', 'tfsp-calendly-sync' ) ),
			'scheduling_url'           => array( 'type' => 'https_url_or_empty', 'default' => '', 'secret' => false, 'label' => __( 'Calendly scheduling link for students (https)', 'tfsp-calendly-sync' ) ),
			'reminder_after_hours'     => array( 'type' => 'int', 'default' => 24, 'min' => 1, 'max' => 720, 'secret' => false, 'label' => __( 'Remind coaches of a missing attendance mark after (hours)', 'tfsp-calendly-sync' ) ),
			// Student mails: on for a new install (the migration stores it), off for a site that upgrades.
			'at_risk_days'             => array( 'type' => 'int', 'default' => 21, 'min' => 1, 'max' => 366, 'secret' => false, 'label' => __( 'At-risk window (days)', 'tfsp-calendly-sync' ) ),
			'nudge_book_next'          => array( 'type' => 'bool', 'default' => false, 'secret' => false, 'label' => __( 'E-mail students to book their next session', 'tfsp-calendly-sync' ) ),
			'nudge_after_days'         => array( 'type' => 'int', 'default' => 14, 'min' => 1, 'max' => 365, 'secret' => false, 'label' => __( 'Days after a student\'s latest session before the booking e-mail', 'tfsp-calendly-sync' ) ),
			'nudge_requirement_met'    => array( 'type' => 'bool', 'default' => false, 'secret' => false, 'label' => __( 'E-mail students when they meet the requirement', 'tfsp-calendly-sync' ) ),
		);
	}

	/** The wp-config constant that pins a setting. */
	public static function constant_name( string $name ): string {
		return 'TFSP_CALENDLY_' . strtoupper( $name );
	}

	public function is_pinned( string $name ): bool {
		return defined( self::constant_name( $name ) );
	}

	/**
	 * The setting's value: pinned constant, else stored value, else default.
	 *
	 * @return mixed
	 * @throws \InvalidArgumentException For an unknown name.
	 * @throws SecretUnavailable         For a stored secret that does not open.
	 * @throws DatabaseError             When the settings cannot be read.
	 */
	public function get( string $name ) {
		$def = $this->definition( $name );
		if ( $this->is_pinned( $name ) ) {
			$pinned = $this->normalize( $def, constant( self::constant_name( $name ) ) );
			return is_wp_error( $pinned ) ? $def['default'] : $pinned;
		}
		$stored = $this->stored();
		if ( ! array_key_exists( $name, $stored ) ) {
			return $def['default'];
		}
		$raw = $stored[ $name ];
		if ( $def['secret'] ) {
			$raw = $this->secrets->open( $raw, $name );
		}
		return $this->decode( $def, $raw );
	}

	/**
	 * Validates, seals where secret, and stores a setting.  For signing_key a
	 * string becomes the current key and the former current key is kept as
	 * the previous one (rotation); a list sets the whole ring.
	 *
	 * @param mixed $value The new value.
	 * @return true|\WP_Error
	 */
	public function set( string $name, $value ) {
		$definitions = $this->definitions();
		if ( ! isset( $definitions[ $name ] ) ) {
			return new \WP_Error( 'tfsp_calendly_unknown_setting', sprintf( /* translators: %s: setting name */ __( 'There is no setting named %s.', 'tfsp-calendly-sync' ), $name ) );
		}
		if ( $this->is_pinned( $name ) ) {
			return new \WP_Error( 'tfsp_calendly_setting_pinned', sprintf( /* translators: %s: constant name */ __( 'This setting is fixed in wp-config.php by %s and cannot be changed here.', 'tfsp-calendly-sync' ), self::constant_name( $name ) ) );
		}
		$def = $definitions[ $name ];
		if ( 'keyring' === $def['type'] && is_string( $value ) ) {
			$value = $this->rotated_ring( $value );
		}
		$normal = $this->normalize( $def, $value );
		if ( is_wp_error( $normal ) ) {
			return $normal;
		}
		try {
			$encoded = $this->encode( $def, $normal );
			if ( $def['secret'] ) {
				$encoded = $this->secrets->seal( $encoded, $name );
			}
			$this->repository->put( $name, $encoded );
		} catch ( SecretUnavailable $e ) {
			return new \WP_Error( 'tfsp_calendly_no_seal_key', __( 'Secrets cannot be sealed: define TFSP_CALENDLY_SEAL_KEY (at least 16 characters) or set the WordPress salts in wp-config.php.', 'tfsp-calendly-sync' ) );
		} catch ( DatabaseError $e ) {
			return new \WP_Error( 'tfsp_calendly_db_error', __( 'The setting could not be saved because of a database error.', 'tfsp-calendly-sync' ) );
		}
		$this->stored = null;
		return true;
	}

	/** Where a newly generated signing key waits, sealed, until Calendly accepts it. */
	public const PENDING_SIGNING_KEY = '_pending_signing_key';

	/**
	 * Prefix of the internal rows that count a back-fill job's failed slices in a row
	 * (Backfill::error_streak()), one per job ("_backfill_streak_{id}"), deleted when it ends.
	 */
	public const BACKFILL_STREAK_PREFIX = '_backfill_streak_';

	/**
	 * Keeps a new signing key as pending: sealed in the settings table, not in
	 * the key ring, so that a registration Calendly refuses changes nothing.
	 *
	 * @return true|\WP_Error
	 */
	public function hold_pending_signing_key( string $key ) {
		if ( $this->is_pinned( 'signing_key' ) ) {
			return new \WP_Error( 'tfsp_calendly_setting_pinned', sprintf( /* translators: %s: constant name */ __( 'This setting is fixed in wp-config.php by %s and cannot be changed here.', 'tfsp-calendly-sync' ), self::constant_name( 'signing_key' ) ) );
		}
		$normal = $this->normalize( $this->definition( 'signing_key' ), array( $key ) );
		if ( is_wp_error( $normal ) ) {
			return $normal;
		}
		try {
			$this->repository->put( self::PENDING_SIGNING_KEY, $this->secrets->seal( $key, self::PENDING_SIGNING_KEY ) );
		} catch ( SecretUnavailable $e ) {
			return new \WP_Error( 'tfsp_calendly_no_seal_key', __( 'Secrets cannot be sealed: define TFSP_CALENDLY_SEAL_KEY (at least 16 characters) or set the WordPress salts in wp-config.php.', 'tfsp-calendly-sync' ) );
		} catch ( DatabaseError $e ) {
			return new \WP_Error( 'tfsp_calendly_db_error', __( 'The setting could not be saved because of a database error.', 'tfsp-calendly-sync' ) );
		}
		return true;
	}

	/**
	 * Calendly accepted the pending key: it becomes the current key (the
	 * former current one stays as the previous key until the old
	 * subscriptions are gone), and the pending copy is dropped.
	 *
	 * @return true|\WP_Error
	 */
	public function promote_pending_signing_key( string $key ) {
		$set = $this->set( 'signing_key', $key );
		$this->discard_pending_signing_key();
		return $set;
	}

	/** A registration failed: its pending key is forgotten. */
	public function discard_pending_signing_key(): void {
		try {
			$this->repository->delete( self::PENDING_SIGNING_KEY );
		} catch ( DatabaseError $e ) {
			unset( $e ); // A stale pending key is harmless: the next registration overwrites it.
		}
	}

	/**
	 * The webhook signing keys, current first.
	 *
	 * @return string[]
	 * @throws SecretUnavailable When the stored ring does not open.
	 */
	public function signing_keys(): array {
		return array_values( array_filter( (array) $this->get( 'signing_key' ), static fn( $k ) => is_string( $k ) && '' !== $k ) );
	}

	/**
	 * Problems with stored secrets, for Site Health and the admin: what is
	 * wrong and what to do.
	 *
	 * @return array<int,array{setting:string,reason:string,message:string,action:string}>
	 */
	public function health(): array {
		$problems = array();
		try {
			$stored = $this->stored();
		} catch ( DatabaseError $e ) {
			return array();
		}
		foreach ( $this->definitions() as $name => $def ) {
			if ( ! $def['secret'] || $this->is_pinned( $name ) || ! isset( $stored[ $name ] ) ) {
				continue;
			}
			try {
				$this->secrets->open( $stored[ $name ], $name );
			} catch ( SecretUnavailable $e ) {
				$problems[] = array(
					'setting' => $name,
					'reason'  => $e->reason,
					/* translators: %s: setting label */
					'message' => sprintf( __( 'The stored "%s" can no longer be opened: the WordPress salts or TFSP_CALENDLY_SEAL_KEY changed since it was saved.', 'tfsp-calendly-sync' ), $def['label'] ),
					'action'  => 'token' === $name
						? __( 'Enter the Calendly access token again.', 'tfsp-calendly-sync' )
						: ( 'oauth_client_secret' === $name ? __( 'Enter the OAuth app\'s client secret again.', 'tfsp-calendly-sync' ) : __( 'Generate a new signing key and register the webhook subscription again; until then every delivery is answered 503 and Calendly retries.', 'tfsp-calendly-sync' ) ),
				);
			}
		}
		return $problems;
	}

	/** Drops this request's cache of stored values. */
	public function refresh(): void {
		$this->stored = null;
	}

	/** @return array<string,mixed> */
	private function definition( string $name ): array {
		$definitions = $this->definitions();
		if ( ! isset( $definitions[ $name ] ) ) {
			throw new \InvalidArgumentException( sprintf( 'Unknown setting "%s".', $name ) );
		}
		return $definitions[ $name ];
	}

	/** @return array<string,string> */
	private function stored(): array {
		if ( null === $this->stored ) {
			$this->stored = $this->repository->all();
		}
		return $this->stored;
	}

	/** The ring after making $key current: the former current key becomes the previous one. */
	private function rotated_ring( string $key ): array {
		$ring = array( $key );
		try {
			$old = $this->signing_keys();
		} catch ( SecretUnavailable | DatabaseError $e ) {
			$old = array();
		}
		if ( isset( $old[0] ) && $old[0] !== $key ) {
			$ring[] = $old[0];
		}
		return $ring;
	}

	/**
	 * Checks and normalises a value for its type.
	 *
	 * @param array $def   Definition.
	 * @param mixed $value Value.
	 * @return mixed|\WP_Error
	 */
	private function normalize( array $def, $value ) {
		$invalid = new \WP_Error(
			'tfsp_calendly_invalid_setting',
			/* translators: %s: setting label */
			sprintf( __( 'The value for "%s" is not valid.', 'tfsp-calendly-sync' ), $def['label'] ),
			array( 'status' => 400 )
		);
		switch ( $def['type'] ) {
			case 'url':
			case 'url_or_empty':
				$value = is_string( $value ) ? trim( $value ) : null;
				if ( 'url_or_empty' === $def['type'] && '' === $value ) {
					return '';
				}
				return null !== $value && self::is_http_url( $value ) ? untrailingslashit( $value ) : $invalid;
			case 'https_url_or_empty':
				$value = is_string( $value ) ? trim( $value ) : null;
				if ( '' === $value ) {
					return '';
				}
				return null !== $value && self::is_http_url( $value ) && 'https' === strtolower( (string) wp_parse_url( $value, PHP_URL_SCHEME ) ) ? $value : $invalid;
			case 'email_or_empty':
				$value = is_string( $value ) ? trim( $value ) : null;
				if ( '' === $value ) {
					return '';
				}
				return null !== $value && is_email( $value ) ? $value : $invalid;
			case 'string':
				return is_string( $value ) && '' !== trim( $value ) && ! preg_match( '/[\x00-\x20\x7f]/', $value ) ? $value : $invalid;
			case 'keyring':
				$ring = is_string( $value ) ? array( $value ) : ( is_array( $value ) ? array_values( $value ) : null );
				if ( null === $ring || ! $ring || count( $ring ) > 2 ) {
					return $invalid;
				}
				foreach ( $ring as $key ) {
					if ( ! is_string( $key ) || strlen( $key ) < 16 || preg_match( '/[\x00-\x20\x7f]/', $key ) ) {
						return $invalid;
					}
				}
				return $ring;
			case 'int':
				if ( is_string( $value ) && preg_match( '/^\s*-?\d+\s*$/', $value ) ) {
					$value = (int) $value;
				}
				return is_int( $value ) && $value >= $def['min'] && $value <= $def['max'] ? $value : $invalid;
			case 'bool':
				if ( is_bool( $value ) ) {
					return $value;
				}
				$bool = filter_var( $value, FILTER_VALIDATE_BOOLEAN, FILTER_NULL_ON_FAILURE );
				return null === $bool ? $invalid : $bool;
			case 'ip_list':
			case 'url_list':
				if ( is_string( $value ) ) {
					$value = preg_split( '/[\s,]+/', $value, -1, PREG_SPLIT_NO_EMPTY );
				}
				if ( ! is_array( $value ) ) {
					return $invalid;
				}
				$list = array();
				foreach ( $value as $item ) {
					$item = is_string( $item ) ? trim( $item ) : '';
					$ok   = 'ip_list' === $def['type'] ? ClientAddress::is_range( $item ) : self::is_http_url( $item );
					if ( ! $ok ) {
						return $invalid;
					}
					$list[] = $item;
				}
				return array_values( array_unique( $list ) );
		}
		return $invalid;
	}

	/** @param mixed $value Normalised value. */
	private function encode( array $def, $value ): string {
		switch ( $def['type'] ) {
			case 'int':
				return (string) $value;
			case 'bool':
				return $value ? '1' : '0';
			case 'keyring':
			case 'ip_list':
			case 'url_list':
				return (string) wp_json_encode( array_values( $value ) );
		}
		return (string) $value;
	}

	/** @return mixed */
	private function decode( array $def, string $raw ) {
		switch ( $def['type'] ) {
			case 'int':
				return (int) $raw;
			case 'bool':
				return '1' === $raw;
			case 'keyring':
			case 'ip_list':
			case 'url_list':
				$list = json_decode( $raw, true );
				return is_array( $list ) ? array_values( array_filter( $list, 'is_string' ) ) : $def['default'];
		}
		return $raw;
	}

	private static function is_http_url( string $value ): bool {
		$scheme = strtolower( (string) wp_parse_url( $value, PHP_URL_SCHEME ) );
		return false !== filter_var( $value, FILTER_VALIDATE_URL ) && in_array( $scheme, array( 'http', 'https' ), true );
	}
}
