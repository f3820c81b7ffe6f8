/* mmsg.c: what one datagram costs through sendmsg/recvmsg against
 * sendmmsg/recvmmsg on loopback (BENCHMARKS.md "Session 8"). Written for
 * this project.
 *
 *   cc -O2 -o /tmp/mmsg bench/c/mmsg.c && /tmp/mmsg 1024
 *
 * Sends SIZE-byte datagrams in batches of 64 from one UDP socket to
 * another, first one system call per datagram, then one per batch, and
 * prints the nanoseconds per datagram of each, and of a read that finds
 * the socket empty. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 64
#define ROUNDS 3000

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static char out[BATCH][4096], in[BATCH][4096];

int main(int argc, char **argv)
{
	int size = argc > 1 ? atoi(argv[1]) : 1024;
	if (size < 1 || size > 4096)
		size = 1024;
	int tx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int big = 4 << 20;
	setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	setsockopt(tx, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof to;
	if (bind(rx, (struct sockaddr *)&to, sizeof to) < 0 ||
	    getsockname(rx, (struct sockaddr *)&to, &len) < 0) {
		perror("bind");
		return 1;
	}
	struct iovec siov[BATCH], riov[BATCH];
	struct mmsghdr smsg[BATCH], rmsg[BATCH];
	struct sockaddr_in from[BATCH];
	for (int i = 0; i < BATCH; i++) {
		siov[i] = (struct iovec){out[i], (size_t)size};
		riov[i] = (struct iovec){in[i], sizeof in[i]};
		memset(&smsg[i], 0, sizeof smsg[i]);
		smsg[i].msg_hdr.msg_name = &to;
		smsg[i].msg_hdr.msg_namelen = sizeof to;
		smsg[i].msg_hdr.msg_iov = &siov[i];
		smsg[i].msg_hdr.msg_iovlen = 1;
	}
	double one_tx = 0, one_rx = 0, many_tx = 0, many_rx = 0;
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();
		for (int i = 0; i < BATCH; i++)
			sendmsg(tx, &smsg[i].msg_hdr, MSG_NOSIGNAL);
		double t1 = now_ns();
		for (int i = 0; i < BATCH; i++) {
			struct msghdr m = {.msg_name = &from[i], .msg_namelen = sizeof from[i],
			                   .msg_iov = &riov[i], .msg_iovlen = 1};
			recvmsg(rx, &m, 0);
		}
		double t2 = now_ns();
		sendmmsg(tx, smsg, BATCH, MSG_NOSIGNAL);
		double t3 = now_ns();
		for (int i = 0; i < BATCH; i++) {
			memset(&rmsg[i], 0, sizeof rmsg[i]);
			rmsg[i].msg_hdr.msg_name = &from[i];
			rmsg[i].msg_hdr.msg_namelen = sizeof from[i];
			rmsg[i].msg_hdr.msg_iov = &riov[i];
			rmsg[i].msg_hdr.msg_iovlen = 1;
		}
		int got = recvmmsg(rx, rmsg, BATCH, 0, NULL);
		double t4 = now_ns();
		if (got != BATCH)
			fprintf(stderr, "recvmmsg read %d of %d\n", got, BATCH);
		one_tx += t1 - t0, one_rx += t2 - t1, many_tx += t3 - t2, many_rx += t4 - t3;
	}
	double empty_one = 0, empty_many = 0;
	for (int r = 0; r < 100000; r++) {
		struct msghdr m = {.msg_name = &from[0], .msg_namelen = sizeof from[0],
		                   .msg_iov = &riov[0], .msg_iovlen = 1};
		double t0 = now_ns();
		recvmsg(rx, &m, 0);
		double t1 = now_ns();
		recvmmsg(rx, rmsg, 16, 0, NULL);
		empty_one += t1 - t0, empty_many += now_ns() - t1;
	}
	double n = (double)ROUNDS * BATCH;
	printf("%d-byte datagrams, ns each: sendmsg %.0f, sendmmsg %.0f; recvmsg %.0f, recvmmsg %.0f; "
	       "empty socket: recvmsg %.0f, recvmmsg %.0f\n",
	       size, one_tx / n, many_tx / n, one_rx / n, many_rx / n, empty_one / 1e5, empty_many / 1e5);
	return 0;
}
