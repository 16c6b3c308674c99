<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The plugin's one error type.  Every failure that the plugin reports is a
 * PluginError of one category (DatabaseError, ApiError and SecretUnavailable
 * are its categories "database", "api" and "secret"), and one table,
 * CATEGORIES with notices(), says for each category the REST error code,
 * the HTTP status and the admin notice.
 * Exceptions of the extension (Calsync\...) become PluginErrors through
 * from_core(), the only mapper.  docs/architecture.md has the table.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

class PluginError extends \RuntimeException {

	/** One of the keys of CATEGORIES. */
	public string $category;

	/** Extra data for the REST error (for example the parameter of an "input" error). */
	public array $data;

	public function __construct( string $category, string $message, array $data = array(), ?\Throwable $previous = null, int $code = 0 ) {
		if ( ! isset( self::CATEGORIES[ $category ] ) ) {
			throw new \InvalidArgumentException( 'Unknown error category ' . $category );
		}
		$this->category = $category;
		$this->data     = $data;
		parent::__construct( $message, $code, $previous );
	}

	/** The table: category => [REST code, HTTP status]; the notices are in notices(). */
	public const CATEGORIES = array(
		'database'     => array( 'tfsp_calendly_db_error', 503 ),
		'api'          => array( 'tfsp_calendly_api_error', 502 ),
		'secret'       => array( 'tfsp_calendly_secret_unavailable', 500 ),
		'input'        => array( 'rest_invalid_param', 400 ),
		'no_session'   => array( 'tfsp_calendly_no_session', 404 ),
		'forbidden'    => array( 'tfsp_calendly_forbidden', 403 ),
		'refused'      => array( 'tfsp_calendly_refused', 409 ),
		'busy'         => array( 'tfsp_calendly_busy', 409 ),
		'no_extension' => array( 'tfsp_calendly_no_extension', 503 ),
		'internal'     => array( 'tfsp_calendly_internal', 500 ),
	);

	/**
	 * The admin notice of each category (translated when asked, never while
	 * an error is built: a database error can happen before translations load).
	 *
	 * @return array<string,string>
	 */
	public static function notices(): array {
		return array(
			'database'     => __( 'The database could not be reached; nothing was changed. Try again in a minute.', 'tfsp-calendly-sync' ),
			'api'          => __( 'Calendly could not be asked; see the Sync page.', 'tfsp-calendly-sync' ),
			'secret'       => __( 'A stored secret cannot be opened (the WordPress salts or TFSP_CALENDLY_SEAL_KEY changed): enter it again on the Settings page.', 'tfsp-calendly-sync' ),
			'input'        => __( 'A value is not valid; nothing was changed.', 'tfsp-calendly-sync' ),
			'no_session'   => __( 'There is no such session.', 'tfsp-calendly-sync' ),
			'forbidden'    => __( 'You can mark only the sessions you host; nothing was changed.', 'tfsp-calendly-sync' ),
			'refused'      => __( 'The change was refused; nothing was changed.', 'tfsp-calendly-sync' ),
			'busy'         => __( 'Another request is doing this now; try again in a minute.', 'tfsp-calendly-sync' ),
			'no_extension' => __( 'The calsync PHP extension is not loaded, so this cannot be done now. Ask whoever runs the server to install it again (after a PHP upgrade it must be rebuilt), then try again.', 'tfsp-calendly-sync' ),
			'internal'     => __( 'Something went wrong inside the plugin; nothing was changed.', 'tfsp-calendly-sync' ),
		);
	}

	/**
	 * The only mapper from the extension's exceptions: bad input
	 * (Calsync\InputException, PayloadException) is "input", a refusal of the
	 * state rules (StateException) "refused", a sealed value that does not
	 * open "secret", a failed API call "api", and a programming error
	 * (ValueError, TypeError: a bug of ours, never the user's) "internal".
	 */
	public static function from_core( \Throwable $e ): self {
		if ( $e instanceof self ) {
			return $e;
		}
		$message = $e->getMessage();
		if ( $e instanceof \Calsync\PayloadException ) {
			return new self( 'input', '' !== $e->path ? $e->path . ': ' . $message : $message, array( 'path' => $e->path ), $e );
		}
		if ( $e instanceof \Calsync\StateException ) {
			return new self( 'refused', $message, array(), $e );
		}
		if ( $e instanceof \Calsync\SealException ) {
			return new self( 'secret', $message, array( 'reason' => $e->reason ), $e );
		}
		if ( $e instanceof \Calsync\ApiException ) {
			return new ApiError( ApiError::kind_of( $e->status ), $e->status, $message, $e->retryAfterMs, $e );
		}
		if ( $e instanceof \Calsync\Exception ) {
			return new self( 'input', $message, array(), $e ); // InputException, SignatureException: a value from outside.
		}
		return new self( 'internal', $message, array(), $e );
	}

	public function rest_code(): string {
		return self::CATEGORIES[ $this->category ][0];
	}

	public function http_status(): int {
		return self::CATEGORIES[ $this->category ][1];
	}

	/** The admin notice of the category; $detail (already translated) is appended. */
	public function notice( string $detail = '' ): string {
		$text = self::notices()[ $this->category ];
		return '' === $detail ? $text : $text . ' ' . $detail;
	}

	/**
	 * The REST answer: the category's code and status, and a message for
	 * people ($message, translated by the caller; default the category's notice).
	 */
	public function to_wp_error( ?string $message = null ): \WP_Error {
		return new \WP_Error( $this->rest_code(), $message ?? $this->notice(), array_merge( $this->data, array( 'status' => $this->http_status() ) ) );
	}

	/**
	 * A 400 naming the parameter, as WordPress answers a parameter its schema
	 * refuses (rest_invalid_param, with params and details).
	 */
	public static function invalid_param( string $param, string $message ): \WP_Error {
		$error = new self(
			'input',
			$message,
			array(
				'params'  => array( $param => $message ),
				'details' => array(),
			)
		);
		/* translators: %s: the parameter. */
		return $error->to_wp_error( sprintf( __( 'Invalid parameter(s): %s', 'tfsp-calendly-sync' ), $param ) );
	}
}
