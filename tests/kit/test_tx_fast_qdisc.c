/* test_tx_fast_qdisc.c - the qdisc's shortcuts on a machine without a timeline send as the general path. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(tx_fast_qdisc, .timeout = 60);

/*
 * dev_queue_xmit without a timeline (a bench's or an experiment's machine)
 * skips the qdisc's list for a packet that an empty, idle qdisc would hand
 * on at once (run_alone) and skips run() on a stopped queue; a machine with
 * a timeline takes the general path. Both machines below send the same
 * frames: into an idle ring (every packet alone), past the ring's end (the
 * driver stops the queue, the qdisc fills and drains), and through a
 * hard_start_xmit that answers NETDEV_TX_BUSY now and then (the requeue),
 * and through one that sends a frame of its own now and then (the run goes
 * on past the packet it was handed). Every trace record, the time, the
 * counters and the qdisc must agree.
 */
static int (*real_xmit)(struct sk_buff *skb, struct net_device *dev);
static unsigned int busy_calls;

static int sometimes_busy(struct sk_buff *skb, struct net_device *dev)
{
	if (++busy_calls % 7 == 3)
		return NETDEV_TX_BUSY;
	return real_xmit(skb, dev);
}

/* The driver's xmit sends another frame itself now and then (a nested
 * dev_queue_xmit, as the stack answering from within a driver call): it
 * finds the qdisc running and queues, so the run that called the driver
 * goes on with the rest of its loop. */
static unsigned int nested_calls;

static int sometimes_sends_more(struct sk_buff *skb, struct net_device *dev)
{
	const struct kit_pkt udp = { .len = 60, .proto = IPPROTO_UDP };

	if (++nested_calls % 5 == 2)
		kit_xmit_frames(dev, &udp, 1);
	return real_xmit(skb, dev);
}

static void send_three_ways(struct kit *m, struct rec_log *l, bool timeline)
{
	const struct kit_pkt udp = { .len = 60, .proto = IPPROTO_UDP };
	struct net_device *d = kit_dev_by_name(m, "sn0");

	if (!timeline)
		tl_stop(m);
	kit_trace_subscribe(m, rec_log_cb, l);
	setp(m, d, "tx_ring", 64);
	for (int i = 0; i < 20; i++) { /* one at a time, the ring never fills */
		kit_xmit_frames(d, &udp, 1);
		run_idle(m);
	}
	kit_xmit_frames(d, &udp, 300); /* past the ring: stopped, queued, drained */
	run_idle(m);
	real_xmit = d->hard_start_xmit;
	busy_calls = 0;
	d->hard_start_xmit = sometimes_busy;
	for (int i = 0; i < 20; i++) {
		kit_xmit_frames(d, &udp, 1);
		run_idle(m);
	}
	kit_xmit_frames(d, &udp, 100);
	run_idle(m);
	nested_calls = 0;
	d->hard_start_xmit = sometimes_sends_more;
	for (int i = 0; i < 20; i++) {
		kit_xmit_frames(d, &udp, 1);
		run_idle(m);
	}
	d->hard_start_xmit = real_xmit;
	kit_trace_subscribe(m, NULL, NULL);
}

Test(tx_fast_qdisc, a_packet_alone_and_a_stopped_queue_as_the_qdisc_would)
{
	struct kit *m[2] = { kit_new(1), kit_new(1) };
	struct rec_log l[2];
	struct net_device *d[2];

	memset(l, 0, sizeof(l));
	for (int i = 0; i < 2; i++) {
		cr_assert_not_null(m[i], "kit_new(1) returned NULL, expected a machine");
		send_three_ways(m[i], &l[i], i == 1);
		d[i] = kit_dev_by_name(m[i], "sn0");
	}
	cr_assert_null(m[0]->timeline, "the fast machine has a timeline");
	cr_assert_not_null(m[1]->timeline, "the general machine has no timeline");
	cr_assert_gt(d[0]->core.requeues, 0, "no BUSY requeue was made");
	cr_assert_eq(kit_dev_stat(d[0], kit_stat_find("hw_tx_frames")), 20 + 300 + 20 + 100 + 20 + 5,
		     "%llu frames sent, expected 465 (the driver's own 5 among them)",
		     (unsigned long long)kit_dev_stat(d[0], kit_stat_find("hw_tx_frames")));
	cr_assert_eq(l[0].n, l[1].n, "%zu trace records without a timeline, %zu with", l[0].n,
		     l[1].n);
	for (size_t i = 0; i < l[0].n; i++) {
		const struct trace_rec *a = &l[0].r[i], *b = &l[1].r[i];

		cr_assert(a->t == b->t && a->type == b->type && a->dev == b->dev &&
				  a->ctx == b->ctx && a->a == b->a && a->b == b->b && a->c == b->c &&
				  a->d == b->d,
			  "record %zu: type %u at %llu (%u %u %u %u) without a timeline, type %u at "
			  "%llu (%u %u %u %u) with",
			  i, a->type, (unsigned long long)a->t, a->a, a->b, a->c, a->d, b->type,
			  (unsigned long long)b->t, b->a, b->b, b->c, b->d);
	}
	cr_assert_eq(m[0]->now, m[1]->now, "ended at %llu ns without a timeline, %llu with",
		     (unsigned long long)m[0]->now, (unsigned long long)m[1]->now);
	for (int s = 0; s < kit_stat_count(); s++)
		cr_assert_eq(kit_dev_stat(d[0], s), kit_dev_stat(d[1], s),
			     "%s: %llu without a timeline, %llu with", kit_stat_at(s)->name,
			     (unsigned long long)kit_dev_stat(d[0], s),
			     (unsigned long long)kit_dev_stat(d[1], s));
	cr_assert(memcmp(&d[0]->core, &d[1]->core, sizeof(d[0]->core)) == 0,
		  "the core's counters differ (xmit calls %llu and %llu, requeues %llu and %llu)",
		  (unsigned long long)d[0]->core.xmit_calls, (unsigned long long)d[1]->core.xmit_calls,
		  (unsigned long long)d[0]->core.requeues, (unsigned long long)d[1]->core.requeues);
	cr_assert_eq(skb_queue_len(&d[0]->qdisc->q), 0, "packets left in the qdisc");
	cr_assert(!d[0]->qdisc->running && !d[1]->qdisc->running, "a qdisc left running");
	for (int i = 0; i < 2; i++) {
		kit_free(m[i]);
		free(l[i].r);
	}
}

