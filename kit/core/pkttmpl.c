/* pkttmpl.c - a flow's frames from a template: headers made once, checksums updated per frame. */
#include <string.h>

#include "core/payload.h"

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

static void put16(unsigned char *p, u16 v) /* v as it lies in memory */
{
	memcpy(p, &v, 2);
}

static void put32(unsigned char *p, u32 v)
{
	memcpy(p, &v, 4);
}

/* The headers' offsets in an untagged frame without IP options. */
#define PLAIN_L2 ETH_HLEN
#define PLAIN_L4 (ETH_HLEN + 20)

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

/*
 * Copies of a few dozen bytes as two or three fixed-size moves that may
 * overlap, instead of a call to memcpy: the headers are 50 to 74 bytes, the
 * payload of a small frame a few. Only bytes [0, n) of dst are written.
 */
static inline void copy_hdr(unsigned char *dst, const unsigned char *src, unsigned int n)
{
	/* 32 <= n <= FRAME_TMPL_HDR (80) */
	if (n <= 48) { /* UDP's 46: three 16-byte moves instead of two of 32 */
		memcpy(dst, src, 16);
		memcpy(dst + 16, src + 16, 16);
		memcpy(dst + n - 16, src + n - 16, 16);
		return;
	}
	memcpy(dst, src, 32);
	if (n > 64)
		memcpy(dst + 32, src + 32, 16);
	memcpy(dst + n - 32, src + n - 32, 32);
}

static inline void copy_small(unsigned char *dst, const unsigned char *src, unsigned int n)
{
	if (n >= 32) {
		memcpy(dst, src, 32);
		memcpy(dst + n - 32, src + n - 32, 32);
	} else if (n >= 16) {
		memcpy(dst, src, 16);
		memcpy(dst + n - 16, src + n - 16, 16);
	} else if (n >= 8) {
		memcpy(dst, src, 8);
		memcpy(dst + n - 8, src + n - 8, 8);
	} else if (n >= 4) {
		memcpy(dst, src, 4);
		memcpy(dst + n - 4, src + n - 4, 4);
	} else {
		for (unsigned int i = 0; i < n; i++)
			dst[i] = src[i];
	}
}

/*
 * Sums below 2^36 (here at most six words of 16 or 32 bits) brought to 16
 * bits, 0 only if the sum was 0: the two 32-bit halves added with an
 * end-around carry (hi < 16, so one carry at most, and s is 0 only if both
 * were), then csum_fold's s + ror32(s, 16), whose top half is the two
 * 16-bit halves' end-around sum. Each step keeps the value mod 0xffff (2^16
 * and 2^32 are 1 mod 0xffff) and never makes 0 of a non-zero value, so the
 * result is the one value in 1..0xffff of the sum's class, or 0: the same
 * number three plain carries give (tests/kit/test_txk_fast.c).
 */
static inline u16 fold_short(u64 a)
{
	u32 hi = (u32)(a >> 32), s = (u32)a + hi;

	s += s < hi;
	s += (s << 16) | (s >> 16);
	return (u16)(s >> 16);
}

/* Ethernet padding after a frame shorter than ETH_ZLEN: only the edge lengths
 * a test builds (every pktgen and kit_pkt frame is 60 bytes or more). */
static __attribute__((noinline, cold)) void pad_zero(unsigned char *p, unsigned int n)
{
	memset(p, 0, n);
}

/*
 * The frame of a fast template into buf (room checked). It is written once
 * and made four times below: for the untagged frames without IP options
 * that nearly every flow sends (UDP, TCP with and without timestamps) the
 * protocol and the header offsets are constants, so the copies are fixed
 * moves and the branches go; any other frame takes the general one, which
 * reads them from the template. The bytes are the same either way.
 */
#define BIG_PLEN (~0u) /* tmpl_write's fixed_plen for "more than 64 bytes" */

