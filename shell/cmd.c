/* cmd.c - the dispatcher: split a line, find the command, check arity once, run it guarded. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "guard.h"
#include "out.h"
#include "sess.h"

const struct cmd_group cmd_groups[] = {
	{ "Devices and configuration", cmd_dev_table },
	{ "Transmit", cmd_tx_table },
	{ "Receive", cmd_rx_table },
	{ "Receive offload: GRO", cmd_gro_table },
	{ "Traffic, experiments and benchmarks", cmd_traffic_table },
	{ "Time", cmd_time_table },
	{ "Looking", cmd_look_table },
	{ "Checking", cmd_cond_table },
	{ "Session", cmd_session_table },
	{ NULL, NULL },
};

int cmd_count(void)
{
	int n = 0;

	for (const struct cmd_group *g = cmd_groups; g->title; g++)
		for (const struct cmd *c = g->rows; c->name; c++)
			n++;
	return n;
}

const struct cmd *cmd_at(int i)
{
	for (const struct cmd_group *g = cmd_groups; g->title; g++)
		for (const struct cmd *c = g->rows; c->name; c++)
			if (i-- == 0)
				return c;
	return NULL;
}

bool cmd_has_name(const struct cmd *c, const char *name)
{
	const char *a = c->aliases;
	size_t n = strlen(name);

	if (!strcmp(c->name, name))
		return true;
	while (a && *a) {
		size_t w = strcspn(a, " ");

		if (w == n && !strncmp(a, name, n))
			return true;
		a += w;
		a += strspn(a, " ");
	}
	return false;
}

const struct cmd *cmd_find(const char *name)
{
	for (int i = 0; i < cmd_count(); i++)
		if (cmd_has_name(cmd_at(i), name))
			return cmd_at(i);
	return NULL;
}

/* Edit distance with transpositions (optimal string alignment): "rign" is 1 from "ring". */
int cmd_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int d[33][33];

	if (la > 32 || lb > 32)
		return 99;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *cmd_closest(const char *word)
{
	const char *best = NULL;
	int bd = 1 << 30;

	for (int i = 0; i < cmd_count(); i++) {
		const struct cmd *c = cmd_at(i);
		int d = cmd_distance(word, c->name);

		/* a prefix is a strong hint: "netif_stop" -> netif_stop_queue */
		if (!strncmp(c->name, word, strlen(word)))
			d = 1;
		if (d < bd) {
			bd = d;
			best = c->name;
		}
	}
	return cmd_close_enough(word, bd) ? best : NULL;
}

bool cmd_close_enough(const char *word, int distance)
{
	return distance <= 1 + (int)strlen(word) / 4;
}

int cmd_split(const char *line, char *buf, size_t buflen, char **argv, int max,
	      const char **rest, const char **err)
{
	const char *p = line;
	size_t o = 0;
	int n = 0;

	*rest = NULL;
	*err = NULL;
	for (;;) {
		char q = 0;

		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		if (*p == ';') {
			*rest = p + 1;
			break;
		}
		if (n == max) {
			*err = "too many words on one line";
			return -1;
		}
		argv[n++] = buf + o;
		while (*p && (q || !strchr(" \t\r\n;", *p))) {
			if (o + 2 >= buflen) {
				*err = "line too long";
				return -1;
			}
			if (q && *p == q) {
				q = 0;
			} else if (!q && (*p == '\'' || *p == '"')) {
				q = *p;
			} else if (*p == '\\' && p[1] && q != '\'') {
				buf[o++] = *++p;
			} else {
				buf[o++] = *p;
			}
			p++;
		}
		if (q) {
			*err = q == '"' ? "unterminated \" quote" : "unterminated ' quote";
			return -1;
		}
		buf[o++] = '\0';
	}
	return n;
}

void cmd_usage(const struct cmd *c)
{
	out_err_plain("usage: %s   (help %s)\n", c->usage, c->name);
}

/* ---- naming a missing argument, from the usage line -------------------------
 * "ring DEV tx|rx [-j]" has the required words DEV and tx|rx ([...] is
 * optional; " | NAME ..." starts another form). The given words are matched
 * in order: the first required word that none fits is what is missing. A
 * literal must be given as is, DEV must be a device; other placeholders
 * (ADDR, FILE, N...) take any word.
 */

#define USAGE_MAX_TOKENS 8
#define USAGE_MAX_FORMS 4

struct usage_form {
	const char *tok[USAGE_MAX_TOKENS];
	size_t len[USAGE_MAX_TOKENS];
	int n;
};

static bool is_placeholder(const char *w, size_t n)
{
	return n && (isupper((unsigned char)w[0]) || memchr(w, '#', n));
}

