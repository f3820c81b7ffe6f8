/* Core C glue of package enet; see host.h. Written for this project. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include "batchio.h"
#ifdef ENETGO_IO_LINUX
#include <sys/eventfd.h>
#endif
#include "alloc.h"
#include "host.h"
#include "guard.h"
#include "addr6.h"
#include "relay6.h"
#include "dtls.h"

static int64_t live_allocations;

/* The allocator under the counter: the small-block cache, or plain malloc
 * and free when enetgo_init was told not to use it. */
static void *(*base_malloc)(size_t) = malloc;
static void (*base_free)(void *) = free;

static void *counting_malloc(size_t size)
{
	void *p = base_malloc(size);
	if (p != NULL)
		__atomic_add_fetch(&live_allocations, 1, __ATOMIC_RELAXED);
	return p;
}

static void counting_free(void *p)
{
	if (p == NULL)
		return;
	__atomic_sub_fetch(&live_allocations, 1, __ATOMIC_RELAXED);
	base_free(p);
}

static void no_memory(void)
{
	/* ENet's default aborts; returning lets the failing call report NULL. */
}

int enetgo_init(int count, int pool)
{
	ENetCallbacks cb;
	if (pool) {
		base_malloc = enetgo_pool_malloc;
		base_free = enetgo_pool_free;
	}
	memset(&cb, 0, sizeof cb);
	cb.malloc = count ? counting_malloc : base_malloc;
	cb.free = count ? counting_free : base_free;
	cb.no_memory = no_memory;
	return enet_initialize_with_callbacks(ENET_VERSION, &cb);
}

int64_t enetgo_live_allocations(void)
{
	return __atomic_load_n(&live_allocations, __ATOMIC_RELAXED);
}

/* wake_open makes h's wake-up descriptor: an eventfd on Linux, else a
 * non-blocking pipe whose read end is h->wake_fd (wake_wr writes it). */
static int wake_open(enetgo_host *h)
{
#ifdef ENETGO_IO_LINUX
	h->wake_fd = h->wake_wr = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return h->wake_fd;
#else
	int fds[2];
	if (pipe(fds) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		if (fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK) < 0 ||
		    fcntl(fds[i], F_SETFD, FD_CLOEXEC) < 0) {
			close(fds[0]);
			close(fds[1]);
			return -1;
		}
	}
	h->wake_fd = fds[0];
	h->wake_wr = fds[1];
	return 0;
#endif
}

static void wake_close(enetgo_host *h)
{
	if (h->wake_wr != h->wake_fd)
		close(h->wake_wr);
	close(h->wake_fd);
}

#ifdef ENETGO_IO_LINUX
#define ENETGO_WAKE_EVENTFD 1
#else
#define ENETGO_WAKE_EVENTFD 0
#endif

/* sleep_poll waits on fds for up to *ts: ppoll(2) on Linux; the portable
 * path has only poll(2), whose timeout is whole milliseconds, rounded up
 * (a zero timeout only looks). */
