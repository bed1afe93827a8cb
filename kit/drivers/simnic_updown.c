/* simnic_updown.c - a simnic programmed, quieted and reset without freeing it: e1000's up/down. */
#include <string.h>

#include "kit.h"
#include "hw/nic_hw.h"

/*
 * e1000_configure / e1000_up / e1000_down. Open allocates the rings and then
 * configures (simnic.c); down turns the engines off, stops the queue, masks
 * interrupts, marks the adapter __SIMNIC_DOWN and cleans both rings (the TX
 * one with the lab's simnic_clean_tx_ring), keeping everything allocated; up
 * configures the same rings again and wakes the queue. The reset a TX
 * timeout asks for is the two in a row, run by the kworker as reset_task
 * (e1000_reset_task -> e1000_reinit_locked). The qdisc is the core's and is
 * left alone: what waits there goes out after the reset.
 */

/* e1000_configure_tx */
static void configure_tx(struct simnic_adapter *adapter)
{
	struct simnic_tx_ring *r = &adapter->tx_ring;
	struct nic *hw = adapter->hw;

	r->next_to_use = r->next_to_clean = 0;
	r->wake_thresh = adapter->cfg.tx_wake < r->count / 2 ? adapter->cfg.tx_wake : r->count / 2;
	/* IDE only when TIDV is to delay the interrupt */
	adapter->txd_cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	if (adapter->cfg.tx_usecs)
		adapter->txd_cmd |= E1000_TXD_CMD_IDE;
	ew32(TDBAL, (u32)r->dma);
	ew32(TDBAH, (u32)(r->dma >> 32));
	ew32(TDLEN, r->count * (u32)sizeof(*r->desc));
	ew32(TDH, 0);
	ew32(TDT, 0);
	ew32(TIDV, adapter->cfg.tx_usecs);
	ew32(TCTL, E1000_TCTL_EN);
}

/* e1000_configure_rx */
static void configure_rx(struct simnic_adapter *adapter)
{
	struct simnic_rx_ring *r = &adapter->rx_ring;
	struct nic *hw = adapter->hw;

	r->next_to_use = r->next_to_clean = 0;
	r->rx_buffer_len = SIMNIC_RXBUFFER;
	r->refill_batch = adapter->cfg.rx_refill;
	ew32(RDBAL, (u32)r->dma);
	ew32(RDBAH, (u32)(r->dma >> 32));
	ew32(RDLEN, r->count * (u32)sizeof(*r->desc));
	ew32(RDH, 0);
	ew32(RDT, 0);
	ew32(RDTR, (adapter->cfg.rx_usecs * 1000 + 1023) / 1024);
	ew32(RXFR, adapter->cfg.rx_frames);
	/* e1000_vlan_mode: VME strips tags when rx-vlan-offload is on */
	adapter->rx_vlan = adapter->cfg.rx_vlan;
	if (adapter->rx_vlan)
		ew32(CTRL, er32(CTRL) | E1000_CTRL_VME);
	ew32(RCTL, E1000_RCTL_EN);
}

/* e1000_configure: the rings and the NIC programmed, RX buffers posted */
void simnic_configure(struct simnic_adapter *adapter)
{
	struct net_device *dev = adapter->netdev;
	struct kit *k = dev->kit;
	struct nic *hw = adapter->hw;

	ew32(ITR, adapter->cfg.itr_ns / 256);
	configure_tx(adapter);
	configure_rx(adapter);
	simnic_setup_lro(adapter);
	hw->fault_lockup = adapter->cfg.fault_lockup;
	hw->fault_dd_delay = adapter->cfg.fault_dd_delay;
	LAB_CALL_VOID(k, dev, alloc_rx_buffers, adapter, (int)SIMNIC_DESC_UNUSED(&adapter->rx_ring));
	dev->xmit_win = (int)SIMNIC_DESC_UNUSED(&adapter->tx_ring);
}

/* e1000_up: after simnic_down, the same rings programmed again */
void simnic_up(struct simnic_adapter *adapter)
{
	struct net_device *dev = adapter->netdev;
	struct nic *hw = adapter->hw;

	simnic_configure(adapter);
	clear_bit(__SIMNIC_DOWN, &adapter->flags);
	if (adapter->irq_mode == SIMNIC_NAPI_MODERN)
		napi_enable(&adapter->napi);
	netif_poll_enable(dev); /* 2.6.20 e1000_up; harmless in the other modes */
	adapter->irq_sem = 0;
	ew32(IMS, IMS_ENABLE_MASK); /* e1000_irq_enable */
	netif_carrier_on(dev); /* the kit's link is always up: no LSC round trip */
	netif_wake_queue(dev);
}

