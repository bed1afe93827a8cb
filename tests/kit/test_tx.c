/* test_tx.c - the TX path's rules: ring, stop/wake, qdisc, BUSY, batching, costs. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(tx, .timeout = 30);


static const struct kit_pkt udp60 = { .len = 60, .proto = IPPROTO_UDP };

Test(tx, ring_wraps_around, .init = setup, .fini = teardown)
{
	u64 sent;

	setp(k, sn0, "tx_ring", 16);
	sent = kit_xmit_frames(sn0, &udp60, 40);
	cr_assert_eq(sent, 40, "%llu of 40 frames queued, expected 40", (unsigned long long)sent);
	run_idle(k);
	cr_assert_eq(st(sn0, "tx_packets"), 40, "tx_packets = %llu, expected 40",
		     (unsigned long long)st(sn0, "tx_packets"));
	cr_assert_eq(snap(sn0)->tx.next_to_use, 40 % 16, "next_to_use = %u, expected %u after wrapping",
		     snap(sn0)->tx.next_to_use, 40 % 16);
	cr_assert_eq(snap(sn0)->tx.head, 40 % 16, "TDH = %u, expected %u", snap(sn0)->tx.head,
		     40 % 16);
	cr_assert_eq(flow(k, 0).packets, 40, "sn1 received %llu of 40",
		     (unsigned long long)flow(k, 0).packets);
	cr_assert_eq(flow(k, 0).errors, 0, "stream errors at sn1: %llu",
		     (unsigned long long)flow(k, 0).errors);
	check_clean(k);
}

/* Sends on one flow make one stream: the second call carries on where the
 * first stopped (skb alloc included), so the receiver sees no reordering;
 * seq_set starts a flow where the caller says. */
Test(tx, a_flow_carries_on_across_sends, .init = setup, .fini = teardown)
{
	const struct kit_pkt tcp = { .len = 200, .proto = IPPROTO_TCP, .flow = 3 };
	struct kit_pkt again = { .len = 60, .proto = IPPROTO_UDP, .seq = 0, .seq_set = true };
	char err[256];
	struct sk_buff *skb;

	kit_xmit_frames(sn0, &udp60, 3);
	run_idle(k);
	skb = kit_skb_alloc(sn0, &udp60, err, sizeof(err));
	cr_assert_not_null(skb, "%s", err);
	kit_dev_queue_xmit(sn0, skb);
	kit_xmit_frames(sn0, &udp60, 2);
	kit_xmit_frames(sn0, &tcp, 2);
	kit_xmit_frames(sn0, &tcp, 2);
	run_idle(k);
	cr_assert_eq(flow(k, 0).packets, 6, "flow 0 delivered %llu, expected 6",
		     (unsigned long long)flow(k, 0).packets);
	cr_assert_eq(flow(k, 0).errors, 0, "flow 0: %llu stream errors, expected 0 (each send "
		     "carries on)", (unsigned long long)flow(k, 0).errors);
	cr_assert_eq(flow(k, 1).packets, 4, "the TCP flow delivered %llu, expected 4",
		     (unsigned long long)flow(k, 1).packets);
	cr_assert_eq(flow(k, 1).errors, 0, "TCP flow: %llu stream errors, expected 0",
		     (unsigned long long)flow(k, 1).errors);
	/* starting UDP flow 0 over on purpose: UDP promises no order, and the
	 * datagram's bytes are still the sender's, so no error */
	kit_xmit_frames(sn0, &again, 1);
	run_idle(k);
	cr_assert_eq(flow(k, 0).packets, 7, "flow 0 delivered %llu, expected 7",
		     (unsigned long long)flow(k, 0).packets);
	cr_assert_eq(flow(k, 0).errors, 0, "flow 0 restarted at seq 0: %llu errors, expected 0",
		     (unsigned long long)flow(k, 0).errors);
	check_clean(k);
}

