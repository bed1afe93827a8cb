/* skbuff.c - the skb pool and its accounting: every skb is in exactly one place. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kit.h"

/*
 * skbs and their buffers come in chunks of SKB_CHUNK, opened when the pool
 * runs dry and kept until the machine goes away, so the per-packet path only
 * pops and pushes a free list. A chunk's buffers are one contiguous area,
 * which is also what the NIC's DMA checks against.
 *
 * Accounting: each skb records its place (enum skb_place), the one store a
 * move costs; the skbs per place are counted when asked (skb_pool_counts
 * walks the pool), allocated and freed count the calls. kit_check() proves
 * allocated == freed + live and that every SKB_DRIVER skb sits on a ring or
 * in an LRO session. A second free is a BUG record, not a crash.
 */

#define SKB_CHUNK 1024
#define SKB_MAX_CHUNKS 64
/*
 * Buffers sit one cache line further apart than their size: with a stride of
 * exactly 2048 bytes every buffer's first lines would fall in the same few
 * cache sets, and a ring of a thousand frames in flight would thrash them.
 */
#define SKB_STRIDE (SKB_BUF_SIZE + 64)
#define ARENA_LEN ((size_t)SKB_CHUNK * SKB_STRIDE)

/*
 * The pool reserves address space for all SKB_MAX_CHUNKS chunks when it is
 * made (mmap, PROT_NONE: no memory behind it, about 150 MiB of addresses;
 * under an address-space limit, ulimit -v, it halves that until it fits, so
 * a machine holds fewer skbs at once) and opens one chunk at a time
 * as it runs dry. skb i is skbs[i] with its buffer at arena + i * SKB_STRIDE,
 * so the skb owning a buffer address, an skb's index and whether the NIC may
 * DMA to an address are arithmetic, not a search over chunks: the NIC asks
 * for every frame, the driver's unmap for every buffer.
 */
struct skb_pool {
	struct kit *k;
	struct sk_buff *free;	  /* free list through ->next */
	struct sk_buff *skbs;	  /* max_chunks * SKB_CHUNK reserved, nskbs open */
	unsigned char *arena;	  /* their buffers, SKB_STRIDE apart */
	size_t nskbs;		  /* nchunks * SKB_CHUNK */
	int nchunks, max_chunks;
	u64 next_id;		  /* skb#N handles (its low 32 bits), from 1: one more
				   * than the skbs allocated so far */
	u64 freed;
	u64 alloc_fails;	  /* allocations refused: the calls, for the fault
				   * knob, are these and the skbs allocated */
};

static size_t skbs_len(const struct skb_pool *pool)
{
	return (size_t)pool->max_chunks * SKB_CHUNK * sizeof(struct sk_buff);
}

static size_t arena_len(const struct skb_pool *pool)
{
	return (size_t)pool->max_chunks * ARENA_LEN;
}

static const char *const place_names[SKB_PLACE_NR] = {
	[SKB_FREE] = "free", [SKB_USER] = "held", [SKB_QDISC] = "qdisc", [SKB_BLIST] = "blist",
	[SKB_DRIVER] = "driver", [SKB_BACKLOG] = "backlog", [SKB_STACK] = "stack",
	[SKB_SOCKET] = "socket", [SKB_FRAG] = "frag_list",
};

const char *skb_place_name(enum skb_place p)
{
	return p < SKB_PLACE_NR ? place_names[p] : "?";
}

/* Make [p, p + len) of a reservation usable (whole pages; the rest of the
 * reservation stays PROT_NONE, so a stray access past the open chunks faults). */
static int open_range(void *base, size_t from, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t lo = from / page * page, hi = (from + len + page - 1) / page * page;

	return mprotect((unsigned char *)base + lo, hi - lo, PROT_READ | PROT_WRITE) ? -ENOMEM : 0;
}

static int add_chunk(struct skb_pool *pool)
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
	return add_chunk(pool);
}

