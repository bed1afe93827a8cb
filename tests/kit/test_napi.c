/* test_napi.c - NAPI in both eras: quota, budget, the poll list, MISSED, weight 0, the unmask race. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(napi, .timeout = 60);

Test(napi, classic_poll_respects_quota_and_budget, .init = setup, .fini = teardown)
{
	char err[256];
	struct dev_snap *s;
	int work;

	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	setp(k, sn1, "weight", 4);
	kit_set_auto(k, false);
	gen_rx(sn1, 20, 0, IPPROTO_UDP, 60);
	run_idle(k); /* frames land; the interrupt schedules the poll; nobody runs it */
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi_state = %s after the interrupt, expected SCHEDULED",
		     napi_name(snap(sn1)->napi_state));
	work = kit_poll(sn1, 3, err, sizeof(err));
	cr_assert_eq(work, 3, "poll with *budget 3 and quota 4 did %d, expected 3", work);
	/* it returned 1 (more): the core moved it to the tail and refilled its quota */
	s = snap(sn1);
	cr_assert_eq(s->quota, 4, "quota = %d after a 'more' return, expected weight 4", s->quota);
	work = kit_poll(sn1, 10, err, sizeof(err));
	cr_assert_eq(work, 4, "poll with *budget 10 and quota 4 did %d, expected 4", work);
	cr_assert_eq(kit_rule_count(k, RULE_QUOTA_EXCEEDED), 0,
		     "%llu quota-exceeded warnings, expected 0",
		     (unsigned long long)kit_rule_count(k, RULE_QUOTA_EXCEEDED));
	cr_assert_eq(kit_rule_count(k, RULE_BUDGET_NOT_UPDATED), 0,
		     "%llu budget-not-updated warnings, expected 0",
		     (unsigned long long)kit_rule_count(k, RULE_BUDGET_NOT_UPDATED));
	kit_set_auto(k, true);
	run_idle(k);
	cr_assert_eq(st(sn1, "rx_packets"), 20, "rx_packets = %llu, expected 20",
		     (unsigned long long)st(sn1, "rx_packets"));
	check_clean(k);
}

/* Two devices with work, weight 4, one net_rx_action round: a device that
 * used its quota (classic) or its weight (modern) goes to the tail of the
 * poll list, so the two take turns. */
static void polls_take_turns(long mode)
{
	int seen = 0, last = -1;

	setp(k, sn0, "napi", mode);
	setp(k, sn1, "napi", mode);
	setp(k, sn0, "weight", 4);
	setp(k, sn1, "weight", 4);
	kit_set_auto(k, false);
	gen_rx(sn0, 20, 0, IPPROTO_UDP, 60);
	gen_rx(sn1, 20, 0, IPPROTO_UDP, 60);
	run_idle(k); /* both interrupts schedule a poll; nobody runs them */
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_net_rx_action(k);
	for (size_t i = 0; i < log_.n && seen < 10; i++) {
		if (log_.r[i].type != TR_POLL)
			continue;
		cr_assert_neq(log_.r[i].dev, last, "%s: poll %d is sn%d again: a device that used its "
			      "quota must go to the tail", mode == SIMNIC_NAPI_CLASSIC ? "classic" :
			      "modern", seen + 1, log_.r[i].dev);
		last = log_.r[i].dev;
		seen++;
	}
	cr_assert_eq(seen, 10, "%d polls in the round, expected at least 10 (5 each)", seen);
	cr_assert_eq(st(sn0, "rx_packets") + st(sn1, "rx_packets"), 40,
		     "delivered %llu of 40", (unsigned long long)(st(sn0, "rx_packets") +
								 st(sn1, "rx_packets")));
	check_clean(k);
}

Test(napi, classic_poll_list_rotates, .init = setup, .fini = teardown)
{
	polls_take_turns(SIMNIC_NAPI_CLASSIC);
}

Test(napi, modern_poll_list_rotates, .init = setup, .fini = teardown)
{
	polls_take_turns(SIMNIC_NAPI_MODERN);
}

/* 2.6.20 net_rx_action: a device whose quota went negative (its poll did
 * more than it was given) is refilled with quota += weight, not to weight:
 * the overdraft is paid back in its next turn. */
