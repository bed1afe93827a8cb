/* test_first_hour.c - what a new student tries first: the README's tour at 80x24, completion. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../shell/cmd.h"
#include "../../shell/complete.h"
#include "../../shell/sess.h"
#include "helpers.h"

TestSuite(first_hour, .timeout = 60);

/* The output's lines: how many, and the widest. */
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

/* Each command of the README's tour, run in order: its output and the prompt fit 80x24. */
Test(first_hour, the_readme_tour_keeps_each_step_to_a_screen)
{
	char path[512], line[512];
	struct sess *s = th_sess();
	bool in_tour = false, in_block = false;
	int steps = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/../README.md", th_build());
	f = fopen(path, "r");
	if (!f)
		f = fopen("README.md", "r");
	cr_assert_not_null(f, "cannot read README.md (from %s or the current directory)", path);
	while (fgets(line, sizeof(line), f)) {
		char cmd[512], *hash;
		int rc, lines, widest;

		if (!strncmp(line, "## ", 3))
			in_tour = strstr(line, "tour") != NULL;
		if (!in_tour)
			continue;
		cr_assert_leq(strlen(line), 81, "a README tour line of %zu columns: %s",
			      strlen(line) - 1, line);
		if (!strncmp(line, "```", 3)) {
			in_block = !in_block;
			continue;
		}
		if (!in_block || strncmp(line, "ringlab> ", 9))
			continue;
		snprintf(cmd, sizeof(cmd), "%s", line + 9);
		if ((hash = strstr(cmd, "  #")))
			*hash = 0;
		for (size_t n = strlen(cmd); n && (cmd[n - 1] == ' ' || cmd[n - 1] == '\n'); n--)
			cmd[n - 1] = 0;
		if (!strncmp(cmd, "view", 4))
			continue; /* full screen by itself: tests/view */
		rc = th_run(s, cmd);
		cr_assert_eq(rc, CMD_OK, "tour step `%s`: status %d:\n%s", cmd, rc, th_out);
		frame(th_out, &lines, &widest);
		cr_assert_leq(lines, 23, "tour step `%s` prints %d lines, expected at most 23 (a "
			      "screen with the prompt):\n%s", cmd, lines, th_out);
		cr_assert_leq(widest, 80, "tour step `%s` prints a line of %d columns:\n%s", cmd,
			      widest, th_out);
		steps++;
	}
	fclose(f);
	cr_assert_geq(steps, 10, "%d tour steps found in README.md, expected at least 10", steps);
	th_done(s);
}

static int cands(struct sess *s, const char *line, char **out, bool *files)
{
	return comp_candidates(s, line, (int)strlen(line), out, COMP_MAX, files);
}

static bool has(char **c, int n, const char *w)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(c[i], w))
			return true;
	return false;
}

static void drop(char **c, int n)
{
	for (int i = 0; i < n; i++)
		free(c[i]);
}

/* `set sn0 <Tab>` offers what `set sn0` accepts: the device settings, no costs or knobs. */
Test(first_hour, set_dev_tab_offers_only_device_settings)
{
	struct sess *s = th_sess();
	char *c[COMP_MAX];
	bool files;
	int n = cands(s, "set sn0 ", c, &files);

	cr_assert(has(c, n, "napi") && has(c, n, "tx_ring"), "set sn0 <Tab>: no napi or tx_ring "
		  "among %d candidates", n);
	for (int i = 0; i < n; i++) {
		int id = kit_param_find(c[i]);

		cr_assert_geq(id, 0, "set sn0 <Tab> offers '%s', not a parameter", c[i]);
		cr_assert_eq(kit_param_at(id)->group, PARAM_DEVICE, "set sn0 <Tab> offers '%s', "
			     "which is not a device setting (set sn0 %s would be refused)", c[i],
			     c[i]);
	}
	drop(c, n);
	n = cands(s, "set sn1 napi ", c, &files);
	cr_assert(n == 3 && has(c, n, "none") && has(c, n, "classic") && has(c, n, "modern"),
		  "set sn1 napi <Tab>: %d candidates, expected none classic modern", n);
	drop(c, n);
	n = cands(s, "set ", c, &files);
	cr_assert(has(c, n, "sn0") && has(c, n, "mmio_write"), "set <Tab>: devices and every "
		  "parameter (%d candidates)", n);
	drop(c, n);
	th_run(s, "skb alloc sn0");
	n = cands(s, "hard_start_xmit sn0 skb#l", c, &files);
	cr_assert(n == 1 && has(c, n, "skb#last"), "skb#l<Tab>: %d candidates, expected skb#last",
		  n);
	drop(c, n);
	th_done(s);
}
