/* test_plot.c - experiments as pictures: the text chart's frame, CSV, SVG through gnuplot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "../../shell/cmd.h"
#include "../../shell/complete.h"
#include "../../shell/sess.h"
#include "helpers.h"

TestSuite(plot, .timeout = 120);

/* short runs of each experiment: the same shapes, a fraction of the time */
static const char *const quick[][2] = {
	{ "livelock", "ms=2 max_pct=200" },
	{ "coalesce", "rx_usecs=0,50,250 ms=2" },
	{ "lro", "ms=2" },
	{ "batching", "batch=1,8 ms=1" },
};

static char dir[64];

static void in_tmpdir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ringlab-plot-XXXXXX");
	cr_assert_not_null(mkdtemp(dir), "cannot make a temporary directory");
}

static void rm_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		cr_log_warn("could not remove %s", dir);
}

/* The output's lines: how many, and the longest. */
static void frame(const char *out, int *lines, int *widest)
{
	*lines = *widest = 0;
	for (const char *p = out; *p;) {
		int n = (int)strcspn(p, "\n");

		if (n > *widest)
			*widest = n;
		(*lines)++;
		p += n + (p[n] == '\n');
	}
}

Test(plot, every_chart_fits_80x24_and_labels_its_axes)
{
	struct sess *s = th_sess();

	for (size_t i = 0; i < sizeof(quick) / sizeof(quick[0]); i++) {
		char line[160];
		int rc, lines, widest;
		const struct exp_desc *d = kit_experiment_at((int)i);

		snprintf(line, sizeof(line), "experiment %s %s plot", quick[i][0], quick[i][1]);
		rc = th_run(s, line);
		cr_assert_eq(rc, CMD_OK, "%s: status %d, expected %d:\n%s", line, rc, CMD_OK, th_out);
		frame(th_out, &lines, &widest);
		cr_assert_leq(lines, 24, "%s: %d lines, expected at most 24:\n%s", line, lines, th_out);
		cr_assert_leq(widest, 80, "%s: a line of %d columns, expected at most 80:\n%s", line,
			      widest, th_out);
		cr_assert_str_eq(d->name, quick[i][0], "experiment %zu is %s, expected %s", i, d->name,
				 quick[i][0]);
		cr_assert(strstr(th_out, d->plot.xlabel), "%s: no x label '%s':\n%s", line,
			  d->plot.xlabel, th_out);
		cr_assert(strstr(th_out, d->plot.ylabel), "%s: no y label '%s':\n%s", line,
			  d->plot.ylabel, th_out);
		if (d->plot.y2label)
			cr_assert(strstr(th_out, d->plot.y2label), "%s: no right label '%s':\n%s",
				  line, d->plot.y2label, th_out);
		/* a unit in every axis label */
		cr_assert(strchr(d->plot.xlabel, '(') || !strcmp(d->plot.xlabel, "packets per batch"),
			  "%s: x label '%s' has no unit", quick[i][0], d->plot.xlabel);
	}
	th_done(s);
}

Test(plot, tables_fit_80_columns_and_w_is_the_full_table)
{
	struct sess *s = th_sess();
	int rc, lines, widest;

	rc = th_run(s, "experiment livelock ms=2 max_pct=200");
	cr_assert_eq(rc, CMD_OK, "status %d:\n%s", rc, th_out);
	frame(th_out, &lines, &widest);
	cr_assert_leq(widest, 80, "a line of %d columns, expected at most 80:\n%s", widest, th_out);
	cr_assert(strstr(th_out, "nn_hi = nonapi_hirq_pct"), "no legend for nn_hi:\n%s", th_out);
	rc = th_run(s, "experiment livelock ms=2 max_pct=200 -w");
	cr_assert_eq(rc, CMD_OK, "-w: status %d:\n%s", rc, th_out);
	cr_assert(strstr(th_out, "nonapi_hirq_pct  nonapi_sirq_pct"),
		  "-w has no full column names:\n%s", th_out);
	frame(th_out, &lines, &widest);
	cr_assert_gt(widest, 80, "-w is %d columns wide, expected the full table (> 80)", widest);
	th_done(s);
}

/* The CSV: the full column names, then one line per row of the table. */
Test(plot, csv_has_the_tables_rows, .init = in_tmpdir, .fini = rm_tmpdir)
{
	struct sess *s = th_sess();
	char line[256], path[128], buf[512];
	int rc, rows = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/lro.csv", dir);
	snprintf(line, sizeof(line), "experiment lro ms=2 -o %s", path);
	rc = th_run(s, line);
	cr_assert_eq(rc, CMD_OK, "%s: status %d:\n%s", line, rc, th_out);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s was not written", path);
	cr_assert_not_null(fgets(buf, sizeof(buf), f), "%s is empty", path);
	cr_assert_str_eq(buf,
			 "rx_usecs,offload,frames,skbs_up,frames_per_skb,stack_ns_per_frame,"
			 "sirq_ns_per_frame,app_ns_per_frame,flow_bytes,stream_errors\n",
			 "header: %s", buf);
	while (fgets(buf, sizeof(buf), f)) {
		int commas = 0;

		for (char *p = buf; *p; p++)
			commas += *p == ',';
		cr_assert_eq(commas, 9, "row %d has %d commas, expected 9: %s", rows, commas, buf);
		rows++;
	}
	fclose(f);
	cr_assert_eq(rows, 6, "%d rows, expected 6 (rx_usecs 0 and 500; no offload, LRO, GRO)",
		     rows);
	th_done(s);
}

