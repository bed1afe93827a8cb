/* gro.c - GRO's core: napi_gro_receive, the gro_hash buckets, flushes, and rx_list batching. */
#include "kit.h"

/*
 * Each napi instance holds at most MAX_GRO_SKBS packets per bucket of
 * gro_hash, the youngest at the head of the bucket's list. A skb comes in
 * (dev_gro_receive, net/core/gro.c 5.x-6.14): every held packet of its bucket
 * is marked same_flow if device, VLAN tag and Ethernet header match
 * (gro_list_prepare), then the IPv4 and TCP rules (gro_tcp.c) narrow that
 * down, merge the skb into its flow's packet or say why not, and name a held
 * packet to complete. A skb of a new flow that may be merged later is held,
 * pushing out the oldest packet of a full bucket (gro_flush_oldest); one that
 * may not goes up as it came.
 *
 * Whatever goes up (GRO_NORMAL, and each completed packet) waits on
 * napi->rx_list until gro_normal_batch segments are there, then
 * netif_receive_skb_list passes the batch up (the kit: netif_receive_skb for
 * each, in order). napi_complete_done flushes all held packets and the
 * batch (gro_flush_timeout 0, the default); a poll that used its whole
 * budget gets the flush of packets held before the current jiffy and the
 * batch, as 5.x-6.14 napi_poll does with HZ >= 1000 (netrx.c).
 *
 * Held packets and rx_list stay SKB_DRIVER (the instance is the driver's);
 * kit_check finds them on the instance.
 */

static struct kit *napi_kit(const struct napi_struct *n)
{
	return n->dev ? n->dev->kit : kit_current;
}

void napi_gro_init(struct napi_struct *n)
{
	n->gro_bitmask = 0;
	for (int i = 0; i < GRO_HASH_BUCKETS; i++) {
		skb_queue_head_init(&n->gro_hash[i].list);
		n->gro_hash[i].count = 0;
	}
	skb_queue_head_init(&n->rx_list);
	n->rx_count = 0;
	memset(&n->gro_stats, 0, sizeof(n->gro_stats));
}

/* flush_gro_hash (netif_napi_del): held packets and the batch are freed, not passed up. */
void napi_gro_drop(struct napi_struct *n)
{
	if (!n->rx_list.next)
		return; /* never registered (netif_napi_add) */
	for (int i = 0; i < GRO_HASH_BUCKETS; i++) {
		skb_queue_purge(&n->gro_hash[i].list);
		n->gro_hash[i].count = 0;
	}
	skb_queue_purge(&n->rx_list);
	n->gro_bitmask = 0;
	n->rx_count = 0;
}

unsigned int napi_gro_held(const struct napi_struct *n)
{
	unsigned int held = 0;

	for (int i = 0; i < GRO_HASH_BUCKETS; i++)
		held += (unsigned int)n->gro_hash[i].count;
	return held;
}

void gro_normal_list(struct napi_struct *n)
{
	struct napi_gro_stats *st = &n->gro_stats;
	struct sk_buff *skb;
	u32 count = skb_queue_len(&n->rx_list);

	if (!n->rx_count)
		return;
	st->normal_lists++;
	if (n->dev)
		TRACE(napi_kit(n), TR_GRO_LIST, n->dev, count, (u32)n->rx_count, 0, 0);
	n->rx_count = 0;
	while ((skb = __skb_dequeue(&n->rx_list)) != NULL) {
		st->up++;
		st->segs_up += skb_shinfo(skb)->gso_segs > 1 ? skb_shinfo(skb)->gso_segs : 1;
		netif_receive_skb(skb);
	}
}

/* gro_normal_one: onto rx_list; the batch goes up once it stands for gro_normal_batch segments. */
static void gro_normal_one(struct napi_struct *n, struct sk_buff *skb, int segs)
{
	__skb_queue_tail(&n->rx_list, skb);
	n->rx_count += segs;
	if (n->rx_count >= napi_kit(n)->knob[KNOB_GRO_NORMAL_BATCH])
		gro_normal_list(n);
}

static void napi_gro_complete(struct napi_struct *n, struct sk_buff *skb)
{
	u16 count = NAPI_GRO_CB(skb)->count;

	n->gro_stats.flushed++;
	if (n->dev)
		TRACE(napi_kit(n), TR_GRO_FLUSH, n->dev, ntohs(tcp_hdr(skb)->source), count, skb->len,
		      0);
	if (count == 1)
		skb_shinfo(skb)->gso_size = 0;
	else
		inet_gro_complete(skb);
	gro_normal_one(n, skb, count);
}

