/* Batched datagram I/O under ENet. Written for this project.
 *
 * ENet moves every datagram with its own system call: enet_socket_send
 * once per datagram it builds, enet_socket_receive once per datagram it
 * reads, until the socket says EAGAIN. A server answering many peers (or
 * one peer with large packets) makes one sendmsg(2) and one recvmsg(2) per
 * datagram; on this machine's loopback the call itself costs about 0.7 µs
 * of a 3 µs sendmsg and 0.3 µs of a 0.9 µs recvmsg, which sendmmsg(2) and
 * recvmmsg(2) pay once per batch (BENCHMARKS.md "Session 8").
 *
 * This file defines enet_socket_send and enet_socket_receive. A shared
 * libenet calls its own exported functions through its PLT, so the
 * dynamic linker binds those calls to the definitions in the executable:
 * ENet's protocol code runs unchanged and its datagrams go through here.
 * Both are weak, so linking a static libenet keeps ENet's own and nothing
 * else changes. A libenet linked with -Bsymbolic-functions (Ubuntu's
 * default) binds its calls to its own definitions at link time, and also
 * never calls these.
 *
 * Batching is active only inside the binding's service and flush calls
 * (enetgo_io_begin .. enetgo_io_end on the calling thread, for the host
 * whose socket ENet uses); every other call, from any thread or any other
 * host, goes straight to the socket as ENet's would, with the same
 * results. Inside such a call:
 *   - the first ENETGO_IO_DIRECT datagrams of a send step (what ENet sends
 *     between two reads of the socket) leave at once with sendmsg, as
 *     ENet's own would: a peer on another core starts on them while ENet
 *     builds the rest. Later ones are copied into the host's send batch
 *     (ENet may free the packet they came from as soon as the call
 *     returns) and reported sent in full; the batch goes out with sendmmsg
 *     when it is full, when ENet turns to reading the socket (so replies
 *     leave before the next datagrams are read, in the order ENet produced
 *     them), when the service pass returns and when the call ends. A
 *     datagram the kernel refuses is lost, as UDP may lose it anyway, and
 *     counted (tx_errors, and the host's service errors where ENet would
 *     have failed the service call).
 *   - the first ENETGO_IO_DIRECT datagrams of a call are read straight
 *     into ENet's buffer, by a recvmmsg that asks for two: the second, if
 *     any, waits in the receive batch, and when there was none the read
 *     that would end ENet's receive loop with EAGAIN is answered without
 *     a system call (the socket was empty a moment before; what came since
 *     is still in it for the next pass or wait). After that a read takes
 *     the next datagram of the host's receive batch, reading a new batch
 *     with recvmmsg when it is used up. EAGAIN, an error and a truncated
 *     datagram give ENet what recvmsg would have. ENet stops reading early
 *     after 256 datagrams or on a connect or disconnect; datagrams left in
 *     the batch are kept for the next call and rx_pending tells the waits
 *     not to sleep on them.
 *
 * Whether ENet's calls reach this file depends on how libenet was linked,
 * so it is probed once per process (enetgo_io_status), and hosts get
 * batches only when they do. Off Linux, or with ENETGO_PORTABLE, none of
 * this is compiled: ENet's own I/O runs (the stubs at the end). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <enet/enet.h>
#include "batchio.h"
#include "host.h"
#include "addr6.h"
#include "dtls.h"

/* Datagrams asked of each recvmmsg (1..ENETGO_IO_RX_SLOTS); tests lower it
 * to leave datagrams in a batch when ENet stops reading. */
int enetgo_io_rx_batch = ENETGO_IO_RX_SLOTS;

int enetgo_io_truncated(void)
{
	return enet_linked_version() >= ENET_VERSION_CREATE(1, 3, 18) ? -2 : -1;
}

#ifdef ENETGO_IO_LINUX

static int env_off(void)
{
	const char *v = getenv("ENETGO_BATCHIO");
	return v != NULL && strcmp(v, "0") == 0;
}

