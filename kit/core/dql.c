/* dql.c - byte queue limits: the dql algorithm and the netdev_tx_*_queue calls around it. */
#include "kit.h"

/*
 * BQL (Linux 3.3) bounds the bytes a driver has on its TX ring: the driver
 * reports what it queues (netdev_tx_sent_queue, in its xmit) and what the
 * NIC finished (netdev_tx_completed_queue, once per reclaim round); when the
 * bytes in flight pass the dql limit the core stops the queue itself
 * (__QUEUE_STATE_STACK_XOFF, beside the driver's own XOFF) until completions
 * bring it back under. The limit adapts: it grows when the ring ran dry
 * between two completion rounds (starvation) and shrinks by the slack seen
 * over slack_hold_time when it stayed busy. The qdisc's bulk dequeue
 * (qdisc.c) spends dql_avail, so on a single-queue device BQL is also what
 * makes xmit_more trains: without it dql_avail is 0 and nothing is bulked.
 *
 * A device with BQL off (the setting `bql`, as a kernel built with
 * CONFIG_BQL=n) has every call here a no-op and a bulk limit of 0.
 */

#define POSDIFF(A, B) ((int)((A) - (B)) > 0 ? (A) - (B) : 0)

/* lib/dynamic_queue_limits.c dql_completed, step for step */
void dql_completed(struct dql *dql, unsigned int count)
{
	unsigned int inprogress, prev_inprogress, limit;
	unsigned int ovlimit, completed, all_prev_completed;

	completed = dql->num_completed + count;
	limit = dql->limit;
	ovlimit = POSDIFF(dql->num_queued - dql->num_completed, limit);
	inprogress = dql->num_queued - completed;
	prev_inprogress = dql->prev_num_queued - dql->num_completed;
	all_prev_completed = POSDIFF(completed, dql->prev_num_queued);

	if ((ovlimit && !inprogress) || (dql->prev_ovlimit && all_prev_completed)) {
		/*
		 * Starved: over the limit and now empty, or over the limit
		 * last time and everything queued then has completed (the
		 * ring may have run dry before this round ran). Grow by what
		 * was sent and completed since, plus the last overshoot.
		 */
		limit += POSDIFF(completed, dql->prev_num_queued) + dql->prev_ovlimit;
		dql->slack_start_time = jiffies;
		dql->lowest_slack = UINT_MAX;
	} else if (inprogress && prev_inprogress && !all_prev_completed) {
		/*
		 * Busy the whole interval: the slack is what was queued
		 * beyond need, the larger of limit + overshoot - twice what
		 * completed, and the part of the last enqueue that was not
		 * overshoot. After slack_hold_time, give back the least
		 * slack seen (the least, so one quiet round does not shrink
		 * a limit the next burst needs).
		 */
		unsigned int slack, slack_last_objs;

		slack = POSDIFF(limit + dql->prev_ovlimit, 2 * (completed - dql->num_completed));
		slack_last_objs = dql->prev_ovlimit ?
					  POSDIFF(dql->prev_last_obj_cnt, dql->prev_ovlimit) : 0;
		if (slack_last_objs > slack)
			slack = slack_last_objs;
		if (slack < dql->lowest_slack)
			dql->lowest_slack = slack;
		if (time_after(jiffies, dql->slack_start_time + dql->slack_hold_time)) {
			limit = POSDIFF(limit, dql->lowest_slack);
			dql->slack_start_time = jiffies;
			dql->lowest_slack = UINT_MAX;
		}
	}

	if (limit < dql->min_limit)
		limit = dql->min_limit;
	if (limit > dql->max_limit)
		limit = dql->max_limit;
	if (limit != dql->limit) {
		dql->limit = limit;
		ovlimit = 0;
	}
	dql->adj_limit = limit + completed;
	dql->prev_ovlimit = ovlimit;
	dql->prev_last_obj_cnt = dql->last_obj_cnt;
	dql->num_completed = completed;
	dql->prev_num_queued = dql->num_queued;
}

