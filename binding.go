package enet

// binding.go is the only Go file that refers to C: it converts between C
// and Go types and does nothing else. Callers hold the host's lock.

/*
#include <stdlib.h>
#include <enet/enet.h>
#include "cenet/alloc.h"
#include "cenet/host.h"
#include "cenet/compress.h"
#include "cenet/guard.h"
#include <sys/socket.h>
#include <net/if.h>
#include "cenet/addr6.h"
#include "cenet/relay6.h"
#include "cenet/dtls.h"

// enetgo_peer_stat reads one statistic by switch, independently of the Go
// field reads, so tests can compare the two.
static uint32_t enetgo_peer_stat(enetgo_host *h, uint32_t slot, int stat) {
	ENetPeer *p = &h->host->peers[slot];
	switch (stat) {
	case 0: return p->packetLoss;
	case 1: return p->packetLossVariance;
	case 2: return p->packetLossEpoch;
	case 3: return p->roundTripTime;
	case 4: return p->roundTripTimeVariance;
	case 5: return p->lastRoundTripTime;
	case 6: return p->lastRoundTripTimeVariance;
	case 7: return p->packetThrottle;
	case 8: return p->packetThrottleLimit;
	case 9: return p->packetThrottleCounter;
	case 10: return p->packetThrottleEpoch;
	case 11: return p->packetThrottleAcceleration;
	case 12: return p->packetThrottleDeceleration;
	case 13: return p->packetThrottleInterval;
	}
	return 0;
}
*/
import "C"

import (
	"encoding/binary"
	"net/netip"
	"runtime"
	"strconv"
	"time"
	"unsafe"

	_ "github.com/enetgo/enet/cenet" // compiles the C glue
)

// cHost is the C side of a Host.
type cHost = *C.enetgo_host

// rawEvent is one drained event, read in place in the C batch: it matches
// C's enetgo_event field for field.
type rawEvent struct {
	typ     int32
	slot    uint32
	data    uint32
	flags   uint32
	channel uint32
	length  uint32
	bytes   unsafe.Pointer // C memory, valid until the next drain
	packet  uintptr
}

// The layouts must agree: either difference overflows if they do not.
const (
	_ = uintptr(unsafe.Sizeof(rawEvent{}) - unsafe.Sizeof(C.enetgo_event{}))
	_ = uintptr(unsafe.Sizeof(C.enetgo_event{}) - unsafe.Sizeof(rawEvent{}))
	_ = uintptr(unsafe.Offsetof(rawEvent{}.bytes) - unsafe.Offsetof(C.enetgo_event{}.bytes))
	_ = uintptr(unsafe.Offsetof(C.enetgo_event{}.bytes) - unsafe.Offsetof(rawEvent{}.bytes))
)

// countAllocations makes initENet count ENet's live allocations for
// liveAllocations. The package's tests turn it on; it is off otherwise,
// because the counting atomics cost about 2 % of a busy host's CPU.
var countAllocations = false

// initENet initialises ENet, with the small-block cache of cenet/alloc.c
// as its allocator when pool is set.
func initENet(pool bool) int {
	return int(C.enetgo_init(cBool(countAllocations), cBool(pool)))
}

// poolEnabled reports whether the small-block cache is compiled in (it is
// not under AddressSanitizer).
func poolEnabled() bool { return C.enetgo_pool_enabled() != 0 }

// poolCached returns the bytes the calling thread's cache holds.
func poolCached() int { return int(C.enetgo_pool_cached()) }

func liveAllocations() int64 { return int64(C.enetgo_live_allocations()) }

func linkedVersion() uint32 { return uint32(C.enet_linked_version()) }

func ipToC(a netip.Addr) C.enet_uint32 {
	b := a.As4()
	return C.enet_uint32(binary.NativeEndian.Uint32(b[:]))
}

func ipFromC(v C.enet_uint32) netip.Addr {
	var b [4]byte
	binary.NativeEndian.PutUint32(b[:], uint32(v))
	return netip.AddrFrom4(b)
}

// hostCreate returns the C host, or nil and 1 (create), 2 (bind) or 3 (memory).
func hostCreate(bind bool, addr netip.AddrPort, reusePort bool, peers, channels int,
	in, out uint32, batch int) (cHost, int) {
	var err C.int
	var ip C.enet_uint32
	if bind {
		ip = ipToC(addr.Addr())
	}
	h := C.enetgo_host_create(cBool(bind), ip, C.enet_uint16(addr.Port()), cBool(reusePort),
		C.size_t(peers), C.size_t(channels), C.enet_uint32(in), C.enet_uint32(out),
		C.int(batch), &err)
	return h, int(err)
}

