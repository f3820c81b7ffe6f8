/* IPv6 for hosts whose libenet's socket calls do not reach the binding:
 * a per-host relay thread; see relay6.c and DESIGN.md "IPv6". Written for
 * this project. */
#ifndef ENETGO_RELAY6_H
#define ENETGO_RELAY6_H

#include <stdint.h>
#include <netinet/in.h>
#include <enet/enet.h>
#include "host.h"

/* A remote IPv6 endpoint (address, scope and port) reaches ENet as the
 * stand-in 127.100.x.y:R, where R is the relay socket's port and
 * x.y = table index + 1. No other socket can send from port R (the relay
 * holds it), so a stand-in never names a real IPv4 sender. */
#define ENETGO_R6_OCTET2 100
#define ENETGO_R6_MAX 16384 /* most table entries of one host */

/* enetgo_r6_available says whether relayed hosts can be built here (Linux:
 * IP_PKTINFO source addresses and all of 127.0.0.0/8 local). */
int enetgo_r6_available(void);

/* enetgo_r6_forced says whether ENETGO_IPV6_RELAY=1 is in the environment
 * (dual-stack hosts then use the relay even where ENet's socket calls
 * reach the binding). */
int enetgo_r6_forced(void);

/* enetgo_r6_enable gives h (created unbound by ENet) a relay. The public
 * socket is AF_INET6 with IPV6_V6ONLY on, bound to ip6:port (port 0: the
 * OS picks). With dual set (ip6 is ::), ENet's own socket is bound to
 * 0.0.0.0 on the same port and serves IPv4 directly; otherwise ENet's
 * socket is bound to 127.0.0.1:0, reached only through the relay. With
 * client set, nothing is bound by the caller: ENet's socket is bound to
 * 0.0.0.0:0 if it is not yet, and the public socket takes the same port
 * if free, another if not. SO_REUSEPORT is set on both when reuseport is.
 * Returns 0, or 1 (socket), 2 (bind), 3 (memory or thread), 4 (not
 * available), 5 (no IPv6 in the kernel). */
int enetgo_r6_enable(enetgo_host *h, int dual, int client, const uint8_t ip6[16], uint16_t port,
                     int reuseport);

/* enetgo_r6_free stops the relay thread and frees everything
 * (enetgo_host_destroy calls it before ENet's socket closes). */
void enetgo_r6_free(enetgo_host *h);

/* enetgo_r6_service_enter and _leave bracket a service call of h, so the
 * relay thread never sweeps while ENet may be handling a datagram. */
void enetgo_r6_service_enter(enetgo_host *h);
void enetgo_r6_service_leave(enetgo_host *h);

/* enetgo_r6_connect interns the endpoint and starts an ENet connection to
 * its stand-in, under the table's lock (so no sweep runs between the two);
 * the peer's slot, -1 (no slot) or -2 (table full). */
int enetgo_r6_connect(enetgo_host *h, const uint8_t ip6[16], uint32_t scope, uint16_t port,
                      size_t channels, uint32_t data);

/* enetgo_r6_standin says whether addr is one of h's stand-ins. */
int enetgo_r6_standin(enetgo_host *h, enet_uint32 host, uint16_t port);

/* enetgo_r6_lookup writes the endpoint a stand-in stands for; 0, or -1
 * when it is none of h's. */
int enetgo_r6_lookup(enetgo_host *h, enet_uint32 host, uint16_t port, uint8_t ip6[16],
                     uint32_t *scope, uint16_t *rport);

/* enetgo_r6_intern returns the stand-in host value for an endpoint,
 * allocating an entry (0 when the table is full); a test instrument. */
enet_uint32 enetgo_r6_intern(enetgo_host *h, const uint8_t ip6[16], uint32_t scope, uint16_t port);

/* enetgo_r6_stats reads the relay's counters. */
typedef struct {
	int used, cap;
	uint64_t dropped;   /* datagrams from new endpoints dropped: table full */
	uint64_t sweeps;    /* sweeps run */
	uint64_t in, out;   /* datagrams relayed to ENet, and from it */
	uint64_t refused;   /* datagrams on the relay port not from ENet's socket */
	uint16_t port;      /* the relay socket's port R */
} enetgo_r6_stats_t;
void enetgo_r6_stats(enetgo_host *h, enetgo_r6_stats_t *out);

/* enetgo_r6_local reads the public socket's address (port 0 before a
 * client's relay starts); 0 or -1. */
int enetgo_r6_local(enetgo_host *h, uint8_t ip6[16], uint16_t *port);

/* enetgo_r6_socket_send sends a raw datagram to an IPv6 endpoint from the
 * public socket; bytes or -1. */
int enetgo_r6_socket_send(enetgo_host *h, const uint8_t ip6[16], uint32_t scope, uint16_t port,
                          const void *data, size_t length);

#endif
