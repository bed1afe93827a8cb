/* test_drv_fast_complete.c - napi_complete_done's common completion gives the general path's answers. */
#include "kit.h"
/* (after kit.h: its inline helpers name their machine k too) */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(drv_fast_complete, .timeout = 120);

/* What a completion leaves behind: its answer, the state, the list, the counts. */
struct done_note {
	bool ret;
	unsigned long state;
	bool listed;
	u64 completes; /* napi_complete counted by the call */
	u64 softirq_pending;
	int rx_count;
	unsigned long gro_bitmask;
};

/* One state of sn0's instance, by number: the five state bits, on the poll
 * list or not, something batched or held for GRO, the race at a poll's end
 * armed. (Outside a poll the race returns at once, so it changes nothing.) */
#define STATES (32 * 2 * 3 * 2)

static struct napi_struct *napi_of(struct net_device *dev)
{
	return &((struct simnic_adapter *)netdev_priv(dev))->napi;
}

static void set_state(struct napi_struct *n, int s)
{
	list_del_init(&n->poll_list);
	n->state = (unsigned long)(s % 32);
	if ((s / 32) % 2)
		list_add_tail(&n->poll_list, &k->sd.poll_list);
	n->rx_count = (s / 64) % 3 == 1 ? 1 : 0; /* an empty batch that says 1 */
	n->gro_bitmask = (s / 64) % 3 == 2 ? 1 : 0; /* an empty bucket flagged */
	k->race[n->dev->ifindex].rx_every = (s / 192) % 2 ? 3 : 0;
}

static struct done_note complete_as(struct napi_struct *n, int s, bool general)
{
	struct done_note d;

	u64 completes = n->dev->core.napi_complete;

	set_state(n, s);
	k->cpu.softirq_pending = 0;
	d.ret = general ? napi_complete_done_general(n, 5) : napi_complete_done(n, 5);
	d.state = n->state;
	d.listed = !list_empty(&n->poll_list);
	d.completes = n->dev->core.napi_complete - completes;
	d.softirq_pending = k->cpu.softirq_pending;
	d.rx_count = n->rx_count;
	d.gro_bitmask = n->gro_bitmask;
	return d;
}

/* Whether a state is the common completion's (napi.c) on a machine without a trace. */
static bool common(int s)
{
	unsigned long st = (unsigned long)(s % 32);

	return (st & (NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_MISSED) |
		      NAPIF(NAPI_STATE_NPSVC))) == NAPIF(NAPI_STATE_SCHED) &&
	       (s / 64) % 3 == 0 && (s / 192) % 2 == 0;
}

/*
 * Every state, through napi_complete_done and through the general path on
 * the same instance, gives the same answer, state, list, counts and softirq;
 * the general path's own count says which way napi_complete_done went: the
 * short way exactly for the common states of a machine without a trace,
 * never with a trace.
 */
static void every_state_as_general(bool traced)
{
	struct napi_struct *n = napi_of(sn0);
	size_t fast = 0;

	for (int s = 0; s < STATES; s++) {
		unsigned long general_before = n->complete_general;
		u64 rules_before = kit_rule_count(k, RULE_COMPLETE_NOT_SCHED);
		struct done_note a = complete_as(n, s, false);
		bool went_general = n->complete_general != general_before;
		u64 rules_a = kit_rule_count(k, RULE_COMPLETE_NOT_SCHED) - rules_before;

		rules_before = kit_rule_count(k, RULE_COMPLETE_NOT_SCHED);
		struct done_note b = complete_as(n, s, true);
		u64 rules_b = kit_rule_count(k, RULE_COMPLETE_NOT_SCHED) - rules_before;

		cr_assert_eq(went_general, traced || !common(s),
			     "state %d (bits %#x, traced %d): general path taken %d, want %d", s,
			     s % 32, traced, went_general, traced || !common(s));
		fast += !went_general;
		cr_assert_eq(a.ret, b.ret, "state %d: returned %d, the general path %d", s, a.ret,
			     b.ret);
		cr_assert_eq(a.state, b.state, "state %d: state %#lx after, the general path %#lx", s,
			     a.state, b.state);
		cr_assert_eq(a.listed, b.listed, "state %d: listed %d after, the general path %d", s,
			     a.listed, b.listed);
		cr_assert_eq(a.softirq_pending, b.softirq_pending,
			     "state %d: softirqs %#llx pending, the general path %#llx", s,
			     (unsigned long long)a.softirq_pending,
			     (unsigned long long)b.softirq_pending);
		cr_assert_eq(a.completes, b.completes, "state %d: %llu completions counted, the "
			     "general path %llu", s, (unsigned long long)a.completes,
			     (unsigned long long)b.completes);
		cr_assert_eq(a.rx_count, b.rx_count, "state %d: rx_count %d, the general path %d", s,
			     a.rx_count, b.rx_count);
		cr_assert_eq(a.gro_bitmask, b.gro_bitmask,
			     "state %d: gro_bitmask %#lx, the general path %#lx", s, a.gro_bitmask,
			     b.gro_bitmask);
		cr_assert_eq(rules_a, rules_b, "state %d: %llu not-scheduled warnings, the general "
			     "path %llu", s, (unsigned long long)rules_a, (unsigned long long)rules_b);
	}
	/* untraced: SCHED without MISSED or NPSVC (DISABLE and KIT_RESCHED either
	 * way), listed or not, nothing batched or held, the race unarmed */
	cr_assert_eq(fast, traced ? 0 : 4 * 2, "traced %d: %zu states took the short way, want %d",
		     traced, fast, traced ? 0 : 4 * 2);
}