/* Look after every step: the ring is never overrun and the queue is stopped
 * exactly while no descriptor is free. */
Test(tx, stops_before_overflow, .init = setup, .fini = teardown)
{
	unsigned int most = 0;

	setp(k, sn0, "tx_ring", 16);
	kit_xmit_frames(sn0, &udp60, 60);
	for (int i = 0; i < 100000 && kit_step(k); i++) {
		struct dev_snap *s = snap(sn0);
		unsigned int used = 16 - 1 - s->tx.unused;

		if (used > most)
			most = used;
		cr_assert_leq(used, 15, "step %d: %u descriptors in use in a ring of 16", i, used);
		if (!s->queue_stopped)
			cr_assert_geq(s->tx.unused, 1, "step %d: queue running with no free descriptor",
				      i);
	}
	cr_assert_eq(most, 15, "the ring filled to %u, expected 15 (one slot stays empty)", most);
	cr_assert_geq(st(sn0, "queue_stops"), 1, "queue_stops = %llu, expected at least 1",
		      (unsigned long long)st(sn0, "queue_stops"));
	cr_assert_eq(st(sn0, "tx_busy"), 0, "NETDEV_TX_BUSY returned %llu times",
		     (unsigned long long)st(sn0, "tx_busy"));
	cr_assert_eq(kit_rule_count(k, RULE_DESC_OVERWRITE), 0,
		     "%llu posted descriptors were overwritten, expected 0",
		     (unsigned long long)kit_rule_count(k, RULE_DESC_OVERWRITE));
	check_clean(k);
}

/* BQL off where the point is the ring filling up: with BQL the byte limit
 * stops the queue first (test_bql.c). */
Test(tx, wakes_only_above_threshold, .init = setup, .fini = teardown)
{
	setp(k, sn0, "bql", 0);
	setp(k, sn0, "tx_ring", 64);
	setp(k, sn0, "tx_wake_thresh", 24);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_xmit_frames(sn0, &udp60, 400);
	run_idle(k);
	cr_assert_geq(rec_count(&log_, TR_QUEUE_WAKE, sn0->ifindex), 2,
		      "%zu queue wakes, expected several (at least 2)",
		      rec_count(&log_, TR_QUEUE_WAKE, sn0->ifindex));
	for (size_t i = 0; i < log_.n; i++)
		if (log_.r[i].type == TR_QUEUE_WAKE)
			cr_assert_geq(log_.r[i].a, 24, "woken with %u free descriptors, threshold 24",
				      log_.r[i].a);
	cr_assert_eq(st(sn0, "tx_packets"), 400, "tx_packets = %llu, expected 400",
		     (unsigned long long)st(sn0, "tx_packets"));
}

/* Reclaim one descriptor at a time (a 10 Mb/s link, an interrupt per
 * write-back): the driver sees 1, 2, 3... free and must wait for the
 * threshold, not wake at the first free slot. */
Test(tx, wake_hysteresis_with_slow_reclaim, .init = setup, .fini = teardown)
{
	size_t wakes = 0;

	setp(k, sn0, "bql", 0);
	setp(k, NULL, "link_speed", 10);
	setp(k, sn0, "tx_ring", 64);
	setp(k, sn0, "tx_wake_thresh", 24);
	setp(k, sn0, "itr", 0);
	setp(k, sn0, "tx_usecs", 0);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_xmit_frames(sn0, &udp60, 200);
	run_idle(k);
	for (size_t i = 0; i < log_.n; i++) {
		if (log_.r[i].type != TR_QUEUE_WAKE)
			continue;
		wakes++;
		cr_assert_eq(log_.r[i].a, 24, "wake %zu with %u free descriptors, expected 24 "
			     "(the threshold, reached one reclaim at a time)", wakes, log_.r[i].a);
	}
	cr_assert_geq(wakes, 3, "%zu wakes for 200 frames through a 64-slot ring, expected 3 or more",
		      wakes);
	cr_assert_eq(st(sn0, "tx_packets"), 200, "tx_packets = %llu, expected 200",
		     (unsigned long long)st(sn0, "tx_packets"));
	check_clean(k);
}

