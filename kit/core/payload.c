/* payload.c - the payload pattern every generated flow carries, and O(1) checksums of it. */
#include "core/payload.h"

/*
 * One table of PAYLOAD_PERIOD bytes (plus a tail so any SKB_BUF_SIZE window
 * reads straight through) and prefix sums of its bytes as a window's
 * little-endian words see them (payload.h). A flow's bytes at a stream
 * offset are a window of the table, so pktgen fills a frame with one memcpy
 * and computes its TCP checksum from one subtraction, and the sink checks a
 * segment with one memcmp.
 */

u8 payload_table[PAYLOAD_TABLE_LEN];
u32 payload_word_sum[PAYLOAD_TABLE_LEN + 1][2];
static bool ready;

void payload_init(void)
{
	u32 even = 0, odd = 0; /* the sums of the even- and odd-indexed bytes before j + 1 */

	if (ready)
		return;
	for (u32 j = 0; j < PAYLOAD_TABLE_LEN; j++) {
		payload_table[j] = (u8)((j * 7 + (j >> 8)) & 0xff);
		if (j % 2)
			odd += payload_table[j];
		else
			even += payload_table[j];
		payload_word_sum[j + 1][0] = even + (odd << 8);
		payload_word_sum[j + 1][1] = odd + (even << 8);
	}
	ready = true;
}

const u8 *payload_at(u32 key, u32 offset)
{
	return payload_at_inline(key, offset);
}

__wsum payload_csum(u32 key, u32 offset, unsigned int len)
{
	return payload_csum_inline(key, offset, len);
}
