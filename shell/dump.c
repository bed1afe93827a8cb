/* dump.c - rings and devices as text and JSON, from the kit's snapshots only. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dump.h"
#include "out.h"

void dump_ip(__be32 a, char *buf, size_t len)
{
	u32 h = ntohl(a);

	snprintf(buf, len, "%u.%u.%u.%u", h >> 24, (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff);
}

void dump_mac(const u8 *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

void dump_icr(u32 v, char *buf, size_t len)
{
	static const struct { u32 bit; const char *name; } bits[] = {
		{ E1000_ICR_TXDW, "TXDW" }, { E1000_ICR_TXQE, "TXQE" }, { E1000_ICR_LSC, "LSC" },
		{ E1000_ICR_RXDMT0, "RXDMT0" }, { E1000_ICR_RXO, "RXO" }, { E1000_ICR_RXT0, "RXT0" },
	};
	size_t n = 0;

	snprintf(buf, len, "0");
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
		if (v & bits[i].bit)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "|" : "",
					      bits[i].name);
}

const char *dump_napi_state(enum napi_view_state st)
{
	return st == NAPI_VIEW_POLLING ? "polling" : st == NAPI_VIEW_SCHEDULED ? "scheduled" : "idle";
}

static void markers(const struct ring_snap *r, bool tx, unsigned int i, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
#define MARK(cond, name)                                                                   \
	if (cond)                                                                          \
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? ", " : "<- ", \
				      name);
	/* short names, so that four on one slot still fit 80 columns */
	MARK(i == r->head, tx ? "TDH" : "RDH");
	MARK(i == r->tail, tx ? "TDT" : "RDT");
	MARK(i == r->next_to_use, "ntu");
	MARK(i == r->next_to_clean, "ntc");
#undef MARK
}

void dump_ring_text(const struct dev_snap *d, bool tx)
{
	const struct ring_snap *r = tx ? &d->tx : &d->rx;
	char m[96];

	out_printf("%s %s ring: %u slots, %s %u, %s %u, ntu %u, ntc %u, %u unused\n", d->name, tx ? "TX" : "RX", r->count, tx ? "TDH" : "RDH", r->head,
		   tx ? "TDT" : "RDT", r->tail, r->next_to_use, r->next_to_clean, r->unused);
	out_printf("  owners: %u free, %u driver, %u hw, %u done", r->n[SLOT_FREE], r->n[SLOT_DRIVER],
		   r->n[SLOT_HW], r->n[SLOT_DONE]);
	if (tx)
		out_printf("; queue %s, qdisc %u", d->queue_stopped ? "stopped" : "running",
			   d->qdisc_len);
	out_printf("\n       slot  owner    len  status  skb\n");
	for (unsigned int i = 0; i < r->count;) {
		const struct slot_snap *s = &r->slots[i];
		unsigned int j = i + 1;

		markers(r, tx, i, m, sizeof(m));
		/* runs of like slots (same owner, length, status) with no marker fold into one line */
		if (!m[0]) {
			char m2[96];

			while (j < r->count && r->slots[j].owner == s->owner &&
			       r->slots[j].len == s->len && r->slots[j].status == s->status &&
			       !r->slots[j].skb_id == !s->skb_id &&
			       (markers(r, tx, j, m2, sizeof(m2)), !m2[0]))
				j++;
		}
		if (j - i > 2) {
			char skbs[40] = "";

			if (s->skb_id)
				snprintf(skbs, sizeof(skbs), ", skb#%u..skb#%u", s->skb_id,
					 r->slots[j - 1].skb_id);
			char idx[24];

			snprintf(idx, sizeof(idx), "%u..%u", i, j - 1);
			out_printf("  %9s  %-6s %5u  %-6s  (%u slots%s)\n", idx, slot_owner_name(s->owner),
				   s->len, (s->status & 1) ? "DD" : "-", j - i, skbs);
		} else {
			char skb[16] = "", line[200];
			size_t n;

			if (s->skb_id)
				snprintf(skb, sizeof(skb), "skb#%u", s->skb_id);
			n = (size_t)snprintf(line, sizeof(line), "  %9u  %-6s %5u  %-6s  %-9s%s", i,
					     slot_owner_name(s->owner), s->len,
					     (s->status & 1) ? "DD" : "-", skb, m);
			while (n > 0 && n < sizeof(line) && line[n - 1] == ' ')
				line[--n] = '\0';
			out_puts(line);
			j = i + 1;
		}
		i = j;
	}
}

