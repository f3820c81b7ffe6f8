/* Dual-stack hosts over the system libenet's IPv4-only ENetAddress.
 * Written for this project; see addr6.h and DESIGN.md "IPv6".
 *
 * The system's ENet keys every peer by an IPv4 host (u32) and a port. A
 * dual-stack host gets an AF_INET6 socket with IPV6_V6ONLY off in place of
 * ENet's AF_INET one, and batchio.c's enet_socket_send/receive (which ENet
 * calls for every datagram, whether batched or not) translate at the
 * socket: IPv4 and IPv4-mapped senders become plain IPv4 ENetAddresses, so
 * IPv4 peers look exactly as they do on an IPv4 host, and each remote IPv6
 * address (with its scope) becomes a synthetic host value 240.x.y.z, an
 * index into this host's table, with the real port. Distinct remote
 * endpoints therefore never share an ENet key: distinct IPv6 addresses get
 * distinct indices while they are in the table, and ports are kept.
 *
 * The table is bounded (peers + 256 entries): a remote can make us
 * allocate only by sending from new IPv6 addresses. When it is full, a
 * sweep frees every entry no ENet peer (in any state but DISCONNECTED)
 * uses; if that frees little, sweeps pause for 100 ms and datagrams from
 * further new addresses are dropped (counted) meanwhile. ENet looks a
 * datagram's sender up once per datagram, before it reads the next, so a
 * connect's entry is held by its new peer before any later sweep. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include "addr6.h"
#include "batchio.h"

#define SWEEP_PAUSE_MS 100

#ifndef MSG_NOSIGNAL /* macOS: dual-stack hosts are not enabled there anyway */
#define MSG_NOSIGNAL 0
#endif

struct a6_entry {
	struct in6_addr addr;
	uint32_t scope;
	uint8_t live; /* allocated */
	uint8_t mark; /* held by a peer (during a sweep) */
};

struct enetgo_a6 {
	ENetSocket sock;
	ENetHost *host;
	int cap, nfree;
	uint32_t mask;      /* hash slots - 1 */
	int32_t *slots;     /* open addressing: entry index, or -1 */
	uint32_t *free;     /* stack of free indices, nfree of them */
	struct a6_entry *e; /* cap entries */
	int64_t sweep_after_ms;
	uint64_t dropped, sweeps;
	struct enetgo_a6 *next; /* the registry of dual-stack sockets */
};

/* The registry finds a table by socket for ENet calls made outside a
 * batching call (batchio.c knows the host only inside one). Only calls
 * that meet an IPv6 sender or a synthetic destination look it up. */
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct enetgo_a6 *reg;

static struct enetgo_a6 *find(enetgo_host *h, ENetSocket sock)
{
	if (h != NULL && h->a6 != NULL)
		return h->a6;
	pthread_mutex_lock(&reg_mu);
	struct enetgo_a6 *t = reg;
	while (t != NULL && t->sock != sock)
		t = t->next;
	pthread_mutex_unlock(&reg_mu);
	return t;
}

