/* test_txk_fast.c - the kernel TX path's and the frame writer's fast paths against the general ones. */
#include <criterion/criterion.h>
#include <string.h>

#include "kit.h"
#include "core/payload.h"

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u32 rnd(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(rng >> 32);
}

static void setup(void)
{
	payload_init();
}

TestSuite(txk_fast, .init = setup);

/*
 * payload_csum_at's one difference of payload_word_sum against its
 * definition from the bytes: the window's bytes at even positions plus those
 * at odd positions shifted by 8, as a u32 (not only folded), at every start
 * of the period and at lengths around a 60-byte frame's, a 1514-byte one's
 * and a whole buffer.
 */
Test(txk_fast, payload_sum_of_every_window_start)
{
	static const unsigned int lens[] = { 0, 1, 2, 3, 13, 14, 15, 16, 1467, 1468, 1469,
					     SKB_BUF_SIZE - 1, SKB_BUF_SIZE };

	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		unsigned int len = lens[l];
		u32 lo = 0, hi = 0;

		/* the window at 0, then slid one byte at a time */
		for (unsigned int j = 0; j < len; j++) {
			if (j % 2)
				hi += payload_table[j];
			else
				lo += payload_table[j];
		}
		for (u32 at = 0; at < PAYLOAD_PERIOD; at++) {
			u32 want = lo + (hi << 8), got = payload_csum_at(at, len);

			cr_assert_eq(got, want, "at %u len %u: payload_csum_at 0x%08x, the bytes 0x%08x",
				     at, len, got, want);
			if (!len)
				continue;
			/* slide: byte at leaves (position 0 of the window, even) and byte
			 * at + len enters (position len, as the old window counts), then
			 * the window starts one on and its parities swap */
			lo -= payload_table[at];
			if (len % 2)
				hi += payload_table[at + len];
			else
				lo += payload_table[at + len];
			u32 t = lo;
			lo = hi;
			hi = t;
		}
	}
}

/* payload_csum (the reference builder's) is the same u32 as the bytes' even/odd sums. */
Test(txk_fast, payload_csum_any_key_and_offset)
{
	for (int n = 0; n < 5000; n++) {
		u32 key = rnd(), off = rnd(), lo = 0, hi = 0;
		unsigned int len = rnd() % (SKB_BUF_SIZE + 1);
		const u8 *b = payload_at(key, off);

		for (unsigned int j = 0; j < len; j++) {
			if (j % 2)
				hi += b[j];
			else
				lo += b[j];
		}
		cr_assert_eq(payload_csum(key, off, len), lo + (hi << 8),
			     "key %u off %u len %u: 0x%08x, the bytes 0x%08x", key, off, len,
			     payload_csum(key, off, len), lo + (hi << 8));
	}
}

#define CANARY 0xa5
#define ROOM SKB_BUF_SIZE

static u8 mac_a[ETH_ALEN] = { 0x02, 0, 'T', 'X', 'K', 0 };
static u8 mac_b[ETH_ALEN] = { 0x02, 0, 'T', 'X', 'K', 1 };

/* buffers as an skb's: the IP header 4-byte aligned */
static unsigned char ref_[ROOM + NET_IP_ALIGN] __attribute__((aligned(8)));
static unsigned char got_[ROOM + NET_IP_ALIGN] __attribute__((aligned(8)));
static unsigned char *const ref = ref_ + NET_IP_ALIGN, *const got = got_ + NET_IP_ALIGN;

/* v built from scratch and from t, every byte of the buffer compared; the reference length. */
static unsigned int both(const struct frame_tmpl *t, const struct frame_spec *v, bool with_pl)
{
	struct frame_payload pr = { 1, 1, 1 }, pg = { 2, 2, 2 };
	struct frame_spec s;
	unsigned int lr, lg;

	frame_tmpl_spec(t, v, &s);
	memset(ref, CANARY, ROOM);
	memset(got, CANARY, ROOM);
	lr = frame_build_pl(ref, ROOM, &s, &pr);
	lg = frame_tmpl_build(t, got, ROOM, v, with_pl ? &pg : NULL);
	cr_assert_eq(lg, lr, "proto %u len %u: length %u, expected %u", s.proto, s.len, lg, lr);
	for (unsigned int i = 0; i < ROOM; i++)
		cr_assert_eq(got[i], ref[i], "proto %u len %u seq %u id %u port %u key %u off %u: "
			     "byte %u is 0x%02x, expected 0x%02x", s.proto, s.len, s.seq, s.ip_id,
			     s.sport, s.key, s.off, i, got[i], ref[i]);
	if (with_pl) {
		cr_assert_eq(pg.len, pr.len, "payload len %u, expected %u", pg.len, pr.len);
		cr_assert_eq(pg.off, pr.off, "payload off %u, expected %u", pg.off, pr.off);
		cr_assert_eq(pg.sum, pr.sum, "payload sum 0x%x, expected 0x%x", pg.sum, pr.sum);
	}
	return lr;
}

