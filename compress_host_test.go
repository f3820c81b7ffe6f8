package enet

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompressionModesEndToEnd(t *testing.T) {
	for _, mode := range []CompressionMode{CompressNone, CompressRangeCoder, CompressFastLZ, CompressZlib, CompressZstd} {
		t.Run(mode.String(), func(t *testing.T) {
			srv := newServer(t, HostConfig{})
			cli := newClient(t, HostConfig{})
			require.NoError(t, srv.Compress(mode))
			require.NoError(t, cli.Compress(mode))
			assert.Equal(t, mode, cli.Compression())
			sp, cp := connect(t, srv, cli, 3, 0)
			text := bytes.Repeat([]byte("compressible game state "), 120) // 2880 bytes, fragments
			for ch, flags := range []PacketFlags{FlagReliable, FlagUnsequenced, 0} {
				msg := append([]byte{byte(ch)}, text[:100*(ch+1)]...)
				require.NoError(t, cp.Send(ch, msg, flags))
				ev, got := receive(t, srv, cli)
				assert.Equal(t, ch, ev.Channel)
				assert.Equal(t, msg, got)
			}
			require.NoError(t, sp.Send(0, text, FlagReliable))
			_, got := receive(t, cli, srv)
			assert.Equal(t, text, got)
			sent := cli.Statistic(HostTotalSentData)
			if mode != CompressNone {
				assert.Less(t, sent, uint64(len(text)), "compressed on the wire")
			}
			assert.Zero(t, srv.Statistic(HostDecompressFailures))
		})
	}
}

func TestCompressionMismatchNamesTheCause(t *testing.T) {
	srv := newServer(t, HostConfig{})
	cli := newClient(t, HostConfig{})
	require.NoError(t, srv.Compress(CompressZlib)) // server compresses, client does not
	cp, err := cli.ConnectToHost("127.0.0.1", srv.LocalPort(), 1, 0)
	require.NoError(t, err)
	require.NoError(t, cp.SetTimeout(1, 300*time.Millisecond, 600*time.Millisecond))
	var ev Event
	pumpUntil(t, 10*time.Second, func(h *Host, e Event) bool {
		if h == cli && e.Type == EventDisconnect {
			ev = e
			return true
		}
		return false
	}, srv, cli)
	require.ErrorIs(t, ev.Err, ErrConnectFailed)
	assert.Contains(t, ev.Err.Error(), "compression")
}