/* The kit hands skb to driver code: hook names the call ("hard_start_xmit"). */
void skb_to_driver(struct sk_buff *skb, struct net_device *dev, const char *hook)
{
	skb_set_place(skb, SKB_DRIVER);
	skb->kit_holder = hook;
	skb->kit_holder_dev = dev;
}

void skb_set_place(struct sk_buff *skb, enum skb_place p)
{
	skb->kit_place = (u8)p;
}

/*
 * A fresh skb up to its device: what __alloc_skb leaves in the kernel (the
 * struct cleared, the data NET_SKB_PAD into the buffer, no headers set), one
 * template per headroom the allocators reserve (tail is NET_SKB_PAD plus
 * it). An allocation copies this over whatever the last owner left, eight
 * 16-byte stores where clearing and storing field by field took dozens of
 * instructions; then it sets dev and points data into the skb's own buffer.
 */
#define FRESH_LEN offsetof(struct sk_buff, dev)
#define SKB_FRESH(reserve)                                                            \
	{                                                                             \
		.tail = NET_SKB_PAD + (reserve), .end = SKB_BUF_SIZE,                 \
		.truesize = SKB_BUF_SIZE + (unsigned int)sizeof(struct sk_buff),      \
		.mac_header = 0xffff, .network_header = 0xffff,                       \
		.transport_header = 0xffff,                                           \
	}
/* a line of the fresh fields: one 16-byte store (skbs are 8-byte aligned) */
typedef long long skb_line __attribute__((vector_size(16), aligned(8), may_alias));
union skb_fresh {
	struct sk_buff skb;
	skb_line line[FRESH_LEN / 16];
};
static const union skb_fresh skb_fresh = { .skb = SKB_FRESH(0) };
static const union skb_fresh skb_fresh_ip_align = { .skb = SKB_FRESH(NET_IP_ALIGN) };
_Static_assert(FRESH_LEN % 16 == 0, "the fresh fields are whole 16-byte lines");
_Static_assert(offsetof(struct sk_buff, kit_leaked) == offsetof(struct sk_buff, kit_place) + 1 &&
		       offsetof(struct sk_buff, kit_line) ==
			       offsetof(struct sk_buff, kit_place) + 2,
	       "the place, the leak flag and the line side by side");
_Static_assert(offsetof(struct sk_buff, data) == FRESH_LEN + 8 &&
		       offsetof(struct sk_buff, head) == FRESH_LEN + 16,
	       "dev, data and head follow the fresh fields");

/* The driver call running now and its device, into an skb's holder or
 * freer pair: one 16-byte copy (both pairs are side by side in their structs). */
_Static_assert(offsetof(struct kit, dev_running) == offsetof(struct kit, lab_running) + 8 &&
		       offsetof(struct sk_buff, kit_holder_dev) ==
			       offsetof(struct sk_buff, kit_holder) + 8 &&
		       offsetof(struct sk_buff, kit_freer_dev) ==
			       offsetof(struct sk_buff, kit_freer) + 8,
	       "a driver call's name and device side by side");
#define running_to(skb, pair, k)                                                      \
	memcpy((char *)(skb) + offsetof(struct sk_buff, pair),                        \
	       (const char *)(k) + offsetof(struct kit, lab_running), 2 * sizeof(void *))

/* the charge's catch-up test (kit_charge's) */
static inline bool charge_due(const struct kit *k)
{
	return unlikely(k->now >= k->hw_next) && !k->in_hw;
}

/*
 * sim_charge without its catch-up: true when the hardware must catch up
 * (hw_sync) before anything else happens. The allocator and the free do
 * that first thing on their slow path, so the order of what the hardware
 * and the CPU log is sim_charge's; the common call (no catch-up due) then
 * calls nothing and saves no registers.
 */
static inline bool charge_no_sync(struct kit *k, enum cost_id id)
{
	u64 c = k->cost[id];

	k->now += c;
	k->cpu.busy += c;
	k->cost_ns[id] += c;
	k->cost_count[id]++;
	return charge_due(k);
}