static int usage_forms(const struct cmd *c, struct usage_form *f, int max)
{
	const char *p = c->usage + strlen(c->name);
	int nf = 0, depth = 0;

	memset(f, 0, sizeof(*f) * (size_t)max);
	while (*p && nf < max) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (!n)
			break;
		if (depth || *p == '[') { /* optional: skipped, nesting counted */
			for (size_t i = 0; i < n; i++)
				depth += p[i] == '[' ? 1 : p[i] == ']' ? -1 : 0;
		} else if (n == 1 && *p == '|') { /* another form: "| pcap stop" */
			nf++;
			p += n;
			p += strspn(p, " ");
			if (!strncmp(p, c->name, strlen(c->name)))
				p += strlen(c->name);
			continue;
		} else if (f[nf].n < USAGE_MAX_TOKENS) {
			f[nf].tok[f[nf].n] = p;
			f[nf].len[f[nf].n++] = n;
		}
		p += n;
	}
	return nf < max ? nf + 1 : max;
}

/* Does word fit alternative alt (one of "tx|rx", or a placeholder)? */
static bool fits(struct sess *s, const char *alt, size_t n, const char *word)
{
	if (!is_placeholder(alt, n))
		return strlen(word) == n && !strncmp(alt, word, n);
	if (n == 3 && !strncmp(alt, "DEV", 3))
		return s && s->k && kit_dev_by_name(s->k, word);
	return true;
}

static bool fits_token(struct sess *s, const char *tok, size_t len, const char *word)
{
	for (const char *a = tok, *end = tok + len; a < end;) {
		size_t n = strcspn(a, "|");

		if (a + n > end)
			n = (size_t)(end - a);
		if (fits(s, a, n, word))
			return true;
		a += n + 1;
	}
	return false;
}

static void add_text(char *buf, size_t len, const char *text, const char *sep)
{
	size_t u = strlen(buf);

	snprintf(buf + u, len - u, "%s%s", u ? sep : "", text);
}

/* What a placeholder stands for, in words. */
static void describe(struct sess *s, const char *alt, size_t n, char *buf, size_t len)
{
	static const struct { const char *word, *says; } names[] = {
		{ "ADDR", "the address (like 192.168.0.2)" }, { "FILE", "the file" },
		{ "NAME", "a parameter name" }, { "VALUE", "the value" },
		{ "skb#N", "the skb (skb#N)" }, { "N", "a number" }, { "CMD", "a command" },
	};

	if (n == 3 && !strncmp(alt, "DEV", 3)) {
		char devs[64] = "";

		for (int i = 0; s && s->k && i < kit_dev_count(s->k); i++)
			add_text(devs, sizeof(devs), kit_dev_at(s->k, i)->name, ", ");
		snprintf(buf, len, "the device (%s)", devs);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i].word) == n && !strncmp(names[i].word, alt, n)) {
			snprintf(buf, len, "%s", names[i].says);
			return;
		}
	snprintf(buf, len, "%.*s", (int)n, alt);
}

/* "tx|rx" -> "tx or rx"; "costs|knobs|dev|NAME" -> "costs, knobs, dev or a parameter name". */
static void token_text(struct sess *s, const char *tok, size_t len, char *buf, size_t blen)
{
	int nalt = 1, i = 0;

	for (size_t k = 0; k < len; k++)
		nalt += tok[k] == '|';
	buf[0] = '\0';
	for (const char *a = tok, *end = tok + len; a < end; i++) {
		size_t n = strcspn(a, "|");
		char one[96];

		if (a + n > end)
			n = (size_t)(end - a);
		describe(s, a, n, one, sizeof(one));
		add_text(buf, blen, one, i == 0 ? "" : i == nalt - 1 ? " or " : ", ");
		a += n + 1;
	}
}

void cmd_missing(struct sess *s, const struct cmd *c, int argc, char **argv)
{
	struct usage_form f[USAGE_MAX_FORMS];
	int nf = usage_forms(c, f, USAGE_MAX_FORMS);
	char what[256] = "", opts[128] = "";

	for (int i = 0; i < nf; i++) {
		int w = 0;

		for (int t = 0; t < f[i].n; t++) {
			char one[160];

			if (w < argc && fits_token(s, f[i].tok[t], f[i].len[t], argv[w])) {
				w++;
				continue;
			}
			if (f[i].tok[t][0] == '-') { /* options: "-g|-G|..." */
				snprintf(opts, sizeof(opts), "%.*s", (int)f[i].len[t], f[i].tok[t]);
				for (char *o = opts; *o; o++)
					if (*o == '|')
						*o = ' ';
				break;
			}
			token_text(s, f[i].tok[t], f[i].len[t], one, sizeof(one));
			if (!strstr(what, one)) /* the forms may miss the same word */
				add_text(what, sizeof(what), one, " or ");
			break;
		}
	}
	if (opts[0] && !what[0])
		out_error("%s: missing the option: %s", c->name, opts);
	else if (what[0])
		out_error("%s: missing argument: %s", c->name, what);
	else
		out_error("%s: missing argument", c->name);
}

