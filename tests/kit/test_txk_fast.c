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
