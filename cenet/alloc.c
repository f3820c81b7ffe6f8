/* Small-block allocator; see alloc.h. Written for this project.
 *
 * ENet allocates and frees several small blocks per packet (the packet,
 * its data, the incoming or outgoing command, the acknowledgement). glibc's
 * per-thread cache (tcache) keeps only 7 blocks per size, so a host that
 * drains a batch of events and then answers them overflows it and every
 * further block goes through the arena's slower paths under its lock. This
 * cache keeps up to ENETGO_POOL_CLASS_BLOCKS blocks per size class for each
 * thread, so those bursts are served from an array pop.
 *
 * Every block is a malloc block with a HEADER-byte header in front of what
 * the caller gets (which keeps malloc's 16-byte alignment). The header
 * holds the block's class: k (1..CLASSES) for a cached size of 16k bytes,
 * 0 for a larger block, which is plain malloc and free. A free reads its
 * class from there, without asking malloc (malloc_usable_size reads the
 * chunk and its neighbour's header: 7 of the allocator's 54 ns per echo
 * before, BENCHMARKS.md "Session 6"). Blocks freed on one thread and
 * allocated on another move between caches freely: they are plain malloc
 * blocks. A thread's cache is freed when the thread exits. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include "alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL 0
#endif
#endif
#ifndef POOL
#define POOL 1
#endif

#define CLASSES ((ENETGO_POOL_MAX + 15) / 16) /* class k (1..CLASSES) serves 16k bytes */
#define HEADER 16

/* header returns the class word of a block the caller got. */
static inline size_t *header(void *p) { return (size_t *)((char *)p - HEADER); }

/* A thread's cache: per class, a stack of free blocks. An array rather
 * than a list threaded through the blocks, so that taking a block does not
 * read it (a freed block is often out of the first-level cache by the time
 * it is taken again). About 140 KiB of address space per thread, of which
 * only the pages of the classes in use are ever touched. */
typedef struct {
	void *slot[CLASSES + 1][ENETGO_POOL_CLASS_BLOCKS];
	uint32_t count[CLASSES + 1];
	size_t bytes;
} thread_cache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static __thread thread_cache *cache;
static __thread int cache_failed;

static void cache_destroy(void *v)
{
	thread_cache *c = v;
	for (int k = 1; k <= CLASSES; k++)
		for (uint32_t i = 0; i < c->count[k]; i++)
			free(header(c->slot[k][i]));
	free(c);
	cache = NULL;
	cache_failed = 1; /* a free after this, during thread exit, goes to free */
}

static void cache_key_create(void)
{
	if (pthread_key_create(&cache_key, cache_destroy) != 0)
		cache_failed = 1;
}

/* thread_cache_get returns the calling thread's cache, creating it on first
 * use, or NULL when it cannot (then malloc and free are used directly). */
static thread_cache *thread_cache_get(void)
{
	if (cache != NULL || cache_failed)
		return cache;
	pthread_once(&cache_once, cache_key_create);
	if (cache_failed)
		return NULL;
	thread_cache *c = calloc(1, sizeof *c);
	if (c == NULL || pthread_setspecific(cache_key, c) != 0) {
		free(c);
		cache_failed = 1;
		return NULL;
	}
	cache = c;
	return c;
}

static inline size_t class_size(size_t k) { return k * 16; }

/* raw_malloc returns a new block of n bytes with class k in its header. */
static void *raw_malloc(size_t n, size_t k)
{
	if (n > SIZE_MAX - HEADER)
		return NULL;
	char *raw = malloc(n + HEADER);
	if (raw == NULL)
		return NULL;
	*(size_t *)raw = k;
	return raw + HEADER;
}

void *enetgo_pool_malloc(size_t size)
{
	if (!POOL)
		return malloc(size);
	if (size > ENETGO_POOL_MAX)
		return raw_malloc(size, 0);
	size_t k = size == 0 ? 1 : (size + 15) / 16;
	thread_cache *c = thread_cache_get();
	if (c != NULL && c->count[k] > 0) {
		c->bytes -= class_size(k);
		return c->slot[k][--c->count[k]];
	}
	return raw_malloc(class_size(k), k);
}

void enetgo_pool_free(void *p)
{
	if (p == NULL)
		return;
	if (!POOL) {
		free(p);
		return;
	}
	size_t k = *header(p);
	thread_cache *c;
	if (k == 0 || (c = thread_cache_get()) == NULL || c->count[k] >= ENETGO_POOL_CLASS_BLOCKS ||
	    c->bytes + class_size(k) > ENETGO_POOL_THREAD_BYTES) {
		free(header(p));
		return;
	}
	c->slot[k][c->count[k]++] = p;
	c->bytes += class_size(k);
}

int enetgo_pool_enabled(void) { return POOL; }

size_t enetgo_pool_cached(void)
{
	return cache != NULL ? cache->bytes : 0;
}
