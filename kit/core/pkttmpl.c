/* pkttmpl.c - a flow's frames from a template: headers made once, checksums updated per frame. */
#include <string.h>

#include "core/pkttmpl.h"

/*
 * The frames of one flow differ only in a few fields: the IP id, the ports
 * of the flow, the TCP sequence, acknowledgement and timestamp, the UDP
 * sequence, the ICMP id, sequence and send time, and where in the payload
 * pattern the bytes start. frame_tmpl_init builds the flow's frame once with
 * frame_build (so every fixed byte is the reference's), keeps its headers
 * with those fields zero, and sums their words: the IP header without id
 * and checksum, the pseudo header and L4 header without the varying fields
 * and checksum.
 *
 * A frame is then the headers copied, the varying fields written in, the
 * payload copied from the pattern with its sum from payload_csum, and each
 * checksum the ones' complement of fixed sum + varying words + payload sum.
 * That is RFC 1624's HC' = ~(~HC + ~m + m') with every varying m zero in
 * the template (~HC is the fixed sum, ~m + m' is m'), done on the unfolded
 * sums, which is RFC 1071's incremental update.
 *
 * Why it is exact: a ones' complement sum is the same whatever the order
 * and grouping of its words (the 64-bit accumulator and the folds below are
 * end-around carries), and it is 0 only when every word is 0; otherwise it
 * is the one value in 1..0xffff of its class mod 0xffff. The IP header
 * (version 4) and the pseudo header (protocol) always hold a non-zero word,
 * so the folded sum here and csum_partial/ip_fast_csum's are the same
 * number, not just the same class. ICMP has no pseudo header: an all-zero
 * sum folds to 0 both ways, and ~0 = 0xffff as csum_fold gives. UDP keeps
 * its rule: a computed 0 goes on the wire as 0xffff (RFC 768).
 * tests/kit/test_pkttmpl.c builds frames both ways and compares every byte.
 */

static u16 fold16(u64 a)
{
	a = (a & 0xffffffff) + (a >> 32);
	a = (a & 0xffffffff) + (a >> 32);
	a = (a & 0xffff) + (a >> 16);
	a = (a & 0xffff) + (a >> 16);
	return (u16)a;
}



/* Where each protocol's checksum sits in its header. */
static unsigned int l4_check_at(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP: return 16;
	case IPPROTO_UDP: return 6;
	default: return 2;
	}
}

static void zero_varying(struct frame_spec *s)
{
	s->ip_id = 0;
	s->sport = 0;
	s->seq = 0;
	s->ack = 0;
	s->tsval = 0;
	s->key = 0;
	s->off = 0;
	s->icmp_id = 0;
	s->icmp_seq = 0;
	s->icmp_stamp = 0;
}

void frame_tmpl_spec(const struct frame_tmpl *t, const struct frame_spec *v, struct frame_spec *out)
{
	*out = t->s;
	out->src_mac = t->mac[0];
	out->dst_mac = t->mac[1];
	out->ip_id = v->ip_id;
	out->sport = v->sport;
	out->seq = v->seq;
	out->ack = v->ack;
	out->tsval = v->tsval;
	out->key = v->key;
	out->off = v->off;
	out->icmp_id = v->icmp_id;
	out->icmp_seq = v->icmp_seq;
	out->icmp_stamp = v->icmp_stamp;
}

/* Ethernet padding out of line: only the edge lengths a test builds. */
__attribute__((noinline, cold)) void frame_pad_zero(unsigned char *p, unsigned int n)
{
	memset(p, 0, n);
}

/* A frame without a fast template, or one that does not fit: as frame_build_pl does. */
static __attribute__((noinline, cold)) unsigned int
build_slow(const struct frame_tmpl *t, unsigned char *buf, unsigned int room,
	   const struct frame_spec *v, struct frame_payload *pl)
{
	struct frame_spec s;

	if (t->fast) {
		if (pl)
			pl->len = 0;
		return 0;
	}
	frame_tmpl_spec(t, v, &s);
	return frame_build_pl(buf, room, &s, pl);
}

/* The writers, each tmpl_write (pkttmpl.h) for one header shape. */
static __attribute__((noinline)) unsigned int
write_udp(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
	  struct frame_payload *pl)
{
	return tmpl_write(t, buf, v, pl, IPPROTO_UDP, false, PLAIN_L2, PLAIN_L4, PLAIN_L4 + 12, false,
			  0);
}

/* The minimum UDP frame (UDP_MIN_PLEN, pkttmpl.h). */
__attribute__((noinline)) unsigned int
frame_write_udp_min(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
		    struct frame_payload *pl)
{
	return tmpl_write(t, buf, v, pl, IPPROTO_UDP, false, PLAIN_L2, PLAIN_L4, PLAIN_L4 + 12, false,
			  UDP_MIN_PLEN);
}

