/* qdisc.c - the pfifo qdisc, qdisc_run and the three batching designs. */
#include <stdlib.h>

#include "core/qdisc.h"

/*
 * dev_queue_xmit (qdisc_xmit.c) enqueues into a pfifo of tx_queue_len packets (tail drop,
 * counted in the qdisc's drops as qdisc_drop does) and runs the qdisc: while
 * the queue is running, qdisc_restart dequeues and hands packets to the
 * driver, at most dev_tx_weight per run; what is left waits for
 * NET_TX_SOFTIRQ. While the queue is stopped, by the driver or by BQL
 * (netif_xmit_stopped), nothing is dequeued (TCQ_F_ONETXQUEUE), so packets
 * wait in order in the qdisc.
 *
 * How qdisc_restart hands packets over depends on dev->batch_mode:
 *   none       (2.6.20) one skb, one hard_start_xmit, TX lock per packet;
 *   btx        (2007, Hadi Salim) hard_prep_xmit on each skb outside the
 *              lock, then dev->blist filled up to xmit_win and one
 *              hard_batch_xmit under one lock;
 *   skb_blist  (2007, Kumar) dev->skb_blist filled up to xmit_win and one
 *              hard_start_xmit(NULL, dev);
 *   xmit_more  (3.18+) dequeue_skb's bulk dequeue: behind the first skb,
 *              more while BQL's byte budget (dql_avail) lasts, all passed
 *              under one TX lock, one call each, netdev_xmit_more() true
 *              for all but the last (dev_hard_start_xmit). Without BQL the
 *              budget is 0: every skb goes alone.
 * NETDEV_TX_BUSY puts the packet back at the head (requeue) and reschedules
 * the qdisc, as 2.6.20 did; the kit counts it and warns, because a driver
 * that stops its queue in time never returns it.
 */

int qdisc_create(struct net_device *dev)
{
	struct Qdisc *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	skb_queue_head_init(&q->q);
	dev->qdisc = q;
	return 0;
}

void qdisc_destroy(struct net_device *dev)
{
	if (!dev->qdisc)
		return;
	skb_queue_purge(&dev->qdisc->q);
	free(dev->qdisc);
	dev->qdisc = NULL;
}

bool netdev_xmit_more(void)
{
	return kit_current && kit_current->sd.xmit_more;
}

void qdisc_requeue(struct net_device *dev, struct sk_buff *skb)
{
	skb_set_place(skb, SKB_QDISC);
	__skb_queue_head(&dev->qdisc->q, skb);
	dev->core.requeues++;
	TRACE(dev->kit, TR_REQUEUE, dev, skb->kit_id, 0, 0, 0);
}

/* Put what is left on a batch list back at the head of the qdisc, in order. */
static void requeue_list(struct net_device *dev, struct sk_buff_head *list)
{
	struct sk_buff *skb;

	while ((skb = list->prev) != (struct sk_buff *)list) {
		__skb_unlink(skb, list);
		qdisc_requeue(dev, skb);
	}
}

/* A hard_start_xmit call as the core makes it (qdisc.h's xmit_one). */
int dev_xmit_one(struct net_device *dev, struct sk_buff *skb, bool more)
{
	return xmit_one(dev, skb, more, XC_CALL, false);
}

/* quiet, here and below: xmit_quiet held at the run's start (qdisc.h) */
static inline __attribute__((always_inline)) int restart_single(struct net_device *dev,
								bool quiet)
{
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;
	/* __skb_dequeue of a queue that holds packets (the callers looked) */
	struct sk_buff *skb = q->q.next;

	__skb_unlink(skb, &q->q);
	QTRACE(quiet, k, TR_QDISC_DEQ, dev, skb->kit_id, 1, skb_queue_len(&q->q), 0);
	if (xmit_skb(dev, skb, false, XC_LOCK, quiet) == NETDEV_TX_BUSY) { /* HARD_TX_LOCK, the call */
		qdisc_requeue(dev, skb);
		return 0;
	}
	return 1;
}

/*
 * dequeue_skb + try_bulk_dequeue_skb (sch_generic.c, 3.18+), then
 * dev_hard_start_xmit: the first skb, and behind it more while the byte
 * budget qdisc_avail_bulklimit() - first->len stays above 0. The driver
 * stopping its queue mid-train ends it; the rest goes back to the qdisc.
 */
