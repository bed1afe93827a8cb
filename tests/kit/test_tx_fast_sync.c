/* test_tx_fast_sync.c - hw_sync's order of changes and the lazy wake-up are the general rules'. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(tx_fast_sync, .timeout = 60);

/*
 * hw_sync picks the NIC whose change comes first, ties to the first in
 * device order; a machine of two NICs takes a pair compare instead of the
 * loop. A delayed cause on each NIC, at times a (sn0) and b (sn1): their
 * ICR records must come in time order, sn0's first on a tie.
 */
static void raise_order(u64 a, u64 b, int first, int second)
{
	struct kit *m = kit_new(1);
	struct net_device *d0 = kit_dev_by_name(m, "sn0"), *d1 = kit_dev_by_name(m, "sn1");
	struct rec_log l = { 0 };
	int seen[2], n = 0;

	kit_enter(m);
	kit_set_auto(m, false);
	kit_trace_subscribe(m, rec_log_cb, &l);
	nic_raise(d0->nic, E1000_ICR_TXDW, m->now + a);
	nic_raise(d1->nic, E1000_ICR_TXDW, m->now + b);
	hw_update(m);
	kit_run(m, 0, m->now + (a > b ? a : b) + 1000, NULL);
	for (size_t i = 0; i < l.n && n < 2; i++)
		if (l.r[i].type == TR_IRQ_RAISE)
			seen[n++] = l.r[i].dev;
	cr_assert_eq(n, 2, "%d ICR records for causes at +%llu and +%llu, expected 2", n,
		     (unsigned long long)a, (unsigned long long)b);
	cr_assert(seen[0] == first && seen[1] == second,
		  "causes at +%llu (sn0) and +%llu (sn1): devices %d then %d, expected %d then %d",
		  (unsigned long long)a, (unsigned long long)b, seen[0], seen[1], first, second);
	kit_free(m);
	free(l.r);
}

Test(tx_fast_sync, two_nics_changes_in_time_order_ties_to_the_first)
{
	int i0, i1;
	struct kit *m = kit_new(1);

	i0 = kit_dev_by_name(m, "sn0")->ifindex;
	i1 = kit_dev_by_name(m, "sn1")->ifindex;
	kit_free(m);
	raise_order(1000, 2000, i0, i1);
	raise_order(2000, 1000, i1, i0);
	raise_order(1500, 1500, i0, i1);
}

/*
 * With the hardware steps off, hw_arm wakes the CPU at the earliest change it
 * could notice (lazy_time): lazy_time walks k->nic (each NIC's device index
 * hw->index) and finds a TX ring's last fetched slot without a division
 * where it can. Before and after steps of TX runs that wrap the rings (into the
 * sink and into the peer, with pktgen's frames arriving on both NICs and
 * TXDW masked or not), the hardware event must be where the walk over
 * k->devs with % puts it (the general rule, below). (Rings of 8.)
 */
static u64 lazy_time_by_devs(struct kit *m)
{
	u64 t = KIT_NEVER, last = 0;

	for (int i = 0; i < m->ndevs; i++) {
		struct nic *hw = m->devs[i]->nic, *peer;
		bool rx_on;

		if (!hw)
			continue;
		if (hw->irq_at < t)
			t = hw->irq_at;
		if (hw->cause_min < t)
			t = hw->cause_min;
		rx_on = hw->ims & E1000_IMS_RX;
		if (hw->tdh != hw->tx_sched) {
			u64 next = hw->tx_done[hw->tdh];
			u64 fin = hw->tx_done[(hw->tx_sched + hw->tx_count - 1) % hw->tx_count];

			peer = m->knob[KNOB_WIRE_PEER] && (i ^ 1) < m->ndevs ? m->devs[i ^ 1]->nic : NULL;
			/* TXDW enabled and not in ICR yet, or the peer's RX enabled */
			if ((((hw->ims & E1000_ICR_TXDW) && !(hw->icr & E1000_ICR_TXDW)) ||
			     (peer && (peer->ims & E1000_IMS_RX))) &&
			    next < t)
				t = next;
			if (fin > last)
				last = fin;
		}
		for (int s = 0; s < hw->nsrc; s++) {
			const struct rx_source *src = hw->src[s];

			if ((rx_on || src->last_at == KIT_NEVER) && src->next_at < t)
				t = src->next_at;
			if (src->last_at != KIT_NEVER && src->last_at > last)
				last = src->last_at;
		}
	}
	return t == KIT_NEVER && last ? last : t;
}

/* hw_arm made anew: when the hardware event is (*got) and when the walk over
 * the devices says it should be, no earlier than hw_next (the answer). */
static u64 lazy_arm(u64 *got)
{
	u64 next = k->hw_next, expect;

	k->hw_lazy_stale = true;
	hw_arm(k);
	expect = next == KIT_NEVER ? KIT_NEVER : lazy_time_by_devs(k);
	if (expect != KIT_NEVER && expect < next)
		expect = next;
	*got = k->hw_ev.idx >= 0 ? k->hw_ev.time : KIT_NEVER;
	return expect;
}

static void lazy_check(int round, int s, int *busy, int *wrapped)
{
	u64 got, expect = lazy_arm(&got);

	cr_assert_eq(got, expect,
		     "round %d, step %d: the hardware event at %llu, the walk over the devices "
		     "says %llu",
		     round, s, (unsigned long long)got, (unsigned long long)expect);
	for (int d = 0; d < 2; d++) {
		struct nic *hw = (d ? sn1 : sn0)->nic;

		*busy += hw->tdh != hw->tx_sched;
		*wrapped += hw->tdh != hw->tx_sched && hw->tx_sched == 0;
	}
}

