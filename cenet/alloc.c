/* Small-block allocator; see alloc.h. Written for this project.
 *
 * ENet allocates and frees several small blocks per packet (the packet,
 * its data, the incoming or outgoing command, the acknowledgement). glibc's
 * per-thread cache (tcache) keeps only 7 blocks per size, so a host that
 * drains a batch of events and then answers them overflows it and every
 * further block goes through the arena's slower paths under its lock. This
 * cache keeps up to ENETGO_POOL_CLASS_BLOCKS blocks per size class for each
 * thread, so those bursts are served from a list pop.
 *
 * Blocks carry no header: a block's class is its malloc_usable_size. A
 * request of n bytes is rounded up to the class size 16k+8, which glibc
 * serves with exactly that usable size, and a freed block whose usable size
 * is a class size goes back to that class (whatever allocated it, it is
 * big enough for every request of the class). Anything else is passed to
 * malloc and free unchanged. Blocks freed on one thread and allocated on
 * another move between caches freely: they are plain malloc blocks. A
 * thread's cache is freed when the thread exits. */
#define _GNU_SOURCE
#include <malloc.h>
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

#define CLASSES ((ENETGO_POOL_MAX - 8) / 16) /* class k (1..CLASSES) serves 16k+8 bytes */

typedef struct free_block {
	struct free_block *next;
} free_block;

typedef struct {
	free_block *head[CLASSES + 1];
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
	for (int k = 1; k <= CLASSES; k++) {
		free_block *b = c->head[k];
		while (b != NULL) {
			free_block *next = b->next;
			free(b);
			b = next;
		}
	}
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

static inline size_t class_size(int k) { return (size_t)k * 16 + 8; }

void *enetgo_pool_malloc(size_t size)
{
	if (!POOL || size > ENETGO_POOL_MAX)
		return malloc(size);
	int k = size <= 24 ? 1 : (int)((size - 8 + 15) / 16);
	thread_cache *c = thread_cache_get();
	if (c != NULL && c->head[k] != NULL) {
		free_block *b = c->head[k];
		c->head[k] = b->next;
		c->count[k]--;
		c->bytes -= class_size(k);
		return b;
	}
	return malloc(class_size(k));
}

void enetgo_pool_free(void *p)
{
	if (p == NULL)
		return;
	if (!POOL) {
		free(p);
		return;
	}
	size_t u = malloc_usable_size(p);
	if (u < 24 || u > ENETGO_POOL_MAX || (u - 8) % 16 != 0) {
		free(p);
		return;
	}
	int k = (int)((u - 8) / 16);
	thread_cache *c = thread_cache_get();
	if (c == NULL || c->count[k] >= ENETGO_POOL_CLASS_BLOCKS ||
	    c->bytes + u > ENETGO_POOL_THREAD_BYTES) {
		free(p);
		return;
	}
	free_block *b = p;
	b->next = c->head[k];
	c->head[k] = b;
	c->count[k]++;
	c->bytes += u;
}

int enetgo_pool_enabled(void) { return POOL; }

size_t enetgo_pool_cached(void)
{
	return cache != NULL ? cache->bytes : 0;
}
