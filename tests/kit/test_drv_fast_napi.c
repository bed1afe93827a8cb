/* test_drv_fast_napi.c - the poll loop's and the CPU's shortcuts give the long way's answers. */
#include "kit.h"
/* (after kit.h: its inline helpers name their machine k too) */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(drv_fast_napi, .timeout = 120);

/* ---- the poll list's classic devices ---------------------------------------- */

/*
 * napi_classic_of answers NULL at once while k->sd.classic_listed says no
 * classic device is on the poll list. Each entry is held against the search
 * over every device, and the count against the entries that are devices.
 */
static void poll_list_as_searched(const char *when)
{
	struct list_head *e;
	int classic = 0, n = 0;

	list_for_each(e, &k->sd.poll_list) {
		struct net_device *want = NULL;

		for (int i = 0; i < k->ndevs; i++)
			if (e == &k->devs[i]->poll_list)
				want = k->devs[i];
		classic += want != NULL;
		cr_assert_eq(napi_classic_of(k, e), want, "%s: entry %d is %s, napi_classic_of gave %s",
			     when, n, want ? want->name : "a napi",
			     napi_classic_of(k, e) ? napi_classic_of(k, e)->name : "a napi");
		n++;
	}
	cr_assert_eq(k->sd.classic_listed, classic, "%s: %d classic devices counted, %d listed",
		     when, k->sd.classic_listed, classic);
}

/* Step the machine until idle, the poll list checked after every step. */
static void steps_checked(const char *what)
{
	char when[128];
	u64 n = 0;

	while (kit_step(k)) {
		snprintf(when, sizeof(when), "%s, step %llu", what, (unsigned long long)n++);
		poll_list_as_searched(when);
		cr_assert_lt(n, 5000000, "%s: no end after %llu steps", what, (unsigned long long)n);
	}
}

Test(drv_fast_napi, classic_devices_on_the_poll_list_are_counted, .init = setup, .fini = teardown)
{
	static const long modes[][2] = {
		{ SIMNIC_NAPI_CLASSIC, SIMNIC_NAPI_CLASSIC },
		{ SIMNIC_NAPI_CLASSIC, SIMNIC_NAPI_MODERN },
		{ SIMNIC_NAPI_MODERN, SIMNIC_NAPI_CLASSIC },
		{ SIMNIC_NAPI_MODERN, SIMNIC_NAPI_MODERN },
	};
	char err[256], what[64];
	u64 polled = 0;

	poll_list_as_searched("new machine");
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		setp(k, sn0, "napi", modes[m][0]);
		setp(k, sn1, "napi", modes[m][1]);
		setp(k, sn0, "weight", 4);
		setp(k, sn1, "weight", 3);
		poll_list_as_searched("modes set");
		/* with auto on: interrupts, polls, completions, reschedules */
		kit_set_auto(k, true);
		gen_rx(sn0, 60, 0, IPPROTO_UDP, 60);
		gen_rx(sn1, 60, 200000, IPPROTO_UDP, 60);
		snprintf(what, sizeof(what), "modes %zu, auto", m);
		steps_checked(what);
		/* with auto off: both scheduled and left listed, then polled by hand
		 * and the mode changed under a listed device */
		kit_set_auto(k, false);
		gen_rx(sn0, 20, 0, IPPROTO_UDP, 60);
		gen_rx(sn1, 20, 0, IPPROTO_UDP, 60);
		snprintf(what, sizeof(what), "modes %zu, manual", m);
		steps_checked(what);
		for (int i = 0; i < 3; i++) {
			int w0 = kit_poll(sn0, 2, err, sizeof(err));
			int w1 = kit_poll(sn1, 2, err, sizeof(err));

			polled += (u64)(w0 > 0 ? w0 : 0) + (u64)(w1 > 0 ? w1 : 0);
			poll_list_as_searched("polled by hand");
		}
		setp(k, sn1, "napi", modes[m][1] == SIMNIC_NAPI_CLASSIC ? SIMNIC_NAPI_MODERN :
									 SIMNIC_NAPI_CLASSIC);
		poll_list_as_searched("sn1's mode changed while listed");
		kit_net_rx_action(k);
		poll_list_as_searched("a round after the change");
		kit_set_auto(k, true);
		steps_checked("auto again");
	}
	cr_assert_gt(polled, 0, "no poll by hand did any work");
	cr_assert_eq(k->sd.classic_listed, 0, "%d classic devices counted on an idle machine",
		     k->sd.classic_listed);
	check_clean(k);
}

