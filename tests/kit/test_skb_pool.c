/* test_skb_pool.c - the skb pool: buffer addresses map to skbs, by division and by multiply. */
#include <sys/resource.h>
#include <unistd.h>

#include "skb_helpers.h"
#include "hw/nic_hw.h"

Test(skb, buffer_addresses_map_to_their_skbs_across_chunks)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	static struct sk_buff *held[HELD];
	struct sk_buff *s0, *s1, *end0, *start1, *last;
	size_t cur, stride, n;
	u64 allocated, freed, live[SKB_PLACE_NR], user0, total = 0;
	int local = 0;

	kit_enter(k);
	skb_pool_counts(k, &allocated, &freed, live);
	user0 = live[SKB_USER];
	for (int i = 0; i < HELD; i++) {
		held[i] = alloc_here(sn0);
		cr_assert_not_null(held[i], "allocation %d of %d failed", i, HELD);
	}
	n = skb_pool_size(k);
	cr_assert_geq(n, 3 * 1024, "pool of %zu skbs, expected at least three chunks", n);
	/* the counts per place are the places the skbs hold */
	skb_pool_counts(k, &allocated, &freed, live);
	for (int p = 0; p < SKB_PLACE_NR; p++)
		total += live[p];
	cr_assert_eq(total, n, "%llu skbs counted in places, expected the pool's %zu",
		     (unsigned long long)total, n);
	cr_assert_eq(live[SKB_USER], user0 + HELD, "%llu held, expected %llu",
		     (unsigned long long)live[SKB_USER], (unsigned long long)(user0 + HELD));
	cr_assert_eq(allocated - freed, n - live[SKB_FREE], "allocated %llu - freed %llu, expected "
		     "the %llu skbs not free", (unsigned long long)allocated,
		     (unsigned long long)freed, (unsigned long long)(n - live[SKB_FREE]));
	for (int i = 0; i < HELD; i++) {
		struct sk_buff *skb = held[i];
		long idx = skb_pool_index(k, skb);

		cr_assert_eq(skb_pool_buffer_owner(k, skb->head), skb, "skb#%u: head not its own",
			     skb->kit_id);
		cr_assert_eq(skb_pool_buffer_owner(k, skb->head + SKB_BUF_SIZE - 1), skb,
			     "skb#%u: last byte not its own", skb->kit_id);
		cr_assert_null(skb_pool_buffer_owner(k, skb->head + SKB_BUF_SIZE),
			       "skb#%u: the guard line after the buffer has an owner", skb->kit_id);
		cr_assert(skb_pool_owns(k, skb->head, SKB_BUF_SIZE), "skb#%u: buffer not the pool's",
			  skb->kit_id);
		cr_assert(idx >= 0 && (size_t)idx < n, "skb#%u: index %ld, expected 0..%zu",
			  skb->kit_id, idx, n - 1);
		cur = (size_t)idx;
		cr_assert_eq(skb_pool_iter_all(k, &cur), skb, "skb#%u: index %ld is another skb",
			     skb->kit_id, idx);
	}
	/* not the pool's */
	cr_assert_null(skb_pool_buffer_owner(k, &local), "a stack address has an owner");
	cr_assert(!skb_pool_owns(k, &local, sizeof(local)), "a stack address is the pool's");
	cr_assert_eq(skb_pool_index(k, (struct sk_buff *)&local), -1, "a stack address has an index");
	/* a range may not run from one chunk into the next */
	cur = 0;
	s0 = skb_pool_iter_all(k, &cur);
	s1 = skb_pool_iter_all(k, &cur);
	stride = (size_t)(s1->head - s0->head);
	cr_assert_eq(stride, SKB_BUF_SIZE + 64, "buffers %zu bytes apart, expected %d", stride,
		     SKB_BUF_SIZE + 64);
	cur = 1023;
	end0 = skb_pool_iter_all(k, &cur);
	start1 = skb_pool_iter_all(k, &cur);
	cr_assert(skb_pool_owns(k, end0->head, stride), "the last buffer of chunk 0 to its end");
	cr_assert(!skb_pool_owns(k, end0->head, stride + 1), "a range into chunk 1 was accepted");
	cr_assert(skb_pool_owns(k, start1->head, stride + 1), "two buffers of chunk 1 refused");
	cur = n - 1;
	last = skb_pool_iter_all(k, &cur);
	cr_assert_null(skb_pool_iter_all(k, &cur), "an skb past the pool's %zu", n);
	cr_assert(!skb_pool_owns(k, last->head, stride + 1), "a range past the open pool accepted");
	cr_assert_null(skb_pool_buffer_owner(k, last->head + stride), "past the open pool: an owner");
	for (int i = 0; i < HELD; i++)
		kfree_skb(held[i]);
	check_clean(k);
	kit_free(k);
}

