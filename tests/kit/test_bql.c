/* test_bql.c - BQL: the dql limit as lib/dynamic_queue_limits.c adapts it, STACK_XOFF, the bulk. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(bql, .timeout = 30);

static const struct kit_pkt udp60 = { .len = 60, .proto = IPPROTO_UDP };

/* One completion round on a bare dql: queue q bytes, then complete c. */
static void round_trip(struct dql *d, unsigned int q, unsigned int c)
{
	if (q)
		dql_queued(d, q);
	dql_completed(d, c);
}

/* Starved (over the limit, then everything completed): the limit grows by
 * what was sent and completed beyond the last round, plus the overshoot. */
Test(bql, dql_grows_when_starved, .init = setup, .fini = teardown)
{
	struct dql d = { 0 }; /* zeroed, as the kernel allocates netdev_queue */
	static const unsigned int want[] = { 60, 180, 420, 900 };
	unsigned int sent = 60;

	dql_init(&d, HZ);
	cr_assert_eq(dql_avail(&d), 0, "a fresh dql has avail %d, expected 0", dql_avail(&d));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		round_trip(&d, sent, sent);
		cr_assert_eq(d.limit, want[i], "round %zu: limit %u, expected %u", i, d.limit,
			     want[i]);
		cr_assert_eq(dql_inflight(&d), 0, "round %zu: %u bytes in flight, expected 0", i,
			     dql_inflight(&d));
		cr_assert_eq(dql_avail(&d), (int)want[i], "round %zu: avail %d, expected the limit %u",
			     i, dql_avail(&d), want[i]);
		sent = want[i] + 60; /* the sender goes one frame over the new limit */
	}
}

/* Busy the whole interval: the limit shrinks by the least slack seen, and
 * only once slack_hold_time (HZ) has passed since the watch began. */
Test(bql, dql_shrinks_by_slack_after_hold_time, .init = setup, .fini = teardown)
{
	struct dql d = { 0 }; /* zeroed, as the kernel allocates netdev_queue */

	dql_init(&d, HZ);
	round_trip(&d, 10000, 10000); /* starved: limit 10000, the slack watch starts */
	cr_assert_eq(d.limit, 10000, "limit %u after a starved round, expected 10000", d.limit);
	round_trip(&d, 3000, 1000);   /* busy, but the previous round left nothing in flight */
	round_trip(&d, 3000, 1000);   /* busy both rounds: slack 10000 - 2 * 1000 = 8000 */
	cr_assert_eq(d.lowest_slack, 8000, "lowest slack %u, expected 8000", d.lowest_slack);
	cr_assert_eq(d.limit, 10000, "limit %u before the hold time, expected still 10000",
		     d.limit);
	kit_run(k, 0, 1100 * NSEC_PER_MSEC, NULL); /* an idle machine: 1.1 s pass */
	round_trip(&d, 3000, 1000);
	cr_assert_eq(d.limit, 2000, "limit %u after the hold time, expected 10000 - 8000 = 2000",
		     d.limit);
	cr_assert_eq(d.adj_limit, 2000 + d.num_completed, "adj_limit %u, expected limit + completed %u",
		     d.adj_limit, 2000 + d.num_completed);
	cr_assert_eq(d.lowest_slack, UINT_MAX, "the slack watch starts again: lowest %u, expected "
		     "UINT_MAX", d.lowest_slack);
}

