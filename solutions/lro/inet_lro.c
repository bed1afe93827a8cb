/* inet_lro.c - generic LRO for TCP/IPv4 (inet_lro, IBM 2007), skb mode: the lab lro solution. */
#include <string.h>

#include <ringkit/inet_lro.h>
#include <ringkit/netdevice.h>
#include <ringkit/proto.h>
#include <ringkit/sim.h>
#include <ringkit/skbuff.h>

/*
 * A session is one TCP stream (saddr, daddr, sport, dport) being merged into
 * a single large skb. The first packet becomes the parent: it keeps its
 * IP/TCP headers and is held in a descriptor of lro_mgr->lro_arr. Each next
 * in-order packet is pulled to its payload and chained on the parent's
 * frag_list; the descriptor tracks what the merged header must say (next
 * sequence number, last ack, window and timestamp echo, total length) and a
 * running checksum of the payload, so nothing is re-read at flush.
 *
 * A session is flushed (delivered up) when it reaches max_aggr packets or
 * gets near 64 KB, when a packet of its flow is out of sequence or not
 * aggregatable (that packet then goes up on its own, after the aggregate),
 * and when the driver calls lro_flush_all at the end of its poll or
 * lro_flush_pkt for one flow. There is no timer: a forgotten
 * lro_flush_all leaves packets stuck.
 *
 * On flush, if more than one packet was merged, the parent's headers are
 * rewritten: IP tot_len and checksum, TCP ack, window, timestamp echo reply
 * and checksum. gso_size/gso_segs tell the stack what the aggregate stands for.
 */

#define IP_HDR_LEN(iph) ((int)(iph)->ihl << 2)
#define TCP_HDR_LEN(tcph) ((int)(tcph)->doff << 2)
/* payload bytes by the IP header (inet_lro.c TCP_PAYLOAD_LENGTH) */
#define TCP_PAYLOAD_LENGTH(iph, tcph) (ntohs((iph)->tot_len) - IP_HDR_LEN(iph) - TCP_HDR_LEN(tcph))
/* serial-number order (tcp.h after) and one's complement subtraction (csum_sub) */
#define after(seq1, seq2) ((s32)((u32)(seq2) - (u32)(seq1)) < 0)
#define wsum_sub(csum, addend) csum_add(csum, ~(__wsum)(addend))
#define DESC_INDEX(lro_mgr, d) ((u32)((d) - (lro_mgr)->lro_arr))

enum { LRO_TRACE_AGGR, LRO_TRACE_FLUSH, LRO_TRACE_NODESC }; /* kit_trace_lro's what */

/* LAB(lro): write the eligibility test (inet_lro.c lro_tcp_ip_check): 0 if the
 * packet may merge. tot_len == len, payload > 0, no IP options, ACK and none of
 * CWR ECE URG RST SYN FIN (PSH is fine), not ECN CE, TCP options none or exactly
 * NOP NOP TIMESTAMP with tsecr != 0 and, in a session, tsval not going back. */
/* May this packet be merged? 0 if yes (inet_lro.c lro_tcp_ip_check). */
static int lro_tcp_ip_check(const struct iphdr *iph, const struct tcphdr *tcph, int len,
			    const struct net_lro_desc *lro_desc)
{
	const __be32 *topt = (const __be32 *)(tcph + 1);

	/* Ethernet padding would end up inside the aggregate */
	if (ntohs(iph->tot_len) != len)
		return -1;
	/* pure ACKs never merge; <= also rejects a tot_len shorter than the headers */
	if (TCP_PAYLOAD_LENGTH(iph, tcph) <= 0)
		return -1;
	if (iph->ihl != IPH_LEN_WO_OPTIONS)
		return -1;
	/* PSH is deliberately not tested: it neither blocks nor flushes */
	if (!tcph->ack || tcph->cwr || tcph->ece || tcph->urg || tcph->rst || tcph->syn ||
	    tcph->fin)
		return -1;
	/* ECN codepoint 11: congestion experienced */
	if ((iph->tos & INET_ECN_MASK) == INET_ECN_MASK)
		return -1;
	if (tcph->doff != TCPH_LEN_WO_OPTIONS && tcph->doff != TCPH_LEN_W_TIMESTAMP)
		return -1;
	if (tcph->doff == TCPH_LEN_W_TIMESTAMP) {
		/* the only option allowed: NOP, NOP, TIMESTAMP(10) */
		if (topt[0] != htonl(TCPOPT_NOP << 24 | TCPOPT_NOP << 16 | TCPOPT_TIMESTAMP << 8 |
				     TCPOLEN_TIMESTAMP))
			return -1;
		/* tsval may not go backwards inside a session */
		if (lro_desc && after(ntohl(lro_desc->tcp_rcv_tsval), ntohl(topt[1])))
			return -1;
		if (!topt[2])
			return -1;
	}
	return 0;
}
/* LAB(lro) end */