Test(skb, nic_dma_checks_and_unmap_find_the_buffer_in_a_later_chunk)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	static struct sk_buff *held[HELD];
	struct nic *hw = sn0->nic;
	struct sk_buff *skb;
	u64 faults = hw->dma_faults, maps, misses, now;
	int local = 0;

	kit_enter(k);
	for (int i = 0; i < HELD - 1; i++) {
		held[i] = alloc_here(sn0);
		cr_assert_not_null(held[i], "allocation %d failed", i);
	}
	/* driver code allocates the last one: the driver's, held by that call */
	k->lab_running = "simnic_alloc_rx_buffers";
	k->dev_running = sn0;
	skb = held[HELD - 1] = alloc_here(sn0);
	cr_assert_not_null(skb, "the driver's allocation failed");
	cr_assert_geq(skb_pool_index(k, skb), 2048, "skb at index %ld, expected the third chunk",
		      skb_pool_index(k, skb));
	cr_assert(nic_dma_ok(hw, (u64)(uintptr_t)skb->data, 1500), "its buffer refused for DMA");
	cr_assert_eq(hw->dma_faults, faults, "%llu DMA faults, expected %llu",
		     (unsigned long long)hw->dma_faults, (unsigned long long)faults);
	cr_assert(!nic_dma_ok(hw, (u64)(uintptr_t)&local, sizeof(local)), "a stack address DMA'd");
	cr_assert_eq(hw->dma_faults, faults + 1, "%llu DMA faults, expected %llu",
		     (unsigned long long)hw->dma_faults, (unsigned long long)faults + 1);
	/* the call that unmaps it holds it now; the unmap costs a map and a miss */
	k->lab_running = "simnic_clean_rx_irq";
	maps = k->cost_count[COST_DMA_MAP];
	misses = k->cost_count[COST_CACHE_MISS];
	now = k->now;
	dma_unmap_single(sn0, (dma_addr_t)(uintptr_t)skb->data, 1500, DMA_FROM_DEVICE);
	cr_assert_str_eq(skb->kit_holder, "simnic_clean_rx_irq", "held by %s, expected the unmapper",
			 skb->kit_holder);
	cr_assert_eq(k->cost_count[COST_DMA_MAP], maps + 1, "%llu dma_map charges, expected %llu",
		     (unsigned long long)k->cost_count[COST_DMA_MAP], (unsigned long long)maps + 1);
	cr_assert_eq(k->cost_count[COST_CACHE_MISS], misses + 1, "%llu misses, expected %llu",
		     (unsigned long long)k->cost_count[COST_CACHE_MISS],
		     (unsigned long long)misses + 1);
	cr_assert_eq(k->now, now + k->cost[COST_DMA_MAP] + k->cost[COST_CACHE_MISS],
		     "now %llu, expected %llu", (unsigned long long)k->now,
		     (unsigned long long)(now + k->cost[COST_DMA_MAP] + k->cost[COST_CACHE_MISS]));
	k->lab_running = NULL;
	k->dev_running = NULL;
	for (int i = 0; i < HELD; i++)
		kfree_skb(held[i]);
	kit_free(k);
}

/* Under an address-space limit that refuses the full reservation the pool
 * reserves less: the machine is made, and opens chunks as far as it fits.
 * (Not under AddressSanitizer, whose shadow memory is terabytes of addresses.) */
#if !defined(__SANITIZE_ADDRESS__)