/* Run a command, its output into buf; the exit status. */
static int sh(const char *cmd, char *buf, size_t len)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0;

	cr_assert_not_null(p, "cannot run %s", cmd);
	while (n + 1 < len && !feof(p)) {
		size_t got = fread(buf + n, 1, len - 1 - n, p);

		if (!got)
			break;
		n += got;
	}
	buf[n] = 0;
	return pclose(p);
}

/* The SVG parses as XML, and each curve's title is one of its text elements. */
Test(plot, svg_is_well_formed_with_every_series, .init = in_tmpdir, .fini = rm_tmpdir)
{
	static char text[1 << 18];
	static const char *const want[][3] = {
		{ "livelock", "nonapi_kpps", "napi_kpps" },
		{ "batching", "Mpps: xmit_more bql=off", "doorbells per packet: btx bql=on" },
	};
	struct sess *s = th_sess();

	cr_assert_eq(system("command -v xmllint >/dev/null && command -v gnuplot >/dev/null"), 0,
		     "xmllint and gnuplot are test tools: make deps-test installs them");
	for (int i = 0; i < 2; i++) {
		char line[256], path[128], cmd[256];
		int rc;

		snprintf(path, sizeof(path), "%s/%s.svg", dir, want[i][0]);
		snprintf(line, sizeof(line), "experiment %s %s -o %s", want[i][0],
			 i ? quick[3][1] : quick[0][1], path);
		rc = th_run(s, line);
		cr_assert_eq(rc, CMD_OK, "%s: status %d:\n%s", line, rc, th_out);
		snprintf(cmd, sizeof(cmd), "xmllint --noout %s 2>&1", path);
		rc = sh(cmd, text, sizeof(text));
		cr_assert_eq(rc, 0, "%s is not well-formed XML (xmllint %d): %s", path, rc, text);
		snprintf(cmd, sizeof(cmd),
			 "xmllint --xpath \"//*[local-name()='text']/text()\" %s 2>&1", path);
		rc = sh(cmd, text, sizeof(text));
		cr_assert_eq(rc, 0, "xmllint --xpath on %s: %d: %s", path, rc, text);
		for (int k = 1; k < 3; k++)
			cr_assert(strstr(text, want[i][k]), "%s has no series '%s'; its text: %.500s",
				  path, want[i][k], text);
	}
	th_done(s);
}

Test(plot, without_gnuplot_one_line_says_how_to_get_it, .init = in_tmpdir, .fini = rm_tmpdir)
{
	struct sess *s = th_sess();
	char line[256], csv[128];
	int rc;

	setenv("RINGLAB_GNUPLOT", "/nonexistent/gnuplot", 1);
	snprintf(line, sizeof(line), "experiment lro ms=1 -o %s/lro.svg", dir);
	rc = th_run(s, line);
	unsetenv("RINGLAB_GNUPLOT");
	cr_assert_eq(rc, CMD_FAIL, "status %d, expected %d (CMD_FAIL):\n%s", rc, CMD_FAIL, th_out);
	cr_assert(strstr(th_out, "apt-get install gnuplot-nox"), "no install hint:\n%s", th_out);
	cr_assert_eq(strchr(th_out, '\n'), th_out + strlen(th_out) - 1, "more than one line:\n%s",
		     th_out);
	snprintf(csv, sizeof(csv), "%s/lro.csv", dir);
	cr_assert_eq(access(csv, R_OK), 0, "%s was not written", csv);
	th_done(s);
}

Test(plot, tab_completes_an_experiments_parameters)
{
	struct sess *s = th_sess();
	char *c[COMP_MAX];
	bool files;
	const char *line = "experiment livelock ";
	int n = comp_candidates(s, line, (int)strlen(line), c, COMP_MAX, &files);
	static const char *const want[] = { "len=", "ms=", "max_pct=", "ratio=", "plot", "-w",
					    "-o" };

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		bool found = false;

		for (int j = 0; j < n; j++)
			found |= !strcmp(c[j], want[i]);
		cr_assert(found, "'%s<Tab>' does not offer %s (%d candidates)", line, want[i], n);
	}
	for (int j = 0; j < n; j++)
		free(c[j]);
	line = "experiment livelock ms=2 -o ";
	n = comp_candidates(s, line, (int)strlen(line), c, COMP_MAX, &files);
	cr_assert(files && n == 0, "after -o: file names (files %d, %d words)", files, n);
	th_done(s);
}