func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

func hostDestroy(h cHost) { C.enetgo_host_destroy(h) }

func hostSocketFD(h cHost) int { return int(h.host.socket) }

func hostWakeFD(h cHost) int { return int(h.wake_fd) }

// hostRxPending reports whether the last service call left datagrams it
// had read from the socket for ENet to take (cenet/batchio.c): the host
// must be served again before it may wait on the socket.
func hostRxPending(h cHost) bool { return h.rx_pending != 0 }

// ioStats counts a host's batched datagram system calls (cenet/batchio.h).
type ioStats struct {
	rxCalls, rxDatagrams, txCalls, txDatagrams, txErrors uint64
}

// ioDirect is how many datagrams of a send step, and reads of a service
// call, the batched I/O moves one by one before it batches the rest.
const ioDirect = C.ENETGO_IO_DIRECT

// setIORxBatch sets how many datagrams each recvmmsg asks for and returns
// the previous value (a test instrument: no host may be serving).
func setIORxBatch(n int) int {
	old := int(C.enetgo_io_rx_batch)
	C.enetgo_io_rx_batch = C.int(n)
	return old
}

func hostIOStats(h cHost) ioStats {
	var s C.enetgo_io_stats
	C.enetgo_io_read_stats(h, &s)
	return ioStats{uint64(s.rx_calls), uint64(s.rx_datagrams), uint64(s.tx_calls),
		uint64(s.tx_datagrams), uint64(s.tx_errors)}
}

// waitFDs sleeps in C until socket sock is readable, the host's wake-up
// eventfd was written, or d passes, polling without sleeping for the first
// spin of it. It touches no ENet state.
func waitFDs(sock, wake int, d, spin time.Duration) {
	C.enetgo_wait(C.int(sock), C.int(wake), C.int64_t(d), C.int64_t(spin))
}

// hostWake interrupts the current or next waitFDs of the host.
func hostWake(h cHost) { C.enetgo_wake(h) }

func hostPeerCount(h cHost) int { return int(h.host.peerCount) }

// hostWaitHint returns how long ENet's timers can wait after an empty
// batch, or -1 for as long as the caller likes.
func hostWaitHint(h cHost) time.Duration {
	if h.wait_hint_ms < 0 {
		return -1
	}
	return time.Duration(h.wait_hint_ms) * time.Millisecond
}

// hostEvents returns the current batch, in C memory.
func hostEvents(h cHost) []rawEvent {
	return unsafe.Slice((*rawEvent)(unsafe.Pointer(h.events)), h.count)
}

// hostBatchControl reports whether the current batch has CONNECT or
// DISCONNECT events.
func hostBatchControl(h cHost) bool { return h.control != 0 }

func hostConnect(h cHost, addr netip.AddrPort, channels int, data uint32) int {
	return int(C.enetgo_connect(h, ipToC(addr.Addr()), C.enet_uint16(addr.Port()),
		C.size_t(channels), C.enet_uint32(data)))
}

// bytesPtr points C at data's bytes (nil when empty). The *C.uint8_t type
// tells cgo the memory holds no Go pointers, so no cgocheck walk runs.
func bytesPtr(data []byte) *C.uint8_t {
	if len(data) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&data[0]))
}

// pendingSend is a packet Send queued in Go for the next C call on the
// host; it matches C's enetgo_send_rec field for field.
type pendingSend struct {
	slot, channel, flags, length uint32
	offset                       uint64 // of the bytes in the host's send arena
}

// The layouts must agree: either difference overflows if they do not.
const (
	_ = uintptr(unsafe.Sizeof(pendingSend{}) - unsafe.Sizeof(C.enetgo_send_rec{}))
	_ = uintptr(unsafe.Sizeof(C.enetgo_send_rec{}) - unsafe.Sizeof(pendingSend{}))
	_ = uintptr(unsafe.Offsetof(pendingSend{}.offset) - unsafe.Offsetof(C.enetgo_send_rec{}.offset))
	_ = uintptr(unsafe.Offsetof(C.enetgo_send_rec{}.offset) - unsafe.Offsetof(pendingSend{}.offset))
)

func sendRecs(recs []pendingSend) *C.enetgo_send_rec {
	if len(recs) == 0 {
		return nil
	}
	return (*C.enetgo_send_rec)(unsafe.Pointer(&recs[0]))
}

