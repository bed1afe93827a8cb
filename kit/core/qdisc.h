/* qdisc.h - what qdisc.c and qdisc_xmit.c share: a hard_start_xmit call and a run of one skb. */
#ifndef KIT_CORE_QDISC_H
#define KIT_CORE_QDISC_H

#include "kit.h"

/* 2.6.20's requeue: skb back at the head of the qdisc, counted (qdisc.c). */
void qdisc_requeue(struct net_device *dev, struct sk_buff *skb);
/* qdisc_run's loop from quota on, q->running set, out of line (qdisc.c). */
void qdisc_run_rest(struct net_device *dev, long quota);
/* Two of dev_queue_xmit's ways (qdisc_xmit.c), each once its choice is made:
 * the packet alone, and the enqueue only. */
int qdisc_xmit_alone(struct net_device *dev, struct sk_buff *skb);
int qdisc_enqueue_only(struct net_device *dev, struct sk_buff *skb);
/* qdisc_xmit_alone of an skb whose links are NULL (a fresh one, on no list) */
int qdisc_xmit_alone_unlinked(struct net_device *dev, struct sk_buff *skb);

/* The enqueue's ways out of line (qdisc_xmit.c): the packet dropped for want
 * of room, the charge's catch-up due, a trace kept. */
int qdisc_drop(struct net_device *dev, struct sk_buff *skb);
int qdisc_enqueue_after_sync(struct net_device *dev, struct sk_buff *skb);
int qdisc_enqueue_traced(struct net_device *dev, struct sk_buff *skb);

/*
 * dev_queue_xmit where the general path only enqueues: on a qdisc that is
 * running already (a sender holding it, as the batching scenarios do; a
 * dev_queue_xmit from inside the driver call a run made), whatever the
 * batching mode, timeline or queue state, qdisc_run returns at once on
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

/*
 * kit_charge3 made by hand, so that without a catch-up or a trace the common
 * enqueue calls nothing and saves no register (quiet: the caller knows the
 * machine keeps no trace, so it does not test for one).
 */
static inline __attribute__((always_inline)) int enqueue_only_as(struct net_device *dev,
								  struct sk_buff *skb, bool quiet)
{
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;

	kit_account3(k, COST_BH, COST_LOCK, COST_QDISC);
	if (unlikely(k->now >= k->hw_next) && !k->in_hw)
		return qdisc_enqueue_after_sync(dev, skb);
	if (!quiet && unlikely(k->trace != NULL))
		return qdisc_enqueue_traced(dev, skb);
	if (unlikely(skb_queue_len(&q->q) >= dev->tx_queue_len))
		return qdisc_drop(dev, skb);
	skb_set_place(skb, SKB_QDISC);
	__skb_queue_tail(&q->q, skb);
	return NET_XMIT_SUCCESS;
}

/*
 * What of dev_queue_xmit's choice of the alone packet only a client's call
 * changes (a parameter, a trace or timeline stopped, the guards turned on),
 * never a driver call or the hardware: the device has a qdisc without
 * batching, room and a quota, on a machine with no timeline, no trace and
 * no watched driver calls. The rest (the device running, the qdisc idle
 * and empty, the queue not stopped, the device not broken) is asked per
 * packet.
 */
static inline bool xmit_fixed_alone(const struct net_device *dev)
{
	const struct kit *k = dev->kit;

	return dev->qdisc && dev->batch_mode == TX_BATCH_NONE && !k->timeline && !k->trace &&
	       !k->drv_watch && dev->tx_queue_len > 0 && k->knob[KNOB_DEV_TX_WEIGHT] > 0;
}

/* Where dev_queue_xmit takes a packet on a device running, its qdisc idle
 * and without batching: the enqueue only (the queue stopped), the packet
 * alone, or the general path (something queued already, or broken). */
enum held_way { HELD_ENQUEUE, HELD_ALONE, HELD_GENERAL };

/*
 * netif_xmit_stopped, then the qdisc empty and the device not broken, as
 * dev_queue_xmit asks them, with the driver's stop and the crash in one test
 * of dev->state first: where neither is set, BQL's stop and the empty qdisc
 * decide alone; where one is, the driver's stop or BQL's makes it the
 * enqueue and a crash alone the general path.
 */
