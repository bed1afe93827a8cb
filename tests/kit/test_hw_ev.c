/* test_hw_ev.c - the hardware's event set in hw.c as the event queue sets it. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(hw_ev, .timeout = 60);

struct ev_state {
	u64 time, seq, qseq;
	int idx;
};

static struct ev_state ev_now(void)
{
	return (struct ev_state){ k->hw_ev.time, k->hw_ev.seq, k->evq.seq, k->hw_ev.idx };
}

/*
 * hw_ev_at (and hw_arm, inline) sets the hardware's event itself, as
 * ev_cancel and ev_schedule would: cancelled at KIT_NEVER, kept with its seq
 * at the time it has, given the new time and the queue's next seq at any
 * other. A run of times (new ones, repeats, cancels, a repeat after a
 * cancel) is set both ways from the same start: the event's time, seq and
 * place and the queue's seq must agree after every one.
 */
Test(hw_ev, the_hardware_event_is_set_as_the_queue_sets_it, .init = setup, .fini = teardown)
{
	static const u64 ats[] = { 100, 100, 200, KIT_NEVER, 200, 200, KIT_NEVER, KIT_NEVER,
				   50, 51, 51, 0, 0, KIT_NEVER, 0 };
	struct sim_event saved;
	u64 qseq;

	kit_enter(k);
	run_idle(k);
	kit_set_hw_steps(k, true); /* hw_ev_at is where hw_ev is set */
	saved = k->hw_ev;
	qseq = k->evq.seq;
	for (size_t n = 1; n <= ARRAY_SIZE(ats); n++) {
		struct ev_state a, b;

		k->hw_ev = saved;
		k->evq.seq = qseq;
		for (size_t i = 0; i < n; i++)
			hw_ev_at(k, ats[i]);
		a = ev_now();
		k->hw_ev = saved;
		k->evq.seq = qseq;
		for (size_t i = 0; i < n; i++) {
			if (ats[i] == KIT_NEVER)
				ev_cancel(k, &k->hw_ev);
			else
				ev_schedule(k, &k->hw_ev, ats[i]);
		}
		b = ev_now();
		cr_assert_eq(a.idx >= 0, b.idx >= 0, "after %zu times: queued %d, the queue's %d", n,
			     a.idx >= 0, b.idx >= 0);
		cr_assert_eq(a.idx, b.idx, "after %zu times: place %d, the queue's %d", n, a.idx,
			     b.idx);
		if (b.idx >= 0) {
			cr_assert_eq(a.time, b.time, "after %zu times: time %llu, the queue's %llu", n,
				     (unsigned long long)a.time, (unsigned long long)b.time);
			cr_assert_eq(a.seq, b.seq, "after %zu times: seq %llu, the queue's %llu", n,
				     (unsigned long long)a.seq, (unsigned long long)b.seq);
		}
		cr_assert_eq(a.qseq, b.qseq, "after %zu times: the queue's seq %llu, expected %llu",
			     n, (unsigned long long)a.qseq, (unsigned long long)b.qseq);
	}
	k->hw_ev = saved;
	k->evq.seq = qseq;
	kit_set_hw_steps(k, false);
}
