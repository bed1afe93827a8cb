/* replay_stream.c - a replayed capture's checksums, and each TCP flow's bytes reassembled from it. */
#include <stdlib.h>
#include <string.h>

#include "nic_hw.h"

/*
 * At load, once per capture:
 *  - frame_csum_bad: is the IPv4 header checksum, or the TCP/UDP checksum of
 *    an unfragmented datagram, wrong? (A frame cut short by the capture's
 *    snap length cannot be judged and is not counted.)
 *  - replay_streams: the bytes each TCP sender sent, by sequence number,
 *    from the frames whose checksums are right (a frame with a wrong one is
 *    what the stack will drop, and a corrupt frame is not the sender's
 *    bytes). Retransmissions and overlaps fill only what is still unknown:
 *    the first copy of a byte stands. The stack then checks every byte a
 *    flow delivers against this stream (core/stack.c).
 */

#define STREAM_FLOWS 64			/* TCP flows with data a replay reassembles */
#define STREAM_MAX (64u << 20)		/* bytes per flow */

/* The IPv4 header of an Ethernet frame, untagged or 802.1Q, whole in len: else NULL. */
static const struct iphdr *ip_of(const unsigned char *f, unsigned int len)
{
	unsigned int l2 = ETH_HLEN, ihl;
	__be16 proto = ((const struct ethhdr *)f)->h_proto;
	const struct iphdr *iph;

	if (proto == htons(ETH_P_8021Q) && len >= VLAN_ETH_HLEN) {
		proto = ((const struct vlan_ethhdr *)f)->h_vlan_encapsulated_proto;
		l2 = VLAN_ETH_HLEN;
	}
	if (proto != htons(ETH_P_IP) || len < l2 + 20)
		return NULL;
	iph = (const struct iphdr *)(f + l2);
	ihl = iph->ihl * 4u;
	if (iph->version != 4 || ihl < 20 || ntohs(iph->tot_len) < ihl ||
	    l2 + ntohs(iph->tot_len) > len)
		return NULL;
	return iph;
}

bool frame_csum_bad(const unsigned char *f, unsigned int len)
{
	const struct iphdr *iph = ip_of(f, len);
	unsigned int ihl, l4len;
	const unsigned char *l4;

	if (!iph)
		return false;
	if (ip_fast_csum(iph, iph->ihl))
		return true;
	if (ntohs(iph->frag_off) & (IP_MF | IP_OFFSET))
		return false;
	ihl = iph->ihl * 4u;
	l4len = ntohs(iph->tot_len) - ihl;
	l4 = (const unsigned char *)iph + ihl;
	if (iph->protocol == IPPROTO_TCP && l4len >= sizeof(struct tcphdr))
		return csum_tcpudp_magic(iph->saddr, iph->daddr, l4len, IPPROTO_TCP,
					 csum_partial(l4, (int)l4len, 0)) != 0;
	if (iph->protocol == IPPROTO_UDP && l4len >= sizeof(struct udphdr) &&
	    ((const struct udphdr *)l4)->check)
		return csum_tcpudp_magic(iph->saddr, iph->daddr, l4len, IPPROTO_UDP,
					 csum_partial(l4, (int)l4len, 0)) != 0;
	return false;
}

struct sflow {
	__be32 saddr, daddr;
	u16 sport, dport;
	u32 ref;	/* the first data segment's sequence number */
	s64 lo, hi;	/* the bytes seen, relative to ref */
	struct kit_stream *s;
};

/* The TCP payload of a frame the stack would accept: its flow's tuple, seq, bytes. */
static bool tcp_data(const unsigned char *f, unsigned int len, const struct iphdr **iph,
		     const struct tcphdr **th, const unsigned char **pay, unsigned int *plen)
{
	unsigned int ihl, hl, tot;

	if (!(*iph = ip_of(f, len)) || (*iph)->protocol != IPPROTO_TCP ||
	    (ntohs((*iph)->frag_off) & (IP_MF | IP_OFFSET)) || frame_csum_bad(f, len))
		return false;
	ihl = (*iph)->ihl * 4u;
	tot = ntohs((*iph)->tot_len);
	if (tot < ihl + sizeof(struct tcphdr))
		return false;
	*th = (const struct tcphdr *)((const unsigned char *)*iph + ihl);
	hl = (*th)->doff * 4u;
	if (hl < sizeof(struct tcphdr) || ihl + hl > tot)
		return false;
	*pay = (const unsigned char *)*th + hl;
	*plen = tot - ihl - hl;
	return *plen > 0;
}

static struct sflow *sflow_of(struct sflow *fl, int *n, const struct iphdr *iph,
			      const struct tcphdr *th, u32 seq)
{
	for (int i = 0; i < *n; i++)
		if (fl[i].saddr == iph->saddr && fl[i].daddr == iph->daddr &&
		    fl[i].sport == ntohs(th->source) && fl[i].dport == ntohs(th->dest))
			return &fl[i];
	if (*n == STREAM_FLOWS)
		return NULL;
	fl[*n] = (struct sflow){ .saddr = iph->saddr, .daddr = iph->daddr,
				 .sport = ntohs(th->source), .dport = ntohs(th->dest), .ref = seq };
	return &fl[(*n)++];
}

int replay_streams(struct kit *k, const unsigned char *bytes, const u32 *off, const u32 *len,
		   unsigned int n, u64 *stream_bytes)
{
	struct sflow *fl = calloc(STREAM_FLOWS, sizeof(*fl));
	int nfl = 0, done = 0;

	*stream_bytes = 0;
	if (!fl)
		return -ENOMEM;
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < n; i++) {
			const struct iphdr *iph;
			const struct tcphdr *th;
			const unsigned char *pay;
			unsigned int plen;
			struct sflow *f;
			s64 rel;

			if (!tcp_data(bytes + off[i], len[i], &iph, &th, &pay, &plen))
				continue;
			f = sflow_of(fl, &nfl, iph, th, ntohl(th->seq));
			if (!f)
				continue;
			rel = (s32)(ntohl(th->seq) - f->ref);
			if (pass == 0) {
				f->lo = rel < f->lo ? rel : f->lo;
				f->hi = rel + plen > f->hi ? rel + plen : f->hi;
				continue;
			}
			if (!f->s)
				continue; /* too long to keep */
			for (unsigned int b = 0; b < plen; b++) {
				u32 at = (u32)(rel - f->lo) + b;

				if (f->s->known[at / 8] >> (at % 8) & 1)
					continue; /* the first copy stands */
				f->s->known[at / 8] |= (u8)(1u << (at % 8));
				f->s->bytes[at] = pay[b];
				(*stream_bytes)++;
			}
		}
		for (int i = 0; pass == 0 && i < nfl; i++) {
			u64 l = (u64)(fl[i].hi - fl[i].lo);
			struct kit_stream *s;

			if (l > STREAM_MAX || !(s = calloc(1, sizeof(*s))))
				continue;
			s->base = fl[i].ref + (u32)fl[i].lo;
			s->len = (u32)l;
			s->bytes = malloc(l);
			s->known = calloc((l + 7) / 8, 1);
			if (!s->bytes || !s->known) {
				kit_stream_free(s);
				continue;
			}
			fl[i].s = s;
		}
	}
	for (int i = 0; i < nfl; i++) {
		if (!fl[i].s)
			continue;
		stack_expect_stream(k, fl[i].saddr, fl[i].daddr, fl[i].sport, fl[i].dport, fl[i].s);
		done++;
	}
	free(fl);
	return done;
}