/*
 * restart_bulk finds the skbs of a train in place and moves them to its
 * bulk list as one run. Against the skb-by-skb rule (the first, then more
 * while the budget qdisc_avail_bulklimit() - the lengths so far stays above
 * 0), for budgets from none to all and a driver answering BUSY at the first,
 * the third or no call: the skbs handed over, in order, with xmit_more on all
 * but the train's last, and the qdisc after, linked both ways, in order.
 */
static struct kit *bulk_k;
static u32 bulk_ids[16], bulk_more[16];
static int bulk_calls, bulk_busy_at;

static int bulk_recorder(struct sk_buff *skb, struct net_device *dev)
{
	(void)dev;
	if (bulk_calls == bulk_busy_at) {
		bulk_calls++;
		return NETDEV_TX_BUSY;
	}
	bulk_ids[bulk_calls] = skb->kit_id;
	bulk_more[bulk_calls++] = bulk_k->sd.xmit_more;
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

Test(tx_fast_qdisc, a_bulk_dequeue_takes_what_the_skb_by_skb_rule_takes, .init = setup,
     .fini = teardown)
{
	static const unsigned int lens[] = { 60, 100, 60, 1500, 60, 300 };
	static const int avails[] = { 0, 1, 59, 60, 61, 160, 161, 221, 1800, 100000 };
	static const int busy[] = { -1, 0, 2 };
	const int n = (int)(sizeof(lens) / sizeof(lens[0]));
	struct Qdisc *q = sn0->qdisc;
	int (*real)(struct sk_buff *, struct net_device *) = sn0->hard_start_xmit;

	kit_enter(k);
	setp(k, sn0, "batching", TX_BATCH_XMIT_MORE);
	bulk_k = k;
	sn0->hard_start_xmit = bulk_recorder;
	for (size_t a = 0; a < sizeof(avails) / sizeof(avails[0]); a++) {
		for (size_t b = 0; b < sizeof(busy) / sizeof(busy[0]); b++) {
			u32 ids[16];
			int take = 1, sent, expect;
			int bytelimit = avails[a] - (int)lens[0];
			struct sk_buff *p;

			for (int i = 0; i < n; i++) {
				struct sk_buff *skb = __netdev_alloc_skb(sn0, lens[i], "test", __LINE__);

				cr_assert_not_null(skb, "no skb");
				skb_put(skb, lens[i]);
				skb_set_place(skb, SKB_QDISC);
				__skb_queue_tail(&q->q, skb);
				ids[i] = skb->kit_id;
			}
			while (bytelimit > 0 && take < n)
				bytelimit -= (int)lens[take++];
			sn0->tx_queue.dql.adj_limit = sn0->tx_queue.dql.num_queued + (unsigned)avails[a];
			cr_assert_eq(qdisc_avail_bulklimit(&sn0->tx_queue), avails[a], "budget %d, expected %d",
				     qdisc_avail_bulklimit(&sn0->tx_queue), avails[a]);
			bulk_calls = 0;
			bulk_busy_at = busy[b];
			sent = qdisc_restart(sn0);
			expect = busy[b] >= 0 && busy[b] < take ? busy[b] : take;
			cr_assert_eq(sent, expect, "budget %d, BUSY at %d: %d sent, expected %d", avails[a],
				     busy[b], sent, expect);
			for (int i = 0; i < sent; i++) {
				cr_assert_eq(bulk_ids[i], ids[i], "budget %d: call %d had skb#%u, expected #%u",
					     avails[a], i, bulk_ids[i], ids[i]);
				cr_assert_eq(bulk_more[i], i < take - 1, "budget %d: skb %d of %d, xmit_more %u",
					     avails[a], i, take, bulk_more[i]);
			}
			cr_assert_eq(skb_queue_len(&q->q), (u32)(n - sent), "qdisc holds %u, expected %d",
				     skb_queue_len(&q->q), n - sent);
			p = (struct sk_buff *)&q->q;
			for (int i = sent; i < n; i++) {
				cr_assert_eq(p->next->prev, p, "budget %d: a broken back link", avails[a]);
				p = p->next;
				cr_assert_eq(p->kit_id, ids[i], "budget %d: qdisc has skb#%u at %d, expected #%u",
					     avails[a], p->kit_id, i - sent, ids[i]);
			}
			cr_assert_eq(p->next, (struct sk_buff *)&q->q, "the qdisc's list does not close");
			cr_assert_eq(q->q.prev, p, "the qdisc's tail is not its last skb");
			while ((p = __skb_dequeue(&q->q)) != NULL)
				kfree_skb(p);
		}
	}
	sn0->hard_start_xmit = real;
}
