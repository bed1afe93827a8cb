/* test_exp.c - the shapes of the experiments (livelock, coalescing, LRO, batching), their params.
 */
#include <math.h>

#include "helpers.h"

TestSuite(exp, .timeout = 120);

static struct exp_table t;

/* Run an experiment that must succeed; the table is in t. */
static void run_exp(const char *name, const char *params)
{
	char err[1024] = "";

	memset(&t, 0, sizeof(t));
	cr_assert_eq(kit_experiment(name, 1, params, &t, err, sizeof(err)), 0,
		     "experiment %s %s failed: %s", name, params ? params : "", err);
	cr_assert_gt(t.nrows, 0, "experiment %s gave no rows", name);
}

static int col(const char *name)
{
	for (int i = 0; i < t.ncols; i++)
		if (!strcmp(t.cols[i], name))
			return i;
	cr_assert_fail("table \"%s\" has no column %s", t.title, name);
	return -1;
}

static double cell(int row, const char *name)
{
	return t.v[row][col(name)];
}

/* The row whose columns a and b hold va and vb. */
static int row_where(const char *a, double va, const char *b, double vb)
{
	for (int r = 0; r < t.nrows; r++)
		if (cell(r, a) == va && (!b || cell(r, b) == vb))
			return r;
	cr_assert_fail("no row with %s = %g%s%s", a, va, b ? " and " : "", b ? b : "");
	return -1;
}

/* The first cell where two tables differ (0 if none), as row * EXP_MAX_COLS + column. */
static int first_cell_diff(const struct exp_table *a, const struct exp_table *b)
{
	for (int i = 0; i < EXP_MAX_ROWS * EXP_MAX_COLS; i++)
		if (memcmp(&a->v[i / EXP_MAX_COLS][i % EXP_MAX_COLS],
			   &b->v[i / EXP_MAX_COLS][i % EXP_MAX_COLS], sizeof(double)))
			return i;
	return 0;
}

/* ---- livelock --------------------------------------------------------------- */

Test(exp, livelock_nonapi_collapses)
{
	int peak = 0, at4 = -1;
	double peak_load;

	run_exp("livelock", NULL);
	for (int r = 1; r < t.nrows; r++)
		if (cell(r, "nonapi_kpps") > cell(peak, "nonapi_kpps"))
			peak = r;
	peak_load = cell(peak, "offered_kpps");
	cr_assert_lt(peak, t.nrows - 1,
		     "nonapi delivery never fell: its peak %.1f kpps is in row %d of %d, the last",
		     cell(peak, "nonapi_kpps"), peak + 1, t.nrows);
	for (int r = 0; r < t.nrows && at4 < 0; r++)
		if (cell(r, "offered_kpps") >= 4 * peak_load)
			at4 = r;
	cr_assert_geq(at4, 0, "the sweep stops at %.0f kpps, below 4 x the peak load %.0f kpps",
		      cell(t.nrows - 1, "offered_kpps"), peak_load);
	cr_assert_lt(cell(at4, "nonapi_kpps"), cell(peak, "nonapi_kpps") / 4,
		     "nonapi at %.0f kpps offered (>= 4 x the peak load %.0f) delivered %.1f kpps, "
		     "expected under a quarter of the peak %.1f kpps",
		     cell(at4, "offered_kpps"), peak_load, cell(at4, "nonapi_kpps"),
		     cell(peak, "nonapi_kpps"));
}

Test(exp, livelock_napi_holds)
{
	double peak = 0;
	int above = 0;

	run_exp("livelock", NULL);
	for (int r = 0; r < t.nrows; r++)
		if (cell(r, "napi_kpps") > peak)
			peak = cell(r, "napi_kpps");
	/* every offered load above what NAPI delivers at best */
	for (int r = 0; r < t.nrows; r++) {
		if (cell(r, "offered_kpps") <= peak)
			continue;
		above++;
		cr_assert_geq(
			cell(r, "napi_kpps"), 0.9 * peak,
			"NAPI at %.0f kpps offered delivered %.1f kpps, expected >= 90%% of its "
			"peak %.1f kpps (%.1f)",
			cell(r, "offered_kpps"), cell(r, "napi_kpps"), peak, 0.9 * peak);
	}
	cr_assert_geq(above, 3, "only %d loads above the NAPI peak %.1f kpps, expected several",
		      above, peak);
	/* and the sweep went to 4 x what the CPU can process */
	cr_assert_geq(cell(t.nrows - 1, "load_pct"), 399,
		      "the sweep ends at %.0f%%, expected 400%%", cell(t.nrows - 1, "load_pct"));
}

