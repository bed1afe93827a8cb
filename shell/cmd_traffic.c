/* cmd_traffic.c - traffic and capture: pcap (pktgen, experiment and bench join when the kit has them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "arg.h"
#include "cmd.h"
#include "complete.h"
#include "out.h"
#include "sess.h"

static int do_pcap(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	char err[512];
	int rc;

	if (!strcmp(argv[0], "stop")) {
		if (argc > 1) {
			out_error("pcap stop: too many arguments, from '%s'", argv[1]);
			return CMD_USAGE;
		}
		kit_pcap_stop(s->k);
		out_printf("pcap: every capture stopped and written\n");
		return CMD_OK;
	}
	if (argc < 2) {
		out_error("pcap: missing argument: the file to write");
		return CMD_USAGE;
	}
	if ((rc = arg_dev(s, "pcap", argv[0], &dev)))
		return rc;
	if (kit_pcap_start(dev, argv[1], err, sizeof(err)) < 0) {
		out_error("pcap: %s", err);
		return CMD_FAIL;
	}
	out_printf("pcap: capturing what %s sends and receives to %s (pcap stop to finish)\n",
		   dev->name, argv[1]);
	return CMD_OK;
}

void comp_experiments(void (*add)(void *arg, const char *word), void *arg)
{
	for (int i = 0; i < kit_experiment_count(); i++)
		add(arg, kit_experiment_at(i)->name);
}

void comp_benches(void (*add)(void *arg, const char *word), void *arg)
{
	for (int i = 0; i < kit_bench_count(); i++)
		add(arg, kit_bench_name(i));
}

static const char faults_words[] = "reorder|loss|dup|psh|noack|ipopt|ce|syn|fin|tsback";

/* "loss,dup" -> PKTGEN_F_LOSS | PKTGEN_F_DUP (bit i is word i of faults_words) */
static int parse_faults(const char *list, u32 *bits)
{
	char buf[128], *save, *w;

	snprintf(buf, sizeof(buf), "%s", list);
	*bits = 0;
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int i, rc = arg_word("pktgen", "fault", w, faults_words, &i);

		if (rc)
			return rc;
		*bits |= 1u << i;
	}
	return 0;
}

/*
 * A rate: packets per second ("500000", "500kpps", "2mpps") or bits per second
 * on the wire ("5gbps", "100mbps"), turned into packets per second for frames
 * of len bytes (each also carries 24 bytes of FCS, preamble and gap).
 */
static int parse_rate(const char *w, unsigned int len, long long *pps)
{
	static const struct { const char *unit; double mul; bool bits; } units[] = {
		{ "", 1, false },     { "pps", 1, false },   { "kpps", 1e3, false },
		{ "mpps", 1e6, false }, { "bps", 1, true },  { "kbps", 1e3, true },
		{ "mbps", 1e6, true },  { "gbps", 1e9, true }, { "kb/s", 1e3, true },
		{ "mb/s", 1e6, true },  { "gb/s", 1e9, true },
	};
	char *end;
	double v = strtod(w, &end);

	for (size_t i = 0; end != w && v > 0 && i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].unit))
			continue;
		v *= units[i].mul;
		if (units[i].bits)
			v /= 8.0 * (len + 24);
		if (v < 1 || v > 1e9)
			break;
		*pps = (long long)v;
		return 0;
	}
	out_error("pktgen: rate must be packets per second (500000, 500kpps, 2mpps) or bits per "
		  "second on the wire (5gbps, 100mbps), 1 to 10^9 pps, not '%s'", w);
	return CMD_USAGE;
}

static int pktgen_pcap(struct sess *s, struct net_device *dev, int argc, char **argv)
{
	struct arg_kv kv[] = { { "rate", 'n', 1, 1000000000, NULL, false, 0, NULL } };
	char *rest[24];
	struct kit_replay_info ri;
	bool fixcsum = false;
	char err[512];
	int rc, n = 0;

	if (argc < 3) {
		out_error("pktgen %s pcap: missing argument: the capture file", dev->name);
		return CMD_USAGE;
	}
	for (int i = 3; i < argc && n < (int)ARRAY_SIZE(rest); i++) {
		if (strcmp(argv[i], "fixcsum")) {
			rest[n++] = argv[i];
			continue;
		}
		if (fixcsum) {
			out_error("pktgen %s pcap: fixcsum given twice", dev->name);
			return CMD_USAGE;
		}
		fixcsum = true;
	}
	for (int i = 0; i < n; i += 2) {
		if (strcmp(rest[i], "rate")) {
			out_error("pktgen %s pcap: unknown argument '%s' (expected rate R or fixcsum)",
				  dev->name, rest[i]);
			return CMD_USAGE;
		}
	}
	if ((rc = arg_kvs("pktgen", n, rest, kv, 1)))
		return rc;
	if (kit_pktgen_pcap_opts(dev, argv[2], (u64)kv[0].v, fixcsum, &ri, err, sizeof(err)) < 0) {
		out_error("pktgen: %s", err);
		return CMD_FAIL;
	}
	out_printf("pktgen %s: replaying %s (%u frames%s) %s; the sink checks %u TCP flow%s "
		   "against it; run to deliver it\n", dev->name, argv[2], ri.frames,
		   fixcsum ? ", checksums recomputed" : "",
		   kv[0].seen ? "at the rate asked" : "at its recorded times", ri.flows,
		   ri.flows == 1 ? "" : "s");
	if (ri.bad_csum)
		out_printf("pktgen %s: %u of %u frames have wrong checksums (the sender used checksum "
			   "offload?): the NIC flags them and the stack drops them; add fixcsum to "
			   "recompute them\n", dev->name, ri.bad_csum, ri.frames);
	return CMD_OK;
}

