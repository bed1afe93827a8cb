/* test_cpu_pick.c - the CPU model's thread turn: min_vruntime from the pick, against the look over the list. */
#include "kit.h"
#include "helpers.h"

/*
 * run_thread takes min_vruntime after a turn from what pick_thread saw (the
 * least vruntime of the other runnable threads) while nothing picked again
 * or changed the list during the turn, and looks it up over the list
 * otherwise (min_vruntime_general, counted in cpu.min_vruntime_general). Test threads answer runnable or not
 * at random, run for a random time, now and then add or remove a thread in
 * their turn, and some sit in the list twice. After every turn min_vruntime
 * must be what the look over the list gives: the greater of the one before
 * and the runner's vruntime, lowered to the least vruntime of every thread
 * marked runnable.
 */

#define NT 3
#define STEPS 20000

static u64 seed = 0x2545f4914f6cdd1dull;
static bool answer[NT];
static int ran = -1;
static int add_in_turn = -1, del_in_turn = -1;
static struct kthread th[NT];
static struct kthread spare;

static u64 rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static bool t_runnable(struct kit *k, struct kthread *t)
{
	(void)k;
	return t == &spare ? false : answer[t - th];
}

static void t_run(struct kit *k, struct kthread *t)
{
	ran = (int)(t - th);
	k->now += rnd() % 4 ? rnd() % 2000 : 0;
	if (add_in_turn >= 0)
		kthread_add(k, &spare);
	if (del_in_turn >= 0)
		kthread_del(k, &spare);
}

/* What the look over the list makes of min_vruntime after t's turn. */
static u64 expected_min(const struct kit *k, u64 before, const struct kthread *t)
{
	u64 m = t->vruntime > before ? t->vruntime : before;

	for (int i = 0; i < k->cpu.nthreads; i++)
		if (k->cpu.threads[i]->was_runnable && k->cpu.threads[i]->vruntime < m)
			m = k->cpu.threads[i]->vruntime;
	return m;
}

/* A machine for the test threads: entered, no trace, no timeline, no hw steps. */
static struct kit *pick_machine(void)
{
	struct kit *k = kit_new(1);

	cr_assert_not_null(k, "kit_new(1) returned NULL, expected a machine");
	kit_enter(k);
	trace_stop(k);
	tl_stop(k);
	kit_set_hw_steps(k, false);
	return k;
}

Test(cpu_pick, min_vruntime_after_a_turn_is_the_look_over_the_list)
{
	struct kit *k = pick_machine();
	u64 turns = 0, general_turns = 0, changes = 0;

	for (int i = 0; i < NT; i++) {
		th[i] = (struct kthread){ .name = "pick-test", .runnable = t_runnable, .run = t_run };
		kthread_add(k, &th[i]);
	}
	kthread_add(k, &th[2]); /* listed twice */
	spare = (struct kthread){ .name = "spare", .runnable = t_runnable, .run = t_run };
	for (int step = 0; step < STEPS; step++) {
		u64 before = k->cpu.min_vruntime, general = k->cpu.min_vruntime_general;
		bool change;

		for (int i = 0; i < NT; i++)
			answer[i] = rnd() % 3 != 0;
		/* a turn that adds the spare thread, or takes it out */
		change = rnd() % 16 == 0;
		add_in_turn = del_in_turn = -1;
		if (change) {
			bool listed = false;

			for (int i = 0; i < k->cpu.nthreads; i++)
				listed |= k->cpu.threads[i] == &spare;
			if (listed)
				del_in_turn = 1;
			else if (k->cpu.nthreads < KIT_MAX_THREADS)
				add_in_turn = 1;
			else
				change = false;
		}
		ran = -1;
		kit_step(k);
		if (ran < 0) {
			cr_assert_eq(k->cpu.min_vruntime, before,
				     "step %d: no test thread ran, min_vruntime %llu, expected %llu",
				     step, (unsigned long long)k->cpu.min_vruntime,
				     (unsigned long long)before);
			continue;
		}
		turns++;
		cr_assert_eq(k->cpu.min_vruntime, expected_min(k, before, &th[ran]),
			     "step %d (thread %d ran, list %s): min_vruntime %llu, expected %llu", step,
			     ran, change ? "changed" : "kept", (unsigned long long)k->cpu.min_vruntime,
			     (unsigned long long)expected_min(k, before, &th[ran]));
		/* the pick's answer is taken exactly when the list stayed as it was */
		cr_assert_eq(k->cpu.min_vruntime_general - general, change ? 1u : 0u,
			     "step %d: %llu looks over the list in a turn that %s the list", step,
			     (unsigned long long)(k->cpu.min_vruntime_general - general),
			     change ? "changed" : "kept");
		general_turns += k->cpu.min_vruntime_general - general;
		changes += change;
	}
	cr_assert_gt(turns, STEPS / 2, "only %llu turns of test threads in %d steps",
		     (unsigned long long)turns, STEPS);
	cr_assert_gt(general_turns, 100, "only %llu turns looked over the list",
		     (unsigned long long)general_turns);
	for (int i = 0; i < k->cpu.nthreads;)
		if (k->cpu.threads[i] == &spare || (k->cpu.threads[i] >= th &&
						     k->cpu.threads[i] < th + NT))
			kthread_del(k, k->cpu.threads[i]);
		else
			i++;
	kit_free(k);
	(void)changes;
}

/*
 * A turn that runs a step of the machine itself (a nested pick and turn,
 * as a thread waiting on the machine would): the pick's answer from before
 * is stale, and the turn must look over the list, from min_vruntime as the
 * nested turn left it and with the nested pick's marks.
 */
static struct kthread nt[NT];
static int nest_ran = -1, depth;
static bool nested;
static u64 nested_min;

static bool n_runnable(struct kit *k, struct kthread *t)
{
	(void)k;
	(void)t;
	return rnd() % 4 != 0;
}

static void n_run(struct kit *k, struct kthread *t)
{
	k->now += rnd() % 3000;
	if (depth)
		return;
	nest_ran = (int)(t - nt);
	if (rnd() % 2) {
		depth++;
		kit_step(k);
		depth--;
		nested = true;
		nested_min = k->cpu.min_vruntime;
	}
}

Test(cpu_pick, a_turn_with_a_nested_pick_looks_over_the_list)
{
	struct kit *k = pick_machine();
	u64 nests = 0;

	for (int i = 0; i < NT; i++) {
		nt[i] = (struct kthread){ .name = "nest-test", .runnable = n_runnable, .run = n_run };
		kthread_add(k, &nt[i]);
	}
	for (int step = 0; step < STEPS; step++) {
		u64 before = k->cpu.min_vruntime, general = k->cpu.min_vruntime_general, want;

		nest_ran = -1;
		nested = false;
		kit_step(k);
		if (nest_ran < 0)
			continue;
		want = expected_min(k, nested ? nested_min : before, &nt[nest_ran]);
		cr_assert_eq(k->cpu.min_vruntime, want,
			     "step %d (thread %d ran, %s): min_vruntime %llu, expected %llu", step,
			     nest_ran, nested ? "a nested pick in its turn" : "no nested pick",
			     (unsigned long long)k->cpu.min_vruntime, (unsigned long long)want);
		if (nested) {
			cr_assert_gt(k->cpu.min_vruntime_general, general,
				     "step %d: a turn with a nested pick took the pick's answer", step);
			nests++;
		}
	}
	cr_assert_gt(nests, STEPS / 8, "only %llu turns with a nested pick in %d steps",
		     (unsigned long long)nests, STEPS);
	for (int i = 0; i < NT; i++)
		kthread_del(k, &nt[i]);
	kit_free(k);
}
