/* payload.c - the payload pattern every generated flow carries, and O(1) checksums of it. */
#include "core/payload.h"

/*
 * One table of PAYLOAD_PERIOD bytes (plus a tail so any SKB_BUF_SIZE window
 * reads straight through) and prefix sums of its even- and odd-indexed bytes.
 * A flow's bytes at a stream offset are a window of the table, so pktgen
 * fills a frame with one memcpy and computes its TCP checksum from two
 * subtractions, and the sink checks a segment with one memcmp.
 */

u8 payload_table[PAYLOAD_TABLE_LEN];
u32 payload_even_sum[PAYLOAD_TABLE_LEN + 1], payload_odd_sum[PAYLOAD_TABLE_LEN + 1];
static bool ready;

void payload_init(void)
{
	if (ready)
		return;
	for (u32 j = 0; j < PAYLOAD_TABLE_LEN; j++) {
		payload_table[j] = (u8)((j * 7 + (j >> 8)) & 0xff);
		payload_even_sum[j + 1] = payload_even_sum[j] + (j % 2 ? 0 : payload_table[j]);
		payload_odd_sum[j + 1] = payload_odd_sum[j] + (j % 2 ? payload_table[j] : 0);
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