/* As the kernel's: adj_limit is left alone, the first completion sets it again. */
void dql_reset(struct dql *dql)
{
	dql->limit = 0;
	dql->num_queued = 0;
	dql->num_completed = 0;
	dql->last_obj_cnt = 0;
	dql->prev_num_queued = 0;
	dql->prev_last_obj_cnt = 0;
	dql->prev_ovlimit = 0;
	dql->lowest_slack = UINT_MAX;
	dql->slack_start_time = jiffies;
}

int dql_init(struct dql *dql, unsigned int hold_time)
{
	dql->max_limit = DQL_MAX_LIMIT;
	dql->min_limit = 0;
	dql->slack_hold_time = hold_time;
	dql_reset(dql);
	return 0;
}

/* ---- the netdev side (include/linux/netdevice.h, 3.3+) -------------------- */

static void stack_xoff(struct netdev_queue *txq, bool on)
{
	struct net_device *dev = txq->dev;
	struct kit *k = dev->kit;

	if (on) {
		txq->state |= 1UL << __QUEUE_STATE_STACK_XOFF;
		dev->core.bql_stops++;
		TRACE(k, TR_BQL_XOFF, dev, dql_inflight(&txq->dql), txq->dql.limit, 0, 0);
	} else {
		txq->state &= ~(1UL << __QUEUE_STATE_STACK_XOFF);
		TRACE(k, TR_BQL_XON, dev, dql_inflight(&txq->dql), txq->dql.limit, 0, 0);
	}
	netdev_watchdog_update(dev);
}

void netdev_tx_sent_queue(struct netdev_queue *txq, unsigned int bytes)
{
	if (!txq->dev->bql)
		return;
	dql_queued(&txq->dql, bytes);
	if (likely(dql_avail(&txq->dql) >= 0))
		return;
	stack_xoff(txq, true);
	/* set XOFF before looking again: a completion may have made room meanwhile */
	smp_mb();
	if (unlikely(dql_avail(&txq->dql) >= 0))
		stack_xoff(txq, false);
}

bool __netdev_tx_sent_queue(struct netdev_queue *txq, unsigned int bytes, bool xmit_more)
{
	if (xmit_more) {
		if (txq->dev->bql)
			dql_queued(&txq->dql, bytes);
		return netif_tx_queue_stopped(txq);
	}
	netdev_tx_sent_queue(txq, bytes);
	return true;
}

void netdev_tx_completed_queue(struct netdev_queue *txq, unsigned int pkts, unsigned int bytes)
{
	struct net_device *dev = txq->dev;
	struct kit *k = dev->kit;
	unsigned int old;

	(void)pkts;
	if (!dev->bql || unlikely(!bytes))
		return;
	if (bytes > dql_inflight(&txq->dql)) {
		/* the kernel's BUG_ON in dql_completed: sent and completed bytes disagree */
		kit_bug(k, dev, RULE_BQL_OVERCOMPLETE);
		return;
	}
	old = txq->dql.limit;
	dql_completed(&txq->dql, bytes);
	if (txq->dql.limit != old)
		TRACE(k, TR_BQL_LIMIT, dev, old, txq->dql.limit, dql_inflight(&txq->dql), 0);
	/* the other half of the barrier in netdev_tx_sent_queue */
	smp_mb();
	if (dql_avail(&txq->dql) < 0)
		return;
	if (txq->state & (1UL << __QUEUE_STATE_STACK_XOFF)) {
		stack_xoff(txq, false);
		/* netif_schedule_queue: run the qdisc unless the driver holds it stopped */
		if (!netif_xmit_stopped(txq))
			__netif_schedule(dev);
	}
}

void netdev_tx_reset_queue(struct netdev_queue *txq)
{
	if (!txq->dev->bql)
		return;
	if (txq->state & (1UL << __QUEUE_STATE_STACK_XOFF))
		stack_xoff(txq, false);
	dql_reset(&txq->dql);
}

int qdisc_avail_bulklimit(const struct netdev_queue *txq)
{
	/* CONFIG_BQL=n, or a driver that never reports: 0 (sch_generic.h) */
	return txq->dev->bql ? dql_avail(&txq->dql) : 0;
}