static int64_t now_ms(void)
{
	struct timespec ts;
#ifdef CLOCK_MONOTONIC_COARSE
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#else
	clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enet_uint32 synth(int idx)
{
	uint32_t v = (uint32_t)idx + 1;
	uint8_t b[4] = {ENETGO_A6_OCTET, (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	enet_uint32 host;
	memcpy(&host, b, 4);
	return host;
}

/* index returns the table index of a synthetic host value, or -1. */
static int index_of(const struct enetgo_a6 *t, enet_uint32 host)
{
	if (!enetgo_a6_synthetic(host))
		return -1;
	const uint8_t *b = (const uint8_t *)&host;
	int v = (b[1] << 16 | b[2] << 8 | b[3]) - 1;
	return v >= 0 && v < t->cap && t->e[v].live ? v : -1;
}

static int lookup(const struct enetgo_a6 *t, const struct in6_addr *a, uint32_t scope)
{
	for (uint32_t i = enetgo_a6_hash(a, scope) & t->mask;; i = (i + 1) & t->mask) {
		int32_t k = t->slots[i];
		if (k < 0)
			return -1;
		if (t->e[k].scope == scope && memcmp(&t->e[k].addr, a, sizeof *a) == 0)
			return k;
	}
}

static void insert(struct enetgo_a6 *t, int k)
{
	uint32_t i = enetgo_a6_hash(&t->e[k].addr, t->e[k].scope) & t->mask;
	while (t->slots[i] >= 0)
		i = (i + 1) & t->mask;
	t->slots[i] = k;
}

/* sweep frees every entry no peer uses and rebuilds the hash. */
static void sweep(struct enetgo_a6 *t)
{
	t->sweeps++;
	for (int k = 0; k < t->cap; k++)
		t->e[k].mark = 0;
	for (ENetPeer *p = t->host->peers; p < &t->host->peers[t->host->peerCount]; p++) {
		if (p->state == ENET_PEER_STATE_DISCONNECTED)
			continue;
		int k = index_of(t, p->address.host);
		if (k >= 0)
			t->e[k].mark = 1;
	}
	memset(t->slots, 0xff, sizeof(int32_t) * (t->mask + 1));
	int before = t->nfree;
	t->nfree = 0;
	for (int k = t->cap - 1; k >= 0; k--) {
		if (t->e[k].live && t->e[k].mark) {
			insert(t, k);
		} else {
			t->e[k].live = 0;
			t->free[t->nfree++] = (uint32_t)k;
		}
	}
	if (t->nfree - before < 64 && t->nfree - before < t->cap / 8)
		t->sweep_after_ms = now_ms() + SWEEP_PAUSE_MS;
}

static int intern(struct enetgo_a6 *t, const struct in6_addr *a, uint32_t scope)
{
	int k = lookup(t, a, scope);
	if (k >= 0)
		return k;
	if (t->nfree == 0 && now_ms() >= t->sweep_after_ms)
		sweep(t);
	if (t->nfree == 0)
		return -1;
	k = (int)t->free[--t->nfree];
	t->e[k].addr = *a;
	t->e[k].scope = scope;
	t->e[k].live = 1;
	insert(t, k);
	return k;
}

int enetgo_a6_from(enetgo_host *h, ENetSocket sock, ENetAddress *out, const struct sockaddr_in6 *sa)
{
	if (sa->sin6_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
		out->host = sin->sin_addr.s_addr;
		out->port = ntohs(sin->sin_port);
		return 0;
	}
	out->port = ntohs(sa->sin6_port);
	if (IN6_IS_ADDR_V4MAPPED(&sa->sin6_addr)) {
		memcpy(&out->host, &sa->sin6_addr.s6_addr[12], 4);
		/* A forged IPv4 sender in the synthetic block would share an
		 * IPv6 peer's key: dropped (class E is never routed). */
		return enetgo_a6_synthetic(out->host) ? -1 : 0;
	}
	struct enetgo_a6 *t = find(h, sock);
	if (t == NULL)
		return -1;
	int k = intern(t, &sa->sin6_addr, sa->sin6_scope_id);
	if (k < 0) {
		t->dropped++;
		return -1;
	}
	out->host = synth(k);
	return 0;
}

int enetgo_a6_to(enetgo_host *h, ENetSocket sock, struct sockaddr_in6 *sa, const ENetAddress *addr)
{
	struct enetgo_a6 *t = find(h, sock);
	if (t == NULL)
		return 0;
	int k = index_of(t, addr->host);
	if (k < 0)
		return 0;
	memset(sa, 0, sizeof *sa);
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons(addr->port);
	sa->sin6_addr = t->e[k].addr;
	sa->sin6_scope_id = t->e[k].scope;
	return (int)sizeof *sa;
}

enet_uint32 enetgo_a6_intern(enetgo_host *h, const uint8_t ip6[16], uint32_t scope)
{
	if (h->a6 == NULL)
		return 0;
	struct in6_addr a;
	memcpy(&a, ip6, sizeof a);
	int k = intern(h->a6, &a, scope);
	return k < 0 ? 0 : synth(k);
}

int enetgo_a6_lookup(enetgo_host *h, enet_uint32 host, uint8_t ip6[16], uint32_t *scope)
{
	if (h->a6 == NULL)
		return -1;
	int k = index_of(h->a6, host);
	if (k < 0)
		return -1;
	memcpy(ip6, &h->a6->e[k].addr, 16);
	*scope = h->a6->e[k].scope;
	return 0;
}

void enetgo_a6_stats(enetgo_host *h, int *used, int *cap, uint64_t *dropped, uint64_t *sweeps)
{
	struct enetgo_a6 *t = h->a6;
	*used = t ? t->cap - t->nfree : 0;
	*cap = t ? t->cap : 0;
	*dropped = t ? t->dropped : 0;
	*sweeps = t ? t->sweeps : 0;
}

static struct enetgo_a6 *table_new(ENetHost *host)
{
	size_t cap = host->peerCount + 256;
	if (cap > ENETGO_A6_MAX)
		cap = ENETGO_A6_MAX;
	uint32_t slots = 1;
	while (slots < 2 * cap)
		slots <<= 1;
	struct enetgo_a6 *t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->e = calloc(cap, sizeof *t->e);
	t->free = malloc(cap * sizeof *t->free);
	t->slots = malloc(slots * sizeof *t->slots);
	if (t->e == NULL || t->free == NULL || t->slots == NULL) {
		free(t->e);
		free(t->free);
		free(t->slots);
		free(t);
		return NULL;
	}
	t->cap = (int)cap;
	t->mask = slots - 1;
	memset(t->slots, 0xff, slots * sizeof *t->slots);
	for (int k = 0; k < t->cap; k++)
		t->free[k] = (uint32_t)(t->cap - 1 - k); /* index 0 is taken first */
	t->nfree = t->cap;
	t->host = host;
	t->sock = host->socket;
	return t;
}

int enetgo_a6_enable(enetgo_host *h, int bind_it, const uint8_t ip6[16], uint16_t port, int reuseport)
{
	if (!enetgo_io_interposed())
		return 4;
	int s = socket(AF_INET6, SOCK_DGRAM, 0);
	if (s < 0)
		return errno == EAFNOSUPPORT ? 5 : 1;
	int zero = 0, one = 1, rcv = ENET_HOST_RECEIVE_BUFFER_SIZE, snd = ENET_HOST_SEND_BUFFER_SIZE;
	if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) < 0 ||
	    fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK) < 0) {
		close(s);
		return 1;
	}
	/* ENet's own options for its socket (enet_host_create). */
	setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
	setsockopt(s, SOL_SOCKET, SO_SNDBUF, &snd, sizeof snd);
	if (reuseport && setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) {
		close(s);
		return 2;
	}
	if (bind_it) {
		struct sockaddr_in6 sa;
		memset(&sa, 0, sizeof sa);
		sa.sin6_family = AF_INET6;
		sa.sin6_port = htons(port);
		memcpy(&sa.sin6_addr, ip6, 16);
		if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
			close(s);
			return 2;
		}
	}
	struct enetgo_a6 *t = table_new(h->host);
	if (t == NULL) {
		close(s);
		return 3;
	}
	if (dup2(s, h->host->socket) < 0) {
		close(s);
		free(t->e);
		free(t->free);
		free(t->slots);
		free(t);
		return 1;
	}
	close(s);
	struct sockaddr_in6 sa;
	socklen_t len = sizeof sa;
	h->host->address.host = ENET_HOST_ANY;
	h->host->address.port = getsockname(h->host->socket, (struct sockaddr *)&sa, &len) == 0 ? ntohs(sa.sin6_port) : port;
	pthread_mutex_lock(&reg_mu);
	t->next = reg;
	reg = t;
	pthread_mutex_unlock(&reg_mu);
	h->a6 = t;
	return 0;
}

