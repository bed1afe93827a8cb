/* test_table.c - the command table's house rules (gdb's self-test idea) and the generated docs. */
#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../shell/cmd.h"
#include "../../shell/out.h"
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