Test(drv_fast_complete, a_common_completion_as_the_general_path, .init = setup, .fini = teardown)
{
	setp(k, sn0, "napi", SIMNIC_NAPI_MODERN);
	kit_set_auto(k, false);
	every_state_as_general(true);
	trace_stop(k);
	every_state_as_general(false);
	set_state(napi_of(sn0), 0);
}

/* What a schedule leaves behind: the state, the list, the softirq and its session. */
struct sched_note {
	unsigned long state;
	bool listed;
	u32 softirq_pending;
	u64 session_start, weight_warnings;
};

/* State s of sn0's instance: in its poll or not, listed or not, a weight or
 * none, a softirq pending already or not (its session started long ago). */
static struct sched_note schedule_as(struct napi_struct *n, int s, bool general)
{
	struct sched_note d;
	u64 warnings = kit_rule_count(k, RULE_WEIGHT_ZERO);

	list_del_init(&n->poll_list);
	if (s & 2)
		list_add_tail(&n->poll_list, &k->sd.poll_list);
	n->in_poll = s & 1;
	n->state = NAPIF(NAPI_STATE_SCHED);
	n->weight = s & 4 ? 0 : 4;
	k->cpu.softirq_pending = s & 8 ? 1u << TIMER_SOFTIRQ : 0;
	k->cpu.sirq_session_start = 7;
	k->now += 1000;
	if (general)
		__napi_schedule_general(n);
	else
		__napi_schedule(n);
	d.state = n->state;
	d.listed = !list_empty(&n->poll_list);
	d.softirq_pending = k->cpu.softirq_pending;
	d.session_start = k->cpu.sirq_session_start;
	d.weight_warnings = kit_rule_count(k, RULE_WEIGHT_ZERO) - warnings;
	return d;
}

/* Every state through __napi_schedule and through the general path agrees;
 * the short way is taken exactly for an instance with a weight on a machine
 * without a trace. */
static void every_schedule_as_general(bool traced)
{
	struct napi_struct *n = napi_of(sn0);
	int weight = n->weight;

	for (int s = 0; s < 16; s++) {
		unsigned long general_before = n->schedule_general;
		struct sched_note a = schedule_as(n, s, false);
		bool went_general = n->schedule_general != general_before;
		struct sched_note b = schedule_as(n, s, true);

		cr_assert_eq(went_general, traced || (s & 4),
			     "state %d (traced %d): general path taken %d, want %d", s, traced,
			     went_general, traced || (s & 4));
		cr_assert_eq(a.state, b.state, "state %d: state %#lx after, the general path %#lx", s,
			     a.state, b.state);
		cr_assert_eq(a.listed, b.listed, "state %d: listed %d after, the general path %d", s,
			     a.listed, b.listed);
		cr_assert_eq(a.softirq_pending, b.softirq_pending,
			     "state %d: softirqs %#x pending, the general path %#x", s,
			     a.softirq_pending, b.softirq_pending);
		/* each call at its own time: the session starts at it or stays at 7 */
		cr_assert_eq(a.session_start == 7, b.session_start == 7,
			     "state %d: session start %llu, the general path %llu", s,
			     (unsigned long long)a.session_start, (unsigned long long)b.session_start);
		cr_assert_eq(a.weight_warnings, b.weight_warnings,
			     "state %d: %llu weight warnings, the general path %llu", s,
			     (unsigned long long)a.weight_warnings, (unsigned long long)b.weight_warnings);
	}
	list_del_init(&n->poll_list);
	n->in_poll = false;
	n->state = 0;
	n->weight = weight;
	k->cpu.softirq_pending = 0;
}

Test(drv_fast_complete, a_common_schedule_as_the_general_path, .init = setup, .fini = teardown)
{
	setp(k, sn0, "napi", SIMNIC_NAPI_MODERN);
	kit_set_auto(k, false);
	every_schedule_as_general(true);
	trace_stop(k);
	every_schedule_as_general(false);
}