/* BQL's stop is its own bit: the driver's queue runs, the qdisc holds the rest. */
Test(bql, stack_xoff_is_not_the_drivers_stop, .init = setup, .fini = teardown)
{
	struct dev_snap *s;

	kit_xmit_frames(sn0, &udp60, 20);
	s = snap(sn0);
	cr_assert(s->bql_stopped, "BQL did not stop the queue: %u bytes in flight, limit %u",
		  s->bql_inflight, s->bql_limit);
	cr_assert(!s->queue_stopped, "the driver's stop bit is set, expected only BQL's");
	cr_assert_eq(s->bql_limit, 0, "a cold BQL limit of %u, expected 0", s->bql_limit);
	cr_assert_eq(st(sn0, "xmit_calls"), 1, "%llu driver calls before any completion, expected 1 "
		     "(limit 0: one frame, then STACK_XOFF)", (unsigned long long)st(sn0, "xmit_calls"));
	cr_assert_eq(s->qdisc_len, 19, "qdisc holds %u, expected 19", s->qdisc_len);
	cr_assert(netif_xmit_stopped(netdev_get_tx_queue(sn0, 0)) && !netif_queue_stopped(sn0),
		  "netif_xmit_stopped %d, netif_queue_stopped %d: expected 1 and 0",
		  netif_xmit_stopped(netdev_get_tx_queue(sn0, 0)), netif_queue_stopped(sn0));
	run_idle(k);
	s = snap(sn0);
	cr_assert(!s->bql_stopped, "BQL still holds the queue after the completions");
	cr_assert_eq(s->bql_inflight, 0, "%u bytes in flight on an idle machine, expected 0",
		     s->bql_inflight);
	cr_assert_gt(s->bql_limit, 60, "limit %u after 20 frames, expected it to have grown",
		     s->bql_limit);
	cr_assert_eq(st(sn0, "bql_limit"), s->bql_limit, "stat bql_limit %llu, snapshot %u",
		     (unsigned long long)st(sn0, "bql_limit"), s->bql_limit);
	cr_assert_geq(st(sn0, "bql_stops"), 2, "bql_stops = %llu, expected BQL to stop the queue "
		      "while its limit grew", (unsigned long long)st(sn0, "bql_stops"));
	cr_assert_eq(st(sn0, "queue_stops"), 0, "the driver stopped its queue %llu times, expected 0",
		     (unsigned long long)st(sn0, "queue_stops"));
	cr_assert_eq(flow(k, 0).packets, 20, "sn1 got %llu of 20", (unsigned long long)flow(k, 0).packets);
	cr_assert_eq(flow(k, 0).errors, 0, "%llu stream errors", (unsigned long long)flow(k, 0).errors);
	check_clean(k);
}

/* n frames queued behind a stopped queue, then woken: what the qdisc hands over. */
static void release(unsigned int n)
{
	kit_netif_stop_queue(sn0);
	kit_xmit_frames(sn0, &udp60, n);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_netif_wake_queue(sn0);
	run_idle(k);
	kit_trace_subscribe(k, NULL, NULL);
}

/* Without BQL the bulk budget is 0: xmit_more gets no train, every frame rings. */
Test(bql, no_bql_no_xmit_more_bulk, .init = setup, .fini = teardown)
{
	u64 before;

	setp(k, sn0, "batching", TX_BATCH_XMIT_MORE);
	setp(k, sn0, "bql", 0);
	cr_assert_eq(qdisc_avail_bulklimit(netdev_get_tx_queue(sn0, 0)), 0,
		     "bulk limit %d without BQL, expected 0",
		     qdisc_avail_bulklimit(netdev_get_tx_queue(sn0, 0)));
	before = st(sn0, "doorbells");
	release(32);
	cr_assert_eq(st(sn0, "doorbells") - before, 32, "%llu doorbells for 32 frames, expected 32: "
		     "without BQL nothing is bulked", (unsigned long long)(st(sn0, "doorbells") - before));
	cr_assert_eq(rec_count(&log_, TR_QDISC_BULK, sn0->ifindex), 32,
		     "%zu dequeues for 32 frames, expected 32", rec_count(&log_, TR_QDISC_BULK, sn0->ifindex));
	for (size_t i = 0; i < log_.n; i++) {
		if (log_.r[i].type == TR_XMIT && log_.r[i].dev == sn0->ifindex)
			cr_assert_eq(log_.r[i].c, 0, "skb#%u went with xmit_more set, expected no train",
				     log_.r[i].a);
		if (log_.r[i].type == TR_QDISC_BULK)
			cr_assert_eq(log_.r[i].b, 1, "a dequeue of %u skbs without BQL, expected 1",
				     log_.r[i].b);
	}
	cr_assert_eq(st(sn0, "bql_inflight") + st(sn0, "bql_limit"), 0,
		     "BQL off, yet limit %llu and %llu bytes counted", (unsigned long long)st(sn0, "bql_limit"),
		     (unsigned long long)st(sn0, "bql_inflight"));
	check_clean(k);
}

