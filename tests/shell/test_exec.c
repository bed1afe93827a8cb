/* test_exec.c - commands run in-process: bad input changes nothing, JSON keys, determinism. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "../../shell/cmd.h"
#include "../../shell/out.h"
#include "../../shell/script.h"
#include "../../shell/sess.h"
#include "helpers.h"

TestSuite(exec, .timeout = 60);

static long param(struct sess *s, struct net_device *dev, const char *name)
{
	return kit_param_get(s->k, dev, kit_param_find(name));
}

Test(exec, bad_input_changes_nothing)
{
	struct sess *s = th_sess();
	struct net_device *sn0 = kit_dev_by_name(s->k, "sn0");
	u64 now = kit_now(s->k), total = kit_trace_total(s->k);
	static const char *const bad[] = {
		"ethtool -G sn0 rx 64 tx 12", "ethtool -C sn0 rx-usecs 5 tx-usecs -1",
		"ethtool -K sn0 lro on batching turbo", "set weight 99999", "set sn0 napi sideways",
		"dev_queue_xmit sn0 count 0", "dev_queue_xmit sn0 len 10", "skb alloc sn0 proto sctp",
		"poll sn1 budget 0", "ping sn0 1.2.3", "run for 10", "ring sn0 both", "nosuch",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_neq(th_run(s, bad[i]), 0, "'%s' should fail", bad[i]);
	cr_assert_eq(param(s, sn0, "rx_ring"), 256, "rx_ring changed by a failed ethtool -G");
	cr_assert_eq(param(s, sn0, "rx_usecs"), 0, "rx_usecs is %ld, expected 0",
		     param(s, sn0, "rx_usecs"));
	cr_assert_eq(param(s, sn0, "lro"), 0, "lro is %ld, expected 0", param(s, sn0, "lro"));
	cr_assert_eq(param(s, sn0, "weight"), 64, "weight is %ld, expected 64",
		     param(s, sn0, "weight"));
	cr_assert_eq(kit_now(s->k), now, "time moved");
	cr_assert_eq(kit_trace_total(s->k), total, "the machine did something");
	th_done(s);
}

static cJSON *json_of(struct sess *s, const char *line)
{
	cJSON *j;

	cr_assert_eq(th_run(s, line), 0, "%s failed: %s", line, th_out);
	j = cJSON_Parse(th_out);
	cr_assert(j, "%s: not JSON: %s", line, th_out);
	return j;
}

Test(exec, json_keys_are_the_kernels)
{
	static const char *const stats[] = {
		"tx_packets", "tx_bytes", "tx_dropped", "rx_packets", "rx_dropped", "rx_missed_errors",
		"doorbells", "tx_busy", "queue_stops", "queue_wakes", "irqs", "polls", "lro_aggregated",
		"lro_flushed", "lro_no_desc",
	};
	static const char *const ring[] = { "size", "head", "tail", "next_to_use", "next_to_clean",
					    "queue_stopped", "slots" };
	struct sess *s = th_sess();
	cJSON *j, *slot;

	th_run(s, "dev_queue_xmit sn0 count 3; run");
	j = json_of(s, "stats sn0 -j");
	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
		cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(j, stats[i])), "stats -j lacks %s", stats[i]);
	cr_assert_eq(cJSON_GetObjectItem(j, "tx_packets")->valuedouble, 3,
		     "tx_packets is %g, expected 3",
		     cJSON_GetObjectItem(j, "tx_packets")->valuedouble);
	cJSON_Delete(j);
	j = json_of(s, "ring sn0 tx -j");
	for (size_t i = 0; i < sizeof(ring) / sizeof(ring[0]); i++)
		cr_assert(cJSON_GetObjectItem(j, ring[i]), "ring -j lacks %s", ring[i]);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "slots")), 256,
		     "slots has %d entries, expected 256",
		     cJSON_GetArraySize(cJSON_GetObjectItem(j, "slots")));
	slot = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "slots"), 0);
	cr_assert(cJSON_IsString(cJSON_GetObjectItem(slot, "owner")) &&
		  cJSON_IsNumber(cJSON_GetObjectItem(slot, "len")), "slot keys owner, len");
	cJSON_Delete(j);
	for (int i = 0; i < cmd_count(); i++) {
		const struct cmd *c = cmd_at(i);
		char line[128];

		if (!(c->flags & CMD_F_JSON) || c->min > 0)
			continue;
		snprintf(line, sizeof(line), "%s -j", c->name);
		cJSON_Delete(json_of(s, line));
	}
	th_done(s);
}

static void script(char *out, size_t len)
{
	struct sess *s = th_sess();

	th_run(s, "ethtool -G sn0 tx 16; dev_queue_xmit sn0 count 40 len 600; ping sn0 192.168.0.2;"
		  " run; stats -j; ring sn0 tx");
	snprintf(out, len, "%s", th_out);
	th_done(s);
}

Test(exec, same_script_same_seed_same_output)
{
	static char a[1 << 20], b[1 << 20];

	script(a, sizeof(a));
	script(b, sizeof(b));
	cr_assert(strlen(a) > 1000, "the script printed little: %s", a);
	cr_assert(!strcmp(a, b), "two runs of the same script differ");
}

Test(exec, oops_then_the_shell_goes_on)
{
	struct sess *s = th_sess();
	char line[512];

	snprintf(line, sizeof(line), "driver %s/tests/drivers/null_xmit.so", th_build());
	cr_assert_eq(th_run(s, line), 0, "%s: %s", line, th_out);
	cr_assert_eq(th_run(s, "dev_queue_xmit sn0"), 0, "an oops is not a command error");
	cr_assert(strstr(th_out, "Oops: SIGSEGV in simnic_xmit_frame"), "no oops line: %s", th_out);
	cr_assert(s->oopsed, "the session has no oops recorded, expected one");
	cr_assert(kit_dev_broken(kit_dev_by_name(s->k, "sn0")),
		  "sn0 is not broken after the oops, expected it broken");
	cr_assert_eq(th_run(s, "dev"), 0, "the next command runs");
	cr_assert(strstr(th_out, "BROKEN"), "%s", th_out);
	cr_assert_eq(th_run(s, "driver reload; dev_queue_xmit sn1; run"), 0, "%s", th_out);
	cr_assert(!kit_dev_broken(kit_dev_by_name(s->k, "sn0")), "reload brings sn0 back");
	cr_assert_eq(th_run(s, "reset; driver solution; dev_queue_xmit sn0; run; check"), 0, "%s",
		     th_out);
	th_done(s);
}

/* The kit's NAPI results: already scheduled is normal; completing the unscheduled is a BUG. */
Test(exec, napi_schedule_and_complete_results)
{
	struct sess *s = th_sess();
	struct net_device *sn1 = kit_dev_by_name(s->k, "sn1");

	cr_assert_eq(th_run(s, "auto off; trace off; napi_schedule sn1"), 0, "%s", th_out);
	cr_assert_eq(th_run(s, "napi_schedule sn1"), 0, "already scheduled is not an error: %s",
		     th_out);
	cr_assert(strstr(th_out, "napi_schedule sn1: already scheduled: MISSED set, the core will "
			 "poll again"), "%s", th_out);
	cr_assert_eq(th_run(s, "napi_complete sn1"), 0, "%s", th_out);
	cr_assert(strstr(th_out, "MISSED was set: still scheduled, poll again"), "%s", th_out);
	cr_assert_eq(th_run(s, "napi_complete sn1"), 0, "%s", th_out);
	cr_assert(!strstr(th_out, "MISSED"), "a plain completion mentions MISSED: %s", th_out);
	cr_assert_eq(kit_rule_count(s->k, RULE_COMPLETE_NOT_SCHED), 0,
		     "%llu BUGs for completing the unscheduled, expected 0",
		     (unsigned long long)kit_rule_count(s->k, RULE_COMPLETE_NOT_SCHED));
	cr_assert_eq(th_run(s, "napi_complete sn1"), CMD_FAIL, "the kernel's BUG is a failure: %s",
		     th_out);
	cr_assert(strstr(th_out, "sn1 was not scheduled") && !strstr(th_out, "MISSED"), "%s",
		  th_out);
	cr_assert_eq(kit_rule_count(s->k, RULE_COMPLETE_NOT_SCHED), 1,
		     "%llu BUGs for completing the unscheduled, expected 1",
		     (unsigned long long)kit_rule_count(s->k, RULE_COMPLETE_NOT_SCHED));
	/* classic: nothing to do; a poll without a budget gets netdev_budget */
	cr_assert_eq(th_run(s, "set sn1 napi classic; napi_schedule sn1; napi_schedule sn1"), 0,
		     "%s", th_out);
	cr_assert(strstr(th_out, "napi_schedule sn1: already on the poll list: nothing to do"),
		  "%s", th_out);
	cr_assert_eq(th_run(s, "poll sn1"), 0, "%s", th_out);
	cr_assert(strstr(th_out, "poll sn1: budget 300, quota 64,"), "%s", th_out);
	cr_assert(!kit_dev_broken(sn1), "sn1 is broken, expected it working: %s", th_out);
	th_done(s);
}

