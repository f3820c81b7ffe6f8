/* The client workloads of the C benchmark programs (enetbench,
 * batchclient), the same as gobench's. Written for this project. */
#ifndef ENETGO_WORKLOADS_H
#define ENETGO_WORKLOADS_H

#include <string.h>
#include <enet/enet.h>

struct workload {
	const char *name;
	size_t size;     /* bytes per packet */
	int window;      /* packets in flight */
	enet_uint32 flags;
};

static const struct workload workloads[] = {
	{"rel32", 32, 64, ENET_PACKET_FLAG_RELIABLE},
	{"unrel32", 32, 64, 0},
	{"rel1k", 1024, 64, ENET_PACKET_FLAG_RELIABLE},
	{"pingpong", 32, 1, ENET_PACKET_FLAG_RELIABLE},
};

/* find_workload returns the workload called name, or NULL. */
static inline const struct workload *find_workload(const char *name)
{
	for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
		if (strcmp(workloads[i].name, name) == 0)
			return &workloads[i];
	return NULL;
}

#endif