/* Payload checksum without reading the payload: TCP checksum - header - pseudo-header
 * (inet_lro.c lro_tcp_data_csum); the header is summed with its check field in. */
static __maybe_unused __wsum lro_tcp_data_csum(const struct iphdr *iph,
					       const struct tcphdr *tcph, int len)
{
	__wsum tcp_csum = ~csum_unfold(tcph->check);
	__wsum hdr_csum = csum_partial(tcph, TCP_HDR_LEN(tcph), tcp_csum);
	__wsum pseudo = csum_tcpudp_nofold(iph->saddr, iph->daddr, (u32)(len + TCP_HDR_LEN(tcph)),
					   IPPROTO_TCP, 0);

	return wsum_sub(wsum_sub(tcp_csum, hdr_csum), pseudo);
}

/* LAB(lro): start a session with skb as its parent (inet_lro.c lro_init_desc):
 * remember iph/tcph, the next sequence number, ack, window, tot_len, the
 * timestamps if present, mss = payload, the payload checksum (lro_tcp_data_csum),
 * pkt_aggr_cnt 1, active. The descriptor now holds the skb. */
/* Start a session with skb as its parent (inet_lro.c lro_init_desc). */
static void lro_init_desc(struct net_lro_desc *lro_desc, struct sk_buff *skb, struct iphdr *iph,
			  struct tcphdr *tcph, u16 vlan_tag, struct vlan_group *vgrp,
			  int vlan_packet)
{
	const __be32 *topt = (const __be32 *)(tcph + 1);
	int payload = TCP_PAYLOAD_LENGTH(iph, tcph);

	*lro_desc = (struct net_lro_desc){
		.parent = skb,
		.iph = iph,
		.tcph = tcph,
		.vgrp = vgrp,
		.data_csum = lro_tcp_data_csum(iph, tcph, payload),
		.tcp_ack = tcph->ack_seq,
		.tcp_next_seq = ntohl(tcph->seq) + (u32)payload,
		.ip_tot_len = ntohs(iph->tot_len),
		.tcp_window = tcph->window,
		.vlan_tag = vlan_tag,
		.pkt_aggr_cnt = 1,
		.vlan_packet = vlan_packet,
		.mss = payload,
		.active = 1,
	};
	if (tcph->doff == TCPH_LEN_W_TIMESTAMP) {
		lro_desc->tcp_saw_tstamp = 1;
		lro_desc->tcp_rcv_tsval = topt[1];
		lro_desc->tcp_rcv_tsecr = topt[2];
	}
	skb->next = NULL;
}
/* LAB(lro) end */

/* LAB(lro): merge an in-order packet into its session (lro_add_packet): count it,
 * grow tot_len and the next sequence number, take its ack, window and tsecr (not
 * tsval), fold its payload checksum in (csum_block_add at the parent's length),
 * skb_pull it to the payload, chain it on the frag_list, grow len/data_len/truesize. */
/* Merge an in-order packet into its session (inet_lro.c lro_add_common + lro_add_packet). */
static void lro_add_packet(struct net_lro_desc *lro_desc, struct sk_buff *skb, struct iphdr *iph,
			   struct tcphdr *tcph)
{
	struct sk_buff *parent = lro_desc->parent;
	int payload = TCP_PAYLOAD_LENGTH(iph, tcph);

