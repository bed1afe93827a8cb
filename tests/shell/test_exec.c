/* test_exec.c - commands run in-process: bad input changes nothing, JSON keys, determinism. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "../../shell/cmd.h"
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
	cr_assert_eq(param(s, sn0, "rx_usecs"), 0);
	cr_assert_eq(param(s, sn0, "lro"), 0);
	cr_assert_eq(param(s, sn0, "weight"), 64);
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
	cr_assert_eq(cJSON_GetObjectItem(j, "tx_packets")->valuedouble, 3);
	cJSON_Delete(j);
	j = json_of(s, "ring sn0 tx -j");
	for (size_t i = 0; i < sizeof(ring) / sizeof(ring[0]); i++)
		cr_assert(cJSON_GetObjectItem(j, ring[i]), "ring -j lacks %s", ring[i]);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "slots")), 256);
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
	cr_assert(s->oopsed);
	cr_assert(kit_dev_broken(kit_dev_by_name(s->k, "sn0")));
	cr_assert_eq(th_run(s, "dev"), 0, "the next command runs");
	cr_assert(strstr(th_out, "BROKEN"), "%s", th_out);
	cr_assert_eq(th_run(s, "driver reload; dev_queue_xmit sn1; run"), 0, "%s", th_out);
	cr_assert(!kit_dev_broken(kit_dev_by_name(s->k, "sn0")), "reload brings sn0 back");
	cr_assert_eq(th_run(s, "reset; driver solution; dev_queue_xmit sn0; run; check"), 0, "%s",
		     th_out);
	th_done(s);
}
