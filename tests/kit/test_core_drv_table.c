/* test_core_drv_table.c - adapter->ops follows the watching, and only between driver calls. */
#include "kit.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(core_drv_table, .timeout = 60);

/* Which of the two tables ops is, for the messages. */
static const char *table(const struct simnic_lab_ops *ops, const struct simnic_lab_ops *quiet)
{
	return ops == quiet ? "the quiet table" : "the watched table";
}

/* A call through sn0's adapter->ops made as from inside its hard_start_xmit;
 * how many timeline records it wrote. */
static u64 nested_call(void)
{
	struct simnic_adapter *a = netdev_priv(sn0);
	struct drvcall dc = driver_enter(k, sn0, "hard_start_xmit");
	u64 before = kit_timeline_total(k), after;

	a->ops->maybe_stop_tx(a, 0);
	after = kit_timeline_total(k);
	driver_leave(k, dc);
	return after - before;
}

/*
 * The quiet table's wrappers do not ask k->drv_watch, so with a timeline the
 * device must hold the other one: a nested call writes its slice's begin and
 * end; without one, none, and the tables differ.
 */
Test(core_drv_table, a_timeline_gets_the_watched_table, .init = setup, .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn0);
	const struct simnic_lab_ops *quiet, *watched;
	u64 n;

	trace_stop(k);
	tl_stop(k);
	cr_assert(!k->drv_watch, "drv_watch %d with no timeline and no guards, expected 0",
		  k->drv_watch);
	quiet = a->ops;
	n = nested_call();
	cr_assert_eq(n, 0, "a quiet machine's nested call wrote %llu timeline records, expected 0",
		     (unsigned long long)n);
	tl_init(k);
	watched = a->ops;
	cr_assert(watched != quiet, "adapter->ops is %s with a timeline on, expected the watched table",
		  table(watched, quiet));
	cr_assert_eq(((struct simnic_adapter *)netdev_priv(sn1))->ops, watched,
		     "sn1's adapter->ops is %s, expected sn0's watched table",
		     table(((struct simnic_adapter *)netdev_priv(sn1))->ops, quiet));
	n = nested_call();
	/* the nested call's begin and end (the counters may add samples) */
	cr_assert_geq(n, 2, "a watched nested call wrote %llu timeline records, expected 2 or more",
		      (unsigned long long)n);
	tl_stop(k);
	cr_assert_eq(a->ops, quiet, "adapter->ops is %s after tl_stop, expected the quiet table",
		     table(a->ops, quiet));
	cr_assert(!k->drv_watch, "drv_watch %d after tl_stop, expected 0", k->drv_watch);
}

/*
 * Guards switched on and off while a driver call runs: driver code may hold
 * the table it found, so adapter->ops keeps it until the outermost call's
 * end, k->drv_watch set meanwhile (that end goes the long way), then both
 * follow the guards.
 */
Test(core_drv_table, the_switch_waits_for_the_outermost_leave, .init = setup, .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn0);
	const struct simnic_lab_ops *quiet, *watched;
	struct drvcall outer, inner;

	trace_stop(k);
	tl_stop(k);
	quiet = a->ops;
	outer = driver_enter(k, sn0, "poll");
	inner = driver_enter(k, sn0, "clean_rx_irq");
	kit_guard_each_call(k, true);
	cr_assert_eq(a->ops, quiet, "adapter->ops is %s during a driver call, expected the quiet table",
		     table(a->ops, quiet));
	cr_assert(k->drv_watch, "drv_watch %d with guards set up during a call, expected 1",
		  k->drv_watch);
	driver_leave(k, inner);
	cr_assert_eq(a->ops, quiet, "adapter->ops is %s after a nested call's leave, expected the quiet "
		     "table", table(a->ops, quiet));
	driver_leave(k, outer);
	watched = a->ops;
	cr_assert(watched != quiet, "adapter->ops is %s after the outermost leave with guards on, "
		  "expected the watched table", table(watched, quiet));
	cr_assert(k->drv_watch, "drv_watch %d with guards on, expected 1", k->drv_watch);

	outer = driver_enter(k, sn0, "poll");
	kit_guard_each_call(k, false);
	cr_assert_eq(a->ops, watched, "adapter->ops is %s during a driver call, expected the watched "
		     "table", table(a->ops, quiet));
	cr_assert(k->drv_watch, "drv_watch %d with guards gone during a call, expected 1",
		  k->drv_watch);
	driver_leave(k, outer);
	cr_assert_eq(a->ops, quiet, "adapter->ops is %s after the outermost leave with guards gone, "
		     "expected the quiet table", table(a->ops, quiet));
	cr_assert(!k->drv_watch, "drv_watch %d after the outermost leave, expected 0", k->drv_watch);
	cr_assert_null(k->lab_running, "%s still running", k->lab_running);
}

/*
 * A timeline set up during a call entered and left quietly (the poll, the
 * alone packet's hard_start_xmit: their watching settled at their start):
 * the quiet leave switches nothing, and the next outermost call, entered the
 * long way (drv_watch set), takes the watched table before driver code runs,
 * so a call nested in it writes its slice.
 */
Test(core_drv_table, a_change_during_a_quiet_call_reaches_the_next_call, .init = setup,
     .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn0);
	const struct simnic_lab_ops *quiet;
	struct drvcall outer;
	u64 n;

	trace_stop(k);
	tl_stop(k);
	quiet = a->ops;
	outer = driver_enter_quiet(k, sn0, "poll");
	tl_init(k);
	cr_assert(k->drv_watch, "drv_watch %d with a timeline set up during a call, expected 1",
		  k->drv_watch);
	cr_assert_eq(a->ops, quiet, "adapter->ops is %s during a driver call, expected the quiet table",
		     table(a->ops, quiet));
	driver_leave_quiet(k, outer);
	n = nested_call();
	cr_assert_geq(n, 2,
		      "the next call's nested call wrote %llu timeline records, expected 2 or more",
		      (unsigned long long)n);
	cr_assert(a->ops != quiet, "adapter->ops is %s after the next call, expected the watched table",
		  table(a->ops, quiet));
	tl_stop(k);
	cr_assert_eq(a->ops, quiet, "adapter->ops is %s after tl_stop, expected the quiet table",
		     table(a->ops, quiet));
	cr_assert_null(k->lab_running, "%s still running", k->lab_running);
}
