/* payload.h - the payload pattern's tables, for the frame builders that sum it inline. */
#ifndef KIT_CORE_PAYLOAD_H
#define KIT_CORE_PAYLOAD_H

#include "kit.h"

/*
 * payload.c's table of PAYLOAD_PERIOD bytes (plus a tail so any SKB_BUF_SIZE
 * window reads straight through) and the prefix sums of its bytes as the
 * little-endian words of a window see them: with E[j] and O[j] the sums of
 * the even- and odd-indexed bytes before j, payload_word_sum[j][0] is
 * E[j] + (O[j] << 8) (a window starting at an even index: its even bytes
 * are the low ones) and [j][1] is O[j] + (E[j] << 8). payload_at and
 * payload_csum (kit.h) are these inlines; pkttmpl.c calls them per frame.
 */
#define PAYLOAD_TABLE_LEN (PAYLOAD_PERIOD + SKB_BUF_SIZE)

extern u8 payload_table[PAYLOAD_TABLE_LEN];
extern u32 payload_word_sum[PAYLOAD_TABLE_LEN + 1][2];

static inline const u8 *payload_at_inline(u32 key, u32 offset)
{
	return &payload_table[(key + offset) % PAYLOAD_PERIOD];
}

/*
 * The sum of len bytes of the table from index at (at < PAYLOAD_PERIOD): lo,
 * the window's bytes at its even positions (the low bytes of its LE words),
 * plus hi, those at its odd positions, shifted by 8. A window holds at most
 * PAYLOAD_TABLE_LEN bytes of at most 255, so lo < 2^24 and lo + (hi << 8) <
 * 2^32: the word needs no fold. With p = at % 2, lo + (hi << 8) is
 * (L[e] - L[at]) + ((H[e] - H[at]) << 8) for the window's own parities, which
 * is (L[e] + (H[e] << 8)) - (L[at] + (H[at] << 8)) mod 2^32: one difference of
 * payload_word_sum's column p, the same u32 (tests/kit/test_txk_fast.c checks
 * every at against the bytes).
 */
static inline __wsum payload_csum_at(u32 at, unsigned int len)
{
	u32 p = at % 2;

	return payload_word_sum[at + len][p] - payload_word_sum[at][p];
}

/*
 * Copy n > 64 bytes of the pattern (src, a window of payload_table) to dst,
 * which does not overlap it: memcpy's bytes, with 32-byte moves where the
 * CPU has them (payload.c). Only dst[0, n) is written. Returns ret, so a
 * writer's last act can be this call (a tail call: no register of its own
 * kept across it).
 */
extern unsigned int (*payload_copy_big)(unsigned char *dst, const u8 *src, unsigned int n,
					unsigned int ret);

static inline __wsum payload_csum_inline(u32 key, u32 offset, unsigned int len)
{
	return payload_csum_at((key + offset) % PAYLOAD_PERIOD, len);
}

#endif
