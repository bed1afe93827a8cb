/* gro_tcp.c - GRO's IPv4 and TCP rules: inet_gro_receive, tcp4_gro_receive, their completions. */
#include "kit.h"

/*
 * A new skb is compared with the packets held in its bucket, layer by layer,
 * as the kernel's offload callbacks do (net/ipv4/af_inet.c inet_gro_receive,
 * include/net/gro.h inet_gro_flush, net/ipv4/tcp_offload.c):
 *
 *  - IPv4: version 4 with a 20-byte header (no options), not a fragment, a
 *    valid header checksum, tot_len equal to what the skb holds (no Ethernet
 *    padding) and no flag but DF; otherwise the skb is not merged and goes up
 *    as it came. Same flow: protocol, saddr, daddr. Merging also needs the
 *    same TTL, TOS and DF, and the IP ID of the held packet plus the segments
 *    it holds (or, if its first two carried one ID with DF set, that ID).
 *  - TCP: a checksum the NIC vouched for, or one GRO verifies in software
 *    (skb_gro_checksum_validate; a bad one is passed up for the stack to
 *    drop). Same flow: the ports. Merging needs: no CWR on the new segment;
 *    the same flag word but for CWR, FIN and PSH (data offset, other flags and
 *    the window included); the same ack_seq; identical option bytes
 *    (timestamps too); seq right after the held bytes; a payload no larger
 *    than the first's (gso_size); under 64 KB in all.
 *  - A segment that was not merged completes the held packet of its flow,
 *    and is held itself as that flow's new packet unless it may not be.
 *  - After a merge, a segment shorter than gso_size, or one with URG, PSH,
 *    RST, SYN or FIN (FIN and PSH are ORed into the held header first),
 *    completes the flow; a segment with one of those that was not merged is
 *    passed up on its own.
 *
 * Completion (inet_gro_complete, tcp4_gro_complete, tcp_gro_complete) makes
 * the held packet what GSO could cut back into the same segments: IP tot_len
 * and its checksum updated, the TCP checksum replaced by the pseudo-header
 * sum with CHECKSUM_PARTIAL (csum_start at the TCP header), gso_segs the
 * count, gso_type TCPV4 (+ ECN for CWR, + FIXEDID). A 1-segment packet goes
 * up untouched but for gso_size 0 (napi_gro_complete).
 */

#define TCPF_FLAG_MASK_MERGE (TCPF_CWR | TCPF_FIN | TCPF_PSH)

/* csum_replace2 (include/net/checksum.h): RFC 1624 incremental update */
static void csum_replace2(__sum16 *sum, __be16 old, __be16 new)
{
	__wsum tmp = csum_sub(~csum_unfold(*sum), (__wsum)old);

	*sum = csum_fold(csum_add(tmp, (__wsum)new));
}

