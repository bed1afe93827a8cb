/* test_skb.c - the skb pool: recycled skbs come out fresh, buffer addresses map to skbs. */
#include "helpers.h"
#include "kit.h"
#include "hw/nic_hw.h"

#define HELD 2500 /* enough to open three chunks of the pool */

/* What netdev_alloc_skb promises, field by field (as __alloc_skb leaves it). */
static void assert_fresh(const struct sk_buff *skb, const struct net_device *dev)
{
	static const char zero_cb[sizeof(skb->cb)];

	cr_assert_null(skb->next, "next %p, expected NULL", (void *)skb->next);
	cr_assert_null(skb->prev, "prev %p, expected NULL", (void *)skb->prev);
	cr_assert_eq(skb->dev, dev, "dev %p, expected %p", (void *)skb->dev, (void *)dev);
	cr_assert_eq(skb->tstamp, 0, "tstamp %llu, expected 0", (unsigned long long)skb->tstamp);
	cr_assert_eq(skb->data, skb->head + NET_SKB_PAD, "data at %td, expected %d",
		     skb->data - skb->head, NET_SKB_PAD);
	cr_assert_eq(skb->len, 0, "len %u, expected 0", skb->len);
	cr_assert_eq(skb->data_len, 0, "data_len %u, expected 0", skb->data_len);
	cr_assert_eq(skb->tail, NET_SKB_PAD, "tail %u, expected %d", skb->tail, NET_SKB_PAD);
	cr_assert_eq(skb->end, SKB_BUF_SIZE, "end %u, expected %d", skb->end, SKB_BUF_SIZE);
	cr_assert_eq(skb->truesize, SKB_BUF_SIZE + sizeof(struct sk_buff), "truesize %u, expected %zu",
		     skb->truesize, SKB_BUF_SIZE + sizeof(struct sk_buff));
	cr_assert_eq(skb->protocol, 0, "protocol %#x, expected 0", skb->protocol);
	cr_assert_eq(skb->mac_header, 0xffff, "mac_header %u, expected unset", skb->mac_header);
	cr_assert_eq(skb->network_header, 0xffff, "network_header %u, expected unset",
		     skb->network_header);
	cr_assert_eq(skb->transport_header, 0xffff, "transport_header %u, expected unset",
		     skb->transport_header);
	cr_assert_eq(skb->ip_summed, CHECKSUM_NONE, "ip_summed %u, expected CHECKSUM_NONE",
		     skb->ip_summed);
	cr_assert_eq(skb->csum_start, 0, "csum_start %u, expected 0", skb->csum_start);
	cr_assert_eq(skb->csum_offset, 0, "csum_offset %u, expected 0", skb->csum_offset);
	cr_assert_eq(skb->pkt_type, PACKET_HOST, "pkt_type %u, expected PACKET_HOST", skb->pkt_type);
	cr_assert_eq(skb->vlan_tci, 0, "vlan_tci %u, expected 0", skb->vlan_tci);
	cr_assert_eq(memcmp(skb->cb, zero_cb, sizeof(zero_cb)), 0, "cb not cleared");
	cr_assert_eq(skb->shinfo.gso_size, 0, "gso_size %u, expected 0", skb->shinfo.gso_size);
	cr_assert_eq(skb->shinfo.gso_segs, 0, "gso_segs %u, expected 0", skb->shinfo.gso_segs);
	cr_assert_eq(skb->shinfo.gso_type, 0, "gso_type %u, expected 0", skb->shinfo.gso_type);
	cr_assert_null(skb->shinfo.frag_list, "frag_list %p, expected NULL",
		       (void *)skb->shinfo.frag_list);
	cr_assert_eq(skb->kit_place, SKB_USER, "place %s, expected held",
		     skb_place_name(skb->kit_place));
	cr_assert_eq(skb->kit_leaked, 0, "kit_leaked %u, expected 0", skb->kit_leaked);
	cr_assert_null(skb->kit_holder, "holder %s, expected none (kit code)", skb->kit_holder);
	cr_assert_str_eq(skb->kit_func, "alloc_here", "allocated by %s, expected alloc_here",
			 skb->kit_func);
}

/* Every field an owner may write, written. */
static void dirty(struct sk_buff *skb, struct sk_buff *frag)
{
	skb_reserve(skb, NET_IP_ALIGN);
	skb_put(skb, 60);
	skb_push(skb, 4);
	skb->next = skb->prev = skb;
	skb->tstamp = 12345;
	skb->protocol = htons(ETH_P_IP);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, 14);
	skb_set_transport_header(skb, 34);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = 100;
	skb->csum_offset = 16;
	skb->pkt_type = PACKET_OTHERHOST;
	skb->vlan_tci = 7;
	memset(skb->cb, 0xa5, sizeof(skb->cb));
	skb->shinfo.gso_size = 1448;
	skb->shinfo.gso_segs = 2;
	skb->shinfo.gso_type = SKB_GSO_TCPV4;
	skb->truesize += 100;
	skb_put(frag, 40);
	skb->shinfo.frag_list = frag;
	skb->data_len = frag->len;
	skb->len += frag->len;
	skb->next = skb->prev = NULL; /* off the (pretend) queue before the free */
}

static struct sk_buff *alloc_here(struct net_device *dev)
{
	return __netdev_alloc_skb(dev, 100, "alloc_here", __LINE__);
}

Test(skb, a_recycled_skb_is_as_fresh_as_a_new_one)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0"), *sn1 = kit_dev_by_name(k, "sn1");
	struct sk_buff *skb, *frag, *a, *b;
	u32 id;

	kit_enter(k);
	skb = alloc_here(sn0);
	frag = alloc_here(sn0);
	cr_assert(skb && frag, "allocation failed: %p %p", (void *)skb, (void *)frag);
	assert_fresh(skb, sn0);
	id = frag->kit_id;
	dirty(skb, frag);
	kfree_skb(skb); /* and its frag_list: frag is freed after it */
	/* the free list is LIFO, so the same two come back, on another device */
	a = alloc_here(sn1);
	b = alloc_here(sn1);
	cr_assert_eq(a, frag, "first allocation %p, expected the frag freed last %p", (void *)a,
		     (void *)frag);
	cr_assert_eq(b, skb, "second allocation %p, expected the parent %p", (void *)b, (void *)skb);
	assert_fresh(a, sn1);
	assert_fresh(b, sn1);
	cr_assert_eq(a->kit_id, id + 1, "skb#%u, expected the next handle %u", a->kit_id, id + 1);
	kfree_skb(a);
	kfree_skb(b);
	check_clean(k);
	kit_free(k);
}

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
#include <sys/resource.h>
#include <unistd.h>

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