Test(tx, qdisc_holds_while_stopped, .init = setup, .fini = teardown)
{
	kit_netif_stop_queue(sn0);
	kit_xmit_frames(sn0, &udp60, 10);
	kit_run(k, 0, 1000 * 1000, NULL); /* 1 ms: well before the watchdog */
	cr_assert_eq(snap(sn0)->qdisc_len, 10, "qdisc holds %u, expected 10", snap(sn0)->qdisc_len);
	cr_assert_eq(st(sn0, "xmit_calls"), 0,
		     "the driver was called %llu times while stopped, expected 0",
		     (unsigned long long)st(sn0, "xmit_calls"));
	kit_netif_wake_queue(sn0);
	run_idle(k);
	cr_assert_eq(snap(sn0)->qdisc_len, 0, "qdisc holds %u after the wake, expected 0",
		     snap(sn0)->qdisc_len);
	cr_assert_eq(flow(k, 0).packets, 10, "delivered %llu of 10",
		     (unsigned long long)flow(k, 0).packets);
	cr_assert_eq(flow(k, 0).errors, 0, "order or content errors: %llu",
		     (unsigned long long)flow(k, 0).errors);
	check_clean(k);
}

Test(tx, qdisc_tail_drops_at_tx_queue_len, .init = setup, .fini = teardown)
{
	u64 sent;

	setp(k, sn0, "tx_queue_len", 5);
	kit_netif_stop_queue(sn0);
	sent = kit_xmit_frames(sn0, &udp60, 8);
	cr_assert_eq(sent, 5, "%llu of 8 frames queued, expected 5: only 5 fit in the qdisc",
		     (unsigned long long)sent);
	cr_assert_eq(st(sn0, "qdisc_drops"), 3, "qdisc_drops = %llu, expected 3",
		     (unsigned long long)st(sn0, "qdisc_drops"));
	/* qdisc_drop counts in the qdisc's qstats.drops; the device's tx_dropped is not touched */
	cr_assert_eq(st(sn0, "tx_dropped"), 0, "tx_dropped = %llu, expected 0: tail drops are the "
		     "qdisc's, not the device's", (unsigned long long)st(sn0, "tx_dropped"));
	check_clean(k);
}

Test(tx, busy_is_requeued_in_order, .init = setup, .fini = teardown)
{
	char err[512];

	cr_assert_geq(kit_driver_load(k, test_driver("busy_xmit"), err, sizeof(err)), 1, "%s", err);
	setp(k, sn0, "tx_ring", 16);
	kit_xmit_frames(sn0, &udp60, 60);
	kit_run(k, 2000000, 0, NULL);
	cr_assert_gt(st(sn0, "tx_busy"), 0, "the driver never returned BUSY");
	cr_assert_eq(st(sn0, "requeues"), st(sn0, "tx_busy"), "requeues %llu != BUSY returns %llu",
		     (unsigned long long)st(sn0, "requeues"), (unsigned long long)st(sn0, "tx_busy"));
	cr_assert_eq(kit_rule_count(k, RULE_TX_BUSY), st(sn0, "tx_busy"),
		     "%llu TX_BUSY warnings for %llu BUSY returns, expected one each",
		     (unsigned long long)kit_rule_count(k, RULE_TX_BUSY),
		     (unsigned long long)st(sn0, "tx_busy"));
	cr_assert_eq(flow(k, 0).packets, 60, "delivered %llu of 60",
		     (unsigned long long)flow(k, 0).packets);
	cr_assert_eq(flow(k, 0).errors, 0,
		     "%llu stream errors, expected 0: BUSY reordered or lost packets",
		     (unsigned long long)flow(k, 0).errors);
	check_clean(k);
}

