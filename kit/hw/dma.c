/* dma.c - DMA mappings and coherent memory the NIC may touch, and interrupt registration. */
#include <stdlib.h>
#include <string.h>

#include "nic_hw.h"

/*
 * A bus address is the host pointer (no IOMMU). The NIC checks every address
 * a descriptor gives it against memory the kit handed out: the skb pool's
 * buffers and the coherent allocations below (descriptor rings). Anything
 * else is a DMA fault record, and the NIC leaves it alone.
 *
 * coherent_gen counts allocations and frees of coherent memory, so a NIC can
 * keep the verdict on its descriptor ring until the memory map changes
 * (the skb pool only grows: what it owned, it still owns).
 */

#define COHERENT_MAX 32
static struct {
	struct kit *k;
	void *p;
	size_t len;
} coherent[COHERENT_MAX];
static u64 coherent_gen = 1;

u64 dma_coherent_gen(void)
{
	return coherent_gen;
}

bool nic_dma_ok(struct nic *hw, u64 addr, size_t len)
{
	const unsigned char *p = (const unsigned char *)(uintptr_t)addr;

	if (addr && skb_pool_owns(hw->k, p, len))
		return true;
	for (int i = 0; i < COHERENT_MAX; i++) {
		const unsigned char *lo = coherent[i].p;

		if (lo && coherent[i].k == hw->k && p >= lo && p + len <= lo + coherent[i].len)
			return true;
	}
	hw->dma_faults++;
	kit_bug(hw->k, hw->dev, RULE_DMA_FAULT);
	return false;
}

dma_addr_t dma_map_single(struct net_device *dev, void *ptr, size_t size,
			  enum dma_data_direction dir)
{
	(void)size, (void)dir;
	sim_charge(dev->kit, COST_DMA_MAP);
	return (dma_addr_t)(uintptr_t)ptr;
}

/* The unmap and the descriptor read as one step: the same counts and time
 * as two sim_charge calls, one hardware catch-up at the end (nothing between
 * them could look at the hardware). */
static inline void charge_unmap(struct kit *k)
{
	u64 map = k->cost[COST_DMA_MAP], miss = k->cost[COST_CACHE_MISS];

	k->cost_ns[COST_DMA_MAP] += map;
	k->cost_ns[COST_CACHE_MISS] += miss;
	k->cost_count[COST_DMA_MAP]++;
	k->cost_count[COST_CACHE_MISS]++;
	k->now += map + miss;
	k->cpu.busy += map + miss;
	if (unlikely(k->now >= k->hw_next) && !k->in_hw)
		hw_sync(k);
}

/* The driver unmaps each buffer once it has read the descriptor the NIC
 * wrote back: that read (a cache miss) is charged here with the unmap. The
 * driver call unmapping it takes the skb off the ring: it holds it now (what
 * a leak report names). */
void dma_unmap_single(struct net_device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir)
{
	struct kit *k = dev->kit;
	struct nic *hw = dev->nic;
	struct sk_buff *skb;

	(void)size;
	/* a buffer RX wrote into: its skb as the write-back found it (nic_hw.h;
	 * an unused slot holds address 0 and no skb, what 0 would give). Only
	 * an RX buffer is looked for there: a TX one is seldom in it. */
	if (dir == DMA_FROM_DEVICE && hw && nic_rx_owner_slot(hw, addr)->addr == addr)
		skb = nic_rx_owner_slot(hw, addr)->owner;
	else if (dir == DMA_TO_DEVICE && hw && nic_tx_owner_slot(hw, addr)->addr == addr)
		/* a buffer TX sent a frame from: its skb as the NIC found it */
		skb = nic_tx_owner_slot(hw, addr)->owner;
	else
		skb = addr ? skb_pool_buffer_owner(k, (const void *)(uintptr_t)addr) : NULL;
	/* the running call and its device as one 16-byte copy (both pairs side
	 * by side: skbuff.c asserts it) */
	if (skb && skb->kit_place == SKB_DRIVER && k->lab_running)
		memcpy(&skb->kit_holder, &k->lab_running, 2 * sizeof(void *));
	charge_unmap(k);
}

void *dma_alloc_coherent(struct net_device *dev, size_t size, dma_addr_t *handle)
{
	for (int i = 0; i < COHERENT_MAX; i++) {
		if (coherent[i].p)
			continue;
		/* a guard of CANARY_LEN bytes after the area (core/canary.c) */
		coherent[i].p = aligned_alloc(64, (size + CANARY_LEN + 63) & ~(size_t)63);
		if (!coherent[i].p)
			return NULL;
		memset(coherent[i].p, 0, size);
		memset((unsigned char *)coherent[i].p + size, CANARY_BYTE, CANARY_LEN);
		coherent_gen++;
		coherent[i].len = size;
		coherent[i].k = dev->kit;
		*handle = (dma_addr_t)(uintptr_t)coherent[i].p;
		return coherent[i].p;
	}
	return NULL;
}

void dma_free_coherent(struct net_device *dev, size_t size, void *vaddr, dma_addr_t handle)
{
	(void)dev, (void)size, (void)handle;
	for (int i = 0; i < COHERENT_MAX; i++) {
		if (coherent[i].p == vaddr && vaddr) {
			free(vaddr);
			coherent_gen++;
			coherent[i].p = NULL;
			coherent[i].k = NULL;
		}
	}
}

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name,
		void *dev_id)
{
	struct kit *k = kit_current;

	(void)flags, (void)name;
	if (!k || irq >= (unsigned int)k->ndevs || !k->devs[irq]->nic)
		return -EINVAL;
	k->devs[irq]->nic->handler = handler;
	k->devs[irq]->nic->dev_id = dev_id;
	k->devs[irq]->nic->irq_disabled = false;
	k->devs[irq]->nic->irq_stale = true; /* the line may assert again */
	k->devs[irq]->nic->unhandled = 0;
	return 0;
}

void free_irq(unsigned int irq, void *dev_id)
{
	struct kit *k = kit_current;

	(void)dev_id;
	if (!k || irq >= (unsigned int)k->ndevs || !k->devs[irq]->nic)
		return;
	k->devs[irq]->nic->handler = NULL;
	k->devs[irq]->nic->asserted = false;
	k->devs[irq]->nic->irq_stale = true; /* a pending cause may assert it again */
	k->cpu.irq_pending &= ~(1u << irq);
}
