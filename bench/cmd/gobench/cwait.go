package main

// An experiment, not a way to use package enet: a Go echo server that
// drives ENet through its own cgo calls and waits inside
// enet_host_service with a timeout, as a C program does. Session 1 built it
// to show what enet.Host's netpoller wait cost; enet.Host now sleeps in C
// itself (poll, one I/O pass per batch), and the comparison shows how the
// binding's service loop does against this minimal one. The per-event work
// (one crossing per send, Go copies of the packets) is the same.

/*
#cgo pkg-config: libenet
#include <stdlib.h>
#include <string.h>
#include <enet/enet.h>

typedef struct {
	ENetPeer *peer;
	ENetPacket *packet;
	const void *data;
	size_t length;
	int channel;
	int flags;
} cw_event;

static ENetHost *cw_create(const char *ip, int port, int peers) {
	ENetAddress a;
	if (enet_initialize() != 0 || enet_address_set_host_ip(&a, ip) != 0)
		return NULL;
	a.port = (enet_uint16)port;
	return enet_host_create(&a, (size_t)peers, 1, 0, 0);
}

// cw_service waits up to timeout ms for the first event, then drains every
// ready event; it keeps RECEIVE events in evs and returns their count.
static int cw_service(ENetHost *h, cw_event *evs, int cap, int timeout) {
	int n = 0, first = 1;
	ENetEvent ev;
	while (n < cap && enet_host_service(h, &ev, first ? (enet_uint32)timeout : 0) > 0) {
		first = 0;
		if (ev.type != ENET_EVENT_TYPE_RECEIVE)
			continue;
		evs[n].peer = ev.peer;
		evs[n].packet = ev.packet;
		evs[n].data = ev.packet->data;
		evs[n].length = ev.packet->dataLength;
		evs[n].channel = ev.channelID;
		evs[n].flags = (int)ev.packet->flags;
		n++;
	}
	return n;
}

static void cw_free(cw_event *evs, int n) {
	for (int i = 0; i < n; i++)
		enet_packet_destroy(evs[i].packet);
}

static int cw_send(ENetPeer *p, int channel, const void *data, size_t length, int flags) {
	ENetPacket *pk = enet_packet_create(data, length, (enet_uint32)flags);
	if (pk == NULL)
		return -1;
	if (enet_peer_send(p, (enet_uint8)channel, pk) < 0) {
		enet_packet_destroy(pk);
		return -1;
	}
	return 0;
}
*/
import "C"

import (
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// runServerCWait is -mode server -wait c: the experiment described above.
func runServerCWait(o options) error {
	ip := C.CString(o.addr)
	defer C.free(unsafe.Pointer(ip))
	h := C.cw_create(ip, C.int(o.port), C.int(o.peers))
	if h == nil {
		return fmt.Errorf("cannot bind %s:%d", o.addr, o.port)
	}
	defer C.enet_host_destroy(h)
	fmt.Fprintf(os.Stderr, "gobench: C-wait server on %s:%d\n", o.addr, o.port)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	var stop atomic.Bool
	go func() { <-sig; stop.Store(true) }()
	const batch = 256
	evs := (*[batch]C.cw_event)(C.malloc(C.size_t(unsafe.Sizeof(C.cw_event{})) * batch))
	defer C.free(unsafe.Pointer(evs))
	buf := make([]byte, 64<<10)
	var echoed uint64
	t0, c0 := time.Now(), cpuSeconds()
	for !stop.Load() {
		n := int(C.cw_service(h, &evs[0], batch, 100))
		for i := range n {
			e := &evs[i]
			b := append(buf[:0], unsafe.Slice((*byte)(e.data), int(e.length))...)
			C.cw_send(e.peer, e.channel, unsafe.Pointer(&b[0]), C.size_t(len(b)), e.flags)
			echoed++
		}
		C.cw_free(&evs[0], C.int(n))
	}
	fmt.Printf("SERVER impl=go-cwait echoed=%d wall_s=%.3f cpu_s=%.3f dgrams_in=%d dgrams_out=%d\n",
		echoed, time.Since(t0).Seconds(), cpuSeconds()-c0, h.totalReceivedPackets, h.totalSentPackets)
	return nil
}