/* Doorbells for 32 frames released at once, per batching mode. */
static u64 doorbells_for_mode(const char *mode_word)
{
	long mode;
	int rc;

	rc = kit_param_parse_word(kit_param_find("batching"), mode_word, &mode);
	cr_assert_eq(rc, 0, "batching %s: parsing returned %d, expected 0", mode_word, rc);
	setp(k, sn0, "batching", mode);
	kit_netif_stop_queue(sn0);
	kit_xmit_frames(sn0, &udp60, 32);
	kit_netif_wake_queue(sn0);
	run_idle(k);
	cr_assert_eq(st(sn0, "tx_packets"), 32, "%s: sent %llu of 32", mode_word,
		     (unsigned long long)st(sn0, "tx_packets"));
	check_clean(k);
	return st(sn0, "doorbells");
}

Test(tx, doorbells_none, .init = setup, .fini = teardown)
{
	u64 n = doorbells_for_mode("none");

	cr_assert_eq(n, 32, "%llu doorbells, expected 32: one per packet without batching",
		     (unsigned long long)n);
}

Test(tx, doorbells_btx, .init = setup, .fini = teardown)
{
	u64 n = doorbells_for_mode("btx");

	cr_assert_eq(n, 1, "%llu doorbells, expected 1 for the batch (xmit_win 255)",
		     (unsigned long long)n);
	cr_assert_eq(st(sn0, "batches"), 1, "batches = %llu, expected 1",
		     (unsigned long long)st(sn0, "batches"));
	cr_assert_eq(st(sn0, "batch_pkts"), 32, "batch_pkts = %llu, expected 32",
		     (unsigned long long)st(sn0, "batch_pkts"));
}

Test(tx, doorbells_skb_blist, .init = setup, .fini = teardown)
{
	u64 n = doorbells_for_mode("skb_blist");

	cr_assert_eq(n, 1, "%llu doorbells, expected 1: hard_start_xmit(NULL) rings once",
		     (unsigned long long)n);
}

/* xmit_more in a small ring: the queue stops in the middle of a bulk, with
 * "more" still set. Nobody will call again until a wake, so the driver must
 * write TDT when it stops: after every stop, the next thing sn0 does is ring
 * the doorbell, before any wake. */
Test(tx, xmit_more_rings_when_it_stops, .init = setup, .fini = teardown)
{
	size_t stops = 0;

	setp(k, sn0, "batching", TX_BATCH_XMIT_MORE);
	setp(k, sn0, "tx_ring", 16);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_xmit_frames(sn0, &udp60, 60);
	run_idle(k);
	for (size_t i = 0; i < log_.n; i++) {
		size_t j;

		if (log_.r[i].type != TR_QUEUE_STOP || log_.r[i].dev != sn0->ifindex)
			continue;
		stops++;
		for (j = i + 1; j < log_.n; j++)
			if (log_.r[j].dev == sn0->ifindex &&
			    (log_.r[j].type == TR_TDT || log_.r[j].type == TR_QUEUE_WAKE))
				break;
		cr_assert(j < log_.n && log_.r[j].type == TR_TDT,
			  "stop %zu: the queue stopped with descriptors written but TDT not "
			  "written (next: %s)", stops, j < log_.n ? "a wake" : "nothing");
	}
	cr_assert_geq(stops, 2, "%zu stops, expected the 16-slot ring to fill", stops);
	cr_assert_eq(st(sn0, "tx_packets"), 60, "tx_packets = %llu, expected 60",
		     (unsigned long long)st(sn0, "tx_packets"));
	check_clean(k);
}

