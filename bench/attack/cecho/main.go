// Command cecho is a plain C ENet echo server, for bench/attack's side by
// side figures: the system libenet with its default limits and nothing
// else (no package enet, no inbound checks). It binds 127.0.0.1 on an
// OS-chosen port, prints "PORT <n>", and echoes every packet reliably on
// its channel until killed.
package main

/*
#cgo pkg-config: libenet
#include <stdio.h>
#include <enet/enet.h>

static int cecho_run(void) {
	ENetAddress a;
	if (enet_initialize() != 0)
		return 1;
	enet_address_set_host_ip(&a, "127.0.0.1");
	a.port = 0;
	ENetHost *h = enet_host_create(&a, 32, 255, 0, 0);
	if (h == NULL)
		return 1;
	ENetAddress bound;
	if (enet_socket_get_address(h->socket, &bound) < 0)
		return 1;
	printf("PORT %u\n", bound.port);
	fflush(stdout);
	for (;;) {
		ENetEvent ev;
		int r = enet_host_service(h, &ev, 100);
		if (r <= 0)
			continue;
		if (ev.type == ENET_EVENT_TYPE_RECEIVE) {
			ENetPacket *p = enet_packet_create(ev.packet->data, ev.packet->dataLength,
			                                   ENET_PACKET_FLAG_RELIABLE);
			if (p != NULL && enet_peer_send(ev.peer, ev.channelID, p) < 0)
				enet_packet_destroy(p);
			enet_packet_destroy(ev.packet);
		}
	}
}
*/
import "C"

import "os"

func main() { os.Exit(int(C.cecho_run())) }