/* The allocation's record, last (a trace subscriber sees the skb as
 * allocated); a tail call, so the common path keeps no frame. */
static __attribute__((noinline)) struct sk_buff *alloc_record(struct kit *k, struct sk_buff *skb,
							      unsigned int shown)
{
	trace_write(k, k->now, TR_SKB_ALLOC, skb->dev, (u64)shown << 32 | skb->kit_id, 0);
	return skb;
}

/* The allocation once it is sure to succeed (a free skb, the charge made). */
static inline __attribute__((always_inline)) struct sk_buff *
skb_take(struct kit *k, struct skb_pool *pool, struct net_device *dev, unsigned int shown,
	 unsigned int reserve, const char *func, int line)
{
	const char *running = k->lab_running;
	struct sk_buff *skb = pool->free;
	const union skb_fresh *fresh = reserve == NET_IP_ALIGN ? &skb_fresh_ip_align : &skb_fresh;
	skb_line *to = (skb_line *)(void *)skb;

	pool->free = skb->next;
	for (size_t i = 0; i < FRESH_LEN / 16; i++)
		to[i] = fresh->line[i];
	if (reserve != 0 && reserve != NET_IP_ALIGN)
		skb->tail = NET_SKB_PAD + reserve;
	skb->dev = dev;
	skb->data = skb->head + NET_SKB_PAD + reserve;
	/* the accounting, in field order */
	skb->kit_id = (u32)pool->next_id++;
	/* allocated by driver code: the driver's until it passes it on; not
	 * reported lost; the site's line. The three side by side are one word
	 * (the line is a constant where the allocation is inlined). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	{
		u32 word = (u32)(running ? SKB_DRIVER : SKB_USER) | (u32)(u16)line << 16;

		memcpy(&skb->kit_place, &word, sizeof(word));
	}
#else
	skb->kit_place = running ? SKB_DRIVER : SKB_USER;
	skb->kit_leaked = 0;
	skb->kit_line = (u16)line;
#endif
	skb->kit_func = func;
	skb->kit_alloc_t = k->now;
	running_to(skb, kit_holder, k);
	if (unlikely(k->trace != NULL)) /* NULL after trace_stop: nobody can read it */
		return alloc_record(k, skb, shown);
	return skb;
}

/* Everything but the common case: a catch-up due, the failure knob, a
 * length too long, an empty pool. The arguments are the allocator's, so
 * its call here is a jump. */
static __attribute__((noinline)) struct sk_buff *
skb_get_slow(struct net_device *dev, unsigned int shown, const char *func, int line,
	     unsigned int reserve)
{
	struct kit *k = dev ? dev->kit : kit_current;
	struct skb_pool *pool = k->pool;
	long every = k->knob[KNOB_SKB_FAIL_EVERY];
	u64 calls;

	if (charge_due(k)) /* the charge's own test, nothing changed since */
		hw_sync(k);
	calls = pool->next_id + pool->alloc_fails; /* the calls so far, this one included */
	if ((every > 0 && calls % (u64)every == 0) || shown + reserve > SKB_MAX_ALLOC ||
	    (!pool->free && add_chunk(pool))) {
		pool->alloc_fails++;
		return NULL;
	}
	return skb_take(k, pool, dev, shown, reserve, func, line);
}

/* The allocator; shown is the length the trace line reports, reserve the
 * headroom added to NET_SKB_PAD (skb_reserve on the fresh skb). */
static inline __attribute__((always_inline)) struct sk_buff *
skb_get(struct net_device *dev, unsigned int shown, unsigned int reserve, const char *func,
	int line)
{
	struct kit *k = dev ? dev->kit : kit_current;
	struct skb_pool *pool = k->pool;
	/* the charge brings the hardware up to date (kit_charge): no catch-up
	 * before it, the hardware's changes come out in the same order */
	bool sync = charge_no_sync(k, COST_SKB_ALLOC);

	if (unlikely(sync) || unlikely(k->knob[KNOB_SKB_FAIL_EVERY] > 0) ||
	    unlikely(shown + reserve > SKB_MAX_ALLOC) || unlikely(!pool->free))
		return skb_get_slow(dev, shown, func, line, reserve);
	return skb_take(k, pool, dev, shown, reserve, func, line);
}