static void plain_spec(struct frame_spec *s, u8 proto, unsigned int len)
{
	*s = (struct frame_spec){ .src_mac = mac_a, .dst_mac = mac_b, .saddr = rnd(),
				  .daddr = rnd(), .proto = proto, .dport = (u16)rnd(),
				  .flags = TCPF_ACK, .window = (u16)rnd(), .tos = (u8)rnd(),
				  .len = len, .tcp_ts = proto == IPPROTO_TCP && len % 2 };
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
}

/*
 * The plain writers (untagged, no IP options), the minimum UDP frame's
 * (its payload length a constant) among them, against frame_build: random
 * varying fields, so the checksums' sums carry past 2^32 and through every
 * fold, with and without a frame_payload to fill.
 */
Test(txk_fast, plain_writers_and_the_minimum_udp_frame)
{
	static const u8 protos[] = { IPPROTO_UDP, IPPROTO_TCP };
	unsigned int frames = 0;

	for (size_t p = 0; p < 2; p++)
		for (unsigned int len = ETH_ZLEN; len <= ETH_ZLEN + 70; len++) {
			struct frame_spec s, v;
			struct frame_tmpl t;

			plain_spec(&s, protos[p], len == ETH_ZLEN + 70 ? ETH_FRAME_LEN : len);
			frame_tmpl_init(&t, &s);
			cr_assert(t.fast, "proto %u len %u: no fast template", s.proto, s.len);
			for (int r = 0; r < (len == ETH_ZLEN ? 20000 : 200); r++) {
				v = s;
				random_varying(&v);
				if (r < 4) /* the ends of the fields */
					v.seq = v.ip_id = v.sport = v.off = r % 2 ? 0 : 0xffffffffu;
				both(&t, &v, r % 2);
				frames++;
			}
		}
	cr_assert_gt(frames, 40000u, "built %u frames", frames);
}

/*
 * Minimum UDP frames whose checksum comes out 0 (sent as 0xffff, RFC 768),
 * and their neighbours: the UDP sequence word is chosen so that the sum
 * folds to 0xffff, at even and odd payload offsets.
 */
Test(txk_fast, minimum_udp_frame_checksum_edges)
{
	unsigned int l4 = ETH_HLEN + 20, ffff = 0;

	for (int n = 0; n < 400; n++) {
		struct frame_spec s, v;
		struct frame_tmpl t;
		u16 c0;

		plain_spec(&s, IPPROTO_UDP, ETH_ZLEN);
		frame_tmpl_init(&t, &s);
		v = s;
		random_varying(&v);
		v.seq = 0;
		both(&t, &v, false);
		/* the checksum with a sequence word of 0: c0 = ~fold(S), so S is
		 * -c0 mod 0xffff, and a word whose halves add to c0 makes the sum
		 * 0 mod 0xffff: it folds to 0xffff, the checksum is 0, sent as 0xffff.
		 * A high half of 0xffff adds nothing mod 0xffff. */
		memcpy(&c0, ref + l4 + 6, 2);
		v.seq = ntohl((u32)c0 | (n % 2 ? 0 : (u32)0xffff << 16));
		both(&t, &v, n % 3 == 0);
		if (ref[l4 + 6] == 0xff && ref[l4 + 7] == 0xff)
			ffff++;
		for (u32 d = 1; d < 3; d++) { /* one and two either side */
			v.seq = ntohl((u32)(u16)(c0 + d));
			both(&t, &v, false);
			v.seq = ntohl((u32)(u16)(c0 - d));
			both(&t, &v, true);
		}
	}
	cr_assert_gt(ffff, 390u, "%u frames of 400 with the UDP checksum sent as 0xffff", ffff);
}
