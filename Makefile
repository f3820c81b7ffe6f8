# Build, test and demo targets. Every target first makes sure the system
# packages are there (scripts/deps.sh installs them as root with apt-get,
# or says what to install).

GO ?= go
export PATH := $(PATH):/usr/local/go/bin
# FUZZTIME is an execution count per target (about 20-40 s each here), not a
# duration: Go 1.26's fuzz coordinator can fail a duration-limited run with
# a spurious "context deadline exceeded" (golang/go#75804, fixed in 1.27).
FUZZTIME ?= 600000x
# Targets that cross real sockets run about 5x slower per execution.
SLOW_FUZZ = FuzzHostDatagram
FUZZTIME_SLOW ?= 150000x
SOAK ?= 2m

.PHONY: deps deps-test test lint demo bench sanitize soak fuzz

deps:
	@scripts/deps.sh

deps-test:
	@scripts/deps.sh test
	@scripts/godot-runtimes.sh

## test: gofmt check, go vet, then every test with the race detector,
## including the interop tests against real Godot 3.2.3 (bookworm's
## godot3-server) and Godot 3.6.2 / 4.6.3 (Debian sid's, in a sid root that
## scripts/godot-runtimes.sh makes once in /var/cache/enetgo). Then the IPv6
## tests of the other packages again on the relayed path (ENETGO_IPV6_RELAY=1;
## the root package runs its own relayed itself: TestRelayedIPv6).
test: deps-test
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	ENETGO_REQUIRE_GODOT=1 $(GO) test -race -count=1 -timeout 15m ./...
	ENETGO_IPV6_RELAY=1 $(GO) test -race -count=1 -timeout 5m -run 'IPv6|DualStack' ./metrics ./multiplayer ./cmd/enetcat

## demo: an echo server and three clients talking, with a statistics table.
demo: deps
	$(GO) run ./examples/demo

## lint: gofmt, go vet and staticcheck.
lint: deps
	@test -z "$$(gofmt -l .)" || (gofmt -l .; exit 1)
	$(GO) vet ./...
	$(GO) tool -modfile=tools/go.mod staticcheck ./...

## bench: Go/C side-by-side ratios and micro-benchmarks (see BENCHMARKS.md).
bench: deps
	bash bench/run.sh

## fuzz: each fuzz target for FUZZTIME; the inputs the fuzzer found
## interesting are copied into the package's testdata/fuzz/<target>/ so
## they can be committed and replayed by every 'go test'.
fuzz: deps-test
	@cache=$$($(GO) env GOCACHE)/fuzz; \
	for pkg in $$($(GO) list ./...); do \
	  dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    budget=$(FUZZTIME); \
	    case " $(SLOW_FUZZ) " in *" $$f "*) budget=$(FUZZTIME_SLOW);; esac; \
	    echo "fuzz $$pkg $$f ($$budget)"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $$budget -timeout 10m $$pkg || exit 1; \
	    if [ -d "$$cache/$$pkg/$$f" ]; then \
	      mkdir -p "$$dir/testdata/fuzz/$$f"; \
	      cp -n "$$cache/$$pkg/$$f"/* "$$dir/testdata/fuzz/$$f/" 2>/dev/null || true; \
	      echo "  corpus: $$(ls "$$dir/testdata/fuzz/$$f" | wc -l) inputs in $$dir/testdata/fuzz/$$f"; \
	    fi; \
	  done; \
	done

## sanitize: the C glue and tests under AddressSanitizer and UBSan.
sanitize: deps-test
	CGO_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1" \
	CGO_LDFLAGS="-fsanitize=address,undefined" \
	ASAN_OPTIONS=detect_leaks=0 ENETGO_REQUIRE_GODOT=1 \
	  $(GO) test -asan -count=1 -timeout 15m . ./variant/... ./multiplayer/...

## soak: a bounded churn soak (SOAK=duration).
soak: deps
	ENETGO_SOAK=$(SOAK) $(GO) test -run Soak -count=1 -v -timeout 30m .