Test(napi, classic_quota_overdraft_is_paid_back, .init = setup, .fini = teardown)
{
	size_t i, j;

	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	setp(k, sn1, "weight", 4);
	kit_set_auto(k, false);
	gen_rx(sn1, 20, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi_state = %s after the interrupt, expected SCHEDULED",
		     napi_name(snap(sn1)->napi_state));
	sn1->quota = -3; /* as a poll that did 7 with a quota of 4 would leave it */
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_net_rx_action(k);
	for (i = 0; i < log_.n && log_.r[i].type != TR_POLL_START; i++)
		;
	cr_assert(i < log_.n, "no poll in the round");
	cr_assert_eq(log_.r[i].b, 1, "first poll with quota %d, expected -3 + weight 4 = 1",
		     (int)log_.r[i].b);
	for (j = i + 1; j < log_.n && log_.r[j].type != TR_POLL; j++)
		;
	cr_assert(j < log_.n, "the poll never ended");
	cr_assert_eq(log_.r[j].b, 1, "first poll did %u, expected its quota of 1", log_.r[j].b);
}

/* napi_complete_done returns false when MISSED rescheduled the instance:
 * the poll must then leave the interrupt masked, or the line comes back
 * while the poll is still scheduled. */
Test(napi, modern_unmasks_only_when_complete_says_so, .init = setup, .fini = teardown)
{
	char err[256];
	int work, rc;

	setp(k, sn1, "napi", SIMNIC_NAPI_MODERN);
	kit_set_auto(k, false);
	gen_rx(sn1, 3, 0, IPPROTO_UDP, 60);
	run_idle(k); /* the interrupt masked RX and scheduled the poll */
	cr_assert_eq(snap(sn1)->ims & E1000_IMS_RX, 0,
		     "IMS = %#x after the interrupt, expected RX (%#x) masked", snap(sn1)->ims,
		     E1000_IMS_RX);
	rc = kit_napi_schedule(sn1, err, sizeof(err)); /* already scheduled: sets MISSED */
	cr_assert_neq(rc, 0, "napi_schedule while scheduled returned %d, expected nonzero", rc);
	work = kit_poll(sn1, 64, err, sizeof(err));
	cr_assert_eq(work, 3, "the poll did %d, expected 3", work);
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi_state = %s after the poll, expected SCHEDULED (MISSED keeps it)",
		     napi_name(snap(sn1)->napi_state));
	cr_assert_eq(snap(sn1)->ims & E1000_IMS_RX, 0,
		     "IMS = %#x: RX unmasked although napi_complete_done returned false",
		     snap(sn1)->ims);
	cr_assert_eq(kit_rule_count(k, RULE_IRQ_BEFORE_COMPLETE), 0, "%llu unmask-before-complete "
		     "warnings, expected 0", (unsigned long long)kit_rule_count(k,
										RULE_IRQ_BEFORE_COMPLETE));
	kit_set_auto(k, true);
	run_idle(k); /* the rescheduled poll finds nothing, completes and unmasks */
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_IDLE,
		     "napi_state = %s after the second poll, expected IDLE",
		     napi_name(snap(sn1)->napi_state));
	cr_assert_neq(snap(sn1)->ims & E1000_IMS_RX, 0,
		      "IMS = %#x after completing, expected RX (%#x) unmasked", snap(sn1)->ims,
		      E1000_IMS_RX);
	check_clean(k);
}

Test(napi, modern_poll_respects_budget, .init = setup, .fini = teardown)
{
	setp(k, sn1, "weight", 4);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_set_auto(k, false);
	gen_rx(sn1, 30, 0, IPPROTO_UDP, 60);
	run_idle(k);
	kit_set_auto(k, true);
	run_idle(k);
	cr_assert_eq(st(sn1, "rx_packets"), 30, "rx_packets = %llu, expected 30",
		     (unsigned long long)st(sn1, "rx_packets"));
	for (size_t i = 0; i < log_.n; i++)
		if (log_.r[i].type == TR_POLL && log_.r[i].dev == sn1->ifindex)
			cr_assert_leq(log_.r[i].b, 4, "a poll with budget 4 did %u", log_.r[i].b);
	cr_assert_geq(st(sn1, "polls"), 8, "30 frames at 4 per poll need at least 8 polls, got %llu",
		      (unsigned long long)st(sn1, "polls"));
	check_clean(k);
}

