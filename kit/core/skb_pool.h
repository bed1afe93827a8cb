/* skb_pool.h - the pool's layout: the allocator (skbuff.c) and the pool (skb_pool.c) share it. */
#ifndef KIT_CORE_SKB_POOL_H
#define KIT_CORE_SKB_POOL_H

#include "kit.h"

#define SKB_CHUNK 1024
#define SKB_MAX_CHUNKS 64
/*
 * Buffers sit one cache line further apart than their size: with a stride of
 * exactly 2048 bytes every buffer's first lines would fall in the same few
 * cache sets, and a ring of a thousand frames in flight would thrash them.
 */
#define SKB_STRIDE (SKB_BUF_SIZE + 64)
#define ARENA_LEN ((size_t)SKB_CHUNK * SKB_STRIDE)

/*
 * The pool reserves address space for all SKB_MAX_CHUNKS chunks when it is
 * made (mmap, PROT_NONE: no memory behind it, about 150 MiB of addresses;
 * under an address-space limit, ulimit -v, it halves that until it fits, so
 * a machine holds fewer skbs at once) and opens one chunk at a time
 * as it runs dry. skb i is skbs[i] with its buffer at arena + i * SKB_STRIDE,
 * so the skb owning a buffer address, an skb's index and whether the NIC may
 * DMA to an address are arithmetic, not a search over chunks: the NIC asks
 * for every frame, the driver's unmap for every buffer.
 */
struct skb_pool {
	struct kit *k;
	struct sk_buff *free;	  /* free list through ->next */
	struct sk_buff *skbs;	  /* max_chunks * SKB_CHUNK reserved, nskbs open */
	unsigned char *arena;	  /* their buffers, SKB_STRIDE apart */
	size_t nskbs;		  /* nchunks * SKB_CHUNK */
	int nchunks, max_chunks;
	u64 next_id;		  /* skb#N handles (its low 32 bits), from 1: one more
				   * than the skbs allocated so far */
	u64 freed;
	u64 alloc_fails;	  /* allocations refused: the calls, for the fault
				   * knob, are these and the skbs allocated */
	u64 frags_run;		  /* frag_list members freed in a run (skbuff.c's
				   * free_frags), not one by one */
};

/* One more chunk of SKB_CHUNK skbs on the free list; -ENOMEM when the
 * reservation is full or the pages cannot be had. */
int skb_pool_add_chunk(struct skb_pool *pool);

#endif
