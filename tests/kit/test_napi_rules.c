/* test_napi_rules.c - broken polls named by their rules; napi_disable; backlog weight; squeezes. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(napi_rules, .timeout = 60);

static void load(const char *driver)
{
	char err[512];

	cr_assert_geq(kit_driver_load(k, test_driver(driver), err, sizeof(err)), 1, "%s: %s", driver,
		      err);
}

static u64 rule(enum kit_rule r)
{
	return kit_rule_count(k, r);
}

/* The classic-poll rules other than want, all at zero: each driver breaks one thing. */
static void only(enum kit_rule want, const char *driver)
{
	static const enum kit_rule classic[] = { RULE_QUOTA_EXCEEDED, RULE_BUDGET_NOT_UPDATED,
						 RULE_POLL_RET_CLASSIC,
						 RULE_POLL_MORE_AFTER_COMPLETE };

	cr_assert_geq(rule(want), 1, "%s: %llu records of \"%s\", expected at least 1", driver,
		      (unsigned long long)rule(want), kit_rule_name(want));
	for (size_t i = 0; i < ARRAY_SIZE(classic); i++)
		if (classic[i] != want)
			cr_assert_eq(rule(classic[i]), 0, "%s: %llu records of \"%s\", expected 0",
				     driver, (unsigned long long)rule(classic[i]),
				     kit_rule_name(classic[i]));
}

Test(napi_rules, classic_quota_ignored, .init = setup, .fini = teardown)
{
	load("poll_quota");
	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	setp(k, sn1, "weight", 4);
	gen_rx(sn1, 20, 0, IPPROTO_UDP, 60);
	run_idle(k);
	only(RULE_QUOTA_EXCEEDED, "poll_quota");
}

Test(napi_rules, classic_budget_not_subtracted, .init = setup, .fini = teardown)
{
	load("poll_nobudget");
	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	setp(k, sn1, "weight", 4);
	gen_rx(sn1, 20, 0, IPPROTO_UDP, 60);
	run_idle(k);
	only(RULE_BUDGET_NOT_UPDATED, "poll_nobudget");
	cr_assert_eq(st(sn1, "rx_packets"), 20, "rx_packets = %llu, expected 20",
		     (unsigned long long)st(sn1, "rx_packets"));
}

/* Returning 0 without completing leaves the device listed for good: one poll, by hand. */
Test(napi_rules, classic_done_without_complete, .init = setup, .fini = teardown)
{
	char err[256];

	load("poll_noret");
	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	kit_set_auto(k, false);
	gen_rx(sn1, 3, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(kit_poll(sn1, 64, err, sizeof(err)), 3, "the poll did not take 3 frames: %s",
		     err);
	only(RULE_POLL_RET_CLASSIC, "poll_noret");
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi_state = %s, expected SCHEDULED (never completed)",
		     napi_name(snap(sn1)->napi_state));
}

Test(napi_rules, classic_more_after_complete, .init = setup, .fini = teardown)
{
	load("poll_more");
	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	gen_rx(sn1, 3, 0, IPPROTO_UDP, 60);
	run_idle(k);
	only(RULE_POLL_MORE_AFTER_COMPLETE, "poll_more");
	cr_assert(kit_rule_is_bug(RULE_POLL_MORE_AFTER_COMPLETE),
		  "returning 1 after netif_rx_complete is an oops in 2.6.20, expected a BUG rule");
}

/* LDD3's shape (complete when a poll does less than it may, netif_rx_reschedule
 * for a frame that raced in) is a variant: every frame up, no rule at all. */
Test(napi_rules, classic_ldd3_shape_is_clean, .init = setup, .fini = teardown)
{
	struct pktgen_cfg c;
	struct kit_snap s;
	size_t resched = 0;
	char err[256];

	load("poll_ldd3");
	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	setp(k, sn1, "rx_usecs", 30); /* a frame's cause comes late: the poll sees DD first */
	kit_trace_subscribe(k, rec_log_cb, &log_);
	pktgen_cfg_default(&c);
	c.count = 400;
	c.rate_pps = 300000;
	cr_assert_eq(kit_pktgen(sn1, &c, err, sizeof(err)), 0, "pktgen: %s", err);
	run_idle(k);
	for (size_t i = 0; i < log_.n; i++)
		resched += log_.r[i].type == TR_NAPI_SCHED && log_.r[i].c;
	cr_assert_gt(resched, 0, "netif_rx_reschedule never took the device back");
	kit_snapshot(k, &s);
	cr_assert_eq(s.bugs + s.warnings + s.advice, 0,
		     "%llu BUG, %llu WARNING, %llu advice records, expected none",
		     (unsigned long long)s.bugs, (unsigned long long)s.warnings,
		     (unsigned long long)s.advice);
	cr_assert_eq(st(sn1, "rx_packets"), 400, "rx_packets = %llu, expected 400",
		     (unsigned long long)st(sn1, "rx_packets"));
	check_clean(k);
}

/* napi_disable waits for a pending poll (the kit runs it), in both eras: the
 * frames in the ring go up before the device closes. */
