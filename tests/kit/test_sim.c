/* test_sim.c - the simulation core: tunables, trace lines, time, skb accounting, the driver table. */
#include "helpers.h"

TestSuite(sim, .timeout = 30);

Test(sim, tunables_have_unique_names_and_descriptions)
{
	for (int i = 0; i < kit_param_count(); i++) {
		const struct kit_param_desc *d = kit_param_at(i);

		cr_assert(d && d->name && d->desc && d->unit && d->source, "row %d is incomplete", i);
		cr_assert(d->def >= d->min && d->def <= d->max, "%s: default %ld outside [%ld, %ld]",
			  d->name, d->def, d->min, d->max);
		for (int j = 0; j < i; j++)
			cr_assert_str_neq(d->name, kit_param_at(j)->name, "two tunables named %s", d->name);
		cr_assert_eq(kit_param_find(d->name), i, "%s is found at %d, expected row %d",
			     d->name, kit_param_find(d->name), i);
	}
}

Test(sim, out_of_range_changes_nothing)
{
	struct kit *k = kit_new(1);
	char err[256] = "";
	int id = kit_param_find("tx_ring");
	long before = kit_param_get(k, NULL, id);
	int rc;

	rc = kit_param_set(k, NULL, id, 5000, err, sizeof(err));
	cr_assert_neq(rc, 0, "tx_ring 5000 returned %d, expected a refusal", rc);
	cr_assert(strstr(err, "between 8 and 4096"), "the error should give the range: %s", err);
	rc = kit_param_set(k, NULL, id, 20, err, sizeof(err));
	cr_assert_neq(rc, 0, "tx_ring 20 returned %d, expected a refusal: not a multiple of 8", rc);
	cr_assert_eq(kit_param_get(k, NULL, id), before,
		     "tx_ring = %ld after the refused values, expected %ld as before",
		     kit_param_get(k, NULL, id), before);
	kit_free(k);
}

Test(sim, dashed_names_and_words)
{
	long v;
	int rc;

	cr_assert_eq(kit_param_find("rx-usecs"), kit_param_find("rx_usecs"),
		     "rx-usecs finds tunable %d, expected %d as rx_usecs does",
		     kit_param_find("rx-usecs"), kit_param_find("rx_usecs"));
	rc = kit_param_parse_word(kit_param_find("batching"), "NETIF_F_BTX", &v);
	cr_assert_eq(rc, 0, "batching NETIF_F_BTX: parsing returned %d, expected 0", rc);
	cr_assert_eq(v, TX_BATCH_BTX, "NETIF_F_BTX parsed as %ld, expected TX_BATCH_BTX (%d)", v,
		     TX_BATCH_BTX);
	rc = kit_param_parse_word(kit_param_find("napi"), "classic", &v);
	cr_assert_eq(rc, 0, "napi classic: parsing returned %d, expected 0", rc);
	cr_assert_eq(v, SIMNIC_NAPI_CLASSIC,
		     "classic parsed as %ld, expected SIMNIC_NAPI_CLASSIC (%d)", v,
		     SIMNIC_NAPI_CLASSIC);
	cr_assert_str_eq(kit_param_word(kit_param_find("batching"), TX_BATCH_XMIT_MORE),
			 "xmit_more", "TX_BATCH_XMIT_MORE is the word '%s', expected 'xmit_more'",
			 kit_param_word(kit_param_find("batching"), TX_BATCH_XMIT_MORE));
	rc = kit_param_parse_word(kit_param_find("napi"), "sometimes", &v);
	cr_assert_neq(rc, 0, "napi sometimes: parsing returned %d, expected an error", rc);
}

Test(sim, cost_setting_changes_charges)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	struct kit_pkt p = { .len = 60 };
	struct kit_snap s;

	setp(k, NULL, "mmio_write", 1000);
	kit_xmit_frames(sn0, &p, 1);
	kit_snapshot(k, &s);
	cr_assert_eq(s.cost_ns[COST_MMIO_WRITE], 1000 * s.cost_count[COST_MMIO_WRITE],
		     "%llu ns for %llu MMIO writes at 1000 ns", (unsigned long long)s.cost_ns[COST_MMIO_WRITE],
		     (unsigned long long)s.cost_count[COST_MMIO_WRITE]);
	cr_assert_geq(s.cost_count[COST_MMIO_WRITE], 1,
		      "%llu MMIO writes charged, expected at least 1 (the doorbell)",
		      (unsigned long long)s.cost_count[COST_MMIO_WRITE]);
	kit_free(k);
}

