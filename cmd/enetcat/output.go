package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"unicode"
	"unicode/utf8"
)

// record is one --json line. Pointer fields are left out when nil, so that
// a channel or length of 0 still appears where it means something.
type record struct {
	Event string `json:"event"`
	// Peer numbers connections in the order enetcat saw them, from 1.
	Peer int `json:"peer,omitempty"`
	// Addr is the peer's remote address.
	Addr string `json:"addr,omitempty"`
	// GodotID is the Godot peer id, in --godot3/--godot4 modes.
	GodotID int32 `json:"godot_id,omitempty"`
	// Data is the connect or disconnect data (raw ENet modes).
	Data *uint32 `json:"data,omitempty"`
	// Channel is the ENet channel, or the Godot transfer channel.
	Channel *int `json:"channel,omitempty"`
	// ENetChannel is the ENet channel in Godot modes.
	ENetChannel *int `json:"enet_channel,omitempty"`
	// Flags names the ENet flags in --flags' vocabulary.
	Flags string `json:"flags,omitempty"`
	// Mode is the Godot transfer mode in Godot modes.
	Mode   string  `json:"mode,omitempty"`
	Length *int    `json:"length,omitempty"`
	Text   *string `json:"text,omitempty"`
	Hex    *string `json:"hex,omitempty"`
	// Stats is the final per-peer summary of an "stats" record.
	Stats []statsRow `json:"stats,omitempty"`
	// BatchedIO says, in a "stats" record, whether the datagrams moved in
	// batches and why (enet.BatchedIO).
	BatchedIO string `json:"batched_io,omitempty"`
	// InboundChecks is "on" or "off" (--unguarded) in a raw ENet "stats"
	// record.
	InboundChecks string `json:"inbound_checks,omitempty"`
	// HostCounters are the host's nonzero counters from
	// HOST_SERVICE_ERRORS on (refused connections, the inbound checks'
	// drops, cut peers), by enet.HostStatistic name, in a raw ENet "stats"
	// record.
	HostCounters map[string]uint64 `json:"host_counters,omitempty"`
}

func ptr[T any](v T) *T { return &v }

// setPayload fills Length and Text or Hex.
func (r *record) setPayload(data []byte) {
	r.Length = ptr(len(data))
	if printable(data) {
		r.Text = ptr(string(data))
	} else {
		r.Hex = ptr(hex.EncodeToString(data))
	}
}

// printable reports whether data is valid UTF-8 made of printable runes,
// spaces and tabs.
func printable(data []byte) bool {
	if !utf8.Valid(data) {
		return false
	}
	for _, r := range string(data) {
		if !unicode.IsPrint(r) && r != '\t' {
			return false
		}
	}
	return true
}

// output serialises everything written to stdout: packets, JSON records and
// the live statistics table. On a terminal the table stays below the other
// output: it is erased before a line is written and drawn again after.
type output struct {
	mu    sync.Mutex
	w     io.Writer
	json  bool
	live  bool   // redraw the table in place (stdout is a terminal)
	table []byte // the table currently drawn
}

// packet writes a received payload: raw and newline-terminated, or as a
// receive record.
func (o *output) packet(r record, data []byte) {
	if o.json {
		r.Event = "receive"
		r.setPayload(data)
		o.record(r)
		return
	}
	line := data
	if !bytes.HasSuffix(line, []byte("\n")) {
		line = append(append(make([]byte, 0, len(data)+1), data...), '\n')
	}
	o.write(line)
}

// record writes r as a JSON line, if --json is on.
func (o *output) record(r record) {
	if !o.json {
		return
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // record has only encodable fields
	}
	o.write(append(b, '\n'))
}

func (o *output) write(b []byte) { o.writeTo(o.w, b) }

// writeTo writes b to w, which may be stderr on the same terminal: the live
// table is erased first and drawn again below b.
func (o *output) writeTo(w io.Writer, b []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.eraseLocked()
	w.Write(b)
	o.drawLocked()
}

// showTable replaces the live table.
func (o *output) showTable(table []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.eraseLocked()
	o.table = table
	o.drawLocked()
}

func (o *output) eraseLocked() {
	if n := bytes.Count(o.table, []byte("\n")); n > 0 {
		// Cursor up n lines, to column 1, and clear to the end of screen.
		fmt.Fprintf(o.w, "\x1b[%dF\x1b[J", n)
	}
}

func (o *output) drawLocked() {
	o.w.Write(o.table)
}