Test(tx, xmit_win_follows_the_ring, .init = setup, .fini = teardown)
{
	setp(k, sn0, "bql", 0);
	setp(k, sn0, "tx_ring", 16);
	setp(k, sn0, "batching", TX_BATCH_BTX);
	cr_assert_eq(snap(sn0)->xmit_win, 15, "xmit_win = %d after open, expected the free space 15",
		     snap(sn0)->xmit_win);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_xmit_frames(sn0, &udp60, 40);
	cr_assert(snap(sn0)->queue_stopped,
		  "the queue runs after 40 frames into a 16-slot ring, expected it stopped");
	cr_assert_eq(snap(sn0)->xmit_win, 1, "xmit_win = %d when stopped, expected 1",
		     snap(sn0)->xmit_win);
	run_idle(k);
	/* after each wake the core may batch exactly the free space */
	size_t wake_free = 0, full = 0;

	for (size_t i = 0; i < log_.n; i++) {
		if (log_.r[i].type == TR_QUEUE_WAKE)
			wake_free = log_.r[i].a;
		if (log_.r[i].type != TR_BATCH)
			continue;
		cr_assert_leq(log_.r[i].a, 15, "a batch of %u on a 15-slot ring", log_.r[i].a);
		if (wake_free) {
			cr_assert_leq(log_.r[i].a, wake_free, "batch of %u after a wake with %zu free",
				      log_.r[i].a, wake_free);
			full += log_.r[i].a == wake_free;
			wake_free = 0;
		}
	}
	cr_assert_geq(full, 1, "no batch after a wake used the whole window");
	cr_assert_eq(st(sn0, "tx_packets"), 40, "tx_packets = %llu, expected 40",
		     (unsigned long long)st(sn0, "tx_packets"));
}

Test(tx, conservation_after_every_step, .init = setup, .fini = teardown)
{
	char err[256];
	struct pktgen_cfg c;

	setp(k, sn0, "tx_ring", 16);
	setp(k, sn1, "rx_ring", 16);
	pktgen_cfg_default(&c);
	c.count = 50;
	c.proto = IPPROTO_TCP;
	c.len = 400;
	cr_assert_eq(kit_pktgen(sn1, &c, err, sizeof(err)), 0, "%s", err);
	kit_xmit_frames(sn0, &udp60, 50);
	kit_ping(sn0, kit_ipv4(192, 168, 0, 2), 3, err, sizeof(err));
	for (int i = 0; i < 200000 && kit_step(k); i++) {
		char report[2048];
		int n = kit_check(k, report, sizeof(report));

		cr_assert_eq(n, 0, "step %d: %s", i, report);
	}
}

static void record_run(struct rec_log *l, struct kit_snap *s)
{
	struct kit *m = kit_new(7);
	struct net_device *d0 = kit_dev_by_name(m, "sn0");
	struct kit_pkt p = { .len = 200, .proto = IPPROTO_TCP };

	kit_trace_subscribe(m, rec_log_cb, l);
	kit_param_set(m, d0, kit_param_find("tx_ring"), 16, NULL, 0);
	kit_xmit_frames(d0, &p, 100);
	kit_run(m, 0, 0, NULL);
	kit_snapshot(m, s);
	kit_free(m);
}

Test(tx, deterministic)
{
	struct rec_log a = { 0 }, b = { 0 };
	struct kit_snap sa, sb;
	size_t d;

	record_run(&a, &sa);
	record_run(&b, &sb);
	cr_assert_gt(a.n, 500, "the run produced only %zu records", a.n);
	cr_assert_eq(a.n, b.n, "%zu records, then %zu", a.n, b.n);
	for (size_t i = 0; i < a.n; i++)
		cr_assert(!memcmp(&a.r[i], &b.r[i], sizeof(a.r[i])), "record %zu differs", i);
	cr_assert_eq(sa.now, sb.now, "the runs ended at %llu ns and %llu ns, expected the same",
		     (unsigned long long)sa.now, (unsigned long long)sb.now);
	d = first_diff(sa.cost_ns, sb.cost_ns, ARRAY_SIZE(sa.cost_ns));
	cr_assert(!memcmp(sa.cost_ns, sb.cost_ns, sizeof(sa.cost_ns)),
		  "cost %zu: %llu ns in the first run, %llu in the second, expected the same", d,
		  (unsigned long long)sa.cost_ns[d], (unsigned long long)sb.cost_ns[d]);
	free(a.r);
	free(b.r);
}