	lro_desc->pkt_aggr_cnt++;
	lro_desc->ip_tot_len += payload;
	lro_desc->tcp_next_seq += (u32)payload;
	lro_desc->tcp_window = tcph->window;
	lro_desc->tcp_ack = tcph->ack_seq;
	/* newest echo reply; tsval stays the first one's (PAWS). Unlike inet_lro,
	 * only from a packet that has the option (it read payload when doff is 5) */
	if (lro_desc->tcp_saw_tstamp && tcph->doff == TCPH_LEN_W_TIMESTAMP)
		lro_desc->tcp_rcv_tsecr = ((const __be32 *)(tcph + 1))[2];
	/* the offset's parity places the new bytes in the 16-bit word stream */
	lro_desc->data_csum = csum_block_add(
		lro_desc->data_csum, lro_tcp_data_csum(iph, tcph, payload), (int)parent->len);
	parent->len += (unsigned int)payload;
	parent->data_len += (unsigned int)payload;
	if (payload > lro_desc->mss)
		lro_desc->mss = payload;

	/* keep only the payload and chain it at the tail of the frag_list */
	skb_pull(skb, skb->len - (unsigned int)payload);
	parent->truesize += skb->truesize;
	skb->next = NULL;
	if (lro_desc->last_skb)
		lro_desc->last_skb->next = skb;
	else
		skb_shinfo(parent)->frag_list = skb;
	lro_desc->last_skb = skb;
}
/* LAB(lro) end */

static __maybe_unused int lro_check_tcp_conn(const struct net_lro_desc *lro_desc,
					     const struct iphdr *iph, const struct tcphdr *tcph)
{
	if (lro_desc->iph->saddr != iph->saddr || lro_desc->iph->daddr != iph->daddr ||
	    lro_desc->tcph->source != tcph->source || lro_desc->tcph->dest != tcph->dest)
		return -1;
	return 0;
}

/* LAB(lro): find the session for this packet (lro_get_desc): the active
 * descriptor of its 4-tuple (saddr, daddr, source, dest), else the first
 * inactive one of the max_desc in lro_arr, else count no_desc and return NULL
 * (the packet then goes up on its own). */
/* The active session of this 4-tuple, else the first free descriptor (inet_lro.c lro_get_desc). */
static struct net_lro_desc *lro_get_desc(struct net_lro_mgr *lro_mgr, struct net_lro_desc *lro_arr,
					 struct iphdr *iph, struct tcphdr *tcph)
{
	for (int i = 0; i < lro_mgr->max_desc; i++)
		if (lro_arr[i].active && !lro_check_tcp_conn(&lro_arr[i], iph, tcph))
			return &lro_arr[i];
	for (int i = 0; i < lro_mgr->max_desc; i++)
		if (!lro_arr[i].active)
			return &lro_arr[i];
	lro_mgr->stats.no_desc++;
	/* no descriptor, hence no index: name the flow by its source port */
	kit_trace_lro(lro_mgr->dev, LRO_TRACE_NODESC, ntohs(tcph->source), 0, 0);
	return NULL;
}
/* LAB(lro) end */

/* LAB(lro): rewrite the parent's headers for the aggregate (lro_update_tcp_ip_header):
 * TCP ack, window, tsecr from the session; IP tot_len and ip_fast_csum; TCP check
 * over header + data_csum with the pseudo-header of the new length
 * (csum_tcpudp_magic). */
/* Rewrite the parent's headers for the whole aggregate (inet_lro.c lro_update_tcp_ip_header). */
static void lro_update_tcp_ip_header(struct net_lro_desc *lro_desc)
{
	struct iphdr *iph = lro_desc->iph;
	struct tcphdr *tcph = lro_desc->tcph;
	__wsum sum;

	tcph->ack_seq = lro_desc->tcp_ack;
	tcph->window = lro_desc->tcp_window;
	/* options: NOP NOP TS(10) | tsval | tsecr */
	if (lro_desc->tcp_saw_tstamp)
		((__be32 *)(tcph + 1))[2] = lro_desc->tcp_rcv_tsecr;

	iph->tot_len = htons(lro_desc->ip_tot_len);
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);

	/* header + payload sum, folded with the pseudo-header of the new length */
	tcph->check = 0;
	sum = csum_add(lro_desc->data_csum, csum_partial(tcph, TCP_HDR_LEN(tcph), 0));
	tcph->check =
		csum_tcpudp_magic(iph->saddr, iph->daddr,
				  (u32)(lro_desc->ip_tot_len - IP_HDR_LEN(iph)), IPPROTO_TCP, sum);
}
/* LAB(lro) end */

