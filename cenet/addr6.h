/* Dual-stack (IPv6 and IPv4) hosts over the IPv4-only ENetAddress of the
 * system's libenet; see addr6.c and DESIGN.md "IPv6". Written for this
 * project. */
#ifndef ENETGO_ADDR6_H
#define ENETGO_ADDR6_H

#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <enet/enet.h>
#include "host.h"

/* A synthetic ENet host value stands for one remote IPv6 address of a
 * dual-stack host: 240.x.y.z (the reserved class E block, never a real
 * sender: datagrams from 240.0.0.0/8 are dropped on dual-stack hosts),
 * with x.y.z = table index + 1. The port stays the real one. */
#define ENETGO_A6_OCTET 240
#define ENETGO_A6_MAX 16384 /* most table entries of one host */

/* enetgo_a6_synthetic says whether an ENet host value (network order) is
 * in the synthetic block. */
static inline int enetgo_a6_synthetic(enet_uint32 host)
{
	return ((const uint8_t *)&host)[0] == ENETGO_A6_OCTET;
}

/* enetgo_a6_hash mixes an IPv6 address with seed (its scope id, and for
 * the relay's per-endpoint table the port too) into a hash-table index. */
static inline uint32_t enetgo_a6_hash(const struct in6_addr *a, uint32_t seed)
{
	uint32_t w[4], x = seed * 0x9e3779b9u;
	memcpy(w, a, sizeof w);
	for (int i = 0; i < 4; i++) {
		x ^= w[i];
		x *= 0x85ebca6bu;
		x ^= x >> 13;
	}
	return x;
}

/* enetgo_a6_enable gives h a dual-stack socket in place of ENet's IPv4 one
 * (same descriptor number, dup2), bound to ip6:port when bind is set
 * (SO_REUSEPORT first when reuseport is set), and the host's address
 * table of peers+256 entries (at most ENETGO_A6_MAX). It needs batchio.c's
 * interposition to be active (enetgo_io_status() == ENETGO_IO_ON).
 * Returns 0, or 1 (socket), 2 (bind), 3 (memory), 4 (not available). */
int enetgo_a6_enable(enetgo_host *h, int bind, const uint8_t ip6[16], uint16_t port,
                     int reuseport);

/* enetgo_a6_free releases h's table (enetgo_host_destroy calls it). */
void enetgo_a6_free(enetgo_host *h);

/* enetgo_a6_from turns a datagram's sender into ENet's address: IPv4 and
 * IPv4-mapped senders as plain IPv4, an IPv6 one as its synthetic value
 * (allocating a table entry). h may be NULL (the host is then found by
 * its socket). Returns 0, or -1 to drop the datagram (table full, or an
 * IPv4 sender inside the synthetic block). */
int enetgo_a6_from(enetgo_host *h, ENetSocket sock, ENetAddress *out,
                   const struct sockaddr_in6 *sa);

/* enetgo_a6_to fills sa with the IPv6 destination a synthetic address
 * stands for and returns its length, or 0 when addr is not one of h's
 * (then the caller sends as IPv4). h may be NULL. */
int enetgo_a6_to(enetgo_host *h, ENetSocket sock, struct sockaddr_in6 *sa,
                 const ENetAddress *addr);

/* enetgo_a6_intern returns the synthetic host value for ip6 (zone scope)
 * in h's table, allocating an entry, or 0 when the table is full (a
 * connect to an IPv6 address). */
enet_uint32 enetgo_a6_intern(enetgo_host *h, const uint8_t ip6[16], uint32_t scope);

/* enetgo_a6_lookup writes the IPv6 address a synthetic host value stands
 * for; 0, or -1 when it is not in h's table. */
int enetgo_a6_lookup(enetgo_host *h, enet_uint32 host, uint8_t ip6[16], uint32_t *scope);

/* enetgo_a6_stats reads the table's counters: entries in use, capacity,
 * datagrams dropped because the table was full, sweeps run. */
void enetgo_a6_stats(enetgo_host *h, int *used, int *cap, uint64_t *dropped,
                     uint64_t *sweeps);

/* enetgo_a6_local reads the socket's bound address: family AF_INET or
 * AF_INET6, the address in ip6 (IPv4 in its first 4 bytes); 0 or -1. */
int enetgo_a6_local(enetgo_host *h, int *family, uint8_t ip6[16], uint16_t *port);

/* enetgo_a6_socket_send sends one raw datagram to an IPv6 address from a
 * dual-stack host's socket; bytes sent or -1. */
int enetgo_a6_socket_send(enetgo_host *h, const uint8_t ip6[16], uint32_t scope,
                          uint16_t port, const void *data, size_t length);

/* enetgo_resolve resolves name with getaddrinfo(3) as Godot 4's IP class
 * does (family AF_UNSPEC with AI_ADDRCONFIG for "any", or AF_INET) and
 * writes the first address: returns AF_INET or AF_INET6, or -1. */
int enetgo_resolve(const char *name, int any, uint8_t ip6[16], uint32_t *scope);

#endif