/* Both modes count the same frames: those that reached the NIC in the window. */
Test(exp, livelock_delivered_never_exceeds_offered)
{
	run_exp("livelock", "ms=5");
	for (int r = 0; r < t.nrows; r++) {
		double off = cell(r, "offered_kpps");

		cr_assert_leq(cell(r, "nonapi_kpps"), off,
			      "row %d: nonapi delivered %.4f kpps of %.4f offered", r,
			      cell(r, "nonapi_kpps"), off);
		cr_assert_leq(cell(r, "napi_kpps"), off, "row %d: napi delivered %.4f kpps of %.4f "
			      "offered", r, cell(r, "napi_kpps"), off);
	}
}

/* From nonapi's peak to where it has fallen under a tenth of it: offered / peak load. */
static double decline_width(void)
{
	int peak = 0;

	for (int r = 1; r < t.nrows; r++)
		if (cell(r, "nonapi_kpps") > cell(peak, "nonapi_kpps"))
			peak = r;
	for (int r = peak + 1; r < t.nrows; r++)
		if (cell(r, "nonapi_kpps") < cell(peak, "nonapi_kpps") / 10)
			return cell(r, "offered_kpps") / cell(peak, "offered_kpps");
	cr_assert_fail("nonapi never fell under a tenth of its peak %.1f kpps in \"%s\"",
		       cell(peak, "nonapi_kpps"), t.title);
	return 0;
}

/* Mogul and Ramakrishnan: the dearer the later stages against the interrupt, the wider the decline. */
Test(exp, livelock_ratio_sets_the_declines_width)
{
	double narrow, wide;

	run_exp("livelock", "ratio=25");
	cr_assert(strstr(t.title, "ratio 25%"), "title \"%s\" does not say ratio 25%%", t.title);
	narrow = decline_width();
	run_exp("livelock", "ratio=200");
	wide = decline_width();
	cr_assert_lt(narrow, 1.6, "ratio=25: the decline spans %.2f x the peak load, expected a "
		     "cliff (< 1.6)", narrow);
	cr_assert_gt(wide, 1.8, "ratio=200: the decline spans %.2f x the peak load, expected a "
		     "gradual one (> 1.8)", wide);
}

/* ---- coalescing --------------------------------------------------------------- */

Test(exp, coalesce_irq_rate)
{
	run_exp("coalesce", NULL);
	for (int r = 0; r < t.nrows; r++) {
		double us = cell(r, "rx_usecs"), irqs = cell(r, "irqs_per_s");

		if (us == 0)
			continue;
		cr_assert(fabs(irqs - 1e6 / us) <= 0.15 * 1e6 / us,
			  "rx_usecs %.0f: %.0f interrupts/s, expected 1e6 / rx_usecs = %.0f within "
			  "15%%",
			  us, irqs, 1e6 / us);
		cr_assert(fabs(cell(r, "expect_irqs_per_s") - 1e6 / us) < 1,
			  "rx_usecs %.0f: expect_irqs_per_s says %.0f, expected %.0f", us,
			  cell(r, "expect_irqs_per_s"), 1e6 / us);
	}
	/* the line was busy: every window held several frames */
	for (int r = 0; r < t.nrows; r++)
		cr_assert_geq(
			cell(r, "frames_per_irq"), 2,
			"rx_usecs %.0f: %.2f frames per interrupt, expected a busy line (>= 2)",
			cell(r, "rx_usecs"), cell(r, "frames_per_irq"));
}

Test(exp, coalesce_ceiling_rises)
{
	double first, last;

	run_exp("coalesce", NULL);
	cr_assert_eq(cell(0, "rx_usecs"), 0, "first row is rx_usecs %.0f, expected 0",
		     cell(0, "rx_usecs"));
	for (int r = 1; r < t.nrows; r++)
		cr_assert_geq(cell(r, "ceiling_kpps"), 0.98 * cell(r - 1, "ceiling_kpps"),
			      "ceiling fell from %.1f kpps (rx_usecs %.0f) to %.1f kpps (rx_usecs "
			      "%.0f), expected it to rise (2%% slack)",
			      cell(r - 1, "ceiling_kpps"), cell(r - 1, "rx_usecs"),
			      cell(r, "ceiling_kpps"), cell(r, "rx_usecs"));
	first = cell(0, "ceiling_kpps");
	last = cell(t.nrows - 1, "ceiling_kpps");
	cr_assert_gt(last, 1.5 * first,
		     "ceiling %.1f kpps at rx_usecs %.0f against %.1f at rx_usecs 0, expected at "
		     "least 1.5 x (%.1f)",
		     last, cell(t.nrows - 1, "rx_usecs"), first, 1.5 * first);
	/* fewer interrupts, less hardirq time at the busy load */
	cr_assert_lt(cell(t.nrows - 1, "busy_hirq_pct"), cell(0, "busy_hirq_pct"),
		     "hardirq share %.1f%% at rx_usecs %.0f, expected below %.1f%% at rx_usecs 0",
		     cell(t.nrows - 1, "busy_hirq_pct"), cell(t.nrows - 1, "rx_usecs"),
		     cell(0, "busy_hirq_pct"));
}