static int do_pktgen(struct sess *s, int argc, char **argv, bool json)
{
	struct arg_kv kv[] = {
		{ "count", 'n', 1, 1000000000000LL, NULL, false, 0, NULL },
		{ "len", 'n', ETH_ZLEN, ETH_FRAME_LEN, NULL, false, 0, NULL },
		{ "rate", 's', 0, 0, NULL, false, 0, NULL },
		{ "flows", 'n', 1, 1024, NULL, false, 0, NULL },
		{ "proto", 'p', 0, 0, NULL, false, 0, NULL },
		{ "burst", 'n', 1, 65536, NULL, false, 0, NULL },
		{ "vlan", 'n', 0, 4095, NULL, false, 0, NULL },
		{ "tcp_ts", 'w', 0, 0, "off|on", false, 0, NULL },
		{ "start", 't', 0, 0, NULL, false, 0, NULL },
		{ "fault", 's', 0, 0, NULL, false, 0, NULL },
		{ "every", 'n', 1, 1000000000, NULL, false, 0, NULL },
		{ "chance", 'n', 1, 1000000000, NULL, false, 0, NULL },
	};
	struct net_device *dev;
	struct pktgen_cfg c;
	char err[512];
	int rc;

	if ((rc = arg_dev_live(s, "pktgen", argv[0], &dev)))
		return rc;
	if (argc > 1 && !strcmp(argv[1], "pcap"))
		return pktgen_pcap(s, dev, argc, argv);
	if ((rc = arg_kvs("pktgen", argc - 1, argv + 1, kv, 12)))
		return rc;
	if (!kv[0].seen) {
		out_error("pktgen: count is required (pktgen %s count N ...)", dev->name);
		return CMD_USAGE;
	}
	pktgen_cfg_default(&c);
	c.count = (u64)kv[0].v;
	if (kv[1].seen)
		c.len = (unsigned int)kv[1].v;
	if (kv[2].seen) {
		long long pps;

		if ((rc = parse_rate(kv[2].s, c.len, &pps)))
			return rc;
		c.rate_pps = (u64)pps;
	}
	if (kv[3].seen)
		c.flows = (unsigned int)kv[3].v;
	if (kv[4].seen)
		c.proto = (u8)kv[4].v;
	if (kv[5].seen)
		c.burst = (unsigned int)kv[5].v;
	c.vlan = (u16)kv[6].v;
	c.tcp_ts = kv[7].v == 1;
	c.start_ns = (u64)kv[8].v;
	if (kv[9].seen && (rc = parse_faults(kv[9].s, &c.faults)))
		return rc;
	if (kv[10].seen && kv[11].seen) {
		out_error("pktgen: give every N or chance N, not both");
		return CMD_USAGE;
	}
	if ((kv[10].seen || kv[11].seen) && !kv[9].seen) {
		out_error("pktgen: %s applies a fault: give fault F,... too (reorder, loss, dup, ...)",
			  kv[10].seen ? "every" : "chance");
		return CMD_USAGE;
	}
	/* every Nth frame, or each with probability 1/N from the seed */
	c.fault_every = kv[9].seen && !kv[11].seen ? (kv[10].seen ? (u32)kv[10].v : 1) : 0;
	c.fault_chance = kv[9].seen && kv[11].seen ? (u32)kv[11].v : 0;
	if (kit_pktgen(dev, &c, err, sizeof(err)) < 0) {
		out_error("pktgen: %s", err);
		return CMD_FAIL;
	}
	{
		char rate[48] = "at line rate";

		if (c.rate_pps)
			snprintf(rate, sizeof(rate), "at %llu pps", (unsigned long long)c.rate_pps);
		out_printf("pktgen %s: %llu frame%s of %u bytes, %s, %u flow%s, %s; run to deliver "
			   "%s\n", dev->name, (unsigned long long)c.count, c.count == 1 ? "" : "s", c.len,
			   c.proto == IPPROTO_TCP ? "tcp" : c.proto == IPPROTO_ICMP ? "icmp" : "udp",
			   c.flows, c.flows == 1 ? "" : "s", rate, c.count == 1 ? "it" : "them");
	}
	return CMD_OK;
}