/* Pass an skb up: NAPI or netif_rx, with the VLAN tag put back if it had one. */
static void lro_deliver(struct net_lro_mgr *lro_mgr, struct sk_buff *skb, bool vlan,
			struct vlan_group *vgrp, u16 vlan_tag)
{
	bool napi = lro_mgr->features & LRO_F_NAPI;

	if (vlan && napi)
		vlan_hwaccel_receive_skb(skb, vgrp, vlan_tag);
	else if (vlan)
		vlan_hwaccel_rx(skb, vgrp, vlan_tag);
	else if (napi)
		netif_receive_skb(skb);
	else
		netif_rx(skb);
}

/* LAB(lro): deliver a session (lro_flush): rewrite the headers if more than one
 * packet merged; gso_size = mss, gso_segs = packets, ip_summed = ip_summed_aggr;
 * free the descriptor (zero it), flushed++, then lro_deliver the parent: from
 * here on the stack owns it. */
/* Deliver a session and free its descriptor (inet_lro.c lro_flush). */
static void lro_flush(struct net_lro_mgr *lro_mgr, struct net_lro_desc *lro_desc)
{
	struct net_lro_desc d = *lro_desc;

	if (d.pkt_aggr_cnt > 1)
		lro_update_tcp_ip_header(&d);
	skb_shinfo(d.parent)->gso_size = (u16)d.mss;
	skb_shinfo(d.parent)->gso_segs = (u16)d.pkt_aggr_cnt; /* the kit's sink counts these */
	d.parent->ip_summed = (u8)lro_mgr->ip_summed_aggr;
	kit_trace_lro(lro_mgr->dev, LRO_TRACE_FLUSH, DESC_INDEX(lro_mgr, lro_desc),
		      (u32)d.pkt_aggr_cnt, d.parent->len);
	/* free the descriptor first: from here on the skb belongs to the stack */
	memset(lro_desc, 0, sizeof(*lro_desc));
	lro_mgr->stats.flushed++;
	lro_deliver(lro_mgr, d.parent, d.vgrp || d.vlan_packet, d.vgrp, d.vlan_tag);
}
/* LAB(lro) end */

/* LAB(lro): take skb into a session (0) or leave it to the caller (1): get_skb_header
 * must say IPV4 and TCP; no descriptor: 1. New session: eligible -> init, 0. In a
 * session: a gap or an ineligible packet flushes it and returns 1; else merge, and
 * flush at max_aggr packets or past 65535 - mtu bytes. aggregated++ per packet taken. */
/* Take skb into a session (0), or 1: the caller passes it up (inet_lro.c __lro_proc_skb).
 * vlan_packet marks the VLAN entry point: the kit has no vlan_group, vgrp may be NULL. */
static int __lro_proc_skb(struct net_lro_mgr *lro_mgr, struct sk_buff *skb, struct vlan_group *vgrp,
			  u16 vlan_tag, int vlan_packet, void *priv)
{
	struct net_lro_desc *lro_desc;
	struct iphdr *iph;
	struct tcphdr *tcph;
	void *ip, *tcp;
	u64 flags = 0;
	int len = (int)skb->len, vlan_hdr_len = 0;

	sim_charge(kit_current, COST_LRO);
	if (!lro_mgr->get_skb_header || lro_mgr->get_skb_header(skb, &ip, &tcp, &flags, priv))
		return 1;
	if (!(flags & LRO_IPV4) || !(flags & LRO_TCP))
		return 1;
	iph = ip;
	tcph = tcp;

	lro_desc = lro_get_desc(lro_mgr, lro_mgr->lro_arr, iph, tcph);
	if (!lro_desc)
		return 1;
	/* a tag still in the data counts in skb->len, not in tot_len */
	if (skb->protocol == htons(ETH_P_8021Q) && !(lro_mgr->features & LRO_F_EXTRACT_VLAN_ID))
		vlan_hdr_len = VLAN_HLEN;

	if (!lro_desc->active) {
		/* a new session: no timestamp order to test yet. Only here does
		 * inet_lro take the tag off the length: a tagged packet never
		 * passes the in-session test below (myri10ge's copy fixed that) */
		if (lro_tcp_ip_check(iph, tcph, len - vlan_hdr_len, NULL))
			return 1;
		skb->ip_summed = (u8)lro_mgr->ip_summed_aggr;
		lro_init_desc(lro_desc, skb, iph, tcph, vlan_tag, vgrp, vlan_packet);
		lro_mgr->stats.aggregated++;
		kit_trace_lro(lro_mgr->dev, LRO_TRACE_AGGR, DESC_INDEX(lro_mgr, lro_desc), 1,
			      skb->len);
		return 0;
	}

	/* a gap or a packet that may not merge: the aggregate goes up first */
	if (lro_desc->tcp_next_seq != ntohl(tcph->seq) ||
	    lro_tcp_ip_check(iph, tcph, len, lro_desc)) {
		lro_flush(lro_mgr, lro_desc);
		return 1;
	}

	lro_add_packet(lro_desc, skb, iph, tcph);
	lro_mgr->stats.aggregated++;
	kit_trace_lro(lro_mgr->dev, LRO_TRACE_AGGR, DESC_INDEX(lro_mgr, lro_desc),
		      (u32)lro_desc->pkt_aggr_cnt, lro_desc->parent->len);
	if (lro_desc->pkt_aggr_cnt >= lro_mgr->max_aggr ||
	    lro_desc->parent->len > 0xFFFF - lro_mgr->dev->mtu)
		lro_flush(lro_mgr, lro_desc);
	return 0;
}
/* LAB(lro) end */

