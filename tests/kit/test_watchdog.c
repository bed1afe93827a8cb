/* test_watchdog.c - dev_watchdog's periodic check, tx_timeout, and reset_task in the kworker. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(watchdog, .timeout = 30);

static const struct kit_pkt udp60 = { .len = 60, .proto = IPPROTO_UDP };

/* Frames that never complete (nothing is reclaimed): the ring fills and stays full. */
static void stall(void)
{
	setp(k, sn0, "bql", 0); /* the ring fills (BQL would stop the queue first) */
	setp(k, sn0, "tx_ring", 16);
	setp(k, sn0, "fault_lockup", 1); /* every TX interrupt is lost */
}

static u64 ms(u64 n)
{
	return n * NSEC_PER_MSEC;
}

/* 2.6.20's dev_watchdog runs every watchdog_timeo from the moment the device
 * came up and fires only when time_after(jiffies, trans_start + timeo): with
 * the last transmit in jiffy 0 and timeo 5, the tick at 5 ms finds it not
 * yet late and the tick at 10 ms fires. */
Test(watchdog, fires_on_its_period_with_time_after, .init = setup, .fini = teardown)
{
	stall();
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_xmit_frames(sn0, &udp60, 20);
	cr_assert(snap(sn0)->queue_stopped, "the queue runs with %u free, expected the ring full",
		  snap(sn0)->tx.unused);
	kit_run(k, 0, ms(9), NULL);
	cr_assert_eq(st(sn0, "tx_timeouts"), 0, "tx_timeouts = %llu at 9 ms, expected 0: the 5 ms "
		     "tick is not after trans_start + 5", (unsigned long long)st(sn0, "tx_timeouts"));
	kit_run(k, 0, ms(11), NULL);
	cr_assert_eq(st(sn0, "tx_timeouts"), 1, "tx_timeouts = %llu at 11 ms, expected 1",
		     (unsigned long long)st(sn0, "tx_timeouts"));
	for (size_t i = 0; i < log_.n; i++)
		if (log_.r[i].type == TR_WATCHDOG)
			cr_assert_eq(log_.r[i].t, ms(10), "the watchdog fired at %llu ns, expected the "
				     "10 ms tick", (unsigned long long)log_.r[i].t);
	cr_assert_eq(kit_rule_count(k, RULE_TX_TIMEOUT), 1, "%llu watchdog warnings, expected 1",
		     (unsigned long long)kit_rule_count(k, RULE_TX_TIMEOUT));
	cr_assert_eq(st(sn0, "tx_timeout_count"), 1, "the driver counted %llu timeouts, expected 1",
		     (unsigned long long)st(sn0, "tx_timeout_count"));
}

/* The period starts when the device comes up, not when the queue stops: a
 * stop at 7 ms after a transmit in jiffy 7 is caught at the 15 ms tick. */
Test(watchdog, the_period_starts_at_open, .init = setup, .fini = teardown)
{
	stall();
	kit_run(k, 0, ms(7), NULL);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_xmit_frames(sn0, &udp60, 20);
	run_idle(k);
	for (size_t i = 0; i < log_.n; i++)
		if (log_.r[i].type == TR_WATCHDOG) {
			cr_assert_eq(log_.r[i].t, ms(15), "first timeout at %llu ns, expected the 15 ms "
				     "tick (ticks at 5, 10, 15 ms)", (unsigned long long)log_.r[i].t);
			break;
		}
	cr_assert_geq(st(sn0, "tx_timeouts"), 1, "no timeout, expected one");
}

/* watchdog_timeo <= 0 means 5 * HZ, as __netdev_watchdog_up makes it. */
Test(watchdog, timeo_zero_means_five_seconds, .init = setup, .fini = teardown)
{
	stall();
	setp(k, sn0, "watchdog_timeo", 0);
	kit_xmit_frames(sn0, &udp60, 20);
	kit_run(k, 0, ms(9999), NULL);
	cr_assert_eq(st(sn0, "tx_timeouts"), 0, "tx_timeouts = %llu after 9.999 s, expected 0 "
		     "(ticks every 5 s, the first too early)", (unsigned long long)st(sn0, "tx_timeouts"));
	kit_run(k, 0, ms(10001), NULL);
	cr_assert_eq(st(sn0, "tx_timeouts"), 1, "tx_timeouts = %llu after 10.001 s, expected 1",
		     (unsigned long long)st(sn0, "tx_timeouts"));
	setp(k, sn0, "tx_ring", 16); /* reopen: the core writes 5 * HZ back */
	cr_assert_eq(kit_param_get(k, sn0, kit_param_find("watchdog_timeo")), 5 * HZ,
		     "watchdog_timeo %ld after the device came up again, expected %d",
		     kit_param_get(k, sn0, kit_param_find("watchdog_timeo")), 5 * HZ);
}

/* tx_timeout only schedules the reset; the kworker runs it later, in process
 * context: down (rings cleaned), up. Nothing is freed in the timer. */
