/* test_driver.c - `driver`: reload keeps the file, reads it again from disk, and says what is unused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "../../shell/sess.h"
#include "helpers.h"

TestSuite(driver, .timeout = 60);

static const char *probe(const char *fn)
{
	static char path[2][512];
	static int n;
	char *p = path[n++ & 1];

	snprintf(p, 512, "%s/tests/probes/%s.so", th_build(), fn);
	return p;
}

static bool loaded(struct sess *s, const char *fn)
{
	for (size_t i = 0; i < simnic_lab_nfns; i++)
		if (!strcmp(simnic_lab_fns[i].name, fn))
			return kit_driver_fn_loaded(s->k, i);
	cr_assert_fail("%s is not a lab function", fn);
	return false;
}

Test(driver, reload_twice_keeps_the_file)
{
	struct sess *s = th_sess();
	char line[600];
	const char *p = probe("simnic_clean_rx_irq");

	snprintf(line, sizeof(line), "driver %s", p);
	cr_assert_eq(th_run(s, line), 0, "%s: %s", line, th_out);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(th_run(s, "driver reload"), 0, "reload %d: %s", i + 1, th_out);
		cr_assert_str_eq(kit_driver_name(s->k), p, "after reload %d the driver is %s, "
				 "expected %s", i + 1, kit_driver_name(s->k), p);
		cr_assert(loaded(s, "simnic_clean_rx_irq"), "reload %d: simnic_clean_rx_irq is "
			  "linked, expected from the file", i + 1);
	}
	cr_assert_eq(th_run(s, "reset"), 0, "%s", th_out);
	cr_assert_str_eq(kit_driver_name(s->k), p, "after reload and reset the driver is %s, "
			 "expected %s", kit_driver_name(s->k), p);
	cr_assert(loaded(s, "simnic_clean_rx_irq"), "reset fell back to the linked function");
	th_done(s);
}

static void copy(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "r+b"); /* in place: the same inode */
	size_t n;

	if (!out)
		out = fopen(to, "wb");
	cr_assert(in && out, "cannot copy %s to %s", from, to);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		cr_assert_eq(fwrite(buf, 1, n, out), n, "short write to %s", to);
	cr_assert_eq(ftruncate(fileno(out), ftell(out)), 0, "cannot truncate %s", to);
	fclose(in);
	fclose(out);
}

/* cp over the loaded file, then reload: what is on disk now is loaded, nothing crashes. */
Test(driver, reload_after_the_file_is_overwritten_in_place)
{
	struct sess *s = th_sess();
	char dir[] = "/tmp/ringlab-test-XXXXXX", path[128], line[200];

	cr_assert_not_null(mkdtemp(dir), "mkdtemp failed");
	snprintf(path, sizeof(path), "%s/mine.so", dir);
	copy(probe("simnic_clean_rx_irq"), path);
	snprintf(line, sizeof(line), "driver %s; pktgen sn1 count 20; run until idle", path);
	cr_assert_eq(th_run(s, line), 0, "%s: %s", line, th_out);
	copy(probe("simnic_poll"), path);
	cr_assert_eq(th_run(s, "driver reload"), 0, "%s", th_out);
	cr_assert(loaded(s, "simnic_poll"), "the reload kept the old file's functions: %s", th_out);
	cr_assert(!loaded(s, "simnic_clean_rx_irq"), "simnic_clean_rx_irq still from the old file");
	cr_assert_eq(th_run(s, "pktgen sn1 count 20; dev_queue_xmit sn0 count 5; run until idle; "
			       "check"), 0, "%s", th_out);
	cr_assert(!s->oopsed, "an oops after the reload: %s", th_out);
	for (int i = 0; i < kit_dev_count(s->k); i++)
		cr_assert(!kit_dev_broken(kit_dev_at(s->k, i)), "%s is broken after the reload",
			  kit_dev_at(s->k, i)->name);
	/* 20 + 20 from pktgen, 5 from sn0 across the pair */
	cr_assert_eq(kit_dev_stat(kit_dev_by_name(s->k, "sn1"), kit_stat_find("rx_packets")), 45,
		     "sn1 received %llu frames, expected 45", (unsigned long long)
		     kit_dev_stat(kit_dev_by_name(s->k, "sn1"), kit_stat_find("rx_packets")));
	unlink(path);
	rmdir(dir);
	th_done(s);
}

Test(driver, says_when_a_loaded_function_is_not_used)
{
	struct sess *s = th_sess();
	char line[600];

	snprintf(line, sizeof(line), "driver %s", probe("simnic_poll_classic"));
	cr_assert_eq(th_run(s, line), 0, "%s: %s", line, th_out);
	cr_assert_eq(th_run(s, "driver"), 0, "%s", th_out);
	cr_assert(strstr(th_out, "simnic_poll_classic              lab napi   from the file, "
			 "NOT USED in this mode\n"), "modern NAPI, a classic poll: %s", th_out);
	cr_assert_eq(th_run(s, "set napi classic; driver"), 0, "%s", th_out);
	cr_assert(strstr(th_out, "simnic_poll_classic              lab napi   from the file\n"),
		  "classic NAPI uses it: %s", th_out);
	cr_assert_eq(th_run(s, "driver -j"), 0, "%s", th_out);
	cr_assert(strstr(th_out, "\"used\":true"), "driver -j has no \"used\": %s", th_out);
	th_done(s);
}
