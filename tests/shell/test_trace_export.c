/* test_trace_export.c - `trace export`: Chrome Trace Event JSON, read back with cJSON, checked for shape. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "../../shell/cmd.h"
#include "../../shell/sess.h"
#include "helpers.h"

TestSuite(trace_export, .timeout = 60);

static char path[64];

static void in_tmp(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/ringlab-trace-XXXXXX.json");
	fd = mkstemps(path, 5);
	cr_assert_geq(fd, 0, "cannot make a temporary file");
	close(fd);
}

static void rm_tmp(void)
{
	unlink(path);
}

static void run(struct sess *s, const char *line)
{
	int rc = th_run(s, line);

	cr_assert_eq(rc, CMD_OK, "`%s`: status %d, expected %d:\n%s", line, rc, CMD_OK, th_out);
}

static cJSON *load(void)
{
	FILE *f = fopen(path, "r");
	static char buf[1 << 24];
	size_t n;
	cJSON *j;

	cr_assert_not_null(f, "%s was not written", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	j = cJSON_Parse(buf);
	cr_assert_not_null(j, "%s is not JSON (near: %.80s)", path, cJSON_GetErrorPtr());
	return j;
}

struct shape {
	int n[128];	  /* events per phase letter */
	int names;	  /* distinct names seen, in seen[] */
	char seen[64][48];
	int tracks;
};

static void saw(struct shape *sh, const char *ph, const char *name)
{
	char key[48];

	snprintf(key, sizeof(key), "%s %s", ph, name);
	for (int i = 0; i < sh->names; i++)
		if (!strcmp(sh->seen[i], key))
			return;
	if (sh->names < 64)
		snprintf(sh->seen[sh->names++], sizeof(sh->seen[0]), "%s", key);
}

static bool has(const struct shape *sh, const char *key)
{
	for (int i = 0; i < sh->names; i++)
		if (!strcmp(sh->seen[i], key))
			return true;
	return false;
}

/*
 * The shape Perfetto needs: a traceEvents array; each event's phase one of
 * M B E i C; pid and tid numbers; ts a number of microseconds whose
 * nanoseconds are whole; per track (pid, tid) ts never going back; every B
 * ended by an E of the same name on its track, properly nested.
 */
static void check_shape(cJSON *root, struct shape *sh)
{
	struct {
		int pid, tid;
		double ts;
		const char *open[64];
		int depth;
	} tr[64];
	int ntr = 0;
	cJSON *events = cJSON_GetObjectItem(root, "traceEvents"), *e;

	memset(sh, 0, sizeof(*sh));
	cr_assert(cJSON_IsArray(events), "no traceEvents array");
	cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(root, "displayTimeUnit")), "ns",
			 "displayTimeUnit is not ns");
	cJSON_ArrayForEach(e, events)
	{
		const char *ph = cJSON_GetStringValue(cJSON_GetObjectItem(e, "ph"));
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(e, "name"));
		cJSON *pid = cJSON_GetObjectItem(e, "pid"), *tid = cJSON_GetObjectItem(e, "tid");
		cJSON *ts = cJSON_GetObjectItem(e, "ts");
		int t;

		cr_assert(ph && strlen(ph) == 1 && strchr("MBEiC", ph[0]),
			  "an event with phase '%s', expected one of M B E i C", ph ? ph : "(none)");
		cr_assert(name, "a %s event without a name", ph);
		cr_assert(cJSON_IsNumber(pid) && cJSON_IsNumber(tid), "%s %s: pid/tid not numbers",
			  ph, name);
		sh->n[(unsigned char)ph[0]]++;
		saw(sh, ph, name);
		if (ph[0] == 'M')
			continue;
		cr_assert(cJSON_IsNumber(ts), "%s %s: no ts", ph, name);
		cr_assert_lt(fabs(ts->valuedouble * 1000 - round(ts->valuedouble * 1000)), 1e-3,
			     "%s %s: ts %.6f us is not a whole number of ns", ph, name,
			     ts->valuedouble);
		for (t = 0; t < ntr; t++)
			if (tr[t].pid == pid->valueint && tr[t].tid == tid->valueint)
				break;
		if (t == ntr) {
			cr_assert_lt(ntr, 64, "more than 64 tracks");
			tr[ntr].pid = pid->valueint;
			tr[ntr].tid = tid->valueint;
			tr[ntr].ts = 0;
			tr[ntr].depth = 0;
			ntr++;
		}
		cr_assert_geq(ts->valuedouble, tr[t].ts,
			      "track %d/%d goes back in time: %s %s at %.3f after %.3f us", tr[t].pid,
			      tr[t].tid, ph, name, ts->valuedouble, tr[t].ts);
		tr[t].ts = ts->valuedouble;
		if (ph[0] == 'B') {
			cr_assert_lt(tr[t].depth, 64, "slices nest deeper than 64");
			tr[t].open[tr[t].depth++] = name;
		} else if (ph[0] == 'E') {
			cr_assert_gt(tr[t].depth, 0, "track %d/%d: E %s without a B", tr[t].pid,
				     tr[t].tid, name);
			cr_assert_str_eq(tr[t].open[tr[t].depth - 1], name,
					 "track %d/%d: E %s ends B %s", tr[t].pid, tr[t].tid, name,
					 tr[t].open[tr[t].depth - 1]);
			tr[t].depth--;
		} else if (ph[0] == 'C') {
			cr_assert(cJSON_IsObject(cJSON_GetObjectItem(e, "args")),
				  "counter %s without args", name);
		}
	}
	for (int t = 0; t < ntr; t++)
		cr_assert_eq(tr[t].depth, 0, "track %d/%d: %d slices never end (first: %s)",
			     tr[t].pid, tr[t].tid, tr[t].depth, tr[t].depth ? tr[t].open[0] : "");
	sh->tracks = ntr;
}