Test(exp, coalesce_latency_reported)
{
	run_exp("coalesce", NULL);
	cr_assert_gt(cell(0, "latency_us"), 0, "latency at rx_usecs 0 is %.2f us, expected > 0",
		     cell(0, "latency_us"));
	for (int r = 1; r < t.nrows; r++) {
		double us = cell(r, "rx_usecs"), lat = cell(r, "latency_us");

		cr_assert_gt(lat, cell(r - 1, "latency_us"),
			     "latency %.2f us at rx_usecs %.0f, expected more than %.2f us at "
			     "rx_usecs %.0f",
			     lat, us, cell(r - 1, "latency_us"), cell(r - 1, "rx_usecs"));
		/* a frame waits on average at least half a window */
		cr_assert_geq(lat, us / 2, "latency %.2f us at rx_usecs %.0f, expected >= %.1f us",
			      lat, us, us / 2);
	}
}

/* ---- LRO ------------------------------------------------------------------- */

#define MAX_AGGR 32 /* the experiment's default */

Test(exp, lro_packets_drop_by_max_aggr)
{
	int off, on;
	double ratio;

	run_exp("lro", NULL);
	off = row_where("offload", 0, "rx_usecs", 500);
	on = row_where("offload", 1, "rx_usecs", 500);
	cr_assert_eq(cell(off, "skbs_up"), cell(off, "frames"),
		     "without LRO %.0f skbs went up for %.0f frames, expected one each",
		     cell(off, "skbs_up"), cell(off, "frames"));
	ratio = cell(off, "skbs_up") / cell(on, "skbs_up");
	cr_assert(
		fabs(ratio - MAX_AGGR) <= 0.15 * MAX_AGGR,
		"LRO cut the skbs up the stack from %.0f to %.0f (x%.2f), expected about max_aggr "
		"= %d (within 15%%)",
		cell(off, "skbs_up"), cell(on, "skbs_up"), ratio, MAX_AGGR);
	cr_assert(fabs(cell(on, "frames_per_skb") - MAX_AGGR) <= 0.15 * MAX_AGGR,
		  "frames_per_skb %.2f with LRO, expected %d within 15%%",
		  cell(on, "frames_per_skb"), MAX_AGGR);
}

Test(exp, lro_stack_cpu_drops)
{
	int off, on;
	double pkt_ratio, stack_ratio;

	run_exp("lro", NULL);
	off = row_where("offload", 0, "rx_usecs", 500);
	on = row_where("offload", 1, "rx_usecs", 500);
	pkt_ratio = cell(off, "skbs_up") / cell(on, "skbs_up");
	stack_ratio = cell(off, "stack_ns_per_frame") / cell(on, "stack_ns_per_frame");
	cr_assert(fabs(stack_ratio - pkt_ratio) <= 0.15 * pkt_ratio,
		  "stack time per frame %.1f -> %.1f ns (x%.2f), expected to drop as the skbs did "
		  "(x%.2f) within 15%%",
		  cell(off, "stack_ns_per_frame"), cell(on, "stack_ns_per_frame"), stack_ratio,
		  pkt_ratio);
	cr_assert_lt(cell(on, "sirq_ns_per_frame"), cell(off, "sirq_ns_per_frame") / 2,
		     "softirq time per frame %.1f ns with LRO, expected under half of %.1f without",
		     cell(on, "sirq_ns_per_frame"), cell(off, "sirq_ns_per_frame"));
	cr_assert_lt(
		cell(on, "app_ns_per_frame"), cell(off, "app_ns_per_frame") / 4,
		"application time per frame %.1f ns with LRO, expected under a quarter of %.1f",
		cell(on, "app_ns_per_frame"), cell(off, "app_ns_per_frame"));
}

