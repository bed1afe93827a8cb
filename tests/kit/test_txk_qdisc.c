/* test_txk_qdisc.c - dev_queue_xmit's ways and qdisc_run's loop against the general path. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "kit.h"
#include "hw/nic_hw.h"
#include "helpers.h"

TestSuite(txk_qdisc, .timeout = 60);

/* A machine with sn0 in *d: kind 0 and 1 without a timeline, 2 with one. */
static struct kit *machine(int kind, struct net_device **d)
{
	struct kit *m = kit_new(1);

	cr_assert_not_null(m, "kit_new(1) returned NULL, expected a machine");
	*d = kit_dev_by_name(m, "sn0");
	if (kind < 2)
		tl_stop(m);
	return m;
}

/*
 * dev_queue_xmit's common packet on a machine with neither a timeline nor a
 * trace (a bench's, an experiment's) is checked before any charge and
 * charged once (five costs, one catch-up before the driver runs). Three
 * machines send the same: one without either (that path), one with a trace
 * (run_alone with the charges apart) and one with a timeline too (the
 * qdisc's list every time). Frames one at a time into an idle ring, runs
 * past the ring's end (the driver stops the queue, the qdisc fills and
 * drains), 1514-byte frames (BQL stops the queue), a hard_start_xmit that
 * answers NETDEV_TX_BUSY now and then, one that sends a frame of its own
 * now and then, a qdisc of no room and one of batching: the clock, the CPU
 * time of each context, every cost's time and count, every counter of both
 * devices and of the core must agree, and what the receiver saw.
 */
static int (*alone_real_xmit)(struct sk_buff *skb, struct net_device *dev);
static int (*alone_inner)(struct sk_buff *skb, struct net_device *dev);
static unsigned int alone_calls;
static u64 alone_seen; /* what each call found of the hardware and the clock */

/* Every call looks at the hardware as the driver would find it (caught up
 * to now before the call) and at the clock, then calls alone_inner. */
static int alone_observe(struct sk_buff *skb, struct net_device *dev)
{
	struct nic *hw = dev->nic;

	alone_seen = (alone_seen ^ hw->tdh ^ hw->tx_frames << 16 ^ dev->kit->now << 32) *
		     0x100000001b3ULL;
	return alone_inner(skb, dev);
}

static int alone_sometimes_busy(struct sk_buff *skb, struct net_device *dev)
{
	if (++alone_calls % 7 == 3)
		return NETDEV_TX_BUSY;
	return alone_real_xmit(skb, dev);
}

static int alone_sometimes_sends_more(struct sk_buff *skb, struct net_device *dev)
{
	const struct kit_pkt udp = { .len = 60, .proto = IPPROTO_UDP, .flow = 9 };

	if (++alone_calls % 5 == 2)
		kit_xmit_frames(dev, &udp, 1);
	return alone_real_xmit(skb, dev);
}

static void one_at_a_time(struct kit *m, struct net_device *d, const struct kit_pkt *p, int n)
{
	for (int i = 0; i < n; i++) {
		kit_xmit_frames(d, p, 1);
		run_idle(m);
	}
}

static u64 seen[3];

static struct kit *send_every_way(int kind)
{
	const struct kit_pkt udp = { .len = 60, .proto = IPPROTO_UDP, .flow = 1 };
	const struct kit_pkt big = { .len = 1514, .proto = IPPROTO_UDP, .flow = 2 };
	const struct kit_pkt tcp = { .len = 100, .proto = IPPROTO_TCP, .flow = 3 };
	struct net_device *d;
	struct kit *m = machine(kind, &d);
	if (kind == 0)
		trace_stop(m);
	cr_assert_eq(m->timeline == NULL && m->trace == NULL, kind == 0, "machine %d", kind);
	setp(m, d, "tx_ring", 64);
	alone_real_xmit = alone_inner = d->hard_start_xmit;
	d->hard_start_xmit = alone_observe;
	alone_seen = 0;
	one_at_a_time(m, d, &udp, 20);
	one_at_a_time(m, d, &tcp, 5);
	kit_xmit_frames(d, &udp, 300); /* past the ring: stopped, queued, drained */
	run_idle(m);
	kit_xmit_frames(d, &big, 200); /* BQL's limit stops the queue too */
	run_idle(m);
	alone_calls = 0;
	alone_inner = alone_sometimes_busy;
	one_at_a_time(m, d, &udp, 20);
	kit_xmit_frames(d, &udp, 100);
	run_idle(m);
	alone_calls = 0;
	alone_inner = alone_sometimes_sends_more;
	one_at_a_time(m, d, &udp, 20);
	kit_xmit_frames(d, &udp, 50);
	run_idle(m);
	alone_inner = alone_real_xmit;
	setp(m, d, "tx_queue_len", 0); /* no room: every packet dropped */
	one_at_a_time(m, d, &udp, 3);
	setp(m, d, "tx_queue_len", 1000);
	setp(m, d, "batching", TX_BATCH_XMIT_MORE);
	one_at_a_time(m, d, &udp, 5);
	kit_xmit_frames(d, &udp, 40);
	run_idle(m);
	setp(m, d, "batching", TX_BATCH_NONE);
	one_at_a_time(m, d, &udp, 5);
	d->hard_start_xmit = alone_real_xmit;
	seen[kind] = alone_seen;
	return m;
}

