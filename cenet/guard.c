/* Inbound checks of package enet, run on every datagram ENet receives
 * before it parses it (ENetHost.intercept). Written for this project from
 * the ENet wire format (protocol.h) and the behaviour of ENet 1.3.17/1.3.18
 * as documented in docs/hostile.md; no ENet code is copied.
 *
 * ENet trusts several fields a remote peer controls to size what it
 * allocates, and counts only part of what it allocates against a peer
 * (maximumWaitingData counts packet bytes, not the bitmap of a fragmented
 * packet nor the per-command bookkeeping of a 1-byte packet). The checks:
 *
 *  - shape: every command complete, a known command number, its payload
 *    inside the datagram (ENet stops at the first bad command but acts on
 *    the ones before it; an ENet sender never produces one);
 *  - fragments: the fragment count, number, offset and length consistent
 *    with an ENet sender splitting totalLength into equal fragments (no
 *    zero-length fragment, no count above the length: the 2^20-fragment
 *    bitmap of a 1-byte packet is refused), lengths within the host's
 *    maximum packet size;
 *  - sequence numbers: a reliable sequence number 7 or more windows ahead
 *    of the channel's is dropped (ENet would discard it too, after
 *    acknowledging it);
 *  - memory: what each peer holds in buffered incoming commands (out of
 *    order, incomplete fragments, not yet delivered) is estimated from what
 *    passes and, whenever the estimate passes a trigger, recounted by
 *    walking the peer's queues; so is the number of commands waiting in
 *    its channels (out of order, or in assembly), which for 1-byte packets
 *    costs ENet far more than their bytes. A peer over its budget is disconnected
 *    (the application gets a DISCONNECT event); a host over its budget
 *    disconnects the peer holding the most; the address of a peer cut
 *    this way may not connect again for a while (ban_ms), so an attacker
 *    cannot refill the budget at once. A peer that went silent while
 *    holding buffered commands is cut too (sweep);
 *  - connection pressure: incoming connections still in their handshake
 *    are bounded per address and in all (past that bound a request
 *    replaces the oldest handshake of an address with two or more under
 *    way beyond its own),
 *    and an address may not take more than its share of a host that is
 *    half full.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <string.h>
#include <stdlib.h>
#include "guard.h"

/* malloc's bookkeeping per block, counted with every allocation. */
/* What each block costs beyond its size: malloc's chunk header and
 * rounding, the small-block cache's header (alloc.c), and a share of the
 * acknowledgement ENet queues for each reliable command. Counting more
 * than the truth only makes the budgets bind earlier for floods of tiny
 * commands. */
#define BLOCK_OVERHEAD 48

static __thread enetgo_guard *current_guard;
static __thread ENetHost *current_host;

void enetgo_guard_enter(enetgo_guard *g, ENetHost *host)
{
	current_guard = g;
	current_host = host;
}

static void sweep(enetgo_guard *g, ENetHost *host);

/* elapsed returns the milliseconds from then to now on ENet's wrapping
 * clock. */
static uint32_t elapsed(uint32_t now, uint32_t then) { return now - then; }

void enetgo_guard_leave(enetgo_guard *g, ENetHost *host)
{
	current_guard = NULL;
	current_host = NULL;
	if (g == NULL || !g->enabled || elapsed(host->serviceTime, g->last_sweep) < 250)
		return;
	g->last_sweep = host->serviceTime;
	sweep(g, host);
}

static int ENET_CALLBACK intercept(ENetHost *host, ENetEvent *event)
{
	enetgo_guard *g = current_guard;
	if (g == NULL || current_host != host)
		return 0;
	if (g->enabled &&
	    enetgo_guard_inspect(g, host, host->receivedData, host->receivedDataLength,
	                         host->receivedAddress.host, host->receivedAddress.port))
		return 1;
	return g->next != NULL ? g->next(host, event) : 0;
}

