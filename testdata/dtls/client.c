/* An independent DTLS client for package enet's tests, on OpenSSL's own
 * datagram BIO (not the binding's code): it handshakes with a DTLS
 * server, verifying its certificate against a CA file and a host name,
 * sends one ENet CONNECT command inside DTLS and waits for the server's
 * VERIFY_CONNECT. Prints "OK" or "FAIL: why" and exits 0 or 1.
 * Written for this project.
 *
 * usage: client HOST PORT CAFILE NAME */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

static int fail(const char *why)
{
	char buf[256] = "";
	unsigned long e = ERR_get_error();
	if (e)
		ERR_error_string_n(e, buf, sizeof buf);
	printf("FAIL: %s %s\n", why, buf);
	return 1;
}

static void put32(unsigned char *p, unsigned v)
{
	p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

int main(int argc, char **argv)
{
	if (argc != 5)
		return fail("usage: client HOST PORT CAFILE NAME");
	struct addrinfo hints = {0}, *ai;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(argv[1], argv[2], &hints, &ai) != 0)
		return fail("getaddrinfo");
	int fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		return fail("socket");
	SSL_CTX *ctx = SSL_CTX_new(DTLS_client_method());
	SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
	if (SSL_CTX_load_verify_locations(ctx, argv[3], NULL) != 1)
		return fail("CA file");
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL *ssl = SSL_new(ctx);
	SSL_set1_host(ssl, argv[4]);
	SSL_set_tlsext_host_name(ssl, argv[4]);
	BIO *bio = BIO_new_dgram(fd, BIO_NOCLOSE);
	BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, ai->ai_addr);
	struct timeval tv = {5, 0};
	BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_RECV_TIMEOUT, 0, &tv);
	SSL_set_bio(ssl, bio, bio);
	if (SSL_connect(ssl) != 1)
		return fail("handshake");
	/* ENet CONNECT: header (peer id 0xFFF with sent time), command
	 * header, then the connect fields (ENet's protocol.h). */
	unsigned char c[52] = {0x8F, 0xFF, 0x00, 0x01, 0x82, 0xFF, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xFF};
	unsigned vals[10] = {1392, 32768, 2, 0, 0, 5000, 2, 2, 0x1234, 9};
	for (int i = 0; i < 10; i++)
		put32(c + 12 + 4 * i, vals[i]);
	if (SSL_write(ssl, c, sizeof c) != (int)sizeof c)
		return fail("write");
	for (int tries = 0; tries < 20; tries++) {
		unsigned char b[4096];
		int n = SSL_read(ssl, b, sizeof b);
		if (n <= 0)
			return fail("no answer");
		int off = (b[0] & 0x80) ? 4 : 2;
		while (off < n) {
			int cmd = b[off] & 0x0F;
			if (cmd == 3) {
				printf("OK %s\n", SSL_get_cipher(ssl));
				return 0;
			}
			if (cmd != 1)
				break;
			off += 8;
		}
	}
	return fail("no VERIFY_CONNECT");
}
