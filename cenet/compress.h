/* Godot-compatible ENet compressors: FastLZ, zlib (RFC 1950) and zstd.
 * Written for this project from the format descriptions; see
 * docs/compression.md for the formats and the behaviour mirrored. */
#ifndef ENETGO_COMPRESS_H
#define ENETGO_COMPRESS_H

#include <stddef.h>
#include <stdint.h>
#include <enet/enet.h>

/* Modes, numbered as Godot's ENetConnection.CompressionMode. */
enum {
	ENETGO_COMPRESS_NONE = 0,
	ENETGO_COMPRESS_RANGE_CODER = 1,
	ENETGO_COMPRESS_FASTLZ = 2,
	ENETGO_COMPRESS_ZLIB = 3,
	ENETGO_COMPRESS_ZSTD = 4
};

/* enetgo_host_compress installs the compressor for mode on host, replacing
 * (and destroying) any previous one. level is the zlib level (-1..9) for
 * ZLIB, the zstd level (1..22) for ZSTD, ignored otherwise. Returns 0, or -1
 * for an unknown mode, a bad level or an allocation failure (the host is then
 * left without a compressor). */
int enetgo_host_compress(ENetHost *host, int mode, int level);

/* enetgo_host_decompress_failures returns how many datagrams the host's
 * FastLZ/zlib/zstd decompressor rejected (0 for other modes). */
uint64_t enetgo_host_decompress_failures(ENetHost *host);

/* enetgo_codec_compress compresses in[0:inLen] with mode (FASTLZ, ZLIB or
 * ZSTD) exactly as Godot's Compression::compress does, including FastLZ's
 * zero padding of inputs shorter than 16 bytes, into out[0:outLimit].
 * Returns the compressed length, or 0 on failure or if the result would not
 * fit in outLimit. */
size_t enetgo_codec_compress(int mode, int level, const uint8_t *in, size_t inLen,
                             uint8_t *out, size_t outLimit);

/* enetgo_codec_decompress decompresses in[0:inLen] into out[0:outLimit].
 * Returns the decompressed length, or 0 on any error (corrupt or truncated
 * input, output larger than outLimit). Never reads or writes out of bounds.
 * FastLZ with outLimit < 16 returns 0 (Godot decodes into 16 bytes and
 * copies outLimit; ENet never passes a limit that small). */
size_t enetgo_codec_decompress(int mode, const uint8_t *in, size_t inLen,
                               uint8_t *out, size_t outLimit);

/* enetgo_fastlz_compress_level compresses with FastLZ level 1 or 2 (no
 * padding). Returns the compressed length, or 0 if the output does not fit
 * in outLimit. */
size_t enetgo_fastlz_compress_level(int level, const uint8_t *in, size_t inLen,
                                    uint8_t *out, size_t outLimit);

/* enetgo_fastlz_decompress decodes a level 1 or level 2 FastLZ block (level
 * taken from the top 3 bits of byte 0). Returns the length or 0 on error. */
size_t enetgo_fastlz_decompress(const uint8_t *in, size_t inLen, uint8_t *out,
                                size_t outLimit);

#endif
