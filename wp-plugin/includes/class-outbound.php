<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * WordPress's outbound HTTP rules for the core's libcurl clients: which
 * proxy a request to a URL takes, and whether the site forbids it.
 *
 * The same decisions as WordPress's own HTTP API (WP_HTTP_Proxy and
 * WP_Http::block_request), taken here because the core's client is not
 * WordPress's:
 *
 * - A proxy is used when WP_PROXY_HOST and WP_PROXY_PORT are defined, with
 *   credentials when WP_PROXY_USERNAME and WP_PROXY_PASSWORD are, except
 *   for `localhost`, the site's own host and the hosts of
 *   WP_PROXY_BYPASS_HOSTS (comma-separated; `*` matches one or more
 *   characters, case-insensitively). The filter pre_http_send_through_proxy
 *   decides instead when it answers anything but null.
 * - With WP_HTTP_BLOCK_EXTERNAL true, a host is blocked unless it is
 *   `localhost`, the site's own host (those only when the filter
 *   block_local_requests says so) or in WP_ACCESSIBLE_HOSTS (same wildcards).
 *
 * Environment proxies (http_proxy, https_proxy, all_proxy, no_proxy) are
 * never used: the core always sets the proxy options it is given, empty
 * ones included. libcurl's own no-proxy list matches host suffixes, not
 * WordPress's wildcards, so the decision is taken here per base URL and
 * libcurl is told either "this proxy" or "no proxy at all".
 *
 * The proxy password is only ever handed to the client: never part of a
 * message, a log line or a stored value (fingerprint() is a hash).
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Outbound {

	/**
	 * The proxy options of a Calsync client for requests to $url (the
	 * client's base URL: all its requests go to that host).
	 *
	 * @return array{proxy:?string,proxy_userpwd:?string,noproxy:string}
	 * @throws ApiError Kind blocked_host when the site forbids requests to the URL's host.
	 */
	public function client_options( string $url ): array {
		if ( $this->is_blocked( $url ) ) {
			$host = (string) wp_parse_url( $url, PHP_URL_HOST );
			throw new ApiError(
				'blocked_host',
				0,
				sprintf(
					/* translators: %s: host name of the Calendly API base URL */
					__( 'This site blocks outbound requests to %s (WP_HTTP_BLOCK_EXTERNAL is on and the host is not in WP_ACCESSIBLE_HOSTS). Add the host to WP_ACCESSIBLE_HOSTS in wp-config.php.', 'tfsp-calendly-sync' ),
					'' === $host ? $url : $host
				)
			);
		}
		if ( ! $this->proxy_enabled() || ! $this->send_through_proxy( $url ) ) {
			return array(
				'proxy'         => null,
				'proxy_userpwd' => null,
				'noproxy'       => '*',
			);
		}
		return array(
			'proxy'         => self::proxy_url( (string) WP_PROXY_HOST, (string) WP_PROXY_PORT ),
			'proxy_userpwd' => $this->use_authentication() ? WP_PROXY_USERNAME . ':' . WP_PROXY_PASSWORD : null,
			'noproxy'       => '',
		);
	}

	/** A hash of the options, for a client cache: changes when any of them does, and shows none. */
	public static function fingerprint( array $options ): string {
		return hash( 'sha256', (string) wp_json_encode( $options ) );
	}

	/** WP_HTTP_Proxy::is_enabled(). */
	public function proxy_enabled(): bool {
		return defined( 'WP_PROXY_HOST' ) && defined( 'WP_PROXY_PORT' );
	}

	/** WP_HTTP_Proxy::use_authentication(). */
	public function use_authentication(): bool {
		return defined( 'WP_PROXY_USERNAME' ) && defined( 'WP_PROXY_PASSWORD' );
	}

	/** WP_HTTP_Proxy::send_through_proxy(): whether a request to $url takes the proxy (when one is set). */
	public function send_through_proxy( string $url ): bool {
		$check = wp_parse_url( $url );
		if ( false === $check ) {
			return true; // As WordPress: a URL it cannot parse goes through the proxy.
		}
		$home   = wp_parse_url( (string) get_option( 'siteurl' ) );
		$result = apply_filters( 'pre_http_send_through_proxy', null, $url, $check, $home );
		if ( null !== $result ) {
			return (bool) $result;
		}
		$host = (string) ( $check['host'] ?? '' );
		if ( self::is_local( $host, $home ) ) {
			return false;
		}
		if ( ! defined( 'WP_PROXY_BYPASS_HOSTS' ) ) {
			return true;
		}
		return ! self::host_listed( $host, (string) WP_PROXY_BYPASS_HOSTS );
	}

	/** WP_Http::block_request(): whether the site forbids a request to $url. */
	public function is_blocked( string $url ): bool {
		if ( ! defined( 'WP_HTTP_BLOCK_EXTERNAL' ) || ! WP_HTTP_BLOCK_EXTERNAL ) {
			return false;
		}
		$check = wp_parse_url( $url );
		if ( ! $check ) {
			return true;
		}
		$home = wp_parse_url( (string) get_option( 'siteurl' ) );
		$host = (string) ( $check['host'] ?? '' );
		if ( self::is_local( $host, $home ) ) {
			return (bool) apply_filters( 'block_local_requests', false );
		}
		if ( ! defined( 'WP_ACCESSIBLE_HOSTS' ) ) {
			return true;
		}
		return ! self::host_listed( $host, (string) WP_ACCESSIBLE_HOSTS );
	}

	/** `localhost` or the site's own host (exactly, as WordPress compares them). */
	private static function is_local( string $host, $home ): bool {
		return 'localhost' === $host || ( is_array( $home ) && isset( $home['host'] ) && $home['host'] === $host );
	}

	/**
	 * Whether $host is in a WordPress host list ("a.example, *.b.example"):
	 * when the list holds a `*`, every entry is a pattern in which `*`
	 * stands for one or more characters, matched without regard to case;
	 * otherwise the comparison is exact.
	 */
	private static function host_listed( string $host, string $list ): bool {
		$entries = (array) preg_split( '|,\s*|', $list );
		if ( false === strpos( $list, '*' ) ) {
			return in_array( $host, $entries, true );
		}
		$patterns = array();
		foreach ( $entries as $entry ) {
			$patterns[] = str_replace( '\*', '.+', preg_quote( (string) $entry, '/' ) );
		}
		return 1 === preg_match( '/^(' . implode( '|', $patterns ) . ')$/i', $host );
	}

	/** "http://host:port"; an IPv6 address in brackets. */
	private static function proxy_url( string $host, string $port ): string {
		if ( false !== strpos( $host, ':' ) && '[' !== substr( $host, 0, 1 ) ) {
			$host = '[' . $host . ']';
		}
		return 'http://' . $host . ':' . $port;
	}
}
