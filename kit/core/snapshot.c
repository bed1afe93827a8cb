/* snapshot.c - plain structs describing the machine, so no client reads kit internals. */
#include <stdio.h>
#include <string.h>

#include "kit.h"
#include "hw/nic_hw.h"

const char *slot_owner_name(enum slot_owner o)
{
	static const char *const n[SLOT_OWNER_NR] = { "free", "driver", "hw", "done" };

	return o < SLOT_OWNER_NR ? n[o] : "?";
}

/* i in the cyclic interval [from, to) of a ring of count slots */
static bool in_range(unsigned int i, unsigned int from, unsigned int to, unsigned int count)
{
	return ((i + count - from) % count) < ((to + count - from) % count);
}

/*
 * Owners follow from the indices (simnic.h): the NIC owns [head, tail); of
 * the driver's slots in use [next_to_clean, next_to_use), those behind the
 * head are done and those past the tail are written but not yet posted.
 */
static void ring_fill(struct ring_snap *r, unsigned int count, unsigned int head,
		      unsigned int tail, unsigned int ntu, unsigned int ntc,
		      const struct simnic_buffer *bi, const u8 *status_of, size_t stride,
		      const u8 *len_of, size_t len_size, bool rx)
{
	memset(r->n, 0, sizeof(r->n));
	r->count = count;
	r->head = head;
	r->tail = tail;
	r->next_to_use = ntu;
	r->next_to_clean = ntc;
	r->unused = count ? ((ntc > ntu ? 0 : count) + ntc - ntu - 1) : 0;
	for (unsigned int i = 0; i < count && i < SIMNIC_MAX_DESC; i++) {
		struct slot_snap *s = &r->slots[i];
		enum slot_owner o = SLOT_FREE;
		u16 len = 0;

		if (in_range(i, head, tail, count))
			o = SLOT_HW;
		else if (in_range(i, ntc, ntu, count))
			o = in_range(i, ntc, head, count) ? SLOT_DONE : SLOT_DRIVER;
		s->owner = (u8)o;
		s->status = status_of[i * stride];
		memcpy(&len, len_of + i * stride, len_size);
		/* a length means something once written: TX when posted, RX when done */
		s->len = (rx ? o == SLOT_DONE : o != SLOT_FREE) ? len : 0;
		s->skb_id = bi && bi[i].skb ? bi[i].skb->kit_id : 0;
		r->n[o]++;
	}
}

static void napi_fill(struct net_device *dev, struct simnic_adapter *a, struct dev_snap *s)
{
	struct kit *k = dev->kit;
	bool sched, polling = k->sd.polling == dev;

	if (a->irq_mode == SIMNIC_NAPI_CLASSIC) {
		sched = dev->state & (1UL << __LINK_STATE_RX_SCHED);
	} else if (a->irq_mode == SIMNIC_NAPI_MODERN) {
		sched = napi_dev_scheduled(dev);
		s->napi_missed = a->napi.state & (1UL << NAPI_STATE_MISSED);
	} else {
		sched = false;
	}
	s->napi_state = polling ? NAPI_VIEW_POLLING : sched ? NAPI_VIEW_SCHEDULED : NAPI_VIEW_IDLE;
	s->weight = dev->weight;
	s->quota = dev->quota;
	s->last_budget = dev->core.last_budget;
	s->last_work = dev->core.last_work;
}

static void lro_fill(struct simnic_adapter *a, struct dev_snap *s)
{
	s->lro = a->lro_enabled;
	s->lro_aggregated = a->lro_mgr.stats.aggregated;
	s->lro_flushed = a->lro_mgr.stats.flushed;
	s->lro_no_desc = a->lro_mgr.stats.no_desc;
	s->lro_max_aggr = a->lro_mgr.max_aggr;
	s->lro_max_desc = a->lro_mgr.max_desc;
	s->lro_active = 0;
	for (int i = 0; i < SIMNIC_MAX_LRO_DESC; i++) {
		const struct net_lro_desc *d = &a->lro_arr[i];
		struct lro_sess_snap *o = &s->lro_sess[s->lro_active];

		if (!d->active || !d->iph || !d->tcph || !d->parent)
			continue;
		o->saddr = d->iph->saddr;
		o->daddr = d->iph->daddr;
		o->sport = d->tcph->source;
		o->dport = d->tcph->dest;
		o->next_seq = d->tcp_next_seq;
		o->pkts = (u32)d->pkt_aggr_cnt;
		o->bytes = d->parent->len;
		s->lro_active++;
	}
}

static void gro_fill(struct net_device *dev, struct simnic_adapter *a, struct dev_snap *s)
{
	const struct napi_struct *n = &a->napi;

	s->gro = dev->features & NETIF_F_GRO;
	s->gro_held = 0;
	s->gro_rx_list = n->rx_list.next ? skb_queue_len(&n->rx_list) : 0;
	s->gro_stats = n->gro_stats;
	for (u32 b = 0; b < GRO_HASH_BUCKETS; b++) {
		const struct sk_buff_head *h = &n->gro_hash[b].list;

		for (struct sk_buff *p = h->next; p && p != (const struct sk_buff *)h; p = p->next) {
			struct gro_flow_snap *o = &s->gro_flow[s->gro_held++];
			const struct iphdr *iph = (const struct iphdr *)p->data;
			const struct tcphdr *th = tcp_hdr(p);

			o->saddr = iph->saddr;
			o->daddr = iph->daddr;
			o->sport = th->source;
			o->dport = th->dest;
			o->next_seq = ntohl(th->seq) + (p->len - NAPI_GRO_CB(p)->data_offset);
			o->segs = NAPI_GRO_CB(p)->count;
			o->bytes = p->len;
			o->bucket = b;
			o->age_jiffies = kit_jiffies(dev->kit) - NAPI_GRO_CB(p)->age;
		}
	}
}

