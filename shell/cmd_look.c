/* cmd_look.c - looking at the machine: ring, stats, trace, check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arg.h"
#include "cmd.h"
#include "dump.h"
#include "out.h"
#include "trace_export.h"
#include "sess.h"
#include "view/view.h"

static struct dev_snap snap;
static char ring_text[16384];

/* The view's picture of the ring (the same model it paints), then the slots. */
static int do_ring(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	int rc, w;

	if ((rc = arg_dev(s, "ring", argv[0], &dev)) ||
	    (rc = arg_word("ring", "the ring", argv[1], "tx|rx", &w)))
		return rc;
	kit_dev_snapshot(dev, &snap);
	if (json) {
		out_json(dump_ring_json(&snap, w == 0, true));
		return CMD_OK;
	}
	view_ring_text(&snap, w == 0 ? VIEW_RING_TX : VIEW_RING_RX, 80, ring_text,
		       sizeof(ring_text));
	out_printf("%s", ring_text);
	dump_ring_text(&snap, w == 0);
	return CMD_OK;
}

static cJSON *kernel_json(const struct kit_snap *k)
{
	cJSON *j = cJSON_CreateObject();

#define NUM(n, v) cJSON_AddNumberToObject(j, n, (double)(v))
	NUM("skb_allocated", k->skb_allocated);
	NUM("skb_freed", k->skb_freed);
	for (int p = 0; p < SKB_PLACE_NR; p++) {
		char name[48];

		snprintf(name, sizeof(name), "skb_live_%s", skb_place_name((enum skb_place)p));
		NUM(name, k->skb_live[p]);
	}
	NUM("backlog_len", k->backlog_len);
	NUM("backlog_drops", k->backlog_drops);
	NUM("time_squeeze", k->time_squeeze);
	NUM("softirq_runs", k->softirq_runs);
	NUM("app_packets", k->app_packets);
	NUM("app_bytes", k->app_bytes);
	NUM("sock_drops", k->sock_drops);
	NUM("bugs", k->bugs);
	NUM("warnings", k->warnings);
	NUM("advice", k->advice);
#undef NUM
	return j;
}

static int do_stats(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev = NULL;
	struct kit_snap *k;
	int rc, n = kit_dev_count(s->k);

	if (argc && (rc = arg_dev(s, "stats", argv[0], &dev)))
		return rc;
	if (dev) {
		if (json) {
			out_json(dump_stats_json(dev, true));
		} else {
			for (int i = 0; i < kit_stat_count(); i++)
				out_printf("%-22s %llu\n", kit_stat_at(i)->name,
					   (unsigned long long)kit_dev_stat(dev, i));
		}
		return CMD_OK;
	}
	k = malloc(sizeof(*k));
	if (!k)
		return CMD_FAIL;
	kit_snapshot(s->k, k);
	if (json) {
		cJSON *j = cJSON_CreateObject();

		for (int d = 0; d < n; d++)
			cJSON_AddItemToObject(j, kit_dev_at(s->k, d)->name,
					      dump_stats_json(kit_dev_at(s->k, d), false));
		cJSON_AddItemToObject(j, "kernel", kernel_json(k));
		out_json(j);
		free(k);
		return CMD_OK;
	}
	out_printf("%-22s", "counter");
	for (int d = 0; d < n; d++)
		out_printf(" %12s", kit_dev_at(s->k, d)->name);
	out_printf("\n");
	for (int i = 0; i < kit_stat_count(); i++) {
		out_printf("%-22s", kit_stat_at(i)->name);
		for (int d = 0; d < n; d++)
			out_printf(" %12llu", (unsigned long long)kit_dev_stat(kit_dev_at(s->k, d), i));
		out_printf("\n");
	}
	out_printf("kernel: skbs %llu allocated, %llu freed; backlog %u (%llu dropped); "
		   "time_squeeze %llu\n", (unsigned long long)k->skb_allocated,
		   (unsigned long long)k->skb_freed, k->backlog_len,
		   (unsigned long long)k->backlog_drops, (unsigned long long)k->time_squeeze);
	out_printf("app: %llu packets, %llu bytes, %llu socket drops; BUGs %llu, WARNINGs %llu, "
		   "advice %llu\n", (unsigned long long)k->app_packets,
		   (unsigned long long)k->app_bytes, (unsigned long long)k->sock_drops,
		   (unsigned long long)k->bugs, (unsigned long long)k->warnings,
		   (unsigned long long)k->advice);
	free(k);
	return CMD_OK;
}

