/* lro.c - LRO and GRO on a bulk TCP flow: fewer, bigger skbs up the stack, less stack CPU, same bytes. */
#include <stdio.h>
#include <string.h>

#include "exp.h"

/*
 * The stack's cost is mostly per skb, not per byte: IP and TCP receive
 * (COST_STACK_RX) and the application's recv() (COST_APP_RX) are charged
 * once per skb whatever its length. LRO (inet_lro, 2007) merges in-order
 * segments of a flow into one skb of up to max_aggr segments, so a bulk
 * flow of 1448-byte segments (1514-byte frames with TCP timestamps) goes up
 * as about max_aggr times fewer skbs, and the per-skb work shrinks by the
 * same factor. The driver's per-frame work (unmap, refill, the LRO lookup
 * itself) stays: softirq time per frame drops by less. The sink checks every
 * byte of the stream, so a merge that lost or reordered data would show as
 * stream errors and a byte count that differs from the run without LRO.
 *
 * LRO can only merge what one poll finds: the driver flushes every session
 * at the end of its poll (lro_flush_all). A lightly loaded CPU polls a frame
 * or two at a time and aggregates stay small; with interrupt moderation the
 * frames of a whole window wait in the ring, polls take their full weight
 * (64 = 2 x 32) and sessions fill to max_aggr. The table shows both: rx-usecs
 * 0 and the rx_usecs parameter, each with no offload, LRO and GRO, the same
 * frames at 10G line rate, run until every byte is read.
 *
 * GRO (modern NAPI, flushed at napi_complete_done) merges the same in-order
 * segments, but only while every header field but length and checksum
 * matches: the sender's timestamp ticks each millisecond, so a tsval change
 * ends a GRO packet where LRO (which only asks tsval not to go back) keeps
 * going. GRO also stops at 64 KB, not at max_aggr, and a poll that uses its
 * whole budget flushes only what is older than the current jiffy, so its
 * packets grow across polls where LRO's are flushed at each.
 */

static const struct exp_key keys[] = {
	{ "max_aggr", EK_INT, 1, 64, "segments" },
	{ "rx_usecs", EK_INT, 1, 10000, "us" },
	{ "ms", EK_INT, 1, 200, "ms of traffic" },
};
enum { K_MAX_AGGR, K_USECS, K_MS };

#define LEN 1514     /* 14 + 20 + 32 (TCP with timestamps) + 1448 */
#define RX_RING 2048 /* a whole window of frames waits in the ring */

static const char *const cols[] = {
	"rx_usecs",	    "offload",		 "frames",	      "skbs_up",
	"frames_per_skb",   "stack_ns_per_frame", "sirq_ns_per_frame", "app_ns_per_frame",
	"flow_bytes",	    "stream_errors",
};
static const char *const abbr[] = {
	"usecs", "offload", "frames", "skbs", "f/skb", "stack_ns", "sirq_ns", "app_ns", "bytes", "errors",
};

enum { OFF_NONE, OFF_LRO, OFF_GRO }; /* the offload column */