Test(exp, lro_stream_unchanged)
{
	double bytes;

	run_exp("lro", NULL);
	bytes = cell(0, "frames") * 1448;
	for (int r = 0; r < t.nrows; r++) {
		cr_assert_eq(cell(r, "frames"), cell(0, "frames"),
			     "row %d received %.0f frames, row 0 %.0f: expected the same traffic",
			     r, cell(r, "frames"), cell(0, "frames"));
		cr_assert_eq(cell(r, "flow_bytes"), bytes,
			     "rx_usecs %.0f offload %.0f: %.0f bytes in order, expected %.0f (%.0f "
			     "segments of 1448)",
			     cell(r, "rx_usecs"), cell(r, "offload"), cell(r, "flow_bytes"), bytes,
			     cell(0, "frames"));
		cr_assert_eq(cell(r, "stream_errors"), 0,
			     "rx_usecs %.0f offload %.0f: %.0f stream errors, expected 0",
			     cell(r, "rx_usecs"), cell(r, "offload"), cell(r, "stream_errors"));
	}
}

/* GRO beside LRO on the same traffic: 64 KB bounds it, not max_aggr; small polls merge alike. */
Test(exp, gro_beside_lro)
{
	int none, lro, gro, lro0, gro0;

	run_exp("lro", NULL);
	none = row_where("offload", 0, "rx_usecs", 500);
	lro = row_where("offload", 1, "rx_usecs", 500);
	gro = row_where("offload", 2, "rx_usecs", 500);
	lro0 = row_where("offload", 1, "rx_usecs", 0);
	gro0 = row_where("offload", 2, "rx_usecs", 0);
	cr_assert_eq(t.nrows, 6, "%d rows, expected 6 (2 rx_usecs x none, LRO, GRO)", t.nrows);
	/* 20 + 32 + 45 * 1448 = 65212: a GRO packet holds at most 45 segments */
	cr_assert_leq(cell(gro, "frames_per_skb"), 45.0, "GRO frames_per_skb %.2f, over the 64 KB "
		      "bound of 45", cell(gro, "frames_per_skb"));
	cr_assert_gt(cell(gro, "frames_per_skb"), 20.0, "GRO frames_per_skb %.2f with full polls, "
		     "expected over 20", cell(gro, "frames_per_skb"));
	cr_assert_lt(cell(gro, "stack_ns_per_frame"), cell(none, "stack_ns_per_frame") / 20,
		     "GRO stack time per frame %.1f ns, expected under a 20th of %.1f",
		     cell(gro, "stack_ns_per_frame"), cell(none, "stack_ns_per_frame"));
	cr_assert(fabs(cell(gro0, "skbs_up") - cell(lro0, "skbs_up")) <= 0.15 * cell(lro0, "skbs_up"),
		  "rx_usecs 0: GRO passed %.0f skbs up, LRO %.0f: expected alike (within 15%%)",
		  cell(gro0, "skbs_up"), cell(lro0, "skbs_up"));
	cr_assert_eq(cell(gro, "flow_bytes"), cell(lro, "flow_bytes"),
		     "GRO delivered %.0f bytes, LRO %.0f", cell(gro, "flow_bytes"),
		     cell(lro, "flow_bytes"));
}

/* ---- batching --------------------------------------------------------------------- */

/* The row of this mode, BQL setting and batch size. */
static int batch_row(int mode, int bql, double batch)
{
	for (int r = 0; r < t.nrows; r++)
		if (cell(r, "mode") == mode && cell(r, "bql") == bql && cell(r, "batch") == batch)
			return r;
	cr_assert_fail("no row with mode %d, bql %d, batch %.0f", mode, bql, batch);
	return -1;
}