struct enetgo_io {
	/* receive batch: datagrams rx_next..rx_count-1 are not yet given to ENet */
	int rx_next, rx_count;
	int rx_burst; /* datagrams this call read directly, up to ENETGO_IO_DIRECT */
	int rx_empty; /* the last direct read emptied the socket: the next read of this pass finds nothing */
	struct mmsghdr rx_direct[2]; /* a direct read: ENet's buffer, then batch slot 0 */
	struct sockaddr_in6 rx_direct_addr; /* sockaddr_in6: a dual-stack socket's senders fit (addr6.c) */
	struct mmsghdr rx_msgs[ENETGO_IO_RX_SLOTS];
	struct iovec rx_iov[ENETGO_IO_RX_SLOTS];
	struct sockaddr_in6 rx_addr[ENETGO_IO_RX_SLOTS];
	/* send batch: tx_count datagrams, back to back in tx_buf */
	int tx_count;
	int tx_step; /* datagrams ENet sent since the last flush point */
	size_t tx_used;
	struct mmsghdr tx_msgs[ENETGO_IO_TX_SLOTS];
	struct iovec tx_iov[ENETGO_IO_TX_SLOTS];
	struct sockaddr_in6 tx_addr[ENETGO_IO_TX_SLOTS]; /* a sockaddr_in, or an IPv6 one (addr6.c) */
	enetgo_io_stats stats;
	uint8_t tx_buf[ENETGO_IO_TX_BYTES];
	uint8_t rx_buf[ENETGO_IO_RX_SLOTS][ENETGO_IO_SLOT];
};

/* The host whose service call is running on this thread, if any. */
static __thread enetgo_host *io_host;

/* The probe: while probing is set on a thread, a call of this file's
 * enet_socket_receive from that thread sets probe_hit. */
static __thread int probing;
static int probe_hit;
static int probe_result = ENETGO_IO_OFF_PROBE;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

/* probe serves a fresh, unbound host once: ENet's service reads its
 * socket (finding nothing) through enet_socket_receive, whichever
 * definition ENet's own call binds to. One socket, once per process. */
static void probe(void)
{
	ENetHost *host = enet_host_create(NULL, 1, 1, 0, 0);
	if (host == NULL)
		return; /* probe_result stays ENETGO_IO_OFF_PROBE */
	ENetEvent ev;
	probe_hit = 0;
	probing = 1;
	enet_host_service(host, &ev, 0);
	probing = 0;
	enet_host_destroy(host);
	probe_result = probe_hit ? ENETGO_IO_ON : ENETGO_IO_OFF_LIBENET;
}

int enetgo_io_status(void)
{
	if (env_off())
		return ENETGO_IO_OFF_ENV;
	pthread_once(&probe_once, probe);
	return probe_result;
}

int enetgo_io_interposed(void)
{
	pthread_once(&probe_once, probe);
	return probe_result == ENETGO_IO_ON;
}

int enetgo_io_attach(enetgo_host *h)
{
	struct enetgo_io *io = malloc(sizeof *io);
	if (io == NULL)
		return -1;
	for (int i = 0; i < ENETGO_IO_RX_SLOTS; i++) {
		io->rx_iov[i].iov_base = io->rx_buf[i];
		io->rx_iov[i].iov_len = ENETGO_IO_SLOT;
		struct msghdr *m = &io->rx_msgs[i].msg_hdr;
		memset(m, 0, sizeof *m);
		m->msg_name = &io->rx_addr[i];
		m->msg_namelen = sizeof io->rx_addr[i];
		m->msg_iov = &io->rx_iov[i];
		m->msg_iovlen = 1;
	}
	memset(io->rx_direct, 0, sizeof io->rx_direct);
	io->rx_direct[0].msg_hdr.msg_name = &io->rx_direct_addr;
	io->rx_direct[0].msg_hdr.msg_iovlen = 1;
	io->rx_direct[1].msg_hdr = io->rx_msgs[0].msg_hdr;
	io->rx_next = io->rx_count = 0;
	io->rx_empty = 0;
	io->tx_count = 0;
	io->tx_step = 0;
	io->tx_used = 0;
	memset(&io->stats, 0, sizeof io->stats);
	h->io = io;
	h->rx_pending = 0;
	return 0;
}

