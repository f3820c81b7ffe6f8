// Package prometheus exports the statistics of an [enet.Host] and its
// peers as Prometheus metrics. It is a separate module so that the enet
// module does not depend on client_golang.
//
//	reg.MustRegister(prometheus.NewCollector(host, prom.Labels{"server": "lobby"}))
//
// Every scrape takes a [metrics.Snapshot] of the host. Host counters are
// exported as counters; per-peer values carry a "peer" label holding the
// remote address, so a server with many short connections makes many
// series: turn them off with Options.NoPeers.
package prometheus

import (
	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/enetgo/enet"
	"github.com/enetgo/enet/metrics"
)

// Options configures a Collector.
type Options struct {
	// Namespace prefixes every metric name; "" means "enet".
	Namespace string
	// ConstLabels are added to every metric, for example to tell several
	// hosts apart.
	ConstLabels prom.Labels
	// NoPeers leaves out the per-peer metrics.
	NoPeers bool
}

// Collector is a prometheus.Collector over metrics.Snapshot of one host.
type Collector struct {
	snapshot func() metrics.HostSnapshot
	noPeers  bool

	sentBytes, sentDatagrams, receivedBytes, receivedDatagrams *prom.Desc
	serviceErrors, refused, decompressFailures, sendFailures   *prom.Desc
	dropped, peersCut, pendingEvicted                          *prom.Desc
	peers, connectedPeers                                      *prom.Desc

	peerState, peerRTT, peerRTTVariance, peerLoss, peerThrottle *prom.Desc
	peerPacketsSent, peerBytesSent                              *prom.Desc
	peerPacketsReceived, peerBytesReceived                      *prom.Desc
}

// NewCollector returns a collector of h's statistics.
func NewCollector(h *enet.Host, opts Options) *Collector {
	return NewSnapshotCollector(func() metrics.HostSnapshot { return metrics.Snapshot(h) }, opts)
}

// NewSnapshotCollector returns a collector that calls snapshot at every
// scrape, for hosts reached another way (for example one per shard, merged).
func NewSnapshotCollector(snapshot func() metrics.HostSnapshot, opts Options) *Collector {
	ns := opts.Namespace
	if ns == "" {
		ns = "enet"
	}
	host := func(name, help string, labels ...string) *prom.Desc {
		return prom.NewDesc(prom.BuildFQName(ns, "host", name), help, labels, opts.ConstLabels)
	}
	peer := func(name, help string, labels ...string) *prom.Desc {
		return prom.NewDesc(prom.BuildFQName(ns, "peer", name), help, append([]string{"peer"}, labels...), opts.ConstLabels)
	}
	return &Collector{
		snapshot: snapshot,
		noPeers:  opts.NoPeers,

		sentBytes:          host("sent_bytes_total", "Bytes of UDP datagrams sent (HOST_TOTAL_SENT_DATA)."),
		sentDatagrams:      host("sent_datagrams_total", "UDP datagrams sent (HOST_TOTAL_SENT_PACKETS)."),
		receivedBytes:      host("received_bytes_total", "Bytes of UDP datagrams received (HOST_TOTAL_RECEIVED_DATA)."),
		receivedDatagrams:  host("received_datagrams_total", "UDP datagrams received (HOST_TOTAL_RECEIVED_PACKETS)."),
		serviceErrors:      host("service_errors_total", "Survived enet_host_service failures."),
		refused:            host("refused_connections_total", "Incoming connections refused while refusing new connections."),
		decompressFailures: host("decompress_failures_total", "Received datagrams dropped because decompression failed."),
		sendFailures:       host("send_failures_total", "Packets Send accepted that ENet then refused, out of memory (HOST_SEND_FAILURES)."),
		dropped:            host("dropped_datagrams_total", "Received datagrams the inbound checks dropped, by reason (HOST_DROPPED_*).", "reason"),
		peersCut:           host("peers_cut_total", "Peers disconnected for the memory they held (HOST_PEERS_CUT)."),
		pendingEvicted:     host("pending_evicted_total", "Handshakes abandoned for a newcomer (HOST_PENDING_EVICTED)."),
		peers:              host("peers", "Active peers: connecting, connected or disconnecting."),
		connectedPeers:     host("connected_peers", "Peers in STATE_CONNECTED."),

		peerState:           peer("state", "1 for the peer's current ENet state.", "state"),
		peerRTT:             peer("rtt_seconds", "Smoothed round-trip time."),
		peerRTTVariance:     peer("rtt_variance_seconds", "Round-trip time variance."),
		peerLoss:            peer("packet_loss_ratio", "Smoothed fraction of lost reliable packets."),
		peerThrottle:        peer("throttle_ratio", "Fraction of unreliable packets ENet lets through."),
		peerPacketsSent:     peer("sent_packets_total", "Packets sent through the API."),
		peerBytesSent:       peer("sent_bytes_total", "Payload bytes sent through the API."),
		peerPacketsReceived: peer("received_packets_total", "Packets received through the API."),
		peerBytesReceived:   peer("received_bytes_total", "Payload bytes received through the API."),
	}
}