static int do_bench(struct sess *s, int argc, char **argv, bool json)
{
	struct arg_kv kv[] = { { "packets", 'n', 1000, 1000000000, NULL, false, 0, NULL } };
	cJSON *a = NULL;
	const char *only = NULL;
	int rc, ran = 0;

	if (argc && strcmp(argv[0], "packets")) { /* a scenario first, then key-value pairs */
		only = argv[0];
		argc--;
		argv++;
	}
	if ((rc = arg_kvs("bench", argc, argv, kv, 1)))
		return rc;
	if (only) {
		bool known = false;

		for (int i = 0; i < kit_bench_count(); i++)
			known |= !strcmp(kit_bench_name(i), only);
		if (!known) {
			out_error("bench: no scenario '%s' (bench lists them: tab completes)", only);
			return CMD_USAGE;
		}
	}
	if (json)
		a = cJSON_CreateArray(); /* only now: an error above returns without it */
	else
		out_printf("%-20s %10s %8s %12s %10s %12s %7s %9s\n", "scenario", "packets", "wall_s",
			   "sim_pps", "ns_per_pkt", "bare_ring_pps", "ratio", "rss_kib");
	for (int i = 0; i < kit_bench_count(); i++) {
		struct bench_row r;

		if (only && strcmp(only, kit_bench_name(i)))
			continue;
		if (kit_bench_run(kit_bench_name(i), (u64)kv[0].v, &r))
			continue;
		ran++;
		if (json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "name", r.name);
			cJSON_AddNumberToObject(o, "packets", (double)r.packets);
			cJSON_AddNumberToObject(o, "wall_s", r.wall_s);
			cJSON_AddNumberToObject(o, "sim_pps", r.sim_pps);
			cJSON_AddNumberToObject(o, "ns_per_pkt", r.ns_per_pkt);
			cJSON_AddNumberToObject(o, "bare_ring_pps", r.bare_ring_pps);
			cJSON_AddNumberToObject(o, "ratio", r.ratio);
			cJSON_AddNumberToObject(o, "peak_rss_kib", (double)r.peak_rss_kib);
			cJSON_AddItemToArray(a, o);
		} else {
			out_printf("%-20s %10llu %8.3f %12.0f %10.1f %12.0f %7.1f %9llu\n", r.name,
				   (unsigned long long)r.packets, r.wall_s, r.sim_pps, r.ns_per_pkt,
				   r.bare_ring_pps, r.ratio, (unsigned long long)r.peak_rss_kib);
		}
	}
	if (json)
		out_json(a);
	return ran ? CMD_OK : CMD_FAIL;
}