void enetgo_io_detach(enetgo_host *h)
{
	free(h->io);
	h->io = NULL;
	h->rx_pending = 0;
}

/* flush sends the send batch: sendmmsg until every datagram went or was
 * refused (a refused one is skipped; EAGAIN for one is a full socket
 * buffer, where ENet's send would have returned 0 and lost it too). */
static void flush(enetgo_host *h)
{
	struct enetgo_io *io = h->io;
	int sock = h->host->socket, done = 0;
	size_t off = 0;
	for (int i = 0; i < io->tx_count; i++) {
		io->tx_iov[i].iov_base = io->tx_buf + off;
		off += io->tx_iov[i].iov_len;
		io->tx_msgs[i].msg_hdr.msg_iov = &io->tx_iov[i];
		io->tx_msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (done < io->tx_count) {
		int r = sendmmsg(sock, &io->tx_msgs[done], (unsigned)(io->tx_count - done), MSG_NOSIGNAL);
		io->stats.tx_calls++;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			io->stats.tx_errors++;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				h->service_errors++;
			done++;
			continue;
		}
		io->stats.tx_datagrams += (uint64_t)r;
		done += r;
	}
	io->tx_count = 0;
	io->tx_used = 0;
}

/* step_end is a flush point: what ENet sent since the last one leaves, and
 * the next datagram is again the first of its step. */
static void step_end(enetgo_host *h)
{
	if (h->io->tx_count > 0)
		flush(h);
	h->io->tx_step = 0;
}

void enetgo_io_begin(enetgo_host *h)
{
	if (h->io != NULL) {
		h->io->rx_burst = 0;
		h->io->rx_empty = 0;
		h->io->tx_step = 0;
		io_host = h;
	}
}

void enetgo_io_flush(enetgo_host *h)
{
	if (h->io != NULL) {
		step_end(h);
		h->io->rx_empty = 0; /* the pass is over: the next reads the socket */
	}
}

void enetgo_io_end(enetgo_host *h)
{
	if (h->io == NULL)
		return;
	enetgo_io_flush(h);
	h->rx_pending = h->io->rx_next < h->io->rx_count;
	io_host = NULL;
}

void enetgo_io_read_stats(enetgo_host *h, enetgo_io_stats *out)
{
	if (h->io != NULL)
		*out = h->io->stats;
	else
		memset(out, 0, sizeof *out);
}

/* batching returns the calling thread's batching host if it owns sock. */
static inline enetgo_host *batching(ENetSocket sock)
{
	enetgo_host *h = io_host;
	return h != NULL && h->host->socket == sock ? h : NULL;
}

/* to_sa fills sa with ENet's address and returns its length: a
 * sockaddr_in for an IPv4 host value (host in network order; a dual-stack
 * socket sends it as IPv4), or the IPv6 address a synthetic value of a
 * dual-stack host stands for (addr6.c). */
static inline socklen_t to_sa(enetgo_host *h, ENetSocket sock, struct sockaddr_in6 *sa,
                              const ENetAddress *addr)
{
	if (enetgo_a6_synthetic(addr->host)) {
		int n = enetgo_a6_to(h, sock, sa, addr);
		if (n > 0)
			return (socklen_t)n;
	}
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(addr->port);
	sin->sin_addr.s_addr = addr->host;
	return sizeof *sin;
}

/* A6_DROP is what a read returns for a datagram whose sender a
 * dual-stack host cannot name (addr6.c: its table is full, or a forged
 * IPv4 sender in the synthetic block); the read is then made again. */
