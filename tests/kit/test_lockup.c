/* test_lockup.c - a poll that never completes is a soft lockup: the run stops, the device is broken. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(lockup, .timeout = 30);

static void stuck(const char *driver, long napi)
{
	char err[256];
	enum kit_stop why;
	u64 n;

	cr_assert_eq(kit_driver_load(k, test_driver(driver), err, sizeof(err)), 1, "%s: %s", driver,
		     err);
	setp(k, NULL, "napi", napi);
	gen_rx(sn1, 1, 0, IPPROTO_UDP, 60);
	n = kit_run(k, 100000000, 0, &why);
	cr_assert_eq(why, KIT_STOP_BROKEN, "%s: the run stopped for %d after %llu steps, expected "
		     "KIT_STOP_BROKEN", driver, why, (unsigned long long)n);
	cr_assert_lt(n, 20000, "%s: %llu steps before the lockup, expected about 10000", driver,
		     (unsigned long long)n);
	cr_assert(kit_dev_broken(sn1), "%s: sn1 is not broken", driver);
	cr_assert(!kit_dev_broken(sn0), "%s: sn0 is broken too", driver);
	cr_assert_eq(kit_rule_count(k, RULE_SOFT_LOCKUP), 1, "%s: %llu soft lockups, expected 1",
		     driver, (unsigned long long)kit_rule_count(k, RULE_SOFT_LOCKUP));
	/* the machine goes on: the next run is idle at once */
	kit_run(k, 1000, 0, &why);
	cr_assert_eq(why, KIT_STOP_IDLE, "%s: after the lockup the machine is not idle (%d)",
		     driver, why);
}

Test(lockup, classic_poll_returning_1_forever, .init = setup, .fini = teardown)
{
	stuck("poll_forever", SIMNIC_NAPI_CLASSIC);
}

Test(lockup, modern_poll_returning_budget_forever, .init = setup, .fini = teardown)
{
	stuck("poll_modern_forever", SIMNIC_NAPI_MODERN);
}

/* A busy healthy poll asks for more many times in a row, but each time it did work. */
Test(lockup, a_long_busy_run_is_no_lockup, .init = setup, .fini = teardown)
{
	setp(k, NULL, "napi", SIMNIC_NAPI_CLASSIC);
	gen_rx(sn1, 30000, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(kit_rule_count(k, RULE_SOFT_LOCKUP), 0, "%llu soft lockups, expected none",
		     (unsigned long long)kit_rule_count(k, RULE_SOFT_LOCKUP));
	cr_assert(!kit_dev_broken(sn1), "sn1 is broken after healthy traffic");
}
