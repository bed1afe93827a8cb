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
 * A frame's payload (65 to 2048 bytes) in 32-byte moves: 256 bytes a turn,
 * then 128 if as many are left, then whole vectors from there and one last
 * vector ending at n (it may overlap the one before: the same bytes again).
 * The C library's memcpy makes the same 32-byte moves, 128 bytes a turn,
 * with more bookkeeping for the sizes and alignments it must also serve.
 * Only on a CPU with AVX2 (payload_init asks).
 */
#define V_LOAD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define V_STORE(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), (v))

__attribute__((target("avx2"))) static inline void copy_128(unsigned char *dst, const u8 *src)
{
	__m256i a = V_LOAD(src), b = V_LOAD(src + 32), c = V_LOAD(src + 64), d = V_LOAD(src + 96);

	V_STORE(dst, a);
	V_STORE(dst + 32, b);
	V_STORE(dst + 64, c);
	V_STORE(dst + 96, d);
}

__attribute__((target("avx2"))) static unsigned int copy_avx2(unsigned char *dst, const u8 *src,
							       unsigned int n, unsigned int ret)
{
	const u8 *last = src + n - 32; /* the vector that ends at n (n > 64) */
	unsigned char *dlast = dst + n - 32;

	for (size_t left = n; left >= 256; left -= 256, src += 256, dst += 256) {
		copy_128(dst, src);
		copy_128(dst + 128, src + 128);
	}
	if (last - src >= 96) { /* 128 bytes or more left */
		copy_128(dst, src);
		src += 128;
		dst += 128;
	}
	for (; src < last; src += 32, dst += 32)
		V_STORE(dst, V_LOAD(src));
	/* the last 1 to 32 bytes, as the vector that ends at n */
	V_STORE(dlast, V_LOAD(last));
	return ret;
}

static bool cpu_avx2(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2");
}
#else
static bool cpu_avx2(void)
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
	if (cpu_avx2())
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