cJSON *dump_ring_json(const struct dev_snap *d, bool tx, bool slots)
{
	const struct ring_snap *r = tx ? &d->tx : &d->rx;
	cJSON *j = cJSON_CreateObject(), *a;

	cJSON_AddStringToObject(j, "dev", d->name);
	cJSON_AddStringToObject(j, "ring", tx ? "tx" : "rx");
	cJSON_AddNumberToObject(j, "size", r->count);
	cJSON_AddNumberToObject(j, "head", r->head);
	cJSON_AddNumberToObject(j, "tail", r->tail);
	cJSON_AddNumberToObject(j, "next_to_use", r->next_to_use);
	cJSON_AddNumberToObject(j, "next_to_clean", r->next_to_clean);
	cJSON_AddNumberToObject(j, "unused", r->unused);
	if (tx)
		cJSON_AddBoolToObject(j, "queue_stopped", d->queue_stopped);
	for (int o = 0; o < SLOT_OWNER_NR; o++)
		cJSON_AddNumberToObject(j, slot_owner_name((enum slot_owner)o), r->n[o]);
	if (!slots)
		return j;
	a = cJSON_AddArrayToObject(j, "slots");
	for (unsigned int i = 0; i < r->count; i++) {
		cJSON *s = cJSON_CreateObject();

		cJSON_AddStringToObject(s, "owner", slot_owner_name(r->slots[i].owner));
		cJSON_AddNumberToObject(s, "len", r->slots[i].len);
		cJSON_AddNumberToObject(s, "status", r->slots[i].status);
		cJSON_AddNumberToObject(s, "skb", r->slots[i].skb_id);
		cJSON_AddItemToArray(a, s);
	}
	return j;
}

void dump_dev_text(const struct dev_snap *d, struct net_device *dev)
{
	char ip[20], mac[20], icr[64], ims[64];

	dump_ip(dev->ip_addr, ip, sizeof(ip));
	dump_mac(dev->dev_addr, mac, sizeof(mac));
	dump_icr(d->icr, icr, sizeof(icr));
	dump_icr(d->ims, ims, sizeof(ims));
	out_printf("%s: %s %s, %s, carrier %s%s\n", d->name, ip, mac, d->up ? "up" : "down",
		   d->carrier ? "on" : "off", d->broken ? ", BROKEN (a driver call crashed)" : "");
	out_printf("  TX queue: %s, qdisc %u/%u, batching %s, xmit_win %d, blist %u, last batch %llu\n",
		   d->queue_stopped ? "stopped" : "running", d->qdisc_len, d->tx_queue_len,
		   kit_param_word(kit_param_find("batching"), d->batch_mode), d->xmit_win, d->blist_len,
		   (unsigned long long)d->last_batch);
	out_printf("  TX ring:  %u descriptors, TDH %u, TDT %u, next_to_use %u, next_to_clean %u, "
		   "%u unused, wakes at %u free\n", d->tx.count, d->tx.head, d->tx.tail,
		   d->tx.next_to_use, d->tx.next_to_clean, d->tx.unused, d->tx_wake_thresh);
	if (d->bql)
		out_printf("  BQL:      limit %u bytes, %u in flight, avail %d%s\n", d->bql_limit,
			   d->bql_inflight, d->bql_avail, d->bql_stopped ? ", STACK_XOFF" : "");
	else
		out_printf("  BQL:      off (CONFIG_BQL=n: no limit, no bulk dequeue)\n");
	out_printf("  RX ring:  %u descriptors, RDH %u, RDT %u, next_to_use %u, next_to_clean %u, "
		   "%u unused\n", d->rx.count, d->rx.head, d->rx.tail, d->rx.next_to_use,
		   d->rx.next_to_clean, d->rx.unused);
	out_printf("  IRQ:      ICR %s, IMS %s, line %s%s, ITR %u, rx-usecs %u, rx-frames %u, "
		   "tx-usecs %u\n", icr, ims, d->irq_asserted ? "asserted" : "low",
		   d->throttled ? " (throttled)" : "", d->itr, d->rx_usecs, d->rx_frames, d->tx_usecs);
	out_printf("  NAPI:     %s, %s%s, weight %d, last poll budget %d work %d\n",
		   kit_param_word(kit_param_find("napi"), d->irq_mode), dump_napi_state(d->napi_state),
		   d->napi_missed ? " (MISSED)" : "", d->weight, d->last_budget, d->last_work);
	out_printf("  LRO:      %s, %u sessions, aggregated %llu, flushed %llu, no_desc %llu\n",
		   d->lro ? "on" : "off", d->lro_active, (unsigned long long)d->lro_aggregated,
		   (unsigned long long)d->lro_flushed, (unsigned long long)d->lro_no_desc);
	out_printf("  GRO:      %s, %u held, merged %llu, flushed %llu, normal %llu\n",
		   d->gro ? "on" : "off", d->gro_held, (unsigned long long)d->gro_stats.merged,
		   (unsigned long long)d->gro_stats.flushed, (unsigned long long)d->gro_stats.normal);
	out_printf("  doorbells: TX %llu, RX %llu\n", (unsigned long long)d->tx_doorbells,
		   (unsigned long long)d->rx_doorbells);
}