/* tcp_flag_word: data offset, reserved bits, flags and window, in host order. */
static u32 tcp_flag_word(const struct tcphdr *th)
{
	const u8 *b = (const u8 *)th + 12;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static u8 tcp_flags(const struct tcphdr *th)
{
	return ((const u8 *)th)[13];
}

static unsigned int gro_len(const struct sk_buff *skb)
{
	return skb->len - NAPI_GRO_CB(skb)->data_offset;
}

static void *gro_header(struct sk_buff *skb, unsigned int hlen)
{
	return skb_headlen(skb) >= hlen ? skb->data + NAPI_GRO_CB(skb)->data_offset : NULL;
}

/*
 * inet_gro_flush (include/net/gro.h, 6.10-6.17): all fields alike but length
 * and checksum, and the IP ID where the count says it must be. When the
 * second frame comes the flow is judged: the same ID with DF set makes it a
 * fixed-ID flow from then on.
 */
static int inet_gro_flush(const struct iphdr *iph, const struct iphdr *iph2, struct sk_buff *p)
{
	u16 ipid_offset = (u16)(ntohs(iph->id) - ntohs(iph2->id));
	u16 count = NAPI_GRO_CB(p)->count;
	u16 df = ntohs(iph->frag_off) & IP_DF;

	if ((iph->ttl ^ iph2->ttl) | (iph->tos ^ iph2->tos) | (df ^ (ntohs(iph2->frag_off) & IP_DF)))
		return 1;
	if (count == 1 && df && !ipid_offset)
		NAPI_GRO_CB(p)->ip_fixedid = 1;
	return ipid_offset ^ (u16)(count * !NAPI_GRO_CB(p)->ip_fixedid);
}

/* skb_gro_checksum_validate for TCP/IPv4: 0 if the checksum is good or need not be checked. */
static int tcp_gro_checksum_validate(struct kit *k, struct sk_buff *skb, const struct iphdr *iph)
{
	unsigned int len = gro_len(skb);
	const u8 *th = skb->data + NAPI_GRO_CB(skb)->data_offset;

	if (NAPI_GRO_CB(skb)->csum_cnt) { /* CHECKSUM_UNNECESSARY: consume it */
		NAPI_GRO_CB(skb)->csum_cnt--;
		return 0;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_start_offset(skb) >= 0)
		return 0;
	kit_charge(k, COST_CSUM_PS, (k->cost[COST_CSUM_PS] * len + 999) / 1000, 1);
	if (csum_tcpudp_magic(iph->saddr, iph->daddr, len, IPPROTO_TCP,
			      csum_partial(th, (int)len, 0)))
		return 1;
	/* __skb_incr_checksum_unnecessary: the stack need not do it again */
	if (skb->ip_summed == CHECKSUM_NONE)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	return 0;
}

/*
 * skb_gro_receive, frag_list case (the kit's buffers are linear, so there are
 * no page frags to steal): pull the new skb to its payload and chain it.
 */
static int skb_gro_receive(struct sk_buff *p, struct sk_buff *skb)
{
	unsigned int offset = NAPI_GRO_CB(skb)->data_offset, len = gro_len(skb);

	if (p->len + len >= GRO_LEGACY_MAX_SIZE || NAPI_GRO_CB(skb)->flush)
		return -E2BIG;
	skb_pull(skb, offset);
	skb->next = NULL;
	if (NAPI_GRO_CB(p)->last == p)
		skb_shinfo(p)->frag_list = skb;
	else
		NAPI_GRO_CB(p)->last->next = skb;
	NAPI_GRO_CB(p)->last = skb;
	NAPI_GRO_CB(p)->count += NAPI_GRO_CB(skb)->count;
	p->data_len += len;
	p->truesize += skb->truesize;
	p->len += len;
	NAPI_GRO_CB(skb)->same_flow = 1;
	return 0;
}

static struct sk_buff *tcp_gro_lookup(struct sk_buff_head *head, const struct tcphdr *th)
{
	for (struct sk_buff *p = head->next; p != (struct sk_buff *)head; p = p->next) {
		const struct tcphdr *th2;

		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		th2 = tcp_hdr(p);
		if (th->source != th2->source || th->dest != th2->dest) {
			NAPI_GRO_CB(p)->same_flow = 0;
			continue;
		}
		return p;
	}
	return NULL;
}

/* tcp_gro_receive: the held packet to complete now, or NULL. */
static struct sk_buff *tcp_gro_receive(struct sk_buff_head *head, struct sk_buff *skb,
				       struct tcphdr *th)
{
	unsigned int thlen = th->doff * 4u, len = gro_len(skb), mss = 1;
	u32 flags = tcp_flag_word(th);
	struct sk_buff *pp = NULL, *p;
	int flush = 1;

	p = tcp_gro_lookup(head, th);
	if (p) {
		struct tcphdr *th2 = tcp_hdr(p);

		flush = !!(tcp_flags(th) & TCPF_CWR);
		flush |= !!((flags ^ tcp_flag_word(th2)) & ~((u32)TCPF_FLAG_MASK_MERGE << 16));
		flush |= th->ack_seq != th2->ack_seq;
		for (unsigned int i = sizeof(*th); i < thlen; i++)
			flush |= ((u8 *)th)[i] != ((u8 *)th2)[i];
		flush |= inet_gro_flush(ip_hdr(skb), ip_hdr(p), p) != 0;
		mss = skb_shinfo(p)->gso_size;
		flush |= (len - 1) >= mss; /* larger than the first, or no payload */
		flush |= ntohl(th2->seq) + gro_len(p) != ntohl(th->seq);
		if (flush || skb_gro_receive(p, skb))
			mss = 1;
		else
			((u8 *)th2)[13] |= tcp_flags(th) & (TCPF_FIN | TCPF_PSH);
	}
	/* out_check_final: a short segment, or one of these flags, ends the flow */
	flush = len < mss;
	flush |= !!(tcp_flags(th) & (TCPF_URG | TCPF_PSH | TCPF_RST | TCPF_SYN | TCPF_FIN));
	if (p && (!NAPI_GRO_CB(skb)->same_flow || flush))
		pp = p;
	NAPI_GRO_CB(skb)->flush |= (u16)(flush != 0);
	return pp;
}

/* tcp4_gro_receive: the checksum, the header, then the rules. */
static struct sk_buff *tcp4_gro_receive(struct kit *k, struct sk_buff_head *head,
					struct sk_buff *skb, const struct iphdr *iph)
{
	unsigned int off = NAPI_GRO_CB(skb)->data_offset;
	struct tcphdr *th;

	if (!NAPI_GRO_CB(skb)->flush && tcp_gro_checksum_validate(k, skb, iph))
		goto flush;
	th = gro_header(skb, off + sizeof(*th));
	if (!th || th->doff < 5 || !gro_header(skb, off + th->doff * 4u))
		goto flush;
	NAPI_GRO_CB(skb)->data_offset += th->doff * 4u; /* tcp_gro_pull_header */
	return tcp_gro_receive(head, skb, th);
flush:
	NAPI_GRO_CB(skb)->flush = 1;
	return NULL;
}

struct sk_buff *inet_gro_receive(struct kit *k, struct sk_buff_head *head, struct sk_buff *skb)
{
	unsigned int off = NAPI_GRO_CB(skb)->data_offset;
	struct sk_buff *pp = NULL;
	const struct iphdr *iph;
	int flush = 1;

	iph = gro_header(skb, off + sizeof(*iph));
	if (!iph || iph->protocol != IPPROTO_TCP) /* UDP GRO needs a socket asking for it */
		goto out;
	if (*(const u8 *)iph != 0x45)
		goto out;
	if (ntohs(iph->frag_off) & (IP_MF | IP_OFFSET)) /* ip_is_fragment */
		goto out;
	if (ip_fast_csum(iph, 5))
		goto out;
	flush = ntohs(iph->tot_len) != gro_len(skb) || (ntohs(iph->frag_off) & ~IP_DF);
	for (struct sk_buff *p = head->next; p != (struct sk_buff *)head; p = p->next) {
		const struct iphdr *iph2 = (const struct iphdr *)(p->data + off);

		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		if (iph->protocol != iph2->protocol || iph->saddr != iph2->saddr ||
		    iph->daddr != iph2->daddr)
			NAPI_GRO_CB(p)->same_flow = 0;
	}
	NAPI_GRO_CB(skb)->flush |= (u16)flush;
	NAPI_GRO_CB(skb)->data_offset += sizeof(*iph);
	skb_set_transport_header(skb, (int)NAPI_GRO_CB(skb)->data_offset);
	pp = tcp4_gro_receive(k, head, skb, iph);
out:
	NAPI_GRO_CB(skb)->flush |= (u16)flush;
	return pp;
}

/* inet_gro_complete + tcp4_gro_complete + tcp_gro_complete, for a packet of 2+ segments. */
void inet_gro_complete(struct sk_buff *skb)
{
	struct iphdr *iph = (struct iphdr *)skb->data;
	struct tcphdr *th = tcp_hdr(skb);
	__be16 totlen = iph->tot_len;
	unsigned int thoff = (unsigned int)(skb->transport_header - skb->network_header);
	struct skb_shared_info *shinfo = skb_shinfo(skb);

	iph->tot_len = htons((u16)skb->len);
	csum_replace2(&iph->check, totlen, iph->tot_len);
	th->check = (__sum16)~csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len - thoff,
						IPPROTO_TCP, 0);
	shinfo->gso_type |= SKB_GSO_TCPV4 | (NAPI_GRO_CB(skb)->ip_fixedid ? SKB_GSO_TCP_FIXEDID : 0);
	skb->csum_start = (u16)((unsigned char *)th - skb->head);
	skb->csum_offset = (u16)offsetof(struct tcphdr, check);
	skb->ip_summed = CHECKSUM_PARTIAL;
	shinfo->gso_segs = NAPI_GRO_CB(skb)->count;
	if (th->cwr)
		shinfo->gso_type |= SKB_GSO_TCP_ECN;
}