void enetgo_a6_free(enetgo_host *h)
{
	struct enetgo_a6 *t = h->a6;
	if (t == NULL)
		return;
	pthread_mutex_lock(&reg_mu);
	for (struct enetgo_a6 **pp = &reg; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	pthread_mutex_unlock(&reg_mu);
	free(t->e);
	free(t->free);
	free(t->slots);
	free(t);
	h->a6 = NULL;
}

int enetgo_a6_local(enetgo_host *h, int *family, uint8_t ip6[16], uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(h->host->socket, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	memset(ip6, 0, 16);
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *sa = (const struct sockaddr_in6 *)&ss;
		memcpy(ip6, &sa->sin6_addr, 16);
		*port = ntohs(sa->sin6_port);
	} else {
		const struct sockaddr_in *sa = (const struct sockaddr_in *)&ss;
		memcpy(ip6, &sa->sin_addr, 4);
		*port = ntohs(sa->sin_port);
	}
	*family = ss.ss_family;
	return 0;
}

int enetgo_a6_socket_send(enetgo_host *h, const uint8_t ip6[16], uint32_t scope, uint16_t port,
                          const void *data, size_t length)
{
	struct sockaddr_in6 sa;
	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons(port);
	sa.sin6_scope_id = scope;
	memcpy(&sa.sin6_addr, ip6, 16);
	ssize_t r;
	do
		r = sendto(h->host->socket, data, length, MSG_NOSIGNAL, (struct sockaddr *)&sa, sizeof sa);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : (int)r;
}

int enetgo_resolve(const char *name, int any, uint8_t ip6[16], uint32_t *scope)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	/* Godot 4's IP::resolve_hostname with TYPE_ANY (drivers/unix/ip_unix.cpp):
	 * AF_UNSPEC and AI_ADDRCONFIG, and the first address is taken; with
	 * TYPE_IPV4 (what its vanilla-ENet build asks) AF_INET. */
	hints.ai_family = any ? AF_UNSPEC : AF_INET;
	hints.ai_flags = any ? AI_ADDRCONFIG : 0;
	if (getaddrinfo(name, NULL, &hints, &res) != 0 || res == NULL)
		return -1;
	int fam = -1;
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_addr == NULL)
			continue;
		memset(ip6, 0, 16);
		*scope = 0;
		if (ai->ai_family == AF_INET) {
			memcpy(ip6, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
			fam = AF_INET;
			break;
		}
		if (ai->ai_family == AF_INET6) {
			const struct sockaddr_in6 *sa = (const struct sockaddr_in6 *)ai->ai_addr;
			memcpy(ip6, &sa->sin6_addr, 16);
			*scope = sa->sin6_scope_id;
			fam = AF_INET6;
			break;
		}
	}
	freeaddrinfo(res);
	return fam;
}