/* write_udp and write_tcp_ts for payloads above 64 bytes (1500-byte frames):
 * the copy's choice made when the template is. */
__attribute__((noinline)) unsigned int
frame_write_udp_big(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
		    struct frame_payload *pl)
{
	return tmpl_write(t, buf, v, pl, IPPROTO_UDP, false, PLAIN_L2, PLAIN_L4, PLAIN_L4 + 12, false,
			  BIG_PLEN);
}

__attribute__((noinline)) unsigned int
frame_write_tcp_ts_big(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
		 struct frame_payload *pl)
{
	return tmpl_write(t, buf, v, pl, IPPROTO_TCP, true, PLAIN_L2, PLAIN_L4, PLAIN_L4 + 32, false,
			  BIG_PLEN);
}

static __attribute__((noinline)) unsigned int
write_tcp(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
	  struct frame_payload *pl)
{
	return tmpl_write(t, buf, v, pl, IPPROTO_TCP, false, PLAIN_L2, PLAIN_L4, PLAIN_L4 + 20, false, 0);
}

static __attribute__((noinline)) unsigned int
write_tcp_ts(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
	     struct frame_payload *pl)
{
	return tmpl_write(t, buf, v, pl, IPPROTO_TCP, true, PLAIN_L2, PLAIN_L4, PLAIN_L4 + 32, false, 0);
}

static __attribute__((noinline)) unsigned int
write_any(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
	  struct frame_payload *pl)
{
	return tmpl_write(t, buf, v, pl, t->s.proto, t->s.tcp_ts, t->l2, t->l4, t->hdr_len, true, 0);
}

void frame_tmpl_init(struct frame_tmpl *t, const struct frame_spec *s)
{
	/* frame_build's buffer: the IP header 4-byte aligned, as in an skb */
	unsigned char raw[SKB_BUF_SIZE + NET_IP_ALIGN] __attribute__((aligned(8)));
	unsigned char *buf = raw + NET_IP_ALIGN;
	struct frame_spec z;
	unsigned int hdr = frame_hdr_len(s), len = s->len ? s->len : ETH_ZLEN, ihl, l4len;
	bool plain;

	memset(t, 0, sizeof(*t));
	t->s = *s;
	zero_varying(&t->s);
	memcpy(t->mac[0], s->src_mac, ETH_ALEN);
	memcpy(t->mac[1], s->dst_mac, ETH_ALEN);
	t->s.src_mac = t->s.dst_mac = NULL;
	frame_tmpl_spec(t, &t->s, &z);
	t->wire = (u16)frame_build(buf, SKB_BUF_SIZE, &z);
	t->hdr_len = (u16)hdr;
	t->plen = (u16)(len > hdr ? len - hdr : 0);
	t->need = ~0ULL;
	if (!t->wire || hdr > FRAME_TMPL_HDR)
		return; /* fast stays false: frame_tmpl_build builds from scratch */
	t->fast = true;
	t->need = t->wire;
	t->l2 = ETH_HLEN + (s->vlan ? 4 : 0);
	ihl = 20 + (s->ipopt ? 4 : 0);
	t->l4 = (u16)(t->l2 + ihl);
	l4len = hdr - t->l4 + t->plen;
	memcpy(t->hdr, buf, hdr);
	put16(t->hdr + t->l2 + 10, 0);
	put16(t->hdr + t->l4 + l4_check_at(s->proto), 0);
	t->ip_sum = fold16(csum_partial(t->hdr + t->l2, (int)ihl, 0));
	t->l4_sum = csum_partial(t->hdr + t->l4, (int)(hdr - t->l4), 0);
	if (s->proto == IPPROTO_TCP || s->proto == IPPROTO_UDP)
		t->l4_sum = csum_tcpudp_nofold(s->saddr, s->daddr, l4len, s->proto, t->l4_sum);
	t->l4_sum = fold16(t->l4_sum);
	/* the plain writers make frames that need no Ethernet padding */
	plain = t->l2 == PLAIN_L2 && t->l4 == PLAIN_L4 && t->wire == hdr + t->plen;
	t->write = write_any;
	if (plain && s->proto == IPPROTO_UDP)
		t->write = t->plen == UDP_MIN_PLEN ? frame_write_udp_min :
			   t->plen > 64 ? frame_write_udp_big : write_udp;
	else if (plain && s->proto == IPPROTO_TCP && s->tcp_ts)
		t->write = t->plen > 64 ? frame_write_tcp_ts_big : write_tcp_ts;
	else if (plain && s->proto == IPPROTO_TCP)
		t->write = write_tcp;
}

unsigned int frame_tmpl_build(const struct frame_tmpl *t, unsigned char *buf, unsigned int room,
			      const struct frame_spec *v, struct frame_payload *pl)
{
	if (unlikely((u64)room < t->need)) /* no template, or no room */
		return build_slow(t, buf, room, v, pl);
	return t->write(t, buf, v, pl);
}
