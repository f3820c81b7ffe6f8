package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/multiplayer"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // a runtime failure: busy port, unreachable host, ...
	exitUsage = 2 // bad command line
)

// defaultConnectTimeout bounds a connection attempt when --timeout is not
// given.
const defaultConnectTimeout = 5 * time.Second

// options is a parsed command line.
type options struct {
	listen bool

	// listen
	addr     string
	port     int
	maxPeers int
	echo     bool
	// limits are the inbound checks' flags (limits.go).
	limits limitOptions

	// connect
	host  string // host and port of HOST:PORT
	rport int

	channels int
	data     uint32
	channel  int
	flags    enet.PacketFlags
	flagName string
	compress enet.CompressionMode
	compName string

	// timeout is --timeout, 0 when not given.
	timeout time.Duration

	json  bool
	stats bool

	// ipv6 is -6: listen on ::1 by default, connect to IPv6 addresses only.
	ipv6 bool

	// DTLS (dtls.go): listen's certificate and key files; connect's CA
	// file, expected name and unsafe mode.
	dtlsCert, dtlsKey, dtlsCA, dtlsName string
	dtlsUnsafe                          bool

	// dialect is multiplayer.Godot3 or Godot4 with --godot3 or --godot4,
	// 0 for raw ENet.
	dialect multiplayer.Dialect
}

// connectTimeout is how long a connection attempt may take.
func (o *options) connectTimeout() time.Duration {
	if o.timeout > 0 {
		return o.timeout
	}
	return defaultConnectTimeout
}

// target names the remote end of connect mode, as given.
func (o *options) target() string {
	return net.JoinHostPort(o.host, strconv.Itoa(o.rport))
}

// usageError is a bad command line; run prints it with a hint and exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

var flagNames = map[string]enet.PacketFlags{
	"reliable":    enet.FlagReliable,
	"unreliable":  0,
	"unsequenced": enet.FlagUnsequenced,
	"fragment":    enet.FlagUnreliableFragment,
}

var compressNames = map[string]enet.CompressionMode{
	"none":   enet.CompressNone,
	"range":  enet.CompressRangeCoder,
	"fastlz": enet.CompressFastLZ,
	"zlib":   enet.CompressZlib,
	"zstd":   enet.CompressZstd,
}

