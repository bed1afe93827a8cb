/* test_measure.c - lab batch: each mode end to end; what batching saves, against the reference. */
#include <math.h>
#include <stdio.h>

#include "helpers.h"

/* 200 frames through each mode, a small ring and BQL on: all sent, all accounted for. */
Test(batch, clean_all_modes)
{
	static const char *const modes[] = { "btx", "skb_blist", "xmit_more" };
	u64 sent = 0;

	grade_begin("batch", "clean_all_modes");
	grade_cmd("ethtool -G sn0 tx 16");
	for (int i = 0; i < 3; i++) {
		grade_cmd("ethtool -K sn0 batching %s", modes[i]);
		grade_cmd("dev_queue_xmit sn0 count 200");
		grade_cmd("run until idle");
		sent += 200;
		grade_expectf("sn0.tx_packets == %llu", (unsigned long long)sent);
		grade_expect("sn0.qdisc_len == 0");
		grade_expect("clean");
	}
	expect_stream(sent);
	grade_expect("sn0.tx_timeout_count == 0");
	grade_expect("no-bugs");
}

/*
 * The reference's figures for `experiment batching batch=8,32 ms=2` with
 * seed 1 and the default cost model: cpu_ns_per_pkt and doorbells_per_pkt
 * per mode, and the `none` row, which runs no function of this lab and so
 * tells whether the kit itself changed. To regenerate them after a change
 * to the kit or its cost model:
 *   build/ringlab -c 'experiment batching batch=8,32 ms=2 -j'
 */
struct ref_row {
	const char *mode;
	long mode_v;
	double cpu8, db8, cpu32, db32;
};
static const struct ref_row ref[] = {
	{ "none", TX_BATCH_NONE, 446.72361359570664, 1, 446.75446428571428, 1 },
	{ "btx", TX_BATCH_BTX, 233.71603641456582, 0.125, 209.53607382550337, 0.03125 },
	{ "skb_blist", TX_BATCH_SKB_BLIST, 230.189453125, 0.125, 205.97937293729373,
	  0.031146864686468646 },
	{ "xmit_more", TX_BATCH_XMIT_MORE, 232.45395348837209, 0.12511627906976744,
	  209.11548913043478, 0.03125 },
};
#define CPU_MARGIN 1.05	 /* at most 5% more CPU time per packet than the reference */
#define DB_MARGIN 0.02	 /* at most 0.02 more doorbells per packet */

static int col(const struct exp_table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i], name))
			return i;
	grade_failf("sn0", "the batching experiment has no column %s", name);
}

static void measure(unsigned int batch)
{
	static struct exp_table t;
	char params[64], err[256] = "";
	int cm, cb, cbatch, ccpu, cdb, cmpps, rc;

	snprintf(params, sizeof(params), "batch=%u ms=2", batch);
	grade_note("C: the batching experiment on your functions: experiment batching %s", params);
	rc = kit_experiment("batching", 1, params, &t, err, sizeof(err));
	grade_check(rc == 0, "sn0", "experiment batching %s failed: %s", params, err);
	cm = col(&t, "mode"), cb = col(&t, "bql"), cbatch = col(&t, "batch");
	ccpu = col(&t, "cpu_ns_per_pkt"), cdb = col(&t, "doorbells_per_pkt");
	cmpps = col(&t, "mpps");
	for (size_t i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
		const struct ref_row *w = &ref[i];
		double rcpu = batch == 8 ? w->cpu8 : w->cpu32, rdb = batch == 8 ? w->db8 : w->db32;
		const double *row = NULL;

		for (int r = 0; r < t.nrows; r++)
			if ((long)t.v[r][cm] == w->mode_v && t.v[r][cb] == 1 &&
			    (unsigned int)t.v[r][cbatch] == batch)
				row = t.v[r];
		grade_check(row, "sn0", "experiment batching %s has no %s row", params, w->mode);
		if (w->mode_v == TX_BATCH_NONE) {
			grade_check(fabs(row[ccpu] - rcpu) <= 0.01 * rcpu, "sn0",
				    "the none row (no function of this lab) costs %.2f ns per packet, "
				    "the pinned reference %.2f: the kit changed; regenerate the "
				    "figures in %s", row[ccpu], rcpu, __FILE__);
			continue;
		}
		grade_check(row[cmpps] > 0, "sn0",
			    "%s, batches of %u: no frame reached the wire in the measurement", w->mode,
			    batch);
		printf("measure batch %u %s: %.3f doorbells and %.2f ns per packet (reference %.3f, "
		       "%.2f)\n", batch, w->mode, row[cdb], row[ccpu], rdb, rcpu);
		grade_check(row[cdb] <= rdb + DB_MARGIN, "sn0",
			    "%s, batches of %u: %.3f doorbells per packet, expected at most %.3f (the "
			    "reference's %.3f + %.2f): one doorbell per batch", w->mode, batch,
			    row[cdb], rdb + DB_MARGIN, rdb, DB_MARGIN);
		grade_check(row[ccpu] <= rcpu * CPU_MARGIN, "sn0",
			    "%s, batches of %u: %.2f ns of CPU per packet, expected at most %.2f (the "
			    "reference's %.2f + 5%%)", w->mode, batch, row[ccpu], rcpu * CPU_MARGIN,
			    rcpu);
	}
}

Test(batch, measure_batch8)
{
	grade_begin("batch", "measure_batch8");
	measure(8);
}

Test(batch, measure_batch32)
{
	grade_begin("batch", "measure_batch32");
	measure(32);
}
