/* payload.c - the payload pattern every generated flow carries, and O(1) checksums of it. */
#include <string.h>

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

static unsigned int copy_memcpy(unsigned char *dst, const u8 *src, unsigned int n,
				unsigned int ret)
{
	memcpy(dst, src, n);
	return ret;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/*
 * A frame's payload (65 to 2048 bytes) in 32-byte moves: the vectors at 0,
 * 32, ... below n - 32, then the one that ends at n (it may overlap the one
 * before it: the same bytes again). The moves are written out, the switch
 * entering them at the first one a length needs (each case falls through
 * to the next lower offset), so a 1468-byte payload is 46 moves each way
 * and a jump. The C library's memcpy makes the same 32-byte moves with a
 * loop and the bookkeeping of the sizes and alignments it must also serve.
 * Longer copies (not a frame's) take the loop below. Only on a CPU with AVX2
 * (payload_init asks).
 */
#define V_LOAD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define V_STORE(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), (v))
#define V_MOVE(off) V_STORE(dst + (off), V_LOAD(src + (off)))
/* a case of the switch below: its move, then the next lower one's */
#define V_CASE(k) \
	case k: \
		V_MOVE(((k) - 1) * 32); \
		__attribute__((fallthrough))

__attribute__((target("avx2"))) static unsigned int copy_avx2(unsigned char *dst, const u8 *src,
							       unsigned int n, unsigned int ret)
{
	/* the vectors wholly below n - 32: those at 0 .. (v - 1) * 32 */
	unsigned int v = (n - 1) / 32;

	if (unlikely(v > 63)) {
		for (unsigned int i = 0; i + 32 < n; i += 32)
			V_MOVE(i);
	} else {
		switch (v) {
		VEC32_CASES_63_TO_1(V_CASE);
		default:
			break;
		}
	}
	V_MOVE(n - 32); /* the last 1 to 32 bytes, as the vector that ends at n (n > 64) */
	return ret;
}

bool kit_cpu_avx2(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2");
}
#else
bool kit_cpu_avx2(void)
{
	return false;
}
#define copy_avx2 copy_memcpy
#endif

unsigned int (*payload_copy_big)(unsigned char *dst, const u8 *src, unsigned int n,
				 unsigned int ret) = copy_memcpy;

void payload_init(void)
{
	u32 even = 0, odd = 0; /* the sums of the even- and odd-indexed bytes before j + 1 */

	if (ready)
		return;
	if (kit_cpu_avx2())
		payload_copy_big = copy_avx2;
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
