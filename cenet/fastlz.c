/* FastLZ level 1 and level 2 encoder and a bounds-checked decoder.
 *
 * Written for this project from the block format description in
 * fastlz_internal.h. The encoder follows the greedy single-probe hash
 * strategy of the FastLZ version Godot 3.2 bundles, so that its output is
 * byte-identical to Godot's PoolByteArray.compress(COMPRESSION_FASTLZ); the
 * Godot interop test in compress_codec_test.go checks this.
 *
 * Unlike the classic implementation, both directions check every read and
 * write against the caller's bounds: the encoder returns 0 when the output
 * would not fit, the decoder returns 0 on any malformed input. */
#include <stdint.h>
#include <string.h>

#include "compress.h"
#include "fastlz_internal.h"

static inline uint32_t flz_u16(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}

/* flz_hash hashes the three bytes at p (p[0..2] must be readable). */
static inline uint32_t flz_hash(const uint8_t *p)
{
	uint32_t v = flz_u16(p);
	v ^= flz_u16(p + 1) ^ (v >> (16 - FLZ_HASH_BITS));
	return v & (FLZ_HASH_SIZE - 1);
}

/* flz_out is the encoder's output cursor. A literal run is kept pending as
 * (start, count) and written once its length is known, so the encoder never
 * needs a placeholder byte it might have to take back. */
struct flz_out {
	uint8_t *p, *end;
	const uint8_t *lit; /* first pending literal */
	size_t nlit;        /* pending literals, 0..FLZ_MAX_LITERALS */
	int overflow;
};

static inline void flz_flush_literals(struct flz_out *o)
{
	if (o->nlit == 0)
		return;
	if ((size_t)(o->end - o->p) < o->nlit + 1) {
		o->overflow = 1;
		o->nlit = 0;
		return;
	}
	*o->p++ = (uint8_t)(o->nlit - 1);
	memcpy(o->p, o->lit, o->nlit);
	o->p += o->nlit;
	o->nlit = 0;
}

static inline void flz_literal(struct flz_out *o, const uint8_t *b)
{
	if (o->nlit == 0)
		o->lit = b;
	if (++o->nlit == FLZ_MAX_LITERALS)
		flz_flush_literals(o);
}

static inline int flz_room(struct flz_out *o, size_t n)
{
	if ((size_t)(o->end - o->p) < n) {
		o->overflow = 1;
		return 0;
	}
	return 1;
}

/* flz_match_l1 writes a level 1 match; len is the match length minus 2 and
 * dist the distance minus 1. */
static void flz_match_l1(struct flz_out *o, size_t len, uint32_t dist)
{
	/* Overlong matches go out in pieces of FLZ_L1_MAX_MATCH - 2 bytes,
	 * each written with length byte chunk - 9 (the classic encoder's
	 * choice, kept for byte-identical output). */
	const size_t chunk = FLZ_L1_MAX_MATCH - 2;
	uint8_t hi = (uint8_t)(dist >> 8), lo = (uint8_t)dist;

	while (len > chunk) {
		if (!flz_room(o, 3))
			return;
		*o->p++ = (uint8_t)((7 << 5) | hi);
		*o->p++ = (uint8_t)(chunk - 9);
		*o->p++ = lo;
		len -= chunk;
	}
	if (!flz_room(o, 3))
		return;
	if (len < 7) {
		*o->p++ = (uint8_t)((len << 5) | hi);
	} else {
		*o->p++ = (uint8_t)((7 << 5) | hi);
		*o->p++ = (uint8_t)(len - 7);
	}
	*o->p++ = lo;
}

/* flz_match_l2 writes a level 2 match; len and dist biased as above. */
static void flz_match_l2(struct flz_out *o, size_t len, uint32_t dist)
{
	int far = dist >= FLZ_L2_NEAR_LIMIT;
	uint8_t low5;

	if (far)
		dist -= FLZ_L2_NEAR_LIMIT;
	low5 = far ? 31 : (uint8_t)(dist >> 8);
	if (!flz_room(o, 5 + (len < 7 ? 0 : 1 + (len - 7) / 255)))
		return;
	if (len < 7) {
		*o->p++ = (uint8_t)((len << 5) | low5);
	} else {
		*o->p++ = (uint8_t)((7 << 5) | low5);
		for (len -= 7; len >= 255; len -= 255)
			*o->p++ = 255;
		*o->p++ = (uint8_t)len;
	}
	if (far) {
		*o->p++ = 255;
		*o->p++ = (uint8_t)(dist >> 8);
		*o->p++ = (uint8_t)dist;
	} else {
		*o->p++ = (uint8_t)dist;
	}
}