struct call {
	const struct cmd *c;
	int argc;
	char **argv;
	bool json;
};

static int run_handler(struct sess *s, void *arg)
{
	struct call *cl = arg;

	return cl->c->fn(s, cl->argc, cl->argv, cl->json);
}

int cmd_exec_argv(struct sess *s, int argc, char **argv)
{
	const struct cmd *c = cmd_find(argv[0]);
	struct call cl = { .c = c, .argv = argv + 1 };
	char *args[CMD_MAX_WORDS];
	int rc;

	if (!c) {
		if (cmd_closest(argv[0]))
			out_error("unknown command '%s'; did you mean '%s'? (help lists them all)",
				  argv[0], cmd_closest(argv[0]));
		else
			out_error("unknown command '%s' (help lists them all)", argv[0]);
		return CMD_FAIL;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			if (!(c->flags & CMD_F_JSON)) {
				out_error("%s: no JSON output (-j): it shows no state", c->name);
				cmd_usage(c);
				return CMD_USAGE;
			}
			cl.json = true;
			continue;
		}
		args[cl.argc++] = argv[i];
	}
	cl.argv = args;
	if (cl.argc < c->min) {
		cmd_missing(s, c, cl.argc, cl.argv);
		cmd_usage(c);
		return CMD_USAGE;
	}
	if (c->max >= 0 && cl.argc > c->max) {
		out_error("%s: too many arguments, from '%s'", c->name, cl.argv[c->max]);
		cmd_usage(c);
		return CMD_USAGE;
	}
	s->cur_dev = NULL;
	if (cl.json) /* one line of JSON: no trace lines in between (the records are kept) */
		sess_trace_detach(s);
	if (c->flags & CMD_F_NOGUARD)
		rc = c->fn(s, cl.argc, cl.argv, cl.json);
	else
		rc = guard_call(s, run_handler, &cl, 0);
	if (!(c->flags & CMD_F_NOGUARD) && s->k)
		guard_check_areas(s); /* a driver's overrun, named before it does harm */
	if (cl.json)
		sess_trace_attach(s);
	sess_quiet_done(s);
	s->cur_dev = NULL;
	if (rc == GUARD_OOPS)
		return CMD_OK; /* reported; the shell goes on (the exit status remembers) */
	if (rc == CMD_USAGE)
		cmd_usage(c);
	return rc;
}

int cmd_exec_line(struct sess *s, const char *line)
{
	char buf[4096];
	char *argv[CMD_MAX_WORDS];
	int failed = CMD_OK;

	while (line) {
		const char *rest, *err;
		int n = cmd_split(line, buf, sizeof(buf), argv, CMD_MAX_WORDS, &rest, &err);
		int rc;

		if (n < 0) {
			out_error("%s", err);
			return CMD_FAIL;
		}
		if (n > 0) {
			rc = cmd_exec_argv(s, n, argv);
			if (rc && !failed)
				failed = rc;
			if ((rc && !s->keep_going) || s->quit || s->interrupted)
				return failed;
		}
		line = rest;
	}
	return failed;
}

void cmd_help_all(void)
{
	out_printf("ringlab %s: a NIC, its rings and the kernel's stack core, one call at a time.\n",
		   RINGLAB_VERSION);
	for (const struct cmd_group *g = cmd_groups; g->title; g++) {
		out_printf("\n%s:\n", g->title);
		for (const struct cmd *c = g->rows; c->name; c++)
			out_printf("  %-20s %s\n", c->name, c->summary);
	}
	out_printf("\nhelp CMD tells more. Devices: sn0 and sn1, wired back to back (LDD3's snull).\n"
		   "Commands that show state take -j for JSON. Tab completes; Enter repeats a step.\n");
}

void cmd_help_one(const struct cmd *c)
{
	out_printf("usage: %s\n%s.\n", c->usage, c->summary);
	if (c->aliases)
		out_printf("aliases: %s\n", c->aliases);
	out_printf("\n%s", c->help);
	if (c->json)
		out_printf("\n-j prints JSON: %s\n", c->json);
}
