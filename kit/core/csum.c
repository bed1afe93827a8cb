/* csum.c - the Internet checksum (RFC 1071) with the kernel's helper names. */
#include <string.h>

#include "kit.h"

/*
 * Sums are kept as the kernel keeps them: a 32-bit partial sum of 16-bit
 * words in memory order (__wsum), folded and inverted only at the end
 * (csum_fold). One's complement addition does not care about byte order,
 * so the folded value can be stored straight into a header.
 */

/*
 * The bytes are read as 64-bit words added with wrap-around, the carries
 * out of bit 63 counted apart; the count goes back in at the bottom with
 * end-around carry at the end (2^64 = 1 modulo 2^64 - 1). That is the
 * same 64-bit value, bit for bit, as adding every word with end-around
 * carry (in 1..2^64 - 1 unless every word and the starting sum are 0), and
 * 2^64 - 1 is a multiple of 2^32 - 1 and of 2^16 - 1, so it folds to the
 * same 32 bits as the 32-bit words added exactly. Each addition is an add
 * and an add-with-carry into the count, with no compare between them.
 */
#define CSUM_ADD64(acc, carry, w) ((carry) += __builtin_add_overflow((acc), (w), &(acc)))

/* The 32 bytes at p as four 64-bit words, each added so. */
#define CSUM_ADD_BLOCK32(acc, carry, p)                  \
	do {                                             \
		u64 w0_, w1_, w2_, w3_;                  \
		memcpy(&w0_, (p), 8);                    \
		memcpy(&w1_, (p) + 8, 8);                \
		memcpy(&w2_, (p) + 16, 8);               \
		memcpy(&w3_, (p) + 24, 8);               \
		CSUM_ADD64(acc, carry, w0_);             \
		CSUM_ADD64(acc, carry, w1_);             \
		CSUM_ADD64(acc, carry, w2_);             \
		CSUM_ADD64(acc, carry, w3_);             \
	} while (0)

/*
 * A 64-bit sum folded to 32 bits with end-around carry: the high half of
 * acc + (acc rotated by 32) is hi + lo + the carry out of lo + hi.
 */
static inline u32 fold64(u64 acc)
{
	return (u32)((acc + (acc >> 32 | acc << 32)) >> 32);
}

__wsum csum_partial(const void *buf, int len, __wsum sum)
{
	const unsigned char *p = buf, *end;
	u64 acc = sum, carry = 0, a, b;

	if (len <= 0)
		return sum;
	/*
	 * Whole 32-byte blocks, then the last 0-31 bytes by the bits of their
	 * count; below 64 bytes (headers) the one block is a bit of the count too.
	 */
	if (len >= 64) {
		end = p + ((unsigned int)len & ~31u);
		for (; p != end; p += 32)
			CSUM_ADD_BLOCK32(acc, carry, p);
	} else if (len & 32) {
		CSUM_ADD_BLOCK32(acc, carry, p);
		p += 32;
	}
	if (len & 31) {
		if (len & 16) {
			memcpy(&a, p, 8);
			memcpy(&b, p + 8, 8);
			CSUM_ADD64(acc, carry, a);
			CSUM_ADD64(acc, carry, b);
			p += 16;
		}
		if (len & 8) {
			memcpy(&a, p, 8);
			CSUM_ADD64(acc, carry, a);
			p += 8;
		}
		if (len & 4) {
			u32 v;

			memcpy(&v, p, 4);
			CSUM_ADD64(acc, carry, (u64)v);
			p += 4;
		}
		if (len & 2) {
			u16 v;

			memcpy(&v, p, 2);
			CSUM_ADD64(acc, carry, (u64)v);
			p += 2;
		}
		if (len & 1) /* the odd byte is the first of a 16-bit word */
			CSUM_ADD64(acc, carry, (u64)*p);
	}
	acc += carry;
	acc += acc < carry;
	return fold64(acc);
}

/* The external definitions of the inline ones in proto.h. */
extern __sum16 csum_fold(__wsum sum);
extern __sum16 ip_fast_csum(const void *iph, unsigned int ihl);

__wsum csum_tcpudp_nofold(__be32 saddr, __be32 daddr, u32 len, u8 proto, __wsum sum)
{
	u64 acc = (u64)sum + saddr + daddr + htons((u16)len) + ((u32)proto << 8);

	return fold64(acc);
}

__sum16 csum_tcpudp_magic(__be32 saddr, __be32 daddr, u32 len, u8 proto, __wsum sum)
{
	return csum_fold(csum_tcpudp_nofold(saddr, daddr, len, proto, sum));
}

__wsum csum_add(__wsum a, __wsum b)
{
	u32 r = a + b;

	return r + (r < b);
}

__wsum csum_sub(__wsum a, __wsum b)
{
	return csum_add(a, ~b);
}

__wsum csum_block_add(__wsum csum, __wsum csum2, int offset)
{
	u32 s = csum2;

	if (offset & 1)
		s = (s >> 8) | (s << 24);
	return csum_add(csum, s);
}