/* flz_table maps hashes to input positions; 0 is a valid entry, the table
 * starts out pointing every slot at the first byte. Inputs shorter than 64 KiB
 * use 16-bit entries, which halves the table clearing that dominates the cost
 * of compressing an ENet datagram. */
union flz_table {
	uint32_t wide[FLZ_HASH_SIZE];
	uint16_t narrow[FLZ_HASH_SIZE];
};

#define FLZ_GET(t, narrow, h) ((narrow) ? (size_t)(t)->narrow[h] : (size_t)(t)->wide[h])
#define FLZ_SET(t, narrow, h, v)                         \
	do {                                                 \
		if (narrow)                                      \
			(t)->narrow[h] = (uint16_t)(v);              \
		else                                             \
			(t)->wide[h] = (uint32_t)(v);                \
	} while (0)

static inline __attribute__((always_inline)) size_t
flz_compress(int level, int narrow, union flz_table *table, const uint8_t *in, size_t inLen,
             uint8_t *out, size_t outLimit)
{
	struct flz_out o = {out, out + outLimit, NULL, 0, 0};
	const size_t maxDist = level == 1 ? FLZ_L1_MAX_DISTANCE : FLZ_L2_MAX_DISTANCE;
	size_t ip, bound, limit;

	if (narrow)
		memset(table->narrow, 0, sizeof table->narrow);
	else
		memset(table->wide, 0, sizeof table->wide);

	/* Matches are searched while ip < limit; they never extend to the last
	 * byte (bound = inLen - 2 is the farthest a match scan goes). The
	 * limit of inLen - 13 is what Godot 3.2.3's encoder does, checked
	 * against it: a match starting exactly 13 bytes before the end is not
	 * taken. */
	bound = inLen - 2;
	limit = inLen > 13 ? inLen - 13 : 0;

	flz_literal(&o, in);
	flz_literal(&o, in + 1);
	ip = 2;
	while (ip < limit && !o.overflow) {
		size_t anchor = ip, ref, len = 3, dist;
		size_t src;

		if (level == 2 && in[ip] == in[ip - 1] &&
		    flz_u16(in + ip - 1) == flz_u16(in + ip + 1)) {
			/* Level 2 takes a run of one repeated byte without a probe. */
			ref = anchor - 1;
			dist = 1;
		} else {
			uint32_t h = flz_hash(in + ip);

			ref = FLZ_GET(table, narrow, h);
			FLZ_SET(table, narrow, h, anchor);
			dist = anchor - ref;
			if (dist == 0 || dist >= maxDist || in[ref] != in[ip] ||
			    in[ref + 1] != in[ip + 1] || in[ref + 2] != in[ip + 2]) {
				flz_literal(&o, in + anchor);
				ip = anchor + 1;
				continue;
			}
			if (level == 2 && dist >= FLZ_L2_NEAR_LIMIT) {
				/* A far match must be at least 5 bytes long. */
				if (in[ref + 3] != in[ip + 3] || in[ref + 4] != in[ip + 4]) {
					flz_literal(&o, in + anchor);
					ip = anchor + 1;
					continue;
				}
				len = 5;
			}
		}

		/* Extend the match. ip ends one past the first byte compared
		 * unequal, or at bound. */
		ip = anchor + len;
		src = ref + len;
		dist--;
		if (dist == 0) {
			uint8_t x = in[ip - 1];

			while (ip < bound) {
				if (in[src++] != x)
					break;
				ip++;
			}
		} else {
			/* The first 8 comparisons need no bound check: ip < limit
			 * keeps them inside the input. */
			int k, hit = 0;

			for (k = 0; k < 8; k++) {
				if (in[src++] != in[ip++]) {
					hit = 1;
					break;
				}
			}
			if (!hit) {
				while (ip < bound)
					if (in[src++] != in[ip++])
						break;
			}
		}

		flz_flush_literals(&o);
		ip -= 3;
		len = ip - anchor; /* match length - 2 */
		if (level == 1)
			flz_match_l1(&o, len, (uint32_t)dist);
		else
			flz_match_l2(&o, len, (uint32_t)dist);

		/* Index the two positions at the end of the match. Past the
		 * search limit they can never be probed again, and hashing them
		 * could read beyond the input. */
		if (ip + 2 < inLen)
			FLZ_SET(table, narrow, flz_hash(in + ip), ip);
		ip++;
		if (ip + 2 < inLen)
			FLZ_SET(table, narrow, flz_hash(in + ip), ip);
		ip++;
	}
	for (; ip < inLen && !o.overflow; ip++)
		flz_literal(&o, in + ip);
	flz_flush_literals(&o);
	if (o.overflow)
		return 0;
	if (level == 2)
		out[0] |= 1 << 5;
	return (size_t)(o.p - out);
}