/* The TX-path costs a batch saves per packet: lock, call and doorbell, less
 * the per-packet hard_prep_xmit call btx adds. */
static double tx_path_ns_per_pkt(const char *mode_word, double *batch)
{
	struct kit_snap s;
	long mode;
	u64 ns;

	kit_param_parse_word(kit_param_find("batching"), mode_word, &mode);
	setp(k, sn0, "batching", mode);
	setp(k, NULL, "wire_peer", 0); /* the peer's RX doorbells would blur the count */
	setp(k, sn0, "bql", 0); /* the 2007 designs, as then: BQL would add completion rounds */
	for (int round = 0; round < 20; round++) {
		kit_netif_stop_queue(sn0);
		kit_xmit_frames(sn0, &udp60, 100);
		kit_netif_wake_queue(sn0);
		run_idle(k);
	}
	cr_assert_eq(st(sn0, "tx_packets"), 2000, "tx_packets = %llu, expected 2000",
		     (unsigned long long)st(sn0, "tx_packets"));
	kit_snapshot(k, &s);
	ns = s.cost_ns[COST_LOCK] + s.cost_ns[COST_CALL] + s.cost_ns[COST_MMIO_WRITE];
	*batch = st(sn0, "batches") ? (double)st(sn0, "batch_pkts") / (double)st(sn0, "batches") : 1;
	return (double)ns / 2000.0;
}

Test(tx, batching_saves_what_the_cost_model_predicts)
{
	double plain, batched, b, b1, predicted;
	double lock, call, mmio;

	setup();
	lock = (double)kit_param_get(k, NULL, (int)cost_id("lock"));
	call = (double)kit_param_get(k, NULL, (int)cost_id("call"));
	mmio = (double)kit_param_get(k, NULL, (int)cost_id("mmio_write"));
	plain = tx_path_ns_per_pkt("none", &b1);
	teardown();
	setup();
	batched = tx_path_ns_per_pkt("btx", &b);
	teardown();
	cr_assert_gt(b, 10, "average batch %.1f, expected large batches", b);
	predicted = (lock + call + mmio) * (1 - 1 / b) - call;
	cr_assert(plain - batched > predicted - 1 && plain - batched < predicted + 1,
		  "saved %.2f ns/packet, the cost model predicts %.2f (batch %.1f)", plain - batched,
		  predicted, b);
}

/* Memory does not grow with the packet count: the skb pool only grows with
 * what is in flight at once, and the trace is a fixed ring. */
static u64 pool_after(u64 packets)
{
	struct kit *m = kit_new(1);
	struct kit_pkt p = { .len = 60 };
	struct kit_snap s;
	u64 accounted;

	kit_set_hw_steps(m, false);
	kit_sender_start(kit_dev_by_name(m, "sn0"), &p, packets);
	kit_run(m, 0, 0, NULL);
	kit_snapshot(m, &s);
	accounted = s.skb_freed + s.skb_live[SKB_USER] + s.skb_live[SKB_DRIVER] +
		    s.skb_live[SKB_SOCKET] + s.skb_live[SKB_QDISC];
	cr_assert_eq(s.skb_allocated, accounted,
		     "accounting broke after %llu packets: %llu allocated, %llu freed or live",
		     (unsigned long long)packets, (unsigned long long)s.skb_allocated,
		     (unsigned long long)accounted);
	kit_free(m);
	return s.skb_pool;
}

Test(tx, memory_does_not_grow_with_packets)
{
	u64 small = pool_after(20000), big = pool_after(400000);

	cr_assert_eq(small, big, "the pool holds %llu skbs after 20k packets, %llu after 400k",
		     (unsigned long long)small, (unsigned long long)big);
}
