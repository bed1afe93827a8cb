/* dynamic_queue_limits.h - dql, the byte limit behind BQL (Linux 3.3+, T. Herbert). */
#ifndef RINGKIT_DYNAMIC_QUEUE_LIMITS_H
#define RINGKIT_DYNAMIC_QUEUE_LIMITS_H

#include <limits.h>

#include "types.h"

/*
 * A producer/consumer queue (here the TX ring) is allowed `limit` objects
 * (here bytes) in flight. The producer records what it queues (dql_queued),
 * asks how much more it may queue (dql_avail, negative = over the limit), and
 * the consumer, once per completion round, records what it retired
 * (dql_completed), which recomputes the limit: the least that keeps the queue
 * from running dry between two completion rounds. The kit's copy follows
 * include/linux/dynamic_queue_limits.h and lib/dynamic_queue_limits.c of the
 * 3.3-5.x kernels (the version without 6.x's stall detector).
 */
struct dql {
	/* the enqueue side (dql_queued) */
	unsigned int num_queued;	/* total ever queued */
	unsigned int adj_limit;		/* limit + num_completed */
	unsigned int last_obj_cnt;	/* count at the last dql_queued */

	/* the completion side (dql_completed) */
	unsigned int limit;		/* current limit */
	unsigned int num_completed;	/* total ever completed */
	unsigned int prev_ovlimit;	/* over the limit at the previous completion */
	unsigned int prev_num_queued;	/* num_queued at the previous completion */
	unsigned int prev_last_obj_cnt; /* last_obj_cnt at the previous completion */
	unsigned int lowest_slack;	/* least slack seen since slack_start_time */
	unsigned long slack_start_time; /* jiffies: when the slack watch began */

	/* configuration */
	unsigned int max_limit;		/* DQL_MAX_LIMIT */
	unsigned int min_limit;		/* 0 */
	unsigned int slack_hold_time;	/* jiffies of slack before the limit shrinks (HZ) */
};

#define DQL_MAX_OBJECT (UINT_MAX / 16)
#define DQL_MAX_LIMIT ((UINT_MAX / 2) - DQL_MAX_OBJECT)

/* Record count objects queued; the caller has looked at dql_avail. */
static inline void dql_queued(struct dql *dql, unsigned int count)
{
	dql->last_obj_cnt = count;
	barrier();
	dql->num_queued += count;
}

/* How many more objects may be queued; < 0 means over the limit. */
static inline int dql_avail(const struct dql *dql)
{
	return (int)(dql->adj_limit - dql->num_queued);
}

/* Objects in flight: queued and not completed yet (the kit's, for snapshots). */
static inline unsigned int dql_inflight(const struct dql *dql)
{
	return dql->num_queued - dql->num_completed;
}

/* Record count objects completed and recompute the limit. */
void dql_completed(struct dql *dql, unsigned int count);
void dql_reset(struct dql *dql);
int dql_init(struct dql *dql, unsigned int hold_time);

#endif