cJSON *dump_stats_json(struct net_device *dev, bool named)
{
	cJSON *j = cJSON_CreateObject();

	if (named)
		cJSON_AddStringToObject(j, "dev", dev->name);

	for (int i = 0; i < kit_stat_count(); i++)
		cJSON_AddNumberToObject(j, kit_stat_at(i)->name, (double)kit_dev_stat(dev, i));
	return j;
}

cJSON *dump_dev_json(const struct dev_snap *d, struct net_device *dev)
{
	cJSON *j = cJSON_CreateObject();
	char b[64];

#define NUM(k, v) cJSON_AddNumberToObject(j, k, (double)(v))
#define BOOL(k, v) cJSON_AddBoolToObject(j, k, v)
	cJSON_AddStringToObject(j, "name", d->name);
	NUM("index", d->index);
	dump_ip(dev->ip_addr, b, sizeof(b));
	cJSON_AddStringToObject(j, "ip", b);
	dump_mac(dev->dev_addr, b, sizeof(b));
	cJSON_AddStringToObject(j, "mac", b);
	BOOL("up", d->up);
	BOOL("carrier", d->carrier);
	BOOL("broken", d->broken);
	cJSON_AddStringToObject(j, "napi", kit_param_word(kit_param_find("napi"), d->irq_mode));
	cJSON_AddStringToObject(j, "batching",
				kit_param_word(kit_param_find("batching"), d->batch_mode));
	BOOL("lro", d->lro);
	BOOL("queue_stopped", d->queue_stopped);
	NUM("qdisc_len", d->qdisc_len);
	NUM("tx_queue_len", d->tx_queue_len);
	NUM("xmit_win", d->xmit_win);
	NUM("tx_wake_thresh", d->tx_wake_thresh);
	NUM("blist_len", d->blist_len);
	NUM("last_batch", d->last_batch);
	BOOL("bql", d->bql);
	BOOL("bql_stopped", d->bql_stopped);
	NUM("bql_limit", d->bql_limit);
	NUM("bql_inflight", d->bql_inflight);
	NUM("bql_avail", d->bql_avail);
	NUM("tx_doorbells", d->tx_doorbells);
	NUM("rx_doorbells", d->rx_doorbells);
	NUM("icr", d->icr);
	NUM("ims", d->ims);
	NUM("itr", d->itr);
	BOOL("irq_asserted", d->irq_asserted);
	BOOL("throttled", d->throttled);
	NUM("rx_usecs", d->rx_usecs);
	NUM("rx_frames", d->rx_frames);
	NUM("tx_usecs", d->tx_usecs);
	cJSON_AddStringToObject(j, "napi_state", dump_napi_state(d->napi_state));
	BOOL("napi_missed", d->napi_missed);
	NUM("weight", d->weight);
	NUM("quota", d->quota);
	NUM("last_budget", d->last_budget);
	NUM("last_work", d->last_work);
	NUM("lro_active", d->lro_active);
	NUM("lro_aggregated", d->lro_aggregated);
	NUM("lro_flushed", d->lro_flushed);
	NUM("lro_no_desc", d->lro_no_desc);
	NUM("lro_max_aggr", d->lro_max_aggr);
	NUM("lro_max_desc", d->lro_max_desc);
	BOOL("gro", d->gro);
	NUM("gro_held", d->gro_held);
#undef NUM
#undef BOOL
	cJSON_AddItemToObject(j, "tx", dump_ring_json(d, true, false));
	cJSON_AddItemToObject(j, "rx", dump_ring_json(d, false, false));
	cJSON_AddItemToObject(j, "stats", dump_stats_json(dev, false));
	return j;
}