struct sk_buff *__netdev_alloc_skb(struct net_device *dev, unsigned int len, const char *func,
				   int line)
{
	return skb_get(dev, len, 0, func, line);
}

/* The IP header lands on a 4-byte boundary; the trace reports len. */
inline __attribute__((always_inline)) struct sk_buff *
__netdev_alloc_skb_ip_align(struct net_device *dev, unsigned int len, const char *func, int line)
{
	return skb_get(dev, len, NET_IP_ALIGN, func, line);
}

/* A free after its charge: the record, and the skb back on the free list. */
static inline __attribute__((always_inline)) void
free_finish(struct kit *k, struct skb_pool *pool, struct sk_buff *skb, enum skb_place place)
{
	TRACE(k, TR_SKB_FREE, skb->dev, skb->kit_id, place, 0, 0);
	skb->kit_place = SKB_FREE;
	pool->freed++;
	skb->next = pool->free;
	pool->free = skb;
}

/* The free's charge found the hardware due to catch up (as sim_charge, it
 * does before anything else happens), or the machine keeps a trace. */
static __attribute__((noinline)) void free_sync(struct kit *k, struct skb_pool *pool,
						struct sk_buff *skb, enum skb_place place)
{
	if (charge_due(k)) /* the charge's own test, nothing changed since */
		hw_sync(k);
	free_finish(k, pool, skb, place);
}

/* Still on a queue of the kit: its memory was freed once already and made
 * into this skb (a driver freeing what it gave back); freeing it would
 * corrupt the queue. */
static bool queued(const struct sk_buff *skb, enum skb_place place)
{
	return skb->next && (place == SKB_QDISC || place == SKB_BLIST || place == SKB_BACKLOG ||
			     place == SKB_SOCKET);
}

/* Every free but the common one (see kfree_skb): a double free, an skb with
 * a frag_list (freed after it, in order), one with next set. */
static __attribute__((noinline)) void kfree_skb_slow(struct sk_buff *skb)
{
	struct skb_pool *pool = skb->kit_pool;
	struct kit *k = pool->k;
	enum skb_place place = skb->kit_place;
	struct sk_buff *frag;

	if (place == SKB_FREE || queued(skb, place)) {
		kit_bug_skb(k, skb->dev, RULE_DOUBLE_FREE, skb);
		return;
	}
	skb->kit_freer = k->lab_running;
	skb->kit_freer_dev = k->dev_running;
	frag = skb->shinfo.frag_list;
	skb->shinfo.frag_list = NULL;
	sim_charge(k, COST_SKB_FREE); /* catches the hardware up, as in skb_get */
	free_finish(k, pool, skb, place);
	while (frag) {
		struct sk_buff *next = frag->next;

		frag->next = NULL;
		kfree_skb(frag);
		frag = next;
	}
}

/*
 * The common free is an skb off every list (next NULL: so not queued), with
 * no frag_list and not free already, on a machine without a trace and no
 * catch-up due: one test of next and frag_list together, one of the place,
 * and no call. Every other free takes a path out of line with the same
 * checks in the same order (kfree_skb_slow: next set is no error by itself).
 */
inline __attribute__((always_inline)) void kfree_skb(struct sk_buff *skb)
{
	struct skb_pool *pool;
	struct kit *k;
	enum skb_place place;

	if (!skb)
		return;
	pool = skb->kit_pool;
	k = pool->k;
	place = skb->kit_place;
	if (unlikely(((uintptr_t)skb->next | (uintptr_t)skb->shinfo.frag_list) != 0) ||
	    unlikely(place == SKB_FREE)) {
		kfree_skb_slow(skb);
		return;
	}
	running_to(skb, kit_freer, k);
	/* catches the hardware up, as in skb_get */
	if (charge_no_sync(k, COST_SKB_FREE) || unlikely(k->trace != NULL)) {
		free_sync(k, pool, skb, place);
		return;
	}
	skb->kit_place = SKB_FREE;
	pool->freed++;
	skb->next = pool->free;
	pool->free = skb;
}