static void flush_chain(struct napi_struct *n, u32 index, bool flush_old)
{
	struct gro_list *gl = &n->gro_hash[index];
	unsigned long now = kit_jiffies(napi_kit(n));
	struct sk_buff *skb;

	/* oldest first: from the tail */
	while ((skb = gl->list.prev) != (struct sk_buff *)&gl->list) {
		if (flush_old && NAPI_GRO_CB(skb)->age == now)
			return;
		__skb_unlink(skb, &gl->list);
		gl->count--;
		napi_gro_complete(n, skb);
	}
	if (!gl->count)
		n->gro_bitmask &= ~(1UL << index);
}

void napi_gro_flush(struct napi_struct *n, bool flush_old)
{
	for (u32 i = 0; i < GRO_HASH_BUCKETS; i++)
		if (n->gro_bitmask & (1UL << i))
			flush_chain(n, i, flush_old);
}

static void gro_flush_oldest(struct napi_struct *n, struct gro_list *gl)
{
	struct sk_buff *oldest = gl->list.prev;

	/* the caller is adding one: count stays */
	__skb_unlink(oldest, &gl->list);
	n->gro_stats.flush_oldest++;
	napi_gro_complete(n, oldest);
}

/* compare_ether_header, the device and the VLAN tag */
static void gro_list_prepare(struct sk_buff_head *head, const struct sk_buff *skb)
{
	for (struct sk_buff *p = head->next; p != (struct sk_buff *)head; p = p->next) {
		bool diffs = p->dev != skb->dev || p->vlan_tci != skb->vlan_tci ||
			     memcmp(skb_mac_header(p), skb_mac_header(skb), ETH_HLEN);

		NAPI_GRO_CB(p)->flush = 0;
		NAPI_GRO_CB(p)->same_flow = !diffs;
	}
}

static gro_result_t dev_gro_receive(struct kit *k, struct napi_struct *n, struct sk_buff *skb)
{
	u32 bucket = 0; /* skb_get_hash_raw(skb) & 7: no RSS hash on the 8254x */
	struct gro_list *gl = &n->gro_hash[bucket];
	struct napi_gro_cb *cb = NAPI_GRO_CB(skb);
	struct sk_buff *pp;
	gro_result_t ret;

	if (!skb->dev || !(skb->dev->features & NETIF_F_GRO)) /* netif_elide_gro */
		return GRO_NORMAL;
	gro_list_prepare(&gl->list, skb);
	if (skb->protocol != htons(ETH_P_IP)) /* the kit's GRO knows IPv4 only */
		return GRO_NORMAL;
	skb_set_network_header(skb, 0);
	cb->same_flow = 0;
	cb->free = 0;
	cb->ip_fixedid = 0;
	cb->csum_cnt = skb->ip_summed == CHECKSUM_UNNECESSARY;
	cb->flush = skb_shinfo(skb)->frag_list != NULL;
	cb->count = 1;
	if (skb_shinfo(skb)->gso_size) /* a GSO skb from a driver: the kit takes none */
		cb->flush = 1;

	pp = inet_gro_receive(k, &gl->list, skb);
	ret = cb->free ? GRO_MERGED_FREE : GRO_MERGED;
	if (pp) {
		__skb_unlink(pp, &gl->list);
		gl->count--;
		napi_gro_complete(n, pp);
	}
	if (cb->same_flow)
		goto ok;
	if (cb->flush)
		return GRO_NORMAL;
	if (gl->count >= MAX_GRO_SKBS)
		gro_flush_oldest(n, gl);
	else
		gl->count++;
	cb->age = kit_jiffies(k);
	cb->last = skb;
	skb_shinfo(skb)->gso_size = (u16)(skb->len - cb->data_offset);
	__skb_queue_head(&gl->list, skb);
	ret = GRO_HELD;
ok:
	if (gl->count)
		n->gro_bitmask |= 1UL << bucket;
	else
		n->gro_bitmask &= ~(1UL << bucket);
	return ret;
}

gro_result_t napi_gro_receive(struct napi_struct *n, struct sk_buff *skb)
{
	struct kit *k = napi_kit(n);
	struct napi_gro_stats *st = &n->gro_stats;
	gro_result_t ret;

	hw_catch_up(k);
	sim_charge(k, COST_GRO);
	st->received++;
	NAPI_GRO_CB(skb)->data_offset = 0; /* skb_gro_reset_offset */
	ret = dev_gro_receive(k, n, skb);
	if (n->dev)
		TRACE(k, TR_GRO, n->dev, skb->kit_id, (u32)ret, 0, 0);
	switch (ret) { /* napi_skb_finish */
	case GRO_NORMAL:
		st->normal++;
		gro_normal_one(n, skb, 1);
		break;
	case GRO_MERGED_FREE:
		st->merged++;
		kfree_skb(skb);
		break;
	case GRO_MERGED:
		st->merged++;
		break;
	case GRO_HELD:
		st->held++;
		break;
	case GRO_CONSUMED:
		break;
	}
	return ret;
}