void dump_lro_text(const struct dev_snap *d)
{
	char sa[20], da[20];

	out_printf("%s LRO: %s, %u of %d sessions active, max %d packets per aggregate\n", d->name,
		   d->lro ? "on" : "off", d->lro_active, d->lro_max_desc, d->lro_max_aggr);
	out_printf("  aggregated %llu, flushed %llu, no_desc %llu\n",
		   (unsigned long long)d->lro_aggregated, (unsigned long long)d->lro_flushed,
		   (unsigned long long)d->lro_no_desc);
	for (unsigned int i = 0; i < d->lro_active; i++) {
		const struct lro_sess_snap *l = &d->lro_sess[i];

		dump_ip(l->saddr, sa, sizeof(sa));
		dump_ip(l->daddr, da, sizeof(da));
		out_printf("  session %u: %s:%u -> %s:%u, %u packets, %u bytes, next seq %u\n", i, sa,
			   ntohs(l->sport), da, ntohs(l->dport), l->pkts, l->bytes, l->next_seq);
	}
}

cJSON *dump_lro_json(const struct dev_snap *d)
{
	cJSON *j = cJSON_CreateObject(), *a;
	char b[20];

	cJSON_AddStringToObject(j, "dev", d->name);
	cJSON_AddBoolToObject(j, "lro", d->lro);
	cJSON_AddNumberToObject(j, "lro_aggregated", (double)d->lro_aggregated);
	cJSON_AddNumberToObject(j, "lro_flushed", (double)d->lro_flushed);
	cJSON_AddNumberToObject(j, "lro_no_desc", (double)d->lro_no_desc);
	cJSON_AddNumberToObject(j, "lro_max_aggr", d->lro_max_aggr);
	cJSON_AddNumberToObject(j, "lro_max_desc", d->lro_max_desc);
	a = cJSON_AddArrayToObject(j, "sessions");
	for (unsigned int i = 0; i < d->lro_active; i++) {
		const struct lro_sess_snap *l = &d->lro_sess[i];
		cJSON *s = cJSON_CreateObject();

		dump_ip(l->saddr, b, sizeof(b));
		cJSON_AddStringToObject(s, "saddr", b);
		dump_ip(l->daddr, b, sizeof(b));
		cJSON_AddStringToObject(s, "daddr", b);
		cJSON_AddNumberToObject(s, "sport", ntohs(l->sport));
		cJSON_AddNumberToObject(s, "dport", ntohs(l->dport));
		cJSON_AddNumberToObject(s, "pkts", l->pkts);
		cJSON_AddNumberToObject(s, "bytes", l->bytes);
		cJSON_AddNumberToObject(s, "next_seq", l->next_seq);
		cJSON_AddItemToArray(a, s);
	}
	return j;
}