static inline __attribute__((always_inline)) int restart_bulk_as(struct net_device *dev,
								 bool quiet)
{
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;
	struct sk_buff_head bulk;
	struct sk_buff *head = (struct sk_buff *)&q->q, *first = q->q.next, *last = first, *skb;
	int avail = qdisc_avail_bulklimit(&dev->tx_queue);
	int bytelimit = avail - (int)first->len, sent = 0;
	u32 n = 1;

	/* the skbs a dequeue into bulk would take while bytelimit > 0, found in
	 * place and moved as one run: the lists come out as the skb-by-skb
	 * moves leave them */
	for (skb = first->next; bytelimit > 0 && skb != head; skb = skb->next) {
		bytelimit -= (int)skb->len;
		last = skb;
		n++;
	}
	SKB_LINKS(head)->next = skb;
	SKB_LINKS(skb)->prev = head;
	q->q.qlen -= n;
	bulk.next = first;
	bulk.prev = last;
	bulk.qlen = n;
	first->prev = (struct sk_buff *)&bulk;
	last->next = (struct sk_buff *)&bulk;
	QTRACE(quiet, k, TR_QDISC_BULK, dev, skb_peek(&bulk)->kit_id, skb_queue_len(&bulk),
	       skb_queue_len(&q->q), (u32)avail);
	sim_charge(k, COST_LOCK); /* one HARD_TX_LOCK for the whole bulk */
	while (!skb_queue_empty(&bulk)) { /* __skb_dequeue, its empty test made once */
		skb = bulk.next;
		__skb_unlink(skb, &bulk);
		if (xmit_skb(dev, skb, !skb_queue_empty(&bulk), XC_CALL, quiet) == NETDEV_TX_BUSY) {
			__skb_queue_head(&bulk, skb);
			break;
		}
		sent++;
		/* stopped by the driver with skbs left: NETDEV_TX_BUSY for the rest */
		if (netif_tx_queue_stopped(&dev->tx_queue))
			break;
	}
	requeue_list(dev, &bulk);
	return sent;
}

static __attribute__((noinline)) int restart_bulk(struct net_device *dev)
{
	return restart_bulk_as(dev, false);
}

static __attribute__((noinline)) int restart_bulk_quiet(struct net_device *dev)
{
	return restart_bulk_as(dev, true);
}

/* Fill a batch list from the qdisc up to xmit_win (the core's part), made
 * four times below: with prep and quiet constants, each turn tests only what
 * can change. */
static inline __attribute__((always_inline)) unsigned int
fill_batch(struct net_device *dev, struct sk_buff_head *list, bool prep, bool quiet)
{
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;
	unsigned int win = dev->xmit_win > 0 ? (unsigned int)dev->xmit_win : 1;
	struct sk_buff *skb;
	u32 first = 0, n = 0;

	/* __skb_dequeue while the list has room, its empty test made once */
	while (skb_queue_len(list) < win && !skb_queue_empty(&q->q)) {
		u32 id;

		skb = q->q.next;
		__skb_unlink(skb, &q->q);
		id = skb->kit_id;
		if (prep && dev->hard_prep_xmit) {
			int rc;

			sim_charge(k, COST_CALL);
			skb_to_driver(skb, dev, "hard_prep_xmit");
			struct drvcall dc = driver_enter_as(k, dev, "hard_prep_xmit", quiet);
			rc = dev->hard_prep_xmit(skb, dev);
			driver_leave_as(k, dc, quiet);
			QTRACE(quiet, k, TR_PREP, dev, id, (u32)rc, 0, 0);
			if (rc != NETDEV_TX_OK) {
				/* the driver dropped it (skb_padto freed it): count, never touch */
				dev->stats.tx_dropped++;
				continue;
			}
		}
		skb_set_place(skb, SKB_BLIST);
		__skb_queue_tail(list, skb);
		if (!n++)
			first = id;
	}
	if (n)
		QTRACE(quiet, k, TR_QDISC_DEQ, dev, first, n, skb_queue_len(&q->q), 0);
	return skb_queue_len(list);
}

unsigned int qdisc_fill_batch(struct net_device *dev, struct sk_buff_head *list, bool prep)
{
	if (xmit_quiet(dev->kit))
		return prep ? fill_batch(dev, list, true, true) : fill_batch(dev, list, false, true);
	return prep ? fill_batch(dev, list, true, false) : fill_batch(dev, list, false, false);
}

/* Hand a filled batch list to the driver; requeue what it did not take. */
int qdisc_send_batch(struct net_device *dev, struct sk_buff_head *list)
{
	struct kit *k = dev->kit;
	u32 before = skb_queue_len(list), sent;
	int rc;

	if (!before)
		return 0;
	for (struct sk_buff *skb = list->next; skb != (struct sk_buff *)list; skb = skb->next)
		skb_to_driver(skb, dev, dev->batch_mode == TX_BATCH_BTX ? "hard_batch_xmit" :
								       "hard_start_xmit");
	sim_charge(k, COST_LOCK);
	if (dev->batch_mode == TX_BATCH_BTX) {
		dev->core.xmit_calls++;
		sim_charge(k, COST_CALL);
		k->xmit_dev = dev;
		struct drvcall dc = driver_enter(k, dev, "hard_batch_xmit");
		rc = dev->hard_batch_xmit(list, dev);
		driver_leave(k, dc);
		k->xmit_dev = NULL;
		if (unlikely(k->race_armed))
			simnic_race_xmit_done(dev);
	} else {
		rc = dev_xmit_one(dev, NULL, false);
	}
	sent = before - skb_queue_len(list);
	dev->core.batches++;
	dev->core.batch_pkts += sent;
	dev->core.last_batch = sent;
	if (dev->batch_mode == TX_BATCH_BTX) {
		TRACE(k, TR_BATCH, dev, sent, (u32)dev->xmit_win, 0, 0);
		if (rc == NETDEV_TX_BUSY) {
			dev->core.tx_busy++;
			kit_warn(k, dev, RULE_TX_BUSY);
		}
	}
	if (sent)
		dev->trans_start = kit_jiffies(k);
	requeue_list(dev, list);
	return (int)sent;
}