#define A6_DROP (-100)
#define A6_MAX_DROPS 256 /* dropped datagrams per read before it reports none */

/* from_sa is to_sa's inverse: the sender of a datagram read, for ENet.
 * An IPv4 socket's senders take the first branch, as before dual-stack
 * hosts existed. Returns 0, or A6_DROP. */
static inline int from_sa(enetgo_host *h, ENetSocket sock, ENetAddress *addr,
                          const struct sockaddr_in6 *sa)
{
	if (sa->sin6_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
		addr->host = sin->sin_addr.s_addr;
		addr->port = ntohs(sin->sin_port);
		return 0;
	}
	return enetgo_a6_from(h, sock, addr, sa) < 0 ? A6_DROP : 0;
}

/* plain_send and plain_receive are what ENet's own functions do (one
 * sendmsg or recvmsg, MSG_NOSIGNAL, IPv4, EAGAIN as 0, a truncated
 * datagram as the linked version's enet_socket_receive reports it): the
 * path of every call outside a batching service. */
static int plain_send(ENetSocket sock, const ENetAddress *addr, const ENetBuffer *bufs, size_t n)
{
	struct sockaddr_in6 sin;
	struct msghdr m;
	memset(&m, 0, sizeof m);
	if (addr != NULL) {
		m.msg_namelen = to_sa(NULL, sock, &sin, addr);
		m.msg_name = &sin;
	}
	m.msg_iov = (struct iovec *)bufs; /* ENetBuffer is laid out as struct iovec on Unix */
	m.msg_iovlen = n;
	ssize_t r = sendmsg(sock, &m, MSG_NOSIGNAL);
	if (r < 0)
		return errno == EWOULDBLOCK || errno == EAGAIN ? 0 : -1;
	return (int)r;
}

static int plain_receive(ENetSocket sock, ENetAddress *addr, ENetBuffer *bufs, size_t n)
{
	struct sockaddr_in6 sin;
	struct msghdr m;
	memset(&m, 0, sizeof m);
	if (addr != NULL) {
		m.msg_name = &sin;
		m.msg_namelen = sizeof sin;
	}
	m.msg_iov = (struct iovec *)bufs;
	m.msg_iovlen = n;
	ssize_t r = recvmsg(sock, &m, MSG_NOSIGNAL);
	if (r < 0)
		return errno == EWOULDBLOCK || errno == EAGAIN ? 0 : -1;
	if (m.msg_flags & MSG_TRUNC)
		return enetgo_io_truncated();
	if (addr != NULL && from_sa(NULL, sock, addr, &sin) < 0)
		return A6_DROP;
	return (int)r;
}

__attribute__((weak)) int enet_socket_send(ENetSocket sock, const ENetAddress *addr,
                                           const ENetBuffer *bufs, size_t n)
{
	if (enetgo_dtls_active()) { /* a DTLS host's datagrams go through dtls.c */
		int handled, r = enetgo_dtls_send(sock, addr, bufs, n, &handled);
		if (handled)
			return r;
	}
	enetgo_host *h = batching(sock);
	if (h == NULL || addr == NULL)
		return plain_send(sock, addr, bufs, n);
	struct enetgo_io *io = h->io;
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += bufs[i].dataLength;
	if (io->tx_step++ < ENETGO_IO_DIRECT || total > ENETGO_IO_SLOT) {
		/* The first datagrams of a step leave at once, as ENet's own
		 * send would: a peer on another core starts on them while ENet
		 * builds the rest, and most steps are a few datagrams (a
		 * reply, acknowledgements). Holding them costs a peer that is
		 * waiting for them more than the system calls saved (free
		 * placement, rel32: 17 %). Longer steps, large packets or
		 * many peers, send the rest in batches. */
		if (io->tx_count > 0)
			flush(h);
		int r = plain_send(sock, addr, bufs, n);
		io->stats.tx_calls++;
		if (r > 0)
			io->stats.tx_datagrams++;
		else
			io->stats.tx_errors++;
		return r;
	}
	if (io->tx_count == ENETGO_IO_TX_SLOTS || io->tx_used + total > ENETGO_IO_TX_BYTES)
		flush(h);
	int i = io->tx_count++;
	uint8_t *p = io->tx_buf + io->tx_used;
	for (size_t k = 0; k < n; k++) {
		memcpy(p, bufs[k].data, bufs[k].dataLength);
		p += bufs[k].dataLength;
	}
	io->tx_used += total;
	io->tx_iov[i].iov_len = total;
	struct sockaddr_in6 *sin = &io->tx_addr[i];
	socklen_t len = to_sa(h, sock, sin, addr);
	struct msghdr *m = &io->tx_msgs[i].msg_hdr;
	memset(m, 0, sizeof *m);
	m->msg_name = sin;
	m->msg_namelen = len;
	return (int)total;
}

