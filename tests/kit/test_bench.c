/* test_bench.c - the bench's scenarios: every one runs its packets, the same way every time. */
#include "helpers.h"

TestSuite(bench, .timeout = 120);

Test(bench, every_scenario_runs_its_packets_deterministically)
{
	const u64 n = 5000;

	cr_assert_geq(kit_bench_count(), 7, "%d bench scenarios, expected at least 7",
		      kit_bench_count());
	for (int i = 0; i < kit_bench_count(); i++) {
		const char *name = kit_bench_name(i);
		struct bench_sim a, b;

		cr_assert_eq(kit_bench_sim(name, n, &a), 0, "scenario %s did not run", name);
		cr_assert_eq(a.packets, n, "%s: %llu packets went through, expected %llu", name,
			     (unsigned long long)a.packets, (unsigned long long)n);
		cr_assert_gt(a.cpu_ns, 0, "%s: no CPU time was charged", name);
		cr_assert_eq(kit_bench_sim(name, n, &b), 0, "scenario %s did not run again", name);
		cr_assert_eq(a.sim_ns, b.sim_ns, "%s: the second run ended at %llu ns, the first at %llu",
			     name, (unsigned long long)b.sim_ns, (unsigned long long)a.sim_ns);
		cr_assert_eq(a.sig, b.sig, "%s: the second run's outcome hash is %016llx, the first's %016llx",
			     name, (unsigned long long)b.sig, (unsigned long long)a.sig);
	}
}

Test(bench, unknown_scenario_is_refused)
{
	struct bench_sim r = { .packets = 7 };

	cr_assert_eq(kit_bench_sim("no-such-scenario", 100, &r), -EINVAL,
		     "an unknown scenario was not refused with -EINVAL");
	cr_assert_eq(r.packets, 7, "a refused run wrote its result (%llu packets)",
		     (unsigned long long)r.packets);
	cr_assert_eq(kit_bench_name(kit_bench_count()), NULL, "a name past the last scenario");
}
