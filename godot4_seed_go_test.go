package enet

// seedGo: the interpreter that runs testdata/seed/scenario.txt with this
// package's API. Its twin is testdata/godot4/seed_scenario.gd; both write the
// same observation lines for the same op.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// seedStatKeys name the 14 PeerStatistic values in observation lines; "~"
// marks timing ones compared with a tolerance, "@" epochs logged as set or
// zero (they are ENet clock readings).
var seedStatKeys = [enetPeerStatistics]string{"loss", "loss_var", "@loss_epoch", "~rtt", "~rtt_var",
	"~last_rtt", "~last_rtt_var", "~throttle", "throttle_limit", "throttle_counter", "@throttle_epoch",
	"accel", "decel", "interval"}

func seedGo(t *testing.T, lines []string) []string {
	hosts := map[string]*Host{}
	peers := map[string]*Peer{}
	var log []string
	logf := func(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }
	atoi := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("seed: %q is not a number", s)
		}
		return n
	}
	service := func(h *Host) Event {
		ev, err := h.Service(0)
		if err != nil {
			t.Errorf("seed: service: %v", err)
		}
		return ev
	}
	evName := func(ev Event) string {
		switch ev.Type {
		case EventConnect:
			return fmt.Sprintf("connect:%d", ev.Data)
		case EventDisconnect:
			return fmt.Sprintf("disconnect:%d", ev.Data)
		case EventReceive:
			return fmt.Sprintf("receive:%d", ev.Channel)
		}
		return fmt.Sprintf("type%d", int(ev.Type))
	}
	for _, line := range lines {
		f := strings.Fields(line)
		op, a := f[0], f[1:]
		peerArg := map[string]int{"wait": 2, "stats": 0, "throttle": 0, "timeout": 0, "ping_interval": 0,
			"ping": 0, "send": 0, "sendbig": 0, "recv": 1, "flags": 0, "disconnect": 0,
			"disconnect_later": 0, "disconnect_now": 0, "reset": 0, "state": 0, "addr": 0}
		if i, ok := peerArg[op]; ok && peers[a[i]] == nil {
			logf("%s %s no-peer", op, a[i])
			continue
		}
		switch op {
		case "host", "server":
			cfg := HostConfig{MaxPeers: atoi(a[len(a)-2]), MaxChannels: atoi(a[len(a)-1])}
			var h *Host
			var err error
			if op == "host" {
				h, err = CreateHost(cfg)
			} else {
				h, err = CreateHostBound("127.0.0.1", atoi(a[1]), cfg)
			}
			if h != nil {
				hosts[a[0]] = h
				defer h.Close()
			}
			logf("%s %s err=%d", op, a[0], GodotCode(err))
		case "connect":
			p, err := hosts[a[0]].ConnectToHost("127.0.0.1", atoi(a[2]), atoi(a[3]), uint32(atoi(a[4])))
			if err != nil {
				logf("connect %s failed err=%d", a[1], GodotCode(err))
				continue
			}
			peers[a[1]] = p
			logf("connect %s state=%d channels=%d", a[1], int(p.State()), p.Channels())
		case "wait":
			h, p := hosts[a[0]], peers[a[2]]
			want := EventConnect
			if a[1] == "disconnect" {
				want = EventDisconnect
			}
			states := []string{strconv.Itoa(int(p.State()))}
			began := time.Now()
			deadline := began.Add(5 * time.Second)
			var got Event
			for time.Now().Before(deadline) {
				ev := service(h)
				if s := strconv.Itoa(int(p.State())); s != states[len(states)-1] {
					states = append(states, s)
				}
				if ev.Type == want && ev.Peer == p {
					got = ev
					break
				}
				time.Sleep(time.Millisecond)
			}
			if got.Type != want {
				logf("wait %s timeout states=%s", a[2], strings.Join(states, ","))
				continue
			}
			logf("wait %s event=%s data=%d states=%s active=%v ~ms=%d", a[2], a[1], got.Data, strings.Join(states, ","),
				p.IsActive(), time.Since(began).Milliseconds())
		case "accept":
			h := hosts[a[0]]
			deadline := time.Now().Add(5 * time.Second)
			for time.Now().Before(deadline) {
				ev := service(h)
				if ev.Type == EventConnect {
					peers[a[1]] = ev.Peer
					logf("accept %s data=%d channels=%d state=%d", a[1], ev.Data, ev.Peer.Channels(), int(ev.Peer.State()))
					break
				}
				time.Sleep(time.Millisecond)
			}
			if peers[a[1]] == nil {
				logf("accept %s timeout", a[1])
			}
		case "idle":
			h := hosts[a[0]]
			var evs []string
			deadline := time.Now().Add(time.Duration(atoi(a[1])) * time.Millisecond)
			for time.Now().Before(deadline) {
				if ev := service(h); ev.Type != EventNone {
					evs = append(evs, evName(ev))
				}
				time.Sleep(time.Millisecond)
			}
			if len(evs) == 0 {
				evs = []string{"none"}
			}
			logf("idle %s events=%s", a[0], strings.Join(evs, ","))
		case "addr":
			p := peers[a[0]]
			logf("addr %s address=%s port_matches=%v", a[0], p.RemoteAddress(), strconv.Itoa(p.RemotePort()) == a[1])
		case "stats":
			p := peers[a[0]]
			s := []string{"stats", a[0]}
			for i, k := range seedStatKeys {
				v := p.Statistic(PeerStatistic(i))
				if k, ok := strings.CutPrefix(k, "@"); ok {
					set := "zero"
					if v != 0 {
						set = "set"
					}
					s = append(s, k+"="+set)
					continue
				}
				s = append(s, fmt.Sprintf("%s=%d", k, v))
			}
			logf("%s", strings.Join(s, " "))
		case "throttle", "timeout", "ping_interval", "ping":
			p := peers[a[0]]
			var err error
			switch op {
			case "throttle":
				err = p.ThrottleConfigure(time.Duration(atoi(a[1]))*time.Millisecond, atoi(a[2]), atoi(a[3]))
			case "timeout":
				err = p.SetTimeout(atoi(a[1]), time.Duration(atoi(a[2]))*time.Millisecond, time.Duration(atoi(a[3]))*time.Millisecond)
			case "ping_interval":
				err = p.PingInterval(time.Duration(atoi(a[1])) * time.Millisecond)
			case "ping":
				err = p.Ping()
			}
			if err != nil {
				t.Errorf("seed: %s: %v", line, err)
			}
			logf("%s %s state=%d", op, a[0], int(p.State()))
		case "send", "sendbig":
			p := peers[a[0]]
			var data []byte
			if op == "send" {
				data = []byte(strings.Join(a[3:], " "))
			} else {
				data = seedBig(atoi(a[3]))
			}
			err := p.Send(atoi(a[1]), data, PacketFlags(atoi(a[2])))
			logf("%s %s ch=%s flags=%s err=%d", op, a[0], a[1], a[2], GodotCode(err))
		case "recv":
			h, p := hosts[a[0]], peers[a[1]]
			n := atoi(a[2])
			var got []string
			deadline := time.Now().Add(5 * time.Second)
			for len(got) < n && time.Now().Before(deadline) {
				ev := service(h)
				if ev.Type == EventReceive && ev.Peer == p {
					flags := p.PacketFlags()
					pkt, _ := p.Packet()
					got = append(got, fmt.Sprintf("ch=%d,flags=%d,%s", ev.Channel, flags, seedHead(pkt)))
				}
				time.Sleep(time.Millisecond)
			}
			sort.Strings(got)
			logf("recv %s n=%d %s", a[1], len(got), strings.Join(got, ";"))
		case "flags":
			p := peers[a[0]]
			logf("flags %s value=%d available=%d", a[0], p.PacketFlags(), p.AvailablePacketCount())
		case "disconnect", "disconnect_later", "disconnect_now", "reset":
			p := peers[a[0]]
			var err error
			switch op {
			case "disconnect":
				err = p.Disconnect(uint32(atoi(a[1])))
			case "disconnect_later":
				err = p.DisconnectLater(uint32(atoi(a[1])))
			case "disconnect_now":
				err = p.DisconnectNow(uint32(atoi(a[1])))
			case "reset":
				err = p.Reset()
			}
			if err != nil {
				t.Errorf("seed: %s: %v", line, err)
			}
			logf("%s %s state=%d active=%v", op, a[0], int(p.State()), p.IsActive())
		case "state":
			p := peers[a[0]]
			logf("state %s state=%d active=%v channels=%d", a[0], int(p.State()), p.IsActive(), p.Channels())
		case "refuse":
			if err := hosts[a[0]].RefuseNewConnections(a[1] == "true"); err != nil {
				t.Errorf("seed: %s: %v", line, err)
			}
			logf("refuse %s", a[0])
		case "flush":
			if err := hosts[a[0]].Flush(); err != nil {
				t.Errorf("seed: %s: %v", line, err)
			}
			logf("flush %s", a[0])
		case "destroy":
			if err := hosts[a[0]].Destroy(); err != nil {
				t.Errorf("seed: %s: %v", line, err)
			}
			logf("destroy %s", a[0])
		default:
			t.Fatalf("seed: unknown op %q", op)
		}
	}
	return log
}

// seedHead is how an observation line shows a packet: its text if short and
// printable, else its size.
func seedHead(b []byte) string {
	if len(b) <= 24 && !strings.ContainsAny(string(b), " \x00") {
		return string(b)
	}
	return fmt.Sprintf("%dB", len(b))
}