// hostSendBatch creates and queues the pending packets, in order (the
// ones ENet refuses are counted in HostSendFailures).
func hostSendBatch(h cHost, recs []pendingSend, arena []byte) {
	C.enetgo_send_batch(h, sendRecs(recs), C.int(len(recs)), bytesPtr(arena))
	runtime.KeepAlive(recs)
	runtime.KeepAlive(arena)
}

// hostSendService is hostSendBatch followed by draining ready events into
// the C batch, in one C call; it returns the number of events.
func hostSendService(h cHost, recs []pendingSend, arena []byte, io bool) int {
	n := C.enetgo_send_service(h, sendRecs(recs), C.int(len(recs)), bytesPtr(arena), cBool(io))
	runtime.KeepAlive(recs)
	runtime.KeepAlive(arena)
	return int(n)
}

func hostSend(h cHost, slot, channel int, data []byte, flags PacketFlags) bool {
	p := bytesPtr(data)
	r := C.enetgo_send(h, C.uint32_t(slot), C.uint8_t(channel), p, C.size_t(len(data)),
		C.uint32_t(flags))
	runtime.KeepAlive(data)
	return r == 0
}

func hostBroadcast(h cHost, channel int, data []byte, flags PacketFlags) bool {
	p := bytesPtr(data)
	r := C.enetgo_broadcast(h, C.uint8_t(channel), p, C.size_t(len(data)), C.uint32_t(flags))
	runtime.KeepAlive(data)
	return r == 0
}

func hostSocketSend(h cHost, addr netip.AddrPort, data []byte) int {
	var p unsafe.Pointer
	if len(data) > 0 {
		p = unsafe.Pointer(&data[0])
	}
	r := C.enetgo_socket_send(h, ipToC(addr.Addr()), C.enet_uint16(addr.Port()), p,
		C.size_t(len(data)))
	runtime.KeepAlive(data)
	return int(r)
}

// hostFlush hands the pending packets to ENet and sends everything queued.
func hostFlush(h cHost, recs []pendingSend, arena []byte) {
	C.enetgo_send_flush(h, sendRecs(recs), C.int(len(recs)), bytesPtr(arena))
	runtime.KeepAlive(recs)
	runtime.KeepAlive(arena)
}

func hostBandwidthLimit(h cHost, in, out uint32) {
	C.enet_host_bandwidth_limit(h.host, C.enet_uint32(in), C.enet_uint32(out))
}

func hostChannelLimit(h cHost, limit int) { C.enet_host_channel_limit(h.host, C.size_t(limit)) }

func hostMaxChannels(h cHost) int { return int(h.host.channelLimit) }

func hostSetRefuse(h cHost, refuse bool) { h.refuse = cBool(refuse) }

// hostStat reads a host counter, zeroing it when reset is set.
func hostStat(h cHost, s HostStatistic, reset bool) uint64 {
	var v uint64
	switch s {
	case HostTotalSentData:
		v = uint64(h.host.totalSentData)
		if reset {
			h.host.totalSentData = 0
		}
	case HostTotalSentPackets:
		v = uint64(h.host.totalSentPackets)
		if reset {
			h.host.totalSentPackets = 0
		}
	case HostTotalReceivedData:
		v = uint64(h.host.totalReceivedData)
		if reset {
			h.host.totalReceivedData = 0
		}
	case HostTotalReceivedPackets:
		v = uint64(h.host.totalReceivedPackets)
		if reset {
			h.host.totalReceivedPackets = 0
		}
	case HostServiceErrors:
		v = uint64(h.service_errors)
		if reset {
			h.service_errors = 0
		}
	case HostRefusedConnections:
		v = uint64(h.refused)
		if reset {
			h.refused = 0
		}
	case HostSendFailures:
		v = uint64(h.send_failures)
		if reset {
			h.send_failures = 0
		}
	case HostDecompressFailures:
		v = uint64(C.enetgo_host_decompress_failures(h.host))
	default:
		v = guardStat(h, s, reset)
	}
	return v
}

func hostCompress(h cHost, mode CompressionMode, level int) bool {
	return C.enetgo_host_compress(h.host, C.int(mode), C.int(level)) == 0
}

// Peer access. slot must be < hostPeerCount.

// peerPtr indexes host->peers from Go: a cgo call here would cost Send two
// extra crossings (channel count and state) and Statistics one.
func peerPtr(h cHost, slot int) *C.ENetPeer {
	return &unsafe.Slice(h.host.peers, h.host.peerCount)[slot]
}

func peerState(h cHost, slot int) PeerState { return PeerState(peerPtr(h, slot).state) }

