/* csum.c - the Internet checksum (RFC 1071) with the kernel's helper names. */
#include <string.h>

#include "kit.h"

/*
 * Sums are kept as the kernel keeps them: a 32-bit partial sum of 16-bit
 * words in memory order (__wsum), folded and inverted only at the end
 * (csum_fold). One's complement addition does not care about byte order,
 * so the folded value can be stored straight into a header.
 */

static u32 fold64(u64 a)
{
	a = (a & 0xffffffff) + (a >> 32);
	a = (a & 0xffffffff) + (a >> 32);
	return (u32)a;
}

/*
 * a + b in one's complement over 64 bits: the carry out comes back in at
 * the bottom. 2^64 - 1 is a multiple of 2^32 - 1 and of 2^16 - 1, so a sum
 * kept this way folds to the same 32 bits as one that adds the 32-bit
 * halves exactly (and is 0 only if every word was 0).
 */
static inline u64 add64(u64 a, u64 b)
{
	a += b;
	return a + (a < b);
}

__wsum csum_partial(const void *buf, int len, __wsum sum)
{
	const unsigned char *p = buf;
	u64 acc = sum, a, b, c, d;

	for (; len >= 32; p += 32, len -= 32) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		memcpy(&c, p + 16, 8);
		memcpy(&d, p + 24, 8);
		acc = add64(add64(add64(add64(acc, a), b), c), d);
	}
	if (len <= 0)
		return fold64(acc);
	/* the last 0-31 bytes by the bits of their count: headers are this long */
	if (len & 16) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		acc = add64(add64(acc, a), b);
		p += 16;
	}
	if (len & 8) {
		memcpy(&a, p, 8);
		acc = add64(acc, a);
		p += 8;
	}
	if (len & 4) {
		u32 v;

		memcpy(&v, p, 4);
		acc = add64(acc, v);
		p += 4;
	}
	if (len & 2) {
		u16 v;

		memcpy(&v, p, 2);
		acc = add64(acc, v);
		p += 2;
	}
	if (len & 1)
		acc = add64(acc, *p); /* the odd byte is the first of a 16-bit word */
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