/* Every rule's count on machine i (b) as on machine 0 (a, the "how" one). */
static void rules_agree(struct kit *a, struct kit *b, int i, const char *how)
{
	for (int r = 0; r < RULE_NR; r++)
		cr_assert_eq(kit_rule_count(a, (enum kit_rule)r), kit_rule_count(b, (enum kit_rule)r),
			     "rule %d: %llu warnings %s, %llu on machine %d", r,
			     (unsigned long long)kit_rule_count(a, (enum kit_rule)r), how,
			     (unsigned long long)kit_rule_count(b, (enum kit_rule)r), i);
}

/* Every cost's time and count on machine i (b) as on machine 0 (a, the "how" one). */
static void costs_agree(const struct kit *a, const struct kit *b, int i, const char *how)
{
	for (int c = 0; c < COST_NR; c++)
		cr_assert(a->cost_ns[c] == b->cost_ns[c] && a->cost_count[c] == b->cost_count[c],
			  "cost %d: %llu ns in %llu %s, %llu ns in %llu on machine %d", c,
			  (unsigned long long)a->cost_ns[c], (unsigned long long)a->cost_count[c], how,
			  (unsigned long long)b->cost_ns[c], (unsigned long long)b->cost_count[c], i);
}

Test(txk_qdisc, a_packet_alone_untraced_as_traced_and_as_the_qdisc_would)
{
	struct kit *m[3];

	for (int i = 0; i < 3; i++)
		m[i] = send_every_way(i);
	for (int i = 1; i < 3; i++) {
		struct net_device *a = kit_dev_by_name(m[0], "sn0"), *b = kit_dev_by_name(m[i], "sn0");

		cr_assert_eq(seen[0], seen[i], "the driver's calls found the hardware and the clock "
			     "otherwise untraced (%016llx) than on machine %d (%016llx)",
			     (unsigned long long)seen[0], i, (unsigned long long)seen[i]);
		cr_assert_eq(m[0]->now, m[i]->now, "ended at %llu ns untraced, %llu on machine %d",
			     (unsigned long long)m[0]->now, (unsigned long long)m[i]->now, i);
		cpu_ns_sync(m[0]);
		cpu_ns_sync(m[i]);
		for (int c = 0; c < CTX_NR; c++)
			cr_assert_eq(m[0]->cpu.ns[c], m[i]->cpu.ns[c],
				     "context %d: %llu CPU ns untraced, %llu on machine %d", c,
				     (unsigned long long)m[0]->cpu.ns[c],
				     (unsigned long long)m[i]->cpu.ns[c], i);
		costs_agree(m[0], m[i], i, "untraced");
		for (int dv = 0; dv < kit_dev_count(m[0]); dv++)
			for (int s = 0; s < kit_stat_count(); s++)
				cr_assert_eq(kit_dev_stat(kit_dev_at(m[0], dv), s),
					     kit_dev_stat(kit_dev_at(m[i], dv), s),
					     "dev %d %s: %llu untraced, %llu on machine %d", dv,
					     kit_stat_at(s)->name,
					     (unsigned long long)kit_dev_stat(kit_dev_at(m[0], dv), s),
					     (unsigned long long)kit_dev_stat(kit_dev_at(m[i], dv), s), i);
		cr_assert(memcmp(&a->core, &b->core, sizeof(a->core)) == 0,
			  "the core's counters differ (xmit calls %llu and %llu, requeues %llu and %llu, "
			  "qdisc drops %llu and %llu)", (unsigned long long)a->core.xmit_calls,
			  (unsigned long long)b->core.xmit_calls, (unsigned long long)a->core.requeues,
			  (unsigned long long)b->core.requeues, (unsigned long long)a->core.qdisc_drops,
			  (unsigned long long)b->core.qdisc_drops);
		rules_agree(m[0], m[i], i, "untraced");
		cr_assert_gt(kit_rule_count(m[0], RULE_TX_BUSY), 0, "no NETDEV_TX_BUSY warning");
		cr_assert_gt(a->core.requeues, 0, "no BUSY requeue was made");
		cr_assert_gt(a->core.qdisc_drops, 0, "no packet dropped for want of room");
		cr_assert_eq(a->trans_start, b->trans_start, "trans_start %lu untraced, %lu on %d",
			     a->trans_start, b->trans_start, i);
		cr_assert_eq(kit_flow_count(m[0]), kit_flow_count(m[i]), "%d flows, %d on %d",
			     kit_flow_count(m[0]), kit_flow_count(m[i]), i);
		for (int f = 0; f < kit_flow_count(m[0]); f++) {
			struct kit_flow_stat x, y;

			cr_assert_eq(kit_flow_at(m[0], f, &x), 0, "no flow %d", f);
			cr_assert_eq(kit_flow_at(m[i], f, &y), 0, "no flow %d on %d", f, i);
			cr_assert(x.packets == y.packets && x.bytes == y.bytes && x.errors == y.errors,
				  "flow %d: %llu packets %llu bytes %llu errors, on %d %llu %llu %llu", f,
				  (unsigned long long)x.packets, (unsigned long long)x.bytes,
				  (unsigned long long)x.errors, i, (unsigned long long)y.packets,
				  (unsigned long long)y.bytes, (unsigned long long)y.errors);
		}
	}
	for (int i = 0; i < 3; i++)
		kit_free(m[i]);
}