Test(exp, batching_doorbells_amortised)
{
	long mmio = kit_param_at(kit_param_find("mmio_write"))->def;

	run_exp("batching", NULL);
	for (int mode = TX_BATCH_NONE; mode < TX_BATCH_NR; mode++) {
		int one = batch_row(mode, 1, 1);
		int b32 = batch_row(mode, 1, 32);
		double saved = cell(one, "cpu_ns_per_pkt") - cell(b32, "cpu_ns_per_pkt");

		for (int r = 0; r < t.nrows; r++) {
			double b = cell(r, "batch"), db = cell(r, "doorbells_per_pkt");
			double want = mode == TX_BATCH_NONE ? 1 : 1 / b;

			if (cell(r, "mode") != mode || cell(r, "bql") != 1)
				continue;
			cr_assert(fabs(db - want) <= 0.1 * want,
				  "mode %d batch %.0f: %.4f doorbells per packet, expected %.4f",
				  mode, b, db, want);
		}
		if (mode == TX_BATCH_NONE) {
			cr_assert(fabs(saved) < 0.05 * cell(one, "cpu_ns_per_pkt"),
				  "without batching CPU per packet went %.1f -> %.1f ns with the "
				  "burst, expected no change",
				  cell(one, "cpu_ns_per_pkt"), cell(b32, "cpu_ns_per_pkt"));
			continue;
		}
		/* most of the saving is the doorbell: mmio_write x (1 - 1/32) */
		cr_assert_geq(
			saved, 0.9 * mmio * (1 - 1.0 / 32),
			"mode %d: CPU per packet %.1f -> %.1f ns from batch 1 to 32, expected "
			"to save at least %.1f ns (90%% of the doorbell)",
			mode, cell(one, "cpu_ns_per_pkt"), cell(b32, "cpu_ns_per_pkt"),
			0.9 * mmio * (1 - 1.0 / 32));
		cr_assert_gt(
			cell(b32, "mpps"), 1.5 * cell(one, "mpps"),
			"mode %d: %.2f Mpps at batch 32 against %.2f at batch 1, expected > 1.5 x",
			mode, cell(b32, "mpps"), cell(one, "mpps"));
	}
}

/* Without BQL the qdisc's bulk budget is 0: xmit_more gets no trains, however
 * many packets wait, and costs what no batching costs. */
Test(exp, batching_xmit_more_needs_bql)
{
	run_exp("batching", NULL);
	for (int r = 0; r < t.nrows; r++) {
		double b = cell(r, "batch");
		int none;

		if (cell(r, "bql") != 0)
			continue;
		cr_assert_eq(cell(r, "mode"), TX_BATCH_XMIT_MORE,
			     "a bql-off row of mode %.0f, expected only xmit_more", cell(r, "mode"));
		cr_assert(fabs(cell(r, "doorbells_per_pkt") - 1) < 0.01,
			  "xmit_more without BQL, batch %.0f: %.3f doorbells per packet, expected 1",
			  b, cell(r, "doorbells_per_pkt"));
		none = batch_row(TX_BATCH_NONE, 1, b);
		cr_assert(fabs(cell(r, "mpps") - cell(none, "mpps")) < 0.05 * cell(none, "mpps"),
			  "xmit_more without BQL, batch %.0f: %.2f Mpps, expected about none's %.2f",
			  b, cell(r, "mpps"), cell(none, "mpps"));
		if (b > 1) {
			double with = cell(batch_row(TX_BATCH_XMIT_MORE, 1, b), "mpps");

			cr_assert_lt(cell(r, "mpps"), 0.7 * with,
				     "xmit_more batch %.0f: %.2f Mpps without BQL, expected well "
				     "below the %.2f with it", b, cell(r, "mpps"), with);
		}
	}
}

/* ---- the registry and its parameters --------------------------------------------- */

Test(exp, registry_lists_four)
{
	const char *want[] = { "livelock", "coalesce", "lro", "batching" };

	cr_assert_eq(kit_experiment_count(), 4, "%d experiments, expected 4",
		     kit_experiment_count());
	for (int i = 0; i < 4; i++) {
		const struct exp_desc *d = kit_experiment_at(i);

		cr_assert_not_null(d, "no experiment at %d", i);
		cr_assert_str_eq(d->name, want[i], "experiment %d is %s, expected %s", i, d->name,
				 want[i]);
		cr_assert(d->params && strchr(d->params, '='),
			  "%s: params \"%s\", expected key=value", d->name,
			  d->params ? d->params : "(null)");
		cr_assert(d->desc && *d->desc, "%s has no description", d->name);
	}
	cr_assert_null(kit_experiment_at(4), "an experiment past the end");
	cr_assert_null(kit_experiment_at(-1), "an experiment before the start");
}

/* A bad parameter fails before anything runs, in one line naming every key. */
static void bad_params(const char *name, const char *params, const char *says)
{
	char err[1024] = "";
	int rc;

	memset(&t, 0x5a, sizeof(t));
	rc = kit_experiment(name, 1, params, &t, err, sizeof(err));
	cr_assert_eq(rc, -EINVAL, "%s \"%s\" returned %d, expected -EINVAL", name, params, rc);
	cr_assert(strstr(err, says), "%s \"%s\": error \"%s\", expected it to say \"%s\"", name,
		  params, err, says);
	cr_assert_null(strchr(err, '\n'), "error \"%s\" is more than one line", err);
	cr_assert_eq(t.nrows, 0, "a failed experiment left %d rows", t.nrows);
}

