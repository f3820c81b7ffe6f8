#!/usr/bin/env bash
# godot-runtimes.sh: make (once) a Debian sid root holding the real Godot
# 4.6 (`godot`) and Godot 3.6 (`godot3-server`), so the interop tests can run
# them. The root lives in a cache folder outside the repository
# (ENETGO_GODOT_ROOT, default /var/cache/enetgo/sid-root); running the script
# again with the root complete only prints the engine versions.
#
# Nothing stays mounted: the tests start each engine through
#   unshare --mount --pid --fork --kill-child --mount-proc=ROOT/proc chroot ROOT ...
# so /proc exists only in that process's private mount namespace and goes
# away with it (internal/godottest does this).
#
# Without root, debootstrap or the archive, it says so and exits 0: the tests
# that need the engines then skip with that reason (or fail under
# ENETGO_REQUIRE_GODOT=1).
set -euo pipefail
root=${ENETGO_GODOT_ROOT:-/var/cache/enetgo/sid-root}
mirror=${ENETGO_SID_MIRROR:-http://deb.debian.org/debian}
marker="$root/.enetgo-ready"

say() { echo "godot-runtimes: $*" >&2; }

versions() {
  local v4 v3
  v4=$(unshare --mount --pid --fork --kill-child --mount-proc="$root/proc" \
       chroot "$root" godot --headless --version 2>/dev/null | tail -n1 || true)
  v3=$(unshare --mount --pid --fork --kill-child --mount-proc="$root/proc" \
       chroot "$root" godot3-server --version 2>/dev/null | tail -n1 || true)
  say "root $root: godot ${v4:-?}, godot3-server ${v3:-?}"
}

if [ -f "$marker" ]; then
  versions
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  say "not root: cannot make the sid root at $root; the Godot 4.6 / 3.6 tests will skip"
  say "(as root: scripts/godot-runtimes.sh, about 2 minutes and 1.1 GB)"
  exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null ||
      { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; } ||
      { say "cannot install debootstrap; the Godot 4.6 / 3.6 tests will skip"; exit 0; }
  else
    say "no debootstrap and no apt-get; the Godot 4.6 / 3.6 tests will skip"
    exit 0
  fi
fi

# Build in a scratch folder and rename at the end, so an interrupted run
# never leaves a root that looks complete.
work="$root.partial"
rm -rf "$work"
mkdir -p "$(dirname "$root")"
start=$(date +%s)
say "debootstrap sid into $work (once; about a minute)"
if ! debootstrap --variant=minbase sid "$work" "$mirror" >"$work.log" 2>&1; then
  say "debootstrap failed (no archive?); the Godot 4.6 / 3.6 tests will skip. Last lines:"
  tail -n 5 "$work.log" >&2
  rm -rf "$work"
  exit 0
fi
# sid's Release file may be past its Valid-Until: accept it for this root only.
echo 'Acquire::Check-Valid-Until "false";' >"$work/etc/apt/apt.conf.d/99no-valid-until"
cp /etc/resolv.conf "$work/etc/resolv.conf" 2>/dev/null || true
inroot() {
  unshare --mount --pid --fork --kill-child --mount-proc="$work/proc" chroot "$work" "$@"
}
say "installing godot and godot3-server in the sid root"
if ! { inroot apt-get update -qq &&
       inroot env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
         godot godot3-server ca-certificates; } >>"$work.log" 2>&1; then
  say "apt-get in the sid root failed; the Godot 4.6 / 3.6 tests will skip. Last lines:"
  tail -n 5 "$work.log" >&2
  rm -rf "$work"
  exit 0
fi
inroot apt-get clean >/dev/null 2>&1 || true
rm -rf "$root"
mv "$work" "$root"
mv "$work.log" "$root/.enetgo-build.log"
date -u +%FT%TZ >"$marker"
say "sid root ready in $(( $(date +%s) - start )) s ($(du -sh "$root" | cut -f1))"
versions
