/* test_core_csum.c - csum_partial against RFC 1071's sum over every length a frame can have. */
#include "helpers.h"

TestSuite(core_csum, .timeout = 120);

/*
 * RFC 1071 as written: the 16-bit words in memory order added exactly (an
 * odd last byte is a word with a zero second byte), the starting sum
 * folded in, folded to 16 bits with end-around carry and inverted: the
 * checksum a header carries.
 */
static __sum16 rfc1071_check(const unsigned char *p, int len, __wsum sum)
{
	u64 acc = (sum & 0xffff) + (sum >> 16);
	u16 w;

	for (; len >= 2; p += 2, len -= 2) {
		memcpy(&w, p, 2);
		acc += w;
	}
	if (len == 1) {
		const unsigned char last[2] = { p[0], 0 };

		memcpy(&w, last, 2);
		acc += w;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (__sum16)~acc;
}

/*
 * The same sum kept as the kernel keeps it before the fold (__wsum): the
 * 32-bit words added exactly, then a 16-bit and an odd-byte tail, folded
 * to 32 bits with end-around carry. It is 0 only when every word and the
 * starting sum are 0; any other sum has one representative in
 * 1..2^32 - 1, and csum_partial must give that one (a partial sum is
 * stored and added to others: skb->csum, LRO's data sum, the NIC's).
 */
static __wsum wsum_ref(const unsigned char *p, int len, __wsum sum)
{
	u64 acc = sum;
	u32 w;
	u16 h;

	for (; len >= 4; p += 4, len -= 4) {
		memcpy(&w, p, 4);
		acc += w;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		acc += h;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		const unsigned char last[2] = { p[0], 0 };

		memcpy(&h, last, 2);
		acc += h;
	}
	while (acc >> 32)
		acc = (acc & 0xffffffff) + (acc >> 32);
	return (__wsum)acc;
}

static u32 xorshift(u32 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

#define CSUM_MAX_LEN 1600

/*
 * Every length 0..1600 at offsets 0..7 (odd and even, every alignment of a
 * 64-bit load), each with random starting sums and the edges: random bytes,
 * all 0xff (a carry out of every 64-bit addition) and all zero.
 */
Test(core_csum, csum_partial_is_rfc1071_at_every_length_offset_and_seed)
{
	static unsigned char buf[8 + CSUM_MAX_LEN];
	const __wsum edge[] = { 0, 1, 0xffff, 0xfffffffe, 0xffffffff };
	u32 x = 0x2545f491;

	for (int fill = 0; fill < 3; fill++) {
		for (unsigned int i = 0; i < sizeof(buf); i++)
			buf[i] = fill == 0 ? (u8)xorshift(&x) : fill == 1 ? 0xff : 0;
		for (int off = 0; off < 8; off++)
			for (int len = 0; len <= CSUM_MAX_LEN; len++)
				for (size_t s = 0; s < ARRAY_SIZE(edge) + 2; s++) {
					__wsum seed = s < ARRAY_SIZE(edge) ? edge[s] : xorshift(&x);
					__wsum got = csum_partial(buf + off, len, seed);
					__wsum want = wsum_ref(buf + off, len, seed);
					__sum16 check = rfc1071_check(buf + off, len, seed);

					cr_assert_eq(got, want,
						     "csum_partial(fill %d, offset %d, %d bytes, "
						     "sum %#x) = %#x, expected %#x",
						     fill, off, len, seed, got, want);
					cr_assert_eq(csum_fold(got), check,
						     "folded (fill %d, offset %d, %d bytes, sum %#x) "
						     "%#x, expected %#x",
						     fill, off, len, seed, csum_fold(got), check);
				}
	}
}

/* Random bytes changed one at a time between sums: every byte counts, at every place. */
Test(core_csum, every_byte_moves_the_sum)
{
	static unsigned char buf[CSUM_MAX_LEN + 1];
	u32 x = 99;

	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)xorshift(&x);
	for (int round = 0; round < 20000; round++) {
		int off = (int)(xorshift(&x) % 2);
		int len = (int)(xorshift(&x) % (CSUM_MAX_LEN + 1 - (u32)off));
		__wsum seed = xorshift(&x);
		__wsum got, want;

		buf[xorshift(&x) % sizeof(buf)] = (u8)xorshift(&x);
		got = csum_partial(buf + off, len, seed);
		want = wsum_ref(buf + off, len, seed);
		cr_assert_eq(got, want, "round %d: csum_partial(offset %d, %d bytes, sum %#x) = %#x, "
			     "expected %#x", round, off, len, seed, got, want);
		cr_assert_eq(csum_fold(got), rfc1071_check(buf + off, len, seed),
			     "round %d: folded (offset %d, %d bytes, sum %#x) %#x, expected %#x", round,
			     off, len, seed, csum_fold(got), rfc1071_check(buf + off, len, seed));
	}
}

/* No bytes (or a negative count) leave the starting sum as it was. */
Test(core_csum, no_bytes_give_the_starting_sum)
{
	const __wsum seed[] = { 0, 1, 0x12345678, 0xffffffff };
	unsigned char b = 0xab;

	for (size_t i = 0; i < ARRAY_SIZE(seed); i++)
		for (int len = -2; len <= 0; len++) {
			__wsum got = csum_partial(&b, len, seed[i]);

			cr_assert_eq(got, seed[i], "csum_partial(%d bytes, sum %#x) = %#x, expected %#x",
				     len, seed[i], got, seed[i]);
		}
}