func peerChannels(h cHost, slot int) int { return int(peerPtr(h, slot).channelCount) }

// peerSendState returns the channel count and state Send checks, indexing
// the peer once.
func peerSendState(h cHost, slot int) (channels int, st PeerState) {
	p := peerPtr(h, slot)
	return int(p.channelCount), PeerState(p.state)
}

func peerAddress(h cHost, slot int) netip.AddrPort {
	p := peerPtr(h, slot)
	if h.a6 != nil && synthetic(p.address.host) {
		return netip.AddrPortFrom(remote6(h, p.address.host), uint16(p.address.port))
	}
	if h.relay != nil {
		if a, ok := relayRemote(h, p.address.host, uint16(p.address.port)); ok {
			return a
		}
	}
	return netip.AddrPortFrom(ipFromC(p.address.host), uint16(p.address.port))
}

// peerForget clears the slot's outgoing marker once its Go peer is gone.
func peerForget(h cHost, slot int) { peerPtr(h, slot).data = nil }

// peerStats reads ENet's 14 statistic fields straight from the ENetPeer
// into s.
func peerStats(h cHost, slot int, s *PeerStats) {
	p := peerPtr(h, slot)
	*(*[enetPeerStatistics]uint64)(s[:]) = [enetPeerStatistics]uint64{
		uint64(p.packetLoss), uint64(p.packetLossVariance), uint64(p.packetLossEpoch),
		uint64(p.roundTripTime), uint64(p.roundTripTimeVariance), uint64(p.lastRoundTripTime),
		uint64(p.lastRoundTripTimeVariance), uint64(p.packetThrottle),
		uint64(p.packetThrottleLimit), uint64(p.packetThrottleCounter),
		uint64(p.packetThrottleEpoch), uint64(p.packetThrottleAcceleration),
		uint64(p.packetThrottleDeceleration), uint64(p.packetThrottleInterval),
	}
}

// peerStatC reads one statistic through C, for tests.
func peerStatC(h cHost, slot int, s PeerStatistic) uint64 {
	return uint64(C.enetgo_peer_stat(h, C.uint32_t(slot), C.int(s)))
}

func peerDisconnect(h cHost, slot int, data uint32) {
	C.enet_peer_disconnect(peerPtr(h, slot), C.enet_uint32(data))
}

func peerDisconnectLater(h cHost, slot int, data uint32) {
	C.enet_peer_disconnect_later(peerPtr(h, slot), C.enet_uint32(data))
}

func peerDisconnectNow(h cHost, slot int, data uint32) {
	C.enet_peer_disconnect_now(peerPtr(h, slot), C.enet_uint32(data))
}

func peerReset(h cHost, slot int) { C.enet_peer_reset(peerPtr(h, slot)) }

func peerPing(h cHost, slot int) { C.enet_peer_ping(peerPtr(h, slot)) }

func peerPingInterval(h cHost, slot int, ms uint32) {
	C.enet_peer_ping_interval(peerPtr(h, slot), C.enet_uint32(ms))
}

func peerTimeout(h cHost, slot int, limit, min, max uint32) {
	C.enet_peer_timeout(peerPtr(h, slot), C.enet_uint32(limit), C.enet_uint32(min),
		C.enet_uint32(max))
}

func peerTimeouts(h cHost, slot int) (limit, min, max uint32) {
	p := peerPtr(h, slot)
	return uint32(p.timeoutLimit), uint32(p.timeoutMinimum), uint32(p.timeoutMaximum)
}

func peerPingIntervalValue(h cHost, slot int) uint32 { return uint32(peerPtr(h, slot).pingInterval) }

func peerThrottleConfigure(h cHost, slot int, interval, accel, decel uint32) {
	C.enet_peer_throttle_configure(peerPtr(h, slot), C.enet_uint32(interval),
		C.enet_uint32(accel), C.enet_uint32(decel))
}

// Codecs, for tests, fuzzing and benchmarks of the compressor glue.

func codecCompress(mode CompressionMode, level int, dst, src []byte) int {
	n := C.enetgo_codec_compress(C.int(mode), C.int(level), bytesPtr(src), C.size_t(len(src)),
		bytesPtr(dst), C.size_t(len(dst)))
	runtime.KeepAlive(src)
	runtime.KeepAlive(dst)
	return int(n)
}

