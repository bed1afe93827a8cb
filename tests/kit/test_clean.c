/* test_clean.c - the reference driver is clean: no BUG, WARNING or advice record anywhere. */
#include "helpers.h"

/*
 * The model answers are what students read, so they must not trip a single
 * rule: every experiment, and long runs of traffic both ways (a remote
 * sender into sn1, a local sender out of sn0, pings across the pair) in
 * every receive mode, with LRO off and on, in every batching mode.
 * Experiments make machines of their own, so the test reads the process's
 * totals (kit_rule_total) before and after.
 */

TestSuite(clean, .timeout = 240);

static u64 totals[RULE_NR];

static void totals_read(void)
{
	for (int r = 0; r < RULE_NR; r++)
		totals[r] = kit_rule_total((enum kit_rule)r);
}

static void totals_unchanged(const char *what)
{
	for (int r = 0; r < RULE_NR; r++) {
		u64 n = kit_rule_total((enum kit_rule)r) - totals[r];

		cr_assert_eq(n, 0, "%s: %llu records of \"%s\", expected none from the reference",
			     what, (unsigned long long)n, kit_rule_name((enum kit_rule)r));
	}
}

Test(clean, every_experiment)
{
	static struct exp_table t;

	for (int i = 0; i < kit_experiment_count(); i++) {
		const char *name = kit_experiment_at(i)->name;
		char err[1024] = "";
		int rc;

		totals_read();
		rc = kit_experiment(name, 1, NULL, &t, err, sizeof(err));
		cr_assert_eq(rc, 0, "experiment %s returned %d: %s", name, rc, err);
		totals_unchanged(name);
	}
}

/* Traffic both ways for a while in one configuration; the machine must go idle clean. */
static void traffic(long napi, long lro, long batching, long rx_usecs)
{
	static const char *const napi_w[] = { "none", "classic", "modern" };
	static const char *const batch_w[] = { "none", "btx", "skb_blist", "xmit_more" };
	struct kit *k = kit_new(7);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0"), *sn1 = kit_dev_by_name(k, "sn1");
	struct kit_pkt tx = { .len = 300, .proto = IPPROTO_TCP, .flow = 3 };
	struct pktgen_cfg c;
	char what[128], err[256], report[2048];
	int problems;

	snprintf(what, sizeof(what), "napi %s, lro %ld, batching %s, rx_usecs %ld", napi_w[napi],
		 lro, batch_w[batching], rx_usecs);
	totals_read();
	kit_set_hw_steps(k, false);
	setp(k, NULL, "napi", napi);
	setp(k, NULL, "lro", lro);
	setp(k, NULL, "batching", batching);
	setp(k, NULL, "rx_usecs", rx_usecs);
	pktgen_cfg_default(&c);
	c.count = 4000;
	c.proto = IPPROTO_TCP;
	c.len = 1000;
	c.tcp_ts = true;
	c.flows = 3;
	cr_assert_eq(kit_pktgen(sn1, &c, err, sizeof(err)), 0, "%s: pktgen: %s", what, err);
	cr_assert_eq(kit_sender_start(sn0, &tx, 3000), 0, "%s: the sender did not start", what);
	cr_assert_eq(kit_ping(sn0, kit_ipv4(192, 168, 0, 2), 20, err, sizeof(err)), 0, "%s: ping: %s",
		     what, err);
	run_idle(k);
	cr_assert_eq(kit_sender_left(k), 0, "%s: the sender has %llu frames left", what,
		     (unsigned long long)kit_sender_left(k));
	/* at line rate the ring may overflow: every frame is received or counted missed */
	cr_assert_geq(st(sn1, "rx_packets") + st(sn1, "rx_missed_errors"), 7020,
		      "%s: sn1 received %llu and missed %llu, expected 7020 frames in all", what,
		      (unsigned long long)st(sn1, "rx_packets"),
		      (unsigned long long)st(sn1, "rx_missed_errors"));
	problems = kit_check(k, report, sizeof(report));
	cr_assert_eq(problems, 0, "%s: kit_check found %d problems:\n%s", what, problems, report);
	totals_unchanged(what);
	kit_free(k);
}

Test(clean, traffic_in_every_mode)
{
	for (long napi = SIMNIC_NONAPI; napi < SIMNIC_IRQ_MODE_NR; napi++)
		for (long lro = 0; lro <= 1; lro++)
			for (long batching = TX_BATCH_NONE; batching < TX_BATCH_NR; batching++)
				traffic(napi, lro, batching, 0);
}

/* Interrupt moderation: each poll finds bursts, and the unmask often meets a pending cause. */
Test(clean, traffic_with_coalescing)
{
	for (long napi = SIMNIC_NONAPI; napi < SIMNIC_IRQ_MODE_NR; napi++)
		for (long lro = 0; lro <= 1; lro++)
			traffic(napi, lro, TX_BATCH_NONE, 50);
}

/* The reproduction from issue 9: classic NAPI, 30 frames, idle. */
Test(clean, classic_napi_short_burst)
{
	struct kit *k = kit_new(1);

	totals_read();
	setp(k, kit_dev_by_name(k, "sn1"), "napi", SIMNIC_NAPI_CLASSIC);
	gen_rx(kit_dev_by_name(k, "sn1"), 30, 0, IPPROTO_UDP, 60);
	run_idle(k);
	totals_unchanged("set napi classic; pktgen sn1 count 30; run until idle");
	kit_free(k);
}
