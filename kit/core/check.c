/* check.c - conservation and invariants: every skb in exactly one place, rings consistent. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit.h"
#include "hw/nic_hw.h"

/*
 * Between steps nothing is in flight, so every live skb must be somewhere
 * the kit can see: a queue it owns (qdisc, batch list, backlog, socket), a
 * client's hand, or, for SKB_DRIVER skbs, exactly one ring slot or one LRO
 * session (as its parent or on the parent's frag_list). An skb in driver
 * hands that no slot or session holds is a leak; a slot holding a freed skb
 * is a use after free; one skb on two slots is a double reference.
 */

struct report {
	char *buf;
	size_t len, used;
	int problems;
};

static void say(struct report *r, const char *fmt, ...)
{
	va_list ap;

	r->problems++;
	if (!r->buf || r->used + 1 >= r->len)
		return;
	va_start(ap, fmt);
	r->used += (size_t)vsnprintf(r->buf + r->used, r->len - r->used, fmt, ap);
	va_end(ap);
	if (r->used + 1 < r->len) {
		r->buf[r->used++] = '\n';
		r->buf[r->used] = '\0';
	} else {
		r->used = r->len - 1;
	}
}

static void mark(struct kit *k, struct report *r, u8 *seen, struct sk_buff *skb,
		 const char *where, struct net_device *dev, unsigned int slot)
{
	long i = skb_pool_index(k, skb);

	if (i < 0) {
		say(r, "%s: %s %u holds a pointer that is not an skb", dev->name, where, slot);
		return;
	}
	if (skb->kit_place == SKB_FREE) {
		say(r, "%s: %s %u holds skb#%u, which was freed (use after free)", dev->name, where,
		    slot, skb->kit_id);
		return;
	}
	if (seen[i]++)
		say(r, "%s: skb#%u is held twice (again by %s %u)", dev->name, skb->kit_id, where,
		    slot);
}

static void check_dev(struct kit *k, struct report *r, u8 *seen, struct net_device *dev)
{
	struct simnic_adapter *a = netdev_priv(dev);
	struct nic *hw = dev->nic;
	const struct simnic_tx_ring *tx = &a->tx_ring;
	const struct simnic_rx_ring *rx = &a->rx_ring;

	if (tx->count && (tx->next_to_use >= tx->count || tx->next_to_clean >= tx->count))
		say(r, "%s: TX ring index out of range (next_to_use %u, next_to_clean %u, count %u)",
		    dev->name, tx->next_to_use, tx->next_to_clean, tx->count);
	if (rx->count && (rx->next_to_use >= rx->count || rx->next_to_clean >= rx->count))
		say(r, "%s: RX ring index out of range (next_to_use %u, next_to_clean %u, count %u)",
		    dev->name, rx->next_to_use, rx->next_to_clean, rx->count);
	if (hw->tx_count && (hw->tdh >= hw->tx_count || hw->tdt >= hw->tx_count))
		say(r, "%s: TDH %u / TDT %u out of range", dev->name, hw->tdh, hw->tdt);
	if (hw->rx_count && (hw->rdh >= hw->rx_count || hw->rdt >= hw->rx_count))
		say(r, "%s: RDH %u / RDT %u out of range", dev->name, hw->rdh, hw->rdt);
	/* every slot the NIC owns must hold what the driver posted there */
	for (unsigned int i = hw->tdh; tx->buffer_info && hw->tx_count == tx->count && i != hw->tdt;
	     i = (i + 1) % tx->count)
		if (!tx->buffer_info[i].skb)
			say(r, "%s: TX slot %u is the NIC's (between TDH %u and TDT %u) but holds no skb",
			    dev->name, i, hw->tdh, hw->tdt);
	for (unsigned int i = hw->rdh; rx->buffer_info && hw->rx_count == rx->count && i != hw->rdt;
	     i = (i + 1) % rx->count)
		if (!rx->buffer_info[i].skb)
			say(r, "%s: RX slot %u is the NIC's (between RDH %u and RDT %u) but has no buffer",
			    dev->name, i, hw->rdh, hw->rdt);
	for (unsigned int i = 0; tx->buffer_info && i < tx->count; i++)
		if (tx->buffer_info[i].skb)
			mark(k, r, seen, tx->buffer_info[i].skb, "TX slot", dev, i);
	for (unsigned int i = 0; rx->buffer_info && i < rx->count; i++)
		if (rx->buffer_info[i].skb)
			mark(k, r, seen, rx->buffer_info[i].skb, "RX slot", dev, i);
	for (unsigned int i = 0; i < SIMNIC_MAX_LRO_DESC; i++) {
		struct sk_buff *p = a->lro_arr[i].active ? a->lro_arr[i].parent : NULL;

		if (!p)
			continue;
		mark(k, r, seen, p, "LRO session", dev, i);
		for (struct sk_buff *f = skb_shinfo(p)->frag_list; f; f = f->next)
			mark(k, r, seen, f, "LRO session", dev, i);
	}
	/* GRO: held packets with their merged segments, and the batch on rx_list */
	for (unsigned int b = 0; b < GRO_HASH_BUCKETS; b++) {
		const struct sk_buff_head *h = &a->napi.gro_hash[b].list;

		if (!h->next)
			continue; /* never registered */
		for (struct sk_buff *p = h->next; p != (const struct sk_buff *)h; p = p->next) {
			mark(k, r, seen, p, "GRO bucket", dev, b);
			for (struct sk_buff *f = skb_shinfo(p)->frag_list; f; f = f->next)
				mark(k, r, seen, f, "GRO bucket", dev, b);
		}
	}
	if (a->napi.rx_list.next)
		for (struct sk_buff *p = a->napi.rx_list.next;
		     p != (const struct sk_buff *)&a->napi.rx_list; p = p->next) {
			mark(k, r, seen, p, "GRO rx_list", dev, 0);
			for (struct sk_buff *f = skb_shinfo(p)->frag_list; f; f = f->next)
				mark(k, r, seen, f, "GRO rx_list", dev, 0);
		}
}

