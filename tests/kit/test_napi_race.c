/* test_napi_race.c - race_rx_irq: a frame after the poll's last look, in both eras, both orders. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(napi_race, .timeout = 60);

/* 20 frames far apart (each poll ends before the next arrives), the race at every poll. */
static void race_run(const char *driver, long mode)
{
	char err[512];

	if (driver)
		cr_assert_geq(kit_driver_load(k, test_driver(driver), err, sizeof(err)), 1, "%s: %s",
			      driver, err);
	setp(k, sn1, "napi", mode);
	setp(k, sn1, "race_rx_irq", 1);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	gen_rx(sn1, 20, 100000, IPPROTO_UDP, 200);
	run_idle(k);
}

static u64 races(void)
{
	u64 n = 0;

	for (size_t i = 0; i < log_.n; i++)
		n += log_.r[i].type == TR_RACE && log_.r[i].a == 2;
	return n;
}

Test(napi_race, knob_reads_back_and_defaults_off, .init = setup, .fini = teardown)
{
	char err[256];
	int p = kit_param_find("race_rx_irq");

	cr_assert_geq(p, 0, "no parameter race_rx_irq");
	cr_assert_eq(kit_param_get(k, sn1, p), 0, "race_rx_irq = %ld, expected 0 by default",
		     kit_param_get(k, sn1, p));
	cr_assert_eq(kit_param_set(k, sn1, p, 3, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kit_param_get(k, sn1, p), 3, "race_rx_irq = %ld after set 3",
		     kit_param_get(k, sn1, p));
	cr_assert_eq(kit_param_get(k, sn0, p), 0, "sn0's race_rx_irq = %ld, expected 0 (per device)",
		     kit_param_get(k, sn0, p));
}

Test(napi_race, off_means_no_race, .init = setup, .fini = teardown)
{
	kit_trace_subscribe(k, rec_log_cb, &log_);
	gen_rx(sn1, 20, 100000, IPPROTO_UDP, 200);
	run_idle(k);
	cr_assert_eq(races(), 0, "%llu injected frames with race_rx_irq 0, expected 0",
		     (unsigned long long)races());
	cr_assert_eq(st(sn1, "napi_missed"), 0, "napi_missed = %llu, expected 0",
		     (unsigned long long)st(sn1, "napi_missed"));
}

Test(napi_race, modern_reference_polls_again_on_missed, .init = setup, .fini = teardown)
{
	race_run(NULL, SIMNIC_NAPI_MODERN);
	cr_assert_geq(races(), 10, "%llu injected frames, expected at least 10 of 20",
		      (unsigned long long)races());
	cr_assert_eq(st(sn1, "rx_packets"), 20, "rx_packets = %llu, expected 20",
		     (unsigned long long)st(sn1, "rx_packets"));
	cr_assert_eq(st(sn1, "napi_missed"), races(), "napi_missed = %llu, expected %llu (one per race)",
		     (unsigned long long)st(sn1, "napi_missed"), (unsigned long long)races());
	cr_assert_eq(kit_rule_count(k, RULE_IRQ_BEFORE_COMPLETE), 0,
		     "the reference unmasked while scheduled %llu times, expected 0",
		     (unsigned long long)kit_rule_count(k, RULE_IRQ_BEFORE_COMPLETE));
	check_clean(k);
}

Test(napi_race, classic_reference_loses_nothing, .init = setup, .fini = teardown)
{
	race_run(NULL, SIMNIC_NAPI_CLASSIC);
	cr_assert_geq(races(), 10, "%llu injected frames, expected at least 10 of 20",
		      (unsigned long long)races());
	cr_assert_eq(st(sn1, "rx_packets"), 20, "rx_packets = %llu, expected 20",
		     (unsigned long long)st(sn1, "rx_packets"));
	cr_assert_eq(kit_rule_count(k, RULE_IRQ_BEFORE_COMPLETE), 0,
		     "the reference unmasked while scheduled %llu times, expected 0",
		     (unsigned long long)kit_rule_count(k, RULE_IRQ_BEFORE_COMPLETE));
}

Test(napi_race, classic_unmask_first_strands_a_frame, .init = setup, .fini = teardown)
{
	u64 rx, hw;

	race_run("unmask_first", SIMNIC_NAPI_CLASSIC);
	rx = st(sn1, "rx_packets");
	hw = st(sn1, "hw_rx_frames");
	cr_assert_eq(hw, 20, "hw_rx_frames = %llu, expected 20", (unsigned long long)hw);
	cr_assert_lt(rx, hw, "rx_packets = %llu of %llu: unmasking first lost no interrupt, "
		     "expected a frame left in the ring", (unsigned long long)rx,
		     (unsigned long long)hw);
	cr_assert_geq(kit_rule_count(k, RULE_IRQ_BEFORE_COMPLETE), 1,
		      "%llu unmask-before-complete reports, expected at least 1",
		      (unsigned long long)kit_rule_count(k, RULE_IRQ_BEFORE_COMPLETE));
}

/* The guide's driver under the default modern NAPI: the early unmask's interrupt is MISSED, not lost. */
Test(napi_race, modern_unmask_first_shows_missed, .init = setup, .fini = teardown)
{
	race_run("unmask_first", SIMNIC_NAPI_MODERN);
	cr_assert_geq(races(), 10, "%llu injected frames, expected at least 10 of 20",
		      (unsigned long long)races());
	cr_assert_gt(st(sn1, "napi_missed"), 0, "napi_missed = 0: the interrupt the early unmask "
		     "raises while scheduled should set MISSED");
	cr_assert_eq(st(sn1, "rx_packets"), 20, "rx_packets = %llu, expected 20 (MISSED polls "
		     "again: nothing waits)", (unsigned long long)st(sn1, "rx_packets"));
	cr_assert_geq(kit_rule_count(k, RULE_IRQ_BEFORE_COMPLETE), 1,
		      "%llu unmask-before-complete reports, expected at least 1",
		      (unsigned long long)kit_rule_count(k, RULE_IRQ_BEFORE_COMPLETE));
}

Test(napi_race, modern_unmask_after_false_is_reported, .init = setup, .fini = teardown)
{
	race_run("unmask_missed", SIMNIC_NAPI_MODERN);
	cr_assert_geq(st(sn1, "napi_missed"), 1, "napi_missed = %llu, expected at least 1",
		      (unsigned long long)st(sn1, "napi_missed"));
	cr_assert_geq(kit_rule_count(k, RULE_IRQ_BEFORE_COMPLETE), 1,
		      "%llu unmask-while-scheduled reports after napi_complete_done said false, "
		      "expected at least 1",
		      (unsigned long long)kit_rule_count(k, RULE_IRQ_BEFORE_COMPLETE));
}