Test(napi, weight_zero_never_polled, .init = setup, .fini = teardown)
{
	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	setp(k, sn1, "weight", 0);
	gen_rx(sn1, 10, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(st(sn1, "polls"), 0, "a weight-0 device was polled %llu times",
		     (unsigned long long)st(sn1, "polls"));
	cr_assert_eq(st(sn1, "rx_packets"), 0, "rx_packets = %llu, expected 0 (never polled)",
		     (unsigned long long)st(sn1, "rx_packets"));
	cr_assert_geq(kit_rule_count(k, RULE_WEIGHT_ZERO), 1,
		      "%llu weight-0 warnings, expected at least 1",
		      (unsigned long long)kit_rule_count(k, RULE_WEIGHT_ZERO));
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi_state = %s, expected SCHEDULED (it stays scheduled, never polled)",
		     napi_name(snap(sn1)->napi_state));
}

Test(napi, missed_reschedules, .init = setup, .fini = teardown)
{
	char err[256] = "";
	int rc;

	kit_set_auto(k, false);
	rc = kit_napi_schedule(sn1, err, sizeof(err));
	cr_assert_eq(rc, 0, "napi_schedule returned %d, expected 0: %s", rc, err);
	rc = kit_napi_schedule(sn1, err, sizeof(err));
	cr_assert_neq(rc, 0, "a second napi_schedule returned %d, expected it to fail", rc);
	cr_assert_eq(st(sn1, "napi_missed"), 1, "napi_missed = %llu, expected 1 (MISSED recorded)",
		     (unsigned long long)st(sn1, "napi_missed"));
	cr_assert(snap(sn1)->napi_missed, "MISSED is clear after a second schedule, expected set");
	rc = kit_napi_complete(sn1, err, sizeof(err));
	cr_assert_eq(rc, 1, "napi_complete returned %d, expected 1 (false: MISSED was set)", rc);
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi_state = %s, expected SCHEDULED (MISSED keeps it scheduled)",
		     napi_name(snap(sn1)->napi_state));
	kit_set_auto(k, true);
	run_idle(k);
	cr_assert_eq(st(sn1, "polls"), 1, "%llu polls, expected 1 (the missed schedule's)",
		     (unsigned long long)st(sn1, "polls"));
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_IDLE,
		     "napi_state = %s after the poll, expected IDLE",
		     napi_name(snap(sn1)->napi_state));
}

/* Frames arriving at every spacing, in pairs: the second often lands while
 * the poll finishes. Returns how many frames a run left in the ring. */
static u64 stranded(const char *driver, long mode, u64 gap_ns)
{
	char err[512];
	struct kit *m = kit_new(3);
	struct net_device *d = kit_dev_by_name(m, "sn1");
	struct pktgen_cfg c;
	u64 left;

	if (driver)
		cr_assert_geq(kit_driver_load(m, test_driver(driver), err, sizeof(err)), 1, "%s", err);
	kit_param_set(m, d, kit_param_find("napi"), mode, err, sizeof(err));
	pktgen_cfg_default(&c);
	c.count = 2;
	c.rate_pps = 1000000000ULL / gap_ns;
	cr_assert_eq(kit_pktgen(d, &c, err, sizeof(err)), 0, "%s", err);
	kit_run(m, 0, 0, NULL);
	left = kit_dev_stat(d, kit_stat_find("hw_rx_frames")) - kit_dev_stat(d, kit_stat_find("rx_packets"));
	kit_free(m);
	return left;
}

Test(napi, unmask_race_cannot_strand_a_frame)
{
	u64 sol = 0, bad = 0;

	for (u64 gap = 500; gap <= 12000; gap += 100) {
		sol += stranded(NULL, SIMNIC_NAPI_CLASSIC, gap);
		sol += stranded(NULL, SIMNIC_NAPI_MODERN, gap);
		bad += stranded("unmask_first", SIMNIC_NAPI_CLASSIC, gap);
	}
	cr_assert_eq(sol, 0, "the reference driver left %llu frames in the ring",
		     (unsigned long long)sol);
	cr_assert_gt(bad, 0, "unmasking before completing stranded %llu frames, expected some",
		     (unsigned long long)bad);
}