Test(sim, trace_lines_read_like_the_kernel_log)
{
	struct kit *k = kit_new(1);
	struct trace_rec r = { .t = 1234567000, .type = TR_TX_DD, .dev = 0, .a = 3, .b = 3, .c = 4 };
	char line[160];

	kit_trace_format(k, &r, line, sizeof(line));
	cr_assert_str_eq(line, "[    1.234567] sn0: TX desc 3 DD, TDH 3->4",
			 "the line is '%s', expected '[    1.234567] sn0: TX desc 3 DD, TDH 3->4'",
			 line);
	kit_free(k);
}

/* Who speaks: the kernel's BUG:/WARNING:, ringlab's own BUG:, ringlab's advice. */
Test(sim, rule_lines_say_who_speaks)
{
	static const struct {
		u16 type;
		enum kit_rule rule;
		const char *line;
	} rows[] = {
		{ TR_WARN, RULE_TX_BUSY, "[    1.234567] sn0: ringlab: advice: hard_start_xmit returned "
					 "NETDEV_TX_BUSY (stop the queue before the ring is full)" },
		{ TR_WARN, RULE_TX_TIMEOUT, "[    1.234567] sn0: WARNING: NETDEV WATCHDOG: transmit "
					    "queue timed out" },
		{ TR_BUG, RULE_DOUBLE_FREE, "[    1.234567] sn0: BUG: skb freed twice" },
		{ TR_BUG, RULE_DESC_OVERWRITE, "[    1.234567] sn0: ringlab: BUG: driver wrote a "
					       "descriptor the NIC still owns" },
	};
	struct kit *k = kit_new(1);
	char line[200];

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		enum kit_rule_kind kind = kit_rule_kind(rows[i].rule);
		struct trace_rec r = { .t = 1234567000, .type = rows[i].type, .dev = 0,
				       .a = rows[i].rule,
				       .b = kind == RULE_KIT_BUG || kind == RULE_KIT_ADVICE };

		kit_trace_format(k, &r, line, sizeof(line));
		cr_assert_str_eq(line, rows[i].line, "rule %d: the line is '%s', expected '%s'",
				 rows[i].rule, line, rows[i].line);
	}
	kit_free(k);
}

/* Every rule has a kind, and each kind is counted on its own. */
Test(sim, rule_kinds_are_counted_apart)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	struct kit_snap s;
	u64 before = kit_rule_total(RULE_TX_BUSY);

	for (int r = 0; r < RULE_NR; r++)
		cr_assert_lt(kit_rule_kind((enum kit_rule)r), RULE_KIND_NR,
			     "rule %d has kind %d, expected one of the %d kinds", r,
			     kit_rule_kind((enum kit_rule)r), RULE_KIND_NR);
	kit_warn(k, sn0, RULE_TX_BUSY);		   /* advice by its row */
	kit_warn(k, sn0, RULE_TX_TIMEOUT);	   /* the kernel's WARNING */
	kit_bug(k, sn0, RULE_DESC_OVERWRITE);	   /* ringlab's BUG */
	kit_advise(k, sn0, RULE_RECEIVE_SKB_CONTEXT); /* advice by the caller's word */
	kit_snapshot(k, &s);
	cr_assert_eq(s.bugs, 1, "bugs = %llu, expected 1", (unsigned long long)s.bugs);
	cr_assert_eq(s.warnings, 1, "warnings = %llu, expected 1", (unsigned long long)s.warnings);
	cr_assert_eq(s.advice, 2, "advice = %llu, expected 2", (unsigned long long)s.advice);
	cr_assert_eq(kit_rule_count(k, RULE_RECEIVE_SKB_CONTEXT), 1,
		     "RULE_RECEIVE_SKB_CONTEXT counted %llu times, expected 1",
		     (unsigned long long)kit_rule_count(k, RULE_RECEIVE_SKB_CONTEXT));
	cr_assert_eq(kit_rule_total(RULE_TX_BUSY) - before, 1,
		     "the process total of RULE_TX_BUSY grew by %llu, expected 1",
		     (unsigned long long)(kit_rule_total(RULE_TX_BUSY) - before));
	kit_free(k);
}

