/* qdisc.c - dev_queue_xmit, the pfifo qdisc, qdisc_run and the three batching designs. */
#include <stdlib.h>

#include "kit.h"

/*
 * dev_queue_xmit enqueues into a pfifo of tx_queue_len packets (tail drop,
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

static void requeue(struct net_device *dev, struct sk_buff *skb)
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
		requeue(dev, skb);
	}
}

/*
 * One hard_start_xmit call, as the core makes it (inline in the one-skb
 * qdisc_restart and the bulk's loop, a packet's path). lock: HARD_TX_LOCK is
 * taken first, its charge made with the call's (nothing between them looks
 * at the hardware: the skb's place is the kit's own bookkeeping).
 */
enum xmit_charge {
	XC_CALL,	/* the call's charge */
	XC_LOCK,	/* HARD_TX_LOCK's and the call's */
	XC_ENQUEUE,	/* dev_queue_xmit's three (BH, the root lock, the enqueue), then those two */
};

static inline void charge_enqueue_and_xmit(struct kit *k);

static inline __attribute__((always_inline)) int xmit_one(struct net_device *dev,
							  struct sk_buff *skb, bool more,
							  enum xmit_charge lock)
{
	struct kit *k = dev->kit;
	u32 id = skb ? skb->kit_id : 0;
	/* the driver's own stop, before this call (dev_queue_xmit's way for
	 * XC_ENQUEUE has seen it clear) */
	bool stopped = lock == XC_ENQUEUE ? false : netif_queue_stopped(dev);
	int rc;

	if (skb)
		skb_to_driver(skb, dev, "hard_start_xmit");
	k->sd.xmit_more = more;
	dev->core.xmit_calls++;
	if (lock == XC_ENQUEUE)
		charge_enqueue_and_xmit(k);
	else if (lock == XC_LOCK)
		kit_charge2(k, COST_LOCK, COST_CALL);
	else
		sim_charge(k, COST_CALL);
	k->xmit_dev = dev;
	struct drvcall dc = driver_enter(k, dev, "hard_start_xmit");
	rc = dev->hard_start_xmit(skb, dev);
	driver_leave(k, dc);
	k->xmit_dev = NULL;
	if (unlikely(k->race_armed))
		simnic_race_xmit_done(dev);
	k->sd.xmit_more = false;
	TRACE(k, TR_XMIT, dev, id, rc == NETDEV_TX_BUSY, more, 0);
	if (rc == NETDEV_TX_BUSY) {
		dev->core.tx_busy++;
		TRACE(k, TR_TX_BUSY, dev, id, stopped, 0, 0);
		/* on a queue it had stopped, BUSY is the driver's right answer (the
		 * call itself was the advice already given) */
		if (!stopped)
			kit_warn(k, dev, RULE_TX_BUSY);
	} else {
		dev->trans_start = kit_jiffies(k); /* txq_trans_update */
	}
	return rc;
}

int dev_xmit_one(struct net_device *dev, struct sk_buff *skb, bool more)
{
	return xmit_one(dev, skb, more, XC_CALL);
}

/* xmit_one of an skb the caller holds (never NULL: one from a qdisc's list or
 * dev_queue_xmit's own), so its tests for NULL go. */
static inline __attribute__((always_inline)) int xmit_skb(struct net_device *dev,
							  struct sk_buff *skb, bool more,
							  enum xmit_charge lock)
{
	if (!skb)
		__builtin_unreachable();
	return xmit_one(dev, skb, more, lock);
}