/*
 * dev_queue_xmit where the general path would only enqueue goes to
 * enqueue_only: on a qdisc that is running already (held, as the sender of
 * the batching scenarios holds it) and, without batching or a timeline, on
 * a stopped queue. Three machines stop sn0's queue and send 30 frames into
 * a qdisc of 20 (20 queued, 10 dropped), then wake it: one with the qdisc
 * held as well (q->running), one without a timeline (the stopped queue's
 * way) and one with a timeline (the general path: the enqueue, and a run
 * that finds the queue stopped). Every record, the time, every cost and
 * counter must agree, before and after the wake.
 */
static struct kit *enqueue_way(int kind, struct rec_log *l)
{
	const struct kit_pkt udp = { .len = 60, .proto = IPPROTO_UDP, .flow = 1 };
	struct net_device *d;
	struct kit *m = machine(kind, &d);
	kit_trace_subscribe(m, rec_log_cb, l);
	setp(m, d, "tx_queue_len", 20);
	for (int round = 0; round < 3; round++) {
		kit_xmit_frames(d, &udp, 5); /* the ring has frames in flight */
		kit_netif_stop_queue(d);
		if (kind == 0)
			d->qdisc->running = true;
		kit_xmit_frames(d, &udp, 30);
		cr_assert_eq(skb_queue_len(&d->qdisc->q), 20, "machine %d: %u queued, expected 20",
			     kind, skb_queue_len(&d->qdisc->q));
		if (kind == 0)
			d->qdisc->running = false;
		kit_netif_wake_queue(d);
		run_idle(m);
		setp(m, d, "batching", round == 1 ? TX_BATCH_XMIT_MORE : TX_BATCH_NONE);
	}
	kit_trace_subscribe(m, NULL, NULL);
	return m;
}

Test(txk_qdisc, an_enqueue_alone_as_the_general_path)
{
	struct kit *m[3];
	struct rec_log l[3];

	memset(l, 0, sizeof(l));
	for (int i = 0; i < 3; i++)
		m[i] = enqueue_way(i, &l[i]);
	cr_assert_geq(kit_dev_by_name(m[0], "sn0")->core.qdisc_drops, 30, "%llu drops, expected 30 or more",
		     (unsigned long long)kit_dev_by_name(m[0], "sn0")->core.qdisc_drops);
	for (int i = 1; i < 3; i++) {
		struct net_device *a = kit_dev_by_name(m[0], "sn0"), *b = kit_dev_by_name(m[i], "sn0");

		cr_assert_eq(l[0].n, l[i].n, "%zu records held, %zu on machine %d", l[0].n, l[i].n, i);
		for (size_t r = 0; r < l[0].n; r++) {
			const struct trace_rec *x = &l[0].r[r], *y = &l[i].r[r];

			cr_assert(memcmp(x, y, sizeof(*x)) == 0,
				  "record %zu: type %u at %llu (%u %u %u %u) held, on machine %d type "
				  "%u at %llu (%u %u %u %u)", r, x->type, (unsigned long long)x->t,
				  x->a, x->b, x->c, x->d, i, y->type, (unsigned long long)y->t, y->a,
				  y->b, y->c, y->d);
		}
		cr_assert_eq(m[0]->now, m[i]->now, "ended at %llu ns held, %llu on machine %d",
			     (unsigned long long)m[0]->now, (unsigned long long)m[i]->now, i);
		costs_agree(m[0], m[i], i, "held");
		for (int s = 0; s < kit_stat_count(); s++)
			cr_assert_eq(kit_dev_stat(a, s), kit_dev_stat(b, s),
				     "%s: %llu held, %llu on machine %d", kit_stat_at(s)->name,
				     (unsigned long long)kit_dev_stat(a, s),
				     (unsigned long long)kit_dev_stat(b, s), i);
		rules_agree(m[0], m[i], i, "held");
		cr_assert(memcmp(&a->core, &b->core, sizeof(a->core)) == 0,
			  "the core's counters differ (qdisc drops %llu and %llu)",
			  (unsigned long long)a->core.qdisc_drops, (unsigned long long)b->core.qdisc_drops);
	}
	for (int i = 0; i < 3; i++) {
		kit_free(m[i]);
		free(l[i].r);
	}
}

