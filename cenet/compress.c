/* Godot-compatible ENet compressors (see compress.h). Written for this
 * project from the behaviour described in docs/compression.md:
 *
 *  - compress: concatenate ENet's buffers (up to inLimit bytes), compress the
 *    whole as Godot's Compression::compress would, return 0 if that fails or
 *    the result is longer than outLimit;
 *  - decompress: return the length, or 0 (and count a failure) on any error.
 *
 * One struct codec holds what a mode needs between calls (zlib streams, zstd
 * contexts, scratch buffers). A host keeps one for its lifetime; the
 * stand-alone enetgo_codec_* functions build one per call, as Godot does. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include <zstd.h>

#include "compress.h"
#include "fastlz_internal.h"

/* Largest zstd window a datagram may declare. Decoding is one-shot into the
 * caller's buffer, so the window never costs memory; the bound only rejects
 * frames no Godot peer sends. */
#define CODEC_ZSTD_WINDOW_LOG_MAX 27

struct codec {
	int mode, level;
	int hostOwned; /* allocations go through enet_malloc */

	/* Scratch buffers: in holds the concatenated ENet buffers, out the
	 * compressed result before its size is checked against outLimit. */
	uint8_t *in, *out;
	size_t inCap, outCap;

	z_stream deflater, inflater;
	int deflaterReady, inflaterReady;
	ZSTD_CCtx *cctx;
	ZSTD_DCtx *dctx;

	uint64_t decompressFailures;
};

static void *codec_alloc(const struct codec *c, size_t n)
{
	return c->hostOwned ? enet_malloc(n) : malloc(n);
}

static void codec_free(const struct codec *c, void *p)
{
	if (p == NULL)
		return;
	if (c->hostOwned)
		enet_free(p);
	else
		free(p);
}

/* zlib's allocator hooks, so a host's streams are counted with ENet's
 * allocations. */
static voidpf codec_zalloc(voidpf opaque, uInt items, uInt size)
{
	const struct codec *c = opaque;

	if (size != 0 && items > SIZE_MAX / size)
		return Z_NULL;
	return codec_alloc(c, (size_t)items * size);
}

static void codec_zfree(voidpf opaque, voidpf p)
{
	codec_free(opaque, p);
}

static int codec_level_ok(int mode, int level)
{
	switch (mode) {
	case ENETGO_COMPRESS_FASTLZ:
		return 1;
	case ENETGO_COMPRESS_ZLIB:
		return level >= -1 && level <= 9;
	case ENETGO_COMPRESS_ZSTD:
		return level >= 1 && level <= 22;
	default:
		return 0;
	}
}

static void codec_init(struct codec *c, int mode, int level, int hostOwned)
{
	memset(c, 0, sizeof *c);
	c->mode = mode;
	c->level = level;
	c->hostOwned = hostOwned;
}

static void codec_fini(struct codec *c)
{
	if (c->deflaterReady)
		deflateEnd(&c->deflater);
	if (c->inflaterReady)
		inflateEnd(&c->inflater);
	ZSTD_freeCCtx(c->cctx);
	ZSTD_freeDCtx(c->dctx);
	codec_free(c, c->in);
	codec_free(c, c->out);
	c->in = c->out = NULL;
	c->cctx = NULL;
	c->dctx = NULL;
	c->deflaterReady = c->inflaterReady = 0;
}

/* codec_reserve grows *buf to at least n bytes. Returns 0 on failure. */
static int codec_reserve(struct codec *c, uint8_t **buf, size_t *cap, size_t n)
{
	uint8_t *p;

	if (*cap >= n && *buf != NULL)
		return 1;
	if (n < 4096)
		n = 4096;
	p = codec_alloc(c, n);
	if (p == NULL)
		return 0;
	codec_free(c, *buf);
	*buf = p;
	*cap = n;
	return 1;
}

/* codec_bound is Godot's Compression::get_max_compressed_buffer_size. */
static size_t codec_bound(const struct codec *c, size_t n)
{
	switch (c->mode) {
	case ENETGO_COMPRESS_FASTLZ: {
		size_t b = n + n * 6 / 100;
		return b < 66 ? 66 : b;
	}
	case ENETGO_COMPRESS_ZLIB:
		/* deflateBound of a default stream; the exact value does not
		 * change the output, only whether it fits. */
		return compressBound((uLong)n) + 16;
	default:
		return ZSTD_compressBound(n);
	}
}

