# Shared shell helpers for scripts/*: logging, the repository root, and
# idempotent installation of the Debian packages the project needs.
# Sourced, never run.

CALSYNC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export CALSYNC_ROOT

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Packages by purpose.  Every script asks only for what it uses.
CALSYNC_PKGS_CORE="build-essential cmake pkg-config libjansson-dev libcurl4-openssl-dev libssl-dev libcmocka-dev clang libclang-rt-14-dev valgrind"
CALSYNC_PKGS_PHP="php8.2-dev php8.2-cli php-parser"
export CALSYNC_PKGS_CORE CALSYNC_PKGS_PHP

# need_packages PKG...: installs whichever of the packages are missing.
# Runs apt-get update at most once per call, and only when something is missing.
need_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null ||
        die "apt-get update failed"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null || die "apt-get install failed: ${missing[*]}"
}
