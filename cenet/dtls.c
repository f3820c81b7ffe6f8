/* DTLS 1.2 under ENet. Written for this project; see dtls.h and
 * DESIGN.md "DTLS".
 *
 * batchio.c's enet_socket_send/receive hand a DTLS host's datagrams here
 * (they bypass the batches). Each remote endpoint (its ENet address,
 * IPv6 stand-ins included) has a session: an OpenSSL SSL on two memory
 * BIOs. Received datagrams are written to the session's read BIO; what
 * OpenSSL writes (handshake flights, records, alerts) is cut at record
 * boundaries into datagrams of at most DATAGRAM_MAX bytes and sent. One
 * ENet datagram is one SSL_write, one record, as in Godot 4.
 *
 * Server: a datagram from an unknown endpoint opens a session only if it
 * is a DTLS handshake record and fewer than MAX_HANDSHAKING sessions are
 * handshaking; handshakes time out after HANDSHAKE_MS (Godot's 8 s). The
 * table holds peers + 64 sessions; when full, established sessions no
 * ENet peer uses are freed. Until its session is established, an
 * endpoint's datagrams are dropped and what ENet sends it is dropped (ENet
 * resends). Client: the first datagram ENet sends starts the handshake
 * with that address; a failed handshake is final (ENet's connect then
 * times out, and the reason is kept for the error). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "addr6.h"
#include "dtls.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

#define MAX_HANDSHAKING 64
#define HANDSHAKE_MS 8000
#define DATAGRAM_MAX 1400 /* DTLS datagrams cut from a flight */
#define RECORD_HEADER 13
#define CT_HANDSHAKE 22

int enetgo_dtls_hosts;
static int64_t live_sessions;

enum { FREE = 0, HANDSHAKING, ESTABLISHED };

struct session {
	ENetAddress addr;
	int state;
	SSL *ssl;
	BIO *rbio, *wbio;
	int64_t started;
};

struct enetgo_dtls {
	ENetSocket sock;
	ENetHost *host;
	SSL_CTX *ctx;
	int server;
	char hostname[256];
	int failed; /* client: the handshake failed */
	struct session *s;
	int cap;
	enetgo_dtls_stats stats;
	char last_error[256];
	struct enetgo_dtls *next;
};

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct enetgo_dtls *reg;