static int do_trace(struct sess *s, int argc, char **argv, bool json)
{
	long long n;
	int rc, w;

	if (argc == 0) {
		if (json) {
			cJSON *j = cJSON_CreateObject();

			cJSON_AddBoolToObject(j, "printing", s->trace_on);
			cJSON_AddNumberToObject(j, "kept", (double)kit_trace_count(s->k));
			cJSON_AddNumberToObject(j, "written", (double)kit_trace_total(s->k));
			out_json(j);
			return CMD_OK;
		}
		out_printf("trace printing %s; %zu records kept of %llu written\n",
			   s->trace_on ? "on" : "off", kit_trace_count(s->k),
			   (unsigned long long)kit_trace_total(s->k));
		return CMD_OK;
	}
	if ((rc = arg_word("trace", "the subcommand", argv[0], "on|off|last|export|record", &w)))
		return rc;
	if (w >= 3 && json) {
		out_error("trace %s: -j is for `trace` and `trace last N` (they show state)", argv[0]);
		return CMD_USAGE;
	}
	if (w == 3)
		return trace_export_cmd(s, argc, argv);
	if (w == 4)
		return trace_record_cmd(s, argc, argv);
	if (w < 2) {
		if (argc > 1) {
			out_error("trace %s: too many arguments, from '%s'", argv[0], argv[1]);
			return CMD_USAGE;
		}
		if (json) {
			out_error("trace %s: -j is for `trace` and `trace last N` (they show state)",
				  argv[0]);
			return CMD_USAGE;
		}
		sess_trace(s, w == 0);
		out_printf("trace printing %s\n", w == 0 ? "on" : "off (records are still kept)");
		return CMD_OK;
	}
	if (argc < 2) {
		out_error("trace last: missing argument: how many records");
		return CMD_USAGE;
	}
	if ((rc = arg_num("trace last", "the count", argv[1], 1, 65536, &n)))
		return rc;
	if (argc > 2) {
		out_error("trace last: too many arguments, from '%s'", argv[2]);
		return CMD_USAGE;
	}
	size_t total = kit_trace_count(s->k), from = total > (size_t)n ? total - (size_t)n : 0;
	cJSON *a = json ? cJSON_CreateArray() : NULL;
	char line[256];

	for (size_t i = from; i < total; i++) {
		const struct trace_rec *r = kit_trace_at(s->k, i);

		kit_trace_format(s->k, r, line, sizeof(line));
		if (json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddNumberToObject(o, "t_ns", (double)r->t);
			cJSON_AddStringToObject(o, "line", line);
			cJSON_AddItemToArray(a, o);
		} else {
			out_puts(line);
		}
	}
	if (json)
		out_json(a);
	return CMD_OK;
}

static int do_check(struct sess *s, int argc, char **argv, bool json)
{
	char report[8192];
	int n;

	report[0] = '\0';
	n = kit_check(s->k, report, sizeof(report));
	if (json) {
		cJSON *j = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(j, "report");
		char *line = report, *nl;

		cJSON_AddNumberToObject(j, "problems", n);
		while (*line && (nl = strchr(line, '\n'))) {
			*nl = '\0';
			cJSON_AddItemToArray(a, cJSON_CreateString(line));
			line = nl + 1;
		}
		out_json(j);
	} else if (n == 0) {
		out_printf("check: ok (every skb in one place, rings consistent)\n");
	} else {
		out_printf("%s", report);
	}
	if (n) {
		out_error("check: %d problem%s", n, n == 1 ? "" : "s");
		return CMD_FAIL;
	}
	return CMD_OK;
}

