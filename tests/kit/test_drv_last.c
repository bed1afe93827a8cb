/* test_drv_last.c - a nested call's one-move naming and the sender's way give the general answers. */
#include "kit.h"
#include "core/qdisc.h"
/* (after kit.h: its inline helpers name their machine k too) */
#define KIT_TEST_MACHINE
#include "helpers.h"
#include "drv_helpers.h"

TestSuite(drv_last, .timeout = 120);

/* The wrappers' pairs: each row's name twice, the very pointer of the table's row. */
Test(drv_last, each_pair_is_its_rows_name_twice)
{
	for (size_t i = 0; i < simnic_lab_nfns; i++)
		cr_assert(simnic_lab_name_pairs[i][0] == simnic_lab_fns[i].name &&
				  simnic_lab_name_pairs[i][1] == simnic_lab_fns[i].name,
			  "row %zu (%s): pair %p %p, the row's name at %p", i, simnic_lab_fns[i].name,
			  (const void *)simnic_lab_name_pairs[i][0],
			  (const void *)simnic_lab_name_pairs[i][1], (const void *)simnic_lab_fns[i].name);
}

/*
 * driver_enter_nested from 4,000 random states with a call running (kit
 * names and contract names, either device, any last and outermost pair),
 * for every row of the contract: it must return the call driver_enter_quiet
 * returns and write what it writes, except dev_last, which it leaves as it
 * was; the last call's name as kit_lab_fn_name gives it (what last_fn
 * reports) must be the quiet enter's all the same. And a contract name is
 * given back as it is whatever the device, which is what makes that hold.
 */
Test(drv_last, a_nested_enter_names_the_last_call_as_the_quiet_enter, .init = setup,
     .fini = teardown)
{
	static const char *const kit_names[] = { "hard_start_xmit", "poll", "interrupt handler",
						 "clean_tx_irq" };
	struct net_device *devs[] = { NULL, sn0, sn1 };
	u64 seed = 0x2545f4914f6cdd1dULL;
	unsigned int dev_kept = 0;

	run_idle(k);
	for (size_t row = 0; row < simnic_lab_nfns; row++)
		for (int d = 0; d < 3; d++) {
			const char *name = simnic_lab_fns[row].name;
			const char *got = kit_lab_fn_name(k, devs[d], name);

			cr_assert(got == name, "row %zu: %s on device %d named %s", row, name, d, got);
		}
	for (int i = 0; i < 4000; i++) {
		struct enter_state s, a, b;
		struct drvcall pa, pb;
		const char *names[8];
		size_t row;
		struct net_device *dev;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		for (int j = 0; j < 4; j++) {
			names[j] = kit_names[j];
			names[4 + j] = simnic_lab_fns[(seed >> (8 * j)) % simnic_lab_nfns].name;
		}
		s = (struct enter_state){ names[seed >> 61], names[seed >> 58 & 7], names[seed >> 55 & 7],
					 devs[1 + (seed >> 54 & 1)], devs[(seed >> 50 & 7) % 3],
					 devs[(seed >> 46 & 7) % 3], seed >> 20 & 0xffff,
					 k->now - (seed >> 36 & 0xff) };
		row = (seed >> 40) % simnic_lab_nfns;
		dev = (seed >> 45 & 1) ? sn1 : sn0;
		enter_state_set(k, &s);
		pa = driver_enter_quiet(k, dev, simnic_lab_fns[row].name);
		a = enter_state_of(k);
		enter_state_set(k, &s);
		pb = driver_enter_nested(k, dev, simnic_lab_name_pairs[row]);
		b = enter_state_of(k);
		cr_assert(pa.fn == pb.fn && pa.dev == pb.dev,
			  "state %d: interrupted call %s on %p, the quiet enter's %s on %p", i, pb.fn,
			  (void *)pb.dev, pa.fn, (void *)pa.dev);
		cr_assert(a.running == b.running && a.dev_running == b.dev_running,
			  "state %d: running %s on %p, the quiet enter's %s on %p", i, b.running,
			  (void *)b.dev_running, a.running, (void *)a.dev_running);
		cr_assert(a.last == b.last, "state %d: last %s, the quiet enter's %s", i, b.last,
			  a.last);
		cr_assert(b.dev_last == s.dev_last, "state %d: last device %p, was %p", i,
			  (void *)b.dev_last, (void *)s.dev_last);
		dev_kept += b.dev_last != a.dev_last;
		cr_assert(a.outer == b.outer && a.dev_outer == b.dev_outer && a.enter_ns == b.enter_ns,
			  "state %d: outer %s at %llu, the quiet enter's %s at %llu", i, b.outer,
			  (unsigned long long)b.enter_ns, a.outer, (unsigned long long)a.enter_ns);
		cr_assert_eq(b.calls, a.calls, "state %d: %llu calls, the quiet enter's %llu", i,
			     (unsigned long long)b.calls, (unsigned long long)a.calls);
		const char *na = kit_lab_fn_name(k, a.dev_last, a.last);
		const char *nb = kit_lab_fn_name(k, b.dev_last, b.last);

		cr_assert(!strcmp(na, nb), "state %d: the last call named %s, the quiet enter's %s",
			  i, nb, na);
	}
	/* the states where leaving dev_last alone leaves another device there */
	cr_assert_gt(dev_kept, 1000, "only %u of 4000 states had another last device", dev_kept);
	k->lab_running = NULL;
	k->dev_running = NULL;
}

/* 300 frames sn0 -> sn1, then a call through sn0's adapter->ops made as from
 * inside its hard_start_xmit, dev_last marked with sn1 first; then a guard's
 * canary is damaged and kit_guard_check's report (last_fn's words) kept. */