static size_t codec_deflate(struct codec *c, const uint8_t *in, size_t n, uint8_t *out,
                            size_t cap)
{
	z_stream *s = &c->deflater;
	int err;

	if (n > UINT_MAX || cap > UINT_MAX)
		return 0;
	if (!c->deflaterReady) {
		s->zalloc = codec_zalloc;
		s->zfree = codec_zfree;
		s->opaque = c;
		if (deflateInit2(s, c->level, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return 0;
		c->deflaterReady = 1;
	} else if (deflateReset(s) != Z_OK) {
		return 0;
	}
	s->next_in = (Bytef *)in;
	s->avail_in = (uInt)n;
	s->next_out = out;
	s->avail_out = (uInt)cap;
	err = deflate(s, Z_FINISH);
	if (err != Z_STREAM_END)
		return 0;
	return cap - s->avail_out;
}

static size_t codec_inflate(struct codec *c, const uint8_t *in, size_t n, uint8_t *out,
                            size_t cap)
{
	z_stream *s = &c->inflater;
	int err;

	if (n > UINT_MAX)
		return 0;
	if (cap > UINT_MAX)
		cap = UINT_MAX;
	if (!c->inflaterReady) {
		s->zalloc = codec_zalloc;
		s->zfree = codec_zfree;
		s->opaque = c;
		s->next_in = Z_NULL;
		s->avail_in = 0;
		if (inflateInit2(s, 15) != Z_OK)
			return 0;
		c->inflaterReady = 1;
	} else if (inflateReset(s) != Z_OK) {
		return 0;
	}
	s->next_in = (Bytef *)in;
	s->avail_in = (uInt)n;
	s->next_out = out;
	s->avail_out = (uInt)cap;
	err = inflate(s, Z_FINISH);
	if (err != Z_STREAM_END)
		return 0;
	return cap - s->avail_out;
}

static size_t codec_zstd_compress(struct codec *c, const uint8_t *in, size_t n,
                                  uint8_t *out, size_t cap)
{
	size_t r;

	if (c->cctx == NULL && (c->cctx = ZSTD_createCCtx()) == NULL)
		return 0;
	/* ZSTD_compressCCtx resets the context's parameters and writes a
	 * plain frame at the given level, exactly Godot's call. */
	r = ZSTD_compressCCtx(c->cctx, out, cap, in, n, c->level);
	return ZSTD_isError(r) ? 0 : r;
}

static size_t codec_zstd_decompress(struct codec *c, const uint8_t *in, size_t n,
                                    uint8_t *out, size_t cap)
{
	size_t r;

	if (c->dctx == NULL) {
		if ((c->dctx = ZSTD_createDCtx()) == NULL)
			return 0;
		if (ZSTD_isError(ZSTD_DCtx_setParameter(c->dctx, ZSTD_d_windowLogMax,
		                                        CODEC_ZSTD_WINDOW_LOG_MAX)))
			return 0;
	}
	r = ZSTD_decompressDCtx(c->dctx, out, cap, in, n);
	return ZSTD_isError(r) ? 0 : r;
}

/* codec_compress compresses in[0:n] as Godot does (FastLZ inputs under 16
 * bytes padded with zeros) and copies the result to out if it fits in
 * outLimit. Returns its length or 0. */
static size_t codec_compress(struct codec *c, const uint8_t *in, size_t n, uint8_t *out,
                             size_t outLimit)
{
	size_t bound, r;

	if (c->mode == ENETGO_COMPRESS_FASTLZ) {
		uint8_t padded[16];

		if (n < sizeof padded) {
			memset(padded, 0, sizeof padded);
			if (n > 0)
				memcpy(padded, in, n);
			in = padded;
			n = sizeof padded;
		}
		/* The encoder is bounds-checked and deterministic, so writing
		 * straight into out gives Godot's result or 0. */
		return enetgo_fastlz_compress_level(n < FLZ_LEVEL2_MIN_INPUT ? 1 : 2, in, n,
		                                    out, outLimit);
	}
	bound = codec_bound(c, n);
	if (!codec_reserve(c, &c->out, &c->outCap, bound))
		return 0;
	if (c->mode == ENETGO_COMPRESS_ZLIB)
		r = codec_deflate(c, in, n, c->out, bound);
	else
		r = codec_zstd_compress(c, in, n, c->out, bound);
	if (r == 0 || r > outLimit)
		return 0;
	memcpy(out, c->out, r);
	return r;
}

static size_t codec_decompress(struct codec *c, const uint8_t *in, size_t n, uint8_t *out,
                               size_t outLimit)
{
	switch (c->mode) {
	case ENETGO_COMPRESS_FASTLZ:
		return enetgo_fastlz_decompress(in, n, out, outLimit);
	case ENETGO_COMPRESS_ZLIB:
		return codec_inflate(c, in, n, out, outLimit);
	case ENETGO_COMPRESS_ZSTD:
		return codec_zstd_decompress(c, in, n, out, outLimit);
	default:
		return 0;
	}
}

/* ENet callbacks. */

static size_t host_compress_cb(void *context, const ENetBuffer *inBuffers, size_t inBufferCount,
                               size_t inLimit, enet_uint8 *outData, size_t outLimit)
{
	struct codec *c = context;
	size_t total = 0, i;

	if (!codec_reserve(c, &c->in, &c->inCap, inLimit))
		return 0;
	for (i = 0; i < inBufferCount && total < inLimit; i++) {
		size_t n = inBuffers[i].dataLength;

		if (n > inLimit - total)
			n = inLimit - total;
		memcpy(c->in + total, inBuffers[i].data, n);
		total += n;
	}
	return codec_compress(c, c->in, total, outData, outLimit);
}

static size_t host_decompress_cb(void *context, const enet_uint8 *inData, size_t inLimit,
                                 enet_uint8 *outData, size_t outLimit)
{
	struct codec *c = context;
	size_t r = codec_decompress(c, inData, inLimit, outData, outLimit);

	if (r == 0 || r > outLimit) {
		__atomic_fetch_add(&c->decompressFailures, 1, __ATOMIC_RELAXED);
		return 0;
	}
	return r;
}

static void host_destroy_cb(void *context)
{
	struct codec *c = context;

	codec_fini(c);
	enet_free(c);
}

int enetgo_host_compress(ENetHost *host, int mode, int level)
{
	ENetCompressor comp;
	struct codec *c;

	switch (mode) {
	case ENETGO_COMPRESS_NONE:
		enet_host_compress(host, NULL);
		return 0;
	case ENETGO_COMPRESS_RANGE_CODER:
		if (enet_host_compress_with_range_coder(host) != 0) {
			enet_host_compress(host, NULL);
			return -1;
		}
		return 0;
	case ENETGO_COMPRESS_FASTLZ:
	case ENETGO_COMPRESS_ZLIB:
	case ENETGO_COMPRESS_ZSTD:
		break;
	default:
		enet_host_compress(host, NULL);
		return -1;
	}
	if (!codec_level_ok(mode, level) || (c = enet_malloc(sizeof *c)) == NULL) {
		enet_host_compress(host, NULL);
		return -1;
	}
	codec_init(c, mode, level, 1);
	/* ENet's datagrams are at most ENET_PROTOCOL_MAXIMUM_MTU bytes; larger
	 * inLimits (a hand-set host->mtu) grow the buffers on demand. */
	if (!codec_reserve(c, &c->in, &c->inCap, ENET_PROTOCOL_MAXIMUM_MTU)) {
		host_destroy_cb(c);
		enet_host_compress(host, NULL);
		return -1;
	}
	comp.context = c;
	comp.compress = host_compress_cb;
	comp.decompress = host_decompress_cb;
	comp.destroy = host_destroy_cb;
	enet_host_compress(host, &comp);
	return 0;
}

uint64_t enetgo_host_decompress_failures(ENetHost *host)
{
	struct codec *c = host->compressor.context;

	if (c == NULL || host->compressor.compress != host_compress_cb)
		return 0;
	return __atomic_load_n(&c->decompressFailures, __ATOMIC_RELAXED);
}

/* Stand-alone codec functions. */

size_t enetgo_codec_compress(int mode, int level, const uint8_t *in, size_t inLen,
                             uint8_t *out, size_t outLimit)
{
	struct codec c;
	size_t r;

	if (!codec_level_ok(mode, level) || (in == NULL && inLen > 0))
		return 0;
	codec_init(&c, mode, level, 0);
	r = codec_compress(&c, in, inLen, out, outLimit);
	codec_fini(&c);
	return r;
}

size_t enetgo_codec_decompress(int mode, const uint8_t *in, size_t inLen, uint8_t *out,
                               size_t outLimit)
{
	struct codec c;
	size_t r;

	if (in == NULL || inLen == 0)
		return 0;
	codec_init(&c, mode, 0, 0);
	r = codec_decompress(&c, in, inLen, out, outLimit);
	codec_fini(&c);
	return r;
}
