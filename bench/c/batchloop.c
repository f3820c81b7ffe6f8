/*
 * batchloop: an echo server in C with the structure of package enet's
 * service loop, for bench/run.sh's "wait" section. Written for this
 * project. It runs the binding's own C glue (cenet/host.c, cenet/alloc.c)
 * the way the Go side does: drain up to 256 events per call
 * (enetgo_send_service), answer every received packet by appending it to a
 * send arena (the deferred sends of Peer.Send), hand the arena to ENet with
 * the next drain, and sleep in enetgo_wait (poll on the socket and the
 * wake-up eventfd) when a drain comes back empty. No Go is involved: the
 * difference between this and enetbench's server is the cost of the
 * binding's structure, the difference between this and gobench's server
 * the cost of running it from Go.
 *
 *   batchloop -mode server [-addr 127.0.0.1] [-port 7777] [-peers 64]
 *
 * On SIGINT or SIGTERM prints one SERVER line, as enetbench does.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "benchutil.h"
#include "../../cenet/alloc.h"
#include "../../cenet/host.h"

#define BATCH 256

int main(int argc, char **argv)
{
	const char *addr = "127.0.0.1";
	int port = 7777, peers = 64;
	const char *k, *v;
	for (int i = 1; next_flag(argc, argv, &i, &k, &v);) {
		if (strcmp(k, "addr") == 0)
			addr = v;
		else if (strcmp(k, "port") == 0)
			port = atoi(v);
		else if (strcmp(k, "peers") == 0)
			peers = atoi(v);
		else if (strcmp(k, "mode") != 0) {
			fprintf(stderr, "batchloop: unknown argument -%s\n", k);
			return 2;
		}
	}
	struct in_addr ip;
	if (inet_pton(AF_INET, addr, &ip) != 1) {
		fprintf(stderr, "batchloop: bad address %s\n", addr);
		return 2;
	}
	if (enetgo_init(0, 1) != 0)
		return 1;
	catch_signals();
	int err;
	enetgo_host *h = enetgo_host_create(1, ip.s_addr, (uint16_t)port, 0, (size_t)peers, 1, 0, 0,
	                                    BATCH, &err);
	if (h == NULL) {
		fprintf(stderr, "batchloop: cannot bind %s:%d (%d)\n", addr, port, err);
		return 1;
	}
	static enetgo_send_rec recs[BATCH];
	static uint8_t arena[BATCH * 4096];
	int nrec = 0;
	size_t used = 0;
	unsigned long long echoed = 0;
	double t0 = now_s(), c0 = cpu_s();
	while (!stop) {
		int n = enetgo_send_service(h, recs, nrec, arena, 1);
		nrec = 0;
		used = 0;
		if (n == 0 && !h->rx_pending) {
			enetgo_wait(h->host->socket, h->wake_fd, 100000000, 0);
			continue;
		}
		for (int i = 0; i < n; i++) {
			const enetgo_event *e = &h->events[i];
			if (e->type != ENET_EVENT_TYPE_RECEIVE || e->length > 4096)
				continue;
			memcpy(arena + used, e->bytes, e->length);
			recs[nrec++] = (enetgo_send_rec){e->slot, e->channel, e->flags, e->length, used};
			used += e->length;
			echoed++;
		}
	}
	printf("SERVER impl=batchloop echoed=%llu wall_s=%.3f cpu_s=%.3f dgrams_in=%u dgrams_out=%u\n",
	       echoed, now_s() - t0, cpu_s() - c0, h->host->totalReceivedPackets,
	       h->host->totalSentPackets);
	enetgo_host_destroy(h);
	return 0;
}