func codecDecompress(mode CompressionMode, dst, src []byte) int {
	n := C.enetgo_codec_decompress(C.int(mode), bytesPtr(src), C.size_t(len(src)),
		bytesPtr(dst), C.size_t(len(dst)))
	runtime.KeepAlive(src)
	runtime.KeepAlive(dst)
	return int(n)
}

func fastlzCompressLevel(level int, dst, src []byte) int {
	n := C.enetgo_fastlz_compress_level(C.int(level), bytesPtr(src), C.size_t(len(src)),
		bytesPtr(dst), C.size_t(len(dst)))
	runtime.KeepAlive(src)
	runtime.KeepAlive(dst)
	return int(n)
}

func fastlzDecompress(dst, src []byte) int {
	n := C.enetgo_fastlz_decompress(bytesPtr(src), C.size_t(len(src)), bytesPtr(dst),
		C.size_t(len(dst)))
	runtime.KeepAlive(src)
	runtime.KeepAlive(dst)
	return int(n)
}

// ioStatus says whether hosts created now get batched datagram I/O
// (cenet/batchio.h enetgo_io_status): ioOn, or why not. ENet must be
// initialised.
func ioStatus() int { return int(C.enetgo_io_status()) }

// The values of ioStatus.
const (
	ioOn          = C.ENETGO_IO_ON
	ioOffEnv      = C.ENETGO_IO_OFF_ENV
	ioOffPortable = C.ENETGO_IO_OFF_PORTABLE
	ioOffLibenet  = C.ENETGO_IO_OFF_LIBENET
	ioOffProbe    = C.ENETGO_IO_OFF_PROBE
)

// hostBatched reports whether h got batched datagram I/O when created.
func hostBatched(h cHost) bool { return h.io != nil }

// Inbound checks (cenet/guard.c).

// hostConfigureGuard sets ENet's limits and the guard's.
func hostConfigureGuard(h cHost, g guardLimits) {
	h.host.maximumPacketSize = C.size_t(g.maxPacket)
	h.host.maximumWaitingData = C.size_t(g.maxWaiting)
	h.host.duplicatePeers = C.size_t(g.peersPerAddr)
	h.guard.enabled = cBool(g.enabled)
	h.guard.pending_per_addr = C.uint32_t(g.pendingPerAddr)
	h.guard.pending_total = C.uint32_t(g.pendingTotal)
	h.guard.address_share = C.uint32_t(g.addressShare)
	h.guard.peer_limit = C.uint64_t(g.peerMemory)
	h.guard.command_limit = C.uint32_t(g.peerCommands)
	h.guard.host_limit = C.uint64_t(g.hostMemory)
	h.guard.ban_ms = C.uint32_t(g.cutBan / time.Millisecond)
}

// guardStat reads one of the guard's counters (HostDroppedMalformed on).
func guardStat(h cHost, s HostStatistic, reset bool) uint64 {
	g := h.guard
	var p *C.uint64_t
	switch {
	case s >= HostDroppedMalformed && s < HostDroppedMalformed+C.ENETGO_DROP_REASONS:
		p = &g.drops[s-HostDroppedMalformed]
	case s == HostPeersCut:
		p = &g.peers_reset
	case s == HostPendingEvicted:
		p = &g.pending_evicted
	default:
		return 0
	}
	v := uint64(*p)
	if reset {
		*p = 0
	}
	return v
}

// guardInspect runs the inbound checks on data as if ENet had received it
// from addr, for tests and fuzzing: true means dropped.
func guardInspect(h cHost, data []byte, addr netip.AddrPort) bool {
	r := C.enetgo_guard_inspect(h.guard, h.host, bytesPtr(data), C.size_t(len(data)),
		ipToC(addr.Addr()), C.enet_uint16(addr.Port()))
	runtime.KeepAlive(data)
	return r != 0
}

// peerHeld returns the bytes the guard reckons the peer in slot holds in
// buffered incoming commands.
func peerHeld(h cHost, slot int) uint64 {
	return uint64(C.enetgo_guard_peer_held(peerPtr(h, slot), nil))
}

// hostGuardLimits reads back the limits in force, for tests.
func hostGuardLimits(h cHost) guardLimits {
	return guardLimits{enabled: h.guard.enabled != 0, maxPacket: int(h.host.maximumPacketSize),
		maxWaiting: int(h.host.maximumWaitingData), peersPerAddr: int(h.host.duplicatePeers),
		pendingPerAddr: int(h.guard.pending_per_addr), pendingTotal: int(h.guard.pending_total),
		addressShare: int(h.guard.address_share),
		peerMemory:   int64(h.guard.peer_limit), hostMemory: int64(h.guard.host_limit),
		peerCommands: int(h.guard.command_limit),
		cutBan:       time.Duration(h.guard.ban_ms) * time.Millisecond}
}