static void disable_runs_pending_poll(long mode)
{
	setp(k, sn1, "napi", mode);
	kit_set_auto(k, false);
	gen_rx(sn1, 5, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED, "%ld: napi_state = %s, expected "
		     "SCHEDULED", mode, napi_name(snap(sn1)->napi_state));
	setp(k, sn1, "rx_ring", 128); /* down and up: napi_disable / netif_poll_disable */
	cr_assert_eq(st(sn1, "rx_packets"), 5, "%ld: rx_packets = %llu after close, expected the "
		     "5 the pending poll took", mode, (unsigned long long)st(sn1, "rx_packets"));
	cr_assert_eq(rule(RULE_NAPI_DISABLE_STUCK), 0, "%ld: %llu stuck disables, expected 0", mode,
		     (unsigned long long)rule(RULE_NAPI_DISABLE_STUCK));
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_IDLE, "%ld: napi_state = %s after reopen, "
		     "expected IDLE (enabled)", mode, napi_name(snap(sn1)->napi_state));
	gen_rx(sn1, 2, 0, IPPROTO_UDP, 60);
	kit_set_auto(k, true);
	run_idle(k);
	cr_assert_eq(st(sn1, "rx_packets"), 7, "%ld: rx_packets = %llu after reopen, expected 7",
		     mode, (unsigned long long)st(sn1, "rx_packets"));
	check_clean(k);
}

Test(napi_rules, modern_disable_runs_pending_poll, .init = setup, .fini = teardown)
{
	disable_runs_pending_poll(SIMNIC_NAPI_MODERN);
}

Test(napi_rules, classic_disable_runs_pending_poll, .init = setup, .fini = teardown)
{
	disable_runs_pending_poll(SIMNIC_NAPI_CLASSIC);
}

/* A disabled instance refuses schedules (no MISSED either); enabled, it takes them. */
Test(napi_rules, disabled_refuses_schedules, .init = setup, .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn1);

	napi_disable(&a->napi);
	cr_assert(!napi_schedule(&a->napi), "napi_schedule on a disabled instance succeeded");
	cr_assert(!(a->napi.state & (1UL << NAPI_STATE_MISSED)),
		  "a disabled instance recorded MISSED (state %#lx)", a->napi.state);
	napi_enable(&a->napi);
	cr_assert(napi_schedule(&a->napi), "napi_schedule after napi_enable failed");
	run_idle(k);
	check_clean(k);
}

/* A poll that can never finish: napi_disable would sleep for ever, and says so. */
Test(napi_rules, disable_of_a_stuck_instance_says_so, .init = setup, .fini = teardown)
{
	load("poll_nocomplete");
	kit_set_auto(k, false);
	gen_rx(sn1, 3, 0, IPPROTO_UDP, 60);
	run_idle(k);
	setp(k, sn1, "rx_ring", 128);
	cr_assert_eq(rule(RULE_NAPI_DISABLE_STUCK), 1, "%llu stuck-disable records, expected 1",
		     (unsigned long long)rule(RULE_NAPI_DISABLE_STUCK));
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_IDLE, "napi_state = %s after reopen, expected "
		     "IDLE", napi_name(snap(sn1)->napi_state));
}

/* The backlog's instance has weight 64 (dev_rx_weight): a round of budget 100
 * takes two polls, 128 packets (a poll may use its whole weight). */
Test(napi_rules, backlog_weight_64, .init = setup, .fini = teardown)
{
	struct kit_snap s;

	setp(k, sn1, "napi", SIMNIC_NONAPI);
	setp(k, NULL, "netdev_budget", 100);
	kit_set_auto(k, false);
	gen_rx(sn1, 200, 1000000, IPPROTO_UDP, 60);
	run_idle(k);
	kit_snapshot(k, &s);
	cr_assert_eq(s.backlog_len, 200, "backlog holds %u, expected 200", s.backlog_len);
	kit_net_rx_action(k);
	kit_snapshot(k, &s);
	cr_assert_eq(s.backlog_len, 72, "backlog holds %u after one round, expected 200 - 2 x 64 = 72",
		     s.backlog_len);
}

/* The squeeze as each era counts it. A 1 us round limit runs out during the
 * first poll; LDD3's classic poll completes there with nothing left (2.6.20:
 * no squeeze), the modern poll too (6.x: a squeeze all the same). */
Test(napi_rules, squeeze_counted_per_era, .init = setup, .fini = teardown)
{
	struct kit_snap s;

	load("poll_ldd3");
	setp(k, NULL, "netdev_budget_usecs", 1);
	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	gen_rx(sn1, 2, 0, IPPROTO_UDP, 60);
	run_idle(k);
	kit_snapshot(k, &s);
	cr_assert_eq(st(sn1, "polls"), 1, "classic: %llu polls, expected 1",
		     (unsigned long long)st(sn1, "polls"));
	cr_assert_eq(s.time_squeeze, 0, "classic: time_squeeze = %llu, expected 0: 2.6.20 counts "
		     "only with work left", (unsigned long long)s.time_squeeze);
	setp(k, sn1, "napi", SIMNIC_NAPI_MODERN);
	gen_rx(sn1, 2, 0, IPPROTO_UDP, 60);
	run_idle(k);
	kit_snapshot(k, &s);
	cr_assert_eq(st(sn1, "polls"), 2, "modern: %llu polls in all, expected 2",
		     (unsigned long long)st(sn1, "polls"));
	cr_assert_eq(s.time_squeeze, 1, "modern: time_squeeze = %llu, expected 1: 6.x counts a "
		     "round out of time even with nothing left", (unsigned long long)s.time_squeeze);
}