/* ---- a modern poll's bookkeeping (netrx.c) -------------------------------------- */

/*
 * A device's modern poll that did some work and less than its weight skips
 * the general path's rules: it must still count the poll, its work, budget
 * and work last, clear the run of empty polls and write its TR_POLL record.
 */
static void one_poll_as_counted(int budget, u64 frames, const char *what)
{
	struct netdev_core_stats c0 = sn1->core;
	size_t from = log_.n;
	char err[256];
	int work;

	gen_rx(sn1, frames, 0, IPPROTO_UDP, 60);
	run_idle(k); /* landed, the poll scheduled, not run (auto off) */
	sn1->core.empty_polls = 7;
	work = kit_poll(sn1, budget, err, sizeof(err));
	cr_assert_eq(work, (int)(frames < (u64)budget ? frames : (u64)budget),
		     "%s: a poll of %d over %llu frames did %d", what, budget,
		     (unsigned long long)frames, work);
	cr_assert_eq(sn1->core.polls, c0.polls + 1, "%s: %llu polls counted, want 1", what,
		     (unsigned long long)(sn1->core.polls - c0.polls));
	cr_assert_eq(sn1->core.poll_work, c0.poll_work + (u64)work, "%s: %llu work counted, "
		     "want %d", what, (unsigned long long)(sn1->core.poll_work - c0.poll_work), work);
	cr_assert_eq(sn1->core.last_budget, budget, "%s: last budget %d, want %d", what,
		     sn1->core.last_budget, budget);
	cr_assert_eq(sn1->core.last_work, work, "%s: last work %d, want %d", what,
		     sn1->core.last_work, work);
	cr_assert_eq(sn1->core.empty_polls, 0, "%s: %llu empty polls in a row after a poll that "
		     "did %d", what, (unsigned long long)sn1->core.empty_polls, work);
	size_t polls = 0;

	for (size_t i = from; i < log_.n; i++) {
		if (log_.r[i].type != TR_POLL)
			continue;
		polls++;
		cr_assert(log_.r[i].dev == sn1->ifindex && log_.r[i].a == (u32)budget &&
				  log_.r[i].b == (u32)work && log_.r[i].c == (u32)work && !log_.r[i].d,
			  "%s: TR_POLL sn%d %u %u %u %u, want sn1 %d %d %d 0", what, log_.r[i].dev,
			  log_.r[i].a, log_.r[i].b, log_.r[i].c, log_.r[i].d, budget, work, work);
	}
	cr_assert_eq(polls, 1, "%s: %zu TR_POLL records, want 1", what, polls);
}

Test(drv_fast_napi, a_modern_poll_below_its_weight_is_counted, .init = setup, .fini = teardown)
{
	setp(k, sn1, "napi", SIMNIC_NAPI_MODERN);
	kit_set_auto(k, false);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	one_poll_as_counted(16, 5, "5 frames, budget 16");
	one_poll_as_counted(16, 15, "15 frames, budget 16");
	one_poll_as_counted(8, 1, "1 frame, budget 8");
	one_poll_as_counted(4, 4, "4 frames, budget 4 (the general path)");
	one_poll_as_counted(4, 9, "9 frames, budget 4 (the general path)");
	/* and a whole run with polls rescheduled while they ran: everything lands */
	kit_set_auto(k, true);
	run_idle(k);
	gen_rx(sn1, 3000, 300000, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(st(sn1, "rx_packets"), 5 + 15 + 1 + 4 + 9 + 3000, "rx_packets %llu, want %d",
		     (unsigned long long)st(sn1, "rx_packets"), 5 + 15 + 1 + 4 + 9 + 3000);
	cr_assert_eq(sn1->core.polls, rec_count(&log_, TR_POLL, sn1->ifindex),
		     "%llu polls counted, %zu recorded", (unsigned long long)sn1->core.polls,
		     rec_count(&log_, TR_POLL, sn1->ifindex));
	check_clean(k);
}

/* ---- the interrupt line taken (cpu.c) ---------------------------------------------- */

/*
 * The CPU takes the lowest pending line first (its device by the bit's
 * index); a line with no device behind it is left pending. Lines raised by
 * hand with no cause asserted behind them are each taken and dropped.
 */
Test(drv_fast_napi, the_lowest_pending_line_is_taken_first, .init = setup, .fini = teardown)
{
	static const u32 lines[] = { 0x1, 0x2, 0x3, 0x6, 0x80000003u, 0x80000002u };

	kit_set_auto(k, false);
	run_idle(k);
	cr_assert_eq(k->ndevs, 2, "%d devices, expected sn0 and sn1", k->ndevs);
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		u32 p = lines[i];
		int low = __builtin_ctz(p);
		u32 want = low < k->ndevs ? p & ~(1u << low) : p;

		k->cpu.irq_pending = p;
		cr_assert_eq(kit_step(k), 1, "lines %#x: nothing ran", p);
		cr_assert_eq(k->cpu.irq_pending, want, "lines %#x: %#x left pending, want %#x", p,
			     k->cpu.irq_pending, want);
	}
	/* a line past the last device: nobody's, it stays */
	k->cpu.irq_pending = 1u << 5;
	cr_assert_eq(kit_step(k), 1, "a line with no device: nothing ran");
	cr_assert_eq(k->cpu.irq_pending, 1u << 5, "line 5 left %#x pending, want %#x",
		     k->cpu.irq_pending, 1u << 5);
	k->cpu.irq_pending = 0;
	run_idle(k);
}

