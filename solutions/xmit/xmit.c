/* xmit.c - lab xmit, model answer: frames onto the TX ring, reclaim, stop/wake, tx_timeout. */
#include <ringkit/simnic.h>

/*
 * The TX ring is shared with the NIC through two indices each side:
 * the driver writes frames at next_to_use and tells the NIC by writing TDT
 * (the doorbell); the NIC sends from TDH, writes DD back, and moves TDH on;
 * the driver reclaims finished slots from next_to_clean. One slot always
 * stays empty so that "next_to_use == next_to_clean" can only mean empty.
 *
 * Flow control is the driver's job: stop the queue while the ring cannot take
 * another frame, so the core never hands us one we would have to refuse
 * (NETDEV_TX_BUSY is a bug path), and wake it only once tx_ring.wake_thresh
 * descriptors are free again, so the queue does not flap on every reclaim.
 */

int simnic_tx_map(struct simnic_adapter *adapter, struct sk_buff *skb)
{
	struct simnic_tx_ring *tx_ring = &adapter->tx_ring;
	unsigned int i = tx_ring->next_to_use;
	struct e1000_tx_desc *desc = &tx_ring->desc[i];
	struct simnic_buffer *bi = &tx_ring->buffer_info[i];

	if (!SIMNIC_DESC_UNUSED(tx_ring))
		return -ENOSPC;
	bi->skb = skb;
	bi->length = (u16)skb->len;
	bi->time_stamp = jiffies;
	bi->dma = dma_map_single(adapter->netdev, skb->data, skb->len, DMA_TO_DEVICE);
	desc->buffer_addr = cpu_to_le64(bi->dma);
	desc->lower.flags.length = cpu_to_le16((u16)skb->len);
	desc->lower.flags.cmd = (u8)adapter->txd_cmd; /* EOP IFCS RS, IDE with tx-usecs */
	desc->upper.data = 0;
	if (++i == tx_ring->count)
		i = 0;
	tx_ring->next_to_use = i;
	return 0;
}

bool simnic_maybe_stop_tx(struct simnic_adapter *adapter, unsigned int size)
{
	struct simnic_tx_ring *tx_ring = &adapter->tx_ring;
	struct net_device *netdev = adapter->netdev;

	if (SIMNIC_DESC_UNUSED(tx_ring) >= size)
		return false;
	netif_stop_queue(netdev);
	/* e1000: a reclaim on another CPU may have made room meanwhile */
	smp_mb();
	if (SIMNIC_DESC_UNUSED(tx_ring) < size)
		return true;
	netif_start_queue(netdev); /* a reprieve */
	adapter->restart_queue++;
	return false;
}

netdev_tx_t simnic_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct simnic_tx_ring *tx_ring = &adapter->tx_ring;
	struct nic *hw = adapter->hw;

	if (simnic_tx_map(adapter, skb)) {
		/* full on entry: whoever filled it should have stopped the queue */
		netif_stop_queue(netdev);
		return NETDEV_TX_BUSY;
	}
	wmb(); /* descriptor before doorbell */
	ew32(TDT, tx_ring->next_to_use);
	/* make sure the next frame will fit, or stop now */
	simnic_maybe_stop_tx(adapter, DESC_NEEDED);
	return NETDEV_TX_OK;
}

bool simnic_clean_tx_irq(struct simnic_adapter *adapter)
{
	struct simnic_tx_ring *tx_ring = &adapter->tx_ring;
	struct net_device *netdev = adapter->netdev;
	unsigned int i = tx_ring->next_to_clean, count = 0;

	while (i != tx_ring->next_to_use) {
		struct e1000_tx_desc *desc = &tx_ring->desc[i];
		struct simnic_buffer *bi = &tx_ring->buffer_info[i];

		if (!(desc->upper.fields.status & E1000_TXD_STAT_DD))
			break; /* the NIC still owns this one */
		dma_rmb(); /* read the rest only after DD */
		dma_unmap_single(netdev, bi->dma, bi->length, DMA_TO_DEVICE);
		netdev->stats.tx_packets++;
		netdev->stats.tx_bytes += bi->length;
		dev_kfree_skb_any(bi->skb);
		bi->skb = NULL;
		desc->upper.data = 0;
		if (++i == tx_ring->count)
			i = 0;
		count++;
	}
	tx_ring->next_to_clean = i;

	/* wake only with real room: hysteresis keeps the queue from flapping */
	if (count && netif_queue_stopped(netdev) && netif_carrier_ok(netdev) &&
	    SIMNIC_DESC_UNUSED(tx_ring) >= tx_ring->wake_thresh) {
		smp_mb();
		netdev->xmit_win = (int)SIMNIC_DESC_UNUSED(tx_ring); /* 2007 batching API */
		netif_wake_queue(netdev);
	}
	return count < tx_ring->count;
}

void simnic_tx_timeout(struct net_device *netdev)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct simnic_tx_ring *tx_ring = &adapter->tx_ring;
	struct nic *hw = adapter->hw;

	adapter->tx_timeout_count++;
	netdev->stats.tx_errors++;
	simnic_clean_tx_irq(adapter); /* what the NIC finished is done */

	/* reset the TX side: stop the engine, drop what is left, start afresh */
	ew32(TCTL, 0);
	for (unsigned int i = 0; i < tx_ring->count; i++) {
		struct simnic_buffer *bi = &tx_ring->buffer_info[i];

		if (bi->skb) {
			dma_unmap_single(netdev, bi->dma, bi->length, DMA_TO_DEVICE);
			dev_kfree_skb_any(bi->skb);
			netdev->stats.tx_dropped++;
			bi->skb = NULL;
		}
		tx_ring->desc[i].upper.data = 0;
		tx_ring->desc[i].lower.data = 0;
	}
	tx_ring->next_to_use = tx_ring->next_to_clean = 0;
	ew32(TDH, 0);
	ew32(TDT, 0);
	ew32(TCTL, E1000_TCTL_EN);
	netdev->xmit_win = (int)SIMNIC_DESC_UNUSED(tx_ring);
	netif_wake_queue(netdev);
}