const usageText = `enetcat is netcat for ENet: stdin lines become packets, received packets
are printed to stdout.

Usage:
  enetcat listen [--addr 127.0.0.1] [-6] --port N [options]
  enetcat connect HOST:PORT [options]

listen serves peers: stdin lines go to every connected peer, and stdin's end
does not stop the server; SIGINT or SIGTERM disconnects every peer and exits.
connect talks to one server: stdin lines go to it, and at stdin's end enetcat
disconnects gracefully and exits 0.

Options (both modes):
  --channels N     ENet channels per connection, 1..255; 0 means 255 (default 0).
                   --godot3: Godot's channel_count (at least 3; 0 means 3);
                   --godot4: custom transfer channels (0 means all)
  --channel C      channel of sent packets (default 0)
  --flags F        reliable|unreliable|unsequenced|fragment for sent packets
                   (default reliable)
  --compress M     none|range|fastlz|zlib|zstd; both ends must agree
                   (default none)
  --timeout D      connect: connection timeout (default 5s); if given, also
                   exit after D without traffic, as nc -w. listen: exit after
                   D without traffic (default never)
  --json           print one JSON object per line per event: connect,
                   disconnect, receive (data in "text" if printable UTF-8,
                   else in "hex")
  --stats          live per-peer table (state, RTT, loss, throttle, bytes)
                   on a terminal; a final summary otherwise
  --godot3         speak Godot 3's NetworkedMultiplayerENet protocol
  --godot4         speak Godot 4's ENetMultiplayerPeer/SceneMultiplayer protocol
                   (server when listening, client when connecting; --channel is
                   the transfer channel, and --flags picks the transfer mode)
  --data N         connect data sent with the request (default 0); with
                   --godot3/--godot4 the client's unique id (0: random)
  -6               IPv6: listen on ::1 unless --addr says otherwise; connect
                   to HOST's IPv6 address only (HOST may be [::1] without -6)

Options (DTLS, as Godot 4's dtls_server_setup / dtls_client_setup):
  --dtls-cert F    listen: PEM certificate (chain) file; with --dtls-key
  --dtls-key F     listen: PEM private key file
  --dtls-ca F      connect: PEM CA file the server's certificate must chain
                   to; it must name HOST (or --dtls-name)
  --dtls-name N    connect: the name to expect instead of HOST
  --dtls-unsafe    connect: DTLS without checking the certificate (tests)

Options (listen):
  --addr A         address to bind: * or :: for every interface, IPv4 and
                   IPv6 (as Godot 4), 0.0.0.0 for every IPv4 one, or an IPv4
                   or IPv6 address (default 127.0.0.1; ::1 with -6)
  --port N         UDP port, 0 for any free port (required)
  --max-peers N    peer slots, 1..4095 (default 32)
  --echo           send every received packet back to its sender on the same
                   channel with the same reliability (in Godot modes, to the
                   Godot peer that sent it)

Options (listen, the inbound checks against hostile peers; docs/hostile.md).
SIZE is bytes, or with a KiB, MiB or GiB suffix (64KiB); a limit not given
keeps the package's default; -1 means no limit where allowed. --stats adds
the host's nonzero counters (HOST_DROPPED_*, HOST_PEERS_CUT, ...) in the
raw ENet mode. The Godot modes take the limits too.
  --max-packet-size SIZE     largest packet sent or received, up to 1GiB
                             (default 32MiB)
  --max-waiting-data SIZE    most undelivered packet bytes per peer (32MiB)
  --peers-per-address N      most peers of one IP address, 1..4095 (4095)
  --address-share N          most peers of one address once the host is
                             half full (default max-peers/16; -1 off)
  --pending-per-address N    most handshakes of one address at once (4; -1)
  --pending-limit N          most handshakes at once (max-peers/2, at least
                             4; -1)
  --peer-memory SIZE         most buffered bytes per peer before it is cut
                             (max-packet-size + 1MiB; -1)
  --peer-commands N          most commands waiting per peer before it is cut
                             (65536; -1)
  --host-memory SIZE         most buffered bytes of all peers (peer-memory +
                             7MiB; -1)
  --cut-ban D                how long a cut peer's address may not connect
                             again, up to 1h; 0 for no ban (default 10s)
  --refuse                   refuse every new connection
  --unguarded                turn the inbound checks off (C ENet's own
                             limits only, for comparison); excludes the
                             limits ENet lacks

Exit status: 0 on success, 1 on errors (busy port, unreachable host), 2 on a
bad command line.
`