Test(sim, events_keep_time_order)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	struct kit_pkt p = { .len = 500, .proto = IPPROTO_UDP };
	u64 last = 0;

	kit_xmit_frames(sn0, &p, 20);
	for (int i = 0; i < 10000 && kit_step(k); i++) {
		u64 now = kit_now(k);

		cr_assert_geq(now, last, "time went back from %llu to %llu at step %d",
			      (unsigned long long)last, (unsigned long long)now, i);
		last = now;
	}
	kit_free(k);
}

Test(sim, same_seed_same_randomness)
{
	struct kit *a = kit_new(42), *b = kit_new(42), *c = kit_new(43);
	bool differs = false;

	for (int i = 0; i < 100; i++) {
		u64 x = kit_random(a), y = kit_random(b), z = kit_random(c);

		cr_assert_eq(x, y, "draw %d differs for the same seed", i);
		differs |= x != z;
	}
	cr_assert(differs, "another seed gave the same sequence");
	kit_free(a);
	kit_free(b);
	kit_free(c);
}

Test(sim, double_free_is_a_bug_not_a_crash)
{
	struct kit *k = kit_new(1);
	struct kit_pkt p = { .len = 60 };
	char err[256];
	struct sk_buff *skb = kit_skb_alloc(kit_dev_by_name(k, "sn0"), &p, err, sizeof(err));

	cr_assert_not_null(skb, "%s", err);
	kfree_skb(skb);
	kfree_skb(skb);
	cr_assert_eq(kit_rule_count(k, RULE_DOUBLE_FREE), 1, "%llu double-free BUGs, expected 1",
		     (unsigned long long)kit_rule_count(k, RULE_DOUBLE_FREE));
	check_clean(k);
	kit_free(k);
}

Test(sim, leak_is_reported_with_its_allocation_site)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	struct kit_pkt p = { .len = 60 };
	char err[512], report[4096];
	struct rec_log log = { 0 };
	int n;

	cr_assert_geq(kit_driver_load(k, test_driver("leak_reclaim"), err, sizeof(err)), 1, "%s", err);
	kit_xmit_frames(sn0, &p, 5);
	run_idle(k);
	n = kit_check(k, report, sizeof(report));
	cr_assert_eq(n, 5, "kit_check reported %d problems, expected the 5 leaked skbs:\n%s", n,
		     report);
	cr_assert(strstr(report, "leaked") && strstr(report, "allocated by"), "report: %s", report);
	/* switching drivers closes the devices: what the old one still held is freed, once */
	kit_trace_subscribe(k, rec_log_cb, &log);
	cr_assert_eq(kit_driver_load(k, NULL, err, sizeof(err)), 0, "back to the solution: %s", err);
	cr_assert_eq(rec_count(&log, TR_SKB_ORPHAN, sn0->ifindex), 5,
		     "%zu orphan records at the driver switch, expected 5",
		     rec_count(&log, TR_SKB_ORPHAN, sn0->ifindex));
	n = kit_check(k, report, sizeof(report));
	cr_assert_eq(n, 0, "after the switch kit_check still finds %d problems:\n%s", n, report);
	kit_free(k);
	free(log.r);
}

Test(sim, every_lab_function_in_the_table)
{
	for (size_t i = 0; i < simnic_lab_nfns; i++) {
		void *fn;

		memcpy(&fn, (const char *)&simnic_lab_linked + simnic_lab_fns[i].offset, sizeof(fn));
		cr_assert_not_null(fn, "%s is not linked", simnic_lab_fns[i].name);
		cr_assert(!strcmp(simnic_lab_fns[i].lab, "xmit") || !strcmp(simnic_lab_fns[i].lab, "batch") ||
				  !strcmp(simnic_lab_fns[i].lab, "napi") || !strcmp(simnic_lab_fns[i].lab, "lro"),
			  "%s belongs to no lab", simnic_lab_fns[i].name);
	}
	cr_assert_eq(simnic_lab_nfns * sizeof(void *), sizeof(struct simnic_lab_ops),
		     "%zu functions in the table, %zu pointers in struct simnic_lab_ops",
		     simnic_lab_nfns, sizeof(struct simnic_lab_ops) / sizeof(void *));
}

