/* IPv6 for hosts whose libenet's socket calls do not reach the binding
 * (Ubuntu's -Bsymbolic-functions libenet, a static one, the portable
 * build), or when ENETGO_IPV6_RELAY=1 asks for it. Written for this
 * project; see relay6.h and DESIGN.md "IPv6".
 *
 * ENet keeps its own AF_INET socket and does its own I/O on it. For a
 * dual-stack host ("*", "::") that socket is bound to 0.0.0.0:P and serves
 * IPv4 directly, untouched; IPv6 arrives on a second, public AF_INET6
 * socket with IPV6_V6ONLY on, bound to [::]:P (the same port). For an IPv6
 * literal, ENet's socket is private (127.0.0.1:0). A relay thread per host
 * moves IPv6 datagrams between the public socket and ENet's:
 *
 *   - in: a datagram from endpoint E (address, scope, port) is given a
 *     table entry k and sent to ENet's socket from the relay socket
 *     (AF_INET, 0.0.0.0:R) with source address 127.100.x.y (x.y = k + 1),
 *     set with IP_PKTINFO: all of 127.0.0.0/8 is local on Linux. ENet sees
 *     one distinct sender, 127.100.x.y:R, per remote endpoint, so its
 *     keying stays exact, and no other socket can send from port R.
 *   - out: ENet answers 127.100.x.y:R; the relay socket reads it, with
 *     its destination (IP_PKTINFO), accepts it only from ENet's own port
 *     on 127.0.0.0/8, and sends it from the public socket to E.
 *
 * The table is bounded (peers + 256 entries, at most ENETGO_R6_MAX). When
 * it is full, a sweep frees every entry no ENet peer (in any state but
 * DISCONNECTED) uses. A sweep runs only when ENet cannot be handling a
 * datagram that names an entry: ENet's socket holds none (a peek), no
 * service call is running, and batchio.c holds none read ahead; else the
 * new endpoint's datagram is dropped (counted) and the next one tries
 * again. A flood from new endpoints therefore costs one sweep per 256
 * datagrams at most, as addr6.c's. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "addr6.h"
#include "relay6.h"

int enetgo_r6_forced(void)
{
	const char *v = getenv("ENETGO_IPV6_RELAY");
	return v != NULL && strcmp(v, "1") == 0;
}

#ifdef __linux__

#define R6_BUF 4096   /* ENet's largest datagram; longer ones are dropped */
#define R6_BURST 64   /* datagrams moved per socket per wake-up (a multiple of R6_SLOTS) */
#define R6_SOCKBUF (256 * 1024)

struct r6_entry {
	struct in6_addr addr;
	uint32_t scope;
	uint16_t port;
	uint8_t live;
	uint8_t mark;
};

struct enetgo_r6 {
	pthread_mutex_t mu; /* the table and its counters */
	enetgo_host *h;
	int pub, rel, stop_rd, stop_wr;
	int enet_sock;
	struct sockaddr_in inner; /* where ENet's socket is reached */
	uint16_t rport;           /* the relay socket's port R */
	pthread_t thread;
	int running;
	int in_service;
	int cap, nfree;
	uint32_t mask;
	int32_t *slots;
	uint32_t *free;
	struct r6_entry *e;
	uint64_t dropped, sweeps, in, out, refused;
	struct r6_batch *batch; /* the thread's buffers */
};

int enetgo_r6_available(void)
{
	return 1;
}

static enet_uint32 standin(int k)
{
	uint32_t v = (uint32_t)k + 1;
	uint8_t b[4] = {127, ENETGO_R6_OCTET2, (uint8_t)(v >> 8), (uint8_t)v};
	enet_uint32 host;
	memcpy(&host, b, 4);
	return host;
}

/* index_of returns the live entry a stand-in host value names, or -1. */
static int index_of(const struct enetgo_r6 *r, enet_uint32 host)
{
	const uint8_t *b = (const uint8_t *)&host;
	if (b[0] != 127 || b[1] != ENETGO_R6_OCTET2)
		return -1;
	int k = (b[2] << 8 | b[3]) - 1;
	return k >= 0 && k < r->cap && r->e[k].live ? k : -1;
}

static int lookup(const struct enetgo_r6 *r, const struct in6_addr *a, uint32_t scope, uint16_t port)
{
	for (uint32_t i = enetgo_a6_hash(a, scope ^ (uint32_t)port << 16) & r->mask;; i = (i + 1) & r->mask) {
		int32_t k = r->slots[i];
		if (k < 0)
			return -1;
		const struct r6_entry *e = &r->e[k];
		if (e->port == port && e->scope == scope && memcmp(&e->addr, a, sizeof *a) == 0)
			return k;
	}
}