/*
 * qdisc_run's loop picks its batching mode once per run (run_loop): without
 * batching every turn is restart_single, otherwise restart's own choice. A
 * machine sends a queue's worth in each mode in turn (the mode changed
 * between runs, as the client changes it): each run must hand the packets
 * over as its own mode does, one dequeue record of one skb each without
 * batching, bulk trains with xmit_more, prepared batches with btx, and
 * lists with skb_blist, and every packet must reach the wire.
 */
Test(txk_qdisc, each_run_of_the_qdisc_in_its_own_batching_mode)
{
	static const int modes[] = { TX_BATCH_NONE, TX_BATCH_XMIT_MORE, TX_BATCH_BTX,
				     TX_BATCH_SKB_BLIST, TX_BATCH_NONE, TX_BATCH_BTX, TX_BATCH_NONE };
	const struct kit_pkt udp = { .len = 60, .proto = IPPROTO_UDP, .flow = 1 };
	struct net_device *d;
	struct kit *m = machine(1, &d);
	struct rec_log l;
	u64 sent = 0;

	memset(&l, 0, sizeof(l));
	kit_trace_subscribe(m, rec_log_cb, &l);
	setp(m, d, "tx_ring", 256);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		size_t from = l.n, deq1 = 0, deqn = 0, bulk = 0, batch = 0;
		u64 frames0 = kit_dev_stat(d, kit_stat_find("hw_tx_frames"));

		setp(m, d, "batching", modes[i]);
		kit_netif_stop_queue(d);
		kit_xmit_frames(d, &udp, 40);
		kit_netif_wake_queue(d);
		run_idle(m);
		for (size_t r = from; r < l.n; r++) {
			const struct trace_rec *t = &l.r[r];

			if (t->type == TR_QDISC_DEQ && t->b == 1)
				deq1++;
			else if (t->type == TR_QDISC_DEQ)
				deqn++;
			bulk += t->type == TR_QDISC_BULK;
			batch += t->type == TR_BATCH;
		}
		sent = kit_dev_stat(d, kit_stat_find("hw_tx_frames")) - frames0;
		cr_assert_eq(sent, 40, "mode %d: %llu frames sent, expected 40", modes[i],
			     (unsigned long long)sent);
		switch (modes[i]) {
		case TX_BATCH_NONE:
			cr_assert(deq1 == 40 && deqn == 0 && bulk == 0 && batch == 0,
				  "no batching: %zu single dequeues (expected 40), %zu of more, %zu bulk, "
				  "%zu batches", deq1, deqn, bulk, batch);
			break;
		case TX_BATCH_XMIT_MORE:
			cr_assert(bulk > 0 && bulk < 40 && deq1 + deqn == 0,
				  "xmit_more: %zu bulk dequeues, %zu others", bulk, deq1 + deqn);
			break;
		case TX_BATCH_BTX:
			cr_assert(batch > 0 && deqn > 0 && bulk == 0,
				  "btx: %zu batches, %zu list fills, %zu bulk", batch, deqn, bulk);
			break;
		default:
			cr_assert(deqn > 0 && batch == 0 && bulk == 0,
				  "skb_blist: %zu list fills, %zu batches, %zu bulk", deqn, batch, bulk);
			break;
		}
	}
	kit_trace_subscribe(m, NULL, NULL);
	kit_free(m);
	free(l.r);
}
