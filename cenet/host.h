/* Core C glue of package enet: host lifetime, batched service and drain,
 * create-and-send, and ENet's allocation counter. Written for this project;
 * no upstream ENet or Godot code is copied. */
#ifndef ENETGO_HOST_H
#define ENETGO_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <enet/enet.h>
#include "batchio.h"

/* enetgo_event is one drained ENet event, flattened for Go. */
typedef struct {
	int32_t type;           /* ENetEventType; 0 marks a dropped entry */
	uint32_t slot;          /* index of the peer in host->peers */
	uint32_t data;          /* connect or disconnect data */
	uint32_t flags;         /* received packet's ENet flags */
	uint32_t channel;       /* receive channel */
	uint32_t length;        /* packet length */
	const uint8_t *bytes;   /* packet bytes, valid until the next batch */
	ENetPacket *packet;     /* owned by the batch; destroyed by the next one */
} enetgo_event;

/* Marker stored in peer->data for peers this side connected to, so the
 * service loop can tell them from incoming ones. Not a pointer. */
#define ENETGO_OUTGOING ((void *)(uintptr_t)1)

/* enetgo_send_rec is one packet Go queued for sending without a C call
 * (a deferred send); its bytes are at offset in the caller's arena. */
typedef struct {
	uint32_t slot;          /* index of the peer in host->peers */
	uint32_t channel;
	uint32_t flags;         /* ENet packet flags */
	uint32_t length;
	uint64_t offset;        /* of the bytes in the arena */
} enetgo_send_rec;

/* enetgo_host owns an ENetHost and its event batch buffer. */
typedef struct {
	ENetHost *host;
	enetgo_event *events;
	int cap;                /* capacity of events */
	int count;              /* events in the current batch */
	int control;            /* CONNECT and DISCONNECT events among them */
	int refuse;             /* refuse new incoming connections */
	uint64_t service_errors;   /* enet_host_service returned -1 */
	uint64_t refused;          /* incoming connections refused */
	uint64_t send_failures;    /* deferred sends ENet refused */
	int wait_hint_ms;          /* after an empty batch: how long ENet's timers
	                              can wait (-1: no peers, nothing pending) */
	int wake_fd;               /* eventfd (or a pipe's read end) that
	                              interrupts enetgo_wait */
	struct enetgo_io *io;      /* batched datagram I/O (batchio.c), or NULL */
	struct enetgo_guard *guard; /* inbound checks (guard.c) */
	int rx_pending;            /* after a service call: datagrams read from the
	                              socket and not yet given to ENet (a wait must
	                              not sleep) */
	int wake_wr;               /* what enetgo_wake writes: wake_fd, or the
	                              pipe's write end (portable path) */
	struct enetgo_a6 *a6;      /* dual-stack address table (addr6.c), or NULL */
	struct enetgo_dtls *dtls;  /* DTLS state (dtls.c), or NULL */
	struct enetgo_r6 *relay;   /* IPv6 relay (relay6.c), or NULL */
} enetgo_host;

/* Batched datagram I/O (batchio.c). enetgo_io_attach gives h its batches
 * (-1: out of memory, h keeps plain I/O); enetgo_io_detach frees them.
 * Between enetgo_io_begin and enetgo_io_end on one thread, ENet's datagram
 * I/O on h's socket is batched; enetgo_io_end sends what is queued and
 * sets h->rx_pending. enetgo_io_read_stats copies the counters. */
int enetgo_io_attach(enetgo_host *h);
void enetgo_io_detach(enetgo_host *h);
void enetgo_io_begin(enetgo_host *h);
void enetgo_io_end(enetgo_host *h);
void enetgo_io_flush(enetgo_host *h); /* sends what is queued, now */
void enetgo_io_read_stats(enetgo_host *h, enetgo_io_stats *out);

/* enetgo_init initialises ENet with allocator callbacks: with pool
 * non-zero the small-block cache of alloc.h, otherwise plain malloc and
 * free; with count non-zero they also count live allocations
 * (enetgo_live_allocations), a test instrument whose atomics cost about
 * 2 % of a busy host's CPU. Either way an allocation failure returns NULL
 * instead of aborting. Returns enet_initialize_with_callbacks's result.
 * Safe to call more than once: blocks of either allocator may be freed by
 * the other. */
int enetgo_init(int count, int pool);