static inline __attribute__((always_inline)) unsigned int
tmpl_write(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
	   struct frame_payload *pl, u8 proto, bool ts, unsigned int l2, unsigned int l4,
	   unsigned int hdr, bool may_pad, unsigned int fixed_plen)
{
	/* fixed_plen: the template's payload length when the writer is made for
	 * one (0: read it; BIG_PLEN: read it, more than 64 bytes) */
	unsigned int plen = fixed_plen && fixed_plen != BIG_PLEN ? fixed_plen : t->plen;
	unsigned int wire = may_pad ? t->wire : hdr + plen;
	unsigned char *ip = buf + l2, *l4p = buf + l4;
	u32 at = (v->key + v->off) % PAYLOAD_PERIOD;
	u16 id, port, check;
	__wsum psum;
	u64 sum;

	copy_hdr(buf, t->hdr, hdr);
	psum = payload_csum_at(at, plen);

	/* ip_sum is folded to 16 bits: ip_sum + id folds with one carry */
	id = htons(v->ip_id);
	put16(ip + 4, id);
	sum = (u64)t->ip_sum + id;
	put16(ip + 10, (u16)~((sum & 0xffff) + (sum >> 16)));

	sum = (u64)t->l4_sum + psum; /* l4_sum is folded to 16 bits too */
	if (proto == IPPROTO_UDP) {
		u32 seq = htonl(v->seq);

		port = htons(v->sport);
		put16(l4p, port);
		put32(l4p + 8, seq);
		check = (u16)~fold_short(sum + port + seq);
		put16(l4p + 6, check ? check : 0xffff);
	} else if (proto == IPPROTO_TCP) {
		u32 seq = htonl(v->seq), ack = htonl(v->ack);

		port = htons(v->sport);
		put16(l4p, port);
		put32(l4p + 4, seq);
		put32(l4p + 8, ack);
		sum += (u64)port + seq + ack;
		if (ts) {
			u32 tsv = htonl(v->tsval);

			put32(l4p + 24, tsv);
			sum += tsv;
		}
		put16(l4p + 16, (u16)~fold_short(sum));
	} else {
		u16 seq = htons(v->icmp_seq);
		u32 st[2];

		port = htons(v->icmp_id);
		put16(l4p + 4, port);
		put16(l4p + 6, seq);
		memcpy(l4p + 8, &v->icmp_stamp, 8);
		memcpy(st, &v->icmp_stamp, 8);
		put16(l4p + 2, (u16)~fold_short(sum + port + seq + st[0] + st[1]));
	}
	if (pl)
		*pl = (struct frame_payload){ .off = hdr, .len = plen, .sum = psum };
	/* the payload last: only the length is live across a call to memcpy */
	if (fixed_plen == BIG_PLEN || plen > 64)
		return payload_copy_big(buf + hdr, payload_table + at, plen, wire);
	copy_small(buf + hdr, payload_table + at, plen);
	if (may_pad && unlikely(wire > hdr + plen))
		pad_zero(buf + hdr + plen, wire - hdr - plen);
	return wire;
}

static __attribute__((noinline)) unsigned int
write_udp(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
	  struct frame_payload *pl)
{
	return tmpl_write(t, buf, v, pl, IPPROTO_UDP, false, PLAIN_L2, PLAIN_L4, PLAIN_L4 + 12, false,
			  0);
}

/*
 * The minimum UDP frame (60 bytes: 46 of headers, 14 of payload), the one
 * tx-64 and rx-64 send: write_udp with the payload length a constant, so its
 * copy is two fixed 8-byte moves and the length no load.
 */
#define UDP_MIN_PLEN (ETH_ZLEN - (PLAIN_L4 + 12))

static __attribute__((noinline)) unsigned int
write_udp_min(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
	      struct frame_payload *pl)
{
	return tmpl_write(t, buf, v, pl, IPPROTO_UDP, false, PLAIN_L2, PLAIN_L4, PLAIN_L4 + 12, false,
			  UDP_MIN_PLEN);
}

/* write_udp and write_tcp_ts for payloads above 64 bytes (1500-byte frames):
 * the copy's choice made when the template is. */
static __attribute__((noinline)) unsigned int
write_udp_big(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
	      struct frame_payload *pl)
{
	return tmpl_write(t, buf, v, pl, IPPROTO_UDP, false, PLAIN_L2, PLAIN_L4, PLAIN_L4 + 12, false,
			  BIG_PLEN);
}

static __attribute__((noinline)) unsigned int
write_tcp_ts_big(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
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
		t->write = t->plen == UDP_MIN_PLEN ? write_udp_min : t->plen > 64 ? write_udp_big :
										   write_udp;
	else if (plain && s->proto == IPPROTO_TCP && s->tcp_ts)
		t->write = t->plen > 64 ? write_tcp_ts_big : write_tcp_ts;
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
