#!/usr/bin/env bash
# deps.sh [test]: make sure the system packages the build needs are present.
# As root with apt-get it installs what is missing; otherwise it prints the
# package names for the common systems and fails.
set -euo pipefail
want_godot=${1:-}

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
if command -v pkg-config >/dev/null 2>&1; then
  pkg-config --exists libenet || missing+=(libenet-dev)
  pkg-config --exists libzstd || missing+=(libzstd-dev)
  pkg-config --exists zlib || missing+=(zlib1g-dev)
  pkg-config --exists openssl || missing+=(libssl-dev)
else
  missing+=(libenet-dev libzstd-dev zlib1g-dev libssl-dev)
fi
if [ "$want_godot" = test ]; then
  command -v godot3-server >/dev/null 2>&1 || missing+=(godot3-server)
  command -v zstd >/dev/null 2>&1 || missing+=(zstd)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi

cat >&2 <<MSG
deps: missing: ${missing[*]}
Install the C ENet library, pkg-config, zlib, zstd, OpenSSL (DTLS) and a C compiler:
  Debian/Ubuntu: sudo apt-get install -y libenet-dev pkg-config libzstd-dev zlib1g-dev libssl-dev gcc godot3-server zstd debootstrap
  Fedora:        sudo dnf install -y enet-devel pkgconf-pkg-config libzstd-devel zlib-devel openssl-devel gcc
  Arch:          sudo pacman -S enet pkgconf zstd zlib openssl gcc
  Homebrew:      brew install enet pkg-config zstd zlib openssl
(godot3-server, zstd and debootstrap are only needed by the interop tests, run by 'make test'.)
MSG
exit 1