/* The soft-lockup watchdog's report is the kernel's BUG too: counted with the others. */
Test(exec, soft_lockup_is_recorded_as_a_bug)
{
	struct sess *s = th_sess();
	char line[512];
	cJSON *j;

	snprintf(line, sizeof(line), "driver %s/tests/drivers/spin_poll.so", th_build());
	cr_assert_eq(th_run(s, line), 0, "%s: %s", line, th_out);
	cr_assert_eq(th_run(s, "trace off; dev_queue_xmit sn0; run"), 0, "%s", th_out);
	cr_assert(strstr(th_out, "soft lockup"), "no soft lockup: %s", th_out);
	cr_assert_eq(kit_rule_count(s->k, RULE_SOFT_LOCKUP), 1, "%llu soft lockups, expected 1",
		     (unsigned long long)kit_rule_count(s->k, RULE_SOFT_LOCKUP));
	cr_assert_eq(th_run(s, "stats -j"), 0, "%s", th_out);
	j = cJSON_Parse(th_out);
	cr_assert(j, "%s", th_out);
	cr_assert_geq(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "kernel"), "bugs")->valuedouble, 1,
		      "stats does not count the soft lockup: %s", th_out);
	cJSON_Delete(j);
	th_done(s);
}

/* -c 'a; b; c': each command is a line of its own in the errors' FILE:LINE. */
static int dash_c(struct sess *s, const char *cmds)
{
	struct out_capture c;
	int rc;

	out_capture_begin(&c, th_out, sizeof(th_out));
	rc = script_run_string(s, cmds, "-c");
	out_capture_end(&c);
	return rc;
}