Test(trace_export, tx_and_napi_rx_have_slices_instants_and_counters, .init = in_tmp,
     .fini = rm_tmp)
{
	static const char *const want[] = {
		"B interrupt handler", "B poll", "B qdisc_run", "B hard_start_xmit",
		"B NET_RX softirq", "B app", "i doorbell TDT", "i doorbell RDT",
		"i TX DD write-back", "i RX DD write-back", "i IRQ raised", "i IMC (mask)",
		"i IMS (unmask)", "C tx_ring in use", "C rx_ring awaiting the driver", "C qdisc",
		"C bql_inflight", "C backlog", "M thread_name",
	};
	struct sess *s = th_sess();
	struct shape sh;
	char line[128];
	cJSON *root;

	run(s, "trace off");
	run(s, "ethtool -G sn0 tx 16");
	run(s, "dev_queue_xmit sn0 count 20");
	run(s, "pktgen sn1 count 50");
	run(s, "run until idle");
	snprintf(line, sizeof(line), "trace export %s", path);
	run(s, line);
	root = load();
	check_shape(root, &sh);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_assert(has(&sh, want[i]), "no '%s' event in the export", want[i]);
	cr_assert_geq(sh.tracks, 4, "%d tracks, expected hardirq, softirq, a thread, a NIC",
		      sh.tracks);
	cJSON_Delete(root);
	th_done(s);
}

Test(trace_export, reset_task_runs_in_the_kworker, .init = in_tmp, .fini = rm_tmp)
{
	struct sess *s = th_sess();
	struct shape sh;
	char line[128];
	cJSON *root;

	run(s, "trace off");
	run(s, "ethtool -K sn0 bql off");
	run(s, "ethtool -G sn0 tx 16 rx 16");
	run(s, "set sn0 fault_lockup 1");
	run(s, "dev_queue_xmit sn0 count 20");
	run(s, "run for 12ms");
	snprintf(line, sizeof(line), "trace export %s", path);
	run(s, line);
	root = load();
	check_shape(root, &sh);
	cr_assert(has(&sh, "B reset_task"), "no reset_task slice");
	cr_assert(has(&sh, "B kworker/0:1"), "no kworker thread slice");
	cr_assert(has(&sh, "B tx_timeout"), "no tx_timeout slice");
	cr_assert(has(&sh, "i netif_stop_queue"), "no queue stop instant");
	cJSON_Delete(root);
	th_done(s);
}

/* A recording holds what happened between on and off, and nothing from before. */
Test(trace_export, record_on_off_and_last_n, .init = in_tmp, .fini = rm_tmp)
{
	struct sess *s = th_sess();
	struct shape sh;
	char line[128];
	cJSON *root, *e, *other;
	double first = -1;
	int rc;

	run(s, "trace off");
	run(s, "pktgen sn1 count 20");
	run(s, "run until idle");
	run(s, "run for 1ms");
	run(s, "trace record on");
	run(s, "pktgen sn1 count 5");
	run(s, "run until idle");
	run(s, "trace record off");
	run(s, "pktgen sn1 count 5");
	run(s, "run until idle");
	snprintf(line, sizeof(line), "trace export %s", path);
	run(s, line);
	cr_assert(strstr(th_out, "the recording"), "the export is not the recording: %s", th_out);
	root = load();
	check_shape(root, &sh);
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(root, "traceEvents"))
	{
		cJSON *ts = cJSON_GetObjectItem(e, "ts");

		if (cJSON_IsNumber(ts) && (first < 0 || ts->valuedouble < first))
			first = ts->valuedouble;
	}
	cr_assert_geq(first, 1000.0, "an event at %.3f us, before the recording began at 1 ms",
		      first);
	cr_assert_eq(sh.n['B'], sh.n['E'], "%d B and %d E", sh.n['B'], sh.n['E']);
	cr_assert(has(&sh, "i RX DD write-back"), "the recording has no RX write-back");
	cJSON_Delete(root);
	snprintf(line, sizeof(line), "trace export %s last 10", path);
	run(s, line);
	root = load();
	other = cJSON_GetObjectItem(root, "otherData");
	cr_assert_eq(cJSON_GetObjectItem(other, "trace_records")->valueint, 10,
		     "last 10 exported %d trace records",
		     cJSON_GetObjectItem(other, "trace_records")->valueint);
	check_shape(root, &sh);
	cJSON_Delete(root);
	rc = th_run(s, "trace record off");
	cr_assert_eq(rc, CMD_FAIL, "record off twice: status %d, expected %d", rc, CMD_FAIL);
	rc = th_run(s, "trace export out.txt");
	cr_assert_eq(rc, CMD_USAGE, "a file not ending in .json: status %d, expected %d", rc,
		     CMD_USAGE);
	cr_assert(strstr(th_out, "must end in .json"), "output: %s", th_out);
	th_done(s);
}
