/* test_core_app_counts.c - the application's read counts bytes on the device they came in on. */
#include "kit.h"
#include "core/stack.h"
/* (after kit.h: its inline helpers name their machine k too) */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(core_app_counts, .timeout = 60);

struct one_rx {
	struct sk_buff *skb;
	enum rx_fast r;
};

/* The skb up the stack as netif_receive_skb takes it, the way it went kept
 * (without a device: the general path, as netif_receive_skb goes). */
static void rx_one(void *arg)
{
	struct one_rx *o = arg;

	if (!o->skb->dev) {
		netif_receive_skb(o->skb);
		return;
	}
	o->r = stack_rx_fast(k, o->skb);
	if (o->r == RX_FAST_SYNC)
		stack_receive_synced(k, o->skb);
	else if (o->r == RX_FAST_NOT)
		netif_receive_skb(o->skb);
}

/*
 * The application's read adds an skb's new bytes to the counters of the
 * device it came in on (stack.dev, the app_bytes statistic), which the skb
 * carries on the socket queue from its queueing. Datagrams into sn1 and sn0
 * in turns of three and of two lengths, some without a device, all waiting on
 * the socket queue together before the application reads them, on a machine
 * with a trace and timeline (the sink's stack_sock_queue queues them) and
 * without (the common case does): each device's app_bytes must grow by its
 * own datagrams' payload, and the bytes of an skb without a device must be
 * counted on no device's row but the one kept for them.
 */
Test(core_app_counts, each_skbs_bytes_count_on_the_device_it_came_in_on, .init = setup,
     .fini = teardown)
{
	int app = kit_stat_find("app_bytes");
	int taken = 0;

	cr_assert_geq(app, 0, "no app_bytes statistic");
	for (int traced = 1; traced >= 0; traced--) {
		u64 want[KIT_MAX_DEVS + 1] = { 0 }, row0[KIT_MAX_DEVS + 1], stat0[2];
		u64 read0 = k->stack->app_bytes, sum = 0;

		if (!traced) {
			trace_stop(k);
			tl_stop(k);
		}
		run_idle(k);
		for (int i = 0; i <= KIT_MAX_DEVS; i++)
			row0[i] = k->stack->dev[i].app_bytes;
		stat0[0] = kit_dev_stat(sn0, app);
		stat0[1] = kit_dev_stat(sn1, app);
		for (int i = 0; i < 36; i++) { /* turns of three */
			int into = i / 3 % 3; /* 0: sn1, 1: sn0, 2: none */
			struct net_device *to = into == 1 ? sn0 : sn1, *from = into == 1 ? sn1 : sn0;
			struct kit_pkt p = { .len = (unsigned int)(60 + 2 * (i % 2)), .proto = IPPROTO_UDP,
					     .flow = 5 + (u32)into, .seq = (u32)i, .seq_set = true };
			struct one_rx o = { skb_as_received(from, to, &p), RX_FAST_NOT };
			unsigned int plen = ((unsigned int)o.skb->data[2] << 8 | o.skb->data[3]) - 28;

			if (into == 2)
				o.skb->dev = NULL;
			want[into == 2 ? KIT_MAX_DEVS : to->ifindex] += plen;
			kit_run_softirq(k, rx_one, &o);
			taken += o.r == RX_FAST_TAKEN;
		}
		cr_assert_eq(k->stack->app_bytes, read0,
			     "app_bytes %llu before the application's turn, expected %llu (none read)",
			     (unsigned long long)k->stack->app_bytes, (unsigned long long)read0);
		run_idle(k); /* the application reads them all */
		for (int i = 0; i <= KIT_MAX_DEVS; i++)
			cr_assert_eq(k->stack->dev[i].app_bytes - row0[i], want[i],
				     "%s: row %d of stack.dev counted %llu bytes read, expected %llu",
				     traced ? "traced" : "untraced", i,
				     (unsigned long long)(k->stack->dev[i].app_bytes - row0[i]),
				     (unsigned long long)want[i]);
		cr_assert_eq(kit_dev_stat(sn0, app) - stat0[0], want[sn0->ifindex],
			     "%s: sn0's app_bytes grew by %llu, expected %llu",
			     traced ? "traced" : "untraced",
			     (unsigned long long)(kit_dev_stat(sn0, app) - stat0[0]),
			     (unsigned long long)want[sn0->ifindex]);
		cr_assert_eq(kit_dev_stat(sn1, app) - stat0[1], want[sn1->ifindex],
			     "%s: sn1's app_bytes grew by %llu, expected %llu",
			     traced ? "traced" : "untraced",
			     (unsigned long long)(kit_dev_stat(sn1, app) - stat0[1]),
			     (unsigned long long)want[sn1->ifindex]);
		for (int i = 0; i <= KIT_MAX_DEVS; i++)
			sum += want[i];
		cr_assert_eq(k->stack->app_bytes - read0, sum,
			     "%s: the application read %llu bytes, expected %llu",
			     traced ? "traced" : "untraced",
			     (unsigned long long)(k->stack->app_bytes - read0), (unsigned long long)sum);
		cr_assert_gt(want[KIT_MAX_DEVS], 0, "no datagram without a device");
		cr_assert_gt(want[sn0->ifindex] * want[sn1->ifindex], 0,
			     "a device without datagrams");
	}
	cr_assert_geq(taken, 8, "%d datagrams taken the common way, expected 8 or more", taken);
}
