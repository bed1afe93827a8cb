/* workqueue.c - the system workqueue: work items queued by drivers, run by a kworker thread. */
#include "kit.h"

/*
 * One kworker thread serves the system workqueue (schedule_work). It is an
 * ordinary process-context thread: runnable while work is queued, picked
 * fairly against the application and the senders (cpu.c), one work item per
 * step, in the order queued. It runs in both auto modes, as the kernel's
 * timers do: a driver's deferred work is not the core's job the student
 * plays with auto off.
 */

#define KWORKER_NAME "kworker/0:1"

static u32 name_id(struct kit *k, const char *name)
{
	for (int i = 0; i < k->nwork_names; i++)
		if (k->work_names[i] == name)
			return (u32)i;
	if (k->nwork_names == (int)ARRAY_SIZE(k->work_names))
		return (u32)ARRAY_SIZE(k->work_names); /* traced as "work" */
	k->work_names[k->nwork_names] = name;
	return (u32)k->nwork_names++;
}

const char *kit_work_name(const struct kit *k, u32 id)
{
	return id < (u32)k->nwork_names ? k->work_names[id] : "work";
}

void __init_work(struct work_struct *work, void (*func)(struct work_struct *), const char *name)
{
	INIT_LIST_HEAD(&work->entry);
	work->func = func;
	work->pending = 0;
	work->name = name;
	work->dev = NULL;
}

bool schedule_work(struct work_struct *work)
{
	struct kit *k = kit_current;

	if (test_and_set_bit(WORK_STRUCT_PENDING_BIT, &work->pending))
		return false;
	work->dev = k->dev_running;
	list_add_tail(&work->entry, &k->work_list);
	TRACE(k, TR_WORK, work->dev, 0, name_id(k, work->name), 0, 0);
	return true;
}

bool cancel_work_sync(struct work_struct *work)
{
	if (!test_and_clear_bit(WORK_STRUCT_PENDING_BIT, &work->pending))
		return false;
	list_del_init(&work->entry);
	return true;
}

static bool kworker_runnable(struct kit *k, struct kthread *t)
{
	(void)t;
	return !list_empty(&k->work_list);
}

static void kworker_run(struct kit *k, struct kthread *t)
{
	struct work_struct *work = list_first_entry(&k->work_list, struct work_struct, entry);

	(void)t;
	list_del_init(&work->entry);
	clear_bit(WORK_STRUCT_PENDING_BIT, &work->pending); /* may be queued again while it runs */
	TRACE(k, TR_WORK, work->dev, 1, name_id(k, work->name), 0, 0);
	work->func(work);
}

void workqueue_init(struct kit *k)
{
	INIT_LIST_HEAD(&k->work_list);
	k->kworker = (struct kthread){
		.name = KWORKER_NAME, .runnable = kworker_runnable, .run = kworker_run,
	};
	kthread_add(k, &k->kworker);
}