enetgo_guard *enetgo_guard_new(ENetHost *host)
{
	enetgo_guard *g = enet_malloc(sizeof *g);
	if (g == NULL)
		return NULL;
	memset(g, 0, sizeof *g);
	g->npeers = host->peerCount;
	g->peers = enet_malloc(sizeof(enetgo_guard_peer) * g->npeers);
	if (g->peers == NULL) {
		enet_free(g);
		return NULL;
	}
	memset(g->peers, 0, sizeof(enetgo_guard_peer) * g->npeers);
	g->next = host->intercept;
	host->intercept = intercept;
	return g;
}

void enetgo_guard_free(ENetHost *host, enetgo_guard *g)
{
	if (g == NULL)
		return;
	if (host != NULL && host->intercept == intercept)
		host->intercept = g->next;
	if (current_guard == g) {
		current_guard = NULL;
		current_host = NULL;
	}
	enet_free(g->peers);
	enet_free(g);
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* new_command_cost is what ENet allocates to buffer one incoming command
 * with a packet of length bytes and fragments fragments. */
static uint64_t new_command_cost(uint64_t length, uint32_t fragments)
{
	uint64_t c = sizeof(ENetIncomingCommand) + sizeof(ENetPacket) + length + 3 * BLOCK_OVERHEAD;
	if (fragments > 0)
		c += (uint64_t)(fragments + 31) / 32 * 4 + BLOCK_OVERHEAD;
	return c;
}

static uint64_t held_in(ENetList *list, uint32_t *count)
{
	uint64_t n = 0;
	for (ENetListIterator it = enet_list_begin(list); it != enet_list_end(list);
	     it = enet_list_next(it)) {
		ENetIncomingCommand *c = (ENetIncomingCommand *)it;
		(*count)++;
		n += sizeof *c + BLOCK_OVERHEAD;
		if (c->fragments != NULL)
			n += (uint64_t)(c->fragmentCount + 31) / 32 * 4 + BLOCK_OVERHEAD;
		if (c->packet != NULL)
			n += sizeof(ENetPacket) + c->packet->dataLength + 2 * BLOCK_OVERHEAD;
	}
	return n;
}

uint64_t enetgo_guard_peer_held(ENetPeer *peer, uint32_t *commands)
{
	uint32_t ready = 0, waiting = 0;
	uint64_t n = held_in(&peer->dispatchedCommands, &ready);
	if (peer->channels != NULL) {
		for (size_t i = 0; i < peer->channelCount; i++) {
			n += held_in(&peer->channels[i].incomingReliableCommands, &waiting);
			n += held_in(&peer->channels[i].incomingUnreliableCommands, &waiting);
		}
	}
	if (commands != NULL)
		*commands = waiting;
	return n;
}

static int connected(const ENetPeer *p)
{
	return p->state == ENET_PEER_STATE_CONNECTED || p->state == ENET_PEER_STATE_DISCONNECT_LATER;
}

static void forget(enetgo_guard *g, size_t slot)
{
	enetgo_guard_peer *gp = &g->peers[slot];
	g->host_estimate -= gp->estimate < g->host_estimate ? gp->estimate : g->host_estimate;
	memset(gp, 0, sizeof *gp);
}

/* ban refuses connections from ip for g->ban_ms, in a small table: when
 * it is full the entry that ends first is replaced. */
static void ban(enetgo_guard *g, ENetHost *host, uint32_t ip)
{
	if (g->ban_ms == 0)
		return;
	enetgo_guard_ban *slot = &g->bans[0];
	for (int i = 0; i < ENETGO_GUARD_BANS; i++) {
		enetgo_guard_ban *b = &g->bans[i];
		if (b->ip == ip || b->ip == 0) {
			slot = b;
			break;
		}
		if ((int32_t)(b->until - slot->until) < 0)
			slot = b;
	}
	slot->ip = ip;
	slot->until = host->serviceTime + g->ban_ms;
	if (slot->until == 0)
		slot->until = 1;
}

static int banned(enetgo_guard *g, ENetHost *host, uint32_t ip)
{
	for (int i = 0; i < ENETGO_GUARD_BANS; i++) {
		enetgo_guard_ban *b = &g->bans[i];
		if (b->ip != ip || b->ip == 0)
			continue;
		if ((int32_t)(b->until - host->serviceTime) > 0)
			return 1;
		b->ip = 0; /* over */
	}
	return 0;
}

/* cut disconnects a connected peer as ENet does when it times out: its
 * queues are freed now, and the next dispatch reports a DISCONNECT event
 * for it (data 0) and resets it. */
static void cut(enetgo_guard *g, ENetHost *host, ENetPeer *peer, int banish)
{
	if (banish)
		ban(g, host, peer->address.host);
	g->freed += g->peers[peer - host->peers].estimate;
	forget(g, (size_t)(peer - host->peers));
	g->peers_reset++;
	if (!connected(peer)) {
		enet_peer_reset(peer);
		return;
	}
	enet_peer_on_disconnect(peer);
	enet_peer_reset_queues(peer); /* also takes it off the dispatch queue */
	peer->state = ENET_PEER_STATE_ZOMBIE;
	peer->eventData = 0;
	enet_list_insert(enet_list_end(&host->dispatchQueue), &peer->dispatchList);
	peer->flags |= ENET_PEER_FLAG_NEEDS_DISPATCH;
}

/* sweep cuts connected peers silent for their minimum timeout (at least
 * ENETGO_GUARD_STALE_MS) that hold
 * more than ENETGO_GUARD_STALE_BYTES, and gives the heap back to the
 * system (malloc_trim) once peers that went away freed 256 KiB or more:
 * glibc keeps freed small blocks otherwise. */
static void sweep(enetgo_guard *g, ENetHost *host)
{
	for (size_t i = 0; i < g->npeers && i < host->peerCount; i++) {
		ENetPeer *p = &host->peers[i];
		enetgo_guard_peer *gp = &g->peers[i];
		if (!connected(p) && gp->estimate > 0) {
			/* gone by ENet's own timeout or disconnect: what it held is
			 * freed */
			g->freed += gp->estimate;
			forget(g, i);
			continue;
		}
		/* An honest peer whose reliable command waits for a resend sends
		 * nothing (no ping either) until its doubling resend timeout runs
		 * out, which on a lossy link can take seconds: silence counts only
		 * past the peer's own minimum timeout, never under
		 * ENETGO_GUARD_STALE_MS. */
		uint32_t stale = p->timeoutMinimum > ENETGO_GUARD_STALE_MS ? p->timeoutMinimum : ENETGO_GUARD_STALE_MS;
		if (!connected(p) || gp->estimate <= ENETGO_GUARD_STALE_BYTES ||
		    elapsed(host->serviceTime, gp->last_seen) < stale)
			continue;
		uint64_t held = enetgo_guard_peer_held(p, NULL);
		g->host_estimate = g->host_estimate - (gp->estimate < g->host_estimate ? gp->estimate : g->host_estimate) + held;
		gp->estimate = held;
		if (held > ENETGO_GUARD_STALE_BYTES)
			cut(g, host, p, 0);
	}
	if (g->freed >= (256 << 10)) {
		g->freed = 0;
		malloc_trim(0);
	}
}

/* recount walks every connected peer; returns the host's total. */
static uint64_t recount(enetgo_guard *g, ENetHost *host, ENetPeer **top, uint64_t *top_held)
{
	uint64_t total = 0;
	*top = NULL;
	*top_held = 0;
	for (size_t i = 0; i < g->npeers && i < host->peerCount; i++) {
		ENetPeer *p = &host->peers[i];
		uint64_t held = connected(p) ? enetgo_guard_peer_held(p, NULL) : 0;
		g->peers[i].estimate = held;
		total += held;
		if (held > *top_held) {
			*top = p;
			*top_held = held;
		}
	}
	g->host_estimate = total;
	return total;
}

static uint64_t max64(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* charge accounts cost bytes and commands new buffered commands the
 * datagram may make ENet allocate for peer. Returns 1 if the datagram must
 * be dropped. */
static int charge(enetgo_guard *g, ENetHost *host, ENetPeer *peer, uint64_t cost, uint32_t commands)
{
	size_t slot = (size_t)(peer - host->peers);
	if (slot >= g->npeers)
		return 0;
	enetgo_guard_peer *gp = &g->peers[slot];
	if (gp->trigger == 0)
		gp->trigger = g->peer_limit;
	if (gp->cmd_trigger == 0)
		gp->cmd_trigger = g->command_limit;
	if ((g->peer_limit != 0 && gp->estimate + cost > gp->trigger) ||
	    (g->command_limit != 0 && gp->commands + commands > gp->cmd_trigger)) {
		uint32_t waiting;
		uint64_t held = enetgo_guard_peer_held(peer, &waiting);
		g->host_estimate = g->host_estimate - (gp->estimate < g->host_estimate ? gp->estimate : g->host_estimate) + held;
		gp->estimate = held;
		gp->commands = waiting;
		if (g->peer_limit != 0 && held + cost > g->peer_limit) {
			cut(g, host, peer, 1);
			g->drops[ENETGO_DROP_PEER_MEMORY]++;
			return 1;
		}
		if (g->command_limit != 0 && (uint64_t)waiting + commands > g->command_limit) {
			cut(g, host, peer, 1);
			g->drops[ENETGO_DROP_PEER_COMMANDS]++;
			return 1;
		}
		/* Near a limit, walk again only after another eighth of it:
		 * the walks stay in proportion to what is charged. */
		if (g->peer_limit != 0)
			gp->trigger = max64(g->peer_limit, held + cost + g->peer_limit / 8);
		if (g->command_limit != 0)
			gp->cmd_trigger = (uint32_t)max64(g->command_limit,
			                                  (uint64_t)waiting + commands + g->command_limit / 8);
	}
	if (g->host_trigger == 0)
		g->host_trigger = g->host_limit;
	if (g->host_limit != 0 && g->host_estimate + cost > g->host_trigger) {
		ENetPeer *top;
		uint64_t top_held;
		uint64_t total = recount(g, host, &top, &top_held);
		if (total + cost > g->host_limit) {
			if (top != NULL) {
				cut(g, host, top, 1);
				total -= top_held;
			}
			if (top == peer || total + cost > g->host_limit) {
				/* A sender whose own holding with this datagram is more
				 * than the whole host may hold can never be served: cut
				 * it, as PeerMemoryLimit would, rather than let a
				 * reliable sender resend into the drop until it times
				 * out (seen with no other peer holding anything). */
				if (top != peer && connected(peer) && gp->estimate + cost > g->host_limit)
					cut(g, host, peer, 1);
				g->drops[ENETGO_DROP_HOST_MEMORY]++;
				return 1;
			}
		}
		g->host_trigger = max64(g->host_limit, total + cost + g->host_limit / 8);
	}
	gp->estimate += cost;
	gp->commands += commands;
	g->host_estimate += cost;
	return 0;
}

#define PENDING_BUCKETS 256

static unsigned bucket(uint32_t ip)
{
	ip *= 0x9E3779B1u; /* Fibonacci hashing: the top bits mix every byte */
	return ip >> 24;
}

/* admit applies the connection-pressure bounds to a CONNECT from ip:port
 * with the given connect ID. Returns 1 to drop it. */
static int admit(enetgo_guard *g, ENetHost *host, uint32_t ip, uint16_t port, uint32_t connect_id)
{
	size_t free_slots = 0, same = 0, pending_same = 0, pending = 0;
	ENetPeer *first_free = NULL;
	/* Handshakes per address, counted in buckets of a small hash of the
	 * address (a collision only makes two addresses share a count). */
	uint16_t per_addr[PENDING_BUCKETS];
	memset(per_addr, 0, sizeof per_addr);
	for (ENetPeer *p = host->peers; p < &host->peers[host->peerCount]; p++) {
		if (p->state == ENET_PEER_STATE_DISCONNECTED) {
			free_slots++;
			if (first_free == NULL)
				first_free = p;
			continue;
		}
		int is_pending = p->state == ENET_PEER_STATE_ACKNOWLEDGING_CONNECT;
		if (is_pending) {
			pending++;
			per_addr[bucket(p->address.host)]++;
		}
		if (p->state == ENET_PEER_STATE_CONNECTING || p->address.host != ip)
			continue;
		if (p->address.port == port && p->connectID == connect_id)
			return 0; /* a resend of a known request: ENet ignores it */
		same++;
		pending_same += is_pending;
	}
	if (banned(g, host, ip)) {
		g->drops[ENETGO_DROP_BANNED]++;
		return 1;
	}
	if (same >= host->duplicatePeers) {
		g->drops[ENETGO_DROP_ADDRESS_LIMIT]++;
		return 1;
	}
	if (g->pending_per_addr != 0 && pending_same >= g->pending_per_addr) {
		g->drops[ENETGO_DROP_PENDING_ADDRESS]++;
		return 1;
	}
	/* Once half the slots are taken an address may hold at most its
	 * share of them (by default 1/16), so one address (or a few) cannot
	 * take every slot while others wait. */
	if (g->address_share > 0 && free_slots * 2 <= host->peerCount && same >= g->address_share) {
		g->drops[ENETGO_DROP_ADDRESS_SHARE]++;
		return 1;
	}
	if (g->pending_total != 0 && pending >= g->pending_total) {
		/* Full: the request takes the place of the oldest handshake of
		 * an address with at least two more under way than its own, so
		 * addresses end up with shares that differ by one at most (and
		 * stay there: no churn), and a newcomer finds one to replace
		 * unless every address holds a single handshake; otherwise it is
		 * dropped. */
		uint16_t mine = per_addr[bucket(ip)];
		ENetPeer *victim = NULL;
		for (ENetPeer *p = host->peers; p < &host->peers[host->peerCount]; p++) {
			size_t i = (size_t)(p - host->peers);
			if (p->state != ENET_PEER_STATE_ACKNOWLEDGING_CONNECT || i >= g->npeers ||
			    per_addr[bucket(p->address.host)] < mine + 2)
				continue;
			if (victim == NULL ||
			    (int32_t)(g->peers[i].pending_since - g->peers[victim - host->peers].pending_since) < 0)
				victim = p;
		}
		if (victim == NULL) {
			g->drops[ENETGO_DROP_PENDING_TOTAL]++;
			return 1;
		}
		forget(g, (size_t)(victim - host->peers));
		enet_peer_reset(victim);
		g->pending_evicted++;
		if (first_free == NULL || victim < first_free)
			first_free = victim;
	}
	if (first_free != NULL) {
		/* ENet gives the connection the first free slot. */
		size_t i = (size_t)(first_free - host->peers);
		if (i < g->npeers) {
			forget(g, i);
			g->peers[i].pending_since = host->serviceTime;
		}
	}
	return 0;
}

/* Reliable sequence numbers this far ahead of a channel's (7 windows of
 * 4096) up to half the sequence space further are beyond anything ENet
 * buffers; behind that they are resends of old commands, which ENet
 * acknowledges. */
#define SEQUENCE_AHEAD (7 * ENET_PEER_RELIABLE_WINDOW_SIZE)
#define SEQUENCE_BEHIND 0xC000

static int far_ahead(const ENetChannel *ch, uint16_t seq)
{
	uint16_t d = (uint16_t)(seq - ch->incomingReliableSequenceNumber);
	return d >= SEQUENCE_AHEAD && d < SEQUENCE_BEHIND;
}

/* fragment_ok checks a fragment's fields against how an ENet sender
 * splits a packet: every fragment but the last carries the same length,
 * fragmentCount of them cover totalLength, offsets follow the numbers. */
static int fragment_reason(uint32_t length, uint32_t count, uint32_t number, uint32_t total,
                           uint32_t offset, size_t max_packet)
{
	if (total > max_packet || length > max_packet)
		return ENETGO_DROP_OVERSIZE;
	if (length == 0 || count == 0 || number >= count || count > total || offset >= total ||
	    length > total - offset)
		return ENETGO_DROP_FRAGMENT;
	if (number + 1 < count) {
		/* not the last: the count follows from this fragment's length */
		if (((uint64_t)total + length - 1) / length != count ||
		    (uint64_t)number * length != offset)
			return ENETGO_DROP_FRAGMENT;
	} else if ((uint64_t)offset + length != total) {
		return ENETGO_DROP_FRAGMENT;
	}
	return -1;
}

int enetgo_guard_inspect(enetgo_guard *g, ENetHost *host, const uint8_t *data, size_t len,
                         uint32_t ip, uint16_t port)
{
	if (len < 2)
		return 0; /* ENet ignores it */
	uint16_t word = be16(data);
	uint16_t flags = word & ENET_PROTOCOL_HEADER_FLAG_MASK;
	uint16_t session = (word & ENET_PROTOCOL_HEADER_SESSION_MASK) >> ENET_PROTOCOL_HEADER_SESSION_SHIFT;
	uint16_t peer_id = word & ~(ENET_PROTOCOL_HEADER_FLAG_MASK | ENET_PROTOCOL_HEADER_SESSION_MASK);
	size_t header = (flags & ENET_PROTOCOL_HEADER_FLAG_SENT_TIME) ? 4 : 2;
	if (host->checksum != NULL)
		header += 4;
	if (len < header)
		return 0;
	ENetPeer *peer = NULL;
	if (peer_id != ENET_PROTOCOL_MAXIMUM_PEER_ID) {
		if (peer_id >= host->peerCount)
			return 0;
		peer = &host->peers[peer_id];
		if (peer->state == ENET_PEER_STATE_DISCONNECTED || peer->state == ENET_PEER_STATE_ZOMBIE ||
		    ((peer->address.host != ip || peer->address.port != port) &&
		     peer->address.host != ENET_HOST_BROADCAST) ||
		    (peer->outgoingPeerID < ENET_PROTOCOL_MAXIMUM_PEER_ID &&
		     session != peer->incomingSessionID))
			return 0; /* ENet ignores it */
		if ((size_t)peer_id < g->npeers)
			g->peers[peer_id].last_seen = host->serviceTime;
	}
	const uint8_t *cmd = data + header;
	size_t left = len - header;
	if (flags & ENET_PROTOCOL_HEADER_FLAG_COMPRESSED) {
		if (host->compressor.context == NULL || host->compressor.decompress == NULL)
			return 0;
		size_t n = host->compressor.decompress(host->compressor.context, cmd, left, g->scratch,
		                                       sizeof g->scratch - header);
		if (n == 0 || n > sizeof g->scratch - header)
			return 0; /* ENet drops it too */
		cmd = g->scratch;
		left = n;
	}
	uint64_t cost = 0;
	uint32_t commands = 0;
	int reason = -1;
	while (left > 0 && reason < 0) {
		if (left < sizeof(ENetProtocolCommandHeader)) {
			reason = ENETGO_DROP_MALFORMED;
			break;
		}
		uint8_t number = cmd[0] & ENET_PROTOCOL_COMMAND_MASK;
		if (number == ENET_PROTOCOL_COMMAND_NONE || number >= ENET_PROTOCOL_COMMAND_COUNT) {
			reason = ENETGO_DROP_MALFORMED;
			break;
		}
		size_t size = enet_protocol_command_size(number);
		if (left < size) {
			reason = ENETGO_DROP_MALFORMED;
			break;
		}
		if (peer == NULL) {
			/* ENet acts on a CONNECT only, and stops at anything else. */
			if (number != ENET_PROTOCOL_COMMAND_CONNECT)
				break;
			uint32_t connect_id; /* compared raw, as ENet stores it */
			memcpy(&connect_id, cmd + offsetof(ENetProtocolConnect, connectID), sizeof connect_id);
			if (admit(g, host, ip, port, connect_id))
				return 1;
			cmd += size;
			left -= size;
			continue;
		}
		uint8_t channel_id = cmd[1];
		uint16_t seq = be16(cmd + 2);
		size_t payload = 0;
		ENetChannel *ch = NULL;
		if (connected(peer) && channel_id < peer->channelCount && peer->channels != NULL)
			ch = &peer->channels[channel_id];
		switch (number) {
		case ENET_PROTOCOL_COMMAND_SEND_RELIABLE:
			payload = be16(cmd + offsetof(ENetProtocolSendReliable, dataLength));
			if (ch != NULL && far_ahead(ch, seq))
				reason = ENETGO_DROP_SEQUENCE;
			cost += new_command_cost(payload, 0);
			commands++;
			break;
		case ENET_PROTOCOL_COMMAND_SEND_UNRELIABLE:
			payload = be16(cmd + offsetof(ENetProtocolSendUnreliable, dataLength));
			if (ch != NULL && far_ahead(ch, seq))
				reason = ENETGO_DROP_SEQUENCE;
			cost += new_command_cost(payload, 0);
			commands++;
			break;
		case ENET_PROTOCOL_COMMAND_SEND_UNSEQUENCED:
			payload = be16(cmd + offsetof(ENetProtocolSendUnsequenced, dataLength));
			cost += new_command_cost(payload, 0);
			break;
		case ENET_PROTOCOL_COMMAND_SEND_FRAGMENT:
		case ENET_PROTOCOL_COMMAND_SEND_UNRELIABLE_FRAGMENT: {
			const uint8_t *f = cmd;
			uint16_t start = be16(f + offsetof(ENetProtocolSendFragment, startSequenceNumber));
			payload = be16(f + offsetof(ENetProtocolSendFragment, dataLength));
			uint32_t count = be32(f + offsetof(ENetProtocolSendFragment, fragmentCount));
			uint32_t fnum = be32(f + offsetof(ENetProtocolSendFragment, fragmentNumber));
			uint32_t total = be32(f + offsetof(ENetProtocolSendFragment, totalLength));
			uint32_t offset = be32(f + offsetof(ENetProtocolSendFragment, fragmentOffset));
			reason = fragment_reason((uint32_t)payload, count, fnum, total, offset,
			                         host->maximumPacketSize);
			uint16_t rseq = number == ENET_PROTOCOL_COMMAND_SEND_FRAGMENT ? start : seq;
			if (reason < 0 && ch != NULL && far_ahead(ch, rseq))
				reason = ENETGO_DROP_SEQUENCE;
			size_t slot = (size_t)(peer - host->peers);
			if (reason < 0 && slot < g->npeers) {
				enetgo_guard_peer *gp = &g->peers[slot];
				if (gp->frag_kind != number || gp->frag_channel != channel_id ||
				    gp->frag_start != start) {
					/* a new packet to assemble, as far as we can tell */
					cost += new_command_cost(total, count);
					commands++;
					gp->frag_kind = number;
					gp->frag_channel = channel_id;
					gp->frag_start = start;
				}
			}
			break;
		}
		default:
			break; /* fixed-size commands: nothing buffered */
		}
		cmd += size;
		left -= size;
		if (payload > left) {
			reason = ENETGO_DROP_MALFORMED;
			break;
		}
		if (payload > host->maximumPacketSize && reason < 0)
			reason = ENETGO_DROP_OVERSIZE;
		cmd += payload;
		left -= payload;
	}
	if (reason >= 0) {
		g->drops[reason]++;
		return 1;
	}
	if (peer != NULL && cost > 0 && connected(peer))
		return charge(g, host, peer, cost, commands);
	return 0;
}
