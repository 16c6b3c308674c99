<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Alerts to the program admin by e-mail (wp_mail) and admin notice, throttled per kind.
 *
 * An alert is raised while its condition holds and cleared when it is gone.
 * E-mail goes out when an alert is raised anew, and again only as a daily
 * reminder while it stays; never more than one per kind within
 * alert_interval_minutes (60 by default), however often the checks run.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Alerts {

	/** The kinds, with their e-mail subject. */
	public const KINDS = array( 'subscription_disabled', 'token_rejected', 'webhooks_refused', 'backfill_failing', 'ledger_failing', 'oauth_broken' );

	private const REMINDER_SECONDS = DAY_IN_SECONDS;

	private SettingsRepository $store;
	private Settings $settings;

	public function __construct( SettingsRepository $store, Settings $settings ) {
		$this->store    = $store;
		$this->settings = $settings;
	}

	/**
	 * Raises an alert (or keeps it raised) and mails when due.
	 *
	 * @return bool True when an e-mail was sent now.
	 */
	public function raise( string $kind, string $message ): bool {
		if ( ! in_array( $kind, self::KINDS, true ) ) {
			throw new \InvalidArgumentException( 'Unknown alert kind ' . $kind );
		}
		$now   = time();
		$state = $this->state( $kind );
		$fresh = empty( $state['active'] );
		$last  = (int) ( $state['last_mail'] ?? 0 );
		$gap   = (int) $this->settings->get( 'alert_interval_minutes' ) * MINUTE_IN_SECONDS;
		$due   = ( $fresh || $now - $last >= self::REMINDER_SECONDS ) && $now - $last >= $gap;

		$state = array(
			'active'    => true,
			'since'     => $fresh ? $now : (int) ( $state['since'] ?? $now ),
			'message'   => $message,
			'last_mail' => $last,
			'mails'     => (int) ( $state['mails'] ?? 0 ),
		);
		$sent  = false;
		if ( $due ) {
			$sent = $this->mail( $kind, $message );
			if ( $sent ) {
				$state['last_mail'] = $now;
				++$state['mails'];
			}
		}
		$this->store->put( '_alert_' . $kind, (string) wp_json_encode( $state ) );
		return $sent;
	}

	/** Clears an alert whose condition is gone (its mail throttle stays). */
	public function clear( string $kind ): void {
		$state = $this->state( $kind );
		if ( ! empty( $state['active'] ) ) {
			$state['active'] = false;
			$this->store->put( '_alert_' . $kind, (string) wp_json_encode( $state ) );
		}
	}

	/**
	 * The alerts raised now.
	 *
	 * @return array<string,array{since:int,message:string}>
	 */
	public function active(): array {
		$out = array();
		foreach ( self::KINDS as $kind ) {
			$state = $this->state( $kind );
			if ( ! empty( $state['active'] ) ) {
				$out[ $kind ] = array(
					'since'   => (int) $state['since'],
					'message' => (string) $state['message'],
				);
			}
		}
		return $out;
	}

	/** Admin notice of the raised alerts, for users who manage the sync. */
	public function render_notice(): void {
		if ( ! current_user_can( Plugin::CAP_MANAGE ) ) {
			return;
		}
		try {
			$active = $this->active();
		} catch ( DatabaseError $e ) {
			return;
		}
		foreach ( $active as $kind => $alert ) {
			echo '<div class="notice notice-error tfsp-calendly-alert" data-kind="' . esc_attr( $kind ) . '"><p><strong>' . esc_html( self::title( $kind ) ) . '</strong> '
				. esc_html( $alert['message'] ) . ' <a href="' . esc_url( admin_url( 'admin.php?page=' . Admin\SyncPage::SLUG ) ) . '">' . esc_html__( 'Open the Calendly Sync page', 'tfsp-calendly-sync' ) . '</a></p></div>';
		}
	}

	public static function title( string $kind ): string {
		$titles = array(
			'subscription_disabled' => __( 'Calendly disabled the webhook subscription.', 'tfsp-calendly-sync' ),
			'token_rejected'        => __( 'Calendly rejects the access token.', 'tfsp-calendly-sync' ),
			'webhooks_refused'      => __( 'Calendly refuses webhooks for this account; the sync polls instead.', 'tfsp-calendly-sync' ),
			'backfill_failing'      => __( 'A Calendly back-fill is failing.', 'tfsp-calendly-sync' ),
			'ledger_failing'        => __( 'Some Calendly deliveries could not be applied.', 'tfsp-calendly-sync' ),
			'oauth_broken'          => __( 'The Calendly OAuth connection is broken.', 'tfsp-calendly-sync' ),
		);
		return $titles[ $kind ] ?? $kind;
	}

	private function mail( string $kind, string $message ): bool {
		$to = (string) $this->settings->get( 'alert_email' );
		if ( '' === $to ) {
			$to = (string) get_option( 'admin_email' );
		}
		if ( '' === $to ) {
			return false;
		}
		/* translators: 1: site name, 2: alert title */
		$subject = sprintf( __( '[%1$s] Calendly Sync: %2$s', 'tfsp-calendly-sync' ), wp_specialchars_decode( (string) get_option( 'blogname' ), ENT_QUOTES ), self::title( $kind ) );
		$body    = self::title( $kind ) . "\n\n" . $message . "\n\n"
			/* translators: %s: URL of the Site Health screen */
			. sprintf( __( 'Sync health: %s', 'tfsp-calendly-sync' ), admin_url( 'site-health.php' ) ) . "\n";
		return self::send(
			array(
				'to'      => $to,
				'subject' => $subject,
				'message' => $body,
				'headers' => array(),
			),
			'alert',
			array( 'alert' => $kind )
		);
	}

	/**
	 * Every mail the plugin sends goes through here, and through the filter
	 * tfsp_calendly_email ( array $mail, string $kind, array $context ):
	 * $mail holds to, subject, message and headers as wp_mail() takes them;
	 * a listener may change them, or answer something other than an array
	 * (or an empty "to") to send nothing.  docs/hooks.md.
	 *
	 * @param array{to:string|string[],subject:string,message:string,headers:string[]} $mail
	 * @param string                                                              $kind    alert, coach_reminder.
	 * @param array<string,mixed>                                                 $context What the mail is about.
	 */
	public static function send( array $mail, string $kind, array $context ): bool {
		$mail = apply_filters( 'tfsp_calendly_email', $mail, $kind, $context );
		if ( ! is_array( $mail ) || empty( $mail['to'] ) ) {
			return false;
		}
		return (bool) wp_mail( $mail['to'], (string) ( $mail['subject'] ?? '' ), (string) ( $mail['message'] ?? '' ), (array) ( $mail['headers'] ?? array() ) );
	}

	/** @return array<string,mixed> */
	private function state( string $kind ): array {
		$raw   = $this->store->find_quietly( '_alert_' . $kind );
		$state = null === $raw ? null : json_decode( $raw, true );
		return is_array( $state ) ? $state : array();
	}
}