/* qdisc_restart on a qdisc that holds packets (qdisc_run's loop has looked). */
static inline __attribute__((always_inline)) int restart(struct net_device *dev, bool quiet)
{
	switch (dev->batch_mode) {
	case TX_BATCH_BTX:
		qdisc_fill_batch(dev, dev->blist, true);
		return qdisc_send_batch(dev, dev->blist);
	case TX_BATCH_SKB_BLIST:
		qdisc_fill_batch(dev, dev->skb_blist, false);
		return qdisc_send_batch(dev, dev->skb_blist);
	case TX_BATCH_XMIT_MORE:
		return quiet ? restart_bulk_quiet(dev) : restart_bulk(dev);
	case TX_BATCH_NONE:
	case TX_BATCH_NR:
		break;
	}
	return restart_single(dev, quiet);
}

int qdisc_restart(struct net_device *dev)
{
	if (skb_queue_empty(&dev->qdisc->q) && skb_queue_empty(dev->blist) &&
	    skb_queue_empty(dev->skb_blist))
		return 0;
	switch (dev->batch_mode) {
	case TX_BATCH_BTX:
	case TX_BATCH_SKB_BLIST:
		break;
	case TX_BATCH_XMIT_MORE:
	case TX_BATCH_NONE:
	case TX_BATCH_NR:
		if (skb_queue_empty(&dev->qdisc->q))
			return 0;
		break;
	}
	return restart(dev, xmit_quiet(dev->kit));
}

/* The end of a qdisc_run: the loop from quota on (q->running set), then the
 * reschedule if the quota ran out with packets left. */
static inline __attribute__((always_inline)) void run_loop_as(struct net_device *dev, long quota,
								bool single, bool quiet)
{
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;

	while (quota > 0 && !netif_xmit_stopped(&dev->tx_queue) && !skb_queue_empty(&q->q)) {
		int n = single ? restart_single(dev, quiet) : restart(dev, quiet);

		if (n <= 0) {
			/* BUSY: try again later from NET_TX (2.6.20 netif_schedule) */
			if (!netif_xmit_stopped(&dev->tx_queue))
				__netif_schedule(dev);
			break;
		}
		quota -= n;
	}
	if (!quiet)
		kit_tl_slice(k, "qdisc_run", dev, TLC_KERNEL, false);
	q->running = false;
	if (quota <= 0 && !netif_xmit_stopped(&dev->tx_queue) && !skb_queue_empty(&q->q))
		__netif_schedule(dev);
}

/*
 * The loop with its batching mode chosen once: restart's switch would find
 * the same mode at every turn (only a client's parameter change sets
 * dev->batch_mode, never anything a run calls), so without batching each
 * turn is restart_single; and whether it is quiet.
 */
static inline __attribute__((always_inline)) void run_loop(struct net_device *dev, long quota)
{
	bool quiet = xmit_quiet(dev->kit); /* for the whole run (qdisc.h) */

	if (likely(dev->batch_mode == TX_BATCH_NONE)) {
		if (quiet)
			run_loop_as(dev, quota, true, true);
		else
			run_loop_as(dev, quota, true, false);
	} else if (quiet) {
		run_loop_as(dev, quota, false, true);
	} else {
		run_loop_as(dev, quota, false, false);
	}
}

__attribute__((noinline)) void qdisc_run_rest(struct net_device *dev, long quota)
{
	run_loop(dev, quota);
}

/* qdisc_run, its loop inline. */
static inline __attribute__((always_inline)) void run(struct net_device *dev)
{
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;
	long quota = k->knob[KNOB_DEV_TX_WEIGHT];

	if (!q || q->running || kit_dev_broken(dev))
		return;
	q->running = true;
	kit_tl_slice(k, "qdisc_run", dev, TLC_KERNEL, true);
	run_loop(dev, quota);
}

void qdisc_run(struct net_device *dev)
{
	run(dev);
}

void net_tx_action(struct kit *k)
{
	struct softnet_data *sd = &k->sd;
	struct net_device *list[KIT_MAX_DEVS];
	int n = sd->output_n;

	sim_charge(k, COST_SOFTIRQ);
	for (int i = 0; i < n; i++)
		list[i] = sd->output_queue[i];
	sd->output_n = 0;
	for (int i = 0; i < n; i++) {
		TRACE(k, TR_SOFTIRQ, list[i], NET_TX_SOFTIRQ, (u32)skb_queue_len(&list[i]->qdisc->q),
		      0, 0);
		qdisc_run(list[i]);
	}
}
