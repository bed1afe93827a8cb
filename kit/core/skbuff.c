/* skbuff.c - skbs: allocation, free, places, and the helpers that walk a frag_list. */
#include <string.h>

#include "core/skb_pool.h"

/*
 * Accounting: each skb records its place (enum skb_place), the one store a
 * move costs; the skbs per place are counted when asked (skb_pool_counts,
 * skb_pool.c, walks the pool), allocated and freed count the calls.
 * kit_check() proves allocated == freed + live and that every SKB_DRIVER skb
 * sits on a ring or in an LRO session. A second free is a BUG record, not a
 * crash.
 */

static const char *const place_names[SKB_PLACE_NR] = {
	[SKB_FREE] = "free", [SKB_USER] = "held", [SKB_QDISC] = "qdisc", [SKB_BLIST] = "blist",
	[SKB_DRIVER] = "driver", [SKB_BACKLOG] = "backlog", [SKB_STACK] = "stack",
	[SKB_SOCKET] = "socket", [SKB_FRAG] = "frag_list",
};

const char *skb_place_name(enum skb_place p)
{
	return p < SKB_PLACE_NR ? place_names[p] : "?";
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
skb_take_as(struct kit *k, struct skb_pool *pool, struct net_device *dev, unsigned int shown,
	    unsigned int reserve, const char *func, int line, bool untraced, bool kit_code)
{
	/* kit_code: the caller knows no driver call is running (the pair is
	 * still copied: the device's half may be set) */
	const char *running = kit_code ? NULL : k->lab_running;
	struct sk_buff *skb = pool->free;
	const union skb_fresh *fresh = reserve == NET_IP_ALIGN ? &skb_fresh_ip_align : &skb_fresh;
	skb_line *to = (skb_line *)(void *)skb;

	pool->free = skb->next;
	for (size_t i = 0; i < FRESH_LEN / 16; i++)
		to[i] = fresh->line[i];
	if (reserve != 0 && reserve != NET_IP_ALIGN)
		skb->tail = NET_SKB_PAD + reserve;
	skb->dev = dev;
	/* the pointer made opaque (no instruction): otherwise the compiler may
	 * pair dev and data into one 16-byte store, built from the two
	 * registers at twice the instructions of two plain stores */
	if (!untraced) /* (the burst's come out apart as they are) */
		__asm__("" : "+r"(skb));
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
	/* NULL after trace_stop: nobody can read it (untraced: the caller knows) */
	if (!untraced && unlikely(k->trace != NULL))
		return alloc_record(k, skb, shown);
	return skb;
}

static inline __attribute__((always_inline)) struct sk_buff *
skb_take(struct kit *k, struct skb_pool *pool, struct net_device *dev, unsigned int shown,
	 unsigned int reserve, const char *func, int line)
{
	return skb_take_as(k, pool, dev, shown, reserve, func, line, false, false);
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
	    (!pool->free && skb_pool_add_chunk(pool))) {
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

/*
 * The kit's frame builder inside a sender's burst (calls.c): on a machine
 * with no trace and no timeline, the fault knob off, len within the buffer
 * and no driver call running (skb_burst_ok, asked once a burst: only a
 * client's call changes the first four, and the burst's driver calls put
 * lab_running back when they return, a crash clears it), so the skb is
 * SKB_USER with no look at lab_running: __netdev_alloc_skb_ip_align without
 * those tests and with its charge's catch-up left to the charge that
 * follows, dev_queue_xmit's first: the builder writes the frame into the skb's own buffer and hands
 * it on, and nothing in between looks at the hardware or writes a record.
 * The clock is charged here as before (kit_alloc_t is the same); the
 * hardware's changes happen at their own times (nic_advance), so catching
 * it up at the next charge leaves it as catching up here would have. A dry
 * pool takes the slow path, which catches the hardware up first.
 */
bool skb_burst_ok(const struct net_device *dev, unsigned int len)
{
	const struct kit *k = dev->kit;

	return !k->trace && !k->timeline && k->knob[KNOB_SKB_FAIL_EVERY] <= 0 &&
	       len + NET_IP_ALIGN <= SKB_MAX_ALLOC && !k->lab_running;
}

inline __attribute__((always_inline)) struct sk_buff *
skb_alloc_burst(struct net_device *dev, unsigned int len, const char *func, int line)
{
	struct kit *k = dev->kit;
	struct skb_pool *pool = k->pool;
	u64 c = k->cost[COST_SKB_ALLOC];

	k->now += c;
	k->cpu.busy += c;
	k->cost_ns[COST_SKB_ALLOC] += c;
	k->cost_count[COST_SKB_ALLOC]++;
	if (unlikely(!pool->free))
		return skb_get_slow(dev, len, func, line, NET_IP_ALIGN);
	return skb_take_as(k, pool, dev, len, NET_IP_ALIGN, func, line, true, true);
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

/*
 * A freed skb's frag_list (an LRO aggregate's segments), each member freed in
 * order as kfree_skb frees it alone with next cleared: its checks, its
 * charge, on the free list in front of the one before it. While the machine
 * keeps no trace, a member takes the common free's checks and its charge
 * brings no catch-up due (the clock stays below hw_next: the charges only
 * raise it, so none before it brought one either), nothing between two of
 * these frees looks at the machine: the run's charges are added once, its
 * count once, and each member costs its checks and four stores. The first
 * member that falls outside (a frag_list of its own, a second free, the
 * charge that brings the catch-up) and all after it take kfree_skb, from the
 * state the run left, which is the state its frees one by one leave.
 */
static void free_frags(struct kit *k, struct skb_pool *pool, struct sk_buff *frag)
{
	if (likely(k->trace == NULL)) {
		u64 c = k->cost[COST_SKB_FREE], was = k->now, t = was, n = 0;
		struct sk_buff *top = pool->free;

		while (frag) {
			struct sk_buff *next = frag->next;

			if (unlikely(frag->shinfo.frag_list != NULL) ||
			    unlikely(frag->kit_place == SKB_FREE) ||
			    unlikely(t + c >= k->hw_next && !k->in_hw))
				break;
			t += c;
			running_to(frag, kit_freer, k);
			frag->kit_place = SKB_FREE;
			frag->next = top;
			top = frag;
			n++;
			frag = next;
		}
		k->now = t;
		k->cpu.busy += t - was;
		k->cost_ns[COST_SKB_FREE] += t - was;
		k->cost_count[COST_SKB_FREE] += n;
		pool->freed += n;
		pool->frags_run += n;
		pool->free = top;
	}
	while (frag) {
		struct sk_buff *next = frag->next;

		frag->next = NULL;
		kfree_skb(frag);
		frag = next;
	}
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
	if (frag)
		free_frags(k, pool, frag);
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
