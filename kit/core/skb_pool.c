/* skb_pool.c - the skb pool: its chunks, and the skb behind a buffer address. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/skb_pool.h"

/*
 * skbs and their buffers come in chunks of SKB_CHUNK, opened when the pool
 * runs dry and kept until the machine goes away, so the per-packet path only
 * pops and pushes a free list. A chunk's buffers are one contiguous area,
 * which is also what the NIC's DMA checks against.
 */

static size_t skbs_len(const struct skb_pool *pool)
{
	return (size_t)pool->max_chunks * SKB_CHUNK * sizeof(struct sk_buff);
}

static size_t arena_len(const struct skb_pool *pool)
{
	return (size_t)pool->max_chunks * ARENA_LEN;
}

/* Make [p, p + len) of a reservation usable (whole pages; the rest of the
 * reservation stays PROT_NONE, so a stray access past the open chunks faults). */
static int open_range(void *base, size_t from, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t lo = from / page * page, hi = (from + len + page - 1) / page * page;

	return mprotect((unsigned char *)base + lo, hi - lo, PROT_READ | PROT_WRITE) ? -ENOMEM : 0;
}

int skb_pool_add_chunk(struct skb_pool *pool)
{
	size_t first = pool->nskbs;

	if (pool->nchunks == pool->max_chunks)
		return -ENOMEM;
	if (open_range(pool->skbs, first * sizeof(struct sk_buff),
		       SKB_CHUNK * sizeof(struct sk_buff)) ||
	    open_range(pool->arena, first * SKB_STRIDE, ARENA_LEN))
		return -ENOMEM;
	/* fresh anonymous pages are zero, as calloc's were */
	for (size_t i = first + SKB_CHUNK; i-- > first;) {
		struct sk_buff *skb = &pool->skbs[i];

		skb->head = pool->arena + i * SKB_STRIDE;
		memset(skb->head + SKB_BUF_SIZE, CANARY_BYTE, SKB_STRIDE - SKB_BUF_SIZE); /* guard */
		skb->end = SKB_BUF_SIZE;
		skb->kit_pool = pool;
		skb->kit_place = SKB_FREE;
		skb->next = pool->free;
		pool->free = skb;
	}
	pool->nchunks++;
	pool->nskbs += SKB_CHUNK;
	return 0;
}