/* ---- a poll's answer to "anything left?" (netrx.c, cpu.c) -------------------------- */

/*
 * net_rx_step says whether the poll list holds pollable work after its poll
 * where it found out (0 or 1), for the softirq's own test; that answer must
 * be net_rx_pending's. Rounds in both eras and mixed, with budgets and
 * weights small enough to squeeze, a weight-0 device passed over.
 */
static void rounds_answered(long m0, long m1, long w0, long w1, long budget, const char *what)
{
	enum kit_ctx prev;
	u64 steps = 0, known = 0;

	setp(k, sn0, "napi", m0);
	setp(k, sn1, "napi", m1);
	setp(k, sn0, "weight", w0);
	setp(k, sn1, "weight", w1);
	setp(k, NULL, "netdev_budget", budget);
	kit_set_auto(k, false);
	gen_rx(sn0, 40, 0, IPPROTO_UDP, 60);
	gen_rx(sn1, 40, 0, IPPROTO_UDP, 60);
	run_idle(k); /* landed; both scheduled, nobody polled */
	prev = cpu_enter(k, CTX_SOFTIRQ);
	for (int round = 0; round < 400 && net_rx_pending(k); round++) {
		k->sd.rx_round = false;
		do {
			int r = net_rx_step(k);

			steps++;
			if (r >= 0) {
				known++;
				cr_assert_eq(r, net_rx_pending(k), "%s, round %d: the step said %d, "
					     "net_rx_pending %d", what, round, r, net_rx_pending(k));
			}
			cr_assert(r != 0 || !k->sd.rx_round, "%s, round %d: nothing pending, the "
				  "round still open", what, round);
		} while (k->sd.rx_round);
	}
	cpu_leave(k, prev);
	cr_assert_gt(known, 0, "%s: no step knew", what);
	kit_set_auto(k, true);
	run_idle(k);
	cr_assert_geq(steps, 2, "%s: %llu steps", what, (unsigned long long)steps);
}

Test(drv_fast_napi, a_poll_step_knows_what_is_pending, .init = setup, .fini = teardown)
{
	rounds_answered(SIMNIC_NAPI_MODERN, SIMNIC_NAPI_MODERN, 64, 64, 300, "modern, room");
	rounds_answered(SIMNIC_NAPI_MODERN, SIMNIC_NAPI_MODERN, 4, 3, 10, "modern, squeezed");
	rounds_answered(SIMNIC_NAPI_CLASSIC, SIMNIC_NAPI_CLASSIC, 4, 4, 7, "classic, squeezed");
	rounds_answered(SIMNIC_NAPI_CLASSIC, SIMNIC_NAPI_MODERN, 5, 2, 9, "mixed");
	rounds_answered(SIMNIC_NAPI_MODERN, SIMNIC_NAPI_CLASSIC, 1, 64, 300, "mixed, weight 1");
	rounds_answered(SIMNIC_NAPI_MODERN, SIMNIC_NAPI_MODERN, 0, 4, 6, "a weight-0 device");
	rounds_answered(SIMNIC_NAPI_CLASSIC, SIMNIC_NAPI_CLASSIC, 0, 4, 6, "classic, weight 0");
}