Test(watchdog, reset_runs_as_work_in_process_context, .init = setup, .fini = teardown)
{
	size_t wd = 0, queued = 0, ran = 0, reset = 0;

	stall();
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_xmit_frames(sn0, &udp60, 20);
	kit_run(k, 0, ms(12), NULL);
	for (size_t i = 0; i < log_.n; i++) {
		const struct trace_rec *r = &log_.r[i];

		if (r->type == TR_WATCHDOG) {
			wd = i;
			cr_assert_eq(r->ctx, CTX_SOFTIRQ, "the watchdog ran in context %u, expected softirq",
				     r->ctx);
		} else if (r->type == TR_WORK && !r->a) {
			queued = i;
			cr_assert_eq(r->ctx, CTX_SOFTIRQ, "reset_task queued in context %u, expected "
				     "softirq (the timer)", r->ctx);
		} else if (r->type == TR_WORK && r->a) {
			ran = i;
			cr_assert_eq(r->ctx, CTX_PROCESS, "reset_task ran in context %u, expected "
				     "process", r->ctx);
		} else if (r->type == TR_RESET) {
			reset = i;
		} else if (r->type == TR_SKB_FREE && wd && !ran) {
			cr_assert_fail("skb#%u freed between the timeout and the work: the timer reset "
				       "the ring itself", r->a);
		}
	}
	cr_assert(wd && queued > wd && ran > queued && reset > ran,
		  "records out of order: watchdog %zu, queued %zu, ran %zu, reset %zu", wd, queued,
		  ran, reset);
	cr_assert_eq(st(sn0, "tx_timeout_count"), 1, "tx_timeout_count %llu, expected 1",
		     (unsigned long long)st(sn0, "tx_timeout_count"));
	cr_assert_eq(st(sn0, "tx_errors"), 0, "tx_errors %llu, expected 0 (e1000 does not count a "
		     "timeout there)", (unsigned long long)st(sn0, "tx_errors"));
	check_clean(k);
}

/* Every ringful stalls again: repeated timeouts, each one reset, and the
 * packets waiting in the qdisc survive every reset and all reach sn1. */
Test(watchdog, repeated_timeouts_each_reset, .init = setup, .fini = teardown)
{
	size_t runs;

	stall();
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_xmit_frames(sn0, &udp60, 60);
	run_idle(k);
	runs = 0;
	for (size_t i = 0; i < log_.n; i++)
		runs += log_.r[i].type == TR_WORK && log_.r[i].a;
	cr_assert_geq(st(sn0, "tx_timeouts"), 3, "tx_timeouts = %llu for 4 ringfuls, expected 3 or more",
		      (unsigned long long)st(sn0, "tx_timeouts"));
	cr_assert_eq(st(sn0, "tx_timeout_count"), st(sn0, "tx_timeouts"), "the driver counted %llu of "
		     "%llu timeouts", (unsigned long long)st(sn0, "tx_timeout_count"),
		     (unsigned long long)st(sn0, "tx_timeouts"));
	cr_assert_eq(runs, st(sn0, "tx_timeouts"), "reset_task ran %zu times for %llu timeouts", runs,
		     (unsigned long long)st(sn0, "tx_timeouts"));
	cr_assert_eq(rec_count(&log_, TR_RESET, sn0->ifindex), runs, "%zu resets for %zu runs",
		     rec_count(&log_, TR_RESET, sn0->ifindex), runs);
	cr_assert_eq(flow(k, 0).packets, 60, "sn1 got %llu of 60 frames, expected all (only TX "
		     "interrupts are lost)", (unsigned long long)flow(k, 0).packets);
	cr_assert_eq(flow(k, 0).errors, 0, "%llu stream errors", (unsigned long long)flow(k, 0).errors);
	cr_assert(!snap(sn0)->queue_stopped, "the queue is stopped on an idle machine");
	check_clean(k);
}

/* A queue BQL holds because completions stopped coming has hung too: the
 * watchdog tests netif_xmit_stopped, both stops. */
Test(watchdog, bql_stop_times_out_too, .init = setup, .fini = teardown)
{
	setp(k, sn0, "fault_lockup", 1);
	kit_xmit_frames(sn0, &udp60, 20);
	cr_assert(snap(sn0)->bql_stopped && !snap(sn0)->queue_stopped,
		  "expected BQL, not the driver, to hold the queue");
	kit_run(k, 0, ms(11), NULL);
	cr_assert_eq(st(sn0, "tx_timeouts"), 1, "tx_timeouts = %llu with BQL stuck, expected 1",
		     (unsigned long long)st(sn0, "tx_timeouts"));
}

/* Completions every 3 ms keep trans_start fresh: the watchdog stays quiet,
 * and an idle machine with a running queue has no timer left. */
Test(watchdog, quiet_while_traffic_moves, .init = setup, .fini = teardown)
{
	setp(k, sn0, "bql", 0);
	setp(k, sn0, "tx_ring", 16);
	setp(k, sn0, "fault_dd_delay", 3 * 1000 * 1000); /* slow, but under 5 ms */
	kit_xmit_frames(sn0, &udp60, 60);
	kit_run(k, 0, ms(40), NULL);
	cr_assert_geq(st(sn0, "queue_stops"), 2,
		      "queue_stops = %llu, expected the queue to stop repeatedly (>= 2)",
		      (unsigned long long)st(sn0, "queue_stops"));
	cr_assert_eq(st(sn0, "tx_timeouts"), 0,
		     "tx_timeouts = %llu with completions every 3 ms, expected 0",
		     (unsigned long long)st(sn0, "tx_timeouts"));
	run_idle(k);
	cr_assert_eq(st(sn0, "tx_timeouts"), 0, "tx_timeouts = %llu on an idle, running queue, "
		     "expected 0", (unsigned long long)st(sn0, "tx_timeouts"));
}