Test(napi, netdev_budget_squeezes, .init = setup, .fini = teardown)
{
	struct kit_snap s;

	setp(k, NULL, "netdev_budget", 8);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_set_auto(k, false);
	gen_rx(sn1, 40, 0, IPPROTO_UDP, 60);
	run_idle(k);
	kit_set_auto(k, true);
	run_idle(k);
	kit_snapshot(k, &s);
	cr_assert_geq(s.time_squeeze, 1,
		      "time_squeeze = %llu, expected >= 1: 40 frames with netdev_budget 8 squeeze",
		      (unsigned long long)s.time_squeeze);
	cr_assert_eq(st(sn1, "rx_packets"), 40, "rx_packets = %llu, expected 40",
		     (unsigned long long)st(sn1, "rx_packets"));
	/* no round does more than one poll past its budget */
	for (size_t i = 0, work = 0; i < log_.n; i++) {
		if (log_.r[i].type == TR_SOFTIRQ && log_.r[i].a == 2)
			work = 0;
		if (log_.r[i].type == TR_POLL) {
			cr_assert_lt(work, 8,
				     "a poll started with %zu already done in the round, budget 8",
				     work);
			work += log_.r[i].b;
		}
	}
}

Test(napi, time_limit_squeezes, .init = setup, .fini = teardown)
{
	struct kit_snap s;

	setp(k, NULL, "netdev_budget_usecs", 1);
	setp(k, sn1, "weight", 2);
	kit_set_auto(k, false);
	gen_rx(sn1, 20, 0, IPPROTO_UDP, 60);
	run_idle(k);
	kit_set_auto(k, true);
	run_idle(k);
	kit_snapshot(k, &s);
	cr_assert_geq(s.time_squeeze, 1,
		      "time_squeeze = %llu, expected >= 1: a 1 us round limit must squeeze",
		      (unsigned long long)s.time_squeeze);
	cr_assert_eq(st(sn1, "rx_packets"), 20, "rx_packets = %llu, expected 20",
		     (unsigned long long)st(sn1, "rx_packets"));
}

Test(napi, poll_over_budget_warns, .init = setup, .fini = teardown)
{
	char err[512];

	cr_assert_geq(kit_driver_load(k, test_driver("poll_overbudget"), err, sizeof(err)), 1, "%s",
		      err);
	setp(k, sn1, "weight", 4);
	gen_rx(sn1, 20, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_geq(kit_rule_count(k, RULE_POLL_OVER_BUDGET), 1,
		      "%llu over-budget warnings, expected >= 1: returning budget + 1 must warn",
		      (unsigned long long)kit_rule_count(k, RULE_POLL_OVER_BUDGET));
}

Test(napi, modern_weight_zero_never_polled, .init = setup, .fini = teardown)
{
	setp(k, sn1, "weight", 0);
	gen_rx(sn1, 5, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(st(sn1, "polls"), 0, "polled %llu times at weight 0",
		     (unsigned long long)st(sn1, "polls"));
	cr_assert_geq(kit_rule_count(k, RULE_WEIGHT_ZERO), 1,
		      "%llu weight-0 warnings, expected at least 1",
		      (unsigned long long)kit_rule_count(k, RULE_WEIGHT_ZERO));
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi_state = %s, expected SCHEDULED (never polled)",
		     napi_name(snap(sn1)->napi_state));
}

Test(napi, unmasking_before_complete_is_warned)
{
	char err[512];
	struct kit *m = kit_new(1);
	struct net_device *d = kit_dev_by_name(m, "sn1");
	struct pktgen_cfg c;

	pktgen_cfg_default(&c);
	c.count = 300;
	c.rate_pps = 200000;
	kit_param_set(m, d, kit_param_find("napi"), SIMNIC_NAPI_CLASSIC, err, sizeof(err));
	kit_pktgen(d, &c, err, sizeof(err));
	kit_run(m, 0, 0, NULL);
	cr_assert_eq(kit_rule_count(m, RULE_IRQ_BEFORE_COMPLETE), 0,
		     "the reference driver got %llu unmask-before-complete warnings, expected 0",
		     (unsigned long long)kit_rule_count(m, RULE_IRQ_BEFORE_COMPLETE));
	kit_free(m);
	m = kit_new(1);
	d = kit_dev_by_name(m, "sn1");
	cr_assert_geq(kit_driver_load(m, test_driver("unmask_first"), err, sizeof(err)), 1, "%s", err);
	kit_param_set(m, d, kit_param_find("napi"), SIMNIC_NAPI_CLASSIC, err, sizeof(err));
	kit_pktgen(d, &c, err, sizeof(err));
	kit_run(m, 0, 0, NULL);
	cr_assert_gt(kit_rule_count(m, RULE_IRQ_BEFORE_COMPLETE), 0,
		     "%llu unmask-before-complete warnings, expected some: unmasking while "
		     "scheduled went unnoticed",
		     (unsigned long long)kit_rule_count(m, RULE_IRQ_BEFORE_COMPLETE));
	kit_free(m);
}
