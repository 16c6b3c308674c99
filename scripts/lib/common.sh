# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Shared shell helpers for scripts/*: logging, the repository root, and
# idempotent installation of the Debian packages the project needs.
# Sourced, never run.

CALSYNC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export CALSYNC_ROOT

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
}

# need_node: Node.js and npm.  The machine's Node.js may come from elsewhere
# than Debian with npm bundled (NodeSource's nodejs conflicts with Debian's
# npm package), so Debian's npm is installed only when no npm is found.
need_node() {
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
    need_packages nodejs npm
}
