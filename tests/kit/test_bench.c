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

/* The sender holding the qdisc: each burst of 32 waits in it and goes to the
 * driver as one batch (btx) or one train with a doorbell (xmit_more); without
 * the hold every packet goes alone. */
static void sender_batches(enum tx_batch_mode mode, bool hold, u64 n, u64 *batches, u64 *bells)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	char err[256];

	cr_assert_eq(kit_param_set(k, NULL, kit_param_find("wire_peer"), 0, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(kit_param_set(k, sn0, kit_param_find("itr"), 20000, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(kit_param_set(k, sn0, kit_param_find("batching"), mode, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(kit_sender_start(sn0, &p, n), 0, "the sender did not start");
	kit_sender_hold_qdisc(k, hold);
	kit_run(k, 0, 0, NULL);
	cr_assert_eq(kit_dev_stat(sn0, kit_stat_find("hw_tx_frames")), n,
		     "%llu frames sent, expected %llu",
		     (unsigned long long)kit_dev_stat(sn0, kit_stat_find("hw_tx_frames")),
		     (unsigned long long)n);
	*batches = kit_dev_stat(sn0, kit_stat_find("batches"));
	*bells = kit_dev_stat(sn0, kit_stat_find("doorbells"));
	kit_free(k);
}

Test(bench, a_held_qdisc_makes_batches_of_the_burst)
{
	const u64 n = 3200;
	u64 batches, bells;

	/* 32 a batch, more when BQL stopped the queue and bursts piled up */
	sender_batches(TX_BATCH_BTX, true, n, &batches, &bells);
	cr_assert(batches >= n / 64 && batches <= n / 32,
		  "btx, held: %llu batches for %llu packets, expected %llu to %llu",
		  (unsigned long long)batches, (unsigned long long)n, (unsigned long long)(n / 64),
		  (unsigned long long)(n / 32));
	cr_assert_eq(bells, batches, "btx, held: %llu doorbells for %llu batches",
		     (unsigned long long)bells, (unsigned long long)batches);
	sender_batches(TX_BATCH_BTX, false, n, &batches, &bells);
	cr_assert_gt(batches, n * 3 / 4, "btx, not held: %llu batches for %llu packets, "
		     "expected most packets alone (> 3/4 as many batches)", (unsigned long long)batches,
		     (unsigned long long)n);
	sender_batches(TX_BATCH_XMIT_MORE, true, n, &batches, &bells);
	cr_assert(bells >= n / 64 && bells <= n / 32 + 8,
		  "xmit_more, held: %llu doorbells for %llu packets, expected %llu to %llu (one "
		  "per train)", (unsigned long long)bells, (unsigned long long)n,
		  (unsigned long long)(n / 64), (unsigned long long)(n / 32 + 8));
}

/* A bench machine, as an experiment's, keeps no trace; keeping it changes
 * nothing the machine does (no outcome may depend on whether it is read). */
Test(bench, the_trace_changes_no_outcome)
{
	const u64 n = 5000;

	for (int i = 0; i < kit_bench_count(); i++) {
		const char *name = kit_bench_name(i);
		struct bench_sim off, on;

		kit_bench_keep_trace(false);
		cr_assert_eq(kit_bench_sim(name, n, &off), 0, "scenario %s did not run", name);
		kit_bench_keep_trace(true);
		cr_assert_eq(kit_bench_sim(name, n, &on), 0, "scenario %s did not run traced", name);
		kit_bench_keep_trace(false);
		cr_assert_eq(on.packets, off.packets, "%s: %llu packets traced, %llu untraced", name,
			     (unsigned long long)on.packets, (unsigned long long)off.packets);
		cr_assert_eq(on.sim_ns, off.sim_ns, "%s: traced it ended at %llu ns, untraced at %llu",
			     name, (unsigned long long)on.sim_ns, (unsigned long long)off.sim_ns);
		cr_assert_eq(on.cpu_ns, off.cpu_ns, "%s: traced %llu CPU ns, untraced %llu", name,
			     (unsigned long long)on.cpu_ns, (unsigned long long)off.cpu_ns);
		cr_assert_eq(on.sig, off.sig, "%s: traced outcome hash %016llx, untraced %016llx",
			     name, (unsigned long long)on.sig, (unsigned long long)off.sig);
	}
}
