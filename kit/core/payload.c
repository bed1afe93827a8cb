/* payload.c - the payload pattern every generated flow carries, and O(1) checksums of it. */
#include "kit.h"

/*
 * One table of PAYLOAD_PERIOD bytes (plus a tail so any SKB_BUF_SIZE window
 * reads straight through) and prefix sums of its even- and odd-indexed bytes.
 * A flow's bytes at a stream offset are a window of the table, so pktgen
 * fills a frame with one memcpy and computes its TCP checksum from two
 * subtractions, and the sink checks a segment with one memcmp.
 */

#define TABLE_LEN (PAYLOAD_PERIOD + SKB_BUF_SIZE)

static u8 table[TABLE_LEN];
static u32 even_sum[TABLE_LEN + 1], odd_sum[TABLE_LEN + 1];
static bool ready;

void payload_init(void)
{
	if (ready)
		return;
	for (u32 j = 0; j < TABLE_LEN; j++) {
		table[j] = (u8)((j * 7 + (j >> 8)) & 0xff);
		even_sum[j + 1] = even_sum[j] + (j % 2 ? 0 : table[j]);
		odd_sum[j + 1] = odd_sum[j] + (j % 2 ? table[j] : 0);
	}
	ready = true;
}

const u8 *payload_at(u32 key, u32 offset)
{
	return &table[(key + offset) % PAYLOAD_PERIOD];
}

__wsum payload_csum(u32 key, u32 offset, unsigned int len)
{
	u32 s = (key + offset) % PAYLOAD_PERIOD, e = s + len;
	u64 lo, hi;

	/* bytes at even positions of the window are the low bytes of LE words */
	if (s % 2 == 0) {
		lo = even_sum[e] - even_sum[s];
		hi = odd_sum[e] - odd_sum[s];
	} else {
		lo = odd_sum[e] - odd_sum[s];
		hi = even_sum[e] - even_sum[s];
	}
	lo += hi << 8;
	lo = (lo & 0xffffffff) + (lo >> 32);
	return (u32)((lo & 0xffffffff) + (lo >> 32));
}
