/* drv_helpers.h - for the driver-call tests: the state an enter writes, read and set whole. */
#ifndef TESTS_KIT_DRV_HELPERS_H
#define TESTS_KIT_DRV_HELPERS_H

#include "kit.h"

/* What an enter writes: the running, last and outermost pairs, the count, the start. */
struct enter_state {
	const char *running, *last, *outer;
	struct net_device *dev_running, *dev_last, *dev_outer;
	u64 calls, enter_ns;
};

static inline struct enter_state enter_state_of(const struct kit *m)
{
	return (struct enter_state){ m->lab_running, m->lab_last, m->lab_outer,
				     m->dev_running, m->dev_last, m->dev_outer,
				     m->lab_calls, m->lab_enter_ns };
}

static inline void enter_state_set(struct kit *m, const struct enter_state *s)
{
	m->lab_running = s->running;
	m->lab_last = s->last;
	m->lab_outer = s->outer;
	m->dev_running = s->dev_running;
	m->dev_last = s->dev_last;
	m->dev_outer = s->dev_outer;
	m->lab_calls = s->calls;
	m->lab_enter_ns = s->enter_ns;
}

#endif