static void insert(struct enetgo_r6 *r, int k)
{
	const struct r6_entry *e = &r->e[k];
	uint32_t i = enetgo_a6_hash(&e->addr, e->scope ^ (uint32_t)e->port << 16) & r->mask;
	while (r->slots[i] >= 0)
		i = (i + 1) & r->mask;
	r->slots[i] = k;
}

/* quiet says whether ENet cannot be handling a datagram that names an
 * entry: its socket is empty, no service call runs, and batchio.c holds
 * none read ahead. The peek comes first: a service that read the last
 * datagram is still marked as running when it is seen empty. */
static int quiet(struct enetgo_r6 *r)
{
	uint8_t b;
	ssize_t n = recv(r->enet_sock, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		return 0;
	if (__atomic_load_n(&r->in_service, __ATOMIC_SEQ_CST))
		return 0;
	return !__atomic_load_n(&r->h->rx_pending, __ATOMIC_SEQ_CST);
}

/* sweep frees every entry no ENet peer uses and rebuilds the hash. Peers
 * are read while another thread may be changing them: a peer seen
 * DISCONNECTED or with another address only lets its entry go, and no
 * peer can be created meanwhile (connects hold r->mu; ENet's service is
 * not running, quiet). */
static void sweep(struct enetgo_r6 *r)
{
	ENetHost *host = r->h->host;
	r->sweeps++;
	for (int k = 0; k < r->cap; k++)
		r->e[k].mark = 0;
	for (ENetPeer *p = host->peers; p < &host->peers[host->peerCount]; p++) {
		if (__atomic_load_n(&p->state, __ATOMIC_RELAXED) == ENET_PEER_STATE_DISCONNECTED)
			continue;
		enet_uint32 a = __atomic_load_n(&p->address.host, __ATOMIC_RELAXED);
		int k = index_of(r, a);
		if (k >= 0 && __atomic_load_n(&p->address.port, __ATOMIC_RELAXED) == r->rport)
			r->e[k].mark = 1;
	}
	memset(r->slots, 0xff, sizeof(int32_t) * (r->mask + 1));
	r->nfree = 0;
	for (int k = r->cap - 1; k >= 0; k--) {
		if (r->e[k].live && r->e[k].mark) {
			insert(r, k);
		} else {
			r->e[k].live = 0;
			r->free[r->nfree++] = (uint32_t)k;
		}
	}
}

/* intern returns the endpoint's entry, allocating one; -1 when full. */
static int intern(struct enetgo_r6 *r, const struct in6_addr *a, uint32_t scope, uint16_t port)
{
	int k = lookup(r, a, scope, port);
	if (k >= 0)
		return k;
	if (r->nfree == 0 && quiet(r))
		sweep(r);
	if (r->nfree == 0) {
		r->dropped++;
		return -1;
	}
	k = (int)r->free[--r->nfree];
	r->e[k].addr = *a;
	r->e[k].scope = scope;
	r->e[k].port = port;
	r->e[k].live = 1;
	insert(r, k);
	return k;
}

/* A batch: up to R6_SLOTS datagrams moved with one recvmmsg and one
 * sendmmsg, the buffers shared by both directions (one thread). */
#define R6_SLOTS 16
#define R6_CTL CMSG_SPACE(sizeof(struct in_pktinfo))

struct r6_batch {
	struct mmsghdr rx[R6_SLOTS], tx[R6_SLOTS];
	struct iovec iov[R6_SLOTS];
	struct sockaddr_in6 from[R6_SLOTS], to[R6_SLOTS];
	uint8_t ctl[R6_SLOTS][R6_CTL];
	uint8_t buf[R6_SLOTS][R6_BUF];
};

/* rx_read reads up to R6_SLOTS datagrams from s (with IP_PKTINFO when ctl
 * is set); their count, 0 when there is none. */
static int rx_read(struct r6_batch *b, int s, int ctl)
{
	for (int i = 0; i < R6_SLOTS; i++) {
		struct msghdr *m = &b->rx[i].msg_hdr;
		memset(m, 0, sizeof *m);
		b->iov[i].iov_base = b->buf[i];
		b->iov[i].iov_len = R6_BUF;
		m->msg_iov = &b->iov[i];
		m->msg_iovlen = 1;
		m->msg_name = &b->from[i];
		m->msg_namelen = sizeof b->from[i];
		if (ctl) {
			m->msg_control = b->ctl[i];
			m->msg_controllen = R6_CTL;
		}
	}
	int n;
	do
		n = recvmmsg(s, b->rx, R6_SLOTS, MSG_DONTWAIT, NULL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? 0 : n;
}

/* tx_add queues datagram i of the read batch for sendmmsg to to (len
 * bytes of address), from src when src is not 0 (IP_PKTINFO). */
static void tx_add(struct r6_batch *b, int *count, int i, const void *to, socklen_t len,
                   enet_uint32 src)
{
	struct msghdr *m = &b->tx[*count].msg_hdr;
	memset(m, 0, sizeof *m);
	b->iov[i].iov_len = b->rx[i].msg_len;
	m->msg_iov = &b->iov[i];
	m->msg_iovlen = 1;
	memcpy(&b->to[*count], to, len);
	m->msg_name = &b->to[*count];
	m->msg_namelen = len;
	if (src != 0) {
		memset(b->ctl[i], 0, R6_CTL);
		m->msg_control = b->ctl[i];
		m->msg_controllen = R6_CTL;
		struct cmsghdr *c = CMSG_FIRSTHDR(m);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
		struct in_pktinfo pi;
		memset(&pi, 0, sizeof pi);
		pi.ipi_spec_dst.s_addr = src;
		memcpy(CMSG_DATA(c), &pi, sizeof pi);
	}
	(*count)++;
}

/* tx_send sends the queued datagrams; one the kernel refuses (a full
 * socket buffer) is lost, as UDP may lose it anyway. */
static void tx_send(struct r6_batch *b, int s, int count)
{
	for (int done = 0; done < count;) {
		int n = sendmmsg(s, &b->tx[done], (unsigned)(count - done), MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		done += n > 0 ? n : 1;
	}
}

/* pump_in relays what the public socket holds to ENet's socket, each
 * datagram from its endpoint's stand-in. */
static void pump_in(struct enetgo_r6 *r)
{
	struct r6_batch *b = r->batch;
	for (int round = 0; round < R6_BURST / R6_SLOTS; round++) {
		int n = rx_read(b, r->pub, 0), count = 0;
		if (n == 0)
			return;
		pthread_mutex_lock(&r->mu);
		for (int i = 0; i < n; i++) {
			const struct sockaddr_in6 *from = &b->from[i];
			if ((b->rx[i].msg_hdr.msg_flags & MSG_TRUNC) || from->sin6_family != AF_INET6)
				continue; /* longer than any ENet datagram */
			int k = intern(r, &from->sin6_addr, from->sin6_scope_id, ntohs(from->sin6_port));
			if (k < 0)
				continue;
			r->in++;
			tx_add(b, &count, i, &r->inner, sizeof r->inner, standin(k));
		}
		/* Sent under the lock: a sweep from a connect must not free an
		 * entry between its interning here and its datagram reaching
		 * ENet's socket (where quiet() sees it). */
		tx_send(b, r->rel, count);
		pthread_mutex_unlock(&r->mu);
		if (n < R6_SLOTS)
			return;
	}
}

/* pump_out relays what ENet sent to stand-ins to their endpoints. */
static void pump_out(struct enetgo_r6 *r)
{
	struct r6_batch *b = r->batch;
	for (int round = 0; round < R6_BURST / R6_SLOTS; round++) {
		int n = rx_read(b, r->rel, 1), count = 0;
		if (n == 0)
			return;
		pthread_mutex_lock(&r->mu);
		for (int i = 0; i < n; i++) {
			struct msghdr *m = &b->rx[i].msg_hdr;
			enet_uint32 dst = 0;
			for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
				if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
					struct in_pktinfo pi;
					memcpy(&pi, CMSG_DATA(c), sizeof pi);
					dst = pi.ipi_addr.s_addr;
				}
			}
			const struct sockaddr_in *from = (const struct sockaddr_in *)&b->from[i];
			const uint8_t *src = (const uint8_t *)&from->sin_addr.s_addr;
			int k = -1;
			if (from->sin_family == AF_INET && src[0] == 127 && from->sin_port == r->inner.sin_port &&
			    !(m->msg_flags & MSG_TRUNC))
				k = index_of(r, dst);
			if (k < 0) {
				r->refused++;
				continue;
			}
			struct sockaddr_in6 to;
			memset(&to, 0, sizeof to);
			to.sin6_family = AF_INET6;
			to.sin6_addr = r->e[k].addr;
			to.sin6_scope_id = r->e[k].scope;
			to.sin6_port = htons(r->e[k].port);
			r->out++;
			tx_add(b, &count, i, &to, sizeof to, 0);
		}
		pthread_mutex_unlock(&r->mu);
		tx_send(b, r->pub, count);
		if (n < R6_SLOTS)
			return;
	}
}

static void *loop(void *arg)
{
	struct enetgo_r6 *r = arg;
	struct pollfd fds[3] = {{r->pub, POLLIN, 0}, {r->rel, POLLIN, 0}, {r->stop_rd, POLLIN, 0}};
	for (;;) {
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[2].revents)
			break;
		if (fds[0].revents)
			pump_in(r);
		if (fds[1].revents)
			pump_out(r);
	}
	return NULL;
}