Test(tx_fast_sync, the_lazy_wake_up_is_the_walk_over_the_devices, .init = setup, .fini = teardown)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	int checks = 0, wrapped = 0, busy = 0;

	kit_set_hw_steps(k, false);
	setp(k, sn0, "tx_ring", 8);
	setp(k, sn1, "tx_ring", 8);
	for (int round = 0; round < 4; round++) {
		setp(k, NULL, "wire_peer", round & 1);
		gen_rx(round & 2 ? sn0 : sn1, 1500, 1000000, IPPROTO_UDP, 60);
		for (int s = 0; s < 2000; s++) {
			kit_xmit_frames(s % 3 ? sn0 : sn1, &p, 1 + (u64)(s * 7) % 23);
			lazy_check(round, s, &busy, &wrapped);
			kit_run(k, 1, 0, NULL);
			lazy_check(round, s, &busy, &wrapped);
			checks += 2;
		}
		run_idle(k);
	}
	cr_assert_gt(busy, 100, "a TX ring was busy at %d checks", busy);
	cr_assert_geq(wrapped, 20, "TX fetched up to the ring's end at %d checks (of %d busy)", wrapped,
		      busy);
	cr_assert_eq(checks, 4 * 4000, "%d checks", checks);
}

/* The same over random NIC states: the masks (TXDW, RX), TXDW in ICR or
 * not, the line's and the causes' times, a TX ring's head, fetch point (at and past its end) and
 * write-back times (each NIC's next kept exact, as the kit keeps it), the
 * wire to the peer or the sink, hw_next; no sources
 * (pktgen's are above). hw_next falls before, among and after the changes,
 * so lazy_time's stop at the first change at or before it (the answer is
 * then hw_next) is taken in some states and not in others. */
Test(tx_fast_sync, the_lazy_wake_up_over_random_nic_states, .init = setup, .fini = teardown)
{
	static const u32 masks[] = { 0, E1000_ICR_TXDW, E1000_IMS_RX, E1000_ICR_TXDW | E1000_IMS_RX };
	struct nic *hw[2] = { sn0->nic, sn1->nic }, saved[2];
	u64 done[2][19], rng = 4242;
	long peer = k->knob[KNOB_WIRE_PEER];
	int lasts = 0;

	kit_set_hw_steps(k, false);
	for (int d = 0; d < 2; d++) {
		saved[d] = *hw[d];
		memcpy(done[d], hw[d]->tx_done, sizeof(done[d]));
		cr_assert_eq(hw[d]->nsrc, 0, "sources on a fresh machine");
	}
	for (int it = 0; it < 20000; it++) {
#define R() (rng = rng * 6364136223846793005ULL + 1442695040888963407ULL, rng >> 33)
		u64 expect, got, next;

		for (int d = 0; d < 2; d++) {
			struct nic *h = hw[d];

			h->ims = masks[R() % 4];
			h->icr = R() % 3 ? 0 : E1000_ICR_TXDW; /* TXDW waiting in ICR or not */
			h->irq_at = R() % 3 ? KIT_NEVER : 1000 + R() % 5000;
			h->cause_min = R() % 3 ? KIT_NEVER : 1000 + R() % 5000;
			h->tx_count = R() % 2 ? 8 : 16;
			h->tdh = (u32)(R() % h->tx_count);
			h->tx_sched = R() % 4 ? (u32)(R() % h->tx_count) : h->tx_count + (u32)(R() % 3);
			for (u32 i = 0; i < h->tx_count + 3; i++)
				h->tx_done[i] = 1000 + R() % 5000;
			h->next = nic_next_change(h); /* kept exact, as the kit keeps it */
		}
		k->knob[KNOB_WIRE_PEER] = (long)(R() % 2);
		k->hw_next = R() % 8 ? 500 + R() % 6000 : KIT_NEVER;
		next = k->hw_next;
		expect = lazy_arm(&got);
		cr_assert_eq(got, expect,
			     "state %d: the hardware event at %llu, the walk over the devices says %llu "
			     "(sn0 TDH %u fetched to %u of %u, ims %#x; sn1 TDH %u fetched to %u of %u, "
			     "ims %#x; wire_peer %ld)",
			     it, (unsigned long long)got, (unsigned long long)expect, hw[0]->tdh,
			     hw[0]->tx_sched, hw[0]->tx_count, hw[0]->ims, hw[1]->tdh, hw[1]->tx_sched,
			     hw[1]->tx_count, hw[1]->ims, k->knob[KNOB_WIRE_PEER]);
		lasts += next != KIT_NEVER && hw[0]->irq_at == KIT_NEVER && hw[1]->irq_at == KIT_NEVER &&
			 hw[0]->cause_min == KIT_NEVER && hw[1]->cause_min == KIT_NEVER;
#undef R
	}
	cr_assert_gt(lasts, 1000, "only %d states could wake at the last write-back", lasts);
	for (int d = 0; d < 2; d++) {
		*hw[d] = saved[d];
		memcpy(hw[d]->tx_done, done[d], sizeof(done[d]));
	}
	k->knob[KNOB_WIRE_PEER] = peer;
	ev_cancel(k, &k->hw_ev);
	hw_update(k);
}
