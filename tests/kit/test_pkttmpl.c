/* test_pkttmpl.c - frames from a flow's template are byte for byte frame_build's. */
#include <criterion/criterion.h>
#include <string.h>

#include "kit.h"

/*
 * Every frame is built twice, from scratch (frame_build_pl) and from the
 * template of its flow (frame_tmpl_build), into buffers filled with a canary,
 * and the two are compared: the length, every byte of the buffer (so nothing
 * is written past the frame either), and what frame_payload says.
 */

#define CANARY 0xa5
#define ROOM SKB_BUF_SIZE

static u8 mac_a[ETH_ALEN] = { 0x02, 0, 'P', 'K', 'T', 'G' };
static u8 mac_b[ETH_ALEN] = { 0, 'S', 'N', 'U', 'L', '1' };

static u64 rng = 0x243f6a8885a308d3ULL;

static u32 rnd(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(rng >> 32);
}

static void setup(void)
{
	payload_init();
}

TestSuite(pkttmpl, .init = setup);

/* buffers as an skb's: the IP header 4-byte aligned */
static unsigned char ref_[ROOM + NET_IP_ALIGN] __attribute__((aligned(8)));
static unsigned char got_[ROOM + NET_IP_ALIGN] __attribute__((aligned(8)));
static unsigned char *const ref = ref_ + NET_IP_ALIGN, *const got = got_ + NET_IP_ALIGN;

/* Build v both ways with room bytes and compare; returns the reference length. */
static unsigned int both(const struct frame_tmpl *t, const struct frame_spec *v, unsigned int room)
{
	struct frame_payload pr = { 1, 1, 1 }, pg = { 2, 2, 2 };
	struct frame_spec s;
	unsigned int lr, lg;

	frame_tmpl_spec(t, v, &s);
	memset(ref, CANARY, ROOM);
	memset(got, CANARY, ROOM);
	lr = frame_build_pl(ref, room, &s, &pr);
	lg = frame_tmpl_build(t, got, room, v, &pg);
	cr_assert_eq(lg, lr, "proto %u len %u vlan %u ipopt %d ts %d room %u: length %u, "
		     "expected %u", s.proto, s.len, s.vlan, s.ipopt, s.tcp_ts, room, lg, lr);
	for (unsigned int i = 0; i < ROOM; i++)
		cr_assert_eq(got[i], ref[i], "proto %u len %u vlan %u ipopt %d ts %d seq %u id %u "
			     "off %u: byte %u is 0x%02x, expected 0x%02x", s.proto, s.len, s.vlan,
			     s.ipopt, s.tcp_ts, s.seq, s.ip_id, s.off, i, got[i], ref[i]);
	cr_assert_eq(pg.len, pr.len, "payload len %u, expected %u", pg.len, pr.len);
	if (pr.len) {
		cr_assert_eq(pg.off, pr.off, "payload off %u, expected %u", pg.off, pr.off);
		cr_assert_eq(pg.sum, pr.sum, "payload sum 0x%x, expected 0x%x", pg.sum, pr.sum);
	}
	return lr;
}

static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };

static void random_fixed(struct frame_spec *s, u8 proto, unsigned int len)
{
	*s = (struct frame_spec){
		.src_mac = mac_a, .dst_mac = mac_b, .saddr = rnd(), .daddr = rnd(), .proto = proto,
		.dport = (u16)rnd(), .flags = (u8)rnd(), .window = (u16)(rnd() % 4 ? rnd() : 0),
		.tcp_ts = proto == IPPROTO_TCP && rnd() % 2, .tsecr = rnd(), .tos = (u8)rnd(),
		.ipopt = rnd() % 3 == 0, .vlan = (u16)(rnd() % 2 ? rnd() % 4096 : 0), .len = len,
		.icmp_type = rnd() % 2 ? ICMP_ECHO : ICMP_ECHOREPLY,
	};
}

static void random_varying(struct frame_spec *v)
{
	v->ip_id = (u16)rnd();
	v->sport = (u16)rnd();
	v->seq = rnd();
	v->ack = rnd();
	v->tsval = rnd();
	v->key = rnd();
	v->off = rnd();
	v->icmp_id = (u16)rnd();
	v->icmp_seq = (u16)rnd();
	v->icmp_stamp = (u64)rnd() << 32 | rnd();
}

/* Every length a frame can have, and around each header size. */
Test(pkttmpl, every_option_and_length)
{
	static const unsigned int fixed_lens[] = { 0, 1, 41, 59, 60, 61, 63, 64, 65, 66, 67, 85,
						   86, 87, 127, 128, 1499, 1500, 1513, 1514,
						   ROOM - NET_IP_ALIGN, ROOM, ROOM + 1, 4000 };
	unsigned int frames = 0;

	for (unsigned int p = 0; p < 3; p++)
		for (unsigned int n = 0; n < 24 + 200; n++) {
			unsigned int len = n < 24 ? fixed_lens[n] : ETH_ZLEN + rnd() % 1455;
			struct frame_spec s, v;
			struct frame_tmpl t;

			random_fixed(&s, protos[p], len);
			random_varying(&s);
			frame_tmpl_init(&t, &s);
			for (int r = 0; r < 8; r++) {
				unsigned int wire;

				v = s;
				random_varying(&v);
				wire = both(&t, &v, ROOM);
				frames++;
				if (wire && r == 0) { /* a buffer one byte short, and just enough */
					both(&t, &v, wire - 1);
					both(&t, &v, wire);
				}
			}
		}
	cr_assert_eq(frames, 3u * 224 * 8, "built %u frames, expected %u", frames, 3u * 224 * 8);
}

