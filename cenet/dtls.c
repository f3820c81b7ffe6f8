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
 * Server: a datagram from an unknown endpoint goes to one listener SSL
 * per host (DTLSv1_listen on memory BIOs): a ClientHello without a valid
 * cookie is answered with a HelloVerifyRequest and allocates nothing; the
 * cookie is a time stamp and an HMAC-SHA256, under a per-host random key,
 * of the time stamp and the endpoint's address, good for COOKIE_SECONDS
 * (as mbedTLS's cookies, which Godot's DTLSServer uses). Only a
 * ClientHello with a valid cookie opens a session (the listener SSL
 * becomes the session's, and a new listener is made), and only while
 * fewer than MAX_HANDSHAKING sessions are handshaking; handshakes time
 * out after HANDSHAKE_MS (Godot's 8 s). Sessions are found through a hash
 * of the endpoint. The
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
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
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
#define COOKIE_SECONDS 60 /* mbedTLS's default cookie lifetime */
#define COOKIE_LEN 32     /* 4-byte time stamp + 28 bytes of HMAC-SHA256 */

/* CIPHERS: the DTLS 1.2 suites of mbedTLS's default list (what Godot 4
 * offers and accepts) that are forward secret and AEAD, in the order we
 * prefer as a server. */
#define CIPHERS                                                                                    \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:"  \
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"

int enetgo_dtls_hosts;
static int64_t live_sessions;

enum { FREE = 0, HANDSHAKING, ESTABLISHED };

struct session {
	ENetAddress addr;
	int state;
	int hnext; /* next session in the same hash bucket, or -1 */
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
	int *bucket; /* hash of the endpoint -> first session index, or -1 */
	unsigned mask;
	int handshaking;
	/* Server: the listener SSL that answers new endpoints statelessly,
	 * its memory BIOs, the cookie key, and the source of the datagram
	 * being handled (what cookies are made from). */
	SSL *listener;
	BIO *lrb, *lwb;
	BIO_ADDR *laddr;
	unsigned char cookie_key[32];
	struct sockaddr_in6 cur_sa;
	int have_cur;
	enetgo_dtls_stats stats;
	char last_error[256];
	char cipher[64];
	char offered[2048];
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
	unsigned nb = 16;
	while (nb < 2 * (unsigned)d->cap)
		nb *= 2;
	d->mask = nb - 1;
	d->s = calloc((size_t)d->cap, sizeof *d->s);
	d->bucket = malloc(nb * sizeof *d->bucket);
	d->ctx = SSL_CTX_new(server ? DTLS_server_method() : DTLS_client_method());
	if (d->s == NULL || d->bucket == NULL || d->ctx == NULL ||
	    SSL_CTX_set_cipher_list(d->ctx, CIPHERS) != 1) {
		set_err(err, err_len, "cannot create the DTLS context");
		free(d->s);
		free(d->bucket);
		SSL_CTX_free(d->ctx);
		free(d);
		return NULL;
	}
	for (unsigned i = 0; i < nb; i++)
		d->bucket[i] = -1;
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
	SSL_free(d->listener); /* frees its BIOs */
	BIO_ADDR_free(d->laddr);
	SSL_CTX_free(d->ctx);
	OPENSSL_cleanse(d->cookie_key, sizeof d->cookie_key);
	free(d->bucket);
	free(d->s);
	free(d);
}

/* addr_bytes writes the bytes a cookie is made from: the family, port
 * and address of the datagram's source. */
static size_t addr_bytes(const struct sockaddr_in6 *sa, unsigned char out[20])
{
	if (sa->sin6_family == AF_INET6) {
		out[0] = 6;
		memcpy(out + 1, &sa->sin6_port, 2);
		memcpy(out + 3, &sa->sin6_addr, 16);
		return 19;
	}
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	out[0] = 4;
	memcpy(out + 1, &sin->sin_port, 2);
	memcpy(out + 3, &sin->sin_addr, 4);
	return 7;
}

/* cookie_at writes the cookie of d's current datagram source at time
 * stamp t (seconds). 0 if it cannot. */
static int cookie_at(struct enetgo_dtls *d, uint32_t t, unsigned char out[COOKIE_LEN])
{
	if (!d->have_cur)
		return 0;
	unsigned char msg[4 + 20], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	msg[0] = (unsigned char)(t >> 24), msg[1] = (unsigned char)(t >> 16);
	msg[2] = (unsigned char)(t >> 8), msg[3] = (unsigned char)t;
	size_t n = 4 + addr_bytes(&d->cur_sa, msg + 4);
	if (HMAC(EVP_sha256(), d->cookie_key, sizeof d->cookie_key, msg, n, mac, &maclen) == NULL ||
	    maclen < COOKIE_LEN - 4)
		return 0;
	memcpy(out, msg, 4);
	memcpy(out + 4, mac, COOKIE_LEN - 4);
	return 1;
}

static uint32_t now_s(void)
{
	return (uint32_t)(now_ms() / 1000);
}

static int cookie_generate(SSL *ssl, unsigned char *cookie, unsigned int *len)
{
	struct enetgo_dtls *d = SSL_get_app_data(ssl);
	if (d == NULL || !cookie_at(d, now_s(), cookie))
		return 0;
	*len = COOKIE_LEN;
	return 1;
}

static int cookie_verify(SSL *ssl, const unsigned char *cookie, unsigned int len)
{
	struct enetgo_dtls *d = SSL_get_app_data(ssl);
	unsigned char want[COOKIE_LEN];
	if (d == NULL || len != COOKIE_LEN)
		return 0;
	uint32_t t = (uint32_t)cookie[0] << 24 | (uint32_t)cookie[1] << 16 | (uint32_t)cookie[2] << 8 | cookie[3];
	uint32_t now = now_s();
	if (t > now || now - t > COOKIE_SECONDS || !cookie_at(d, t, want))
		return 0;
	return CRYPTO_memcmp(want, cookie, COOKIE_LEN) == 0;
}

/* new_ssl makes an SSL on two memory BIOs for d. */
static SSL *new_ssl(struct enetgo_dtls *d, BIO **rbio, BIO **wbio)
{
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
	SSL_set_app_data(ssl, d);
	DTLS_set_link_mtu(ssl, DATAGRAM_MAX);
	*rbio = rb;
	*wbio = wb;
	return ssl;
}

/* new_listener makes the server's listener SSL; 0 if it cannot. */
static int new_listener(struct enetgo_dtls *d)
{
	d->listener = new_ssl(d, &d->lrb, &d->lwb);
	if (d->listener == NULL)
		return 0;
	SSL_set_accept_state(d->listener);
	return 1;
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
		SSL_CTX_set_options(d->ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
		SSL_CTX_set_cookie_generate_cb(d->ctx, cookie_generate);
		SSL_CTX_set_cookie_verify_cb(d->ctx, cookie_verify);
		d->laddr = BIO_ADDR_new();
		ok = d->laddr != NULL && RAND_bytes(d->cookie_key, sizeof d->cookie_key) == 1 && new_listener(d);
		if (!ok)
			snprintf(err, err_len, "cannot set up DTLS cookies");
	}
	if (ok) {
		/* The rest of the chain, if the PEM holds one. */
		X509 *extra;
		while ((extra = PEM_read_bio_X509(cb, NULL, NULL, NULL)) != NULL)
			if (SSL_CTX_add0_chain_cert(d->ctx, extra) != 1)
				X509_free(extra);
	}
	if (!ok && d->laddr == NULL)
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
	/* As Godot's TLSOptions.client_unsafe (tls_context_mbedtls.cpp): no
	 * host name (neither SNI nor its check), and the chain is verified
	 * only if CA certificates are given. */
	if (!unsafe)
		snprintf(d->hostname, sizeof d->hostname, "%s", hostname);
	int n = 0;
	if (ca_len > 0) {
		X509_STORE *store = SSL_CTX_get_cert_store(d->ctx);
		BIO *b = BIO_new_mem_buf(ca, (int)ca_len);
		X509 *x;
		while (b != NULL && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
			if (X509_STORE_add_cert(store, x) == 1)
				n++;
			X509_free(x);
		}
		BIO_free(b);
		ERR_clear_error();
	}
	if (n == 0 && (!unsafe || ca_len > 0)) {
		snprintf(err, err_len, "no PEM CA certificate to verify the server with");
		ctx_free(d);
		return -1;
	}
	SSL_CTX_set_verify(d->ctx, n > 0 ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
	dtls_register(h, d);
	return 0;
}

static unsigned hash_addr(const struct enetgo_dtls *d, const ENetAddress *a)
{
	uint32_t x = a->host ^ ((uint32_t)a->port * 0x9E3779B1u);
	x ^= x >> 16;
	x *= 0x85EBCA6Bu;
	x ^= x >> 13;
	return x & d->mask;
}

static void hash_remove(struct enetgo_dtls *d, struct session *s)
{
	int i = (int)(s - d->s);
	for (int *pp = &d->bucket[hash_addr(d, &s->addr)]; *pp >= 0; pp = &d->s[*pp].hnext) {
		if (*pp == i) {
			*pp = s->hnext;
			return;
		}
	}
}

static void session_free(struct enetgo_dtls *d, struct session *s)
{
	if (s->state == FREE)
		return;
	hash_remove(d, s);
	if (s->state == HANDSHAKING)
		d->handshaking--;
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

void enetgo_dtls_cipher(enetgo_host *h, char *out, size_t len)
{
	snprintf(out, len, "%s", h->dtls != NULL ? h->dtls->cipher : "");
}

void enetgo_dtls_offered(enetgo_host *h, char *out, size_t len)
{
	snprintf(out, len, "%s", h->dtls != NULL ? h->dtls->offered : "");
}

int enetgo_dtls_restrict_ciphers(enetgo_host *h, const char *list)
{
	struct enetgo_dtls *d = h->dtls;
	int ok = d != NULL && SSL_CTX_set_cipher_list(d->ctx, list) == 1 &&
	         (d->listener == NULL || SSL_set_cipher_list(d->listener, list) == 1);
	ERR_clear_error();
	return ok ? 0 : -1;
}

int64_t enetgo_dtls_live(void)
{
	return __atomic_load_n(&live_sessions, __ATOMIC_RELAXED);
}

static struct session *lookup(struct enetgo_dtls *d, const ENetAddress *a)
{
	for (int i = d->bucket[hash_addr(d, a)]; i >= 0; i = d->s[i].hnext)
		if (d->s[i].addr.host == a->host && d->s[i].addr.port == a->port)
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

/* flush_to sends what OpenSSL wrote to wbio to a, cut at record
 * boundaries into datagrams of at most DATAGRAM_MAX bytes (a longer
 * record alone). It returns the number of datagrams sent. */
static int flush_to(struct enetgo_dtls *d, BIO *wbio, const ENetAddress *a)
{
	uint8_t buf[16384 + 2 * RECORD_HEADER];
	int have = 0, sent = 0;
	struct sockaddr_in6 sa;
	socklen_t len = to_sa(&sa, d->sock, a);
	for (;;) {
		int r = BIO_read(wbio, buf + have, (int)sizeof buf - have);
		if (r > 0)
			have += r;
		if (have == 0)
			return sent;
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
			sent++;
			off = end;
		}
		memmove(buf, buf + off, (size_t)(have - off));
		have -= off;
		if (r <= 0 && have == 0)
			return sent;
		if (r <= 0)
			return sent; /* a partial record with nothing more to come: dropped */
	}
}

static void flush(struct enetgo_dtls *d, struct session *s)
{
	flush_to(d, s->wbio, &s->addr);
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

/* record_offered keeps the names of the suites the client offered (those
 * OpenSSL knows), in the client's order. */
static void record_offered(struct enetgo_dtls *d, SSL *ssl)
{
	STACK_OF(SSL_CIPHER) *cs = SSL_get_client_ciphers(ssl);
	size_t off = 0;
	d->offered[0] = '\0';
	for (int i = 0; cs != NULL && i < sk_SSL_CIPHER_num(cs); i++) {
		const char *name = SSL_CIPHER_get_name(sk_SSL_CIPHER_value(cs, i));
		int n = snprintf(d->offered + off, sizeof d->offered - off, "%s%s", off ? ":" : "", name);
		if (n < 0 || (size_t)n >= sizeof d->offered - off)
			break;
		off += (size_t)n;
	}
}

/* step advances s's handshake and sends what it produced. */
static void step(struct enetgo_dtls *d, struct session *s)
{
	int r = SSL_do_handshake(s->ssl);
	flush(d, s);
	if (r == 1) {
		s->state = ESTABLISHED;
		d->handshaking--;
		d->stats.handshakes++;
		snprintf(d->cipher, sizeof d->cipher, "%s", SSL_get_cipher_name(s->ssl));
		if (d->server)
			record_offered(d, s->ssl);
		return;
	}
	int e = SSL_get_error(s->ssl, r);
	if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
		fail(d, s, "DTLS handshake failed");
}

/* has_room reports whether a new handshake may start. */
static int has_room(struct enetgo_dtls *d)
{
	return d->handshaking < MAX_HANDSHAKING;
}

/* adopt makes s the session of a with ssl (and its BIOs). */
static void adopt(struct enetgo_dtls *d, struct session *s, const ENetAddress *a, SSL *ssl, BIO *rb,
                  BIO *wb)
{
	s->ssl = ssl;
	s->rbio = rb;
	s->wbio = wb;
	s->addr = *a;
	s->state = HANDSHAKING;
	s->started = now_ms();
	unsigned b = hash_addr(d, a);
	s->hnext = d->bucket[b];
	d->bucket[b] = (int)(s - d->s);
	d->handshaking++;
	d->stats.sessions++;
	__atomic_add_fetch(&live_sessions, 1, __ATOMIC_RELAXED);
}

/* open_session opens the client's session with a. */
static struct session *open_session(struct enetgo_dtls *d, const ENetAddress *a)
{
	if (!has_room(d))
		return NULL;
	struct session *s = slot(d);
	if (s == NULL)
		return NULL;
	BIO *rb, *wb;
	SSL *ssl = new_ssl(d, &rb, &wb);
	if (ssl == NULL)
		return NULL;
	SSL_set_connect_state(ssl);
	if (d->hostname[0] != '\0') {
		SSL_set_tlsext_host_name(ssl, d->hostname);
		SSL_set1_host(ssl, d->hostname);
	}
	adopt(d, s, a, ssl, rb, wb);
	return s;
}

/* listen hands a handshake datagram (already in the listener's read BIO)
 * from a new endpoint a to the listener: without a valid cookie it is
 * answered with a HelloVerifyRequest and nothing is kept; with one the
 * listener becomes a's session, which is returned, and replaces old (if
 * not NULL). */
static struct session *listen_new(struct enetgo_dtls *d, const ENetAddress *a, struct session *old)
{
	int r = DTLSv1_listen(d->listener, d->laddr);
	if (flush_to(d, d->lwb, a) > 0)
		d->stats.cookies++;
	BIO_reset(d->lrb);
	if (r != 1) {
		ERR_clear_error();
		if (r < 0)
			d->stats.dropped++;
		return NULL;
	}
	if (old != NULL)
		session_free(d, old); /* the client started over */
	struct session *s = slot(d);
	if (s == NULL) {
		d->stats.dropped++; /* no room: the client sends its ClientHello again */
		return NULL;
	}
	adopt(d, s, a, d->listener, d->lrb, d->lwb);
	d->listener = NULL;
	if (!new_listener(d))
		ERR_clear_error(); /* made again on the next new endpoint */
	return s;
}

/* timers retransmits handshake flights and ends handshakes that took too
 * long. */
static void timers(struct enetgo_dtls *d)
{
	if (d->handshaking == 0)
		return;
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
		if (d->server) {
			d->cur_sa = sa;
			d->have_cur = 1;
		}
		struct session *s = lookup(d, addr);
		if (s == NULL) {
			if (!d->server || r < RECORD_HEADER || buf[0] != CT_HANDSHAKE || !has_room(d) ||
			    (d->listener == NULL && !new_listener(d))) {
				d->stats.dropped++; /* plain ENet, stray, or too many handshakes */
				continue;
			}
			BIO_write(d->lrb, buf, (int)r);
			s = listen_new(d, addr, NULL);
			if (s == NULL)
				continue;
			step(d, s);
			continue;
		}
		if (d->server && s->state == ESTABLISHED && r > 25 && buf[0] == CT_HANDSHAKE && buf[3] == 0 &&
		    buf[4] == 0 && buf[13] == 1) {
			/* A ClientHello in epoch 0 on an established session: the
			 * client started over from the same port (RFC 6347
			 * 4.2.8; mbedTLS's servers do the same). It goes through
			 * the cookie exchange, and with a valid cookie replaces
			 * the session; the old session's ENet peer times out. */
			if (!has_room(d) || (d->listener == NULL && !new_listener(d))) {
				d->stats.dropped++;
				continue;
			}
			BIO_write(d->lrb, buf, (int)r);
			struct session *n = listen_new(d, addr, s);
			if (n != NULL)
				step(d, n);
			continue;
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