// peerSession returns the session bits the peer's datagrams must carry.
func peerSession(h cHost, slot int) uint8 { return uint8(peerPtr(h, slot).incomingSessionID) }

// Dual-stack hosts (cenet/addr6.c, addr6.go). Callers hold the host's
// lock unless a function says otherwise.

// hostEnable6 gives a host created unbound a dual-stack socket, bound to
// addr when bind is set. It returns 0, or 1 (socket), 2 (bind), 3
// (memory), 4 (libenet's socket calls do not reach the binding), 5 (no
// IPv6 in the kernel).
func hostEnable6(h cHost, bind bool, addr netip.AddrPort, reusePort bool) int {
	b := addr.Addr().As16()
	return int(C.enetgo_a6_enable(h, cBool(bind), (*C.uint8_t)(&b[0]), C.uint16_t(addr.Port()), cBool(reusePort)))
}

// interposed reports whether libenet's socket calls reach the binding
// (cenet/batchio.c), which dual-stack hosts need; ENet must be initialised.
func interposed() bool { return C.enetgo_io_interposed() != 0 }

// hostDual reports whether h has a dual-stack socket.
func hostDual(h cHost) bool { return h.a6 != nil }

// synthetic reports whether an ENet host value stands for an IPv6 address
// of a dual-stack host.
func synthetic(host C.enet_uint32) bool { return C.enetgo_a6_synthetic(host) != 0 }

// isSynthetic is synthetic for a Go IPv4 address (one the user gave).
func isSynthetic(a netip.Addr) bool { return a.Is4() && a.As4()[0] == C.ENETGO_A6_OCTET }

// hostIntern6 returns the IPv4 stand-in ENet is given for an IPv6 address
// of h's, allocating it; false when h's table is full.
func hostIntern6(h cHost, a netip.Addr) (netip.Addr, bool) {
	b := a.As16()
	v := C.enetgo_a6_intern(h, (*C.uint8_t)(&b[0]), C.uint32_t(zoneScope(a.Zone())))
	if v == 0 {
		return netip.Addr{}, false
	}
	return ipFromC(v), true
}

// remote6 is the real address behind a synthetic host value of h's, or
// the IPv4 value itself when it is none.
func remote6(h cHost, host C.enet_uint32) netip.Addr {
	var b [16]byte
	var scope C.uint32_t
	if C.enetgo_a6_lookup(h, host, (*C.uint8_t)(&b[0]), &scope) < 0 {
		return ipFromC(host)
	}
	a := netip.AddrFrom16(b)
	if scope != 0 {
		a = a.WithZone(strconv.FormatUint(uint64(scope), 10))
	}
	return a
}

// zoneScope turns a zone (an interface name or index) into a scope id.
func zoneScope(zone string) uint32 {
	if zone == "" {
		return 0
	}
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n)
	}
	cs := C.CString(zone)
	defer C.free(unsafe.Pointer(cs))
	return uint32(C.if_nametoindex(cs))
}

// table6Stats are a dual-stack host's address-table counters.
type table6Stats struct {
	used, capacity int
	dropped        uint64 // datagrams from new IPv6 addresses dropped: table full
	sweeps         uint64
}

func hostTable6Stats(h cHost) table6Stats {
	var used, capacity C.int
	var dropped, sweeps C.uint64_t
	C.enetgo_a6_stats(h, &used, &capacity, &dropped, &sweeps)
	return table6Stats{int(used), int(capacity), uint64(dropped), uint64(sweeps)}
}

// hostSocketSend6 sends one raw datagram to an IPv6 address.
func hostSocketSend6(h cHost, to netip.AddrPort, data []byte) int {
	b := to.Addr().As16()
	r := C.enetgo_a6_socket_send(h, (*C.uint8_t)(&b[0]), C.uint32_t(zoneScope(to.Addr().Zone())),
		C.uint16_t(to.Port()), unsafe.Pointer(bytesPtr(data)), C.size_t(len(data)))
	runtime.KeepAlive(data)
	return int(r)
}

// hostLocalAddr reads the socket's bound address, IPv4 or IPv6.
func hostLocalAddr(h cHost) (netip.AddrPort, bool) {
	var fam C.int
	var b [16]byte
	var port C.uint16_t
	if C.enetgo_a6_local(h, &fam, (*C.uint8_t)(&b[0]), &port) < 0 {
		return netip.AddrPort{}, false
	}
	if fam == C.AF_INET6 {
		return netip.AddrPortFrom(netip.AddrFrom16(b), uint16(port)), true
	}
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[:4])), uint16(port)), true
}