static void *reserve(size_t len)
{
	void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void skb_pool_free(struct kit *k)
{
	struct skb_pool *pool = k->pool;

	if (!pool)
		return;
	if (pool->skbs)
		munmap(pool->skbs, skbs_len(pool));
	if (pool->arena)
		munmap(pool->arena, arena_len(pool));
	free(pool);
	k->pool = NULL;
}

int skb_pool_init(struct kit *k)
{
	struct skb_pool *pool = calloc(1, sizeof(*pool));

	if (!pool)
		return -ENOMEM;
	pool->k = k;
	pool->next_id = 1;
	k->pool = pool;
	for (pool->max_chunks = SKB_MAX_CHUNKS; pool->max_chunks > 0; pool->max_chunks /= 2) {
		pool->skbs = reserve(skbs_len(pool));
		pool->arena = pool->skbs ? reserve(arena_len(pool)) : NULL;
		if (pool->arena)
			break;
		if (pool->skbs)
			munmap(pool->skbs, skbs_len(pool));
		pool->skbs = NULL;
	}
	if (!pool->max_chunks)
		return -ENOMEM;
	return skb_pool_add_chunk(pool);
}

struct sk_buff *skb_pool_iter(struct kit *k, size_t *cursor)
{
	struct skb_pool *pool = k->pool;

	while (*cursor < pool->nskbs) {
		struct sk_buff *skb = &pool->skbs[(*cursor)++];

		if (skb->kit_place != SKB_FREE)
			return skb;
	}
	return NULL;
}

struct sk_buff *skb_pool_iter_all(struct kit *k, size_t *cursor)
{
	struct skb_pool *pool = k->pool;

	if (*cursor >= pool->nskbs)
		return NULL;
	return &pool->skbs[(*cursor)++];
}

/*
 * Division by the stride as a multiply (Lemire, Kaser and Kurz, "Faster
 * remainder by direct computation", 2019): with STRIDE_M = ceil(2^64 /
 * SKB_STRIDE), for every off below 2^32 the high word of off * STRIDE_M is
 * off / SKB_STRIDE and the low word w gives the remainder, (w * SKB_STRIDE)
 * >> 64 (the theorem needs 64 >= 32 + log2(SKB_STRIDE)). So the remainder is
 * SKB_BUF_SIZE or more (the line between two buffers) exactly when w is
 * GUARD_W or more. An off of 2^32 or more gives a quotient of at least
 * 2^32 / SKB_STRIDE, more than the pool ever holds: no skb, as the division
 * would say.
 */
#ifdef __SIZEOF_INT128__
typedef unsigned __int128 u128;
#define STRIDE_M ((u64)(((u128)1 << 64) / SKB_STRIDE) + 1)
#define GUARD_W ((u64)((((u128)SKB_BUF_SIZE << 64) + SKB_STRIDE - 1) / SKB_STRIDE))
_Static_assert(SKB_STRIDE & (SKB_STRIDE - 1), "a power-of-two stride divides by a shift");
_Static_assert((u64)SKB_MAX_CHUNKS * SKB_CHUNK <= ((u64)1 << 32) / SKB_STRIDE,
	       "every buffer's offset is below 2^32");

/* off / SKB_STRIDE, and in *w the low word that tells the remainder */
static inline u64 stride_div(size_t off, u64 *w)
{
	u128 q = (u128)off * STRIDE_M;

	*w = (u64)q;
	return (u64)(q >> 64);
}

/* off % SKB_STRIDE from stride_div's low word */
static inline u64 stride_rem(u64 w)
{
	return (u64)(((u128)w * SKB_STRIDE) >> 64);
}
#else /* no 128-bit product: the division itself, w the remainder */
#define GUARD_W SKB_BUF_SIZE
static inline u64 stride_div(size_t off, u64 *w)
{
	*w = off % SKB_STRIDE;
	return off / SKB_STRIDE;
}

static inline u64 stride_rem(u64 w)
{
	return w;
}
#endif

/* Whether [p, p + len) lies within one open chunk's buffers (the chunks were
 * separate allocations once: a range across two is still not one area). */
static __attribute__((noinline)) bool owns_chunk(const struct skb_pool *pool, size_t off,
						  size_t len)
{
	size_t c = off / ARENA_LEN;

	if (c >= (size_t)pool->nchunks) /* only the very end of the last chunk, empty */
		return len == 0 && off == (size_t)pool->nchunks * ARENA_LEN;
	return len <= (c + 1) * ARENA_LEN - off;
}

/* Within one buffer's stride of an open chunk (a frame in an skb's buffer,
 * the NIC's every question) is within the chunk; the rest asks the chunk. */
bool skb_pool_owns(const struct kit *k, const void *p, size_t len)
{
	const struct skb_pool *pool = k->pool;
	size_t off = (size_t)((uintptr_t)p - (uintptr_t)pool->arena);
	u64 w, i = stride_div(off, &w);

	if (likely(i < pool->nskbs) &&
	    len <= SKB_STRIDE - stride_rem(w))
		return true;
	return owns_chunk(pool, off, len);
}

/* The skb whose buffer holds address p, or NULL: lets the NIC stamp the
 * arrival time of a frame it DMA'd into a posted buffer (hw/nic_rx.c). */
struct sk_buff *skb_pool_buffer_owner(const struct kit *k, const void *p)
{
	const struct skb_pool *pool = k->pool;
	u64 w, i = stride_div((size_t)((uintptr_t)p - (uintptr_t)pool->arena), &w);
	struct sk_buff *skb;

	/* the line between two buffers belongs to neither */
	if (i >= pool->nskbs || w >= GUARD_W)
		return NULL;
	skb = &pool->skbs[i];
	if (!skb) /* never: an skb of the pool (and the caller need not test) */
		__builtin_unreachable();
	return skb;
}

/* live[p]: the skbs whose place is p, counted now (a check or a snapshot,
 * never per packet); the free ones included. */
void skb_pool_counts(const struct kit *k, u64 *allocated, u64 *freed, u64 live[SKB_PLACE_NR])
{
	const struct skb_pool *pool = k->pool;

	*allocated = pool->next_id - 1;
	*freed = pool->freed;
	memset(live, 0, SKB_PLACE_NR * sizeof(*live));
	for (size_t i = 0; i < pool->nskbs; i++)
		if (pool->skbs[i].kit_place < SKB_PLACE_NR)
			live[pool->skbs[i].kit_place]++;
}

struct sk_buff *kit_skb_find(struct kit *k, u32 id)
{
	size_t cur = 0;
	struct sk_buff *skb;

	while ((skb = skb_pool_iter(k, &cur)) != NULL)
		if (skb->kit_id == id)
			return skb;
	return NULL;
}

long skb_pool_index(const struct kit *k, const struct sk_buff *skb)
{
	const struct skb_pool *pool = k->pool;
	size_t off = (size_t)((uintptr_t)skb - (uintptr_t)pool->skbs);

	if (off >= pool->nskbs * sizeof(struct sk_buff))
		return -1;
	return (long)(off / sizeof(struct sk_buff));
}

size_t skb_pool_size(const struct kit *k)
{
	return k->pool->nskbs;
}