/* e1000_clean_rx_ring: every posted buffer freed, the ring empty */
static void clean_rx_ring(struct simnic_adapter *adapter)
{
	struct simnic_rx_ring *r = &adapter->rx_ring;
	struct nic *hw = adapter->hw;

	for (unsigned int i = 0; r->buffer_info && i < r->count; i++) {
		struct simnic_buffer *bi = &r->buffer_info[i];

		if (bi->skb) {
			dma_unmap_single(adapter->netdev, bi->dma, bi->length, DMA_FROM_DEVICE);
			kfree_skb(bi->skb);
		}
		*bi = (struct simnic_buffer){ 0 };
		r->desc[i] = (struct e1000_rx_desc){ 0 };
	}
	r->next_to_use = r->next_to_clean = 0;
	ew32(RDH, 0);
	ew32(RDT, 0);
}

/* LRO sessions hold skbs the stack never saw: a reset drops them */
static void drop_lro(struct simnic_adapter *adapter)
{
	for (int i = 0; i < SIMNIC_MAX_LRO_DESC; i++) {
		if (adapter->lro_arr[i].active && adapter->lro_arr[i].parent)
			kfree_skb(adapter->lro_arr[i].parent);
		memset(&adapter->lro_arr[i], 0, sizeof(adapter->lro_arr[i]));
	}
}

/*
 * e1000_down, in the order of each era, keeping everything allocated. Both
 * wait for a pending poll (napi_disable, or 2.6.20's netif_poll_disable: the
 * kit runs it now, so frames already in the ring still go up). 2.6.20 masks
 * interrupts first (e1000_irq_disable takes an irq_sem count, so the poll's
 * completion does not unmask) and only then drops the carrier; the modern
 * driver turns receives and transmits off, drops the carrier, waits, then
 * masks. Then __SIMNIC_DOWN, the reset, and both rings cleaned.
 */
void simnic_down(struct simnic_adapter *adapter)
{
	struct net_device *dev = adapter->netdev;
	struct kit *k = dev->kit;
	struct nic *hw = adapter->hw;

	if (adapter->irq_mode == SIMNIC_NAPI_MODERN) {
		ew32(RCTL, 0);
		dev->state |= 1UL << __LINK_STATE_XOFF; /* netif_tx_disable */
		ew32(TCTL, 0);
		netif_carrier_off(dev);
		napi_disable(&adapter->napi);
		ew32(IMC, ~0u); /* e1000_irq_disable */
	} else {
		adapter->irq_sem++; /* e1000_irq_disable */
		ew32(IMC, ~0u);
		if (adapter->irq_mode == SIMNIC_NAPI_CLASSIC)
			netif_poll_disable(dev);
		netif_carrier_off(dev);
		dev->state |= 1UL << __LINK_STATE_XOFF; /* netif_stop_queue */
		ew32(RCTL, 0);
		ew32(TCTL, 0);
	}
	softnet_forget_dev(dev);
	/* after the interrupts are off: a reclaim now must not wake the queue */
	set_bit(__SIMNIC_DOWN, &adapter->flags);
	ew32(CTRL, E1000_CTRL_RST);
	if (adapter->tx_ring.desc)
		LAB_CALL_VOID(k, dev, clean_tx_ring, adapter);
	clean_rx_ring(adapter);
	drop_lro(adapter);
	napi_gro_drop(&adapter->napi); /* held only if the pending poll could not run */
}

/* e1000_reset_task -> e1000_reinit_locked, in the kworker (process context) */
void simnic_reset_task(struct work_struct *work)
{
	struct simnic_adapter *adapter = container_of(work, struct simnic_adapter, reset_task);
	struct net_device *dev = adapter->netdev;

	if (test_and_set_bit(__SIMNIC_RESETTING, &adapter->flags))
		return; /* a reset is already running (cannot happen on one CPU) */
	/* only if not already down: a close since the timeout wins */
	if (!test_bit(__SIMNIC_DOWN, &adapter->flags) && !kit_dev_broken(dev)) {
		TRACE(dev->kit, TR_RESET, dev, 0, 0, 0, 0);
		tl_slice(dev->kit, "reset_task", dev, TLC_DRIVER, true);
		simnic_down(adapter);
		simnic_up(adapter);
		tl_slice(dev->kit, "reset_task", dev, TLC_DRIVER, false);
	}
	clear_bit(__SIMNIC_RESETTING, &adapter->flags);
}