// newFlagSet returns the flag set of subcommand name, writing into o.
func newFlagSet(name string, o *options, stderr io.Writer) (*flag.FlagSet, *string, *string) {
	fs := flag.NewFlagSet("enetcat "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	// run prints the usage for -h, and a hint for bad flags.
	fs.Usage = func() {}
	fs.IntVar(&o.channels, "channels", 0, "")
	fs.Func("data", "", func(s string) error {
		v, err := strconv.ParseUint(s, 0, 32)
		if err != nil {
			return errors.New("want an unsigned 32-bit number")
		}
		o.data = uint32(v)
		return nil
	})
	fs.IntVar(&o.channel, "channel", 0, "")
	flags := fs.String("flags", "reliable", "")
	comp := fs.String("compress", "none", "")
	fs.DurationVar(&o.timeout, "timeout", 0, "")
	fs.BoolVar(&o.json, "json", false, "")
	fs.BoolVar(&o.stats, "stats", false, "")
	fs.BoolVar(&o.ipv6, "6", false, "")
	if name == "listen" {
		fs.StringVar(&o.dtlsCert, "dtls-cert", "", "")
		fs.StringVar(&o.dtlsKey, "dtls-key", "", "")
	} else {
		fs.StringVar(&o.dtlsCA, "dtls-ca", "", "")
		fs.StringVar(&o.dtlsName, "dtls-name", "", "")
		fs.BoolVar(&o.dtlsUnsafe, "dtls-unsafe", false, "")
	}
	var g3, g4 bool
	fs.BoolFunc("godot3", "", func(string) error { g3 = true; return o.setDialect(multiplayer.Godot3, g4) })
	fs.BoolFunc("godot4", "", func(string) error { g4 = true; return o.setDialect(multiplayer.Godot4, g3) })
	if name == "listen" {
		fs.StringVar(&o.addr, "addr", "", "")
		fs.IntVar(&o.port, "port", -1, "")
		fs.IntVar(&o.maxPeers, "max-peers", enet.DefaultMaxPeers, "")
		fs.BoolVar(&o.echo, "echo", false, "")
		o.limits.addLimitFlags(fs)
	}
	return fs, flags, comp
}

func (o *options) setDialect(d multiplayer.Dialect, other bool) error {
	if other {
		return errors.New("--godot3 and --godot4 exclude each other")
	}
	o.dialect = d
	return nil
}

// parseArgs parses the command line after the program name. It returns
// flag.ErrHelp for -h, and a *usageError or a flag error for a bad line.
func parseArgs(args []string, stderr io.Writer) (*options, error) {
	if len(args) == 0 {
		return nil, usagef("missing subcommand: listen or connect")
	}
	o := &options{}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		return nil, flag.ErrHelp
	case "listen":
		o.listen = true
	case "connect":
	default:
		return nil, usagef("unknown subcommand %q: want listen or connect", name)
	}
	fs, flags, comp := newFlagSet(name, o, stderr)
	// flag stops at the first positional argument; parse around it so that
	// options may follow HOST:PORT.
	var positional []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		rest = rest[1:]
	}
	if err := o.validate(name, positional, *flags, *comp); err != nil {
		return nil, err
	}
	return o, nil
}

