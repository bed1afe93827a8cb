/* pktbuild.c - real Ethernet/IPv4/TCP/UDP/ICMP frames with valid checksums. */
#include <string.h>

#include "kit.h"

/*
 * Payloads come from the pattern table (payload.c), so a frame costs one
 * memcpy and a TCP/UDP checksum costs a few additions. UDP payloads start
 * with a 4-byte sequence number and ICMP echo payloads with the 8-byte send
 * time, as ping does, so the receiver can check order and measure RTT.
 */

#define UDP_SEQ_LEN 4
#define ICMP_STAMP_LEN 8

static unsigned int l4_hdr_len(const struct frame_spec *s)
{
	switch (s->proto) {
	case IPPROTO_TCP: return 20 + (s->tcp_ts ? 12 : 0);
	case IPPROTO_UDP: return 8 + UDP_SEQ_LEN;
	default: return 8 + ICMP_STAMP_LEN;
	}
}

unsigned int frame_hdr_len(const struct frame_spec *s)
{
	return ETH_HLEN + (s->vlan ? 4 : 0) + 20 + (s->ipopt ? 4 : 0) + l4_hdr_len(s);
}

static void put_be32(unsigned char *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

unsigned int frame_build(unsigned char *buf, unsigned int room, const struct frame_spec *s)
{
	return frame_build_pl(buf, room, s, NULL);
}

unsigned int frame_build_pl(unsigned char *buf, unsigned int room, const struct frame_spec *s,
			    struct frame_payload *out)
{
	unsigned int hdr = frame_hdr_len(s), len = s->len ? s->len : ETH_ZLEN;
	unsigned int plen, l2 = ETH_HLEN + (s->vlan ? 4 : 0), ihl = 20 + (s->ipopt ? 4 : 0);
	unsigned int l4len, wire;
	unsigned char *ip, *l4, *pl;
	struct iphdr *iph;
	__wsum sum, psum;

	if (out)
		out->len = 0;
	plen = len > hdr ? len - hdr : 0;
	wire = hdr + plen < ETH_ZLEN ? ETH_ZLEN : hdr + plen;
	if (wire > room)
		return 0;
	memcpy(buf, s->dst_mac, ETH_ALEN);
	memcpy(buf + 6, s->src_mac, ETH_ALEN);
	if (s->vlan) {
		buf[12] = 0x81, buf[13] = 0x00;
		buf[14] = (u8)(s->vlan >> 8 & 0x0f), buf[15] = (u8)s->vlan;
	}
	buf[l2 - 2] = 0x08, buf[l2 - 1] = 0x00;
	ip = buf + l2;
	iph = (struct iphdr *)ip;
	l4 = ip + ihl;
	l4len = l4_hdr_len(s) + plen;
	iph->version = 4;
	iph->ihl = (u8)(ihl / 4);
	iph->tos = s->tos;
	iph->tot_len = htons((u16)(ihl + l4len));
	iph->id = htons(s->ip_id);
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = s->proto;
	iph->check = 0;
	iph->saddr = s->saddr;
	iph->daddr = s->daddr;
	if (s->ipopt)
		ip[20] = TCPOPT_NOP, ip[21] = TCPOPT_NOP, ip[22] = TCPOPT_NOP, ip[23] = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);

	pl = l4 + l4_hdr_len(s);
	memcpy(pl, payload_at(s->key, s->off), plen);
	psum = payload_csum(s->key, s->off, plen);
	if (s->proto == IPPROTO_TCP) {
		struct tcphdr *th = (struct tcphdr *)l4;

		memset(th, 0, 20);
		th->source = htons(s->sport);
		th->dest = htons(s->dport);
		th->seq = htonl(s->seq);
		th->ack_seq = htonl(s->ack);
		th->doff = (u16)(l4_hdr_len(s) / 4);
		th->fin = !!(s->flags & TCPF_FIN);
		th->syn = !!(s->flags & TCPF_SYN);
		th->rst = !!(s->flags & TCPF_RST);
		th->psh = !!(s->flags & TCPF_PSH);
		th->ack = !!(s->flags & TCPF_ACK);
		th->urg = !!(s->flags & TCPF_URG);
		th->ece = !!(s->flags & TCPF_ECE);
		th->cwr = !!(s->flags & TCPF_CWR);
		th->window = htons(s->window ? s->window : 65535);
		if (s->tcp_ts) {
			l4[20] = TCPOPT_NOP, l4[21] = TCPOPT_NOP;
			l4[22] = TCPOPT_TIMESTAMP, l4[23] = TCPOLEN_TIMESTAMP;
			put_be32(l4 + 24, s->tsval);
			put_be32(l4 + 28, s->tsecr);
		}
		sum = csum_partial(l4, (int)l4_hdr_len(s), 0);
		sum = csum_block_add(sum, psum, (int)l4_hdr_len(s));
		th->check = csum_tcpudp_magic(s->saddr, s->daddr, l4len, IPPROTO_TCP, sum);
	} else if (s->proto == IPPROTO_UDP) {
		struct udphdr *uh = (struct udphdr *)l4;

		uh->source = htons(s->sport);
		uh->dest = htons(s->dport);
		uh->len = htons((u16)l4len);
		uh->check = 0;
		put_be32(l4 + 8, s->seq);
		sum = csum_partial(l4, (int)l4_hdr_len(s), 0);
		sum = csum_block_add(sum, psum, (int)l4_hdr_len(s));
		uh->check = csum_tcpudp_magic(s->saddr, s->daddr, l4len, IPPROTO_UDP, sum);
		if (!uh->check)
			uh->check = 0xffff;
	} else {
		struct icmphdr *ih = (struct icmphdr *)l4;

		ih->type = s->icmp_type;
		ih->code = 0;
		ih->checksum = 0;
		ih->id = htons(s->icmp_id);
		ih->sequence = htons(s->icmp_seq);
		memcpy(l4 + 8, &s->icmp_stamp, ICMP_STAMP_LEN);
		sum = csum_partial(l4, (int)l4_hdr_len(s), 0);
		sum = csum_block_add(sum, psum, (int)l4_hdr_len(s));
		ih->checksum = csum_fold(sum);
	}
	if (wire > hdr + plen)
		memset(buf + hdr + plen, 0, wire - hdr - plen); /* Ethernet padding */
	if (out)
		*out = (struct frame_payload){ .off = hdr, .len = plen, .sum = psum };
	return wire;
}