static void r6_close(struct enetgo_r6 *r)
{
	int fds[4] = {r->pub, r->rel, r->stop_rd, r->stop_wr};
	for (int i = 0; i < 4; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(r->e);
	free(r->free);
	free(r->slots);
	free(r->batch);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

static int sock_opts(int s, int reuseport)
{
	int one = 1, size = R6_SOCKBUF;
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	setsockopt(s, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	return reuseport ? setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) : 0;
}

/* pub_open opens the public socket bound to ip6:port; -1 (errno set). */
static int pub_open(const uint8_t ip6[16], uint16_t port, int reuseport, int v6only, uint16_t *bound)
{
	int s = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	struct sockaddr_in6 sa;
	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons(port);
	memcpy(&sa.sin6_addr, ip6, 16);
	socklen_t len = sizeof sa;
	if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) < 0 || sock_opts(s, reuseport) < 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) < 0) {
		int e = errno;
		close(s);
		errno = e;
		return -1;
	}
	*bound = ntohs(sa.sin6_port);
	return s;
}

static int bind4(int s, uint32_t ip, uint16_t port)
{
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = ip;
	sa.sin_port = htons(port);
	return bind(s, (struct sockaddr *)&sa, sizeof sa);
}

/* bind_pair binds the public socket and ENet's (see enetgo_r6_enable);
 * 0, 2 (bind) or 5 (no IPv6). */
