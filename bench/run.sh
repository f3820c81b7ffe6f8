#!/usr/bin/env bash
# bench/run.sh: Go/C side-by-side ratios (make bench). For each workload it
# runs the C server + C client, then the Go server + Go client, back to back
# and in alternating order, ROUNDS times; then the sharding comparison, the
# 4095-peer scale measurement and the micro-benchmarks. Results are printed
# as tables; raw lines are kept in $OUT (default: a temporary directory).
#
# Environment: ROUNDS (9), DURATION (2 s measured), WARMUP (0.5 s),
# PINNED_ROUNDS (5: rounds of the "pinned" section, where server and client
# share CPU PIN_CPU (0) under taskset and Go runs with GOMAXPROCS=2),
# BUSYPOLL (20us: HostConfig.BusyPoll of the "gobp" runs; empty skips them),
# CPOOL (1: also run C with the binding's allocator, "cpool"; empty skips it),
# INTO (1: also run the Go loops on ServiceInto instead of ServiceBatch,
# "gointo"; empty skips them), PLAIN (1: also run Go with ENet's own
# datagram I/O, ENETGO_BATCHIO=0, "goplain"; empty skips it),
# WAIT_WORKLOADS (rel32 unrel32: workloads of the server-cost section),
# CLIENT_WORKLOADS (unrel32: workloads of the client-cost section),
# SHARD_CONNS (16), SHARD_WORK (0 100 300: -work levels of the sharded
# server, rounds of hashing per packet), PEERS (4095), SKIP (space-separated: ratio pinned wait
# client shard scale micro), BENCHTIME (1s), COUNT (6), BUILD_ONLY (set: build
# the binaries and stop; CI does that so the C drivers keep linking).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-9}
PINNED_ROUNDS=${PINNED_ROUNDS:-5}
PIN_CPU=${PIN_CPU:-0}
DURATION=${DURATION:-2}
WARMUP=${WARMUP:-0.5}
BUSYPOLL=${BUSYPOLL-20us}
CPOOL=${CPOOL-1}
INTO=${INTO-1}
PLAIN=${PLAIN-1}
WAIT_WORKLOADS=${WAIT_WORKLOADS:-rel32 unrel32}
CLIENT_WORKLOADS=${CLIENT_WORKLOADS:-unrel32}
SHARD_CONNS=${SHARD_CONNS:-16}
SHARD_WORK=${SHARD_WORK:-0 100 300}
PEERS=${PEERS:-4095}
SKIP=${SKIP:-}
BENCHTIME=${BENCHTIME:-1s}
COUNT=${COUNT:-6}
OUT=${OUT:-$(mktemp -d)}
RESULTS=$OUT/results # where pair appends and the tables read
PIN=                 # a CPU: pair runs server and client on it alone
GO=${GO:-go}
mkdir -p "$OUT"

skip() { [[ " $SKIP " == *" $1 "* ]]; }

echo "== building into $OUT"
cc ${CFLAGS:--O2} -Wall -DENETBENCH_POOL -o "$OUT/enetbench" bench/c/enetbench.c cenet/alloc.c \
	$(pkg-config --cflags --libs libenet)