// resolveName resolves name with the C library as Godot 4 does (any
// family, first address; IPv4 only when any is false). It blocks: call it
// without the host's lock.
func resolveName(name string, any bool) (netip.Addr, bool) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	var b [16]byte
	var scope C.uint32_t
	switch C.enetgo_resolve(cs, cBool(any), (*C.uint8_t)(&b[0]), &scope) {
	case C.AF_INET:
		return netip.AddrFrom4([4]byte(b[:4])), true
	case C.AF_INET6:
		a := netip.AddrFrom16(b).Unmap()
		if scope != 0 && a.Is6() {
			a = a.WithZone(strconv.FormatUint(uint64(scope), 10))
		}
		return a, true
	}
	return netip.Addr{}, false
}

// Relayed IPv6 hosts (cenet/relay6.c, relay6.go).

// relayAvailable reports whether relayed hosts can be built here.
func relayAvailable() bool { return C.enetgo_r6_available() != 0 }

// relayForced reports whether ENETGO_IPV6_RELAY=1 asks for the relay even
// where ENet's socket calls reach the binding.
func relayForced() bool { return C.enetgo_r6_forced() != 0 }

// hostEnableRelay gives h its relay: dual for "::" (ENet's socket serves
// IPv4 on the same port), client for CreateHost (ENet's socket bound now
// if it is not yet). It returns enetgo_r6_enable's code.
func hostEnableRelay(h cHost, dual, client bool, addr netip.AddrPort, reusePort bool) int {
	b := addr.Addr().As16()
	return int(C.enetgo_r6_enable(h, cBool(dual), cBool(client), (*C.uint8_t)(&b[0]),
		C.uint16_t(addr.Port()), cBool(reusePort)))
}

// hostRelayed reports whether h's relay runs.
func hostRelayed(h cHost) bool { return h.relay != nil }

// relayConnect starts a connection to an IPv6 endpoint through the relay:
// the slot, -1 with no free slot, -2 with the relay's table full.
func relayConnect(h cHost, to netip.AddrPort, channels int, data uint32) int {
	b := to.Addr().As16()
	return int(C.enetgo_r6_connect(h, (*C.uint8_t)(&b[0]), C.uint32_t(zoneScope(to.Addr().Zone())),
		C.uint16_t(to.Port()), C.size_t(channels), C.uint32_t(data)))
}

// relayStandIn reports whether an IPv4 endpoint is one of h's stand-ins
// (127.100.x.y at the relay's port): no remote can be there.
func relayStandIn(h cHost, a netip.AddrPort) bool {
	return a.Addr().Is4() && C.enetgo_r6_standin(h, ipToC(a.Addr()), C.uint16_t(a.Port())) != 0
}

// relayRemote is the endpoint behind a stand-in of h's, if it is one.
func relayRemote(h cHost, host C.enet_uint32, port uint16) (netip.AddrPort, bool) {
	var b [16]byte
	var scope C.uint32_t
	var rport C.uint16_t
	if C.enetgo_r6_lookup(h, host, C.uint16_t(port), (*C.uint8_t)(&b[0]), &scope, &rport) < 0 {
		return netip.AddrPort{}, false
	}
	a := netip.AddrFrom16(b).Unmap() // an IPv4 sender of a dual-stack public socket
	if scope != 0 && a.Is6() {
		a = a.WithZone(strconv.FormatUint(uint64(scope), 10))
	}
	return netip.AddrPortFrom(a, uint16(rport)), true
}

// relayIntern returns the stand-in ENet is given for an IPv6 endpoint,
// allocating it; false when the table is full (a test instrument).
func relayIntern(h cHost, to netip.AddrPort) (netip.AddrPort, bool) {
	b := to.Addr().As16()
	v := C.enetgo_r6_intern(h, (*C.uint8_t)(&b[0]), C.uint32_t(zoneScope(to.Addr().Zone())), C.uint16_t(to.Port()))
	if v == 0 {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ipFromC(v), uint16(hostRelayStats(h).port)), true
}

// relayStats are a relay's counters.
type relayStats struct {
	used, capacity int
	dropped        uint64 // datagrams from new endpoints dropped: table full
	sweeps         uint64
	in, out        uint64 // datagrams relayed to ENet and from it
	refused        uint64 // datagrams on the relay port not from ENet's socket
	port           uint16 // the relay socket's port
}