static int bind_pair(struct enetgo_r6 *r, int dual, int client, const uint8_t ip6[16],
                     uint16_t port, int reuseport)
{
	int es = r->enet_sock;
	uint16_t got;
	if (client) {
		struct sockaddr_in sa;
		socklen_t len = sizeof sa;
		if (getsockname(es, (struct sockaddr *)&sa, &len) < 0)
			return 2;
		if (sa.sin_port == 0) {
			if (bind4(es, htonl(INADDR_ANY), 0) < 0 ||
			    getsockname(es, (struct sockaddr *)&sa, &len) < 0)
				return 2;
		}
		static const uint8_t any[16];
		r->pub = pub_open(any, ntohs(sa.sin_port), 0, 1, &got);
		if (r->pub < 0 && errno == EAFNOSUPPORT)
			return 5;
		if (r->pub < 0)
			r->pub = pub_open(any, 0, 0, 1, &got); /* the port is taken over IPv6 */
		return r->pub < 0 ? 2 : 0;
	}
	if (!dual || reuseport) {
		/* An IPv6 address alone, or a dual-stack host sharing its port
		 * (SO_REUSEPORT): ENet's socket is private. In a reuseport group
		 * a datagram to a shared 0.0.0.0:P would reach any member's ENet
		 * socket, not the relay's own, so there the public socket is
		 * dual-stack and relays IPv4 too. */
		r->pub = pub_open(ip6, port, reuseport, !dual, &got);
		if (r->pub < 0)
			return errno == EAFNOSUPPORT ? 5 : 2;
		return bind4(es, htonl(INADDR_LOOPBACK), 0) < 0 ? 2 : 0;
	}
	/* Port 0: the OS picks the IPv6 port; ENet's socket takes it over
	 * IPv4 if it is free there, else both try again. */
	for (int tries = 0; tries < 32; tries++) {
		r->pub = pub_open(ip6, port, 0, 1, &got);
		if (r->pub < 0)
			return errno == EAFNOSUPPORT ? 5 : 2;
		if (bind4(es, htonl(INADDR_ANY), got) == 0)
			return 0;
		close(r->pub);
		r->pub = -1;
		if (port != 0 || errno != EADDRINUSE)
			return 2;
	}
	return 2;
}

