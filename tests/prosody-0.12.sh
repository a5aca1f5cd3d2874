#!/usr/bin/env bash
# Unpacks Prosody 0.12 (the package of Debian's stable release, which
# tests/run.sh replaced by Prosody 13 from the backports) into the test
# cache, beside the installed server, and prints its root. The compatibility
# job runs part of the suite against it with PLAUSCH_TEST_PROSODY_ROOT set to
# that root (tests/common/prosody.rs): an older server without SASL2 and the
# other modern modules must still work. Needs apt-get and dpkg-deb; Prosody
# 13's dependencies (Lua 5.4 and its libraries) serve 0.12 as well.
set -euo pipefail

cache="${XDG_CACHE_HOME:-$HOME/.cache}/plausch-tests/prosody-0.12"
if [ ! -x "$cache/usr/bin/prosody" ]; then
    version="$(apt-cache madison prosody | awk '$3 ~ /^0\.12\./ { print $3; exit }')"
    if [ -z "$version" ]; then
        echo "error: no Prosody 0.12 package in the apt sources" >&2
        exit 1
    fi
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    # apt drops privileges to _apt for downloads into a world-writable folder.
    chmod 777 "$work"
    (cd "$work" && apt-get download -q "prosody=$version" >&2)
    rm -rf "$cache.part"
    dpkg-deb -x "$work"/prosody_*.deb "$cache.part"
    for program in prosody prosodyctl; do
        sed -i \
            -e "s|^CFG_SOURCEDIR=.*|CFG_SOURCEDIR='$cache/usr/lib/prosody';|" \
            -e "s|^CFG_PLUGINDIR=.*|CFG_PLUGINDIR='$cache/usr/lib/prosody/modules/';|" \
            "$cache.part/usr/bin/$program"
    done
    rm -rf "$cache"
    mv "$cache.part" "$cache"
fi
echo "$cache"
