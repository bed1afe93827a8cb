/* test_table.c - the command table's house rules (gdb's self-test idea) and the generated docs. */
#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "../../shell/cmd.h"
#include "../../shell/out.h"
#include "../../shell/sess.h"
#include "helpers.h"

TestSuite(table, .timeout = 30);

Test(table, every_row_is_complete)
{
	cr_assert_gt(cmd_count(), 30, "only %d commands", cmd_count());
	for (int i = 0; i < cmd_count(); i++) {
		const struct cmd *c = cmd_at(i);
		size_t n = strlen(c->name);

		cr_assert(c->summary && *c->summary, "%s: no summary", c->name);
		cr_assert(c->summary[strlen(c->summary) - 1] != '.', "%s: summary ends in a period",
			  c->name);
		cr_assert(isupper((unsigned char)c->summary[0]) || c->summary[0] == '"',
			  "%s: summary should start with a capital: '%s'", c->name, c->summary);
		cr_assert(c->usage && !strncmp(c->usage, c->name, n) &&
				  (c->usage[n] == ' ' || c->usage[n] == '\0'),
			  "%s: the usage line must start with the name: '%s'", c->name, c->usage);
		cr_assert(strlen(c->usage) <= 100, "%s: usage line too long", c->name);
		cr_assert(c->help && strlen(c->help) > 10 && c->help[strlen(c->help) - 1] == '\n',
			  "%s: long help missing or not ending in a newline", c->name);
		cr_assert(c->complete, "%s: no completion spec (use \"\")", c->name);
		cr_assert(c->fn, "%s: no handler", c->name);
		cr_assert(c->max < 0 || c->max >= c->min, "%s: max %d < min %d", c->name, c->max,
			  c->min);
		cr_assert(!(c->flags & CMD_F_JSON) || strstr(c->usage, "-j"),
			  "%s takes -j but its usage line does not say so", c->name);
		cr_assert(!(c->flags & CMD_F_JSON) || c->json || !strcmp(c->name, "ethtool") ||
				  !strcmp(c->name, "dev") || !strcmp(c->name, "skb"),
			  "%s takes -j but documents no keys", c->name);
	}
}

static void names(const struct cmd *c, void (*fn)(const struct cmd *, const char *))
{
	const char *a = c->aliases;
	char w[64];

	fn(c, c->name);
	while (a && *a) {
		size_t l = strcspn(a, " ");

		snprintf(w, sizeof(w), "%.*s", (int)l, a);
		fn(c, w);
		a += l;
		a += strspn(a, " ");
	}
}

static void unique(const struct cmd *c, const char *name)
{
	int owners = 0;

	for (int i = 0; i < cmd_count(); i++)
		owners += cmd_has_name(cmd_at(i), name);
	cr_assert_eq(owners, 1, "'%s' (%s) names %d commands: ambiguous", name, c->name, owners);
	cr_assert_eq(cmd_find(name), c, "'%s' does not find %s", name, c->name);
}

Test(table, no_ambiguous_names)
{
	for (int i = 0; i < cmd_count(); i++)
		names(cmd_at(i), unique);
}

/* Every command appears, by a name or an alias, at the start of a line of some transcript. */
static char *all_transcripts(void)
{
	glob_t g;
	size_t len = 0;
	char *text = calloc(1, 1);

	cr_assert_eq(glob("tests/transcripts/*.rl", 0, NULL, &g), 0, "no transcripts (run from the root)");
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");
		char line[1024];

		while (f && fgets(line, sizeof(line), f)) {
			text = realloc(text, len + strlen(line) + 2);
			strcpy(text + len, line);
			len += strlen(line);
		}
		if (f)
			fclose(f);
	}
	globfree(&g);
	return text;
}

static const char *corpus;
static bool tested;

static void look(const struct cmd *c, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = corpus; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, name, n) && (p[n] == ' ' || p[n] == '\n'))
			tested = true;
}

Test(table, every_command_has_a_transcript)
{
	char *text = all_transcripts();

	corpus = text;
	for (int i = 0; i < cmd_count(); i++) {
		tested = false;
		names(cmd_at(i), look);
		cr_assert(tested, "%s is in no transcript (tests/transcripts/*.rl)", cmd_at(i)->name);
	}
	free(text);
}