int enetgo_r6_enable(enetgo_host *h, int dual, int client, const uint8_t ip6[16], uint16_t port,
                     int reuseport)
{
	if (h->relay != NULL)
		return 0;
	struct enetgo_r6 *r = calloc(1, sizeof *r);
	if (r == NULL)
		return 3;
	pthread_mutex_init(&r->mu, NULL);
	r->pub = r->rel = r->stop_rd = r->stop_wr = -1;
	r->h = h;
	r->enet_sock = h->host->socket;
	size_t cap = h->host->peerCount + 256;
	if (cap > ENETGO_R6_MAX)
		cap = ENETGO_R6_MAX;
	uint32_t slots = 1;
	while (slots < 2 * cap)
		slots <<= 1;
	r->e = calloc(cap, sizeof *r->e);
	r->free = malloc(cap * sizeof *r->free);
	r->slots = malloc(slots * sizeof *r->slots);
	r->batch = malloc(sizeof *r->batch);
	if (r->e == NULL || r->free == NULL || r->slots == NULL || r->batch == NULL) {
		r6_close(r);
		return 3;
	}
	r->cap = (int)cap;
	r->mask = slots - 1;
	memset(r->slots, 0xff, slots * sizeof *r->slots);
	for (int k = 0; k < r->cap; k++)
		r->free[k] = (uint32_t)(r->cap - 1 - k);
	r->nfree = r->cap;

	int code = bind_pair(r, dual, client, ip6, port, reuseport);
	if (code != 0) {
		r6_close(r);
		return code;
	}
	socklen_t len = sizeof r->inner;
	if (getsockname(r->enet_sock, (struct sockaddr *)&r->inner, &len) < 0) {
		r6_close(r);
		return 1;
	}
	h->host->address.host = r->inner.sin_addr.s_addr;
	h->host->address.port = ntohs(r->inner.sin_port);
	if (r->inner.sin_addr.s_addr == htonl(INADDR_ANY))
		r->inner.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	int one = 1, pipefd[2];
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	len = sizeof sa;
	r->rel = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->rel < 0 || setsockopt(r->rel, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) < 0 ||
	    sock_opts(r->rel, 0) < 0 || bind(r->rel, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    getsockname(r->rel, (struct sockaddr *)&sa, &len) < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
		r6_close(r);
		return 1;
	}
	r->rport = ntohs(sa.sin_port);
	r->stop_rd = pipefd[0];
	r->stop_wr = pipefd[1];

	/* The thread takes no signals (they stay with Go's threads) and
	 * needs little stack: its buffers are in r. */
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int err = pthread_create(&r->thread, &attr, loop, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err != 0) {
		r6_close(r);
		return 3;
	}
	pthread_setname_np(r->thread, "enetgo-relay6");
	r->running = 1;
	h->relay = r;
	return 0;
}

void enetgo_r6_free(enetgo_host *h)
{
	struct enetgo_r6 *r = h->relay;
	if (r == NULL)
		return;
	if (r->running) {
		uint8_t b = 1;
		while (write(r->stop_wr, &b, 1) < 0 && errno == EINTR)
			;
		pthread_join(r->thread, NULL);
		pump_out(r); /* what ENet sent last (a DisconnectNow) still leaves */
	}
	h->relay = NULL;
	r6_close(r);
}

void enetgo_r6_service_enter(enetgo_host *h)
{
	__atomic_store_n(&h->relay->in_service, 1, __ATOMIC_SEQ_CST);
}

void enetgo_r6_service_leave(enetgo_host *h)
{
	__atomic_store_n(&h->relay->in_service, 0, __ATOMIC_SEQ_CST);
}

int enetgo_r6_connect(enetgo_host *h, const uint8_t ip6[16], uint32_t scope, uint16_t port,
                      size_t channels, uint32_t data)
{
	struct enetgo_r6 *r = h->relay;
	struct in6_addr a;
	memcpy(&a, ip6, sizeof a);
	pthread_mutex_lock(&r->mu);
	int k = intern(r, &a, scope, port), slot = -2;
	if (k >= 0)
		slot = enetgo_connect(h, standin(k), r->rport, channels, data);
	pthread_mutex_unlock(&r->mu);
	return slot;
}