/* direct_receive reads the next datagram straight into ENet's buffer, as
 * ENet's own read would: most service calls find a few datagrams, and a
 * peer on another core keeps sending while they are handled. It asks
 * recvmmsg for two: when the socket holds only one, the kernel says so in
 * the same call, and the read that would end ENet's receive loop with
 * EAGAIN is answered without a system call (rx_empty); a second datagram
 * waits in batch slot 0 for the next read. Its two headers, used by every
 * direct read, stay in cache, unlike the batch's sixteen (reading through
 * those cost 2 % of a ping-pong round trip on one CPU in session 8; this
 * gains 1.6 %). Once ENETGO_IO_DIRECT datagrams were read this way, more
 * are likely waiting: the reads after them go in batches. It retries
 * EINTR as the batch reads do, and reports a datagram longer than ENet's
 * buffer as -1 (consumed), as ENet's own read. The batch is empty when it
 * is called. */
static int direct_receive(enetgo_host *h, ENetSocket sock, ENetAddress *addr, ENetBuffer *bufs)
{
	struct enetgo_io *io = h->io;
	struct msghdr *m0 = &io->rx_direct[0].msg_hdr, *m1 = &io->rx_direct[1].msg_hdr;
	m0->msg_iov = (struct iovec *)bufs; /* ENetBuffer is laid out as struct iovec on Unix */
	m0->msg_namelen = sizeof io->rx_direct_addr;
	m0->msg_flags = 0;
	m1->msg_namelen = sizeof io->rx_addr[0];
	m1->msg_flags = 0;
	int r;
	do
		r = recvmmsg(sock, io->rx_direct, 2, MSG_NOSIGNAL, NULL);
	while (r < 0 && errno == EINTR);
	io->stats.rx_calls++;
	if (r <= 0)
		return r < 0 && errno != EWOULDBLOCK && errno != EAGAIN ? -1 : 0;
	io->stats.rx_datagrams += (uint64_t)r;
	io->rx_burst += r;
	if (r == 2) {
		io->rx_msgs[0].msg_len = io->rx_direct[1].msg_len;
		io->rx_msgs[0].msg_hdr.msg_flags = m1->msg_flags;
		io->rx_next = 0;
		io->rx_count = 1;
	} else {
		io->rx_empty = 1;
	}
	if (m0->msg_flags & MSG_TRUNC)
		return enetgo_io_truncated();
	if (addr != NULL && from_sa(h, sock, addr, &io->rx_direct_addr) < 0)
		return A6_DROP;
	return (int)io->rx_direct[0].msg_len;
}

static int receive_once(ENetSocket sock, ENetAddress *addr, ENetBuffer *bufs, size_t n);

