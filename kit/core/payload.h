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
/*
 * The cases 63 down to 1 of a switch that enters a written-out run of 32-byte
 * vector steps at the first one a length needs (C(k): case k, then step
 * k - 1, falling through): payload.c's big copy and stack_bytes.c's compare.
 */
#define VEC32_CASES_63_TO_1(C) \
	C(63); C(62); C(61); C(60); C(59); C(58); C(57); C(56); C(55); C(54); C(53); \
	C(52); C(51); C(50); C(49); C(48); C(47); C(46); C(45); C(44); C(43); C(42); \
	C(41); C(40); C(39); C(38); C(37); C(36); C(35); C(34); C(33); C(32); C(31); \
	C(30); C(29); C(28); C(27); C(26); C(25); C(24); C(23); C(22); C(21); C(20); \
	C(19); C(18); C(17); C(16); C(15); C(14); C(13); C(12); C(11); C(10); C(9); \
	C(8); C(7); C(6); C(5); C(4); C(3); C(2); C(1)

/* Whether this CPU runs AVX2 (payload.c; false where the kit is built without
 * x86-64 vector code): the vector copy and compare are chosen with it once. */
bool kit_cpu_avx2(void);

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