/* The template holds no varying field of the spec it was made from. */
Test(pkttmpl, template_of_any_varying_values)
{
	struct frame_spec s, v;
	struct frame_tmpl t;

	for (unsigned int p = 0; p < 3; p++) {
		random_fixed(&s, protos[p], 200);
		random_varying(&s);
		frame_tmpl_init(&t, &s);
		v = s;
		random_varying(&v);
		both(&t, &v, ROOM);
		cr_assert(memcmp(ref, got, 200) == 0, "frames differ");
	}
}

/* Sweeps of the 16-bit fields hit every checksum value: wraps, IP's 0, UDP's 0 -> 0xffff. */
Test(pkttmpl, checksum_sweeps_and_wraps)
{
	struct frame_spec s, v;
	struct frame_tmpl t;
	unsigned int udp_ffff = 0, ip_zero = 0;

	for (unsigned int p = 0; p < 3; p++) {
		random_fixed(&s, protos[p], p == 1 ? 61 : 64);
		s.vlan = 0;
		s.ipopt = false;
		frame_tmpl_init(&t, &s);
		v = s;
		v.seq = 0xffffffffu - 300; /* the TCP/UDP sequence wraps during the sweep */
		v.ip_id = 0xff00;	   /* and so does the IP id */
		v.icmp_seq = 0xfff0;
		for (u32 i = 0; i < 70000; i++) {
			unsigned int l4 = ETH_HLEN + 20;

			both(&t, &v, ROOM);
			if (protos[p] == IPPROTO_UDP && ref[l4 + 6] == 0xff && ref[l4 + 7] == 0xff)
				udp_ffff++;
			if (ref[ETH_HLEN + 10] == 0 && ref[ETH_HLEN + 11] == 0)
				ip_zero++;
			v.seq++;
			v.ip_id++;
			v.icmp_seq++;
			v.off += 3; /* odd offsets into the pattern as well */
		}
	}
	cr_assert_gt(udp_ffff, 0, "no UDP frame whose checksum came out 0 (sent as 0xffff)");
	cr_assert_gt(ip_zero, 0, "no IP header with checksum 0 (a sum of 0xffff) in the sweep");
}

/* An all-zero ICMP header and no payload (padded to 60): the sum is 0, the checksum 0xffff. */
Test(pkttmpl, icmp_all_zero)
{
	struct frame_spec s = { .src_mac = mac_a, .dst_mac = mac_b, .proto = IPPROTO_ICMP,
				.icmp_type = ICMP_ECHOREPLY, .len = ETH_HLEN + 20 + 16 };
	struct frame_tmpl t;
	unsigned int l4 = ETH_HLEN + 20;

	frame_tmpl_init(&t, &s);
	both(&t, &s, ROOM);
	cr_assert(ref[l4 + 2] == 0xff && ref[l4 + 3] == 0xff,
		  "ICMP checksum 0x%02x%02x, expected 0xffff", ref[l4 + 2], ref[l4 + 3]);
}

/* Frames longer than the template's scratch buffer are built from scratch, still the same. */
Test(pkttmpl, long_frames_from_scratch)
{
	struct frame_spec s, v;
	struct frame_tmpl t;

	random_fixed(&s, IPPROTO_UDP, ROOM + 100);
	frame_tmpl_init(&t, &s);
	cr_assert(!t.fast, "a %u-byte frame has a fast template, expected from scratch", s.len);
	v = s;
	random_varying(&v);
	cr_assert_eq(both(&t, &v, ROOM), 0u, "a %u-byte frame fit %u bytes", s.len, ROOM);
}

/* The pattern's O(1) sum is csum_partial of its bytes, at even and odd starts, any length. */
Test(pkttmpl, payload_sum_is_the_bytes_sum)
{
	for (int n = 0; n < 20000; n++) {
		u32 key = rnd(), off = rnd();
		unsigned int len = n < 2049 ? (unsigned int)n : rnd() % (SKB_BUF_SIZE + 1);
		__wsum fast = payload_csum(key, off, len);
		__wsum full = csum_partial(payload_at(key, off), (int)len, 0);

		cr_assert_eq(csum_fold(fast), csum_fold(full),
			     "key %u off %u len %u: payload_csum folds to 0x%04x, the bytes to 0x%04x",
			     key, off, len, csum_fold(fast), csum_fold(full));
	}
}