void lro_receive_skb(struct net_lro_mgr *lro_mgr, struct sk_buff *skb, void *priv)
{
	/* LAB(lro): the driver's entry point for a frame from its poll: aggregate it,
	 * or, if no session takes it, pass it up yourself (lro_deliver, no tag). */
	if (__lro_proc_skb(lro_mgr, skb, NULL, 0, 0, priv))
		lro_deliver(lro_mgr, skb, false, NULL, 0);
	/* LAB(lro) stub:
	(void)priv;
	lro_deliver(lro_mgr, skb, false, NULL, 0);
	*/
	/* LAB(lro) end */
}

void lro_vlan_hwaccel_receive_skb(struct net_lro_mgr *lro_mgr, struct sk_buff *skb,
				  struct vlan_group *vgrp, u16 vlan_tag, void *priv)
{
	/* LAB(lro): the same for a frame whose 802.1Q tag the NIC stripped: the session
	 * keeps vlan_tag (vgrp may be NULL in the kit) and the aggregate, or the frame
	 * not taken, goes up with its tag (lro_deliver, vlan true). */
	if (__lro_proc_skb(lro_mgr, skb, vgrp, vlan_tag, 1, priv))
		lro_deliver(lro_mgr, skb, true, vgrp, vlan_tag);
	/* LAB(lro) stub:
	(void)priv;
	lro_deliver(lro_mgr, skb, true, vgrp, vlan_tag);
	*/
	/* LAB(lro) end */
}

/* Deliver every session: the driver calls this before leaving its poll. */
void lro_flush_all(struct net_lro_mgr *lro_mgr)
{
	/* LAB(lro): deliver every active session of the max_desc in lro_arr (the
	 * driver calls this at the end of each poll: nothing else would). */
	for (int i = 0; i < lro_mgr->max_desc; i++)
		if (lro_mgr->lro_arr[i].active)
			lro_flush(lro_mgr, &lro_mgr->lro_arr[i]);
	/* LAB(lro) stub:
	(void)lro_mgr;
	*/
	/* LAB(lro) end */
}

/* Deliver the session of this 4-tuple, if any. Unlike inet_lro (via lro_get_desc),
 * a miss neither counts no_desc nor dereferences NULL when all descriptors are busy. */
void lro_flush_pkt(struct net_lro_mgr *lro_mgr, struct iphdr *iph, struct tcphdr *tcph)
{
	/* LAB(lro): deliver the active session of this packet's 4-tuple, if there is
	 * one; nothing else changes (no no_desc, no new session). The driver calls it
	 * before it passes up a frame of that flow that LRO may not take. */
	for (int i = 0; i < lro_mgr->max_desc; i++) {
		struct net_lro_desc *lro_desc = &lro_mgr->lro_arr[i];

		if (lro_desc->active && !lro_check_tcp_conn(lro_desc, iph, tcph)) {
			lro_flush(lro_mgr, lro_desc);
			return;
		}
	}
	/* LAB(lro) stub:
	(void)lro_mgr;
	(void)iph;
	(void)tcph;
	*/
	/* LAB(lro) end */
}
