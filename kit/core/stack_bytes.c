/* stack_bytes.c - the sinks' payload check: every byte compared with the sender's. */
#include <string.h>

#include "kit.h"
#include "core/stack.h"
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

/* n bytes at p are the sender's bytes at sequence seq of the stream. */
static bool stream_ok(const struct kit_stream *s, const unsigned char *p, u32 seq, unsigned int n)
{
	u32 off = seq - s->base;

	if (off > s->len || n > s->len - off)
		return false; /* bytes the sender never sent */
	for (u32 i = off; i < off + n; i++)
		if (!(s->known[i / 8] >> (i % 8) & 1))
			return false;
	return !memcmp(p, s->bytes + off, n);
}

/*
 * n bytes at a and b are the same, for n of 32 or more, in 32-byte vectors
 * where the CPU has them (stack_init asks): the differences of the vectors
 * at 0, 32, ... below n - 32 and of the one ending at n (it may overlap the
 * one before: the same bytes again) or-ed together, and none may be set.
 * The compares are written out, the switch entering them at the first one
 * the length needs (each case falls through to the next lower offset): a
 * 1448-byte segment is 46 loads, 46 xors and 45 ors, where memcmp, which
 * must also say which bytes differ and how, takes about half as many again.
 * Equality is all the payload check asks, and every byte is still read.
 */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define E_LOAD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define E_DIFF(off) _mm256_xor_si256(E_LOAD(a + (off)), E_LOAD(b + (off)))
/* a case of the switch below: its vector's difference, then the next lower one's */
#define E_CASE(k) \
	case k: \
		acc = _mm256_or_si256(acc, E_DIFF(((k) - 1) * 32)); \
		__attribute__((fallthrough))

__attribute__((target("avx2"))) static bool eq_avx2(const unsigned char *a,
						     const unsigned char *b, unsigned int n)
{
	/* the vectors wholly below n - 32: those at 0 .. (v - 1) * 32 */
	unsigned int v = (n - 1) / 32;
	__m256i acc = E_DIFF(n - 32);

	if (unlikely(v > 63)) {
		for (unsigned int i = 0; i + 32 < n; i += 32)
			acc = _mm256_or_si256(acc, E_DIFF(i));
	} else {
		switch (v) {
		VEC32_CASES_63_TO_1(E_CASE);
		default:
			break;
		}
	}
	return _mm256_testz_si256(acc, acc);
}

#else
#define eq_avx2 eq_memcmp
#endif

static bool eq_memcmp(const unsigned char *a, const unsigned char *b, unsigned int n)
{
	return !memcmp(a, b, n);
}

static bool (*eq_big)(const unsigned char *a, const unsigned char *b, unsigned int n) = eq_memcmp;

void stack_bytes_init(void)
{
	if (kit_cpu_avx2())
		eq_big = eq_avx2;
}

static inline bool bytes_eq(const unsigned char *a, const unsigned char *b, unsigned int n)
{
	return n < 32 ? !memcmp(a, b, n) : eq_big(a, b, n);
}

bool stack_bytes_eq_big(const unsigned char *a, const unsigned char *b, unsigned int n)
{
	return bytes_eq(a, b, n);
}

/* The bytes segment by segment: the linear part, then the frag_list's. A
 * flow of the pattern (stream NULL, a constant where inlined) carries only
 * the pattern's offset from one segment to the next; a replay's stream the
 * sequence too. */
static inline __attribute__((always_inline)) bool
walk(const struct sk_buff *skb, unsigned int off, unsigned int len,
     const struct kit_stream *stream, u32 key, u32 seq, u32 stream_off)
{
	const struct sk_buff *seg = skb, *next = skb_shinfo(skb)->frag_list;
	unsigned int have = skb_headlen(skb);

	for (;;) {
		if (off < have) {
			unsigned int n = have - off < len ? have - off : len;
			const unsigned char *p = seg->data + off;

			if (stream ? !stream_ok(stream, p, seq, n)
				   : !bytes_eq(p, payload_at_inline(key, stream_off), n))
				return false;
			len -= n;
			if (!len)
				return true;
			stream_off += n;
			seq += n;
			off = 0;
		} else {
			off -= have;
		}
		if (!next)
			return false; /* shorter than its length says */
		seg = next;
		next = seg->next;
		have = seg->len;
	}
}

/* Out of line, and with f as it is (noipa): stack_payload_ok's fast path
 * then loads nothing it does not use. */
__attribute__((noipa)) bool stack_payload_walk(const struct sk_buff *skb, unsigned int off,
					       unsigned int len, const struct flow *f, u32 seq,
					       u32 stream_off)
{
	if (!len)
		return true;
	if (!f->stream)
		return walk(skb, off, len, NULL, f->key, 0, stream_off);
	return walk(skb, off, len, f->stream, 0, seq, stream_off);
}