func hostRelayStats(h cHost) relayStats {
	var s C.enetgo_r6_stats_t
	C.enetgo_r6_stats(h, &s)
	return relayStats{int(s.used), int(s.cap), uint64(s.dropped), uint64(s.sweeps),
		uint64(s.in), uint64(s.out), uint64(s.refused), uint16(s.port)}
}

// hostRelayLocal reads the public IPv6 socket's address.
func hostRelayLocal(h cHost) (netip.AddrPort, bool) {
	var b [16]byte
	var port C.uint16_t
	if C.enetgo_r6_local(h, (*C.uint8_t)(&b[0]), &port) < 0 {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(netip.AddrFrom16(b), uint16(port)), true
}

// hostRelaySend sends one raw datagram to an IPv6 endpoint from the
// public socket.
func hostRelaySend(h cHost, to netip.AddrPort, data []byte) int {
	b := to.Addr().As16()
	r := C.enetgo_r6_socket_send(h, (*C.uint8_t)(&b[0]), C.uint32_t(zoneScope(to.Addr().Zone())),
		C.uint16_t(to.Port()), unsafe.Pointer(bytesPtr(data)), C.size_t(len(data)))
	runtime.KeepAlive(data)
	return int(r)
}

// DTLS hosts (cenet/dtls.c, dtls.go).

// cBytes points C at b (nil when empty).
func cBytes(b []byte) *C.char {
	if len(b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}

// hostDTLSServer makes h a DTLS server; "" or the reason it could not.
func hostDTLSServer(h cHost, cert, key []byte) string {
	var err [256]C.char
	r := C.enetgo_dtls_server_setup(h, cBytes(cert), C.size_t(len(cert)), cBytes(key), C.size_t(len(key)),
		&err[0], C.size_t(len(err)))
	runtime.KeepAlive(cert)
	runtime.KeepAlive(key)
	if r == 0 {
		return ""
	}
	return C.GoString(&err[0])
}

// hostDTLSClient makes h a DTLS client; "" or the reason it could not.
func hostDTLSClient(h cHost, hostname string, ca []byte, noVerify bool) string {
	var err [256]C.char
	cs := C.CString(hostname)
	defer C.free(unsafe.Pointer(cs))
	r := C.enetgo_dtls_client_setup(h, cs, cBytes(ca), C.size_t(len(ca)), cBool(noVerify), &err[0], C.size_t(len(err)))
	runtime.KeepAlive(ca)
	if r == 0 {
		return ""
	}
	return C.GoString(&err[0])
}

func hostDTLSStats(h cHost) DTLSStats {
	var s C.enetgo_dtls_stats
	C.enetgo_dtls_read_stats(h, &s)
	var b, c [256]C.char
	C.enetgo_dtls_last_error(h, &b[0], C.size_t(len(b)))
	C.enetgo_dtls_cipher(h, &c[0], C.size_t(len(c)))
	return DTLSStats{Handshakes: uint64(s.handshakes), Failures: uint64(s.failures),
		Dropped: uint64(s.dropped), Cookies: uint64(s.cookies), Sessions: int(s.sessions),
		LastError: C.GoString(&b[0]), Cipher: C.GoString(&c[0])}
}

// hostDTLSOffered is the suites the last client that completed a
// handshake with this server offered, colon-separated (tests).
func hostDTLSOffered(h cHost) string {
	var b [2048]C.char
	C.enetgo_dtls_offered(h, &b[0], C.size_t(len(b)))
	return C.GoString(&b[0])
}

// hostDTLSFailure is the client's failed handshake's reason, or "".
func hostDTLSFailure(h cHost) string {
	var s C.enetgo_dtls_stats
	C.enetgo_dtls_read_stats(h, &s)
	if s.failed == 0 {
		return ""
	}
	var b [256]C.char
	C.enetgo_dtls_last_error(h, &b[0], C.size_t(len(b)))
	return C.GoString(&b[0])
}

// hostDTLSRestrictCiphers narrows the host's suites to list, in OpenSSL's
// names, for sessions opened from now on (tests); false if none is left.
func hostDTLSRestrictCiphers(h cHost, list string) bool {
	cs := C.CString(list)
	defer C.free(unsafe.Pointer(cs))
	return C.enetgo_dtls_restrict_ciphers(h, cs) == 0
}

// dtlsLiveSessions counts DTLS sessions alive in the process (tests).
func dtlsLiveSessions() int64 { return int64(C.enetgo_dtls_live()) }