static inline __attribute__((always_inline)) enum held_way held_way(const struct net_device *dev,
								     const struct Qdisc *q)
{
	if (likely(!(dev->state & ((1UL << __LINK_STATE_XOFF) | (1UL << __LINK_STATE_BROKEN))))) {
		if (dev->tx_queue.state & (1UL << __QUEUE_STATE_STACK_XOFF))
			return HELD_ENQUEUE;
		return likely(skb_queue_empty(&q->q)) ? HELD_ALONE : HELD_GENERAL;
	}
	return netif_xmit_stopped(&dev->tx_queue) ? HELD_ENQUEUE : HELD_GENERAL;
}

/*
 * dev_queue_xmit in a run of sends on one device (a sender's burst) that
 * found at its start a qdisc on the device and no trace on the machine
 * (held): the way dev_queue_xmit would choose, without the tests the run
 * has made once (alone: it found xmit_fixed_alone too), the enqueue only
 * inline and quiet. Any other case is dev_queue_xmit's. A held skb is the
 * burst allocator's, fresh, on no list: its links are NULL.
 */
static inline __attribute__((always_inline)) int dev_queue_xmit_held(struct sk_buff *skb,
								      bool held, bool alone)
{
	struct net_device *dev = skb->dev;
	struct Qdisc *q = dev->qdisc;

	if (held && likely(netif_running(dev))) {
		if (q->running)
			return enqueue_only_as(dev, skb, true);
		if (alone) {
			switch (held_way(dev, q)) {
			case HELD_ALONE:
				return qdisc_xmit_alone_unlinked(dev, skb);
			case HELD_ENQUEUE:
				return enqueue_only_as(dev, skb, true);
			case HELD_GENERAL:
				break;
			}
		}
	}
	return dev_queue_xmit(skb);
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

/*
 * Whether nobody watches the TX path's driver calls: no trace, no timeline
 * and no guards (k->drv_watch is set while either of the last two is). It
 * holds for a whole run of the qdisc or a whole call of dev_queue_xmit once
 * it holds at its start: a machine without a trace never gets one
 * (trace_stop frees it for good), and the timeline and the guards are set
 * up between driver calls, never during one. A quiet path leaves out the
 * records, the slices and the watched enter and leave where it would test
 * for them: there is nothing to write them to. The alone packet
 * (XC_ENQUEUE, qdisc_xmit.c's qdisc_xmit_alone) is always quiet.
 */
static inline bool xmit_quiet(const struct kit *k)
{
	return !k->trace && !k->drv_watch;
}

/* TRACE, left out on a quiet path */
#define QTRACE(quiet, ...)                  \
	do {                                \
		if (!(quiet))               \
			TRACE(__VA_ARGS__); \
	} while (0)

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
	/* due on most packets (the NIC's next event comes before the next
	 * packet's charges end), so laid out in line */
	if (k->now >= k->hw_next && !k->in_hw)
		hw_sync(k);
}

/* A hard_start_xmit call's NETDEV_TX_BUSY, counted; stopped: the driver had
 * stopped the queue before the call. */
static inline __attribute__((always_inline)) void xmit_busy(struct net_device *dev, u32 id,
							    bool stopped, bool quiet)
{
	struct kit *k = dev->kit;

	(void)id;
	dev->core.tx_busy++;
	QTRACE(quiet, k, TR_TX_BUSY, dev, id, stopped, 0, 0);
	/* on a queue it had stopped, BUSY is the driver's right answer (the
	 * call itself was the advice already given) */
	if (!stopped)
		kit_warn(k, dev, RULE_TX_BUSY);
}

static inline __attribute__((always_inline)) int xmit_one(struct net_device *dev,
							  struct sk_buff *skb, bool more,
							  enum xmit_charge lock, bool quiet)
{
	struct kit *k = dev->kit;
	u32 id = skb ? skb->kit_id : 0;
	/* the driver's own stop, before this call (dev_queue_xmit's way for
	 * XC_ENQUEUE has seen it clear) */
	bool stopped = lock == XC_ENQUEUE ? false : netif_queue_stopped(dev);
	int rc;

