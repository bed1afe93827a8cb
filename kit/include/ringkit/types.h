/* types.h - kernel-style basic types and helpers shared by every kit header. */
/*
 * Era: both (u8..u64, __be16, likely, min_t, container_of are the same in 2.6.20 and 6.x).
 */
#ifndef RINGKIT_TYPES_H
#define RINGKIT_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

/* Byte-order annotated types; the kit runs on little-endian hosts only. */
typedef u16 __be16;
typedef u32 __be32;
typedef u16 __le16;
typedef u32 __le32;
typedef u64 __le64;
typedef u16 __sum16;
typedef u32 __wsum;

typedef u64 dma_addr_t; /* a "bus address": the host pointer, see nic.h */

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
/* compiler_attributes.h: a helper a lab skeleton may leave unused */
#define __maybe_unused __attribute__((__unused__))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))

#define cpu_to_le16(x) ((__le16)(x))
#define cpu_to_le32(x) ((__le32)(x))
#define cpu_to_le64(x) ((__le64)(x))
#define le16_to_cpu(x) ((u16)(x))
#define le32_to_cpu(x) ((u32)(x))
#define le64_to_cpu(x) ((u64)(x))
#ifndef htons /* <netinet/in.h> may have them already */
#define htons(x) ((__be16)__builtin_bswap16((u16)(x)))
#define ntohs(x) ((u16)__builtin_bswap16((u16)(x)))
#define htonl(x) ((__be32)__builtin_bswap32((u32)(x)))
#define ntohl(x) ((u32)__builtin_bswap32((u32)(x)))
#endif

/* Barriers: the simulation is single-threaded, so these only stop the
 * compiler; they are kept so driver code reads like the real thing. The one
 * exception is smp_mb(), a full barrier: while the kit plays a second CPU
 * (the knob race_tx_reclaim) it is where that CPU's next_to_clean becomes
 * visible to the other (kit/drivers/simnic_race.c). */
#define barrier() __asm__ __volatile__("" ::: "memory")
void kit_smp_mb(void);
#define smp_mb() kit_smp_mb()
#define smp_wmb() barrier()
#define smp_rmb() barrier()
#define wmb() barrier()
#define rmb() barrier()
#define dma_rmb() barrier()
#define dma_wmb() barrier()

/* Bit operations on a flags word (linux/bitops.h); atomic in the kernel, plain here. */
static inline bool test_bit(int nr, const unsigned long *addr)
{
	return (*addr >> nr) & 1UL;
}

static inline void set_bit(int nr, unsigned long *addr)
{
	*addr |= 1UL << nr;
}

static inline void clear_bit(int nr, unsigned long *addr)
{
	*addr &= ~(1UL << nr);
}

static inline bool test_and_set_bit(int nr, unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	set_bit(nr, addr);
	return old;
}

static inline bool test_and_clear_bit(int nr, unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	clear_bit(nr, addr);
	return old;
}

#define EINVAL 22
#define ENOMEM 12
#define ENOSPC 28
#define EBUSY 16
#define ENODEV 19
#define E2BIG 7

#endif
