/* DTLS 1.2 under ENet, as Godot 4's ENetConnection.dtls_server_setup /
 * dtls_client_setup: every ENet datagram is one DTLS record. System
 * OpenSSL on memory BIOs; see dtls.c and DESIGN.md "DTLS". Written for
 * this project. */
#ifndef ENETGO_DTLS_H
#define ENETGO_DTLS_H

#include <stddef.h>
#include <stdint.h>
#include <enet/enet.h>
#include "host.h"

/* enetgo_dtls_hosts counts hosts with DTLS in the process: while it is
 * 0, batchio.c's socket calls skip DTLS with one relaxed load. */
extern int enetgo_dtls_hosts;

static inline int enetgo_dtls_active(void)
{
	return __atomic_load_n(&enetgo_dtls_hosts, __ATOMIC_RELAXED) != 0;
}

/* enetgo_dtls_server_setup makes h a DTLS server with the PEM
 * certificate chain and key; enetgo_dtls_client_setup a DTLS client that
 * verifies the server's certificate against the PEM CA certificates and
 * hostname (ca may be empty with unsafe set: no verification, Godot's
 * TLSOptions.client_unsafe). Return 0, or -1 with err filled. */
int enetgo_dtls_server_setup(enetgo_host *h, const char *cert, size_t cert_len, const char *key,
                             size_t key_len, char *err, size_t err_len);
int enetgo_dtls_client_setup(enetgo_host *h, const char *hostname, const char *ca, size_t ca_len,
                             int unsafe, char *err, size_t err_len);

/* enetgo_dtls_free releases h's DTLS state (enetgo_host_destroy). */
void enetgo_dtls_free(enetgo_host *h);

typedef struct {
	uint64_t handshakes; /* completed */
	uint64_t failures;   /* handshakes that failed or timed out */
	uint64_t dropped;    /* datagrams dropped: not DTLS, no session, too many handshakes */
	uint64_t cookies;    /* server: HelloVerifyRequests sent (ClientHellos without a valid cookie) */
	int sessions;        /* live sessions */
	int failed;          /* client: its handshake failed (no retry) */
} enetgo_dtls_stats;

void enetgo_dtls_read_stats(enetgo_host *h, enetgo_dtls_stats *out);

/* enetgo_dtls_last_error copies the reason of the last failed handshake. */
void enetgo_dtls_last_error(enetgo_host *h, char *out, size_t len);

/* enetgo_dtls_cipher copies the suite of the last completed handshake;
 * enetgo_dtls_offered (server) the suites its client offered, in the
 * client's order, as OpenSSL names those it knows. */
void enetgo_dtls_cipher(enetgo_host *h, char *out, size_t len);
void enetgo_dtls_offered(enetgo_host *h, char *out, size_t len);

/* enetgo_dtls_restrict_ciphers narrows h's suites to list (OpenSSL's
 * names) for the sessions it opens from now on (tests). 0 or -1. */
int enetgo_dtls_restrict_ciphers(enetgo_host *h, const char *list);

/* enetgo_dtls_live returns the DTLS sessions alive in the process (tests). */
int64_t enetgo_dtls_live(void);

/* Called by batchio.c's socket calls while enetgo_dtls_active(): when
 * sock is a DTLS host's, set *handled and return what ENet's call
 * returns. */
int enetgo_dtls_send(ENetSocket sock, const ENetAddress *addr, const ENetBuffer *bufs, size_t n,
                     int *handled);
int enetgo_dtls_receive(ENetSocket sock, ENetAddress *addr, ENetBuffer *bufs, size_t n,
                        int *handled);

#endif