	/* the alone packet's after its charge: the name is then not kept across
	 * the charge's catch-up (which never looks at an skb's place) */
	if (skb && lock != XC_ENQUEUE)
		skb_to_driver(skb, dev, "hard_start_xmit");
	k->sd.xmit_more = more;
	dev->core.xmit_calls++;
	if (lock == XC_ENQUEUE)
		charge_enqueue_and_xmit(k);
	else if (lock == XC_LOCK)
		kit_charge2(k, COST_LOCK, COST_CALL);
	else
		sim_charge(k, COST_CALL);
	if (skb && lock == XC_ENQUEUE)
		skb_to_driver(skb, dev, "hard_start_xmit");
	/* the alone packet's kit read again here and after the call, not kept
	 * in a saved register across the catch-up and the call */
	if (lock == XC_ENQUEUE)
		k = dev->kit;
	k->xmit_dev = dev;
	struct drvcall dc = lock == XC_ENQUEUE ?
				    driver_enter_quiet_outer(k, dev, "hard_start_xmit") :
				    driver_enter_as(k, dev, "hard_start_xmit", quiet);
	rc = dev->hard_start_xmit(skb, dev);
	if (lock == XC_ENQUEUE)
		k = dev->kit;
	driver_leave_as(k, dc, quiet);
	k->xmit_dev = NULL;
	if (unlikely(k->race_armed))
		simnic_race_xmit_done(dev);
	k->sd.xmit_more = false;
	QTRACE(quiet, k, TR_XMIT, dev, id, rc == NETDEV_TX_BUSY, more, 0);
	if (rc == NETDEV_TX_BUSY) {
		/* the alone packet's BUSY is counted with its requeue, out of line
		 * (run_alone): no register kept across the call for it */
		if (lock != XC_ENQUEUE)
			xmit_busy(dev, id, stopped, quiet);
	} else {
		dev->trans_start = kit_jiffies(k); /* txq_trans_update */
	}
	return rc;
}

/* xmit_one of an skb the caller holds (never NULL: one from a qdisc's list or
 * dev_queue_xmit's own), so its tests for NULL go. */
static inline __attribute__((always_inline)) int xmit_skb(struct net_device *dev,
							  struct sk_buff *skb, bool more,
							  enum xmit_charge lock, bool quiet)
{
	if (!skb)
		__builtin_unreachable();
	return xmit_one(dev, skb, more, lock, quiet);
}

/*
 * Whether dev_queue_xmit's skb, queued now on a qdisc without batching and a
 * queue not stopped, would be the one skb qdisc_run takes at once through
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

/* run_alone's skb handed back (NETDEV_TX_BUSY): requeued, the queue
 * rescheduled unless stopped; run_loop's break (the quota is untouched, so no
 * reschedule) ends the run. */
static inline __attribute__((always_inline)) void run_alone_busy(struct net_device *dev,
								  struct sk_buff *skb)
{
	qdisc_requeue(dev, skb);
	if (!netif_xmit_stopped(&dev->tx_queue))
		__netif_schedule(dev);
	kit_tl_slice(dev->kit, "qdisc_run", dev, TLC_KERNEL, false);
	dev->qdisc->running = false;
}

/* The alone packet's BUSY (qdisc_xmit.c): xmit_one's count and warning (the
 * queue was running before the call), then run_alone_busy. */
void qdisc_alone_busy(struct net_device *dev, struct sk_buff *skb);

/*
 * qdisc_run for that skb: its first restart_single made on skb directly, which
 * never enters the list it would have left at once (its links are left NULL,
 * as __skb_dequeue leaves them; unlinked: they are NULL already), then the
 * rest of the loop as qdisc_run makes it.
 * Exact: restart_single's dequeue would take this skb and leave the qdisc
 * empty, as here; its records carry the same lengths (1 queued, 0 left).
 */
static inline __attribute__((always_inline)) void run_alone(struct net_device *dev,
							    struct sk_buff *skb,
							    enum xmit_charge charge, bool unlinked)
{
	struct Qdisc *q = dev->qdisc;
	bool quiet = charge == XC_ENQUEUE;

	q->running = true;
	if (!unlinked)
		skb->next = skb->prev = NULL;
	QTRACE(quiet, dev->kit, TR_QDISC_DEQ, dev, skb->kit_id, 1, 0, 0);
	if (xmit_skb(dev, skb, false, charge, quiet) == NETDEV_TX_BUSY) { /* HARD_TX_LOCK, the call */
		if (quiet)
			qdisc_alone_busy(dev, skb);
		else
			run_alone_busy(dev, skb);
		return;
	}
	/* q, the kit and the quota read again: fewer registers kept across the call */
	q = dev->qdisc;
	if (unlikely(!skb_queue_empty(&q->q))) {
		/* the driver queued more meanwhile: the rest of the loop */
		qdisc_run_rest(dev, dev->kit->knob[KNOB_DEV_TX_WEIGHT] - 1);
		return;
	}
	/* run_loop with nothing queued: the run ends */
	if (!quiet)
		kit_tl_slice(dev->kit, "qdisc_run", dev, TLC_KERNEL, false);
	q->running = false;
}

#endif