const struct cmd cmd_traffic_table[] = {
	{ "pcap", "tcpdump", 1, 2, 0, "pcap DEV FILE | pcap stop",
	  "Capture what a device sends and receives to a pcap file",
	  "A classic pcap (libpcap, Ethernet, nanosecond timestamps in simulated time) of\n"
	  "every frame DEV puts on the wire or receives into a buffer, until `pcap stop`\n"
	  "(which closes every capture) or the machine is reset. Wireshark and tshark\n"
	  "read it; the same script writes the same file.\n\n"
	  "  pcap sn0 /tmp/sn0.pcap\n  ping sn0 192.168.0.2\n  pcap stop\n",
	  "$dev|stop $file", NULL, do_pcap },
	{ "pktgen", NULL, 2, 24, 0,
	  "pktgen DEV count N [len L] [rate R] [proto P] [fault F,...] [...] | pktgen DEV pcap FILE [fixcsum]",
	  "Feed the device's receive side from a remote sender",
	  "A sender on the far end of DEV's wire: count frames of len bytes (60..1514),\n"
	  "round-robin over flows (1..1024), udp, tcp or icmp, at rate (packets per second:\n"
	  "500000, 500kpps, 2mpps; or bits per second on the wire: 5gbps, 100mbps; default:\n"
	  "line rate), in bursts of burst frames; vlan ID (0 = untagged); tcp_ts\n"
	  "on adds TCP timestamps; start TIME delays the first frame. fault applies to\n"
	  "every Nth frame (every N, default 1), or to each frame with probability 1/N\n"
	  "(chance N: random, but the same for the same seed): reorder, loss, dup, psh,\n"
	  "noack, ipopt, ce, syn, fin, tsback (comma-separated). Flag faults leave the\n"
	  "byte stream whole (sequence numbers follow the bytes sent); a reordered segment\n"
	  "waits on the receiver's out-of-order queue (rx_ooo), a loss leaves a hole that\n"
	  "holds every later segment there (nothing retransmits: `flows` shows it), dup\n"
	  "counts in rx_dups. The payload is a function of (flow, seq): the socket checks\n"
	  "every byte. `pktgen DEV pcap FILE [rate R] [fixcsum]` replays a capture\n"
	  "instead; the sink checks every byte against each TCP flow's stream\n"
	  "reassembled from it. fixcsum recomputes IPv4/TCP/UDP checksums first\n"
	  "(tcprewrite --fixcsum); without it a frame with a wrong one (a capture where\n"
	  "the sender used checksum offload) is flagged by the NIC and dropped by the\n"
	  "stack (rx_csum_errors), and the replay says how many there are. Frames arrive\n"
	  "as time runs: `run` after it.\n\n"
	  "  pktgen sn1 count 1000\n  pktgen sn1 count 64 len 1514 proto tcp flows 2\n"
	  "  pktgen sn1 count 100 proto tcp len 1000 fault loss every 10\n"
	  "  pktgen sn1 count 100 proto tcp len 1000 fault reorder chance 8\n"
	  "  pktgen sn1 count 1000 len 1514 rate 5gbps\n"
	  "  pktgen sn1 pcap tests/data/linux-tcp-bulk-512k.pcap fixcsum\n",
	  "$dev count|pcap ; count:$num len:$num rate:_ flows:$num proto:udp|tcp|icmp "
	  "burst:$num vlan:$num tcp_ts:on|off start:_ every:$num chance:$num pcap:$file "
	  "fixcsum: "
	  "fault:reorder|loss|dup|psh|noack|ipopt|ce|syn|fin|tsback", NULL, do_pktgen },
	{ "experiment", "exp", 0, 24, CMD_F_JSON,
	  "experiment [livelock|coalesce|lro|batching [KEY=VALUE]... [plot] [-w] [-o FILE]] [-j]",
	  "Run a classic experiment: its table, a text chart, CSV and SVG/PNG",
	  "Each experiment runs fresh machines (with the session's seed, cost model and\n"
	  "kernel knobs, so `set` applies) over a range of settings and prints one row per\n"
	  "run: livelock (interrupt per packet vs NAPI under rising load; ratio=R makes\n"
	  "the application's recv() R% of the interrupt's cost), coalesce (interrupt\n"
	  "coalescing), lro (stack work saved by LRO), batching (doorbells saved by each\n"
	  "batching mode). Without a name: the list, each with its parameters, defaults\n"
	  "and plot. The table fits 80 columns (short names, a legend below); -w prints\n"
	  "the full names. `plot` draws the experiment's main curves as an 80x24 text\n"
	  "chart. -o FILE.csv writes the table as CSV; -o FILE.svg or FILE.png writes the\n"
	  "CSV, a gnuplot script FILE.gp and the image (gnuplot must be installed:\n"
	  "apt-get install gnuplot-nox; $RINGLAB_GNUPLOT names another). The same seed,\n"
	  "settings and parameters give the same table. The machines keep no trace:\n"
	  "`trace` and the view go on showing the session's own machine.\n\n"
	  "  experiment\n  experiment livelock\n"
	  "  experiment livelock ratio=200 plot\n  experiment coalesce -o /tmp/coalesce.svg\n"
	  "  experiment batching -j\n",
	  "$exp $expkey", "without a name: an array of {name, params, desc, plot}; with one: "
	  "experiment, title, cols[], rows[][] (numbers, in the columns' order), words (for a "
	  "column of modes: its values' names, by number), note, plot {x, xlabel, y[], ylabel, "
	  "y2[], y2label, group[]}, and with -o: wrote[] (the files)", cmd_experiment },
	{ "bench", NULL, 0, 3, CMD_F_JSON, "bench [SCENARIO] [packets N] [-j]",
	  "Measure the simulator's speed (wall time) on the main paths",
	  "Each scenario runs the simulator flat out and reports simulated packets per\n"
	  "wall second, next to a bare ring moving the same number of elements in the\n"
	  "same run (ratio = how much slower the simulation is), and the peak memory.\n"
	  "Wall-clock numbers: they differ from run to run. The machines keep no trace,\n"
	  "as an experiment's (make bench measures instructions per packet too).\n\n"
	  "  bench\n  bench tx-64-nobatch packets 100000\n",
	  "$bench|packets ; packets:$num", "an array of {name, packets, wall_s, sim_pps, ns_per_pkt, "
	  "bare_ring_pps, ratio, peak_rss_kib}", do_bench },
	{ 0 },
};