static int sleep_poll(struct pollfd *fds, nfds_t n, const struct timespec *ts)
{
#ifdef ENETGO_IO_LINUX
	return ppoll(fds, n, ts, NULL);
#else
	int64_t ms = ((int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec + 999999) / 1000000;
	return poll(fds, n, ms > INT_MAX ? INT_MAX : (int)ms);
#endif
}

enetgo_host *enetgo_host_create(int bind, uint32_t ip, uint16_t port, int reuseport,
                                size_t peers, size_t channels, uint32_t in_bw,
                                uint32_t out_bw, int batch, int *err)
{
	enetgo_host *h = enet_malloc(sizeof *h);
	if (h == NULL) {
		*err = 3;
		return NULL;
	}
	memset(h, 0, sizeof *h);
	h->events = enet_malloc(sizeof(enetgo_event) * (size_t)batch);
	if (h->events == NULL) {
		enet_free(h);
		*err = 3;
		return NULL;
	}
	memset(h->events, 0, sizeof(enetgo_event) * (size_t)batch);
	h->cap = batch;
	if (wake_open(h) < 0) {
		enet_free(h->events);
		enet_free(h);
		*err = 1;
		return NULL;
	}
	/* Created unbound, then bound here, so socket options such as
	 * SO_REUSEPORT can be set before bind(2). */
	h->host = enet_host_create(NULL, peers, channels, in_bw, out_bw);
	if (h->host == NULL) {
		wake_close(h);
		enet_free(h->events);
		enet_free(h);
		*err = 1;
		return NULL;
	}
	h->guard = enetgo_guard_new(h->host);
	if (h->guard == NULL) {
		enet_host_destroy(h->host);
		close(h->wake_fd);
		enet_free(h->events);
		enet_free(h);
		*err = 3;
		return NULL;
	}
	if (bind) {
		ENetAddress addr;
		addr.host = ip;
		addr.port = port;
		int one = 1;
		if ((reuseport && setsockopt(h->host->socket, SOL_SOCKET, SO_REUSEPORT, &one,
		                             sizeof one) < 0) ||
		    enet_socket_bind(h->host->socket, &addr) < 0) {
			enetgo_guard_free(h->host, h->guard);
			enet_host_destroy(h->host);
			wake_close(h);
			enet_free(h->events);
			enet_free(h);
			*err = 2;
			return NULL;
		}
		if (enet_socket_get_address(h->host->socket, &h->host->address) < 0)
			h->host->address = addr;
	}
	if (enetgo_io_status() == ENETGO_IO_ON)
		enetgo_io_attach(h); /* without memory for it, plain I/O */
	*err = 0;
	return h;
}

void enetgo_free_batch(enetgo_host *h)
{
	for (int i = 0; i < h->count; i++) {
		if (h->events[i].packet != NULL) {
			enet_packet_destroy(h->events[i].packet);
			h->events[i].packet = NULL;
		}
	}
	h->count = 0;
}

void enetgo_host_destroy(enetgo_host *h)
{
	if (h == NULL)
		return;
	enetgo_free_batch(h);
	enetgo_guard_free(h->host, h->guard);
	enetgo_a6_free(h); /* unregistered before its descriptor closes */
	enetgo_r6_free(h); /* its thread stopped before ENet's socket closes */
	enetgo_dtls_free(h);
	enet_host_destroy(h->host);
	enetgo_io_detach(h);
	wake_close(h);
	enet_free(h->events);
	enet_free(h);
}

/* PEER_SEND_RELIABLE is the peer's list of reliable packets waiting for
 * their first send: from 1.3.18 ENet queues them apart from
 * outgoingCommands (outgoingSendReliableCommands). 1.3.17 has
 * sentUnreliableCommands in the same place, empty between service calls,
 * so a binding built against either header reads the right list of either
 * library (docs/platforms.md). */
#if ENET_VERSION >= ENET_VERSION_CREATE(1, 3, 18)
#define PEER_SEND_RELIABLE(p) (&(p)->outgoingSendReliableCommands)
#else
#define PEER_SEND_RELIABLE(p) (&(p)->sentUnreliableCommands)
#endif

/* wait_hint says how long the host may wait before ENet's own timers
 * (resends, pings, timeouts) need another service call. */
static int wait_hint(ENetHost *host)
{
	int hint = -1;
	for (ENetPeer *p = host->peers; p < &host->peers[host->peerCount]; p++) {
		if (p->state == ENET_PEER_STATE_DISCONNECTED || p->state == ENET_PEER_STATE_ZOMBIE)
			continue;
		if (!enet_list_empty(&p->outgoingCommands) ||
		    !enet_list_empty(PEER_SEND_RELIABLE(p)) ||
		    !enet_list_empty(&p->sentReliableCommands) ||
		    !enet_list_empty(&p->acknowledgements))
			return 5;
		int half = (int)(p->pingInterval / 2);
		if (half < 5)
			half = 5;
		if (hint < 0 || half < hint)
			hint = half;
	}
	return hint;
}

static int service(enetgo_host *h, int io);

int enetgo_service(enetgo_host *h, int io)
{
	if (h->relay != NULL)
		enetgo_r6_service_enter(h);
	enetgo_io_begin(h);
	enetgo_guard_enter(h->guard, h->host);
	int n = service(h, io);
	enetgo_guard_leave(h->guard, h->host);
	enetgo_io_end(h);
	if (h->relay != NULL)
		enetgo_r6_service_leave(h);
	return n;
}

static int service(enetgo_host *h, int io)
{
	ENetEvent ev;
	int errors = 0;
	enetgo_free_batch(h);
	h->control = 0;
	while (h->count < h->cap) {
		/* Once a pass has produced a RECEIVE event, take only what it
		 * made ready (enet_host_check_events), as a C loop does:
		 * serving again until enet_host_service returns 0 costs a
		 * second pass per batch (another recvmsg, another walk of every
		 * peer). A pass that ends on a CONNECT or DISCONNECT returns
		 * before it sends the acknowledgements it queued or reads the
		 * rest of the socket, so after those the next call serves
		 * again. */
		int r;
		if (io) {
			r = enet_host_service(h->host, &ev, 0);
			/* What the pass sent (the acknowledgements of what it
			 * read) leaves now, not after the batch is taken. */
			enetgo_io_flush(h);
		} else {
			r = enet_host_check_events(h->host, &ev);
		}
		if (r > 0 && ev.type == ENET_EVENT_TYPE_RECEIVE)
			io = 0;
		if (r < 0) {
			/* 1.3.17 fails once per datagram over 4096 bytes (1.3.18
			 * skips it); the datagram is consumed, so serving again
			 * makes progress. */
			h->service_errors++;
			if (++errors > 1024)
				break;
			continue;
		}
		if (r == 0)
			break;
		if (ev.type == ENET_EVENT_TYPE_CONNECT && ev.peer->data == NULL && h->refuse) {
			enet_peer_disconnect_now(ev.peer, 0);
			h->refused++;
			continue;
		}
		enetgo_event *e = &h->events[h->count++];
		e->type = (int32_t)ev.type;
		e->slot = (uint32_t)(ev.peer - h->host->peers);
		e->data = ev.data;
		e->channel = ev.channelID;
		if (ev.type == ENET_EVENT_TYPE_RECEIVE) {
			e->packet = ev.packet;
			e->bytes = ev.packet->data;
			e->length = (uint32_t)ev.packet->dataLength;
			e->flags = ev.packet->flags;
		} else {
			e->packet = NULL;
			e->bytes = NULL;
			e->length = 0;
			e->flags = 0;
			h->control++;
			if (ev.type == ENET_EVENT_TYPE_CONNECT)
				ev.peer->data = ENETGO_OUTGOING; /* known from now on */
			else
				ev.peer->data = NULL;
		}
	}
	if (h->count == 0)
		h->wait_hint_ms = wait_hint(h->host);
	return h->count;
}

int enetgo_send_batch(enetgo_host *h, const enetgo_send_rec *recs, int n, const uint8_t *arena)
{
	int failed = 0;
	for (int i = 0; i < n; i++) {
		const enetgo_send_rec *r = &recs[i];
		const uint8_t *data = r->length > 0 ? arena + r->offset : NULL;
		if (enetgo_send(h, r->slot, (uint8_t)r->channel, data, r->length, r->flags) < 0)
			failed++;
	}
	h->send_failures += (uint64_t)failed;
	return failed;
}

int enetgo_send_service(enetgo_host *h, const enetgo_send_rec *recs, int n,
                        const uint8_t *arena, int io)
{
	enetgo_send_batch(h, recs, n, arena);
	return enetgo_service(h, io);
}

void enetgo_send_flush(enetgo_host *h, const enetgo_send_rec *recs, int n, const uint8_t *arena)
{
	enetgo_send_batch(h, recs, n, arena);
	enetgo_io_begin(h);
	enet_host_flush(h->host);
	enetgo_io_end(h);
}

static int64_t monotonic_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int enetgo_wait(int sock, int wake_fd, int64_t timeout_ns, int64_t spin_ns)
{
	struct pollfd fds[2] = {{.fd = sock, .events = POLLIN}, {.fd = wake_fd, .events = POLLIN}};
	struct timespec ts = {0, 0};
	int r = 0;
	if (timeout_ns < 0)
		timeout_ns = 0;
	if (spin_ns > timeout_ns)
		spin_ns = timeout_ns;
	if (spin_ns > 0) {
		/* Busy polling: look without sleeping until spin_ns has passed. */
		int64_t start = monotonic_ns(), spent;
		do {
			r = sleep_poll(fds, 2, &ts);
			spent = monotonic_ns() - start;
		} while (r == 0 && spent < spin_ns);
		timeout_ns -= spent;
	}
	if (r == 0 && timeout_ns > 0) {
		ts.tv_sec = (time_t)(timeout_ns / 1000000000);
		ts.tv_nsec = (long)(timeout_ns % 1000000000);
		r = sleep_poll(fds, 2, &ts);
	}
	if (r > 0 && (fds[1].revents & POLLIN)) {
		/* One read empties an eventfd; a pipe is read until empty. */
		uint64_t v;
		ssize_t got;
		do
			got = read(wake_fd, &v, sizeof v);
		while ((got < 0 && errno == EINTR) || (!ENETGO_WAKE_EVENTFD && got > 0));
	}
	return r;
}

void enetgo_wake(enetgo_host *h)
{
	uint64_t one = 1;
	while (write(h->wake_wr, &one, sizeof one) < 0 && errno == EINTR)
		;
}

int enetgo_connect(enetgo_host *h, uint32_t ip, uint16_t port, size_t channels, uint32_t data)
{
	ENetAddress addr;
	addr.host = ip;
	addr.port = port;
	ENetPeer *peer = enet_host_connect(h->host, &addr, channels, data);
	if (peer == NULL)
		return -1;
	peer->data = ENETGO_OUTGOING;
	return (int)(peer - h->host->peers);
}

/* packet_new is enet_packet_create with the data in the packet's own block:
 * one allocation instead of two. ENet frees a packet flagged NO_ALLOCATE
 * with a single enet_free of the packet (enet_packet_destroy), which here
 * is the data too; the flag never goes on the wire. */
static ENetPacket *packet_new(const uint8_t *data, size_t length, uint32_t flags)
{
	if (length > SIZE_MAX - sizeof(ENetPacket))
		return NULL;
	ENetPacket *p = enet_malloc(sizeof(ENetPacket) + length);
	if (p == NULL)
		return NULL;
	p->referenceCount = 0;
	p->flags = flags | ENET_PACKET_FLAG_NO_ALLOCATE;
	p->data = (enet_uint8 *)(p + 1);
	p->dataLength = length;
	p->freeCallback = NULL;
	p->userData = NULL;
	if (length > 0)
		memcpy(p->data, data, length);
	return p;
}

int enetgo_send(enetgo_host *h, uint32_t slot, uint8_t channel, const uint8_t *data,
                size_t length, uint32_t flags)
{
	if (slot >= h->host->peerCount)
		return -1;
	ENetPacket *p = packet_new(data, length, flags);
	if (p == NULL)
		return -1;
	if (enet_peer_send(&h->host->peers[slot], channel, p) < 0) {
		if (p->referenceCount == 0)
			enet_packet_destroy(p);
		return -1;
	}
	return 0;
}

int enetgo_broadcast(enetgo_host *h, uint8_t channel, const uint8_t *data, size_t length,
                     uint32_t flags)
{
	ENetPacket *p = packet_new(data, length, flags);
	if (p == NULL)
		return -1;
	/* enet_host_broadcast destroys the packet when no peer took it. */
	enet_host_broadcast(h->host, channel, p);
	return 0;
}

int enetgo_socket_send(enetgo_host *h, uint32_t ip, uint16_t port, const void *data,
                       size_t length)
{
	ENetAddress addr;
	ENetBuffer buf;
	addr.host = ip;
	addr.port = port;
	buf.data = (void *)data;
	buf.dataLength = length;
	return enet_socket_send(h->host->socket, &addr, &buf, 1);
}

int enetgo_local_address(enetgo_host *h, uint32_t *ip, uint16_t *port)
{
	ENetAddress addr;
	if (enet_socket_get_address(h->host->socket, &addr) < 0)
		return -1;
	*ip = addr.host;
	*port = addr.port;
	return 0;
}
