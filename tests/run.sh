#!/usr/bin/env bash
# The one test command of Plausch: installs what the tests need (on Debian/Ubuntu),
# then runs rustfmt, clippy and the whole test suite (unit + integration tests
# against a loopback Prosody, see tests/common/prosody.rs).
#
# Usage: tests/run.sh [extra args for `cargo test`]   (from any directory)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

section() {
    printf '\n==== %s ====\n' "$*"
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "error: need root or sudo to run: $*" >&2
        exit 1
    fi
}

section "System packages (Prosody 13 and its community modules, lua-unbound, openssl)"
# The test server is Prosody 13. Debian's stable release (bookworm) has 0.12,
# its backports have 13: the backports source is added when missing. The
# compatibility job at the end runs against 0.12, unpacked by
# tests/prosody-0.12.sh (it needs lua-bitop, which 13 does not).
prosody_version() {
    dpkg-query -W -f '${Version}' "$1" 2>/dev/null || true
}
case "$(prosody_version prosody)" in
    1[3-9].*) have_prosody=$([ -n "$(prosody_version prosody-modules)" ] && echo yes || echo no) ;;
    *) have_prosody=no ;;
esac
if [ "$have_prosody" = yes ] && command -v openssl >/dev/null 2>&1 \
    && [ -n "$(prosody_version lua-bitop)" ] && [ -n "$(prosody_version lua-unbound)" ]; then
    echo "Prosody $(prosody_version prosody), prosody-modules and openssl already installed"
else
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: Prosody 13 missing and no apt-get; install prosody (13 or newer) and prosody-modules manually" >&2
        exit 1
    fi
    # shellcheck disable=SC1091
    . /etc/os-release
    if [ "${ID:-}" = debian ] && [ -n "${VERSION_CODENAME:-}" ] \
        && ! grep -rqs -- "${VERSION_CODENAME}-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
        echo "adding ${VERSION_CODENAME}-backports to the apt sources"
        echo "deb http://deb.debian.org/debian ${VERSION_CODENAME}-backports main" |
            as_root tee /etc/apt/sources.list.d/plausch-tests-backports.list >/dev/null
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    # The suite that has Prosody 13 or newer: the backports, or a newer release's main.
    suite="$(apt-cache madison prosody | awk '$3 ~ /^1[3-9]\./ { split($6, s, "/"); print s[1]; exit }')"
    if [ -z "$suite" ]; then
        echo "error: no Prosody 13 or newer in the apt sources" >&2
        exit 1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        -t "$suite" prosody prosody-modules
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        lua-unbound lua-bitop openssl
fi
# The tests start their own Prosody on free loopback ports; a system instance
# started by the package (on 5222/5269) is not used and does not conflict.

section "Rust toolchain (rustfmt, clippy)"
if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
fi
if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo not found; install Rust via https://rustup.rs" >&2
    exit 1
fi
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    rustup component add rustfmt clippy
fi
cargo --version
cargo fmt --version
cargo clippy --version

section "Python venv for the OMEMO reference bot (tests/bots)"
# tests/bots/omemo_bot.py (slixmpp + slixmpp-omemo) plays "the other person"
# in the OMEMO tests; tests/bots/venv.sh makes its pinned venv (also runnable
# on its own) and exports PLAUSCH_TEST_PYTHON for `cargo test`.
# shellcheck source=tests/bots/venv.sh
. "$REPO_ROOT/tests/bots/venv.sh"

# A one-off build gains nothing from incremental caches, and they cost gigabytes
# of disk (CI once ran out of it); see also `[profile.dev.package."*"]`.
export CARGO_INCREMENTAL=0

section "cargo fmt --all --check"
cargo fmt --all --check

section "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

section "cargo test --workspace --all-targets $*"
test_log="$(mktemp)"
trap 'rm -f "$test_log"' EXIT
cargo test --workspace --all-targets "$@" 2>&1 | tee "$test_log"

section "Compatibility job: logging in, sync and rooms against Prosody 0.12"
# Servers in the field are older than the test server: what differs (no
# SASL2, Bind2, FAST; older modules) is run once more against 0.12.
old_prosody="$(bash "$REPO_ROOT/tests/prosody-0.12.sh")"
PLAUSCH_TEST_PROSODY_ROOT="$old_prosody" cargo test --test harness --test sync --test muc 2>&1 |
    tee -a "$test_log"

# One total over all test binaries, so the run does not end on the line of a
# binary that happens to hold no tests.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$test_log"
du -sh "${CARGO_TARGET_DIR:-target}" 2>/dev/null | awk '{ print "build footprint: " $1 }' || true
