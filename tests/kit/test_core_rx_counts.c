/* test_core_rx_counts.c - the stack's common receive counts each skb on its own device. */
#include "kit.h"
#include "core/stack.h"
/* (after kit.h: its inline helpers name their machine k too) */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(core_rx_counts, .timeout = 60);

struct one_rx {
	struct sk_buff *skb;
	enum rx_fast r;
	u64 now; /* the clock as it went up */
};

/* The skb up the stack as netif_receive_skb takes it, the way it went kept. */
static void rx_one(void *arg)
{
	struct one_rx *o = arg;

	o->now = k->now;
	o->r = stack_rx_fast(k, o->skb);
	if (o->r == RX_FAST_SYNC)
		stack_receive_synced(k, o->skb);
	else if (o->r == RX_FAST_NOT)
		netif_receive_skb(o->skb);
}

/*
 * stack_rx_fast reads the kit and the skb again after its match (the device,
 * the stack's charge, the clock), not what it read before. Datagrams into sn1
 * and sn0 in turns of three, the stack's charge changed every turn, each
 * handed up alone in softirq on a machine without trace or timeline: each
 * one the common case takes must count one delivery on its own device and
 * none on the other, one skb processed, and one charge of the cost set now,
 * the clock moving by that alone; its flow must name its device. Both
 * devices must have had the common case most of the time.
 */
Test(core_rx_counts, each_skb_counts_on_its_device_at_the_charge_of_now, .init = setup,
     .fini = teardown)
{
	int taken[2] = { 0, 0 };

	trace_stop(k);
	tl_stop(k);
	run_idle(k);
	for (int turn = 0; turn < 12; turn++) {
		int to_i = turn & 1;
		struct net_device *to = to_i ? sn0 : sn1, *from = to_i ? sn1 : sn0;
		long cost = 300 + 37 * turn;

		setp(k, NULL, "stack_rx", cost);
		for (int i = 0; i < 3; i++) {
			struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP, .flow = 3 + to_i,
					     .seq = (u32)(turn * 3 + i), .seq_set = true };
			struct one_rx o = { skb_as_received(from, to, &p), RX_FAST_NOT, 0 };
			u64 rx_to = to->core.rx_stack, rx_from = from->core.rx_stack;
			u64 delivered = k->sd.poll_delivered, processed = k->sd.processed;
			u64 n = k->cost_count[COST_STACK_RX], ns = k->cost_ns[COST_STACK_RX];

			kit_run_softirq(k, rx_one, &o);
			if (o.r != RX_FAST_TAKEN)
				continue;
			taken[to_i]++;
			cr_assert_eq(to->core.rx_stack, rx_to + 1,
				     "turn %d, skb %d into %s: its rx_stack %llu, expected %llu", turn, i,
				     to->name, (unsigned long long)to->core.rx_stack,
				     (unsigned long long)rx_to + 1);
			cr_assert_eq(from->core.rx_stack, rx_from,
				     "turn %d, skb %d into %s: %s's rx_stack %llu, expected %llu", turn,
				     i, to->name, from->name, (unsigned long long)from->core.rx_stack,
				     (unsigned long long)rx_from);
			cr_assert_eq(k->sd.poll_delivered, delivered + 1,
				     "turn %d, skb %d: poll_delivered %llu, expected %llu", turn, i,
				     (unsigned long long)k->sd.poll_delivered,
				     (unsigned long long)delivered + 1);
			cr_assert_eq(k->sd.processed, processed + 1,
				     "turn %d, skb %d: processed %llu, expected %llu", turn, i,
				     (unsigned long long)k->sd.processed, (unsigned long long)processed + 1);
			cr_assert_eq(k->cost_count[COST_STACK_RX], n + 1,
				     "turn %d, skb %d: %llu stack charges, expected %llu", turn, i,
				     (unsigned long long)k->cost_count[COST_STACK_RX],
				     (unsigned long long)n + 1);
			cr_assert_eq(k->cost_ns[COST_STACK_RX], ns + (u64)cost,
				     "turn %d, skb %d: %llu ns of stack charges, expected %llu", turn, i,
				     (unsigned long long)k->cost_ns[COST_STACK_RX],
				     (unsigned long long)(ns + (u64)cost));
			cr_assert_eq(k->now, o.now + (u64)cost,
				     "turn %d, skb %d: the clock at %llu, expected %llu (a charge of %ld)",
				     turn, i, (unsigned long long)k->now,
				     (unsigned long long)(o.now + (u64)cost), cost);
			cr_assert_eq(o.skb->kit_place, SKB_SOCKET,
				     "turn %d, skb %d: the skb %s, expected on the socket queue", turn,
				     i, skb_place_name(o.skb->kit_place));
			cr_assert_eq(k->stack->last->ifindex, to->ifindex,
				     "turn %d, skb %d: its flow names device %d, expected %d (%s)", turn,
				     i, k->stack->last->ifindex, to->ifindex, to->name);
		}
		run_idle(k); /* the application reads them */
	}
	cr_assert_geq(taken[0], 12, "%d skbs into sn1 taken the common way, expected 12 or more",
		      taken[0]);
	cr_assert_geq(taken[1], 12, "%d skbs into sn0 taken the common way, expected 12 or more",
		      taken[1]);
	check_clean(k);
}
