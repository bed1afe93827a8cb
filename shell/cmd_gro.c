/* cmd_gro.c - GRO in the shell: gro show (flows held, counters) and napi_gro_flush by hand. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arg.h"
#include "cmd.h"
#include "dump.h"
#include "out.h"
#include "sess.h"

static struct dev_snap snap; /* big: one, not on the stack */

static void show_text(struct sess *s, const struct dev_snap *d)
{
	const struct napi_gro_stats *st = &d->gro_stats;
	char sa[20], da[20];

	out_printf("%s GRO: %s, %u held (at most %d per bucket), %u on rx_list, "
		   "gro_normal_batch %ld\n", d->name, d->gro ? "on" : "off", d->gro_held,
		   MAX_GRO_SKBS, d->gro_rx_list,
		   kit_param_get(s->k, NULL, kit_param_find("gro_normal_batch")));
	out_printf("  received %llu: merged %llu, held %llu, normal %llu\n",
		   (unsigned long long)st->received, (unsigned long long)st->merged,
		   (unsigned long long)st->held, (unsigned long long)st->normal);
	out_printf("  flushed %llu (%llu pushed out of a full bucket); gro_normal_list %llu "
		   "batches, %llu skbs up for %llu segments\n", (unsigned long long)st->flushed,
		   (unsigned long long)st->flush_oldest, (unsigned long long)st->normal_lists,
		   (unsigned long long)st->up, (unsigned long long)st->segs_up);
	for (unsigned int i = 0; i < d->gro_held; i++) {
		const struct gro_flow_snap *f = &d->gro_flow[i];

		dump_ip(f->saddr, sa, sizeof(sa));
		dump_ip(f->daddr, da, sizeof(da));
		out_printf("  bucket %u: %s:%u -> %s:%u, %u segment%s, %u bytes, next seq %u, "
			   "held %llu jiffies\n", f->bucket, sa, ntohs(f->sport), da, ntohs(f->dport),
			   f->segs, f->segs == 1 ? "" : "s", f->bytes, f->next_seq,
			   (unsigned long long)f->age_jiffies);
	}
}

static cJSON *show_json(const struct dev_snap *d)
{
	const struct napi_gro_stats *st = &d->gro_stats;
	cJSON *j = cJSON_CreateObject(), *a;
	char b[20];

	cJSON_AddStringToObject(j, "dev", d->name);
	cJSON_AddBoolToObject(j, "gro", d->gro);
	cJSON_AddNumberToObject(j, "held", d->gro_held);
	cJSON_AddNumberToObject(j, "rx_list", d->gro_rx_list);
	cJSON_AddNumberToObject(j, "received", (double)st->received);
	cJSON_AddNumberToObject(j, "merged", (double)st->merged);
	cJSON_AddNumberToObject(j, "held_flows", (double)st->held);
	cJSON_AddNumberToObject(j, "normal", (double)st->normal);
	cJSON_AddNumberToObject(j, "flushed", (double)st->flushed);
	cJSON_AddNumberToObject(j, "flush_oldest", (double)st->flush_oldest);
	cJSON_AddNumberToObject(j, "normal_lists", (double)st->normal_lists);
	cJSON_AddNumberToObject(j, "up", (double)st->up);
	cJSON_AddNumberToObject(j, "segs_up", (double)st->segs_up);
	a = cJSON_AddArrayToObject(j, "flows");
	for (unsigned int i = 0; i < d->gro_held; i++) {
		const struct gro_flow_snap *f = &d->gro_flow[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "bucket", f->bucket);
		dump_ip(f->saddr, b, sizeof(b));
		cJSON_AddStringToObject(o, "saddr", b);
		dump_ip(f->daddr, b, sizeof(b));
		cJSON_AddStringToObject(o, "daddr", b);
		cJSON_AddNumberToObject(o, "sport", ntohs(f->sport));
		cJSON_AddNumberToObject(o, "dport", ntohs(f->dport));
		cJSON_AddNumberToObject(o, "segs", f->segs);
		cJSON_AddNumberToObject(o, "bytes", f->bytes);
		cJSON_AddNumberToObject(o, "next_seq", f->next_seq);
		cJSON_AddNumberToObject(o, "age_jiffies", (double)f->age_jiffies);
		cJSON_AddItemToArray(a, o);
	}
	return j;
}

