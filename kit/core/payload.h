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

static inline __wsum payload_csum_inline(u32 key, u32 offset, unsigned int len)
{
	u32 s = (key + offset) % PAYLOAD_PERIOD, e = s + len;
	const u32 *lo_sum = s % 2 ? payload_odd_sum : payload_even_sum;
	const u32 *hi_sum = s % 2 ? payload_even_sum : payload_odd_sum;
	u64 lo, hi;

	/* bytes at even positions of the window are the low bytes of LE words */
	lo = lo_sum[e] - lo_sum[s];
	hi = hi_sum[e] - hi_sum[s];
	lo += hi << 8;
	lo = (lo & 0xffffffff) + (lo >> 32);
	return (u32)((lo & 0xffffffff) + (lo >> 32));
}

#endif
