/* icmp.c - ICMP echo: the responder above netif_receive_skb, and ping from a device's stack. */
#include <stdio.h>
#include <string.h>

#include "kit.h"
#include "core/stack.h"

/*
 * An echo request to the receiving device's own address is answered from the
 * same skb, out of the same device, so a ping crosses the snull pair both
 * ways as in LDD3 (0.1 -> 0.2 leaves sn0, arrives at sn1 as 1.1 -> 1.2, the
 * answer 1.2 -> 1.1 arrives at sn0 as 0.2 -> 0.1). Requests carry their
 * send time in the payload, as ping does, so a reply gives the round trip.
 */

void stack_icmp_rcv(struct kit *k, struct sk_buff *skb, unsigned int l4off)
{
	struct stack *st = k->stack;
	struct net_device *dev = skb->dev;
	struct iphdr *iph = (struct iphdr *)skb->data;
	struct icmphdr *ih = (struct icmphdr *)(skb->data + l4off);
	unsigned int ilen = skb->len - l4off;

	if (ilen < sizeof(*ih) || csum_fold(csum_partial(ih, (int)ilen, 0))) {
		st->ip_errors++;
		kfree_skb(skb);
		return;
	}
	TRACE(k, TR_ICMP, dev, ih->type, (u32)ntohs(ih->id) << 16 | ntohs(ih->sequence),
	      iph->saddr, iph->daddr);
	if (ih->type == ICMP_ECHO && dev && iph->daddr == dev->ip_addr) {
		/* answer from the same skb: swap addresses, out of the same device */
		struct ethhdr *eth = (struct ethhdr *)skb_mac_header(skb);
		__be32 a = iph->saddr;

		memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
		memcpy(eth->h_source, dev->dev_addr, ETH_ALEN);
		iph->saddr = iph->daddr;
		iph->daddr = a;
		iph->ttl = 64;
		iph->check = 0;
		iph->check = ip_fast_csum(iph, iph->ihl);
		ih->type = ICMP_ECHOREPLY;
		ih->checksum = 0;
		ih->checksum = csum_fold(csum_partial(ih, (int)ilen, 0));
		skb_push(skb, ETH_HLEN);
		memset(skb->cb, 0, sizeof(skb->cb));
		skb_set_place(skb, SKB_USER);
		dev_queue_xmit(skb);
		return;
	}
	if (ih->type == ICMP_ECHO && dev) /* ip_rcv_finish: no route to a host that is not us */
		TRACE(k, TR_NOT_OURS, dev, iph->daddr, dev->ip_addr, 0, 0);
	if (ih->type == ICMP_ECHOREPLY && ntohs(ih->id) == PING_ID && ilen >= 16) {
		u64 sent, rtt;

		memcpy(&sent, (unsigned char *)ih + 8, sizeof(sent));
		rtt = k->now - sent;
		if (!st->ping.received || rtt < st->ping.rtt_min_ns)
			st->ping.rtt_min_ns = rtt;
		if (rtt > st->ping.rtt_max_ns)
			st->ping.rtt_max_ns = rtt;
		st->ping.rtt_sum_ns += rtt;
		st->ping.received++;
	}
	kfree_skb(skb);
}

void kit_ping_stats(const struct kit *k, struct kit_ping_stat *s)
{
	*s = k->stack->ping;
}

int kit_ping(struct net_device *dev, __be32 daddr, unsigned int count, char *err, size_t errlen)
{
	struct kit *k = kit_enter(dev->kit);
	enum kit_ctx prev = cpu_enter(k, CTX_PROCESS);
	u8 peer[ETH_ALEN];

	if (!netif_running(dev)) {
		snprintf(err, errlen, "%s is down", dev->name);
		cpu_leave(k, prev);
		return -ENODEV;
	}
	/* snull_header: the peer's MAC is ours with the last byte XOR 1 */
	memcpy(peer, dev->dev_addr, ETH_ALEN);
	peer[5] ^= 1;
	for (unsigned int i = 0; i < count; i++) {
		struct sk_buff *skb = netdev_alloc_skb_ip_align(dev, 98);
		struct frame_spec s = {
			.src_mac = dev->dev_addr, .dst_mac = peer, .saddr = dev->ip_addr,
			.daddr = daddr, .proto = IPPROTO_ICMP, .len = 98, .ip_id = (u16)(i + 1),
			.icmp_type = ICMP_ECHO, .icmp_id = PING_ID, .icmp_seq = (u16)(i + 1),
			.icmp_stamp = k->now,
		};

		if (!skb) {
			snprintf(err, errlen, "no skb for echo request %u", i + 1);
			cpu_leave(k, prev);
			return -ENOMEM;
		}
		skb_put(skb, frame_build(skb->data, SKB_MAX_ALLOC - NET_IP_ALIGN, &s));
		k->stack->ping.sent++;
		dev_queue_xmit(skb);
	}
	cpu_leave(k, prev);
	return 0;
}
