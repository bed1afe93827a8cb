/* wake_early.c - a buggy TX reclaim for tests: it reads the stopped bit before the barrier. */
#include <ringkit/simnic.h>

bool simnic_clean_tx_irq(struct simnic_adapter *adapter)
{
	struct simnic_tx_ring *tx_ring = &adapter->tx_ring;
	struct net_device *netdev = adapter->netdev;
	unsigned int i = tx_ring->next_to_clean, count = 0, bytes = 0;

	while (i != tx_ring->next_to_use &&
	       (tx_ring->desc[i].upper.fields.status & E1000_TXD_STAT_DD)) {
		struct simnic_buffer *bi = &tx_ring->buffer_info[i];

		dma_unmap_single(netdev, bi->dma, bi->length, DMA_TO_DEVICE);
		netdev->stats.tx_packets++;
		netdev->stats.tx_bytes += bi->length;
		bytes += bi->skb->len;
		dev_kfree_skb_any(bi->skb);
		bi->skb = NULL;
		tx_ring->desc[i].upper.data = 0;
		if (++i == tx_ring->count)
			i = 0;
		count++;
	}
	tx_ring->next_to_clean = i;
	netdev_completed_queue(netdev, count, bytes);
	/* the bug: netif_queue_stopped is read before smp_mb(), so the store of
	 * next_to_clean may not be visible yet to a CPU that is stopping the queue */
	if (count && netif_queue_stopped(netdev) && netif_carrier_ok(netdev) &&
	    SIMNIC_DESC_UNUSED(tx_ring) >= tx_ring->wake_thresh) {
		smp_mb();
		netif_wake_queue(netdev);
	}
	return count < tx_ring->count;
}
