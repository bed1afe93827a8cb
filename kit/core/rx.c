/* rx.c - the receive entry points: netif_rx and its backlog, netif_receive_skb. */
#include <string.h>

#include "kit.h"
#include "core/stack.h"

/*
 * netif_rx (drivers without NAPI, from their interrupt handler) queues the
 * skb on the CPU's backlog while it holds no more than netdev_max_backlog
 * (so 1001 at the default, as enqueue_to_backlog's qlen <= max), and the
 * backlog's own NAPI instance (weight 64, dev_rx_weight) passes them up in
 * NET_RX. netif_receive_skb (NAPI drivers, from their poll) passes the skb
 * up at once, so it must run in softirq context.
 */

/* The members of an aggregate go up with it. */
static void frags_up(struct sk_buff *skb)
{
	for (struct sk_buff *f = skb_shinfo(skb)->frag_list; f; f = f->next)
		if (f->kit_place != SKB_FRAG)
			skb_set_place(f, SKB_FRAG);
}

static int process_backlog(struct napi_struct *napi, int quota)
{
	struct kit *k = kit_current;
	struct softnet_data *sd = &k->sd;
	int work = 0;

	while (work < quota) {
		struct sk_buff *skb = __skb_dequeue(&sd->input_pkt_queue);

		if (!skb)
			break;
		skb_set_place(skb, SKB_STACK);
		netif_receive_skb(skb);
		work++;
	}
	if (skb_queue_empty(&sd->input_pkt_queue) && work < quota)
		napi_complete_done(napi, work);
	return work;
}

void softnet_init(struct kit *k)
{
	struct softnet_data *sd = &k->sd;

	INIT_LIST_HEAD(&sd->poll_list);
	skb_queue_head_init(&sd->input_pkt_queue);
	netif_napi_add(NULL, &sd->backlog, process_backlog, 64);
	napi_enable(&sd->backlog);
}

/* netif_rx whole: every case but the common one below (out of line, a tail call). */
static __attribute__((noinline)) int netif_rx_general(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct kit *k = dev ? dev->kit : kit_current;
	struct softnet_data *sd = &k->sd;

	hw_catch_up(k);
	if (unlikely(!skb_check_bounds(k, skb))) {
		kfree_skb(skb);
		return NET_RX_DROP;
	}
	sim_charge(k, COST_IRQSAVE);
	if (sd->polling && k->cpu.ctx == CTX_SOFTIRQ)
		kit_warn(k, dev, RULE_NETIF_RX_CONTEXT);
	sd->poll_delivered++;
	/* enqueue_to_backlog (and 2.6.20's netif_rx) accept while qlen <= max: the
	 * queue holds netdev_max_backlog + 1 */
	if (skb_queue_len(&sd->input_pkt_queue) > (u32)k->knob[KNOB_MAX_BACKLOG]) {
		sd->dropped++;
		TRACE(k, TR_BACKLOG_DROP, dev, skb->kit_id, 0, 0, 0);
		kfree_skb(skb);
		return NET_RX_DROP;
	}
	if (dev)
		dev->core.rx_stack++;
	frags_up(skb);
	skb_set_place(skb, SKB_BACKLOG);
	__skb_queue_tail(&sd->input_pkt_queue, skb);
	TRACE(k, TR_NETIF_RX, dev, skb->kit_id, skb_queue_len(&sd->input_pkt_queue), 0, 0);
	if (skb_queue_len(&sd->input_pkt_queue) == 1)
		napi_schedule(&sd->backlog);
	return NET_RX_SUCCESS;
}

/* The backlog's first skb: its NAPI instance scheduled (out of line, a tail
 * call: the common netif_rx keeps nothing across it). */
static __attribute__((noinline)) int backlog_schedule(struct softnet_data *sd)
{
	napi_schedule(&sd->backlog);
	return NET_RX_SUCCESS;
}

/*
 * netif_rx's common case, tested before anything changes: an skb with a
 * device and inside its buffer, on a machine without a trace, no catch-up
 * due before the IRQ-save charge or at it, and no context warning to give.
 * Then netif_rx_general's charge, counts and drop or enqueue (its catch-ups,
 * bounds check and warning do nothing here, its records have nowhere to go),
 * with nothing kept across a call, so the path saves no register.
 */
