/*
 * enetbench: the C side of the Go/C comparison in bench/run.sh. Written for
 * this project; it uses the system's ENet through its public API only.
 *
 * Modes (the Go twin, bench/cmd/gobench, takes the same flags and prints the
 * same lines):
 *
 *   enetbench -mode server [-addr 127.0.0.1] [-port 7777] [-peers 64]
 *       Echoes every packet back on its channel with its flags, as a new
 *       packet (what a server replying with its own bytes does). On SIGINT
 *       or SIGTERM prints one SERVER line and exits.
 *
 *   enetbench -mode client -workload W [-conns 1] [-duration 2] [-warmup 0.5]
 *       W is rel32 (32 B reliable, 64 in flight), unrel32 (32 B unreliable,
 *       64 in flight, lost ones refilled after 20 ms), rel1k (1 KiB
 *       reliable, 64 in flight) or pingpong (32 B reliable, 1 in flight).
 *       Prints one RESULT line.
 *
 * -pool (either mode) gives ENet the Go binding's small-block allocator
 * (cenet/alloc.c, compiled in by run.sh) through
 * enet_initialize_with_callbacks, for a C-to-Go comparison with the same
 * allocator on both sides; without it ENet uses malloc and free.
 *
 * Output, one line each, key=value:
 *   RESULT impl=c workload=rel32 conns=1 size=32 window=64 secs=2.000 msgs=N
 *          rate=N rtt_us=X lost=N cpu_s=X
 *   SERVER impl=c echoed=N wall_s=X cpu_s=X dgrams_in=N dgrams_out=N
 */
#include <enet/enet.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "benchutil.h"
#include "workloads.h"

#ifdef ENETBENCH_POOL
#include "../../cenet/alloc.h"
#endif

struct opts {
	const char *mode, *addr, *workload;
	int port, peers, conns, pool;
	double duration, warmup;
};

/* flag accepts "-name value", "-name=value" and the "--" forms, like Go's
 * flag package, so both harnesses share one command line. */
static int flag(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (a[0] != '-')
		return 0;
	a += (a[1] == '-') ? 2 : 1;
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] == '\0' && *i + 1 < argc) {
		*val = argv[++*i];
		return 1;
	}
	return 0;
}

static void parse(int argc, char **argv, struct opts *o)
{
	o->mode = "client";
	o->addr = "127.0.0.1";
	o->workload = "rel32";
	o->port = 7777;
	o->peers = 64;
	o->conns = 1;
	o->duration = 2;
	o->warmup = 0.5;
	for (int i = 1; i < argc; i++) {
		const char *v;
		if (flag(argc, argv, &i, "mode", &v))
			o->mode = v;
		else if (flag(argc, argv, &i, "addr", &v))
			o->addr = v;
		else if (flag(argc, argv, &i, "workload", &v))
			o->workload = v;
		else if (flag(argc, argv, &i, "port", &v))
			o->port = atoi(v);
		else if (flag(argc, argv, &i, "peers", &v))
			o->peers = atoi(v);
		else if (flag(argc, argv, &i, "conns", &v))
			o->conns = atoi(v);
		else if (flag(argc, argv, &i, "duration", &v))
			o->duration = atof(v);
		else if (flag(argc, argv, &i, "warmup", &v))
			o->warmup = atof(v);
		else if (strcmp(argv[i], "-pool") == 0 || strcmp(argv[i], "--pool") == 0)
			o->pool = 1;
		else if (flag(argc, argv, &i, "shards", &v))
			; /* Go only; accepted so run.sh can pass one command line */
		else {
			fprintf(stderr, "enetbench: unknown argument %s\n", argv[i]);
			exit(2);
		}
	}
}

static int run_server(const struct opts *o)
{
	ENetAddress addr;
	enet_address_set_host_ip(&addr, o->addr);
	addr.port = (enet_uint16)o->port;
	ENetHost *h = enet_host_create(&addr, (size_t)o->peers, 1, 0, 0);
	if (h == NULL) {
		fprintf(stderr, "enetbench: cannot bind %s:%d\n", o->addr, o->port);
		return 1;
	}
	fprintf(stderr, "enetbench: server on %s:%d\n", o->addr, o->port);
	fflush(stderr);
	uint64_t echoed = 0;
	double t0 = now_s(), c0 = cpu_s();
	while (!stop) {
		ENetEvent ev;
		int r = enet_host_service(h, &ev, 100);
		if (r <= 0 || ev.type != ENET_EVENT_TYPE_RECEIVE)
			continue;
		ENetPacket *out = enet_packet_create(ev.packet->data, ev.packet->dataLength,
		                                     ev.packet->flags);
		if (out != NULL && enet_peer_send(ev.peer, ev.channelID, out) < 0)
			enet_packet_destroy(out);
		enet_packet_destroy(ev.packet);
		echoed++;
	}
	printf("SERVER impl=c echoed=%llu wall_s=%.3f cpu_s=%.3f dgrams_in=%u dgrams_out=%u\n",
	       (unsigned long long)echoed, now_s() - t0, cpu_s() - c0, h->totalReceivedPackets,
	       h->totalSentPackets);
	enet_host_destroy(h);
	return 0;
}

struct conn {
	ENetHost *host;
	ENetPeer *peer;
	int connected, inflight;
	double last_recv;
	uint64_t counted, lost;
};

/* refill sends packets until the window is full. */
static void refill(struct conn *c, const struct workload *w, const uint8_t *payload)
{
	while (c->inflight < w->window) {
		ENetPacket *p = enet_packet_create(payload, w->size, w->flags);
		if (p == NULL || enet_peer_send(c->peer, 0, p) < 0) {
			if (p != NULL)
				enet_packet_destroy(p);
			return;
		}
		c->inflight++;
	}
}