__attribute__((weak)) int enet_socket_receive(ENetSocket sock, ENetAddress *addr,
                                              ENetBuffer *bufs, size_t n)
{
	if (enetgo_dtls_active()) {
		int handled, r = enetgo_dtls_receive(sock, addr, bufs, n, &handled);
		if (handled)
			return r;
	}
	int r = receive_once(sock, addr, bufs, n);
	for (int drops = 0; r == A6_DROP; drops++)
		r = drops < A6_MAX_DROPS ? receive_once(sock, addr, bufs, n) : 0;
	return r;
}

/* receive_once reads one datagram for ENet, or returns A6_DROP. */
static int receive_once(ENetSocket sock, ENetAddress *addr, ENetBuffer *bufs, size_t n)
{
	enetgo_host *h = batching(sock);
	if (h == NULL || n != 1) {
		if (probing)
			probe_hit = 1;
		return plain_receive(sock, addr, bufs, n);
	}
	struct enetgo_io *io = h->io;
	step_end(h); /* what ENet sent so far leaves before it reads on */
	if (io->rx_empty) {
		/* The direct read before this one found the socket empty
		 * behind its datagram: this read, which ends ENet's receive
		 * loop, would only be told EAGAIN. A datagram that came since
		 * is still in the socket for the next pass or wait. */
		io->rx_empty = 0;
		return 0;
	}
	if (io->rx_next == io->rx_count && io->rx_burst < ENETGO_IO_DIRECT)
		return direct_receive(h, sock, addr, bufs);
	if (io->rx_next == io->rx_count) {
		/* The kernel rewrites msg_namelen and msg_flags of the entries
		 * it fills; the rest of each entry stays as enetgo_io_attach set it. */
		for (int i = 0; i < io->rx_count; i++) {
			io->rx_msgs[i].msg_hdr.msg_namelen = sizeof io->rx_addr[i];
			io->rx_msgs[i].msg_hdr.msg_flags = 0;
		}
		int r, want = enetgo_io_rx_batch;
		if (want < 1 || want > ENETGO_IO_RX_SLOTS)
			want = ENETGO_IO_RX_SLOTS;
		do
			r = recvmmsg(sock, io->rx_msgs, (unsigned)want, MSG_NOSIGNAL, NULL);
		while (r < 0 && errno == EINTR);
		io->stats.rx_calls++;
		io->rx_next = 0;
		io->rx_count = r > 0 ? r : 0;
		if (r <= 0) {
			io->rx_burst = 0;
			return r < 0 && errno != EWOULDBLOCK && errno != EAGAIN ? -1 : 0;
		}
		io->stats.rx_datagrams += (uint64_t)r;
	}
	int i = io->rx_next++;
	struct mmsghdr *mm = &io->rx_msgs[i];
	size_t len = mm->msg_len;
	if ((mm->msg_hdr.msg_flags & MSG_TRUNC) || len > bufs[0].dataLength)
		return enetgo_io_truncated(); /* as recvmsg into ENet's buffer: too long, consumed */
	memcpy(bufs[0].data, io->rx_buf[i], len);
	if (addr != NULL && from_sa(h, sock, addr, &io->rx_addr[i]) < 0)
		return A6_DROP;
	return (int)len;
}

#else /* !ENETGO_IO_LINUX: ENet's own datagram I/O, nothing to batch */

int enetgo_io_status(void)
{
	return ENETGO_IO_OFF_PORTABLE;
}

int enetgo_io_interposed(void)
{
	return 0;
}

int enetgo_io_attach(enetgo_host *h)
{
	h->io = NULL;
	h->rx_pending = 0;
	return -1;
}

void enetgo_io_detach(enetgo_host *h)
{
	h->io = NULL;
	h->rx_pending = 0;
}

void enetgo_io_begin(enetgo_host *h) {}
void enetgo_io_flush(enetgo_host *h) {}
void enetgo_io_end(enetgo_host *h) {}

void enetgo_io_read_stats(enetgo_host *h, enetgo_io_stats *out)
{
	memset(out, 0, sizeof *out);
}

#endif
