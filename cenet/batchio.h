/* Batched datagram I/O under ENet; see batchio.c. Written for this project. */
#ifndef ENETGO_BATCHIO_H
#define ENETGO_BATCHIO_H

#include <stdint.h>

/* ENETGO_IO_RX_SLOTS datagrams are read per recvmmsg(2), each into a slot
 * of ENETGO_IO_SLOT bytes (ENet's largest datagram, so a longer one is
 * truncated and refused exactly as ENet's own recvmsg would); up to
 * ENETGO_IO_TX_SLOTS datagrams or ENETGO_IO_TX_BYTES bytes are sent per
 * sendmmsg(2). */
#define ENETGO_IO_SLOT 4096
#ifndef ENETGO_IO_DIRECT
#define ENETGO_IO_DIRECT 8 /* datagrams per call or step moved one by one first */
#endif
#define ENETGO_IO_RX_SLOTS 16
#define ENETGO_IO_TX_SLOTS 32
#define ENETGO_IO_TX_BYTES (64 * 1024)

/* enetgo_io_stats counts the datagram system calls of one host's batched
 * I/O (the calls ENet made while the host was not in a batching call go
 * straight to the socket and are not counted). */
typedef struct {
	uint64_t rx_calls;     /* recvmsg and recvmmsg calls, including those finding nothing */
	uint64_t rx_datagrams; /* datagrams they read */
	uint64_t tx_calls;     /* sendmsg and sendmmsg calls */
	uint64_t tx_datagrams; /* datagrams they sent */
	uint64_t tx_errors;    /* datagrams the kernel refused (lost, as UDP) */
} enetgo_io_stats;

struct enetgo_io;

/* enetgo_io_rx_batch is how many datagrams each recvmmsg asks for
 * (default ENETGO_IO_RX_SLOTS; a test instrument). */
extern int enetgo_io_rx_batch;

/* enetgo_io_enabled reports whether hosts created from now get batched
 * I/O: they do unless the environment sets ENETGO_BATCHIO=0. It takes
 * effect only where ENet's calls to enet_socket_send and
 * enet_socket_receive resolve to batchio.c's (a shared libenet calling
 * them through its PLT, as Debian's does); elsewhere ENet's own run. */
int enetgo_io_enabled(void);

#endif
