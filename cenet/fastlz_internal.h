/* FastLZ block format constants shared by the encoder and decoder in
 * fastlz.c. Written for this project from the public format description:
 *
 * A block is a sequence of instructions. The top 3 bits of byte 0 hold the
 * level minus one (0: level 1, 1: level 2); its low 5 bits belong to the first
 * instruction, which is always a literal run.
 *
 *   000LLLLL                 literal run of L+1 bytes (1..32) that follow
 *   NNNDDDDD dddddddd        match of N+2 bytes (N = 1..6), source
 *                            distance D*256+d+1 bytes back
 *   111DDDDD e dddddddd      level 1: match of e+9 bytes
 *   111DDDDD e.. dddddddd    level 2: e is a run of 255 bytes ended by a
 *                            byte < 255; the match is sum(e)+9 bytes
 *   ...11111 11111111 H L    level 2 only: "far" match whose distance is
 *                            (H*256+L) + 8191 + 1
 */
#ifndef ENETGO_FASTLZ_INTERNAL_H
#define ENETGO_FASTLZ_INTERNAL_H

enum {
	FLZ_MAX_LITERALS = 32,      /* longest literal run */
	FLZ_L1_MAX_MATCH = 264,     /* longest match one level 1 instruction holds */
	FLZ_L1_MAX_DISTANCE = 8192, /* level 1 matches are closer than this */
	FLZ_L2_NEAR_LIMIT = 8191,   /* level 2 encoded distances below this are near */
	FLZ_L2_MAX_DISTANCE = 65535 + 8191 - 1, /* level 2 matches are closer than this */
	FLZ_HASH_BITS = 13,
	FLZ_HASH_SIZE = 1 << FLZ_HASH_BITS,
	FLZ_LEVEL2_MIN_INPUT = 65536 /* fastlz_compress picks level 2 from here on */
};

#endif
