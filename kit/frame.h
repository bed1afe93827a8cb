/* frame.h - the frames the kit generates: the payload pattern, frames built with their
 * checksums, and a flow's frames from a template (included by kit.h). */
#ifndef KIT_FRAME_H
#define KIT_FRAME_H

#include <ringkit/ringkit.h>

/* core/payload.c: the bytes every generated flow carries. Byte i of flow
 * key K is T[(i + K) mod 65536] with T[j] = (j*7 + (j>>8)) & 0xff: key 0 is
 * the payload of the project's Linux TCP capture (tests/data/README.md). */
#define PAYLOAD_PERIOD 65536u
void payload_init(void);
const u8 *payload_at(u32 key, u32 offset); /* SKB_BUF_SIZE bytes readable */
__wsum payload_csum(u32 key, u32 offset, unsigned int len); /* O(1) */
static inline u32 payload_key(u32 flow)
{
	return flow * 4099u;
}

/* core/pktbuild.c: real frames, checksums filled */
struct frame_spec {
	const u8 *src_mac, *dst_mac;
	__be32 saddr, daddr;
	u8 proto;		/* IPPROTO_TCP / UDP / ICMP */
	u16 sport, dport;	/* host order */
	u32 seq, ack;		/* TCP */
	u8 flags;		/* TCP flags: FIN 1 SYN 2 RST 4 PSH 8 ACK 16 URG 32 ECE 64 CWR 128 */
	u16 window;
	bool tcp_ts;
	u32 tsval, tsecr;
	u16 ip_id;
	u8 tos;
	bool ipopt;		/* one 4-byte IP option (NOPs + EOL) */
	u16 vlan;		/* 0 = untagged */
	unsigned int len;	/* frame length without FCS; 0 = 60 */
	u32 key, off;		/* payload: payload_at(key, off) */
	u8 icmp_type;
	u16 icmp_id, icmp_seq;
	u64 icmp_stamp;		/* echo: send time, in the payload's first 8 bytes */
};
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10
#define TCPF_URG 0x20
#define TCPF_ECE 0x40
#define TCPF_CWR 0x80
/* Headers for proto and options, so a frame of len has len - this of payload. */
unsigned int frame_hdr_len(const struct frame_spec *s);
/* Writes the frame into buf (room bytes); returns its length, 0 if it cannot fit. */
unsigned int frame_build(unsigned char *buf, unsigned int room, const struct frame_spec *s);
/*
 * Where a frame just built carries the pattern payload and what it sums to:
 * whoever gets the bytes untouched (the NIC's checksum offload on what
 * pktgen DMA'd) can sum the headers and add sum instead of reading every
 * byte. len 0: nothing known.
 */
struct frame_payload {
	unsigned int off, len;	/* bytes [off, off + len) of the frame */
	__wsum sum;		/* csum_partial of them, at an even offset */
};
unsigned int frame_build_pl(unsigned char *buf, unsigned int room, const struct frame_spec *s,
			    struct frame_payload *pl);

/*
 * core/pkttmpl.c: a flow's frames from a template. frame_tmpl_init makes the
 * headers of spec s once, with the sums of their fixed words (RFC 1071);
 * frame_tmpl_build then writes a frame whose varying fields come from v
 * (ip_id, sport, seq, ack, tsval, key, off, icmp_id, icmp_seq, icmp_stamp;
 * every other field of v is ignored) and updates both checksums
 * incrementally (RFC 1624). The bytes, the length and *pl are exactly those
 * of frame_build_pl on s with v's varying fields.
 */
#define FRAME_TMPL_HDR 80
struct frame_tmpl {
	struct frame_spec s;	/* the fixed fields (varying ones zero, MACs below) */
	u8 mac[2][ETH_ALEN];	/* src, dst */
	u8 hdr[FRAME_TMPL_HDR];	/* the headers with the varying fields and checksums zero */
	u16 hdr_len, plen, wire, l2, l4;
	bool fast;		/* false: built from scratch (a frame longer than SKB_BUF_SIZE) */
	u64 need;		/* room the fast path needs: wire, or more than any if not fast */
	u32 ip_sum;		/* sum of the IP header's fixed words, folded to 16 bits */
	u32 l4_sum;		/* pseudo header and the L4 header's fixed words, folded
				 * to 16 bits (ICMP: no pseudo header) */
	/* the writer for this header shape (pkttmpl.c: fixed offsets for the
	 * common ones), called once the room is known to suffice */
	unsigned int (*write)(const struct frame_tmpl *t, unsigned char *buf,
			      const struct frame_spec *v, struct frame_payload *pl);
};
void frame_tmpl_init(struct frame_tmpl *t, const struct frame_spec *s);
/* The full spec of the frame frame_tmpl_build(t, .., v, ..) makes (MACs point into t). */
void frame_tmpl_spec(const struct frame_tmpl *t, const struct frame_spec *v, struct frame_spec *out);
unsigned int frame_tmpl_build(const struct frame_tmpl *t, unsigned char *buf, unsigned int room,
			      const struct frame_spec *v, struct frame_payload *pl);

/*
 * A 20-byte IPv4 header (no options, at any alignment) has a right checksum:
 * ip_fast_csum(iph, 5) == 0, its ten 16-bit words adding up to 0xffff with
 * end-around carry. That sum is T mod 0xffff (0xffff for a multiple but 0), T
 * the words' plain sum, and 2^16, 2^32 and 2^64 are all 1 mod 0xffff: so the
 * words of 8, 8 and 4 bytes added with end-around carry in 64 bits give a sum
 * S of T's residue, 0 only when every byte is 0, and the header is right when
 * S is a multiple of 0xffff but not 0. The multiple is tested by the inverse
 * of 0xffff mod 2^64 (S * inv <= (2^64 - 1) / 0xffff exactly for multiples),
 * written out so no compiler turns it into a division. The wire's sink and the
 * stack check with it; test_tx_fast_wire.c and test_rx_stack.c hold it against
 * ip_fast_csum.
 */
static inline bool ip_hdr5_csum_ok(const void *iph)
{
	const unsigned char *p = iph;
	u64 a, b, s;
	u32 c;

	__builtin_memcpy(&a, p, 8);
	__builtin_memcpy(&b, p + 8, 8);
	__builtin_memcpy(&c, p + 16, 4);
	s = a + b;
	s += s < a; /* the carry out, back in at the bottom (cannot carry again) */
	s += c;
	s += s < c;
	return s && s * 0xfffefffefffeffffull <= 0x0001000100010001ull;
}

#endif
