#!/usr/bin/env bash
# compat.sh: the compatibility matrix. The root package's tests and the demo
# (examples/demo) against each libenet our users have:
#
#   system       the system's libenet (Debian bookworm: 1.3.17, shared)
#   trixie       Debian trixie's real libenet7 / libenet-dev 1.3.18 packages,
#                fetched with apt-get download from the trixie suite into a
#                temporary directory and unpacked with dpkg -x (nothing is
#                installed; the system's apt state is not touched)
#   1.3.18       upstream 1.3.18 built as a plain shared library (-O2)
#   ubuntu-*     upstream 1.3.17 / 1.3.18 built with Ubuntu's package flags
#                (-flto=auto -ffat-lto-objects, -Wl,-Bsymbolic-functions, ...)
#   static       upstream 1.3.17 as a static libenet.a
#   portable     the system's libenet with the enetgo_portable build tag
#
# Usage: scripts/compat.sh [ENET_SRC_DIR]
#   ENET_SRC_DIR (or $ENETGO_ENET_SRC) holds upstream release tarballs
#   enet-1.3.17.tar.gz and enet-1.3.18.tar.gz; rows that need one it lacks
#   are skipped with a message, and so is the trixie row without network.
#   COMPAT_ROWS="system trixie ..." picks rows (default: all but the plain
#   1.3.18 build, which trixie's packages stand for); COMPAT_TESTFLAGS are
#   the test binary's flags (default -test.short: the 4095-peer load test
#   and the long soaks are left to make test). The tests run without -race
#   here, to keep the matrix within about 6 minutes on 2 cores: make test
#   runs all of them with it on the system library.
#
# Each row links its libenet through a pkg-config file of its own, sets
# ENETGO_EXPECT_VERSION / ENETGO_EXPECT_BATCHIO for TestLinkedVersionMatchesEnv
# (which checks the row really loaded that library and detected its I/O
# path as expected), and prints one line of the table at the end. Exit status
# 1 if any row failed.
set -u
export PATH=$PATH:/usr/local/go/bin
GO=${GO:-go}
repo=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-${ENETGO_ENET_SRC:-}}
rows_wanted=${COMPAT_ROWS:-system trixie ubuntu-1.3.17 ubuntu-1.3.18 static portable}
testflags=${COMPAT_TESTFLAGS--test.short}
work=$(mktemp -d /tmp/enetgo-compat.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Ubuntu's dpkg-buildflags defaults (noble) for a C library.
ubuntu_cflags="-g -O2 -flto=auto -ffat-lto-objects -fstack-protector-strong -fstack-clash-protection -Wformat -Werror=format-security -fcf-protection"
ubuntu_ldflags="-Wl,-Bsymbolic-functions -flto=auto -ffat-lto-objects -Wl,-z,relro -Wl,-z,now"
# What ENet's configure finds on a glibc system.
enet_defs="-DHAS_POLL -DHAS_FCNTL -DHAS_MSGHDR_FLAGS -DHAS_SOCKLEN_T -DHAS_GETADDRINFO -DHAS_GETNAMEINFO -DHAS_INET_PTON -DHAS_INET_NTOP -DHAS_GETHOSTBYNAME_R -DHAS_GETHOSTBYADDR_R"

table=()
failed=0

say() { echo "compat: $*"; }

# write_pc DIR VERSION INCLUDEDIR LIBDIR: a libenet.pc for one row.
write_pc() {
	mkdir -p "$1"
	cat >"$1/libenet.pc" <<EOF
Name: libenet
Description: ENet (compatibility matrix row)
Version: $2
Libs: -L$4 -lenet
Cflags: -I$3
EOF
}

# unpack VERSION: the upstream release source in $work/src-VERSION.
unpack() {
	local tgz="$src/enet-$1.tar.gz"
	if [ -z "$src" ] || [ ! -f "$tgz" ]; then
		return 1
	fi
	mkdir -p "$work/src-$1"
	tar -xzf "$tgz" -C "$work/src-$1" --strip-components=1
}

# build_shared VERSION PREFIX CFLAGS LDFLAGS
build_shared() {
	local s="$work/src-$1" p=$2
	mkdir -p "$p/lib" "$p/include"
	# shellcheck disable=SC2086
	(cd "$s" && cc $3 -fPIC -shared -Iinclude $enet_defs ./*.c $4 -Wl,-soname,libenet.so.7 -o "$p/lib/libenet.so.7") || return 1
	ln -sf libenet.so.7 "$p/lib/libenet.so"
	cp -r "$s/include/enet" "$p/include/"
	write_pc "$p/pc" "$1" "$p/include" "$p/lib"
}

# build_static VERSION PREFIX: libenet.a only, so -lenet finds it first.
build_static() {
	local s="$work/src-$1" p=$2
	mkdir -p "$p/lib" "$p/include" "$p/obj"
	# shellcheck disable=SC2086
	(cd "$s" && for f in ./*.c; do cc -O2 -fPIC -Iinclude $enet_defs -c "$f" -o "$p/obj/$(basename "$f" .c).o" || exit 1; done) || return 1
	ar rcs "$p/lib/libenet.a" "$p"/obj/*.o
	cp -r "$s/include/enet" "$p/include/"
	write_pc "$p/pc" "$1" "$p/include" "$p/lib"
}

# fetch_trixie PREFIX: Debian trixie's libenet7 and libenet-dev, unpacked.
fetch_trixie() {
	local p=$1 a="$work/apt"
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/dl" "$p"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" >"$a/sources.list"
	local o=(-o "Dir::Etc::SourceList=$a/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
		-o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache" -o "Dir::State::Status=/dev/null"
		-o "Acquire::Check-Valid-Until=false" -o "Acquire::Languages=none"
		-o "APT::Sandbox::User=root" -o "Debug::NoLocking=1")
	command -v apt-get >/dev/null && command -v dpkg >/dev/null || { echo "no apt-get/dpkg"; return 1; }
	timeout 180 apt-get -qq "${o[@]}" update >"$a/update.log" 2>&1 || { tail -3 "$a/update.log"; return 1; }
	(cd "$a/dl" && timeout 120 apt-get -qq "${o[@]}" download libenet7 libenet-dev) >"$a/download.log" 2>&1 || { tail -3 "$a/download.log"; return 1; }
	for deb in "$a"/dl/*.deb; do dpkg -x "$deb" "$p" || return 1; done
	local lib
	lib=$(dirname "$(find "$p" -name 'libenet.so.7*' -type f | head -1)")
	[ -f "$p/usr/include/enet/enet.h" ] && [ -d "$lib" ] || { echo "unexpected package contents"; return 1; }
	ln -sf libenet.so.7 "$lib/libenet.so"
	write_pc "$p/pc" "$(dpkg-deb -f "$a"/dl/libenet7_*.deb Version)" "$p/usr/include" "$lib"
	echo "$lib"
}

# run_row NAME PCDIR LIBDIR EXPECT_VERSION EXPECT_IO [BUILD TAGS]
# PCDIR/LIBDIR empty: the system's libenet. EXPECT_* empty: not checked.
run_row() {
	local name=$1 pc=$2 lib=$3 ver=$4 io=$5 tags=${6:-}
	local d="$work/row-$name" env=()
	mkdir -p "$d"
	if [ -n "$pc" ]; then
		# The row's directories in CGO_CFLAGS/LDFLAGS as well as in its
		# pkg-config file make them part of the build's cache key.
		env=(PKG_CONFIG_PATH="$pc" CGO_CFLAGS="-O2 -g -I$(dirname "$pc")/include" CGO_LDFLAGS="-L$lib")
	fi
	say "row $name: building"
	local tagflag=()
	[ -n "$tags" ] && tagflag=(-tags "$tags")
	if ! (cd "$repo" && env "${env[@]}" $GO test -c "${tagflag[@]}" -o "$d/enet.test" . &&
		env "${env[@]}" $GO build "${tagflag[@]}" -o "$d/demo" ./examples/demo) >"$d/build.log" 2>&1; then
		tail -20 "$d/build.log"
		table+=("$(printf '%-14s %-8s %-6s %-6s %-6s %-4s %-28s %s' "$name" "-" "-" "-" "-" "-" "build FAILED" "-")")
		failed=1
		return
	fi
	local linkage=shared
	if ! ldd "$d/enet.test" 2>/dev/null | grep -q libenet; then linkage=static; fi
	say "row $name: root package tests ($linkage libenet${ver:+ $ver})"
	local rt=0
	(cd "$repo" && env ${lib:+LD_LIBRARY_PATH="$lib"} ENETGO_EXPECT_VERSION="$ver" ENETGO_EXPECT_BATCHIO="$io" \
		timeout 300 "$d/enet.test" -test.count=1 -test.v -test.timeout=280s $testflags) >"$d/test.log" 2>&1 || rt=$?
	local pass skip fail
	pass=$(grep -c '^--- PASS' "$d/test.log")
	skip=$(grep -c '^--- SKIP' "$d/test.log")
	fail=$(grep -c '^--- FAIL' "$d/test.log")
	if [ "$rt" -ne 0 ]; then
		grep -E '^(--- FAIL|panic|FAIL)' "$d/test.log" | head -20
		# each failed test's own lines (its errors come before its
		# --- FAIL line, interleaved with other output under -v)
		for t in $(sed -n 's/^--- FAIL: \([^ ]*\).*/\1/p' "$d/test.log" | head -5); do
			echo "compat: row $name: output of $t:"
			awk -v t="$t" '$0 ~ "^=== RUN   "t"$" {on=1} on {print} $0 ~ "^--- FAIL: "t" " {exit}' "$d/test.log" |
				grep -v -E '^(=== (RUN|PAUSE|CONT)|    --- PASS)' | head -60
		done
		[ "$fail" -eq 0 ] && fail="exit $rt"
		failed=1
	fi
	say "row $name: demo"
	local demo=failed echoed=0 sent=0 iol="?"
	if env ${lib:+LD_LIBRARY_PATH="$lib"} timeout 60 "$d/demo" -duration 1s >"$d/demo.log" 2>&1; then
		sent=$(awk '/^client [0-9]+: sent/ {gsub(",", ""); s += $4} END {print s + 0}' "$d/demo.log")
		echoed=$(awk '/^client [0-9]+: sent/ {gsub(",", ""); s += $7} END {print s + 0}' "$d/demo.log")
		demo="$echoed/$sent"
		if [ -z "$echoed" ] || [ "$echoed" -eq 0 ]; then demo="none/$sent"; failed=1; fi
	else
		tail -5 "$d/demo.log"
		failed=1
	fi
	iol=$(sed -n 's/^batched I\/O \(o[nf]*\):.*/\1/p' "$d/demo.log")
	local linked
	linked=$(sed -n 's/^ENet \([0-9.]*\) via.*/\1/p' "$d/demo.log")
	table+=("$(printf '%-14s %-8s %-6s %-6s %-6s %-4s %-28s %s' "$name" "${linked:-?}" "$pass" "$skip" "$fail" "${iol:-?}" "$linkage${tags:+, tag $tags}" "$demo")")
}

skip_row() {
	say "row $1: SKIPPED: $2"
	table+=("$(printf '%-14s %s' "$1" "skipped: $2")")
}

start=$(date +%s)
for row in $rows_wanted; do
	case $row in
	system)
		run_row system "" "" "" "" ;;
	portable)
		run_row portable "" "" "" off enetgo_portable ;;
	trixie)
		say "row trixie: fetching Debian trixie's libenet packages"
		if lib=$(fetch_trixie "$work/trixie"); then
			lib=$(echo "$lib" | tail -1)
			# The packages' own pkg-config file names /usr; ours names the
			# unpacked copy (headers and library of the same package).
			run_row trixie "$work/trixie/pc" "$lib" 1.3.18 on
		else
			skip_row trixie "could not fetch the trixie packages (no network?)"
		fi ;;
	1.3.18)
		if unpack 1.3.18 && build_shared 1.3.18 "$work/plain-1.3.18" "-O2" ""; then
			run_row 1.3.18 "$work/plain-1.3.18/pc" "$work/plain-1.3.18/lib" 1.3.18 on
		else skip_row 1.3.18 "no enet-1.3.18.tar.gz in '${src:-(ENET_SRC_DIR not given)}'"; fi ;;
	ubuntu-1.3.17 | ubuntu-1.3.18)
		v=${row#ubuntu-}
		if unpack "$v" && build_shared "$v" "$work/ubuntu-$v" "$ubuntu_cflags" "$ubuntu_ldflags"; then
			run_row "$row" "$work/ubuntu-$v/pc" "$work/ubuntu-$v/lib" "$v" off
		else skip_row "$row" "no enet-$v.tar.gz in '${src:-(ENET_SRC_DIR not given)}'"; fi ;;
	static)
		if unpack 1.3.17 && build_static 1.3.17 "$work/static-1.3.17"; then
			run_row static "$work/static-1.3.17/pc" "$work/static-1.3.17/lib" 1.3.17 off
		else skip_row static "no enet-1.3.17.tar.gz in '${src:-(ENET_SRC_DIR not given)}'"; fi ;;
	*) say "unknown row $row" ; failed=1 ;;
	esac
done

print_table() {
	echo "compatibility matrix ($(($(date +%s) - start)) s; root package tests without -race${testflags:+ ($testflags)}, demo for 1 s)"
	printf '%-14s %-8s %-6s %-6s %-6s %-4s %-28s %s\n' row libenet passed skipped failed bio linkage "demo echoed/sent"
	for line in "${table[@]}"; do echo "$line"; done
}
echo
print_table
# COMPAT_TABLE=file keeps the table for a caller to print again at the end
# of a longer log.
if [ -n "${COMPAT_TABLE:-}" ]; then print_table >"$COMPAT_TABLE"; fi
exit $failed