void skb_queue_purge(struct sk_buff_head *list)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(list)) != NULL)
		kfree_skb(skb);
}

int skb_copy_bits(const struct sk_buff *skb, int offset, void *to, int len)
{
	unsigned char *out = to;
	const struct sk_buff *seg = skb;
	unsigned int headlen = skb_headlen(skb);

	if (offset < 0 || len < 0 || (unsigned int)offset + (unsigned int)len > skb->len)
		return -EINVAL;
	/* the linear part, then each frag_list member's linear part */
	while (len > 0 && seg) {
		unsigned int have = seg == skb ? headlen : seg->len;

		if ((unsigned int)offset < have) {
			unsigned int n = have - (unsigned int)offset;

			if (n > (unsigned int)len)
				n = (unsigned int)len;
			memcpy(out, seg->data + offset, n);
			out += n;
			len -= (int)n;
			offset = 0;
		} else {
			offset -= (int)have;
		}
		seg = seg == skb ? skb->shinfo.frag_list : seg->next;
	}
	return len ? -EINVAL : 0;
}

/* The one's complement sum of len bytes from offset, walking the frag_list as
 * skb_copy_bits does (the kernel's skb_checksum, on the kit's skb layout). */
__wsum skb_checksum(const struct sk_buff *skb, int offset, int len, __wsum csum)
{
	const struct sk_buff *seg = skb;
	unsigned int headlen = skb_headlen(skb);
	int pos = 0;

	if (offset < 0 || len < 0 || (unsigned int)offset + (unsigned int)len > skb->len)
		return csum;
	while (len > 0 && seg) {
		unsigned int have = seg == skb ? headlen : seg->len;

		if ((unsigned int)offset < have) {
			unsigned int n = have - (unsigned int)offset;

			if (n > (unsigned int)len)
				n = (unsigned int)len;
			csum = csum_block_add(csum, csum_partial(seg->data + offset, (int)n, 0), pos);
			pos += (int)n;
			len -= (int)n;
			offset = 0;
		} else {
			offset -= (int)have;
		}
		seg = seg == skb ? skb->shinfo.frag_list : seg->next;
	}
	return csum;
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

int kit_skb_put_back(struct sk_buff *skb)
{
	if (skb->kit_place != SKB_USER)
		return -EINVAL;
	kit_enter(skb->kit_pool->k);
	kfree_skb(skb);
	return 0;
}

/*
 * skb_pad (net/core/skbuff.c): make sure pad zero bytes follow the data, for
 * a NIC that DMAs past the end onto the wire; skb->len stays. The kernel
 * reallocates the head when the tailroom is short and fails only when that
 * allocation does; the kit's buffers are fixed, so short tailroom (or data
 * in a frag_list) is the failure. On failure the skb is freed, as the
 * kernel's: the caller must not touch it again.
 */
int skb_pad(struct sk_buff *skb, int pad)
{
	if (!skb->data_len && pad <= skb_tailroom(skb)) {
		memset(skb->data + skb->len, 0, (size_t)pad);
		return 0;
	}
	kfree_skb(skb);
	return -ENOMEM;
}

int skb_padto(struct sk_buff *skb, unsigned int len)
{
	if (likely(skb->len >= len))
		return 0;
	return skb_pad(skb, (int)(len - skb->len));
}

int skb_put_padto(struct sk_buff *skb, unsigned int len)
{
	unsigned int size = skb->len;

	if (unlikely(size < len)) {
		if (skb_pad(skb, (int)(len - size)))
			return -ENOMEM;
		skb_put(skb, len - size);
	}
	return 0;
}