Test(exp, params_unknown_key)
{
	bad_params("livelock", "len=60 speed=3", "unknown parameter 'speed'");
	bad_params("livelock", "speed=3", "accepted: len=60..1514 (bytes), ms=1..200");
	bad_params("batching", "rx_usecs=5", "batch=1..512[,...] (packets)");
	bad_params("coalesce", "foo=1", "napi=none|classic|modern");
}

Test(exp, params_bad_values)
{
	bad_params("livelock", "ms=0", "ms=0 is out of range");
	bad_params("livelock", "ms=201", "ms=201 is out of range");
	bad_params("livelock", "len=big", "len=big is not an integer");
	bad_params("livelock", "len=60x", "len=60x is not an integer");
	bad_params("livelock", "len=", "len= is not an integer");
	bad_params("livelock", "ms=99999999999999999999", "is out of range");
	bad_params("lro", "max_aggr=65", "max_aggr=65 is out of range; accepted: max_aggr=1..64");
	bad_params("coalesce", "napi=fast", "napi=fast is not a receive mode");
	bad_params("coalesce", "rx_usecs=10,x", "is not a list of integers");
	bad_params("coalesce", "rx_usecs=10,20000", "rx_usecs=20000 is out of range");
	bad_params("coalesce", "rx_usecs=1,2,3,4,5,6,7,8,9", "at most 8 values");
	bad_params("livelock", "len=60,70", "len takes one value");
}

Test(exp, params_malformed)
{
	bad_params("livelock", "ms", "expected key=value, got 'ms'");
	bad_params("livelock", "=5", "expected key=value, got '=5'");
	bad_params("livelock", "ms=5 ms=6", "ms given twice");
}

Test(exp, unknown_experiment)
{
	char err[256] = "";
	int rc;

	rc = kit_experiment("nosuch", 1, NULL, &t, err, sizeof(err));
	cr_assert_eq(rc, -EINVAL, "experiment nosuch returned %d, expected -EINVAL (%d)", rc,
		     -EINVAL);
	cr_assert(strstr(err, "no experiment named 'nosuch'") && strstr(err, "livelock") &&
			  strstr(err, "batching"),
		  "error \"%s\", expected the name and the list of experiments", err);
	rc = kit_experiment(NULL, 1, NULL, &t, err, sizeof(err));
	cr_assert_eq(rc, -EINVAL, "experiment NULL returned %d, expected -EINVAL (%d)", rc,
		     -EINVAL);
}

Test(exp, params_override_defaults)
{
	run_exp("batching", "batch=4 ms=1");
	cr_assert_eq(t.nrows, TX_BATCH_NR + 1, "%d rows for one batch size, expected one per mode "
		     "and xmit_more without BQL (%d)", t.nrows, TX_BATCH_NR + 1);
	for (int r = 0; r < t.nrows; r++)
		cr_assert_eq(cell(r, "batch"), 4, "row %d has batch %.0f, expected 4", r,
			     cell(r, "batch"));
	run_exp("coalesce", "  rx_usecs=50   ms=2 napi=modern ");
	cr_assert_eq(t.nrows, 1, "%d rows for one rx_usecs, expected 1", t.nrows);
	cr_assert(strstr(t.title, "modern"), "title \"%s\" does not name the NAPI mode", t.title);
}

Test(exp, deterministic)
{
	static struct exp_table first;
	int d;

	run_exp("lro", "ms=5");
	first = t;
	run_exp("lro", "ms=5");
	d = first_cell_diff(&first, &t);
	cr_assert_eq(memcmp(first.v, t.v, sizeof(t.v)), 0,
		     "two runs with seed 1 differ: row %d column %d is %g, then %g",
		     d / EXP_MAX_COLS, d % EXP_MAX_COLS,
		     first.v[d / EXP_MAX_COLS][d % EXP_MAX_COLS],
		     t.v[d / EXP_MAX_COLS][d % EXP_MAX_COLS]);
	cr_assert_str_eq(first.title, t.title,
			 "the second run's title is \"%s\", expected \"%s\" as in the first",
			 t.title, first.title);
	cr_assert_str_eq(first.note, t.note,
			 "the second run's note is \"%s\", expected \"%s\" as in the first", t.note,
			 first.note);
}
