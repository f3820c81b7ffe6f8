package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOutputRawAddsNewline(t *testing.T) {
	var buf bytes.Buffer
	o := &output{w: &buf}
	o.packet(record{}, []byte("a"))
	o.packet(record{}, []byte("b\n"))
	o.packet(record{}, nil)
	assert.Equal(t, "a\nb\n\n", buf.String())
}

func TestOutputLiveTableStaysBelow(t *testing.T) {
	var stdout, stderr bytes.Buffer
	o := &output{w: &stdout, live: true}
	table := formatTable([]statsRow{{Peer: 1, Addr: "127.0.0.1:1"}})
	o.showTable(table)
	assert.Equal(t, string(table), stdout.String())
	assert.Equal(t, 2, strings.Count(string(table), "\n"), "header and one row")

	stdout.Reset()
	o.packet(record{}, []byte("line"))
	assert.Equal(t, "\x1b[2F\x1b[J"+"line\n"+string(table), stdout.String(),
		"the table is erased, the line written, the table drawn again")

	stdout.Reset()
	o.writeTo(&stderr, []byte("status\n"))
	assert.Equal(t, "status\n", stderr.String())
	assert.Equal(t, "\x1b[2F\x1b[J"+string(table), stdout.String())
}

func TestFormatTable(t *testing.T) {
	var row statsRow
	row.Peer, row.GodotID, row.Addr = 2, 77, "127.0.0.1:9"
	row.StateName, row.RTTMillis, row.PacketLoss, row.Throttle = "STATE_CONNECTED", 12, 0.25, 1
	row.PacketsSent, row.BytesSent, row.PacketsReceived, row.BytesReceived = 3, 20<<10, 4, 11<<20
	lines := strings.Split(strings.TrimSpace(string(formatTable([]statsRow{row}))), "\n")
	assert.Len(t, lines, 2)
	for _, want := range []string{"2", "77", "127.0.0.1:9", "STATE_CONNECTED", "12ms", "25.0%", "100%", "3 pkt 20 KiB", "4 pkt 11 MiB"} {
		assert.Contains(t, lines[1], want)
	}
}