/* With BQL the bulk is the first skb and more while avail - first len > 0
 * (try_bulk_dequeue_skb), all under one doorbell. */
Test(bql, bulk_stays_within_dql_avail, .init = setup, .fini = teardown)
{
	size_t bulks = 0;
	int avail;

	setp(k, sn0, "batching", TX_BATCH_XMIT_MORE);
	kit_xmit_frames(sn0, &udp60, 12); /* warm BQL up a little: limit 420 */
	run_idle(k);
	avail = snap(sn0)->bql_avail;
	cr_assert(avail > 60 && avail < 64 * 60, "avail %d after warming up, expected between one "
		  "frame and the 64 about to wait", avail);
	release(64);
	for (size_t i = 0; i < log_.n; i++) {
		const struct trace_rec *r = &log_.r[i];
		unsigned int want;
		size_t more = 0;

		if (r->type != TR_QDISC_BULK)
			continue;
		/* 1 + the skbs while the budget stays above 0: ceil(avail / 60), what is left */
		want = (int)r->d > 60 ? ((unsigned int)r->d + 59) / 60 : 1;
		if (want > r->b + r->c)
			want = r->b + r->c;
		cr_assert_eq(r->b, want, "bulk %zu: %u skbs with a budget of %d bytes, expected %u",
			     bulks, r->b, (int)r->d, want);
		if (!bulks++)
			cr_assert_eq((int)r->d, avail, "first bulk's budget %d, expected avail %d", (int)r->d,
				     avail);
		for (size_t j = i + 1; j < log_.n && more < r->b; j++)
			if (log_.r[j].type == TR_XMIT) {
				more++;
				cr_assert_eq(log_.r[j].c, more < r->b, "skb %zu of a bulk of %u: xmit_more "
					     "%u, expected %d", more, r->b, log_.r[j].c, more < r->b);
			}
	}
	cr_assert_gt(bulks, 1, "%zu bulks for 64 frames with avail %d, expected several", bulks, avail);
	cr_assert_lt(st(sn0, "doorbells"), 12 + 64, "%llu doorbells, expected fewer than one per frame",
		     (unsigned long long)st(sn0, "doorbells"));
	check_clean(k);
}

static void complete_too_much(void *arg)
{
	struct net_device *dev = arg;

	netdev_completed_queue(dev, 1, 1000); /* nothing was sent */
}

/* More bytes completed than sent: the kernel's BUG_ON in dql_completed; the dql is left alone. */
Test(bql, completing_unsent_bytes_is_a_bug, .init = setup, .fini = teardown)
{
	kit_run_softirq(k, complete_too_much, sn0);
	cr_assert_eq(kit_rule_count(k, RULE_BQL_OVERCOMPLETE), 1, "%llu BQL BUGs, expected 1",
		     (unsigned long long)kit_rule_count(k, RULE_BQL_OVERCOMPLETE));
	cr_assert_eq(sn0->tx_queue.dql.num_completed, 0, "num_completed %u, expected 0 (ignored)",
		     sn0->tx_queue.dql.num_completed);
}

/* The ring clean (at close, at reset) resets the count: netdev_reset_queue. */
Test(bql, ring_clean_resets_the_queue, .init = setup, .fini = teardown)
{
	struct dev_snap *s;

	setp(k, sn0, "fault_dd_delay", 1000 * 1000); /* 1 ms: frames stay in flight */
	kit_xmit_frames(sn0, &udp60, 10);
	kit_run(k, 0, 100 * 1000, NULL);
	s = snap(sn0);
	cr_assert(s->bql_inflight > 0 && s->bql_stopped, "%u bytes in flight, XOFF %d: expected "
		  "frames in flight and BQL holding the queue", s->bql_inflight, s->bql_stopped);
	setp(k, sn0, "tx_ring", 64); /* down (ring cleaned) and up */
	s = snap(sn0);
	cr_assert_eq(s->bql_inflight, 0, "%u bytes in flight after the ring clean, expected 0",
		     s->bql_inflight);
	cr_assert(!s->bql_stopped, "STACK_XOFF survived the ring clean");
	check_clean(k);
}