Test(exec, dash_c_numbers_each_command)
{
	struct sess *s = th_sess();

	s->keep_going = true;
	cr_assert_neq(dash_c(s, "time; ring sn1; seed; bogus"), 0,
		      "two bad commands returned 0, expected an error: %s", th_out);
	cr_assert(strstr(th_out, "-c:2: ring: missing argument: tx or rx\n"), "%s", th_out);
	cr_assert(strstr(th_out, "-c:4: unknown command 'bogus'"), "%s", th_out);
	cr_assert(strstr(th_out, "seed 1\n"), "the third command did not run: %s", th_out);
	/* newlines count too; a quoted ';' and one in a comment end nothing */
	cr_assert_neq(dash_c(s, "seed\nshow 'a;b'; time # c; d\nnosuch"), 0,
		      "two bad commands returned 0, expected an error: %s", th_out);
	cr_assert(strstr(th_out, "-c:2: show: 'a;b' is not"), "%s", th_out);
	cr_assert(strstr(th_out, "-c:4: unknown command 'nosuch'"), "%s", th_out);
	cr_assert(!strstr(th_out, "'d'"), "the comment ran: %s", th_out);
	s->keep_going = false;
	cr_assert_neq(dash_c(s, "seed; ring; seed 7"), 0,
		      "a bad command returned 0, expected an error: %s", th_out);
	cr_assert(strstr(th_out, "-c:2: ring: missing argument"), "%s", th_out);
	cr_assert(!strstr(th_out, "seed 7"), "went on after the error: %s", th_out);
	cr_assert_eq(dash_c(s, "seed;"), 0, "a trailing ';' is no error: %s", th_out);
	th_done(s);
}

/* An experiment's machines keep no trace; the session's own keeps its own,
 * and goes on recording after the experiment as before it. */
Test(exec, an_experiment_leaves_the_sessions_trace_alone)
{
	struct sess *s = th_sess();
	u64 before, after;

	cr_assert_eq(th_run(s, "dev_queue_xmit sn0 count 4"), 0, "dev_queue_xmit failed: %s", th_out);
	before = kit_trace_total(s->k);
	cr_assert_gt(before, 0, "the session's machine wrote no trace records");
	cr_assert_eq(th_run(s, "experiment batching"), 0, "experiment batching failed: %s", th_out);
	cr_assert_eq(kit_trace_total(s->k), before,
		     "the experiment wrote %llu records into the session's trace",
		     (unsigned long long)(kit_trace_total(s->k) - before));
	cr_assert_eq(th_run(s, "dev_queue_xmit sn0 count 4"), 0, "dev_queue_xmit failed: %s", th_out);
	after = kit_trace_total(s->k);
	cr_assert_gt(after, before, "the session's trace stopped recording after the experiment");
	th_done(s);
}