int enetgo_r6_standin(enetgo_host *h, enet_uint32 host, uint16_t port)
{
	struct enetgo_r6 *r = h->relay;
	const uint8_t *b = (const uint8_t *)&host;
	return r != NULL && port == r->rport && b[0] == 127 && b[1] == ENETGO_R6_OCTET2;
}

int enetgo_r6_lookup(enetgo_host *h, enet_uint32 host, uint16_t port, uint8_t ip6[16],
                     uint32_t *scope, uint16_t *rport)
{
	struct enetgo_r6 *r = h->relay;
	if (!enetgo_r6_standin(h, host, port))
		return -1;
	pthread_mutex_lock(&r->mu);
	int k = index_of(r, host);
	if (k >= 0) {
		memcpy(ip6, &r->e[k].addr, 16);
		*scope = r->e[k].scope;
		*rport = r->e[k].port;
	}
	pthread_mutex_unlock(&r->mu);
	return k >= 0 ? 0 : -1;
}

enet_uint32 enetgo_r6_intern(enetgo_host *h, const uint8_t ip6[16], uint32_t scope, uint16_t port)
{
	struct enetgo_r6 *r = h->relay;
	if (r == NULL)
		return 0;
	struct in6_addr a;
	memcpy(&a, ip6, sizeof a);
	pthread_mutex_lock(&r->mu);
	int k = intern(r, &a, scope, port);
	pthread_mutex_unlock(&r->mu);
	return k < 0 ? 0 : standin(k);
}

void enetgo_r6_stats(enetgo_host *h, enetgo_r6_stats_t *out)
{
	struct enetgo_r6 *r = h->relay;
	memset(out, 0, sizeof *out);
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	out->used = r->cap - r->nfree;
	out->cap = r->cap;
	out->dropped = r->dropped;
	out->sweeps = r->sweeps;
	out->in = r->in;
	out->out = r->out;
	out->refused = r->refused;
	out->port = r->rport;
	pthread_mutex_unlock(&r->mu);
}

int enetgo_r6_local(enetgo_host *h, uint8_t ip6[16], uint16_t *port)
{
	struct sockaddr_in6 sa;
	socklen_t len = sizeof sa;
	if (h->relay == NULL || getsockname(h->relay->pub, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	memcpy(ip6, &sa.sin6_addr, 16);
	*port = ntohs(sa.sin6_port);
	return 0;
}

int enetgo_r6_socket_send(enetgo_host *h, const uint8_t ip6[16], uint32_t scope, uint16_t port,
                          const void *data, size_t length)
{
	if (h->relay == NULL)
		return -1;
	struct sockaddr_in6 sa;
	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons(port);
	sa.sin6_scope_id = scope;
	memcpy(&sa.sin6_addr, ip6, 16);
	ssize_t n;
	do
		n = sendto(h->relay->pub, data, length, MSG_NOSIGNAL, (struct sockaddr *)&sa, sizeof sa);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : (int)n;
}

#else /* not Linux: no relay (IP_PKTINFO source addresses in 127.0.0.0/8) */

int enetgo_r6_available(void) { return 0; }
int enetgo_r6_enable(enetgo_host *h, int dual, int client, const uint8_t ip6[16], uint16_t port,
                     int reuseport) { return 4; }
void enetgo_r6_free(enetgo_host *h) {}
void enetgo_r6_service_enter(enetgo_host *h) {}
void enetgo_r6_service_leave(enetgo_host *h) {}
int enetgo_r6_connect(enetgo_host *h, const uint8_t ip6[16], uint32_t scope, uint16_t port,
                      size_t channels, uint32_t data) { return -2; }
int enetgo_r6_standin(enetgo_host *h, enet_uint32 host, uint16_t port) { return 0; }
int enetgo_r6_lookup(enetgo_host *h, enet_uint32 host, uint16_t port, uint8_t ip6[16],
                     uint32_t *scope, uint16_t *rport) { return -1; }
enet_uint32 enetgo_r6_intern(enetgo_host *h, const uint8_t ip6[16], uint32_t scope,
                             uint16_t port) { return 0; }
void enetgo_r6_stats(enetgo_host *h, enetgo_r6_stats_t *out) { memset(out, 0, sizeof *out); }
int enetgo_r6_local(enetgo_host *h, uint8_t ip6[16], uint16_t *port) { return -1; }
int enetgo_r6_socket_send(enetgo_host *h, const uint8_t ip6[16], uint32_t scope, uint16_t port,
                          const void *data, size_t length) { return -1; }

#endif
