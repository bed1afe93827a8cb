/* test_skb_burst.c - a sender's burst allocation: taken only outside driver calls, an skb as the general one's. */
#include "skb_helpers.h"

/*
 * skb_burst_ok lets a burst take skb_alloc_burst, which writes the place
 * SKB_USER without looking at lab_running; so it says no while a driver
 * call runs, and yes on a quiet machine outside one (the case a sender's
 * burst is in: its driver calls put lab_running back when they return, a
 * crash clears it).
 */
Test(skb_burst, the_burst_allocation_is_refused_inside_a_driver_call)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");

	kit_enter(k);
	trace_stop(k);
	tl_stop(k); /* a bench's machine: no timeline either */
	cr_assert(skb_burst_ok(sn0, 60), "refused outside a driver call on a quiet machine");
	k->lab_running = "simnic_xmit_frame";
	k->dev_running = sn0;
	cr_assert(!skb_burst_ok(sn0, 60), "taken inside a driver call (lab_running %s)",
		  k->lab_running);
	k->lab_running = NULL;
	cr_assert(skb_burst_ok(sn0, 60), "refused with only the device of the pair set");
	k->dev_running = NULL;
	kit_free(k);
}

/*
 * skb_alloc_burst against __netdev_alloc_skb_ip_align over many lengths,
 * with the running pair's device half set or not: the same skb back (the
 * free list is LIFO), every field alike but the handle (one more), with
 * place SKB_USER and the holder pair the kit's.
 */
Test(skb_burst, a_burst_skb_is_the_general_allocations)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	u32 seed = 12345;

	kit_enter(k);
	trace_stop(k);
	tl_stop(k); /* a bench's machine: no timeline either */
	for (int n = 0; n < 4000; n++) {
		struct sk_buff *a, *b, want;
		unsigned int len;

		seed = seed * 1103515245u + 12345u;
		len = 1 + (seed >> 8) % (SKB_MAX_ALLOC - NET_IP_ALIGN);
		k->dev_running = (n & 1) ? sn0 : NULL;
		cr_assert(skb_burst_ok(sn0, len), "len %u refused", len);
		a = __netdev_alloc_skb_ip_align(sn0, len, "the kit's frame builder", 87);
		cr_assert(a, "general allocation failed (len %u)", len);
		memcpy(&want, a, sizeof(want));
		kfree_skb(a);
		b = skb_alloc_burst(sn0, len, "the kit's frame builder", 87);
		cr_assert_eq(b, a, "burst skb %p, expected the one just freed %p", (void *)b,
			     (void *)a);
		cr_assert_eq(b->kit_place, SKB_USER, "place %u, expected SKB_USER %u (n %d)",
			     b->kit_place, SKB_USER, n);
		cr_assert_eq(b->kit_id, want.kit_id + 1, "skb#%u, expected %u", b->kit_id,
			     want.kit_id + 1);
		cr_assert_eq(b->kit_holder_dev, want.kit_holder_dev,
			     "holder device %p, expected %p (n %d)", (void *)b->kit_holder_dev,
			     (void *)want.kit_holder_dev, n);
		cr_assert_eq(b->kit_holder, want.kit_holder, "holder %p, expected %p",
			     (const void *)b->kit_holder, (const void *)want.kit_holder);
		/* the rest: the freer pair is the free's, the alloc time moved on */
		want.kit_id = b->kit_id;
		want.kit_alloc_t = b->kit_alloc_t;
		want.kit_freer = b->kit_freer;
		want.kit_freer_dev = b->kit_freer_dev;
		cr_assert(!memcmp(&want, b, sizeof(want)), "burst skb differs (len %u, n %d)", len,
			  n);
		kfree_skb(b);
	}
	k->dev_running = NULL;
	check_clean(k);
	kit_free(k);
}