static void last_after_traffic(bool guards, char *report, size_t len, struct enter_state *after,
			       const char **dev_last)
{
	struct kit *m = kit_new(1);
	struct net_device *d0, *d1;
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	struct simnic_adapter *a;
	struct kit_guard *g = NULL;
	enum kit_stop why;

	cr_assert_not_null(m, "kit_new(1) returned NULL, expected a machine");
	d0 = kit_dev_by_name(m, "sn0");
	d1 = kit_dev_by_name(m, "sn1");
	a = netdev_priv(d0);
	tl_stop(m); /* watched only with guards on */
	kit_guard_each_call(m, guards);
	cr_assert_eq(m->drv_watch, guards, "drv_watch %d with guards %d", m->drv_watch, guards);
	cr_assert_eq(kit_sender_start(d0, &p, 300), 0, "the sender did not start");
	kit_run(m, 20000000, 0, &why);
	cr_assert_eq(why, KIT_STOP_IDLE, "the machine did not go idle");
	m->lab_running = "hard_start_xmit";
	m->dev_running = d0;
	m->lab_outer = "hard_start_xmit";
	m->dev_outer = d0;
	m->dev_last = d1;
	a->ops->maybe_stop_tx(a, 0);
	*after = enter_state_of(m);
	*dev_last = m->dev_last == d0 ? "sn0" : m->dev_last == d1 ? "sn1" : "another";
	m->lab_running = NULL;
	m->dev_running = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(m->guards) && !g; i++)
		if (m->guards[i].p && m->guards[i].dev == d0)
			g = &m->guards[i];
	cr_assert_not_null(g, "sn0 has no guarded area");
	((unsigned char *)g->p)[g->size] ^= 0x5a;
	cr_assert_eq(kit_guard_check(m, report, len), 1, "one damaged canary, reported: %s",
		     report);
	kit_free(m);
}

/*
 * The nested call through the wrapper's short way (nobody watching) and
 * through its long way (guards on): the same running pair after it, the
 * same last call, and last_fn's words in the canary's report the same; the
 * short way left dev_last alone (the marker is still there), the long way
 * set it, so each way was the one taken.
 */
Test(drv_last, a_canary_report_names_the_last_call_either_way)
{
	char quiet[1024], watched[1024];
	struct enter_state q, w;
	const char *qd, *wd;

	last_after_traffic(false, quiet, sizeof(quiet), &q, &qd);
	last_after_traffic(true, watched, sizeof(watched), &w, &wd);
	cr_assert(!strcmp(q.running, "hard_start_xmit") && !strcmp(w.running, "hard_start_xmit"),
		  "running after the nested call: %s, with guards %s", q.running, w.running);
	cr_assert(q.last == w.last && !strcmp(q.last, "simnic_maybe_stop_tx"),
		  "last call %s, with guards %s", q.last, w.last);
	cr_assert(!strcmp(qd, "sn1"),
		  "the short way set dev_last to %s, expected the marker sn1 left alone", qd);
	cr_assert(!strcmp(wd, "sn0"), "the long way left dev_last at %s, expected sn0", wd);
	cr_assert(strstr(quiet, "simnic_xmit_frame ran (the last lab function it called: "
				"simnic_maybe_stop_tx)"),
		  "the report does not name the last call: %s", quiet);
	cr_assert(!strcmp(quiet, watched), "report %s, with guards %s", quiet, watched);
}

/* ---- the sender's way for its packet (core/qdisc.h: held_way) ------------- */


/* dev_queue_xmit's own order: netif_xmit_stopped, then the qdisc empty and
 * the device not broken (qdisc_xmit.c). */
static enum held_way held_way_general(const struct net_device *dev, const struct Qdisc *q)
{
	if (netif_xmit_stopped(&dev->tx_queue))
		return HELD_ENQUEUE;
	if (skb_queue_empty(&q->q) && !kit_dev_broken(dev))
		return HELD_ALONE;
	return HELD_GENERAL;
}

/*
 * held_way's one test of dev->state against dev_queue_xmit's order, for
 * every combination of the device's seven state bits (the driver's stop
 * and a crash among them), BQL's stop and a qdisc empty or not: the same
 * way each time, and each of the three ways met.
 */
Test(drv_last, the_senders_way_is_dev_queue_xmits_for_every_state, .init = setup,
     .fini = teardown)
{
	struct Qdisc *q = sn0->qdisc;
	unsigned long state = sn0->state, qstate = sn0->tx_queue.state;
	struct sk_buff *head = q->q.next;
	unsigned int seen[3] = { 0 };

	cr_assert_not_null(q, "sn0 has no qdisc");
	cr_assert(skb_queue_empty(&q->q), "sn0's qdisc holds packets before the test");
	for (unsigned int s = 0; s < 1u << 9; s++) {
		sn0->state = s & 0x7f;
		sn0->tx_queue.state = (s >> 7 & 1) ? 1UL << __QUEUE_STATE_STACK_XOFF : 0;
		/* a qdisc that holds something: its head is not itself */
		q->q.next = (s >> 8 & 1) ? (struct sk_buff *)&seen : (struct sk_buff *)&q->q;
		enum held_way a = held_way(sn0, q), b = held_way_general(sn0, q);

		q->q.next = head;
		cr_assert_eq(a, b, "state %#x, BQL %u, queued %u: way %d, dev_queue_xmit's %d",
			     s & 0x7f, s >> 7 & 1, s >> 8 & 1, a, b);
		seen[a]++;
	}
	sn0->state = state;
	sn0->tx_queue.state = qstate;
	cr_assert(seen[HELD_ENQUEUE] && seen[HELD_ALONE] && seen[HELD_GENERAL],
		  "ways met: enqueue %u, alone %u, general %u", seen[HELD_ENQUEUE],
		  seen[HELD_ALONE], seen[HELD_GENERAL]);
}
