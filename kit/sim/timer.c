/* timer.c - kernel timers: an event that, when due, runs its function in TIMER_SOFTIRQ. */
#include "kit.h"

void timer_setup(struct kit *k, struct timer_list *t, void (*fn)(struct timer_list *),
		 const char *name)
{
	(void)k;
	ev_init(&t->ev, EV_TIMER, t);
	t->function = fn;
	INIT_LIST_HEAD(&t->due);
	t->is_due = false;
	t->name = name;
}

void mod_timer(struct kit *k, struct timer_list *t, u64 expires_ns)
{
	if (t->is_due) {
		list_del_init(&t->due);
		t->is_due = false;
	}
	ev_schedule(k, &t->ev, expires_ns);
}

void del_timer(struct kit *k, struct timer_list *t)
{
	ev_cancel(k, &t->ev);
	if (t->is_due) {
		list_del_init(&t->due);
		t->is_due = false;
	}
}
