/* Inbound checks on every received datagram, run through ENet's per-host
 * intercept callback before ENet parses it; see guard.c. Written for this
 * project. */
#ifndef ENETGO_GUARD_H
#define ENETGO_GUARD_H

#include <stddef.h>
#include <stdint.h>
#include <enet/enet.h>

/* Why a datagram was dropped (index into enetgo_guard.drops). */
enum {
	ENETGO_DROP_MALFORMED,      /* truncated command, unknown command number */
	ENETGO_DROP_FRAGMENT,       /* fragment fields that cannot come from an ENet sender */
	ENETGO_DROP_OVERSIZE,       /* a length over the host's maximum packet size */
	ENETGO_DROP_SEQUENCE,       /* reliable sequence number far ahead of ENet's window */
	ENETGO_DROP_PEER_MEMORY,    /* the sending peer holds more than its budget */
	ENETGO_DROP_HOST_MEMORY,    /* the host holds more than its budget */
	ENETGO_DROP_PENDING_ADDRESS,/* CONNECT from an address with its share of pending peers */
	ENETGO_DROP_PENDING_TOTAL,  /* CONNECT while the pending peers are at their bound */
	ENETGO_DROP_ADDRESS_SHARE,  /* CONNECT from an address over its share of a busy host */
	ENETGO_DROP_ADDRESS_LIMIT,  /* CONNECT from an address at PeersPerAddress */
	ENETGO_DROP_BANNED,         /* CONNECT from an address whose peer was cut lately */
	ENETGO_DROP_PEER_COMMANDS,  /* the sending peer has too many commands buffered */
	ENETGO_DROP_REASONS
};

/* Per-slot bookkeeping. */
typedef struct {
	uint64_t estimate;   /* bytes held at the last walk plus what was charged since */
	uint64_t trigger;    /* walk again once estimate passes this */
	uint32_t commands;   /* commands buffered in its channels at the last walk, plus charged since */
	uint32_t cmd_trigger; /* walk again once commands passes this */
	uint32_t pending_since; /* service time the slot's CONNECT was let through */
	uint32_t last_seen;     /* service time of the peer's last datagram */
	uint16_t frag_channel;  /* channel and start sequence of the last fragment seen */
	uint16_t frag_start;
	uint8_t frag_kind;      /* 0 none, else the command number of that fragment */
} enetgo_guard_peer;

/* Addresses whose peer was cut for memory, refused for a while. */
#define ENETGO_GUARD_BANS 64
typedef struct {
	uint32_t ip;     /* network order; 0: free entry */
	uint32_t until;  /* service time the ban ends */
} enetgo_guard_ban;

typedef struct enetgo_guard {
	int enabled;               /* 0: every datagram goes to ENet unchecked */
	uint64_t peer_limit;       /* bytes a peer may hold in buffered commands (0: no limit) */
	uint32_t command_limit;    /* commands a peer may have waiting in its channels (0: no limit) */
	uint64_t host_limit;       /* bytes all peers together may hold (0: no limit) */
	uint32_t pending_per_addr; /* incoming connections not yet completed per address */
	uint32_t pending_total;    /* and in all */
	uint32_t address_share;    /* peers per address once half full (0: no limit) */
	uint32_t ban_ms;           /* how long a cut peer's address may not connect (0: not at all) */
	enetgo_guard_ban bans[ENETGO_GUARD_BANS];
	uint64_t host_estimate, host_trigger;
	uint64_t drops[ENETGO_DROP_REASONS];
	uint64_t peers_reset;      /* peers disconnected for holding too much */
	uint64_t pending_evicted;  /* pending peers reset to make room for a newcomer */
	uint64_t freed;            /* bytes freed by cuts since the last malloc_trim */
	uint32_t last_sweep;       /* service time of the last stale-peer sweep */
	ENetInterceptCallback next; /* an intercept set before ours, chained */
	size_t npeers;
	enetgo_guard_peer *peers;
	uint8_t scratch[ENET_PROTOCOL_MAXIMUM_MTU]; /* decompressed datagram */
} enetgo_guard;

struct enetgo_host;

/* enetgo_guard_new allocates a host's guard and installs the intercept
 * (chaining one already set). NULL without memory. */
enetgo_guard *enetgo_guard_new(ENetHost *host);

/* enetgo_guard_free uninstalls and frees the guard. */
void enetgo_guard_free(ENetHost *host, enetgo_guard *g);

/* enetgo_guard_enter makes the calling thread's intercepts use g until
 * enetgo_guard_leave: ENetHost has no user pointer to find it by. At most
 * every 250 ms, leave also cuts peers that hold buffered commands but sent
 * nothing for their minimum timeout (see ENETGO_GUARD_STALE_MS), and gives memory that cuts freed back
 * to the system (malloc_trim). */
void enetgo_guard_enter(enetgo_guard *g, ENetHost *host);
void enetgo_guard_leave(enetgo_guard *g, ENetHost *host);

/* A peer that sent nothing for its minimum timeout (ENet's
 * timeoutMinimum for that peer, 5 s by default), and never less than
 * this, while holding more than ENETGO_GUARD_STALE_BYTES in buffered
 * commands is cut: an attacker that stops leaves its buffers behind until
 * ENet's timeout (up to 30 s). An honest peer pings every 500 ms when
 * idle, but sends nothing while its unacknowledged reliable command waits
 * for a resend, which doubles on each loss: cutting after a fixed 2 s cut
 * honest peers on a 20 % lossy link. */
#define ENETGO_GUARD_STALE_MS 2000
#define ENETGO_GUARD_STALE_BYTES (64 * 1024)

/* enetgo_guard_inspect checks one datagram from ip:port (network order,
 * as ENetAddress.host) as if ENet had just received it: 0 lets it through,
 * 1 drops it (counted in g->drops). It may disconnect peers that hold too
 * much (g->peers_reset) or reset pending ones (g->pending_evicted). */
int enetgo_guard_inspect(enetgo_guard *g, ENetHost *host, const uint8_t *data, size_t len,
                         uint32_t ip, uint16_t port);

/* enetgo_guard_peer_held walks a peer's queues and returns the bytes its
 * buffered incoming commands hold, by the guard's reckoning; with commands
 * non-NULL it also stores how many commands wait in its channels (out of
 * order or in assembly, not those ready for delivery). */
uint64_t enetgo_guard_peer_held(ENetPeer *peer, uint32_t *commands);

#endif