func (o *options) validate(name string, positional []string, flags, comp string) error {
	var ok bool
	if o.flags, ok = flagNames[flags]; !ok {
		return usagef("bad --flags %q: want reliable, unreliable, unsequenced or fragment", flags)
	}
	o.flagName = flags
	if o.compress, ok = compressNames[comp]; !ok {
		return usagef("bad --compress %q: want none, range, fastlz, zlib or zstd", comp)
	}
	o.compName = comp
	if o.channels < 0 || o.channels > enet.MaxChannels {
		return usagef("bad --channels %d: want 1..255, or 0 for 255", o.channels)
	}
	maxCh := o.channels
	if maxCh == 0 {
		maxCh = enet.MaxChannels
	}
	if o.dialect == 0 && (o.channel < 0 || o.channel >= maxCh) {
		return usagef("bad --channel %d: want 0..%d (see --channels)", o.channel, maxCh-1)
	}
	if o.dialect != 0 {
		if o.channel < 0 || o.channel > enet.MaxChannels {
			return usagef("bad --channel %d: want a transfer channel, 0 for the default", o.channel)
		}
		if o.flags == enet.FlagUnreliableFragment {
			return usagef("--flags fragment has no Godot transfer mode; use reliable, unreliable or unsequenced")
		}
		if o.data > 1<<31-1 {
			return usagef("bad --data %d: a Godot peer id is at most 2147483647", o.data)
		}
	}
	if o.timeout < 0 {
		return usagef("bad --timeout %v: want a positive duration", o.timeout)
	}
	if o.listen {
		if len(positional) > 0 {
			return usagef("listen takes no arguments, got %q (use --addr and --port)", positional[0])
		}
		if o.port < 0 || o.port > 65535 {
			if o.port == -1 {
				return usagef("listen needs --port N (0 for any free port)")
			}
			return usagef("bad --port %d: want 0..65535", o.port)
		}
		if o.maxPeers < 1 || o.maxPeers > enet.MaxPeers {
			return usagef("bad --max-peers %d: want 1..%d", o.maxPeers, enet.MaxPeers)
		}
		if (o.dtlsCert == "") != (o.dtlsKey == "") {
			return usagef("--dtls-cert and --dtls-key go together")
		}
		if err := o.limits.validate(o); err != nil {
			return err
		}
		switch {
		case o.addr == "" && o.ipv6:
			o.addr = "::1"
		case o.addr == "":
			o.addr = "127.0.0.1"
		case o.ipv6 && (o.addr == "0.0.0.0" || isIPv4(o.addr)):
			return usagef("-6 with the IPv4 address --addr %s: drop one", o.addr)
		}
		return nil
	}
	if len(positional) != 1 {
		return usagef("connect needs exactly one HOST:PORT argument")
	}
	host, port, err := net.SplitHostPort(positional[0])
	if err != nil {
		return usagef("bad address %q: want HOST:PORT", positional[0])
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return usagef("bad port in %q: want 1..65535", positional[0])
	}
	if host == "" {
		host = "127.0.0.1"
		if o.ipv6 {
			host = "::1"
		}
	}
	if o.dtlsUnsafe && (o.dtlsCA != "" || o.dtlsName != "") {
		return usagef("--dtls-unsafe checks nothing: drop --dtls-ca and --dtls-name")
	}
	if o.dtlsName != "" && o.dtlsCA == "" {
		return usagef("--dtls-name needs --dtls-ca")
	}
	if o.ipv6 && isIPv4(host) {
		return usagef("-6 with the IPv4 address %s", host)
	}
	o.host, o.rport = host, p
	return nil
}

// transferMode maps --flags to a Godot transfer mode, as Godot maps modes to
// ENet flags: reliable is RELIABLE, unreliable (sequenced) is
// UNRELIABLE_ORDERED, unsequenced is UNRELIABLE.
func (o *options) transferMode() multiplayer.TransferMode {
	switch o.flags {
	case enet.FlagReliable:
		return multiplayer.Reliable
	case enet.FlagUnsequenced:
		return multiplayer.Unreliable
	default:
		return multiplayer.UnreliableOrdered
	}
}

// flagsName names received ENet flags in --flags' vocabulary.
func flagsName(f enet.PacketFlags) string {
	var parts []string
	if f&enet.FlagReliable != 0 {
		parts = append(parts, "reliable")
	}
	if f&enet.FlagUnsequenced != 0 {
		parts = append(parts, "unsequenced")
	}
	if f&enet.FlagUnreliableFragment != 0 {
		parts = append(parts, "fragment")
	}
	if len(parts) == 0 {
		return "unreliable"
	}
	return strings.Join(parts, "|")
}

// modeFlagsName names a Godot transfer mode in --flags' vocabulary.
func modeFlagsName(m multiplayer.TransferMode) string {
	switch m {
	case multiplayer.Reliable:
		return "reliable"
	case multiplayer.Unreliable:
		return "unsequenced"
	default:
		return "unreliable"
	}
}

// isIPv4 reports whether s is an IPv4 literal (or an IPv4-mapped one).
func isIPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Unmap().Is4()
}

// connectHost is the HOST to connect to: with -6 a name becomes its first
// IPv6 address, so the connection uses IPv6 even where the resolver lists
// an IPv4 address first.
func (o *options) connectHost(ctx context.Context) (string, error) {
	if !o.ipv6 {
		return o.host, nil
	}
	if _, err := netip.ParseAddr(o.host); err == nil {
		return o.host, nil
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip6", o.host)
	if err != nil || len(ips) == 0 {
		return "", fmt.Errorf("-6: %q has no IPv6 address: %v", o.host, err)
	}
	return ips[0].String(), nil
}