int netif_rx(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct softnet_data *sd;
	struct kit *k;
	u64 c;

	if (unlikely(!dev))
		return netif_rx_general(skb);
	k = dev->kit;
	sd = &k->sd;
	c = k->cost[COST_IRQSAVE];
	if (unlikely(k->now + c >= k->hw_next) || unlikely(k->trace != NULL) ||
	    unlikely(!skb_within_buffer(skb)) || unlikely(sd->polling && k->cpu.ctx == CTX_SOFTIRQ))
		return netif_rx_general(skb);
	k->now += c;
	k->cpu.busy += c;
	k->cost_ns[COST_IRQSAVE] += c;
	k->cost_count[COST_IRQSAVE]++;
	sd->poll_delivered++;
	if (skb_queue_len(&sd->input_pkt_queue) > (u32)k->knob[KNOB_MAX_BACKLOG]) {
		sd->dropped++;
		kfree_skb(skb);
		return NET_RX_DROP;
	}
	dev->core.rx_stack++;
	frags_up(skb);
	skb->kit_place = SKB_BACKLOG;
	__skb_queue_tail(&sd->input_pkt_queue, skb);
	if (skb_queue_len(&sd->input_pkt_queue) == 1)
		return backlog_schedule(sd);
	return NET_RX_SUCCESS;
}

int netif_rx_ni(struct sk_buff *skb)
{
	return netif_rx(skb);
}

/* Everything but stack_rx_fast's cases (out of line: the fast case
 * then saves no register, and this is a tail call). */
static __attribute__((noinline)) int receive_skb(struct kit *k, struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;

	hw_catch_up(k);
	if (unlikely(!skb_check_bounds(k, skb))) {
		kfree_skb(skb);
		return NET_RX_DROP;
	}
	/* from hardirq the kernel WARNs on the way up (__local_bh_enable_ip); from
	 * process context it is silent: there the rule is the kit's advice */
	if (unlikely(k->cpu.ctx != CTX_SOFTIRQ)) {
		if (k->cpu.ctx == CTX_HARDIRQ)
			kit_warn(k, dev, RULE_RECEIVE_SKB_CONTEXT);
		else
			kit_advise(k, dev, RULE_RECEIVE_SKB_CONTEXT);
	}
	if (skb->kit_place != SKB_STACK) {
		k->sd.poll_delivered++;
		if (dev)
			dev->core.rx_stack++;
	}
	skb_set_place(skb, SKB_STACK);
	frags_up(skb);
	k->sd.processed++;
	stack_receive(k, skb);
	return NET_RX_SUCCESS;
}

int netif_receive_skb(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct kit *k;

	if (likely(dev)) {
		enum rx_fast r;

		k = dev->kit;
		r = stack_rx_fast(k, skb);
		if (likely(r == RX_FAST_TAKEN))
			return NET_RX_SUCCESS;
		if (r == RX_FAST_SYNC)
			return stack_receive_synced(k, skb);
	} else {
		k = kit_current;
	}
	return receive_skb(k, skb);
}

int vlan_hwaccel_receive_skb(struct sk_buff *skb, struct vlan_group *grp, u16 vlan_tci)
{
	(void)grp;
	skb->vlan_tci = vlan_tci;
	return netif_receive_skb(skb);
}

int vlan_hwaccel_rx(struct sk_buff *skb, struct vlan_group *grp, u16 vlan_tci)
{
	(void)grp;
	skb->vlan_tci = vlan_tci;
	return netif_rx(skb);
}

__be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev)
{
	struct ethhdr *eth;

	skb->dev = dev;
	skb_reset_mac_header(skb);
	if (skb_headlen(skb) < ETH_HLEN)
		return 0;
	eth = (struct ethhdr *)skb->data;
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	if (eth->h_dest[0] & 1)
		skb->pkt_type = memcmp(eth->h_dest, dev->broadcast, ETH_ALEN) ? PACKET_MULTICAST :
										 PACKET_BROADCAST;
	else if (memcmp(eth->h_dest, dev->dev_addr, ETH_ALEN))
		skb->pkt_type = PACKET_OTHERHOST;
	else
		skb->pkt_type = PACKET_HOST;
	return eth->h_proto;
}