Test(sim, driver_load_failure_changes_nothing)
{
	struct kit *k = kit_new(1);
	char err[512] = "";
	int rc;

	rc = kit_driver_load(k, "/nonexistent/driver.so", err, sizeof(err));
	cr_assert_lt(rc, 0, "loading a missing driver returned %d, expected an error", rc);
	cr_assert(strstr(err, "cannot load"), "%s", err);
	cr_assert_str_eq(kit_driver_name(k), "solution",
			 "the driver is now '%s', expected 'solution' as before",
			 kit_driver_name(k));
	kit_free(k);
}

Test(sim, stats_table_has_the_kernel_names)
{
	const char *kernel[] = { "rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "tx_dropped",
				 "rx_dropped", "rx_missed_errors", "doorbells", "tx_busy",
				 "queue_stops", "queue_wakes", "irqs", "polls", "lro_aggregated",
				 "lro_flushed", "lro_no_desc" };

	for (size_t i = 0; i < ARRAY_SIZE(kernel); i++)
		cr_assert_geq(kit_stat_find(kernel[i]), 0, "no counter %s", kernel[i]);
	for (int i = 0; i < kit_stat_count(); i++)
		for (int j = 0; j < i; j++)
			cr_assert_str_neq(kit_stat_at(i)->name, kit_stat_at(j)->name,
					  "counters %d and %d both named %s, expected unique", j, i,
					  kit_stat_at(i)->name);
}

/* docs/architecture.md lists every tunable with its default: keep it true. */
Test(sim, architecture_doc_lists_every_default)
{
	FILE *f = fopen("docs/architecture.md", "r");
	static char doc[1 << 17];
	size_t n;

	cr_assert_not_null(f, "docs/architecture.md not found (run from the project root)");
	n = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[n] = '\0';
	for (int i = 0; i < kit_param_count(); i++) {
		const struct kit_param_desc *d = kit_param_at(i);
		const char *w = kit_param_word(i, d->def);
		char row[128];

		if (w)
			snprintf(row, sizeof(row), "| `%s` | %s | %s |", d->name, w, d->unit);
		else
			snprintf(row, sizeof(row), "| `%s` | %ld | %s |", d->name, d->def, d->unit);
		cr_assert(strstr(doc, row), "docs/architecture.md has no row starting %s", row);
	}
}

Test(sim, check_sees_a_nic_slot_without_an_skb)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	struct simnic_adapter *a = netdev_priv(sn0);
	char report[2048];
	int n;

	/* post a descriptor the driver never filled: TDT moves, no skb behind it */
	a->tx_ring.desc[0].buffer_addr = (u64)(uintptr_t)a->tx_ring.desc; /* valid memory */
	a->tx_ring.desc[0].lower.flags.length = 60;
	setp(k, sn0, "fault_dd_delay", 1000000000);
	nic_write(sn0->nic, E1000_TDT, 1);
	n = kit_check(k, report, sizeof(report));
	cr_assert_geq(n, 1, "kit_check found %d problems, expected >= 1 (a slot with no skb)", n);
	cr_assert(strstr(report, "holds no skb"), "report: %s", report);
	kit_free(k);
}

Test(sim, leak_is_a_bug_record_once)
{
	struct kit *k = kit_new(1);
	struct kit_pkt p = { .len = 60 };
	char err[512], report[4096];

	cr_assert_geq(kit_driver_load(k, test_driver("leak_reclaim"), err, sizeof(err)), 1, "%s", err);
	kit_xmit_frames(kit_dev_by_name(k, "sn0"), &p, 3);
	run_idle(k);
	kit_check(k, report, sizeof(report));
	kit_check(k, report, sizeof(report));
	cr_assert_eq(kit_rule_count(k, RULE_SKB_LEAK), 3, "%llu leak records for 3 lost skbs",
		     (unsigned long long)kit_rule_count(k, RULE_SKB_LEAK));
	kit_free(k);
}
