/* test_parse.c - the pure parts: splitting lines, numbers, times, completion candidates. */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../shell/arg.h"
#include "../../shell/cmd.h"
#include "../../shell/complete.h"
#include "../../shell/out.h"
#include "../../shell/sess.h"
#include "helpers.h"

TestSuite(parse, .timeout = 30);

Test(parse, split_words_quotes_comments_semicolons)
{
	char buf[256], *argv[8];
	const char *rest, *err;
	int n = cmd_split("  ring  'sn 0' \"tx\\\"\" # comment; not a command", buf, sizeof(buf),
			  argv, 8, &rest, &err);

	cr_assert_eq(n, 3, "got %d words", n);
	cr_assert_str_eq(argv[1], "sn 0");
	cr_assert_str_eq(argv[2], "tx\"");
	cr_assert_null(rest, "a comment hides the rest of the line");
	n = cmd_split("step; time", buf, sizeof(buf), argv, 8, &rest, &err);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(rest, " time");
	n = cmd_split("ring 'sn0", buf, sizeof(buf), argv, 8, &rest, &err);
	cr_assert_eq(n, -1);
	cr_assert_str_eq(err, "unterminated ' quote");
	n = cmd_split("a b c d e f g h i", buf, sizeof(buf), argv, 8, &rest, &err);
	cr_assert_eq(n, -1, "more words than argv holds must fail, got %d", n);
}

Test(parse, numbers_and_times)
{
	long long v;
	u64 ns;
	struct out_capture c;
	char out[512];

	cr_assert_eq(arg_parse_num("0x10", &v), 0);
	cr_assert_eq(v, 16);
	cr_assert_eq(arg_parse_num("2k", &v), 0);
	cr_assert_eq(v, 2000);
	cr_assert_eq(arg_parse_num("3M", &v), 0);
	cr_assert_eq(v, 3000000);
	cr_assert_neq(arg_parse_num("-1", &v), 0);
	cr_assert_neq(arg_parse_num("12x", &v), 0);
	cr_assert_neq(arg_parse_num("", &v), 0);
	out_capture_begin(&c, out, sizeof(out));
	cr_assert_eq(arg_time("run", "10us", &ns), 0);
	cr_assert_eq(ns, 10000);
	cr_assert_eq(arg_time("run", "2ms", &ns), 0);
	cr_assert_eq(ns, 2000000);
	cr_assert_eq(arg_time("run", "10", &ns), CMD_USAGE);
	cr_assert_eq(arg_time("run", "0us", &ns), CMD_FAIL);
	cr_assert_eq(arg_time("run", "ten", &ns), CMD_USAGE);
	out_capture_end(&c);
	cr_assert(strstr(out, "needs a unit"), "output: %s", out);
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

Test(parse, completion)
{
	struct sess *s = th_sess();
	char *c[COMP_MAX];
	bool files;
	int n;

	n = cands(s, "netif_st", c, &files);
	cr_assert(has(c, n, "netif_stop_queue") && has(c, n, "netif_start_queue") && n == 2,
		  "netif_st -> %d candidates", n);
	drop(c, n);
	n = cands(s, "ring ", c, &files);
	cr_assert(n == 2 && has(c, n, "sn0") && has(c, n, "sn1") && !files, "ring DEV: %d", n);
	drop(c, n);
	n = cands(s, "ring sn0 ", c, &files);
	cr_assert(n == 2 && has(c, n, "tx") && has(c, n, "rx"), "ring sn0: %d", n);
	drop(c, n);
	n = cands(s, "ring sn0 tx -", c, &files);
	cr_assert(n == 1 && has(c, n, "-j"), "-j offered: %d", n);
	drop(c, n);
	n = cands(s, "poll sn1 ", c, &files);
	cr_assert(n == 1 && has(c, n, "budget"), "poll keyword: %d", n);
	drop(c, n);
	n = cands(s, "skb alloc sn0 proto ", c, &files);
	cr_assert(n == 3 && has(c, n, "tcp"), "proto values: %d", n);
	drop(c, n);
	n = cands(s, "step ", c, &files);
	cr_assert(n == 0 && !files, "step N completes nothing, and no files: %d", n);
	drop(c, n);
	n = cands(s, "source ", c, &files);
	cr_assert(files, "source FILE completes file names");
	drop(c, n);
	th_run(s, "skb alloc sn0");
	n = cands(s, "hard_start_xmit sn0 ", c, &files);
	cr_assert(n == 1 && !strncmp(c[0], "skb#", 4), "skb handles: %d", n);
	drop(c, n);
	n = cands(s, "set tx_r", c, &files);
	cr_assert(has(c, n, "tx_ring"), "parameter names");
	drop(c, n);
	n = cands(s, "help po", c, &files);
	cr_assert(has(c, n, "poll"), "command names after help");
	drop(c, n);
	th_done(s);
}
