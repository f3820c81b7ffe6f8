package metrics_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/metrics"
)

// Publish a server's statistics under /debug/vars, which importing expvar
// adds to http.DefaultServeMux.
func ExamplePublish() {
	srv, err := enet.CreateHostBound("*", 7777, enet.HostConfig{MaxPeers: 64})
	if err != nil {
		panic(err)
	}
	defer srv.Destroy()
	metrics.Publish("enet_server", srv)
	go http.ListenAndServe("127.0.0.1:8080", nil) // curl 127.0.0.1:8080/debug/vars
	// ... service srv ...
}

// Take a snapshot by hand, for a log line or a status page.
func ExampleSnapshot() {
	srv, err := enet.CreateHostBound("127.0.0.1", 0, enet.HostConfig{MaxPeers: 8})
	if err != nil {
		panic(err)
	}
	defer srv.Destroy()

	s := metrics.Snapshot(srv)
	b, _ := json.Marshal(s.Peers)
	fmt.Println(s.PeerCount, s.Compression, s.ReceivedDatagrams, string(b))
	// Output: 0 COMPRESS_NONE 0 []
}