const struct cmd cmd_look_table[] = {
	{ "ring", NULL, 2, 2, CMD_F_JSON | CMD_F_LOOK, "ring DEV tx|rx [-j]", "Print a descriptor ring with owners and indices",
	  "One line per slot: owner (free: the driver's, empty; driver: written, not yet\n"
	  "given to the NIC; hw: the NIC's, between head and tail; done: written back,\n"
	  "not yet reclaimed), length, DD status, the skb, and the markers of the head\n"
	  "and tail registers (TDH/TDT or RDH/RDT) and the driver's next_to_use (ntu)\n"
	  "and next_to_clean (ntc).\n"
	  "Runs of empty slots fold into one line.\n\n  ring sn0 tx\n  ring sn1 rx -j\n",
	  "$dev tx|rx", "dev, ring, size, head, tail, next_to_use, next_to_clean, unused, "
	  "queue_stopped (tx), free/driver/hw/done (slots per owner), slots[] of {owner, len, "
	  "status, skb}", do_ring },
	{ "stats", NULL, 0, 1, CMD_F_JSON | CMD_F_LOOK, "stats [DEV] [-j]", "Print the counters of one device or all",
	  "The kit's one stats table (the kernel's names where it has one: tx_packets,\n"
	  "rx_missed_errors...; ringlab's own: doorbells, queue_stops, irqs, polls,\n"
	  "lro_aggregated...). Without DEV: a column per device and the kernel's and the\n"
	  "application's counters.\n\n  stats\n  stats sn0\n  stats sn0 -j\n",
	  "$dev", "with DEV: dev and every counter of the stats table by name (tx_packets, "
	  "tx_bytes, tx_dropped, rx_packets, rx_dropped, rx_missed_errors, doorbells, tx_busy, "
	  "queue_stops, queue_wakes, irqs, polls, lro_aggregated, lro_flushed, lro_no_desc, ...); "
	  "without: an object per device and `kernel` (skb_allocated, skb_freed, skb_live_*, "
	  "backlog_len, backlog_drops, time_squeeze, softirq_runs, app_packets, app_bytes, "
	  "sock_drops, bugs, warnings, advice)", do_stats },
	{ "flows", "ss", 0, 1, CMD_F_JSON, "flows [DEV] [-j]",
	  "List the receiver's flows: rcv_nxt, bytes, what is held out of order, counters",
	  "One row per TCP or UDP flow the stack has seen (or was told to check), with\n"
	  "DEV: those whose last segment arrived on DEV. rcv_nxt is the next byte TCP\n"
	  "expects, relative to the ISN (a flow seen without its SYN has ISN 0); bytes\n"
	  "were delivered in order, app_bytes read by the application. ooo counts\n"
	  "segments queued out of order (TCPOFOQueue), dups segments whose bytes were all\n"
	  "there (D-SACK), csum frames dropped for a wrong checksum, stream segments whose\n"
	  "bytes differ from the sender's (checked against the pktgen pattern or a\n"
	  "replayed capture), ofo_drops segments the full out-of-order queue dropped. A\n"
	  "flow with segments waiting past a hole shows what it holds and what is\n"
	  "missing: with no retransmission, a lost segment keeps them there.\n\n"
	  "  flows\n  ss sn1\n  flows sn1 -j\n",
	  "$dev", "an array of {flow, proto, dev, source, destination, isn, rcv_nxt (TCP), "
	  "packets, segments, bytes, app_bytes, rx_ooo, rx_dups, rx_csum_errors, "
	  "rx_stream_errors, rx_ofo_drops, held_segments, held_bytes, checked, capture, "
	  "held[] and holes[] of {start, end}}", cmd_flows },
	{ "trace", NULL, 0, 4, CMD_F_JSON,
	  "trace [on|off|last N] [-j] | trace export FILE.json [last N] | trace record on|off",
	  "Print kernel-log lines as things happen, or the last N; export a timeline",
	  "Every state change is a trace record; by default each is printed as it\n"
	  "happens. `trace off` stops the printing, all but BUG and WARNING lines (up to\n"
	  "10 a command, then a count); the records are still kept. `trace last N`\n"
	  "prints the last N kept (65536 are kept).\n\n"
	  "`trace export FILE.json` writes the kept records as a timeline in the Chrome\n"
	  "Trace Event format, which Perfetto (ui.perfetto.dev) and chrome://tracing\n"
	  "open: a track per CPU context (hardirq, softirq, each process-context thread)\n"
	  "with a slice for each driver call, qdisc_run, softirq action and reset;\n"
	  "instants for doorbells, DD write-backs, interrupts raised and (un)masked and\n"
	  "queue stop/wake; counters for each ring's occupancy, the qdisc, BQL's bytes in\n"
	  "flight and the backlog. `last N` exports the last N records only. Between\n"
	  "`trace record on` and `trace record off`, what happens is the recording, and\n"
	  "`trace export` writes that instead. Times are simulated microseconds.\n\n"
	  "  trace off\n  trace last 20\n  trace record on\n  pktgen sn1 count 100\n"
	  "  run until idle\n  trace record off\n  trace export /tmp/napi.json\n",
	  "on|off|last|export|record ; record:on|off export:$file", "`trace -j`: printing, kept, "
	  "written; `trace last N -j`: an array of {t_ns, line}", do_trace },
	{ "check", NULL, 0, 0, CMD_F_JSON | CMD_F_LOOK, "check [-j]", "Check conservation and invariants (fails if any problem)",
	  "Every skb in exactly one place, allocated = freed + live, ring indices in\n"
	  "range, no slot owned twice. A problem is printed with where the skb was\n"
	  "allocated, and the command fails (a script stops there).\n\n  check\n",
	  "", "problems, report[] (one line each)", do_check },
	{ 0 },
};