/* enetgo_live_allocations returns ENet allocations not yet freed, or 0
 * when enetgo_init was not asked to count. */
int64_t enetgo_live_allocations(void);

/* enetgo_host_create creates a host. If bind is non-zero it binds to
 * ip:port (ip in network byte order, as ENetAddress.host), setting
 * SO_REUSEPORT first when reuseport is non-zero. Returns NULL and sets *err
 * (1 socket/create failure, 2 bind failure, 3 out of memory) on failure. */
enetgo_host *enetgo_host_create(int bind, uint32_t ip, uint16_t port, int reuseport,
                                size_t peers, size_t channels, uint32_t in_bw,
                                uint32_t out_bw, int batch, int *err);

/* enetgo_host_destroy destroys the host and any undelivered batch packets. */
void enetgo_host_destroy(enetgo_host *h);

/* enetgo_service frees the previous batch, then drains up to h->cap ready
 * events into h->events. With io non-zero it makes one pass over the
 * socket (enet_host_service with timeout 0: sends queued commands, reads
 * every waiting datagram, dispatches) and then takes what that pass made
 * ready (enet_host_check_events); with io zero it only dispatches what is
 * already received. Service
 * errors are counted and serving goes on. Returns the number of events.
 * When it returns 0 it also sets h->wait_hint_ms: 5 while any peer has
 * queued or unacknowledged commands (so resends are not held back by a
 * long wait), half the shortest ping interval while peers are connected
 * (so keep-alive pings go out), and -1 with no peers. */
int enetgo_service(enetgo_host *h, int io);

/* enetgo_send_batch creates and queues the n packets of recs, in order,
 * as enetgo_send does one. Go validated each (peer connected, channel in
 * range, size within ENet's limit) when it queued it, and no C call on
 * the host ran since, so only an allocation failure can refuse one: such
 * packets are counted in h->send_failures. Returns the number refused. */
int enetgo_send_batch(enetgo_host *h, const enetgo_send_rec *recs, int n, const uint8_t *arena);

/* enetgo_send_flush is enetgo_send_batch followed by enet_host_flush. */
void enetgo_send_flush(enetgo_host *h, const enetgo_send_rec *recs, int n, const uint8_t *arena);

/* enetgo_send_service is enetgo_send_batch followed by enetgo_service, in
 * one call. */
int enetgo_send_service(enetgo_host *h, const enetgo_send_rec *recs, int n,
                        const uint8_t *arena, int io);

/* enetgo_wait sleeps in ppoll(2) (poll(2), rounded up to whole
 * milliseconds, off Linux) until the socket sock is readable, the eventfd
 * wake_fd was written (enetgo_wake), or timeout_ns passes, and consumes the
 * wake-up. With spin_ns > 0 it first polls without sleeping for up to
 * spin_ns (busy polling). It touches no ENet state, so it runs without the
 * host's lock. Returns poll's result (0: timed out). */
int enetgo_wait(int sock, int wake_fd, int64_t timeout_ns, int64_t spin_ns);

/* enetgo_wake makes a current or the next enetgo_wait on h return at once. */
void enetgo_wake(enetgo_host *h);

/* enetgo_free_batch destroys the packets of the current batch. */
void enetgo_free_batch(enetgo_host *h);

/* enetgo_connect starts a connection and returns the peer's slot, or -1. */
int enetgo_connect(enetgo_host *h, uint32_t ip, uint16_t port, size_t channels, uint32_t data);

/* enetgo_send creates a packet from data and queues it on the peer in slot.
 * The packet is destroyed if ENet refuses it. Returns 0 or -1. */
int enetgo_send(enetgo_host *h, uint32_t slot, uint8_t channel, const uint8_t *data,
                size_t length, uint32_t flags);

/* enetgo_broadcast queues a packet to every connected peer. 0 or -1. */
int enetgo_broadcast(enetgo_host *h, uint8_t channel, const uint8_t *data, size_t length,
                     uint32_t flags);

/* enetgo_socket_send sends one raw UDP datagram. Returns bytes sent or -1. */
int enetgo_socket_send(enetgo_host *h, uint32_t ip, uint16_t port, const void *data,
                       size_t length);

/* enetgo_local_address reads the socket's bound address; 0 or -1. */
int enetgo_local_address(enetgo_host *h, uint32_t *ip, uint16_t *port);

#endif