static struct enetgo_dtls *find(ENetSocket sock)
{
	pthread_mutex_lock(&reg_mu);
	struct enetgo_dtls *d = reg;
	while (d != NULL && d->sock != sock)
		d = d->next;
	pthread_mutex_unlock(&reg_mu);
	return d;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_err(char *err, size_t len, const char *what)
{
	unsigned long e = ERR_get_error();
	if (e != 0) {
		char buf[200];
		ERR_error_string_n(e, buf, sizeof buf);
		snprintf(err, len, "%s: %s", what, buf);
	} else {
		snprintf(err, len, "%s", what);
	}
	ERR_clear_error();
}

static struct enetgo_dtls *dtls_new(enetgo_host *h, int server, char *err, size_t err_len)
{
	if (h->dtls != NULL) {
		snprintf(err, err_len, "DTLS is already set up on this host");
		return NULL;
	}
	struct enetgo_dtls *d = calloc(1, sizeof *d);
	if (d == NULL) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	d->cap = (int)h->host->peerCount + MAX_HANDSHAKING;
	d->s = calloc((size_t)d->cap, sizeof *d->s);
	d->ctx = SSL_CTX_new(server ? DTLS_server_method() : DTLS_client_method());
	if (d->s == NULL || d->ctx == NULL) {
		set_err(err, err_len, "cannot create the DTLS context");
		free(d->s);
		SSL_CTX_free(d->ctx);
		free(d);
		return NULL;
	}
	/* DTLS 1.2 only: what Godot 4's mbedTLS speaks. */
	SSL_CTX_set_min_proto_version(d->ctx, DTLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(d->ctx, DTLS1_2_VERSION);
	SSL_CTX_set_options(d->ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_RENEGOTIATION);
	d->server = server;
	d->sock = h->host->socket;
	d->host = h->host;
	return d;
}

static void dtls_register(enetgo_host *h, struct enetgo_dtls *d)
{
	pthread_mutex_lock(&reg_mu);
	d->next = reg;
	reg = d;
	pthread_mutex_unlock(&reg_mu);
	h->dtls = d;
	__atomic_add_fetch(&enetgo_dtls_hosts, 1, __ATOMIC_RELAXED);
}

static void ctx_free(struct enetgo_dtls *d)
{
	SSL_CTX_free(d->ctx);
	free(d->s);
	free(d);
}

int enetgo_dtls_server_setup(enetgo_host *h, const char *cert, size_t cert_len, const char *key,
                             size_t key_len, char *err, size_t err_len)
{
	struct enetgo_dtls *d = dtls_new(h, 1, err, err_len);
	if (d == NULL)
		return -1;
	BIO *cb = BIO_new_mem_buf(cert, (int)cert_len), *kb = BIO_new_mem_buf(key, (int)key_len);
	X509 *x = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
	EVP_PKEY *pk = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
	int ok = x != NULL && pk != NULL && SSL_CTX_use_certificate(d->ctx, x) == 1 &&
	         SSL_CTX_use_PrivateKey(d->ctx, pk) == 1 && SSL_CTX_check_private_key(d->ctx) == 1;
	if (ok) {
		/* The rest of the chain, if the PEM holds one. */
		X509 *extra;
		while ((extra = PEM_read_bio_X509(cb, NULL, NULL, NULL)) != NULL)
			if (SSL_CTX_add0_chain_cert(d->ctx, extra) != 1)
				X509_free(extra);
	}
	if (!ok)
		set_err(err, err_len, x == NULL ? "no PEM certificate" : pk == NULL ? "no PEM private key" : "certificate and key do not match");
	ERR_clear_error();
	X509_free(x);
	EVP_PKEY_free(pk);
	BIO_free(cb);
	BIO_free(kb);
	if (!ok) {
		ctx_free(d);
		return -1;
	}
	dtls_register(h, d);
	return 0;
}

int enetgo_dtls_client_setup(enetgo_host *h, const char *hostname, const char *ca, size_t ca_len,
                             int unsafe, char *err, size_t err_len)
{
	struct enetgo_dtls *d = dtls_new(h, 0, err, err_len);
	if (d == NULL)
		return -1;
	snprintf(d->hostname, sizeof d->hostname, "%s", hostname);
	if (!unsafe) {
		X509_STORE *store = SSL_CTX_get_cert_store(d->ctx);
		BIO *b = BIO_new_mem_buf(ca, (int)ca_len);
		int n = 0;
		X509 *x;
		while (b != NULL && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
			if (X509_STORE_add_cert(store, x) == 1)
				n++;
			X509_free(x);
		}
		BIO_free(b);
		ERR_clear_error();
		if (n == 0) {
			snprintf(err, err_len, "no PEM CA certificate to verify the server with");
			ctx_free(d);
			return -1;
		}
		SSL_CTX_set_verify(d->ctx, SSL_VERIFY_PEER, NULL);
	} else {
		SSL_CTX_set_verify(d->ctx, SSL_VERIFY_NONE, NULL);
	}
	dtls_register(h, d);
	return 0;
}

static void session_free(struct enetgo_dtls *d, struct session *s)
{
	if (s->state == FREE)
		return;
	SSL_free(s->ssl); /* frees both BIOs */
	memset(s, 0, sizeof *s);
	__atomic_sub_fetch(&live_sessions, 1, __ATOMIC_RELAXED);
	d->stats.sessions--;
}

void enetgo_dtls_free(enetgo_host *h)
{
	struct enetgo_dtls *d = h->dtls;
	if (d == NULL)
		return;
	pthread_mutex_lock(&reg_mu);
	for (struct enetgo_dtls **pp = &reg; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	pthread_mutex_unlock(&reg_mu);
	for (int i = 0; i < d->cap; i++)
		session_free(d, &d->s[i]);
	ctx_free(d);
	h->dtls = NULL;
	__atomic_sub_fetch(&enetgo_dtls_hosts, 1, __ATOMIC_RELAXED);
}

void enetgo_dtls_read_stats(enetgo_host *h, enetgo_dtls_stats *out)
{
	if (h->dtls == NULL) {
		memset(out, 0, sizeof *out);
		return;
	}
	*out = h->dtls->stats;
	out->failed = h->dtls->failed;
}

void enetgo_dtls_last_error(enetgo_host *h, char *out, size_t len)
{
	snprintf(out, len, "%s", h->dtls != NULL ? h->dtls->last_error : "");
}

int64_t enetgo_dtls_live(void)
{
	return __atomic_load_n(&live_sessions, __ATOMIC_RELAXED);
}

static struct session *lookup(struct enetgo_dtls *d, const ENetAddress *a)
{
	for (int i = 0; i < d->cap; i++)
		if (d->s[i].state != FREE && d->s[i].addr.host == a->host && d->s[i].addr.port == a->port)
			return &d->s[i];
	return NULL;
}

/* slot returns a free session, freeing established ones no peer uses
 * when none is free. */
static struct session *slot(struct enetgo_dtls *d)
{
	for (int i = 0; i < d->cap; i++)
		if (d->s[i].state == FREE)
			return &d->s[i];
	for (int i = 0; i < d->cap; i++) {
		struct session *s = &d->s[i];
		if (s->state != ESTABLISHED)
			continue;
		int used = 0;
		for (ENetPeer *p = d->host->peers; p < &d->host->peers[d->host->peerCount]; p++)
			if (p->state != ENET_PEER_STATE_DISCONNECTED && p->address.host == s->addr.host &&
			    p->address.port == s->addr.port)
				used = 1;
		if (!used) {
			session_free(d, s);
			return s;
		}
	}
	return NULL;
}

static socklen_t to_sa(struct sockaddr_in6 *sa, ENetSocket sock, const ENetAddress *a)
{
	if (enetgo_a6_synthetic(a->host)) {
		int n = enetgo_a6_to(NULL, sock, sa, a);
		if (n > 0)
			return (socklen_t)n;
	}
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(a->port);
	sin->sin_addr.s_addr = a->host;
	return sizeof *sin;
}

/* flush sends what OpenSSL wrote for s, cut at record boundaries into
 * datagrams of at most DATAGRAM_MAX bytes (a longer record alone). */
static void flush(struct enetgo_dtls *d, struct session *s)
{
	uint8_t buf[16384 + 2 * RECORD_HEADER];
	int have = 0;
	struct sockaddr_in6 sa;
	socklen_t len = to_sa(&sa, d->sock, &s->addr);
	for (;;) {
		int r = BIO_read(s->wbio, buf + have, (int)sizeof buf - have);
		if (r > 0)
			have += r;
		if (have == 0)
			return;
		int off = 0;
		while (off < have) {
			/* Take whole records while they fit in one datagram. */
			int end = off;
			while (end + RECORD_HEADER <= have) {
				int rec = RECORD_HEADER + (buf[end + 11] << 8 | buf[end + 12]);
				if (end + rec > have || (end > off && end + rec - off > DATAGRAM_MAX))
					break;
				end += rec;
			}
			if (end == off) {
				if (r > 0 && have < (int)sizeof buf)
					break; /* a partial record: read on */
				end = have; /* malformed or oversized: as is */
			}
			while (sendto(d->sock, buf + off, (size_t)(end - off), MSG_NOSIGNAL, (struct sockaddr *)&sa,
			              len) < 0 && errno == EINTR)
				;
			off = end;
		}
		memmove(buf, buf + off, (size_t)(have - off));
		have -= off;
		if (r <= 0 && have == 0)
			return;
		if (r <= 0) {
			have = 0; /* a partial record with nothing more to come: dropped */
			return;
		}
	}
}

static void fail(struct enetgo_dtls *d, struct session *s, const char *why)
{
	long v = s->ssl != NULL ? SSL_get_verify_result(s->ssl) : X509_V_OK;
	if (v != X509_V_OK) {
		snprintf(d->last_error, sizeof d->last_error, "certificate verification failed: %s",
		         X509_verify_cert_error_string(v));
	} else {
		unsigned long e = ERR_peek_last_error();
		char buf[200] = "";
		if (e != 0)
			ERR_error_string_n(e, buf, sizeof buf);
		snprintf(d->last_error, sizeof d->last_error, "%s%s%s", why, buf[0] ? ": " : "", buf);
	}
	ERR_clear_error();
	d->stats.failures++;
	if (!d->server)
		d->failed = 1;
	session_free(d, s);
}

/* step advances s's handshake and sends what it produced. */
static void step(struct enetgo_dtls *d, struct session *s)
{
	int r = SSL_do_handshake(s->ssl);
	flush(d, s);
	if (r == 1) {
		s->state = ESTABLISHED;
		d->stats.handshakes++;
		return;
	}
	int e = SSL_get_error(s->ssl, r);
	if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
		fail(d, s, "DTLS handshake failed");
}

static struct session *open_session(struct enetgo_dtls *d, const ENetAddress *a)
{
	int handshaking = 0;
	for (int i = 0; i < d->cap; i++)
		handshaking += d->s[i].state == HANDSHAKING;
	if (handshaking >= MAX_HANDSHAKING)
		return NULL;
	struct session *s = slot(d);
	if (s == NULL)
		return NULL;
	SSL *ssl = SSL_new(d->ctx);
	BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
	if (ssl == NULL || rb == NULL || wb == NULL) {
		SSL_free(ssl);
		BIO_free(rb);
		BIO_free(wb);
		ERR_clear_error();
		return NULL;
	}
	BIO_set_mem_eof_return(rb, -1); /* empty: "try again", not end of file */
	SSL_set_bio(ssl, rb, wb);
	DTLS_set_link_mtu(ssl, DATAGRAM_MAX);
	if (d->server) {
		SSL_set_accept_state(ssl);
	} else {
		SSL_set_connect_state(ssl);
		if (d->hostname[0] != '\0') {
			SSL_set_tlsext_host_name(ssl, d->hostname);
			SSL_set1_host(ssl, d->hostname);
		}
	}
	s->ssl = ssl;
	s->rbio = rb;
	s->wbio = wb;
	s->addr = *a;
	s->state = HANDSHAKING;
	s->started = now_ms();
	d->stats.sessions++;
	__atomic_add_fetch(&live_sessions, 1, __ATOMIC_RELAXED);
	return s;
}

/* timers retransmits handshake flights and ends handshakes that took too
 * long. */
static void timers(struct enetgo_dtls *d)
{
	int64_t now = now_ms();
	for (int i = 0; i < d->cap; i++) {
		struct session *s = &d->s[i];
		if (s->state != HANDSHAKING)
			continue;
		if (now - s->started > HANDSHAKE_MS) {
			fail(d, s, "DTLS handshake timed out");
			continue;
		}
		if (DTLSv1_handle_timeout(s->ssl) > 0)
			flush(d, s);
	}
}

int enetgo_dtls_send(ENetSocket sock, const ENetAddress *addr, const ENetBuffer *bufs, size_t n,
                     int *handled)
{
	struct enetgo_dtls *d = find(sock);
	*handled = d != NULL && addr != NULL;
	if (!*handled)
		return 0;
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += bufs[i].dataLength;
	struct session *s = lookup(d, addr);
	if (s == NULL && !d->server && !d->failed) {
		s = open_session(d, addr);
		if (s != NULL)
			step(d, s);
		return (int)total; /* dropped: ENet resends once the session is up */
	}
	if (s == NULL || s->state != ESTABLISHED) {
		d->stats.dropped++;
		return (int)total;
	}
	uint8_t buf[ENETGO_IO_SLOT];
	if (total > sizeof buf)
		return -1;
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(buf + off, bufs[i].data, bufs[i].dataLength);
		off += bufs[i].dataLength;
	}
	if (SSL_write(s->ssl, buf, (int)total) <= 0) {
		fail(d, s, "DTLS write failed");
		return -1;
	}
	flush(d, s);
	return (int)total;
}

int enetgo_dtls_receive(ENetSocket sock, ENetAddress *addr, ENetBuffer *bufs, size_t n,
                        int *handled)
{
	struct enetgo_dtls *d = find(sock);
	*handled = d != NULL && addr != NULL && n == 1;
	if (!*handled)
		return 0;
	timers(d);
	uint8_t buf[ENETGO_IO_SLOT + 256];
	for (int tries = 0; tries < 256; tries++) {
		struct sockaddr_in6 sa;
		socklen_t salen = sizeof sa;
		ssize_t r = recvfrom(sock, buf, sizeof buf, MSG_TRUNC, (struct sockaddr *)&sa, &salen);
		if (r < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
		if ((size_t)r > sizeof buf || enetgo_a6_from(NULL, sock, addr, &sa) < 0) {
			d->stats.dropped++;
			continue;
		}
		struct session *s = lookup(d, addr);
		if (s == NULL) {
			if (!d->server || r < RECORD_HEADER || buf[0] != CT_HANDSHAKE ||
			    (s = open_session(d, addr)) == NULL) {
				d->stats.dropped++; /* plain ENet, stray, or too many handshakes */
				continue;
			}
		}
		BIO_write(s->rbio, buf, (int)r);
		if (s->state == HANDSHAKING) {
			step(d, s);
			if (s->state != ESTABLISHED)
				continue;
			if (BIO_ctrl_pending(s->rbio) == 0)
				continue;
		}
		int got = SSL_read(s->ssl, bufs[0].data, (int)bufs[0].dataLength);
		flush(d, s);
		if (got > 0)
			return got;
		int e = SSL_get_error(s->ssl, got);
		if (e == SSL_ERROR_ZERO_RETURN) {
			session_free(d, s); /* close_notify */
		} else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
			ERR_clear_error();
			d->stats.dropped++; /* a record that does not authenticate: dropped, as DTLS does */
			BIO_reset(s->rbio);
		}
	}
	return 0;
}
