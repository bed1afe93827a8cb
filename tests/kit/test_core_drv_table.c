/* test_core_drv_table.c - adapter->ops follows the watching, and only between driver calls. */
#include "kit.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(core_drv_table, .timeout = 60);

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
	cr_assert(watched != quiet, "adapter->ops is the quiet table with a timeline on");
	cr_assert_eq(((struct simnic_adapter *)netdev_priv(sn1))->ops, watched,
		     "sn1's adapter->ops is not sn0's watched table");
	n = nested_call();
	/* the nested call's begin and end (the counters may add samples) */
	cr_assert_geq(n, 2, "a watched nested call wrote %llu timeline records, expected 2 or more",
		      (unsigned long long)n);
	tl_stop(k);
	cr_assert_eq(a->ops, quiet, "adapter->ops not the quiet table again after tl_stop");
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
	cr_assert_eq(a->ops, quiet, "adapter->ops switched during a driver call");
	cr_assert(k->drv_watch, "drv_watch %d with guards set up during a call, expected 1",
		  k->drv_watch);
	driver_leave(k, inner);
	cr_assert_eq(a->ops, quiet, "adapter->ops switched at a nested call's leave");
	driver_leave(k, outer);
	watched = a->ops;
	cr_assert(watched != quiet, "adapter->ops still the quiet table after the outermost leave");
	cr_assert(k->drv_watch, "drv_watch %d with guards on, expected 1", k->drv_watch);

	outer = driver_enter(k, sn0, "poll");
	kit_guard_each_call(k, false);
	cr_assert_eq(a->ops, watched, "adapter->ops switched during a driver call");
	cr_assert(k->drv_watch, "drv_watch %d with guards gone during a call, expected 1",
		  k->drv_watch);
	driver_leave(k, outer);
	cr_assert_eq(a->ops, quiet, "adapter->ops not the quiet table after the outermost leave");
	cr_assert(!k->drv_watch, "drv_watch %d after the outermost leave, expected 0", k->drv_watch);
	cr_assert_null(k->lab_running, "%s still running", k->lab_running);
}