static inline __attribute__((always_inline)) int restart_single(struct net_device *dev)
{
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;
	/* __skb_dequeue of a queue that holds packets (the callers looked) */
	struct sk_buff *skb = q->q.next;

	__skb_unlink(skb, &q->q);
	TRACE(k, TR_QDISC_DEQ, dev, skb->kit_id, 1, skb_queue_len(&q->q), 0);
	if (xmit_skb(dev, skb, false, XC_LOCK) == NETDEV_TX_BUSY) { /* HARD_TX_LOCK, the call */
		requeue(dev, skb);
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
static int restart_bulk(struct net_device *dev)
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
	TRACE(k, TR_QDISC_BULK, dev, skb_peek(&bulk)->kit_id, skb_queue_len(&bulk),
	      skb_queue_len(&q->q), (u32)avail);
	sim_charge(k, COST_LOCK); /* one HARD_TX_LOCK for the whole bulk */
	while (!skb_queue_empty(&bulk)) { /* __skb_dequeue, its empty test made once */
		skb = bulk.next;
		__skb_unlink(skb, &bulk);
		if (xmit_skb(dev, skb, !skb_queue_empty(&bulk), XC_CALL) == NETDEV_TX_BUSY) {
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

/* Fill a batch list from the qdisc up to xmit_win (the core's part), made
 * twice below: with prep a constant, each turn tests only what can change. */
static inline __attribute__((always_inline)) unsigned int
fill_batch(struct net_device *dev, struct sk_buff_head *list, bool prep)
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
			struct drvcall dc = driver_enter(k, dev, "hard_prep_xmit");
			rc = dev->hard_prep_xmit(skb, dev);
			driver_leave(k, dc);
			TRACE(k, TR_PREP, dev, id, (u32)rc, 0, 0);
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
		TRACE(k, TR_QDISC_DEQ, dev, first, n, skb_queue_len(&q->q), 0);
	return skb_queue_len(list);
}

unsigned int qdisc_fill_batch(struct net_device *dev, struct sk_buff_head *list, bool prep)
{
	return prep ? fill_batch(dev, list, true) : fill_batch(dev, list, false);
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
static inline __attribute__((always_inline)) int restart(struct net_device *dev)
{
	switch (dev->batch_mode) {
	case TX_BATCH_BTX:
		qdisc_fill_batch(dev, dev->blist, true);
		return qdisc_send_batch(dev, dev->blist);
	case TX_BATCH_SKB_BLIST:
		qdisc_fill_batch(dev, dev->skb_blist, false);
		return qdisc_send_batch(dev, dev->skb_blist);
	case TX_BATCH_XMIT_MORE:
		return restart_bulk(dev);
	case TX_BATCH_NONE:
	case TX_BATCH_NR:
		break;
	}
	return restart_single(dev);
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
	return restart(dev);
}

/* The end of a qdisc_run: the loop from quota on (q->running set), then the
 * reschedule if the quota ran out with packets left. */
static inline __attribute__((always_inline)) void run_loop_as(struct net_device *dev, long quota,
								bool single)
{
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;

	while (quota > 0 && !netif_xmit_stopped(&dev->tx_queue) && !skb_queue_empty(&q->q)) {
		int n = single ? restart_single(dev) : restart(dev);

		if (n <= 0) {
			/* BUSY: try again later from NET_TX (2.6.20 netif_schedule) */
			if (!netif_xmit_stopped(&dev->tx_queue))
				__netif_schedule(dev);
			break;
		}
		quota -= n;
	}
	kit_tl_slice(k, "qdisc_run", dev, TLC_KERNEL, false);
	q->running = false;
	if (quota <= 0 && !netif_xmit_stopped(&dev->tx_queue) && !skb_queue_empty(&q->q))
		__netif_schedule(dev);
}

/*
 * The loop with its batching mode chosen once: restart's switch would find
 * the same mode at every turn (only a client's parameter change sets
 * dev->batch_mode, never anything a run calls), so without batching each
 * turn is restart_single.
 */
static inline __attribute__((always_inline)) void run_loop(struct net_device *dev, long quota)
{
	if (likely(dev->batch_mode == TX_BATCH_NONE))
		run_loop_as(dev, quota, true);
	else
		run_loop_as(dev, quota, false);
}

static __attribute__((noinline)) void run_rest(struct net_device *dev, long quota)
{
	run_loop(dev, quota);
}

/* qdisc_run, inline where a packet was just queued (dev_queue_xmit). */
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

/*
 * Whether dev_queue_xmit's skb, queued now on a qdisc without batching and a
 * queue not stopped, would be the one skb run() takes at once through
 * restart_single: an empty qdisc and a run that starts (not running, not
 * broken, quota left). No timeline either: its slice at the run's start could
 * sample the qdisc. None of these can change between the enqueue and that
 * dequeue (a trace record between them is only written).
 */
static inline bool run_alone_ok(struct net_device *dev, const struct Qdisc *q)
{
	struct kit *k = dev->kit;

	return skb_queue_empty(&q->q) && !k->timeline && !q->running && !kit_dev_broken(dev) &&
	       k->knob[KNOB_DEV_TX_WEIGHT] > 0;
}

/*
 * run() for that skb: its first restart_single made on skb directly, which
 * never enters the list it would have left at once (its links are left NULL,
 * as __skb_dequeue leaves them), then the rest of the loop as run() makes it.
 * Exact: restart_single's dequeue would take this skb and leave the qdisc
 * empty, as here; its records carry the same lengths (1 queued, 0 left).
 */
static inline __attribute__((always_inline)) void run_alone(struct net_device *dev,
							    struct sk_buff *skb,
							    enum xmit_charge charge)
{
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;
	long quota = k->knob[KNOB_DEV_TX_WEIGHT];

	q->running = true;
	skb->next = skb->prev = NULL;
	TRACE(k, TR_QDISC_DEQ, dev, skb->kit_id, 1, 0, 0);
	if (xmit_skb(dev, skb, false, charge) == NETDEV_TX_BUSY) { /* HARD_TX_LOCK, the call */
		requeue(dev, skb);
		if (!netif_xmit_stopped(&dev->tx_queue))
			__netif_schedule(dev);
		/* run_loop's break: the quota is untouched, so no reschedule */
		kit_tl_slice(k, "qdisc_run", dev, TLC_KERNEL, false);
		q->running = false;
		return;
	}
	if (unlikely(!skb_queue_empty(&q->q))) {
		/* the driver queued more meanwhile: the rest of the loop */
		run_rest(dev, quota - 1);
		return;
	}
	/* run_loop with nothing queued: the run ends */
	kit_tl_slice(k, "qdisc_run", dev, TLC_KERNEL, false);
	q->running = false;
}

void qdisc_run(struct net_device *dev)
{
	run(dev);
}

/*
 * The five charges of dev_queue_xmit's common packet as one: rcu_read_lock_bh,
 * the qdisc root lock and the enqueue (kit_charge3's), then HARD_TX_LOCK and
 * the call (xmit_one's kit_charge2), with one catch-up at the end, before the
 * driver runs. The same time, costs and counts: sums in another order. On a
 * machine without a trace nothing between the two charges looks at the clock
 * or the hardware (the qdisc's and the skb's fields are the kit's own; the
 * records' times are not written), and the hardware's changes happen at
 * their own times (nic_advance), so catching it up once at the later time
 * leaves it as catching up at both did.
 */
static inline void charge_enqueue_and_xmit(struct kit *k)
{
	u64 bh = k->cost[COST_BH], lock = k->cost[COST_LOCK], qd = k->cost[COST_QDISC],
	    call = k->cost[COST_CALL], sum = bh + lock + qd + lock + call;

	k->cost_ns[COST_BH] += bh;
	k->cost_ns[COST_LOCK] += lock + lock;
	k->cost_ns[COST_QDISC] += qd;
	k->cost_ns[COST_CALL] += call;
	k->cost_count[COST_BH]++;
	k->cost_count[COST_LOCK] += 2;
	k->cost_count[COST_QDISC]++;
	k->cost_count[COST_CALL]++;
	k->now += sum;
	k->cpu.busy += sum;
	if (unlikely(k->now >= k->hw_next) && !k->in_hw)
		hw_sync(k);
}

/*
 * dev_queue_xmit's common packet on a machine with neither a timeline nor a
 * trace, tested before any charge (dev_queue_xmit has seen the device
 * running, the qdisc not, no batching, no timeline and the queue not
 * stopped): the rest of the checks the general path makes after its first
 * charge (the queue has room: it is empty and tx_queue_len is not 0;
 * run_alone_ok). None of them reads what a catch-up of the hardware could
 * change (the hardware never touches the qdisc, the device's state or the
 * knobs). The skb's SKB_QDISC place, which skb_to_driver overwrites before
 * anything could look, is not written.
 */
static inline bool alone_untraced(struct net_device *dev, const struct kit *k,
				  const struct Qdisc *q)
{
	return !k->trace && skb_queue_empty(&q->q) && dev->tx_queue_len > 0 &&
	       !kit_dev_broken(dev) && k->knob[KNOB_DEV_TX_WEIGHT] > 0;
}

/* run_alone's path of dev_queue_xmit (alone_untraced holds), out of line: its
 * registers are its own. */
static __attribute__((noinline)) int xmit_alone(struct net_device *dev, struct sk_buff *skb)
{
	run_alone(dev, skb, XC_ENQUEUE);
	return NET_XMIT_SUCCESS;
}

/* qdisc_drop: the packet does not fit (out of line: the common calls free nothing). */
static __attribute__((noinline)) int qdisc_drop(struct net_device *dev, struct sk_buff *skb)
{
	dev->core.qdisc_drops++; /* qdisc_drop: sch->qstats.drops, not the device's */
	TRACE(dev->kit, TR_QDISC_DROP, dev, skb->kit_id, skb_queue_len(&dev->qdisc->q), 0, 0);
	kfree_skb(skb);
	return NET_XMIT_DROP;
}

/*
 * dev_queue_xmit where the general path only enqueues: on a qdisc that is
 * running already (a sender holding it, as the batching scenarios do; a
 * dev_queue_xmit from inside the driver call a run made), whatever the
 * batching mode, timeline or queue state, run() returns at once on
 * q->running; without batching or a timeline, on a stopped queue, the
 * general path enqueues and returns itself. Either way: the three charges,
 * the room check, the place, the enqueue and its record. A catch-up of the
 * hardware (the charge's) changes neither q->running nor the queue's state.
 */
static inline __attribute__((always_inline)) int enqueue_rest(struct net_device *dev,
							       struct sk_buff *skb)
{
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;

	if (unlikely(skb_queue_len(&q->q) >= dev->tx_queue_len))
		return qdisc_drop(dev, skb);
	skb_set_place(skb, SKB_QDISC);
	__skb_queue_tail(&q->q, skb);
	TRACE(k, TR_QDISC_ENQ, dev, skb->kit_id, skb_queue_len(&q->q), 0, 0);
	return NET_XMIT_SUCCESS;
}

/* enqueue_only once the charge is made and the hardware is due: kit_charge3's
 * catch-up, then the rest. */
static __attribute__((noinline)) int enqueue_after_sync(struct net_device *dev,
							struct sk_buff *skb)
{
	hw_sync(dev->kit);
	return enqueue_rest(dev, skb);
}

/* enqueue_only on a machine with a trace: the record needs the registers. */
static __attribute__((noinline)) int enqueue_traced(struct net_device *dev, struct sk_buff *skb)
{
	return enqueue_rest(dev, skb);
}

/* kit_charge3 made by hand, so that without a catch-up or a trace the common
 * enqueue calls nothing and saves no register. */
static __attribute__((noinline)) int enqueue_only(struct net_device *dev, struct sk_buff *skb)
{
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;
	u64 ca = k->cost[COST_BH], cb = k->cost[COST_LOCK], cc = k->cost[COST_QDISC],
	    sum = ca + cb + cc;

	k->cost_ns[COST_BH] += ca;
	k->cost_ns[COST_LOCK] += cb;
	k->cost_ns[COST_QDISC] += cc;
	k->cost_count[COST_BH]++;
	k->cost_count[COST_LOCK]++;
	k->cost_count[COST_QDISC]++;
	k->now += sum;
	k->cpu.busy += sum;
	if (unlikely(k->now >= k->hw_next) && !k->in_hw)
		return enqueue_after_sync(dev, skb);
	if (unlikely(k->trace != NULL))
		return enqueue_traced(dev, skb);
	if (unlikely(skb_queue_len(&q->q) >= dev->tx_queue_len))
		return qdisc_drop(dev, skb);
	skb_set_place(skb, SKB_QDISC);
	__skb_queue_tail(&q->q, skb);
	return NET_XMIT_SUCCESS;
}

static __attribute__((noinline)) int xmit_general(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;

	/* no catch-up first: the charge below makes it, and nothing before it
	 * looks at the hardware */
	if (!netif_running(dev) || !q) {
		sim_charge(k, COST_BH);
		dev->stats.tx_dropped++;
		kfree_skb(skb);
		return NET_XMIT_DROP;
	}
	/* rcu_read_lock_bh, the qdisc root lock, the enqueue (nothing in
	 * between looks at the hardware) */
	kit_charge3(k, COST_BH, COST_LOCK, COST_QDISC);
	if (skb_queue_len(&q->q) >= dev->tx_queue_len)
		return qdisc_drop(dev, skb);
	skb_set_place(skb, SKB_QDISC);
	if (likely(dev->batch_mode == TX_BATCH_NONE) && !k->timeline) {
		if (netif_xmit_stopped(&dev->tx_queue)) {
			/* run() would find the queue stopped: without a timeline it
			 * only sets and clears q->running (its last check wants the
			 * queue running) */
			__skb_queue_tail(&q->q, skb);
			TRACE(k, TR_QDISC_ENQ, dev, skb->kit_id, skb_queue_len(&q->q), 0, 0);
			return NET_XMIT_SUCCESS;
		}
		if (likely(run_alone_ok(dev, q))) {
			/* the common packet: queued and at once taken again */
			TRACE(k, TR_QDISC_ENQ, dev, skb->kit_id, 1, 0, 0);
			run_alone(dev, skb, XC_LOCK);
			return NET_XMIT_SUCCESS;
		}
	}
	__skb_queue_tail(&q->q, skb);
	TRACE(k, TR_QDISC_ENQ, dev, skb->kit_id, skb_queue_len(&q->q), 0, 0);
	run(dev);
	return NET_XMIT_SUCCESS;
}

/* Three ways in, each as the general path (xmit_general) would go, each out
 * of line: the choice saves no register. */
int dev_queue_xmit(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;

	if (likely(netif_running(dev) && q)) {
		if (q->running)
			return enqueue_only(dev, skb);
		if (likely(dev->batch_mode == TX_BATCH_NONE) && !k->timeline) {
			if (netif_xmit_stopped(&dev->tx_queue))
				return enqueue_only(dev, skb);
			if (likely(alone_untraced(dev, k, q)))
				return xmit_alone(dev, skb);
		}
	}
	return xmit_general(skb);
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