static int do_gro(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev = NULL;
	cJSON *all = NULL;
	int rc, w;

	if ((rc = arg_word("gro", "the subcommand", argv[0], "show", &w)))
		return rc;
	if (argc > 1 && (rc = arg_dev(s, "gro show", argv[1], &dev)))
		return rc;
	if (json && !dev)
		all = cJSON_CreateArray();
	for (int i = 0; i < kit_dev_count(s->k); i++) {
		struct net_device *d = kit_dev_at(s->k, i);

		if ((dev && d != dev) || kit_dev_snapshot(d, &snap))
			continue;
		if (all)
			cJSON_AddItemToArray(all, show_json(&snap));
		else if (json)
			out_json(show_json(&snap));
		else
			show_text(s, &snap);
	}
	if (all)
		out_json(all);
	return CMD_OK;
}

static int do_napi_gro_flush(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev;
	unsigned int before, lists;
	char err[256];
	int rc, old = 0;

	(void)json;
	if ((rc = arg_dev_live(s, "napi_gro_flush", argv[0], &dev)))
		return rc;
	if (argc > 1 && (rc = arg_word("napi_gro_flush", "the flush", argv[1], "old", &old)))
		return rc;
	kit_dev_snapshot(dev, &snap);
	before = snap.gro_held;
	lists = (unsigned int)snap.gro_stats.normal_lists;
	if (kit_napi_gro_flush(dev, argc > 1, err, sizeof(err)) < 0) {
		out_error("napi_gro_flush: %s", err);
		return CMD_FAIL;
	}
	kit_dev_snapshot(dev, &snap);
	out_printf("%s: napi_gro_flush(%s): %u held packet%s completed, %u still held; "
		   "gro_normal_list: %s\n", dev->name, argc > 1 ? "old" : "all",
		   before - snap.gro_held, before - snap.gro_held == 1 ? "" : "s", snap.gro_held,
		   snap.gro_stats.normal_lists > lists ? "a batch went up" : "nothing to pass up");
	return CMD_OK;
}

const struct cmd cmd_gro_table[] = {
	{ "gro", NULL, 1, 2, CMD_F_JSON, "gro show [DEV] [-j]",
	  "Show what GRO holds on the device's napi instance, and its counters",
	  "GRO (2.6.29+, modern NAPI only; ethtool -K DEV gro on) keeps at most\n"
	  "MAX_GRO_SKBS (8) packets per gro_hash bucket; the 8254x has no RSS hash, so\n"
	  "all flows share bucket 0. Each held packet: its flow, the segments merged so\n"
	  "far, its length and the next sequence number it expects, and how long it has\n"
	  "been held. The counters: napi_gro_receive calls, merged (GRO_MERGED), held\n"
	  "(GRO_HELD: a new flow), normal (GRO_NORMAL: up as it came), flushed (held\n"
	  "packets completed; some pushed out of a full bucket), and gro_normal_list\n"
	  "batches with the skbs and segments they passed up. Without DEV: every device.\n\n"
	  "  ethtool -K sn1 gro on\n  pktgen sn1 count 64 len 1514 proto tcp\n  run until idle\n"
	  "  gro show sn1\n",
	  "show $dev", "dev, gro, held, rx_list, received, merged, held_flows, normal, flushed, "
	  "flush_oldest, normal_lists, up, segs_up, flows[] of {bucket, saddr, daddr, sport, "
	  "dport, segs, bytes, next_seq, age_jiffies}; without DEV an array of them", do_gro },
	{ "napi_gro_flush", NULL, 1, 2, 0, "napi_gro_flush DEV [old]",
	  "Complete the packets GRO holds and pass the batch up (what napi_complete_done does)",
	  "napi_gro_flush(&napi, false) completes every held packet, oldest first (IP\n"
	  "tot_len and checksum, CHECKSUM_PARTIAL, gso_segs); with `old`, only those held\n"
	  "before the current jiffy (flush_old, as a poll that used its whole budget does\n"
	  "with HZ=1000). Then gro_normal_list passes rx_list up. Runs in softirq context.\n"
	  "The device must use modern NAPI.\n\n  napi_gro_flush sn1\n  napi_gro_flush sn1 old\n",
	  "$dev old", NULL, do_napi_gro_flush },
	{ 0 },
};
