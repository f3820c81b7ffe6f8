/*
 * batchclient: a load client in C with the structure of package enet's
 * service loop, for bench/run.sh's "client" section. Written for this
 * project; the client-side twin of batchloop. It runs the binding's own C
 * glue (cenet/host.c, cenet/alloc.c) the way gobench's client does through
 * Host.ServiceBatch: drain up to 64 events per call (enetgo_send_service),
 * answer each received packet with a new one appended to a send arena (the
 * deferred sends of Peer.Send), hand the arena to ENet with the next drain,
 * and sleep in enetgo_wait (poll on the socket and the wake-up eventfd)
 * when a drain comes back empty. No Go is involved: against enetbench's
 * client it measures the binding's structure, against gobench's client
 * the cost of running that structure from Go.
 *
 *   batchclient -mode client -workload W [-addr 127.0.0.1] [-port 7777]
 *               [-duration 2] [-warmup 0.5] [-delay 0]
 *
 * W is one of enetbench's workloads. -delay N busy-waits N nanoseconds
 * before each drain that hands over packets: extra work between receiving
 * a batch and answering it, to measure how the exchange rate responds to
 * a slower client. Prints one RESULT line, as enetbench does (impl=batch).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "benchutil.h"
#include "workloads.h"
#include "../../cenet/alloc.h"
#include "../../cenet/host.h"

#define BATCH 64
#define MAX_SIZE 1024

int main(int argc, char **argv)
{
	const char *addr = "127.0.0.1", *wname = "rel32";
	int port = 7777;
	double duration = 2, warmup = 0.5, delay = 0;
	const char *k, *v;
	for (int i = 1; next_flag(argc, argv, &i, &k, &v);) {
		if (strcmp(k, "addr") == 0)
			addr = v;
		else if (strcmp(k, "port") == 0)
			port = atoi(v);
		else if (strcmp(k, "workload") == 0)
			wname = v;
		else if (strcmp(k, "duration") == 0)
			duration = atof(v);
		else if (strcmp(k, "warmup") == 0)
			warmup = atof(v);
		else if (strcmp(k, "delay") == 0)
			delay = atof(v) / 1e9;
		else if (strcmp(k, "mode") != 0) {
			fprintf(stderr, "batchclient: unknown argument -%s\n", k);
			return 2;
		}
	}
	const struct workload *w = find_workload(wname);
	struct in_addr ip;
	if (w == NULL || inet_pton(AF_INET, addr, &ip) != 1) {
		fprintf(stderr, "batchclient: unknown workload %s or bad address %s\n", wname, addr);
		return 2;
	}
	if (enetgo_init(0, 1) != 0)
		return 1;
	catch_signals();
	int err;
	enetgo_host *h = enetgo_host_create(0, 0, 0, 0, 1, 1, 0, 0, BATCH, &err);
	if (h == NULL) {
		fprintf(stderr, "batchclient: cannot create host (%d)\n", err);
		return 1;
	}
	int slot = enetgo_connect(h, ip.s_addr, (uint16_t)port, 1, 0);
	if (slot < 0) {
		fprintf(stderr, "batchclient: cannot connect\n");
		return 1;
	}
	static enetgo_send_rec recs[BATCH];
	static uint8_t arena[BATCH * MAX_SIZE];
	memset(arena, 'x', sizeof arena);
	int nrec = 0, inflight = 0, connected = 0, phase = -1; /* -1 connecting, 0 warm-up, 1 measuring */
	unsigned long long counted = 0, lost = 0;
	double start = now_s(), t0 = 0, c0 = 0, last_recv = start, t = start;
	for (;;) {
		t = now_s();
		if (phase == -1 && connected) {
			phase = 0;
			start = t;
		} else if (phase == 0 && t - start >= warmup) {
			phase = 1;
			t0 = t;
			c0 = cpu_s();
		} else if (stop || (phase == 1 && t - t0 >= duration)) {
			break;
		} else if (phase == -1 && t - start > 10) {
			fprintf(stderr, "batchclient: connect timed out\n");
			return 1;
		}
		if (nrec > 0 && delay > 0)
			for (double d0 = now_s(); now_s() - d0 < delay;)
				;
		int n = enetgo_send_service(h, recs, nrec, arena, 1);
		nrec = 0;
		for (int i = 0; i < n; i++) {
			const enetgo_event *e = &h->events[i];
			if (e->type == ENET_EVENT_TYPE_CONNECT) {
				connected = 1;
				last_recv = t;
			} else if (e->type == ENET_EVENT_TYPE_RECEIVE) {
				inflight--;
				last_recv = t;
				if (phase == 1)
					counted++;
			} else if (e->type == ENET_EVENT_TYPE_DISCONNECT) {
				fprintf(stderr, "batchclient: disconnected by server\n");
				return 1;
			}
		}
		if (connected && inflight > 0 && t - last_recv > 0.02 &&
		    !(w->flags & ENET_PACKET_FLAG_RELIABLE)) {
			lost += (unsigned long long)inflight; /* unreliable: refill */
			inflight = 0;
			last_recv = t;
		}
		while (connected && inflight < w->window && nrec < BATCH) {
			recs[nrec] = (enetgo_send_rec){(uint32_t)slot, 0, w->flags, (uint32_t)w->size,
			                               (uint64_t)nrec * MAX_SIZE};
			nrec++;
			inflight++;
		}
		if (n == 0 && nrec == 0 && !h->rx_pending)
			enetgo_wait(h->host->socket, h->wake_fd, 1000000, 0);
	}
	double secs = t - t0;
	printf("RESULT impl=batch workload=%s conns=1 size=%zu window=%d secs=%.3f msgs=%llu "
	       "rate=%.0f rtt_us=%.2f lost=%llu cpu_s=%.3f\n",
	       w->name, w->size, w->window, secs, counted, (double)counted / secs,
	       counted > 0 ? secs * 1e6 / ((double)counted / w->window) : 0.0, lost, cpu_s() - c0);
	enetgo_host_destroy(h);
	return 0;
}
