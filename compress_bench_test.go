package enet

import (
	"bytes"
	"testing"
	"time"
)

// BenchmarkHostCompression sends one 1200-byte game-state-like packet per
// iteration from a client to a server through real hosts with each
// compression mode, and waits for it: the per-datagram cost of compressing
// in the service loop plus decompressing on the other side.
func BenchmarkHostCompression(b *testing.B) {
	payload := bytes.Repeat([]byte("pos:12.5,7.25 hp:100 state:idle;"), 40)[:1200]
	for _, mode := range []CompressionMode{CompressNone, CompressRangeCoder, CompressFastLZ, CompressZlib, CompressZstd} {
		b.Run(mode.String(), func(b *testing.B) {
			srv := newServer(b, HostConfig{})
			cli := newClient(b, HostConfig{})
			if err := srv.Compress(mode); err != nil {
				b.Fatal(err)
			}
			if err := cli.Compress(mode); err != nil {
				b.Fatal(err)
			}
			_, cp := connect(b, srv, cli, 1, 0)
			buf := make([]byte, 0, 2048)
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := cp.Send(0, payload, FlagUnsequenced); err != nil {
					b.Fatal(err)
				}
				if err := cli.Flush(); err != nil {
					b.Fatal(err)
				}
				for {
					ev, err := srv.ServiceInto(time.Second, buf)
					if err != nil {
						b.Fatal(err)
					}
					if ev.Type == EventReceive {
						break
					}
				}
			}
			b.StopTimer()
			sent := cli.Statistic(HostTotalSentData)
			b.ReportMetric(float64(sent)/float64(b.N), "wire-B/op")
		})
	}
}
