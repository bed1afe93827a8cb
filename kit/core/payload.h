/* payload.h - the payload pattern's tables, for the frame builders that sum it inline. */
#ifndef KIT_CORE_PAYLOAD_H
#define KIT_CORE_PAYLOAD_H

#include "kit.h"

/*
 * payload.c's table of PAYLOAD_PERIOD bytes (plus a tail so any SKB_BUF_SIZE
 * window reads straight through) and the prefix sums of its even- and
 * odd-indexed bytes. payload_at and payload_csum (kit.h) are these inlines;
 * pkttmpl.c calls them per frame.
 */
#define PAYLOAD_TABLE_LEN (PAYLOAD_PERIOD + SKB_BUF_SIZE)

extern u8 payload_table[PAYLOAD_TABLE_LEN];
extern u32 payload_even_sum[PAYLOAD_TABLE_LEN + 1], payload_odd_sum[PAYLOAD_TABLE_LEN + 1];

static inline const u8 *payload_at_inline(u32 key, u32 offset)
{
	return &payload_table[(key + offset) % PAYLOAD_PERIOD];
}

/*
 * The sum of len bytes of the table from index at (at < PAYLOAD_PERIOD). A
 * window holds at most PAYLOAD_TABLE_LEN bytes of at most 255, so
 * lo < 2^24 and lo + (hi << 8) < 2^32: the word needs no fold.
 */
static inline __wsum payload_csum_at(u32 at, unsigned int len)
{
	const u32 *lo_sum = at % 2 ? payload_odd_sum : payload_even_sum;
	const u32 *hi_sum = at % 2 ? payload_even_sum : payload_odd_sum;
	u32 e = at + len;

	/* bytes at even positions of the window are the low bytes of LE words */
	return (lo_sum[e] - lo_sum[at]) + ((hi_sum[e] - hi_sum[at]) << 8);
}

static inline __wsum payload_csum_inline(u32 key, u32 offset, unsigned int len)
{
	return payload_csum_at((key + offset) % PAYLOAD_PERIOD, len);
}

#endif