int kit_check(struct kit *k, char *out, size_t len)
{
	struct report r = { out, len, 0, 0 };
	u64 allocated, freed, live[SKB_PLACE_NR], in_use = 0;
	u64 queued[SKB_PLACE_NR] = { 0 };
	size_t n, cur = 0;
	struct sk_buff *skb;
	u8 *seen;

	kit_enter(k);
	hw_catch_up(k);
	r.problems = kit_guard_check(k, out, len); /* the guard areas first */
	r.used = out && len ? strlen(out) : 0;
	skb_pool_counts(k, &allocated, &freed, live);
	for (int p = 1; p < SKB_PLACE_NR; p++)
		in_use += live[p];
	if (allocated != freed + in_use)
		say(&r, "skbs: allocated %llu != freed %llu + live %llu", (unsigned long long)allocated,
		    (unsigned long long)freed, (unsigned long long)in_use);
	/* queues the kit owns hold what their places say */
	for (int i = 0; i < k->ndevs; i++) {
		struct net_device *dev = k->devs[i];

		queued[SKB_QDISC] += dev->qdisc ? skb_queue_len(&dev->qdisc->q) : 0;
		queued[SKB_BLIST] += skb_queue_len(dev->blist) + skb_queue_len(dev->skb_blist);
	}
	queued[SKB_BACKLOG] = skb_queue_len(&k->sd.input_pkt_queue);
	for (int p = SKB_QDISC; p <= SKB_BACKLOG; p++)
		if (p != SKB_DRIVER && queued[p] != live[p])
			say(&r, "%llu skbs are marked %s but %llu are queued there",
			    (unsigned long long)live[p], skb_place_name(p), (unsigned long long)queued[p]);
	/* the socket's: its receive queue and the TCP flows' out-of-order queues */
	queued[SKB_SOCKET] = stack_skbs_held(k);
	if (queued[SKB_SOCKET] != live[SKB_SOCKET])
		say(&r, "%llu skbs are marked %s but %llu are queued there",
		    (unsigned long long)live[SKB_SOCKET], skb_place_name(SKB_SOCKET),
		    (unsigned long long)queued[SKB_SOCKET]);
	if (live[SKB_STACK])
		say(&r, "%llu skbs are stuck in the stack between steps",
		    (unsigned long long)live[SKB_STACK]);
	n = skb_pool_size(k);
	seen = calloc(n ? n : 1, 1);
	if (!seen) {
		say(&r, "out of memory while checking");
		return r.problems;
	}
	for (int i = 0; i < k->ndevs; i++)
		if (simnic_is(k->devs[i]))
			check_dev(k, &r, seen, k->devs[i]);
	/* aggregates passed up carry their members on the frag_list */
	while ((skb = skb_pool_iter(k, &cur)) != NULL) {
		if (skb->kit_place == SKB_DRIVER || skb->kit_place == SKB_FRAG)
			continue;
		for (struct sk_buff *f = skb_shinfo(skb)->frag_list; f; f = f->next) {
			long i = skb_pool_index(k, f);

			if (i >= 0 && seen[i]++)
				say(&r, "skb#%u is on two frag_lists", f->kit_id);
		}
	}
	cur = 0;
	while ((skb = skb_pool_iter(k, &cur)) != NULL) {
		long i = skb_pool_index(k, skb);

		if ((skb->kit_place == SKB_DRIVER || skb->kit_place == SKB_FRAG) && !seen[i]) {
			say(&r, "skb#%u leaked: the driver holds it but no ring slot, LRO session or "
				"GRO list does (last held by %s; allocated by %s:%u at %llu ns)", skb->kit_id,
			    kit_lab_fn_name(k, skb->kit_holder_dev, skb->kit_holder),
			    skb->kit_func ? skb->kit_func : "?", skb->kit_line,
			    (unsigned long long)skb->kit_alloc_t);
			if (!skb->kit_leaked) { /* the BUG record once per lost skb */
				skb->kit_leaked = 1;
				kit_bug_skb(k, skb->dev, RULE_SKB_LEAK, skb);
			}
		}
	}
	free(seen);
	return r.problems;
}