// Describe sends the descriptors of every metric.
func (c *Collector) Describe(ch chan<- *prom.Desc) {
	for _, d := range []*prom.Desc{c.sentBytes, c.sentDatagrams, c.receivedBytes, c.receivedDatagrams,
		c.serviceErrors, c.refused, c.decompressFailures, c.sendFailures, c.dropped, c.peersCut, c.pendingEvicted,
		c.peers, c.connectedPeers} {
		ch <- d
	}
	if c.noPeers {
		return
	}
	for _, d := range []*prom.Desc{c.peerState, c.peerRTT, c.peerRTTVariance, c.peerLoss, c.peerThrottle,
		c.peerPacketsSent, c.peerBytesSent, c.peerPacketsReceived, c.peerBytesReceived} {
		ch <- d
	}
}

// Collect takes a snapshot and sends its metrics.
func (c *Collector) Collect(ch chan<- prom.Metric) {
	s := c.snapshot()
	counter := func(d *prom.Desc, v uint64, labels ...string) {
		ch <- prom.MustNewConstMetric(d, prom.CounterValue, float64(v), labels...)
	}
	gauge := func(d *prom.Desc, v float64, labels ...string) {
		ch <- prom.MustNewConstMetric(d, prom.GaugeValue, v, labels...)
	}
	counter(c.sentBytes, s.SentBytes)
	counter(c.sentDatagrams, s.SentDatagrams)
	counter(c.receivedBytes, s.ReceivedBytes)
	counter(c.receivedDatagrams, s.ReceivedDatagrams)
	counter(c.serviceErrors, s.ServiceErrors)
	counter(c.refused, s.RefusedConnections)
	counter(c.decompressFailures, s.DecompressFailures)
	counter(c.sendFailures, s.SendFailures)
	for _, r := range enet.DropReasons {
		name := metrics.DropReason(r)
		counter(c.dropped, s.Dropped[name], name)
	}
	counter(c.peersCut, s.PeersCut)
	counter(c.pendingEvicted, s.PendingEvicted)
	gauge(c.peers, float64(s.PeerCount))
	gauge(c.connectedPeers, float64(s.ConnectedPeers))
	if c.noPeers {
		return
	}
	for _, p := range s.Peers {
		gauge(c.peerState, 1, p.Address, p.StateName)
		gauge(c.peerRTT, float64(p.RTTMillis)/1000, p.Address)
		gauge(c.peerRTTVariance, float64(p.RTTVarianceMillis)/1000, p.Address)
		gauge(c.peerLoss, p.PacketLoss, p.Address)
		gauge(c.peerThrottle, p.Throttle, p.Address)
		counter(c.peerPacketsSent, p.PacketsSent, p.Address)
		counter(c.peerBytesSent, p.BytesSent, p.Address)
		counter(c.peerPacketsReceived, p.PacketsReceived, p.Address)
		counter(c.peerBytesReceived, p.BytesReceived, p.Address)
	}
}
