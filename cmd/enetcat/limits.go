package main

// limits.go: listen's flags for the host's inbound checks and their limits
// (enet.HostConfig's MaxPacketSize .. Unguarded, docs/hostile.md), and the
// host counters --stats prints.

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/enetgo/enet"
)

// limitOptions are listen's limit flags. Zero fields mean "not given": the
// package's default applies.
type limitOptions struct {
	cfg enet.HostConfig
	// set names the limit flags given, in order, for the checks that
	// depend on the mode (--godot3/4, --unguarded).
	set []string
}

// maxLimitSize bounds the memory sizes: larger ones are surely typos.
const maxLimitSize = 1 << 40

// maxMaxPacketSize is the largest --max-packet-size (the package's bound).
const maxMaxPacketSize = 1 << 30

// maxPeerCommands is the largest --peer-commands (the package's bound).
const maxPeerCommands = 1 << 30

// maxCutBan is the longest --cut-ban (the package's bound).
const maxCutBan = time.Hour

// guardOnly lists the limit flags of the inbound checks alone: ENet itself
// has no such limit, so they mean nothing with --unguarded.
var guardOnly = map[string]bool{
	"address-share": true, "pending-per-address": true, "pending-limit": true,
	"peer-memory": true, "peer-commands": true, "host-memory": true, "cut-ban": true,
}

// addLimitFlags defines the limit flags on fs.
func (l *limitOptions) addLimitFlags(fs *flag.FlagSet) {
	c := &l.cfg
	size := func(name string, dst *int, max int64, off bool) {
		fs.Func(name, "", func(s string) error {
			v, err := parseLimitSize(s, max, off)
			if err != nil {
				return err
			}
			*dst = v
			l.set = append(l.set, name)
			return nil
		})
	}
	count := func(name string, dst *int, max int, off bool) {
		fs.Func(name, "", func(s string) error {
			v, err := parseLimitCount(s, max, off)
			if err != nil {
				return err
			}
			*dst = v
			l.set = append(l.set, name)
			return nil
		})
	}
	size("max-packet-size", &c.MaxPacketSize, maxMaxPacketSize, false)
	size("max-waiting-data", &c.MaxWaitingData, maxLimitSize, false)
	count("peers-per-address", &c.PeersPerAddress, enet.MaxPeers, false)
	count("address-share", &c.AddressShare, enet.MaxPeers, true)
	count("pending-per-address", &c.PendingPerAddress, math.MaxInt32, true)
	count("pending-limit", &c.PendingLimit, math.MaxInt32, true)
	size("peer-memory", &c.PeerMemoryLimit, maxLimitSize, true)
	count("peer-commands", &c.PeerCommandLimit, maxPeerCommands, true)
	size("host-memory", &c.HostMemoryLimit, maxLimitSize, true)
	fs.Func("cut-ban", "", func(s string) error {
		d, err := parseCutBan(s)
		if err != nil {
			return err
		}
		c.CutBan = d
		l.set = append(l.set, "cut-ban")
		return nil
	})
	fs.BoolVar(&c.RefuseNewConnections, "refuse", false, "")
	fs.BoolVar(&c.Unguarded, "unguarded", false, "")
}

// errNoLimit is returned by the parsers for -1 where no limit is not allowed.
var errNoLimit = errors.New("-1 (no limit) is not allowed here")

// parseLimitSize parses a size in bytes: a plain number, or one with a
// KiB, MiB or GiB suffix (also K, M, G; case and a space before the suffix
// do not matter). It must be 1..max, or -1 (no limit) where off allows.
func parseLimitSize(s string, max int64, off bool) (int, error) {
	t := strings.TrimSpace(s)
	if t == "-1" {
		if !off {
			return 0, errNoLimit
		}
		return -1, nil
	}
	mult := int64(1)
	lower := strings.ToLower(t)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1}} {
		if strings.HasSuffix(lower, u.suffix) {
			mult = u.mult
			t = strings.TrimSpace(t[:len(t)-len(u.suffix)])
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 1 || n > max/mult {
		return 0, fmt.Errorf("want a size of 1 B..%s (bytes, or with a KiB, MiB or GiB suffix)%s",
			sizeName(max), offHint(off))
	}
	return int(n * mult), nil
}

// parseLimitCount parses a count of 1..max, or -1 (no limit) where off
// allows.
func parseLimitCount(s string, max int, off bool) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	switch {
	case err == nil && n == -1 && off:
		return -1, nil
	case err == nil && n == -1:
		return 0, errNoLimit
	case err != nil || n < 1 || n > max:
		return 0, fmt.Errorf("want 1..%d%s", max, offHint(off))
	}
	return n, nil
}

// parseCutBan parses --cut-ban: a duration up to an hour; 0 or -1 means no
// ban.
func parseCutBan(s string) (time.Duration, error) {
	if t := strings.TrimSpace(s); t == "0" || t == "-1" {
		return -1, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	switch {
	case err != nil || d < 0 || d > maxCutBan:
		return 0, fmt.Errorf("want a duration up to %v (such as 10s), or 0 for no ban", maxCutBan)
	case d == 0:
		return -1, nil
	}
	return d, nil
}

func offHint(off bool) string {
	if off {
		return ", or -1 for no limit"
	}
	return ""
}

// sizeName writes n bytes with the largest binary unit that divides it.
func sizeName(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// validate checks the limit flags against the mode.
func (l *limitOptions) validate(o *options) error {
	if l.cfg.Unguarded {
		for _, name := range l.set {
			if guardOnly[name] {
				return usagef("--%s is a limit of the inbound checks, which --unguarded turns off: drop one", name)
			}
		}
	}
	return nil
}

// hostConfig is the listening host's configuration.
func (o *options) hostConfig() enet.HostConfig {
	c := o.limits.cfg
	c.MaxPeers, c.MaxChannels = o.maxPeers, o.channels
	return c
}

// guardLine says how the host's inbound checks are set, for the log.
func (o *options) guardLine() string {
	var parts []string
	if o.limits.cfg.Unguarded {
		parts = append(parts, "inbound checks off (--unguarded)")
	} else {
		parts = append(parts, "inbound checks on")
	}
	if len(o.limits.set) > 0 {
		parts = append(parts, "limits: --"+strings.Join(o.limits.set, " --"))
	}
	if o.limits.cfg.RefuseNewConnections {
		parts = append(parts, "refusing new connections (--refuse)")
	}
	return strings.Join(parts, "; ")
}

// counterFirst is the first host counter --stats prints: the ones before
// it (bytes and datagrams in total) are in the per-peer table already.
const counterFirst = enet.HostServiceErrors

// hostCounters returns the nonzero host counters from HostServiceErrors
// on (refused connections, the inbound checks' drops, cut peers, ...), by
// name.
func hostCounters(st enet.HostStats) map[string]uint64 {
	m := map[string]uint64{}
	for i := counterFirst; i < enet.HostStatisticCount; i++ {
		if st[i] != 0 {
			m[i.String()] = st[i]
		}
	}
	return m
}

// countersLine renders the host counters for the text summary.
func countersLine(guarded bool, st enet.HostStats) []byte {
	state := "on"
	if !guarded {
		state = "off (--unguarded)"
	}
	var parts []string
	for i := counterFirst; i < enet.HostStatisticCount; i++ {
		if st[i] != 0 {
			parts = append(parts, fmt.Sprintf("%v=%d", i, st[i]))
		}
	}
	counters := "none"
	if len(parts) > 0 {
		counters = strings.Join(parts, " ")
	}
	return fmt.Appendf(nil, "inbound checks %s; host counters: %s\n", state, counters)
}
