#!/usr/bin/env bash
# The Python venv of the OMEMO reference bot (tests/bots/omemo_bot.py).
#
# Sourced by tests/run.sh, which then runs `cargo test` with
# PLAUSCH_TEST_PYTHON set to the venv's interpreter. On its own,
# `bash tests/bots/venv.sh` makes (or finds) the venv and prints that path.
#
# The packages are pinned (==, transitive ones too) in
# tests/bots/requirements.txt. The venv lives outside the source tree, in
# ${XDG_CACHE_HOME:-~/.cache}/plausch-tests/venv-<first 12 hex digits of the
# file's SHA-256>: a changed pin makes a new venv, an unchanged one is reused.
# PLAUSCH_TEST_PYTHON already set: that interpreter is used as it is.
# PLAUSCH_BOT_BASE_PYTHON: the Python (3.11 or newer) to make the venv from
# (default python3).

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
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
fi

setup_bot_venv() {
    local req="$REPO_ROOT/tests/bots/requirements.txt"
    local python="${PLAUSCH_BOT_BASE_PYTHON:-python3}"
    if ! command -v "$python" >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            python3 python3-venv
    fi
    if ! command -v "$python" >/dev/null 2>&1; then
        echo "error: $python not found; the OMEMO bot needs Python 3.11 or newer" >&2
        exit 1
    fi
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "error: the OMEMO bot needs Python 3.11 or newer (slixmpp-omemo 2.2);" \
            "$python is $("$python" --version 2>&1). Install a newer Python and set" \
            "PLAUSCH_BOT_BASE_PYTHON to it." >&2
        exit 1
    fi
    # Debian splits venv/ensurepip into python3-venv.
    if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        if ! command -v apt-get >/dev/null 2>&1; then
            echo "error: $python cannot create a venv (no ensurepip); install its venv module" >&2
            exit 1
        fi
        local minor
        minor="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            python3-venv "python${minor}-venv" ||
            as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
                python3-venv
    fi
    local hash venv
    hash="$(sha256sum "$req" | cut -c1-12)"
    venv="${XDG_CACHE_HOME:-$HOME/.cache}/plausch-tests/venv-$hash"
    if [ -f "$venv/.complete" ] && [ -x "$venv/bin/python" ]; then
        echo "reusing $venv" >&2
    else
        local start=$SECONDS
        rm -rf "$venv" "$venv.tmp"
        mkdir -p "$(dirname "$venv")"
        # Built under a temporary name, so an interrupted install is never reused.
        "$python" -m venv "$venv.tmp"
        "$venv.tmp/bin/python" -m pip install --quiet --disable-pip-version-check \
            --no-deps --only-binary=:all: -r "$req"
        "$venv.tmp/bin/python" -m pip check >&2
        touch "$venv.tmp/.complete"
        mv "$venv.tmp" "$venv"
        # A venv's scripts name its path; the interpreter is all we run.
        echo "created $venv in $((SECONDS - start)) s" >&2
    fi
    export PLAUSCH_TEST_PYTHON="$venv/bin/python"
}

if [ -n "${PLAUSCH_TEST_PYTHON:-}" ]; then
    echo "using PLAUSCH_TEST_PYTHON=$PLAUSCH_TEST_PYTHON" >&2
else
    setup_bot_venv
fi
"$PLAUSCH_TEST_PYTHON" -c 'import sys, slixmpp, slixmpp_omemo; print("bot python", sys.version.split()[0], "slixmpp", slixmpp.__version__, "slixmpp-omemo", slixmpp_omemo.__version__, file=sys.stderr)'
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "$PLAUSCH_TEST_PYTHON"
fi
