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

/* LAB(lro): merge an in-order packet into its session (lro_add_packet): count it,
 * grow tot_len and the next sequence number, take its ack, window and tsecr (not
 * tsval), fold its payload checksum in (csum_block_add at the parent's length),
 * skb_pull it to the payload, chain it on the frag_list, grow len/data_len/truesize. */

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

/* LAB(lro): rewrite the parent's headers for the aggregate (lro_update_tcp_ip_header):
 * TCP ack, window, tsecr from the session; IP tot_len and ip_fast_csum; TCP check
 * over header + data_csum with the pseudo-header of the new length
 * (csum_tcpudp_magic). */

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

/* LAB(lro): take skb into a session (0) or leave it to the caller (1): get_skb_header
 * must say IPV4 and TCP; no descriptor: 1. New session: eligible -> init, 0. In a
 * session: a gap or an ineligible packet flushes it and returns 1; else merge, and
 * flush at max_aggr packets or past 65535 - mtu bytes. aggregated++ per packet taken. */

void lro_receive_skb(struct net_lro_mgr *lro_mgr, struct sk_buff *skb, void *priv)
{
	/* LAB(lro): the driver's entry point for a frame from its poll: aggregate it,
	 * or, if no session takes it, pass it up yourself (lro_deliver, no tag). */
	(void)priv;
	lro_deliver(lro_mgr, skb, false, NULL, 0);
}

void lro_vlan_hwaccel_receive_skb(struct net_lro_mgr *lro_mgr, struct sk_buff *skb,
				  struct vlan_group *vgrp, u16 vlan_tag, void *priv)
{
	/* LAB(lro): the same for a frame whose 802.1Q tag the NIC stripped: the session
	 * keeps vlan_tag (vgrp may be NULL in the kit) and the aggregate, or the frame
	 * not taken, goes up with its tag (lro_deliver, vlan true). */
	(void)priv;
	lro_deliver(lro_mgr, skb, true, vgrp, vlan_tag);
}

/* Deliver every session: the driver calls this before leaving its poll. */
void lro_flush_all(struct net_lro_mgr *lro_mgr)
{
	/* LAB(lro): deliver every active session of the max_desc in lro_arr (the
	 * driver calls this at the end of each poll: nothing else would). */
	(void)lro_mgr;
}

/* Deliver the session of this 4-tuple, if any. Unlike inet_lro (via lro_get_desc),
 * a miss neither counts no_desc nor dereferences NULL when all descriptors are busy. */
void lro_flush_pkt(struct net_lro_mgr *lro_mgr, struct iphdr *iph, struct tcphdr *tcph)
{
	/* LAB(lro): deliver the active session of this packet's 4-tuple, if there is
	 * one; nothing else changes (no no_desc, no new session). The driver calls it
	 * before it passes up a frame of that flow that LRO may not take. */
	(void)lro_mgr;
	(void)iph;
	(void)tcph;
}
