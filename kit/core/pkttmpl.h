/* pkttmpl.h - the frame template's writer, inline for the kit's senders (calls.c) and pkttmpl.c. */
#ifndef KIT_CORE_PKTTMPL_H
#define KIT_CORE_PKTTMPL_H

#include <string.h>

#include "core/payload.h"

static inline void put16(unsigned char *p, u16 v) /* v as it lies in memory */
{
	memcpy(p, &v, 2);
}

static inline void put32(unsigned char *p, u32 v)
{
	memcpy(p, &v, 4);
}

/* The headers' offsets in an untagged frame without IP options. */
#define PLAIN_L2 ETH_HLEN
#define PLAIN_L4 (ETH_HLEN + 20)

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
void frame_pad_zero(unsigned char *p, unsigned int n);

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
tmpl_write_at(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
	      struct frame_payload *pl, u8 proto, bool ts, unsigned int l2, unsigned int l4,
	      unsigned int hdr, bool may_pad, unsigned int fixed_plen, bool early)
{
	/* fixed_plen: the template's payload length when the writer is made for
	 * one (0: read it; BIG_PLEN: read it, more than 64 bytes). early: a UDP
	 * frame's ID and sequence read before the first byte store into buf (a
	 * byte store may be to anything as far as the compiler knows, so read
	 * after it they are loaded again; a caller that has just stored them
	 * gets them from its registers instead). buf never holds the spec, so
	 * the values are the same either way. */
	u16 early_id = early ? v->ip_id : 0;
	u32 early_seq = early ? v->seq : 0;
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
	id = htons(early ? early_id : v->ip_id);
	put16(ip + 4, id);
	sum = (u64)t->ip_sum + id;
	put16(ip + 10, (u16)~((sum & 0xffff) + (sum >> 16)));

	sum = (u64)t->l4_sum + psum; /* l4_sum is folded to 16 bits too */
	if (proto == IPPROTO_UDP) {
		u32 seq = htonl(early ? early_seq : v->seq);

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
		frame_pad_zero(buf + hdr + plen, wire - hdr - plen);
	return wire;
}

static inline __attribute__((always_inline)) unsigned int
tmpl_write(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
	   struct frame_payload *pl, u8 proto, bool ts, unsigned int l2, unsigned int l4,
	   unsigned int hdr, bool may_pad, unsigned int fixed_plen)
{
	return tmpl_write_at(t, buf, v, pl, proto, ts, l2, l4, hdr, may_pad, fixed_plen, false);
}

/*
 * The minimum UDP frame (60 bytes: 46 of headers, 14 of payload), the one
 * tx-64 and rx-64 send: write_udp with the payload length a constant, so its
 * copy is two fixed 8-byte moves and the length no load.
 */
#define UDP_MIN_PLEN (ETH_ZLEN - (PLAIN_L4 + 12))

/*
 * The plain UDP writers (pkttmpl.c), and the same inline, with no payload
 * record, for a caller that knows its template's writer (a sender's burst
 * of the minimum frame or of payloads above 64 bytes): the same bytes.
 */
unsigned int frame_write_udp_min(const struct frame_tmpl *t, unsigned char *buf,
				 const struct frame_spec *v, struct frame_payload *pl);
unsigned int frame_write_udp_big(const struct frame_tmpl *t, unsigned char *buf,
				 const struct frame_spec *v, struct frame_payload *pl);

static inline __attribute__((always_inline)) unsigned int
frame_write_udp_min_inline(const struct frame_tmpl *t, unsigned char *buf,
			   const struct frame_spec *v)
{
	return tmpl_write_at(t, buf, v, NULL, IPPROTO_UDP, false, PLAIN_L2, PLAIN_L4, PLAIN_L4 + 12,
			     false, UDP_MIN_PLEN, true);
}

/* frame_write_udp_min inline, with its payload record: pktgen's plain run of
 * minimum UDP frames (pktgen.c), whose template's writer it is. */
static inline __attribute__((always_inline)) unsigned int
frame_write_udp_min_pl(const struct frame_tmpl *t, unsigned char *buf, const struct frame_spec *v,
		       struct frame_payload *pl)
{
	return tmpl_write(t, buf, v, pl, IPPROTO_UDP, false, PLAIN_L2, PLAIN_L4, PLAIN_L4 + 12,
			  false, UDP_MIN_PLEN);
}

/* TCP with timestamps and a payload above 64 bytes (pkttmpl.c), and the same
 * inline with its payload record: pktgen's plain TCP runs of such frames. */
unsigned int frame_write_tcp_ts_big(const struct frame_tmpl *t, unsigned char *buf,
				    const struct frame_spec *v, struct frame_payload *pl);

static inline __attribute__((always_inline)) unsigned int
frame_write_tcp_ts_big_pl(const struct frame_tmpl *t, unsigned char *buf,
			  const struct frame_spec *v, struct frame_payload *pl)
{
	return tmpl_write(t, buf, v, pl, IPPROTO_TCP, true, PLAIN_L2, PLAIN_L4, PLAIN_L4 + 32,
			  false, BIG_PLEN);
}

static inline __attribute__((always_inline)) unsigned int
frame_write_udp_big_inline(const struct frame_tmpl *t, unsigned char *buf,
			   const struct frame_spec *v)
{
	return tmpl_write(t, buf, v, NULL, IPPROTO_UDP, false, PLAIN_L2, PLAIN_L4, PLAIN_L4 + 12,
			  false, BIG_PLEN);
}

#endif
