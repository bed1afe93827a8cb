/* test_skb.c - skbs: recycled ones come out fresh; an allocation records its place and site. */
#include "skb_helpers.h"
#include "hw/nic_hw.h"

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

/* The place, the leak flag and the allocation site's line, as each
 * allocator leaves them, for kit code and for driver code, at lines that
 * use every bit of the u16 (and one past it, kept to its low 16 bits). */
Test(skb, an_allocation_records_its_place_and_site)
{
	static const int lines[] = { 1, 0x00ff, 0x0100, 0x8001, 0xffff, 0x12345 };
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");

	kit_enter(k);
	trace_stop(k);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		for (int driver = 0; driver < 2; driver++)
			for (int align = 0; align < 2; align++) {
				struct sk_buff *skb, *old = alloc_here(sn0);

				old->kit_leaked = 1; /* reported lost, then freed */
				old->kit_line = 0x5a5a;
				kfree_skb(old);
				k->lab_running = driver ? "simnic_alloc_rx_buffers" : NULL;
				k->dev_running = driver ? sn0 : NULL;
				skb = align ? __netdev_alloc_skb_ip_align(sn0, 60, "site", lines[i])
					    : __netdev_alloc_skb(sn0, 60, "site", lines[i]);
				k->lab_running = NULL;
				k->dev_running = NULL;
				cr_assert_eq(skb, old, "not the skb just freed");
				cr_assert(skb->kit_place == (driver ? SKB_DRIVER : SKB_USER) &&
						  skb->kit_leaked == 0 &&
						  skb->kit_line == (u16)lines[i],
					  "%s allocation%s at line %#x: %s, leaked %u, line %#x; "
					  "expected %s, 0, %#x", driver ? "a driver's" : "kit code's",
					  align ? " (IP aligned)" : "", lines[i],
					  skb_place_name(skb->kit_place), skb->kit_leaked,
					  skb->kit_line, driver ? "driver" : "held",
					  (unsigned)(u16)lines[i]);
				cr_assert_str_eq(skb->kit_func, "site", "allocated by %s, expected site",
						 skb->kit_func);
				kfree_skb(skb);
			}
	check_clean(k);
	kit_free(k);
}