size_t enetgo_fastlz_compress_level(int level, const uint8_t *in, size_t inLen,
                                    uint8_t *out, size_t outLimit)
{
	union flz_table table;

	if ((level != 1 && level != 2) || inLen == 0 || inLen > UINT32_MAX)
		return 0;
	if (inLen < 4) {
		/* A single literal run, without the level mark. */
		if (outLimit < inLen + 1)
			return 0;
		out[0] = (uint8_t)(inLen - 1);
		memcpy(out + 1, in, inLen);
		return inLen + 1;
	}
	if (inLen <= UINT16_MAX) {
		if (level == 1)
			return flz_compress(1, 1, &table, in, inLen, out, outLimit);
		return flz_compress(2, 1, &table, in, inLen, out, outLimit);
	}
	if (level == 1)
		return flz_compress(1, 0, &table, in, inLen, out, outLimit);
	return flz_compress(2, 0, &table, in, inLen, out, outLimit);
}

size_t enetgo_fastlz_decompress(const uint8_t *in, size_t inLen, uint8_t *out,
                                size_t outLimit)
{
	size_t ip = 0, op = 0;
	unsigned level;
	uint32_t ctrl;

	if (inLen == 0)
		return 0;
	level = (in[0] >> 5) + 1;
	if (level != 1 && level != 2)
		return 0;
	ctrl = in[ip++] & 31;
	for (;;) {
		if (ctrl < 32) {
			size_t run = ctrl + 1;

			if (inLen - ip < run || outLimit - op < run)
				return 0;
			memcpy(out + op, in + ip, run);
			ip += run;
			op += run;
		} else {
			size_t len = (ctrl >> 5) - 1, dist;
			size_t hi = (size_t)(ctrl & 31) << 8;
			uint8_t code;

			if (len == 6) {
				if (level == 1) {
					if (ip >= inLen)
						return 0;
					len += in[ip++];
				} else {
					do {
						if (ip >= inLen || len > outLimit)
							return 0;
						code = in[ip++];
						len += code;
					} while (code == 255);
				}
			}
			if (ip >= inLen)
				return 0;
			code = in[ip++];
			dist = hi + code + 1;
			if (level == 2 && code == 255 && hi == (31u << 8)) {
				if (inLen - ip < 2)
					return 0;
				dist = (((size_t)in[ip] << 8) | in[ip + 1]) + FLZ_L2_NEAR_LIMIT + 1;
				ip += 2;
			}
			len += 3;
			if (dist > op || len > outLimit - op)
				return 0;
			if (dist >= len) {
				memcpy(out + op, out + op - dist, len);
				op += len;
			} else {
				/* Overlapping copy: repeats the last dist bytes. */
				const uint8_t *s = out + op - dist;
				uint8_t *d = out + op;
				size_t i;

				for (i = 0; i < len; i++)
					d[i] = s[i];
				op += len;
			}
		}
		if (ip >= inLen)
			break;
		ctrl = in[ip++];
	}
	return op;
}
