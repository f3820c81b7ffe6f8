/* Small-block allocator that package enet gives ENet through
 * enet_initialize_with_callbacks. Written for this project. */
#ifndef ENETGO_ALLOC_H
#define ENETGO_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* enetgo_pool_malloc returns a block of at least size bytes. Blocks of up
 * to ENETGO_POOL_MAX bytes come from a per-thread cache of blocks freed
 * before, refilled from malloc; larger ones come from malloc each time
 * (with the same header, marking them uncached). */
void *enetgo_pool_malloc(size_t size);

/* enetgo_pool_free returns a block from enetgo_pool_malloc to the calling
 * thread's cache, or to free when that cache is full. It takes only
 * enetgo_pool_malloc's blocks: each has a header in front. */
void enetgo_pool_free(void *p);

/* enetgo_pool_enabled reports whether the cache is compiled in: it is
 * left out under AddressSanitizer, so reuse of freed ENet memory is still
 * caught there. */
int enetgo_pool_enabled(void);

/* enetgo_pool_cached returns the bytes the calling thread's cache holds. */
size_t enetgo_pool_cached(void);

/* Largest block the cache keeps, and its limits per thread. */
#define ENETGO_POOL_MAX 1088          /* a 1 KiB packet fits, with its ENetPacket in front (cenet/host.c) */
#define ENETGO_POOL_CLASS_BLOCKS 256  /* blocks kept per size class */
#define ENETGO_POOL_THREAD_BYTES (256 * 1024) /* bytes kept per thread */

#endif
