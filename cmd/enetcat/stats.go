package main

import (
	"bytes"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/metrics"
)

// statsInterval is how often the live table is redrawn.
const statsInterval = time.Second

// statsRow is one peer's line of the statistics table, also the JSON form
// of the final summary.
type statsRow struct {
	Peer    int    `json:"peer"`
	GodotID int32  `json:"godot_id,omitempty"`
	Addr    string `json:"addr"`
	metrics.PeerSnapshot
}

func statsRows(book *peerBook) []statsRow {
	var rows []statsRow
	for _, e := range book.all() {
		if e.peer == nil {
			continue // a Godot client known through the server's relay
		}
		rows = append(rows, statsRow{Peer: e.num, GodotID: e.godotID, Addr: e.addr,
			PeerSnapshot: metrics.SnapshotPeer(e.peer)})
	}
	return rows
}

// formatTable renders rows as an aligned text table.
func formatTable(rows []statsRow) []byte {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PEER\tGODOT\tADDRESS\tSTATE\tRTT\tLOSS\tTHROTTLE\tSENT\tRECEIVED")
	for _, r := range rows {
		godot := "-"
		if r.GodotID != 0 {
			godot = fmt.Sprint(r.GodotID)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%dms\t%.1f%%\t%.0f%%\t%d pkt %s\t%d pkt %s\n",
			r.Peer, godot, r.Addr, r.StateName, r.RTTMillis, 100*r.PacketLoss, 100*r.Throttle,
			r.PacketsSent, byteCount(r.BytesSent), r.PacketsReceived, byteCount(r.BytesReceived))
	}
	tw.Flush()
	return buf.Bytes()
}

func byteCount(n uint64) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 10<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// statsReporter draws the live table on a terminal and the final summary.
type statsReporter struct {
	on   bool
	out  *output
	book *peerBook
	next time.Time
	// guarded is false with --unguarded.
	guarded bool
	// host is the raw ENet host while it lives; counters are its counters
	// as last read (keep), nil in the Godot modes, whose host is the
	// multiplayer server's own.
	host     *enet.Host
	counters *enet.HostStats
}

// use makes the reporter read h's counters until keep(h).
func (s *statsReporter) use(h *enet.Host) { s.host = h }

// keep reads h's counters one last time, before h is destroyed.
func (s *statsReporter) keep(h *enet.Host) {
	st := h.Statistics()
	s.counters = &st
	s.host = nil
}

// refresh reads the host's counters if it lives.
func (s *statsReporter) refresh() {
	if s.host != nil {
		st := s.host.Statistics()
		s.counters = &st
	}
}

// countersText is the host counters' line of the text summary, empty
// without a raw ENet host.
func (s *statsReporter) countersText() []byte {
	if s.counters == nil {
		return nil
	}
	return countersLine(s.guarded, *s.counters)
}

// tick redraws the live table if it is due.
func (s *statsReporter) tick() {
	if !s.on || !s.out.live || time.Now().Before(s.next) {
		return
	}
	s.next = time.Now().Add(statsInterval)
	s.refresh()
	s.out.showTable(append(formatTable(statsRows(s.book)), s.countersText()...))
}

// final writes the summary: the last table on a terminal, the table or a
// "stats" record otherwise.
func (s *statsReporter) final() {
	if !s.on {
		return
	}
	rows := statsRows(s.book)
	s.refresh()
	text := append(append(formatTable(rows), s.countersText()...), ioLine()...)
	switch {
	case s.out.live:
		s.out.showTable(text)
	case s.out.json:
		_, reason := enet.BatchedIO()
		r := record{Event: "stats", Stats: rows, BatchedIO: reason}
		if s.counters != nil {
			r.InboundChecks = "on"
			if !s.guarded {
				r.InboundChecks = "off"
			}
			r.HostCounters = hostCounters(*s.counters)
		}
		s.out.record(r)
	default:
		s.out.write(text)
	}
}

// ioLine says under the summary which libenet runs and whether its
// datagrams move in batches (enet.BatchedIO).
func ioLine() []byte {
	_, reason := enet.BatchedIO()
	return fmt.Appendf(nil, "libenet %s, batched I/O %s\n", enet.LinkedVersion(), reason)
}