static int run_one(u64 seed, long usecs, int off, long max_aggr, u64 ms, double *row, char *err,
		   size_t errlen)
{
	struct kit *k = exp_kit(seed, err, errlen);
	struct net_device *sn1;
	struct kit_flow_stat f = { 0 };
	struct pktgen_cfg c;
	struct exp_meas m;
	u64 frames;
	int rc = -EINVAL;

	if (!k)
		return -ENOMEM;
	sn1 = kit_dev_by_name(k, "sn1");
	if (exp_set(k, NULL, "wire_peer", 0, err, errlen) ||
	    exp_set(k, NULL, "sock_rcvq", 4096, err, errlen) ||
	    exp_set(k, sn1, "napi", SIMNIC_NAPI_MODERN, err, errlen) ||
	    exp_set(k, sn1, "rx_ring", RX_RING, err, errlen) ||
	    exp_set(k, sn1, "rx_usecs", usecs, err, errlen) ||
	    exp_set(k, sn1, "lro_max_aggr", max_aggr, err, errlen) ||
	    exp_set(k, sn1, "lro", off == OFF_LRO, err, errlen) ||
	    exp_set(k, sn1, "gro", off == OFF_GRO, err, errlen))
		goto out;
	pktgen_cfg_default(&c);
	c.len = LEN;
	c.proto = IPPROTO_TCP;
	c.tcp_ts = true;
	c.count = exp_line_pps(k, LEN) * ms / 1000;
	exp_meas_read(k, sn1, &m);
	if (kit_pktgen(sn1, &c, err, errlen))
		goto out;
	kit_run(k, 0, 0, NULL); /* until the application has read everything */
	exp_meas_since(k, sn1, &m);
	for (int i = 0; i < kit_flow_count(k); i++) {
		struct kit_flow_stat fi;

		if (!kit_flow_at(k, i, &fi) && fi.proto == IPPROTO_TCP)
			f = fi; /* pktgen's one flow */
	}
	frames = m.ctr[XC_HW_RX] ? m.ctr[XC_HW_RX] : 1;
	row[0] = (double)usecs;
	row[1] = off;
	row[2] = (double)m.ctr[XC_HW_RX];
	row[3] = (double)m.ctr[XC_RX_STACK];
	row[4] = m.ctr[XC_RX_STACK] ? (double)m.ctr[XC_HW_RX] / (double)m.ctr[XC_RX_STACK] : 0;
	row[5] = (double)m.cost_ns[COST_STACK_RX] / (double)frames;
	row[6] = (double)m.cpu_ns[CTX_SOFTIRQ] / (double)frames;
	row[7] = (double)m.cpu_ns[CTX_PROCESS] / (double)frames;
	row[8] = (double)f.bytes;
	row[9] = (double)f.errors;
	rc = 0;
out:
	kit_free(k);
	return rc;
}

static int lro_run(u64 seed, const struct exp_val *a, struct exp_table *t, char *err, size_t errlen)
{
	const long usecs[] = { 0, a[K_USECS].v };
	char title[96];

	snprintf(title, sizeof(title), "LRO (max_aggr %ld) and GRO: bulk TCP, 1448-byte segments at 10G",
		 a[K_MAX_AGGR].v);
	static const char *const offload[] = { "none", "LRO", "GRO", NULL };

	exp_table_init(t, title, cols, (int)ARRAY_SIZE(cols));
	memcpy(t->abbr, abbr, sizeof(abbr));
	t->words[1] = offload;
	for (int i = 0; i < 2; i++) {
		for (int off = OFF_NONE; off <= OFF_GRO; off++) {
			double *row = exp_row(t);

			if (!row || run_one(seed, usecs[i], off, a[K_MAX_AGGR].v, (u64)a[K_MS].v,
					    row, err, errlen))
				return -EINVAL;
		}
	}
	snprintf(t->note, sizeof(t->note),
		 "with rx_usecs > 0 polls are full: LRO's frames_per_skb near max_aggr; GRO "
		 "keeps its packets across polls that use their budget (only older jiffies go) "
		 "and stops at 64 KB (45 segments) or where the sender's 1 ms timestamp moves. "
		 "Stack time per frame drops as much, flow_bytes the same, no stream_errors. At "
		 "0 polls are small: little to merge.");
	return 0;
}

const struct exp_def exp_lro = {
	.d = { .name = "lro",
	       .params = "max_aggr=32 rx_usecs=500 ms=20",
	       .desc = "LRO and GRO on a bulk TCP flow: skbs up the stack, stack CPU, byte stream",
	       .plot = {
			  .x = "rx_usecs",
			  .xlabel = "rx-usecs (us)",
			  .y = { "skbs_up" },
			  .ylabel = "skbs up the stack",
			  .y2 = { "stack_ns_per_frame" },
			  .y2label = "stack CPU per frame (ns)",
			  .group = { "offload" },
			 } },
	.keys = keys,
	.nkeys = (int)ARRAY_SIZE(keys),
	.run = lro_run,
};