Test(table, closest_name)
{
	cr_assert_str_eq(cmd_closest("rign"), "ring");
	cr_assert_str_eq(cmd_closest("netif_stop"), "netif_stop_queue");
	cr_assert_str_eq(cmd_closest("pol"), "poll");
}

Test(table, docs_are_generated_from_the_table)
{
	static char gen[1 << 20], file[1 << 20];
	struct out_capture c;
	FILE *f = fopen("docs/commands.md", "r");
	size_t n;

	cr_assert(f, "docs/commands.md is missing: make docs");
	n = fread(file, 1, sizeof(file) - 1, f);
	fclose(f);
	file[n] = '\0';
	out_capture_begin(&c, gen, sizeof(gen));
	docs_generate();
	out_capture_end(&c);
	cr_assert(strlen(gen) < sizeof(gen) - 1, "the docs outgrew the test's buffer");
	cr_assert(!strcmp(gen, file),
		  "docs/commands.md differs from `ringlab --gen-docs`: run `make docs` and commit it");
}

/* ---- the help's examples, run ------------------------------------------------- */

/* The example lines of c's help: its last paragraph, one command per line ("  ring sn0 tx"). */
static int examples(const struct cmd *c, char lines[][160], int max)
{
	const char *p = c->help, *q;
	int n = 0;

	for (q = c->help; (q = strstr(q, "\n\n")); q += 2)
		p = q + 2;
	while (*p && n < max) {
		size_t l = strcspn(p, "\n");

		if (l > 2 && !strncmp(p, "  ", 2) && p[2] != ' ')
			snprintf(lines[n++], 160, "%.*s", (int)l - 2, p + 2);
		p += l + (p[l] == '\n');
	}
	return n;
}

static bool names_cmd(const struct cmd *c, const char *line)
{
	char w[64];

	snprintf(w, sizeof(w), "%.*s", (int)strcspn(line, " "), line);
	return cmd_has_name(c, w);
}

/* Every line of out is one JSON value. */
static bool all_json(const char *out)
{
	char line[1 << 16];
	int n = 0;

	for (const char *p = out; *p;) {
		size_t l = strcspn(p, "\n");
		cJSON *j;

		snprintf(line, sizeof(line), "%.*s", (int)l, p);
		j = cJSON_Parse(line);
		if (!j)
			return false;
		cJSON_Delete(j);
		n++;
		p += l + (p[l] == '\n');
	}
	return n > 0;
}

/*
 * -j everywhere it makes sense: a command that shows state prints JSON and
 * nothing else (no trace lines) for each of its help's examples; where -j makes
 * no sense (a form that only acts, a command that shows no state) it is refused
 * with an error that names -j, never ignored.
 */
Test(table, json_is_shown_or_refused, .timeout = 120)
{
	char ex[16][160], line[200];

	for (int i = 0; i < cmd_count(); i++) {
		const struct cmd *c = cmd_at(i);
		struct sess *s;
		int n = examples(c, ex, 16);

		s = th_sess();
		if (!(c->flags & CMD_F_JSON)) {
			snprintf(line, sizeof(line), "%s -j", c->name);
			cr_assert_neq(th_run(s, line), 0, "%s: -j accepted, but it has no JSON", line);
			cr_assert(strstr(th_out, "-j"), "%s: the refusal does not name -j: %s", line,
				  th_out);
			th_done(s);
			continue;
		}
		if (!strcmp(c->name, "bench")) { /* wall-clock runs; exec.json_keys runs bench -j */
			th_done(s);
			continue;
		}
		cr_assert_gt(n, 0, "%s: no examples in its help", c->name);
		for (int e = 0; e < n; e++) {
			int rc;

			if (!names_cmd(c, ex[e])) { /* the example's set-up, as it is */
				th_run(s, ex[e]);
				continue;
			}
			snprintf(line, sizeof(line), "%.159s -j", ex[e]);
			rc = th_run(s, line);
			if (rc)
				cr_assert(strstr(th_out, "-j"),
					  "`%s` failed without naming -j (example of %s): %s", line,
					  c->name, th_out);
			else
				cr_assert(all_json(th_out), "`%s` printed more than JSON: %s", line,
					  th_out);
		}
		th_done(s);
	}
}

