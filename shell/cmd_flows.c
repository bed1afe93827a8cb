/* cmd_flows.c - `flows` (ss): the receiver's flows, their state and counters. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arg.h"
#include "cmd.h"
#include "dump.h"
#include "out.h"
#include "sess.h"

#define FLOWS_RANGES 8 /* out-of-order ranges shown per flow */

/* TCP sequence numbers relative to the ISN, as ss -i and Wireshark show them. */
static u32 rel(const struct kit_flow_stat *f, u32 seq)
{
	return seq - f->isn;
}

static const char *proto_name(u8 p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : "?";
}

static void endpoint(__be32 a, __be16 port, char *buf, size_t len)
{
	char ip[16];

	dump_ip(a, ip, sizeof(ip));
	snprintf(buf, len, "%s:%u", ip, ntohs(port));
}

static cJSON *range_json(u32 a, u32 b)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddNumberToObject(j, "start", a);
	cJSON_AddNumberToObject(j, "end", b);
	return j;
}

static cJSON *flow_json(struct sess *s, int i, const struct kit_flow_stat *f, u32 (*r)[2],
			int nr)
{
	cJSON *j = cJSON_CreateObject(), *held = cJSON_CreateArray(), *holes = cJSON_CreateArray();
	char ep[32];
	struct net_device *dev = f->ifindex >= 0 ? kit_dev_at(s->k, f->ifindex) : NULL;
	u32 from = f->next_seq;

	cJSON_AddNumberToObject(j, "flow", i);
	cJSON_AddStringToObject(j, "proto", proto_name(f->proto));
	if (dev)
		cJSON_AddStringToObject(j, "dev", dev->name);
	else
		cJSON_AddNullToObject(j, "dev");
	endpoint(f->saddr, f->sport, ep, sizeof(ep));
	cJSON_AddStringToObject(j, "source", ep);
	endpoint(f->daddr, f->dport, ep, sizeof(ep));
	cJSON_AddStringToObject(j, "destination", ep);
	if (f->proto == IPPROTO_TCP && f->started) {
		cJSON_AddNumberToObject(j, "isn", f->isn);
		cJSON_AddNumberToObject(j, "rcv_nxt", rel(f, f->next_seq));
	}
#define NUM(n, v) cJSON_AddNumberToObject(j, n, (double)(v))
	NUM("packets", f->packets);
	NUM("segments", f->segments);
	NUM("bytes", f->bytes);
	NUM("app_bytes", f->app_bytes);
	NUM("rx_ooo", f->ooo);
	NUM("rx_dups", f->dups);
	NUM("rx_csum_errors", f->csum_errors);
	NUM("rx_stream_errors", f->errors);
	NUM("rx_ofo_drops", f->ofo_drops);
	NUM("held_segments", f->ofo_segs);
	NUM("held_bytes", f->ofo_bytes);
#undef NUM
	cJSON_AddBoolToObject(j, "checked", f->checked);
	cJSON_AddBoolToObject(j, "capture", f->stream);
	for (int n = 0; n < nr && n < FLOWS_RANGES; n++) {
		cJSON_AddItemToArray(holes, range_json(rel(f, from), rel(f, r[n][0])));
		cJSON_AddItemToArray(held, range_json(rel(f, r[n][0]), rel(f, r[n][1])));
		from = r[n][1];
	}
	cJSON_AddItemToObject(j, "held", held);
	cJSON_AddItemToObject(j, "holes", holes);
	return j;
}

static void flow_text(struct sess *s, int i, const struct kit_flow_stat *f, u32 (*r)[2], int nr)
{
	struct net_device *dev = f->ifindex >= 0 ? kit_dev_at(s->k, f->ifindex) : NULL;
	char src[32], dst[32], nxt[16] = "-";
	u32 from = f->next_seq;

	endpoint(f->saddr, f->sport, src, sizeof(src));
	endpoint(f->daddr, f->dport, dst, sizeof(dst));
	if (f->proto == IPPROTO_TCP && f->started)
		snprintf(nxt, sizeof(nxt), "%u", rel(f, f->next_seq));
	out_printf("%3d %-4s %-4s %-21s %-21s %10s %9llu %9llu %5llu %5llu %5llu %6llu %9llu%s\n", i,
		   proto_name(f->proto), dev ? dev->name : "-", src, dst, nxt,
		   (unsigned long long)f->bytes, (unsigned long long)f->app_bytes,
		   (unsigned long long)f->ooo, (unsigned long long)f->dups,
		   (unsigned long long)f->csum_errors, (unsigned long long)f->errors,
		   (unsigned long long)f->ofo_drops,
		   !f->checked ? "" : f->stream ? "  capture" : "  pattern");
	if (!nr)
		return;
	out_printf("    holds %u segment%s, %llu bytes:", f->ofo_segs, f->ofo_segs == 1 ? "" : "s",
		   (unsigned long long)f->ofo_bytes);
	for (int n = 0; n < nr && n < FLOWS_RANGES; n++)
		out_printf(" %u-%u", rel(f, r[n][0]), rel(f, r[n][1]));
	out_printf("%s; missing:", nr > FLOWS_RANGES ? " ..." : "");
	for (int n = 0; n < nr && n < FLOWS_RANGES; n++) {
		out_printf(" %u-%u", rel(f, from), rel(f, r[n][0]));
		from = r[n][1];
	}
	if (nr > FLOWS_RANGES)
		out_printf(" ... (%d ranges in all)", nr);
	out_printf("\n");
}

int cmd_flows(struct sess *s, int argc, char **argv, bool json)
{
	struct net_device *dev = NULL;
	cJSON *a = json ? cJSON_CreateArray() : NULL;
	int rc, shown = 0, n = kit_flow_count(s->k);

	if (argc && (rc = arg_dev(s, "flows", argv[0], &dev))) {
		cJSON_Delete(a);
		return rc;
	}
	for (int i = 0; i < n; i++) {
		struct kit_flow_stat f;
		u32 r[FLOWS_RANGES][2];
		int nr;

		if (kit_flow_at(s->k, i, &f) || (dev && f.ifindex != dev->ifindex))
			continue;
		nr = kit_flow_ofo(s->k, i, r, FLOWS_RANGES);
		if (json) {
			cJSON_AddItemToArray(a, flow_json(s, i, &f, r, nr));
			continue;
		}
		if (!shown++)
			out_printf("%3s %-4s %-4s %-21s %-21s %10s %9s %9s %5s %5s %5s %6s %9s\n", "#",
				   "prot", "dev", "source", "destination", "rcv_nxt", "bytes",
				   "app_bytes", "ooo", "dups", "csum", "stream", "ofo_drops");
		flow_text(s, i, &f, r, nr);
	}
	if (json) {
		out_json(a);
		return CMD_OK;
	}
	if (!shown)
		out_printf("flows: none%s%s yet\n", dev ? " on " : "", dev ? dev->name : "");
	else
		out_printf("(TCP sequence numbers relative to the ISN; bytes: delivered in order)\n");
	return CMD_OK;
}