/* handle processes one event of c; phase 1 is the measured interval. */
static void handle(struct conn *c, const ENetEvent *ev, const struct workload *w,
                   const uint8_t *payload, int phase, double t)
{
	switch (ev->type) {
	case ENET_EVENT_TYPE_CONNECT:
		c->connected = 1;
		c->last_recv = t;
		refill(c, w, payload);
		break;
	case ENET_EVENT_TYPE_RECEIVE:
		enet_packet_destroy(ev->packet);
		c->inflight--;
		c->last_recv = t;
		if (phase == 1)
			c->counted++;
		if (phase < 2)
			refill(c, w, payload);
		break;
	case ENET_EVENT_TYPE_DISCONNECT:
		fprintf(stderr, "enetbench: disconnected by server\n");
		exit(1);
	default:
		break;
	}
}

static int run_client(const struct opts *o)
{
	const struct workload *w = find_workload(o->workload);
	if (w == NULL || o->conns < 1) {
		fprintf(stderr, "enetbench: unknown workload %s or bad -conns\n", o->workload);
		return 2;
	}
	uint8_t payload[1024];
	memset(payload, 'x', sizeof payload);
	ENetAddress addr;
	enet_address_set_host_ip(&addr, o->addr);
	addr.port = (enet_uint16)o->port;

	int n = o->conns;
	struct conn *cs = calloc((size_t)n, sizeof *cs);
	struct pollfd *pfds = calloc((size_t)n, sizeof *pfds);
	for (int i = 0; i < n; i++) {
		cs[i].host = enet_host_create(NULL, 1, 1, 0, 0);
		if (cs[i].host == NULL) {
			fprintf(stderr, "enetbench: cannot create client host\n");
			return 1;
		}
		cs[i].peer = enet_host_connect(cs[i].host, &addr, 1, 0);
		pfds[i].fd = cs[i].host->socket;
		pfds[i].events = POLLIN;
	}

	double start = now_s(), t0 = 0, t1 = 0, c0 = 0, c1 = 0;
	int phase = -1; /* -1 connecting, 0 warm-up, 1 measuring, 2 done */
	while (phase < 2) {
		double t = now_s();
		if (phase == -1) {
			int all = 1;
			for (int i = 0; i < n; i++)
				all &= cs[i].connected;
			if (all) {
				phase = 0;
				start = t;
			} else if (t - start > 10) {
				fprintf(stderr, "enetbench: connect timed out\n");
				return 1;
			}
		}
		if (phase == 0 && t - start >= o->warmup) {
			phase = 1;
			t0 = t;
			c0 = cpu_s();
		} else if (phase == 1 && t - t0 >= o->duration) {
			phase = 2;
			t1 = t;
			c1 = cpu_s();
			break;
		}
		int got = 0;
		for (int i = 0; i < n; i++) {
			ENetEvent ev;
			/* One connection blocks in ENet itself, as a C program
			 * would; several are served round-robin and polled. */
			int r = enet_host_service(cs[i].host, &ev, n == 1 ? 1 : 0);
			while (r > 0) {
				got = 1;
				handle(&cs[i], &ev, w, payload, phase, t);
				r = enet_host_check_events(cs[i].host, &ev);
			}
			struct conn *c = &cs[i];
			if (c->connected && c->inflight > 0 && t - c->last_recv > 0.02 &&
			    !(w->flags & ENET_PACKET_FLAG_RELIABLE)) {
				c->lost += (uint64_t)c->inflight; /* unreliable: refill */
				c->inflight = 0;
				c->last_recv = t;
				refill(c, w, payload);
			}
		}
		if (!got && n > 1)
			poll(pfds, (nfds_t)n, 1);
	}
	uint64_t msgs = 0, lost = 0;
	for (int i = 0; i < n; i++) {
		msgs += cs[i].counted;
		lost += cs[i].lost;
		enet_peer_disconnect_now(cs[i].peer, 0);
		enet_host_destroy(cs[i].host);
	}
	double secs = t1 - t0;
	double rate = (double)msgs / secs;
	double rtt = msgs ? secs * 1e6 / ((double)msgs / (double)(w->window * n)) : 0;
	printf("RESULT impl=c workload=%s conns=%d size=%zu window=%d secs=%.3f msgs=%llu "
	       "rate=%.0f rtt_us=%.2f lost=%llu cpu_s=%.3f\n",
	       w->name, n, w->size, w->window, secs, (unsigned long long)msgs, rate, rtt,
	       (unsigned long long)lost, c1 - c0);
	free(cs);
	free(pfds);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	parse(argc, argv, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	ENetCallbacks cb;
	memset(&cb, 0, sizeof cb);
	if (o.pool) {
#ifdef ENETBENCH_POOL
		cb.malloc = enetgo_pool_malloc;
		cb.free = enetgo_pool_free;
#else
		fprintf(stderr, "enetbench: built without cenet/alloc.c (-DENETBENCH_POOL)\n");
		return 2;
#endif
	}
	if ((o.pool ? enet_initialize_with_callbacks(ENET_VERSION, &cb) : enet_initialize()) != 0) {
		fprintf(stderr, "enetbench: enet_initialize failed\n");
		return 1;
	}
	catch_signals();
	int rc;
	if (strcmp(o.mode, "server") == 0)
		rc = run_server(&o);
	else if (strcmp(o.mode, "client") == 0)
		rc = run_client(&o);
	else {
		fprintf(stderr, "enetbench: -mode is server or client\n");
		rc = 2;
	}
	enet_deinitialize();
	return rc;
}