/* Each example that names an skb (skb#N) is true on a fresh machine, run in order. */
Test(table, examples_name_real_skbs)
{
	char ex[16][160];
	int checked = 0;

	for (int i = 0; i < cmd_count(); i++) {
		const struct cmd *c = cmd_at(i);
		int n = examples(c, ex, 16);
		struct sess *s;

		if (!strstr(c->help, "skb#"))
			continue;
		s = th_sess();
		for (int e = 0; e < n; e++) {
			int rc = th_run(s, ex[e]);

			if (strstr(ex[e], "skb#")) {
				cr_assert_eq(rc, 0, "help %s: `%s` fails on a fresh machine: %s",
					     c->name, ex[e], th_out);
				checked++;
			}
		}
		th_done(s);
	}
	cr_assert_geq(checked, 4, "only %d examples name an skb", checked);
}

/* A missing argument is named: what the usage line says goes there. */
Test(table, missing_arguments_are_named)
{
	struct sess *s = th_sess();
	char line[64], want[128];

	for (int i = 0; i < cmd_count(); i++) {
		const struct cmd *c = cmd_at(i);
		const char *named;

		if (c->min == 0)
			continue;
		cr_assert_eq(th_run(s, c->name), CMD_USAGE, "%s without arguments: %s", c->name,
			     th_out);
		snprintf(want, sizeof(want), "%s: missing argument: ", c->name);
		named = strstr(th_out, want);
		if (!named) {
			snprintf(want, sizeof(want), "%s: missing the option: ", c->name);
			named = strstr(th_out, want);
		}
		cr_assert(named && named[strlen(want)] > ' ', "%s: the missing argument is not "
			  "named: %s", c->name, th_out);
	}
	static const char *const cases[][2] = {
		{ "ring sn1", "ring: missing argument: tx or rx\n" },
		{ "ring tx", "ring: missing argument: the device (sn0, sn1)\n" },
		{ "ethtool sn0", "ethtool: missing the option: -g -G -c -C -k -K -S -i\n" },
		{ "ethtool -g", "ethtool: missing argument: the device (sn0, sn1)\n" },
		{ "ping sn0", "ping: missing argument: the address (like 192.168.0.2)\n" },
		{ "pktgen sn1", "pktgen: missing argument: count or pcap\n" },
		{ "lro sn1", "lro: missing argument: show\n" },
		{ "hard_start_xmit sn0", "hard_start_xmit: missing argument: the skb (skb#N)\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line), "%s", cases[i][0]);
		cr_assert_eq(th_run(s, line), CMD_USAGE, "%s", line);
		cr_assert(!strncmp(th_out, cases[i][1], strlen(cases[i][1])), "%s: got %s", line,
			  th_out);
	}
	th_done(s);
}

/* Every example in `help CMD` runs as shown on a fresh machine (each command's
 * examples in order, as a student would type them). */
Test(table, every_example_runs, .timeout = 120)
{
	static const char *const skipped[] = { "quit", "view", "bench", "experiment" };
	char ex[16][160];
	int ran = 0;

	for (int i = 0; i < cmd_count(); i++) {
		const struct cmd *c = cmd_at(i);
		int n = examples(c, ex, 16);
		bool skip = false;
		struct sess *s;

		for (size_t j = 0; j < sizeof(skipped) / sizeof(skipped[0]); j++)
			skip |= !strcmp(c->name, skipped[j]);
		if (skip)
			continue;
		s = th_sess();
		for (int e = 0; e < n; e++) {
			int rc;

			if (!strncmp(ex[e], "driver student", 14))
				continue; /* needs lab sources in labs/ */
			rc = th_run(s, ex[e]);
			cr_assert_eq(rc, 0, "help %s: `%s` fails on a fresh machine: %s", c->name, ex[e],
				     th_out);
			ran++;
		}
		th_done(s);
	}
	cr_assert_geq(ran, 60, "only %d examples ran", ran);
}