int kit_dev_snapshot(struct net_device *dev, struct dev_snap *s)
{
	struct simnic_adapter *a;
	struct nic *hw;
	const struct simnic_tx_ring *tx;
	const struct simnic_rx_ring *rx;

	if (!simnic_is(dev))
		return -ENODEV;
	kit_enter(dev->kit);
	hw_catch_up(dev->kit);
	a = netdev_priv(dev);
	hw = dev->nic;
	tx = &a->tx_ring;
	rx = &a->rx_ring;
	memset(s, 0, offsetof(struct dev_snap, tx));
	snprintf(s->name, sizeof(s->name), "%s", dev->name);
	s->index = dev->ifindex;
	s->up = netif_running(dev);
	s->carrier = netif_carrier_ok(dev);
	s->broken = kit_dev_broken(dev);
	s->irq_mode = a->irq_mode;
	s->batch_mode = dev->batch_mode;
	s->queue_stopped = netif_queue_stopped(dev);
	s->qdisc_len = dev->qdisc ? skb_queue_len(&dev->qdisc->q) : 0;
	s->tx_queue_len = (unsigned int)dev->tx_queue_len;
	s->xmit_win = dev->xmit_win;
	s->blist_len = skb_queue_len(dev->blist) + skb_queue_len(dev->skb_blist);
	s->last_batch = dev->core.last_batch;
	s->tx_wake_thresh = tx->wake_thresh;
	s->tx_doorbells = hw->tx_doorbells;
	s->rx_doorbells = hw->rx_doorbells;
	s->bql = dev->bql;
	if (dev->bql) {
		s->bql_stopped = dev->tx_queue.state & (1UL << __QUEUE_STATE_STACK_XOFF);
		s->bql_limit = dev->tx_queue.dql.limit;
		s->bql_inflight = dql_inflight(&dev->tx_queue.dql);
		s->bql_avail = dql_avail(&dev->tx_queue.dql);
	}
	s->icr = hw->icr;
	s->ims = hw->ims;
	s->itr = hw->itr;
	s->irq_asserted = hw->asserted;
	s->throttled = !hw->asserted && hw->irq_at != KIT_NEVER && hw->irq_at > dev->kit->now;
	s->next_irq_ns = hw->irq_at;
	s->rx_usecs = a->cfg.rx_usecs;
	s->rx_frames = a->cfg.rx_frames;
	s->tx_usecs = a->cfg.tx_usecs;
	napi_fill(dev, a, s);
	lro_fill(a, s);
	gro_fill(dev, a, s);
	if (tx->desc)
		ring_fill(&s->tx, tx->count, hw->tdh, hw->tdt, tx->next_to_use, tx->next_to_clean,
			  tx->buffer_info, &tx->desc[0].upper.fields.status, sizeof(*tx->desc),
			  (const u8 *)&tx->desc[0].lower.flags.length, 2, false);
	else
		memset(&s->tx, 0, offsetof(struct ring_snap, slots));
	if (rx->desc)
		ring_fill(&s->rx, rx->count, hw->rdh, hw->rdt, rx->next_to_use, rx->next_to_clean,
			  rx->buffer_info, &rx->desc[0].status, sizeof(*rx->desc),
			  (const u8 *)&rx->desc[0].length, 2, true);
	else
		memset(&s->rx, 0, offsetof(struct ring_snap, slots));
	return 0;
}

void stack_snapshot(struct kit *k, struct kit_snap *s); /* core/stack.c */

void kit_snapshot(struct kit *k, struct kit_snap *s)
{
	kit_enter(k);
	hw_catch_up(k);
	memset(s, 0, sizeof(*s));
	s->now = k->now;
	s->auto_mode = k->auto_mode;
	s->steps = k->steps;
	cpu_ns_sync(k);
	memcpy(s->cpu_ns, k->cpu.ns, sizeof(s->cpu_ns));
	memcpy(s->cost_ns, k->cost_ns, sizeof(s->cost_ns));
	memcpy(s->cost_count, k->cost_count, sizeof(s->cost_count));
	s->backlog_len = skb_queue_len(&k->sd.input_pkt_queue);
	s->backlog_drops = k->sd.dropped;
	s->time_squeeze = k->sd.time_squeeze;
	s->softirq_runs = k->sd.softirq_runs;
	{
		struct list_head *e;

		list_for_each(e, &k->sd.poll_list)
			s->poll_list_len++;
	}
	skb_pool_counts(k, &s->skb_allocated, &s->skb_freed, s->skb_live);
	s->skb_pool = skb_pool_size(k);
	stack_snapshot(k, s);
	s->bugs = k->rule_kind_count[RULE_KERNEL_BUG] + k->rule_kind_count[RULE_KIT_BUG];
	s->warnings = k->rule_kind_count[RULE_KERNEL_WARN];
	s->advice = k->rule_kind_count[RULE_KIT_ADVICE];
	s->idle = !kit_next(k, &s->next_ns, s->next_what, sizeof(s->next_what));
}