static size_t vm_now(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

Test(skb, a_machine_is_made_under_an_address_space_limit)
{
	size_t used = vm_now();
	struct rlimit r = { .rlim_cur = used + (64u << 20), .rlim_max = RLIM_INFINITY };
	struct kit *k;
	struct net_device *sn0;
	size_t n;

	cr_assert_gt(used, 0, "cannot read /proc/self/statm");
	cr_assert_eq(setrlimit(RLIMIT_AS, &r), 0, "setrlimit RLIMIT_AS %zu", (size_t)r.rlim_cur);
	k = kit_new(1);
	cr_assert_not_null(k, "no machine under a limit of %zu MiB more than in use", (size_t)64);
	sn0 = kit_dev_by_name(k, "sn0");
	kit_enter(k);
	for (int i = 0; i < 2000; i++)
		cr_assert_not_null(alloc_here(sn0), "allocation %d of 2000 failed under the limit", i);
	n = skb_pool_size(k);
	cr_assert_geq(n, 2048, "pool of %zu skbs, expected two chunks open", n);
	kit_free(k);
}
#endif

/* ---- buffer addresses: the multiply against the division ---- */

#define STRIDE (SKB_BUF_SIZE + 64)
#define CHUNK_SKBS 1024

/* What the pool's arithmetic must say, by division: the skb whose buffer
 * holds arena + off, and whether [off, off + len) lies in one open chunk. */
static struct sk_buff *ref_owner(struct kit *k, u64 off)
{
	u64 i = off / STRIDE;
	size_t cur;

	if (i >= skb_pool_size(k) || off % STRIDE >= SKB_BUF_SIZE)
		return NULL;
	cur = (size_t)i;
	return skb_pool_iter_all(k, &cur);
}

static bool ref_owns(struct kit *k, u64 off, u64 len)
{
	u64 chunk = (u64)CHUNK_SKBS * STRIDE, nchunks = skb_pool_size(k) / CHUNK_SKBS;

	for (u64 c = 0; c < nchunks; c++)
		if (off >= c * chunk && off <= (c + 1) * chunk && len <= (c + 1) * chunk - off)
			return true;
	return false;
}

static u64 xorshift(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void check_addr(struct kit *k, struct sk_buff *skb0, u64 off, u64 len)
{
	const void *p = (const void *)((uintptr_t)skb0->head + (uintptr_t)off);
	struct sk_buff *want = ref_owner(k, off), *got = skb_pool_buffer_owner(k, p);
	bool owns = skb_pool_owns(k, p, (size_t)len), want_owns = ref_owns(k, off, len);

	cr_assert_eq(got, want, "arena + %#llx: owner index %ld, expected %ld",
		     (unsigned long long)off, got ? skb_pool_index(k, got) : -1L,
		     want ? skb_pool_index(k, want) : -1L);
	cr_assert_eq(owns, want_owns, "arena + %#llx, %llu bytes: %s the pool's, expected %s",
		     (unsigned long long)off, (unsigned long long)len, owns ? "" : "not",
		     want_owns ? "" : "not");
}

Test(skb, buffer_owners_and_dma_ranges_by_multiply_are_the_divisions)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	static struct sk_buff *held[HELD];
	static const u64 lens[] = { 0, 1, 60, 1514, SKB_BUF_SIZE - 1, SKB_BUF_SIZE,
				    STRIDE - 1, STRIDE, STRIDE + 1, 3 * STRIDE,
				    (u64)CHUNK_SKBS * STRIDE, (u64)CHUNK_SKBS * STRIDE + 1,
				    ~0ull, ~0ull - STRIDE };
	struct sk_buff *skb0;
	size_t cur = 0, n;
	u64 seed = 0x9e3779b97f4a7c15ull, end;

	kit_enter(k);
	trace_stop(k);
	for (int i = 0; i < HELD; i++)
		cr_assert_not_null(held[i] = alloc_here(sn0), "allocation %d failed", i);
	n = skb_pool_size(k);
	end = (u64)n * STRIDE;
	skb0 = skb_pool_iter_all(k, &cur);
	/* around every buffer's start, its end, its guard line; every length */
	for (u64 i = 0; i <= n; i++)
		for (int d = -2; d <= 2; d++) {
			u64 base[] = { i * STRIDE, i * STRIDE + SKB_BUF_SIZE };

			for (int b = 0; b < 2; b++) {
				u64 off = base[b] + (u64)(long long)d;

				for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
					if (i % 97 == 0 || l < 4 || d == 0)
						check_addr(k, skb0, off, lens[l]);
			}
		}
	/* every byte of a few strides, at a chunk boundary too */
	for (u64 off = 1023 * STRIDE - 8; off < 1025 * STRIDE + 8; off++)
		check_addr(k, skb0, off, 64);
	/* far below and far above the pool, at 2^32 and round it, anywhere */
	for (int d = -3 * STRIDE; d <= 3 * STRIDE; d += 7) {
		check_addr(k, skb0, (1ull << 32) + (u64)(long long)d, 64);
		check_addr(k, skb0, end + (u64)(long long)d, 64);
		check_addr(k, skb0, (u64)(long long)d, 1);
	}
	for (int i = 0; i < 200000; i++) {
		u64 r = xorshift(&seed);

		check_addr(k, skb0, i % 2 ? r % (end + 4 * STRIDE) : r, lens[i % 14] ? r % 4000 : 0);
	}
	for (int i = 0; i < HELD; i++)
		kfree_skb(held[i]);
	kit_free(k);
}