# The C drivers of the binding's glue link all of it (cenet/*.c), with
# what cenet's #cgo lines link.
cglue=(cenet/*.c $(pkg-config --cflags --libs libenet libzstd zlib openssl) -lpthread)
cc ${CFLAGS:--O2} -Wall -o "$OUT/batchloop" bench/c/batchloop.c "${cglue[@]}"
cc ${CFLAGS:--O2} -Wall -o "$OUT/batchclient" bench/c/batchclient.c "${cglue[@]}"
$GO build -o "$OUT/gobench" ./bench/cmd/gobench
if [[ -n ${BUILD_ONLY:-} ]]; then echo "== built (BUILD_ONLY)"; exit 0; fi
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr), $($GO version | cut -d' ' -f3), ENet $(pkg-config --modversion libenet)"

# pair IMPL WORKLOAD [server args...]: one server + one client run; appends
# the RESULT and SERVER lines to $RESULTS. With PIN set both run on that CPU
# only, Go with GOMAXPROCS=2 (taskset alone would make it 1; kept at 2 so
# figures compare with those taken when GOMAXPROCS 1 meant another wait).
pair() {
	local impl=$1 workload=$2
	shift 2
	local pin=(env)
	[[ $impl == goplain ]] && pin+=(ENETGO_BATCHIO=0)
	[[ -n $PIN ]] && pin+=(GOMAXPROCS=2 taskset -c "$PIN")
	local bin=$OUT/enetbench extra=()
	[[ $impl == go* ]] && bin=$OUT/gobench
	[[ $impl == gobp ]] && extra=(-busypoll "$BUSYPOLL")
	[[ $impl == cpool ]] && extra=(-pool)
	[[ $impl == gointo ]] && extra=(-recv into)
	local port=$((20000 + RANDOM % 20000))
	"${pin[@]}" "$bin" -mode server -port "$port" "${extra[@]}" "$@" >"$OUT/server.out" 2>/dev/null &
	local srv=$!
	sleep 0.3
	"${pin[@]}" "$bin" -mode client -port "$port" -workload "$workload" -duration "$DURATION" \
		-warmup "$WARMUP" "${extra[@]}" | sed "s/^RESULT impl=go /RESULT impl=$impl /; s/^RESULT impl=c /RESULT impl=$impl /; s/^RESULT /RESULT round=$round /" >>"$RESULTS" || true
	kill "$srv" 2>/dev/null || true
	wait "$srv" 2>/dev/null || true
	sed "s/^SERVER /SERVER round=$round workload=$workload /" "$OUT/server.out" >>"$RESULTS"
}

# pair_cgo WORKLOAD: the C pair and the Go pair back to back, C first in
# odd rounds, so neither side always runs after the other.
pair_cgo() {
	if ((round % 2)); then pair c "$1"; pair go "$1"; else pair go "$1"; pair c "$1"; fi
}

# field NAME LINE...: the value of NAME=value.
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p"; }

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# paired IMPL BASE WORKLOAD: the median over rounds of IMPL's rate over
# BASE's in the same round (the two ran back to back, so a slow spell of
# the machine hits both).
paired() {
	awk -v a="$1" -v b="$2" -v w="$3" '/^RESULT / {
		delete v
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (v["workload"] == w) rate[v["impl"], v["round"]] = v["rate"]
		if (v["round"] > n) n = v["round"]
	} END {
		for (r = 1; r <= n; r++) if ((a, r) in rate && (b, r) in rate && rate[b, r] > 0) print rate[a, r] / rate[b, r]
	}' "$RESULTS" | median
}

# ratio_table IMPL [BASE]: the medians of BASE (default c) and of IMPL per
# workload, their ratio, and the median of the per-round ratios.
ratio_table() {
	local impl=$1 base=${2:-c} w cr gr ct gt
	printf '%-9s %12s %12s %8s %8s %9s %9s %10s %9s %9s\n' workload "C rate/s" "Go rate/s" "Go/C" "paired" \
		"C rtt_us" "Go rtt_us" "added_us" "C cpu_s" "Go cpu_s"
	for w in rel32 unrel32 rel1k pingpong; do
		of() { grep "^RESULT .*impl=$1 workload=$w " "$RESULTS" | field "$2" | median; }
		cr=$(of "$base" rate) gr=$(of "$impl" rate)
		ct=$(of "$base" rtt_us) gt=$(of "$impl" rtt_us)
		printf '%-9s %12.0f %12.0f %8.3f %8.3f %9.1f %9.1f %10.1f %9.3f %9.3f\n' "$w" "$cr" "$gr" \
			"$(echo "$gr $cr" | awk '{print $1/$2}')" "$(paired "$impl" "$base" "$w")" "$ct" "$gt" \
			"$(echo "$gt $ct" | awk '{print $1-$2}')" "$(of "$base" cpu_s)" "$(of "$impl" cpu_s)"
	done
}

if ! skip ratio; then
	echo
	echo "== Go/C ratios: $ROUNDS rounds x $DURATION s per workload and side"
	: >"$RESULTS"
	for round in $(seq 1 "$ROUNDS"); do
		for w in rel32 unrel32 rel1k pingpong; do
			pair_cgo "$w"
			if [[ -n $BUSYPOLL ]]; then pair gobp "$w"; fi
			if [[ -n $CPOOL ]]; then pair cpool "$w"; fi
			if [[ -n $INTO ]]; then pair gointo "$w"; fi
			if [[ -n $PLAIN ]]; then pair goplain "$w"; fi
		done
	done
	ratio_table go
	echo "(medians over rounds; Go/C is the ratio of the median rates, paired the median of each round's"
	echo " Go/C (C and Go ran back to back), added_us the Go minus C round-trip time;"
	echo " cpu_s is the client's CPU over the measured interval; raw lines in $OUT/results)"
	if [[ -n $BUSYPOLL ]]; then
		echo
		echo "== the same with HostConfig.BusyPoll = $BUSYPOLL on both Go hosts (impl=gobp)"
		ratio_table gobp
	fi
	if [[ -n $CPOOL ]]; then
		echo
		echo "== Go against C ENet given the same small-block allocator (enetbench -pool, impl=cpool)"
		ratio_table go cpool
	fi
	if [[ -n $INTO ]]; then
		echo
		echo "== the Go loops on ServiceInto (one event per call) instead of ServiceBatch (impl=gointo)"
		ratio_table gointo
	fi
	if [[ -n $PLAIN ]]; then
		echo
		echo "== Go with ENet's own datagram I/O, one system call per datagram (ENETGO_BATCHIO=0, impl=goplain)"
		ratio_table goplain
	fi
fi

if ! skip pinned; then
	echo
	echo "== Go/C ratios with server and client sharing CPU $PIN_CPU (taskset; Go with GOMAXPROCS=2): $PINNED_ROUNDS rounds"
	RESULTS=$OUT/results_pinned PIN=$PIN_CPU
	: >"$RESULTS"
	for round in $(seq 1 "$PINNED_ROUNDS"); do
		for w in rel32 unrel32 rel1k pingpong; do
			pair_cgo "$w"
			if [[ -n $PLAIN ]]; then pair goplain "$w"; fi
		done
	done
	ratio_table go
	if [[ -n $PLAIN ]]; then
		echo "-- Go with ENet's own datagram I/O (impl=goplain):"
		ratio_table goplain
	fi
	echo "(one CPU does all the work of both processes, so a rate measures their CPU per message and per"
	echo " wake-up, without the run-to-run swings of free placement, where the scheduler sometimes puts"
	echo " both on one CPU and sometimes on two; raw lines in $RESULTS)"
	RESULTS=$OUT/results PIN=
fi

if ! skip wait; then
	: >"$OUT/wait"
	servers=("enetbench" "enetbench -pool" "batchloop" "gobench -wait go" "gobench -recv into" "gobench -wait c")
	for wl in $WAIT_WORKLOADS; do
		echo
		echo "== where the Go server's time goes: $wl from the C client to ${#servers[@]} servers"
		for round in $(seq 1 "$ROUNDS"); do
			for srvargs in "${servers[@]}"; do
				port=$((20000 + RANDOM % 20000))
				"$OUT"/$srvargs -mode server -port "$port" >"$OUT/server.out" 2>/dev/null &
				srv=$!
				sleep 0.3
				rate=$("$OUT/enetbench" -mode client -port "$port" -workload "$wl" -duration "$DURATION" \
					-warmup "$WARMUP" | field rate)
				kill "$srv"; wait "$srv" 2>/dev/null || true
				echo "WAIT workload=$wl server=${srvargs// /_} rate=$rate $(awk '{for(i=1;i<=NF;i++){split($i,kv,"=");v[kv[1]]=kv[2]}
					printf "ns_per_echo=%.0f", v["cpu_s"]/v["echoed"]*1e9}' "$OUT/server.out")" >>"$OUT/wait"
			done
		done
		printf '%-28s %12s %14s\n' server "rate/s" "server ns/echo"
		for srvargs in "${servers[@]}"; do
			printf '%-28s %12.0f %14.0f\n' "$srvargs" \
				"$(grep "workload=$wl server=${srvargs// /_} " "$OUT/wait" | field rate | median)" \
				"$(grep "workload=$wl server=${srvargs// /_} " "$OUT/wait" | field ns_per_echo | median)"
		done
	done
	echo "(server CPU per echo, medians; -pool: C ENet given the binding's allocator; batchloop: the"
	echo " binding's C glue driven from C the way the Go side drives it (batched drain, deferred sends,"
	echo " poll wait); -wait c: the Go echo loop with a cgo call per event, waiting inside enet_host_service)"
fi

if ! skip client; then
	: >"$OUT/client"
	clients=("enetbench" "batchclient" "batchclient -delay 1000" "gobench")
	for wl in $CLIENT_WORKLOADS; do
		echo
		echo "== where the Go client's time goes: $wl from ${#clients[@]} clients to the C server"
		for round in $(seq 1 "$ROUNDS"); do
			for cliargs in "${clients[@]}"; do
				port=$((20000 + RANDOM % 20000))
				"$OUT/enetbench" -mode server -port "$port" >/dev/null 2>&1 &
				srv=$!
				sleep 0.3
				read -r -a cli <<<"$cliargs"
				line=$("$OUT/${cli[0]}" -mode client -port "$port" -workload "$wl" -duration "$DURATION" \
					-warmup "$WARMUP" "${cli[@]:1}")
				kill "$srv"; wait "$srv" 2>/dev/null || true
				echo "CLIENT workload=$wl client=${cliargs// /_} round=$round rate=$(field rate <<<"$line") cpu_s=$(field cpu_s <<<"$line")" >>"$OUT/client"
			done
		done
		printf '%-28s %12s %10s %10s\n' client "rate/s" "vs C" "cpu_s"
		c=$(grep "workload=$wl client=enetbench " "$OUT/client" | field rate | median)
		for cliargs in "${clients[@]}"; do
			r=$(grep "workload=$wl client=${cliargs// /_} " "$OUT/client" | field rate | median)
			printf '%-28s %12.0f %10.3f %10.3f\n' "$cliargs" "$r" "$(echo "$r $c" | awk '{print $1/$2}')" \
				"$(grep "workload=$wl client=${cliargs// /_} " "$OUT/client" | field cpu_s | median)"
		done
	done
	echo "(medians of $ROUNDS rounds against enetbench's server; batchclient: the binding's C glue driven"
	echo " from C the way gobench's client drives it through ServiceBatch; -delay 1000: the same, 1 us of"
	echo " busy work before answering each batch)"
fi

if ! skip shard; then
	echo
	echo "== sharding: Go server with 1 vs 2 shards; load from two C client processes of $((SHARD_CONNS / 2)) connections each, rel32"
	echo "   (work = rounds of hashing per packet before the echo, a stand-in for game logic; 0 is the plain echo)"
	: >"$OUT/shard"
	for work in $SHARD_WORK; do
		for round in $(seq 1 "$ROUNDS"); do
			for n in 1 2; do
				port=$((20000 + RANDOM % 20000))
				"$OUT/gobench" -mode server -port "$port" -shards "$n" -peers 64 -work "$work" >"$OUT/server.out" 2>/dev/null &
				srv=$!
				sleep 0.3
				clients=()
				for k in 1 2; do
					"$OUT/enetbench" -mode client -port "$port" -workload rel32 -conns $((SHARD_CONNS / 2)) \
						-duration "$DURATION" -warmup "$WARMUP" >"$OUT/client$k.out" &
					clients+=($!)
				done
				wait "${clients[@]}" || true
				kill "$srv" 2>/dev/null || true
				wait "$srv" 2>/dev/null || true
				total=$(cat "$OUT/client1.out" "$OUT/client2.out" | field rate | awk '{s+=$1} END {print s}')
				ccpu=$(cat "$OUT/client1.out" "$OUT/client2.out" | field cpu_s | awk '{s+=$1} END {print s}')
				echo "RESULT work=$work shards=$n round=$round rate=$total client_cpu_s=$ccpu" >>"$OUT/shard"
				sed "s/^SERVER /SERVER work_run=$work shards_run=$n round=$round /" "$OUT/server.out" >>"$OUT/shard"
			done
		done
	done
	# Cores used: CPU time over wall time (server) or over the measured interval (clients).
	cores() { grep "^SERVER work_run=$1 shards_run=$2 " "$OUT/shard" | awk '{for(i=1;i<=NF;i++){split($i,kv,"=");v[kv[1]]=kv[2]} print v["cpu_s"]/v["wall_s"]}' | median; }
	printf '%-6s %-8s %12s %14s %14s %12s %9s\n' work shards "rate/s" "server cores" "client cores" "work_ns/pkt" speedup
	for work in $SHARD_WORK; do
		r1=$(grep "^RESULT work=$work shards=1 " "$OUT/shard" | field rate | median)
		for n in 1 2; do
			r=$(grep "^RESULT work=$work shards=$n " "$OUT/shard" | field rate | median)
			cc=$(grep "^RESULT work=$work shards=$n " "$OUT/shard" | field client_cpu_s | median)
			wn=$(grep "^SERVER work_run=$work shards_run=$n " "$OUT/shard" | field work_ns | median)
			printf '%-6s %-8s %12.0f %14.2f %14.2f %12.0f %9s\n' "$work" "$n" "$r" "$(cores "$work" "$n")" \
				"$(echo "$cc $DURATION" | awk '{print $1/$2}')" "$wn" "$(echo "$r $r1" | awk '{printf "%.2fx", $1/$2}')"
		done
	done
	echo "(medians of $ROUNDS rounds; the clients share the same $(nproc) cores as the server)"
fi

if ! skip scale; then
	echo
	echo "== scale: one Go server holding $PEERS peers"
	"$OUT/gobench" -mode scale -peers "$PEERS" -idle 5 | tee "$OUT/scale"
	echo "-- CPU of a C and a Go echo server holding $PEERS peers (ENet's keep-alive pings only), 5 s"
	for impl in c go; do
		bin=$OUT/enetbench
		[[ $impl == go ]] && bin=$OUT/gobench
		port=$((20000 + RANDOM % 20000))
		"$bin" -mode server -port "$port" -peers "$PEERS" >/dev/null 2>&1 &
		srv=$!
		sleep 0.3
		rm -f "$OUT/holdin"; mkfifo "$OUT/holdin"
		"$OUT/gobench" -mode hold -port "$port" -peers "$PEERS" <"$OUT/holdin" >"$OUT/hold.out" &
		holder=$!
		exec 7>"$OUT/holdin" # the holder runs until this closes
		for _ in $(seq 1 300); do grep -q connected "$OUT/hold.out" && break; sleep 0.1; done
		sleep 1
		ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
		s0=$(ticks "$srv") h0=$(ticks "$holder")
		sleep 5
		s1=$(ticks "$srv") h1=$(ticks "$holder")
		exec 7>&-
		wait "$holder" || true
		kill "$srv"; wait "$srv" 2>/dev/null || true
		echo "IDLE impl=$impl peers=$PEERS $(tr '\n' ' ' <"$OUT/hold.out")server_cpu_pct=$(echo "$s0 $s1 $(getconf CLK_TCK)" |
			awk '{printf "%.1f", ($2-$1)/$3/5*100}') client_cpu_pct=$(echo "$h0 $h1 $(getconf CLK_TCK)" |
			awk '{printf "%.1f", ($2-$1)/$3/5*100}')" | tee -a "$OUT/scale"
	done
fi

if ! skip micro; then
	echo
	echo "== micro-benchmarks (go test -bench, -count $COUNT)"
	$GO test -run '^$' -bench '^Benchmark(Send|ServiceInto|ServiceQueued|Statistics|PingPong|Crossings)' \
		-benchmem -benchtime "$BENCHTIME" -count "$COUNT" . | tee "$OUT/micro.txt" | grep -E '^Benchmark' | head -n 6
	# Its drains run outside the timer, which a time budget would repeat
	# for minutes: a fixed count instead.
	$GO test -run '^$' -bench '^Benchmark(BatchedEvent|ServiceBatch)$' -benchmem -benchtime 300000x -count "$COUNT" . |
		grep -E '^Benchmark' >>"$OUT/micro.txt"
	if $GO tool -modfile=tools/go.mod benchstat "$OUT/micro.txt" >"$OUT/benchstat.txt" 2>/dev/null; then
		cat "$OUT/benchstat.txt"
	else
		echo "(benchstat unavailable; raw results in $OUT/micro.txt)"
		grep -E '^Benchmark' "$OUT/micro.txt"
	fi
fi
