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
	cr_assert_str_eq(argv[1], "sn 0", "argv[1] is '%s', expected 'sn 0'", argv[1]);
	cr_assert_str_eq(argv[2], "tx\"", "argv[2] is '%s', expected 'tx\"'", argv[2]);
	cr_assert_null(rest, "a comment hides the rest of the line");
	n = cmd_split("step; time", buf, sizeof(buf), argv, 8, &rest, &err);
	cr_assert_eq(n, 1, "got %d words before the ';', expected 1", n);
	cr_assert_str_eq(rest, " time", "the rest is '%s', expected ' time'", rest);
	n = cmd_split("ring 'sn0", buf, sizeof(buf), argv, 8, &rest, &err);
	cr_assert_eq(n, -1, "an unterminated quote gave %d words, expected -1", n);
	cr_assert_str_eq(err, "unterminated ' quote",
			 "the error is \"%s\", expected \"unterminated ' quote\"", err);
	n = cmd_split("a b c d e f g h i", buf, sizeof(buf), argv, 8, &rest, &err);
	cr_assert_eq(n, -1, "more words than argv holds must fail, got %d", n);
}

Test(parse, numbers_and_times)
{
	long long v;
	u64 ns;
	int rc;
	struct out_capture c;
	char out[512];

	rc = arg_parse_num("0x10", &v);
	cr_assert_eq(rc, 0, "\"0x10\" returned %d, expected 0", rc);
	cr_assert_eq(v, 16, "\"0x10\" is %lld, expected 16", v);
	rc = arg_parse_num("2k", &v);
	cr_assert_eq(rc, 0, "\"2k\" returned %d, expected 0", rc);
	cr_assert_eq(v, 2000, "\"2k\" is %lld, expected 2000", v);
	rc = arg_parse_num("3M", &v);
	cr_assert_eq(rc, 0, "\"3M\" returned %d, expected 0", rc);
	cr_assert_eq(v, 3000000, "\"3M\" is %lld, expected 3000000", v);
	cr_assert_neq(arg_parse_num("-1", &v), 0, "\"-1\" returned 0 (%lld), expected -1", v);
	cr_assert_neq(arg_parse_num("12x", &v), 0, "\"12x\" returned 0 (%lld), expected -1", v);
	cr_assert_neq(arg_parse_num("", &v), 0, "\"\" returned 0 (%lld), expected -1", v);
	out_capture_begin(&c, out, sizeof(out));
	rc = arg_time("run", "10us", &ns);
	cr_assert_eq(rc, 0, "\"10us\" returned %d, expected 0", rc);
	cr_assert_eq(ns, 10000, "\"10us\" is %llu ns, expected 10000", (unsigned long long)ns);
	rc = arg_time("run", "2ms", &ns);
	cr_assert_eq(rc, 0, "\"2ms\" returned %d, expected 0", rc);
	cr_assert_eq(ns, 2000000, "\"2ms\" is %llu ns, expected 2000000", (unsigned long long)ns);
	rc = arg_time("run", "10", &ns);
	cr_assert_eq(rc, CMD_USAGE, "\"10\" returned %d, expected %d (CMD_USAGE)", rc, CMD_USAGE);
	rc = arg_time("run", "0us", &ns);
	cr_assert_eq(rc, CMD_FAIL, "\"0us\" returned %d, expected %d (CMD_FAIL)", rc, CMD_FAIL);
	rc = arg_time("run", "ten", &ns);
	cr_assert_eq(rc, CMD_USAGE, "\"ten\" returned %d, expected %d (CMD_USAGE)", rc, CMD_USAGE);
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
	cr_assert(n == 2 && !strncmp(c[0], "skb#", 4) && has(c, n, "skb#last"),
		  "skb handles: %d, expected the one held and skb#last", n);
	drop(c, n);
	n = cands(s, "set tx_r", c, &files);
	cr_assert(has(c, n, "tx_ring"), "parameter names");
	drop(c, n);
	n = cands(s, "help po", c, &files);
	cr_assert(has(c, n, "poll"), "command names after help");
	drop(c, n);
	/* count and pcap exclude each other: after one, the other is not offered */
	n = cands(s, "pktgen sn1 count 5 ", c, &files);
	cr_assert(has(c, n, "len") && !has(c, n, "pcap") && !has(c, n, "count"),
		  "pktgen sn1 count 5: %d candidates, expected len and no pcap or count", n);
	drop(c, n);
	n = cands(s, "pktgen sn1 ", c, &files);
	cr_assert(has(c, n, "count") && has(c, n, "pcap"),
		  "pktgen sn1: %d candidates, expected count and pcap", n);
	drop(c, n);
	th_done(s);
}
