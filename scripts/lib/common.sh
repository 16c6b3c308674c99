# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Shared shell helpers for scripts/*: logging, the repository root, and
# idempotent installation of the Debian packages the project needs.
# Sourced, never run.

CALSYNC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export CALSYNC_ROOT

# PHP_INI_SCAN_DIR isolation.  The Debian package php8.2-calsync enables the
# module for every SAPI (/etc/php/8.2/*/conf.d/20-calsync.ini); our PHP
# processes load the module they were built with (`-d extension=/abs/calsync.so`,
# or none at all in the no_extension suite), and with the packaged .ini in
# the scan dir as well PHP warns "Module already loaded" and runs the
# packaged copy.  So every PHP process the stack and the tests start scans a
# folder of our own instead: symlinks to the system's conf.d files of that
# SAPI, all but `*calsync*`, and the stack's sendmail_path (scripts/lib/mail-sink).  php_scan_dir SAPI (cli or fpm) refreshes the
# folder (idempotent, safe to run concurrently: only missing or stale links
# change) and prints its path; PHP_INI_SCAN_DIR is exported for the CLI here,
# and scripts/stack starts php-fpm with the fpm folder.  Only the install
# suite's plain site (tests/install/) runs PHP without it, on purpose.
php_scan_dir() {
    local sapi=$1 dir="$CALSYNC_ROOT/_build/php-ini-scan/$1" f name
    mkdir -p "$dir" 2>/dev/null || return 0
    for f in "/etc/php/8.2/$sapi/conf.d/"*.ini; do
        [ -e "$f" ] || continue
        name=${f##*/}
        case "$name" in *calsync*) continue ;; esac
        [ "$(readlink "$dir/$name" 2>/dev/null)" = "$f" ] || ln -sfn "$f" "$dir/$name"
    done
    for f in "$dir"/*; do # links whose file went away, and any calsync one
        [ -L "$f" ] || continue
        case "${f##*/}" in *calsync*) rm -f "$f"; continue ;; esac
        [ -e "$f" ] || rm -f "$f"
    done
    # The stack's mail: every PHP of ours "sends" through scripts/lib/mail-sink,
    # which stores each message (the stack's php-fpm pool sets it as well).
    local ini="$dir/99-stack-mail-sink.ini" want="sendmail_path = \"$CALSYNC_ROOT/scripts/lib/mail-sink\""
    if [ "$(cat "$ini" 2>/dev/null)" != "$want" ]; then
        printf '%s\n' "$want" >"$ini.$$" && mv -f "$ini.$$" "$ini"
    fi
    printf '%s\n' "$dir"
}
PHP_INI_SCAN_DIR=$(php_scan_dir cli)
export PHP_INI_SCAN_DIR
CALSYNC_FPM_SCAN_DIR=$(php_scan_dir fpm)
export CALSYNC_FPM_SCAN_DIR

# php_calsync_package_installed: true when the Debian package php8.2-calsync is
# on the machine in any state but "not installed" (installed, half-installed or
# half-configured by an interrupted dpkg, removed with its conffiles left).
php_calsync_package_installed() {
    local status
    status=$(dpkg-query -W -f='${Status}' php8.2-calsync 2>/dev/null) || return 1
    [ -n "$status" ] && [ "${status##* }" != not-installed ]
}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Packages by purpose (arrays: need_packages "${CALSYNC_PKGS_CORE[@]}").
# Every script asks only for what it uses.
# shellcheck disable=SC2034 # used by the scripts that source this file
CALSYNC_PKGS_CORE=(build-essential cmake pkg-config libjansson-dev libcurl4-openssl-dev libssl-dev
    libcmocka-dev clang libclang-rt-14-dev valgrind)
# shellcheck disable=SC2034 # used by the scripts that source this file
CALSYNC_PKGS_PHP=(php8.2-dev php8.2-cli php-parser)

# need_packages PKG...: installs whichever of the packages are missing.
# Runs apt-get update at most once per call, and only when something is missing.
# Waits for another apt or dpkg run to finish (up to 10 minutes) rather than failing.
need_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null ||
        die "apt-get update failed"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null || die "apt-get install failed: ${missing[*]}"
    # New packages may bring conf.d files (php8.2-mysql, php8.2-fpm, ...).
    PHP_INI_SCAN_DIR=$(php_scan_dir cli)
    CALSYNC_FPM_SCAN_DIR=$(php_scan_dir fpm)
}

# need_node: Node.js and npm.  The machine's Node.js may come from elsewhere
# than Debian with npm bundled (NodeSource's nodejs conflicts with Debian's
# npm package), so Debian's npm is installed only when no npm is found.
need_node() {
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
    need_packages nodejs npm
}
