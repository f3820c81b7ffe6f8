package metrics_test

import (
	"encoding/json"
	"fmt"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/metrics"
)

// Publish a server's statistics under /debug/vars (served by
// http.DefaultServeMux once expvar is imported), and take a snapshot by hand.
func ExamplePublish() {
	srv, err := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{MaxPeers: 8})
	if err != nil {
		panic(err)
	}
	defer srv.Destroy()
	metrics.Publish("enet_example_server", srv)

	s := metrics.Snapshot(srv)
	b, _ := json.Marshal(s.Peers)
	fmt.Println(s.PeerCount, s.Compression, string(b))
	// Output: 0 COMPRESS_NONE []
}
