/* Batched datagram I/O under ENet; see batchio.c. Written for this project. */
#ifndef ENETGO_BATCHIO_H
#define ENETGO_BATCHIO_H

#include <stdint.h>

/* ENETGO_IO_LINUX is set where the Linux-only calls are used: eventfd(2)
 * for wake-ups, ppoll(2) for sub-millisecond waits, sendmmsg(2) and
 * recvmmsg(2) for batches, and ELF symbol interposition of ENet's socket
 * calls. Elsewhere, and on Linux with ENETGO_PORTABLE (the Go build tag
 * enetgo_portable), the portable path runs: a pipe for wake-ups, poll(2)
 * only, and ENet's own datagram I/O, one datagram per system call. */
#if defined(__linux__) && !defined(ENETGO_PORTABLE)
#define ENETGO_IO_LINUX 1
#endif

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

/* Why hosts created now do or do not get batched I/O (enetgo_io_status). */
enum {
	ENETGO_IO_ON = 0,
	ENETGO_IO_OFF_ENV = 1,      /* the environment sets ENETGO_BATCHIO=0 */
	ENETGO_IO_OFF_PORTABLE = 2, /* not Linux, or built with ENETGO_PORTABLE */
	ENETGO_IO_OFF_LIBENET = 3,  /* libenet calls its own enet_socket_receive
	                               (linked statically, or with
	                               -Bsymbolic-functions): nothing would pass here */
	ENETGO_IO_OFF_PROBE = 4,    /* the probe host could not be created */
};

/* enetgo_io_status says whether hosts created from now get batched I/O.
 * It reads ENETGO_BATCHIO each time; the first call also probes, once per
 * process, whether ENet's own calls of enet_socket_receive reach
 * batchio.c's definition: a shared libenet that calls its exported
 * functions through its PLT (Debian's) does; a static one, or one linked
 * with -Bsymbolic-functions (Ubuntu's), calls its own. ENet must be
 * initialised first. */
int enetgo_io_status(void);

/* enetgo_io_interposed says whether ENet's socket calls reach
 * batchio.c's definitions (the probe of enetgo_io_status, whatever
 * ENETGO_BATCHIO says): dual-stack hosts (addr6.c) need it. */
int enetgo_io_interposed(void);

/* enetgo_io_truncated is what a read of a datagram longer than ENet's
 * buffer returns: what the linked libenet's own enet_socket_receive
 * returns (-1 up to 1.3.17: enet_host_service fails once; -2 from 1.3.18:
 * ENet skips the datagram), so either I/O path behaves alike. */
int enetgo_io_truncated(void);

#endif
