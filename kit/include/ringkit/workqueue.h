/* workqueue.h - deferred work in process context: INIT_WORK, schedule_work (the system workqueue). */
#ifndef RINGKIT_WORKQUEUE_H
#define RINGKIT_WORKQUEUE_H

#include "list.h"
#include "types.h"

struct net_device;

/*
 * Work a driver cannot do where it is (a timer, an interrupt, a softirq:
 * nothing there may sleep) is queued for a kernel thread, the kworker, which
 * runs it in process context at its next turn on the CPU. e1000's
 * tx_timeout, called from the watchdog timer, does exactly this with its
 * reset_task. A work item is queued at most once: schedule_work on a pending
 * item does nothing and returns false.
 */
struct work_struct {
	struct list_head entry;			/* on the kworker's list while pending */
	void (*func)(struct work_struct *work);
	unsigned long pending;			/* bit 0: WORK_STRUCT_PENDING */
	const char *name;			/* the kit's: the function, for the trace */
	struct net_device *dev;			/* the kit's: the device it was queued for */
};

#define WORK_STRUCT_PENDING_BIT 0

void __init_work(struct work_struct *work, void (*func)(struct work_struct *), const char *name);
#define INIT_WORK(work, func) __init_work((work), (func), #func)

/* Queue work for the kworker; false if it was already pending. */
bool schedule_work(struct work_struct *work);
/* Take work off the queue if it has not run yet; true if it was pending. (The
 * kit runs one item per step, so nothing is ever running to wait for.) */
bool cancel_work_sync(struct work_struct *work);

static inline bool work_pending(const struct work_struct *work)
{
	return test_bit(WORK_STRUCT_PENDING_BIT, &work->pending);
}

#endif
