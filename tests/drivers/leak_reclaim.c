/* leak_reclaim.c - a buggy TX reclaim for tests: it forgets to free the skbs it takes back. */
#include <ringkit/simnic.h>

bool simnic_clean_tx_irq(struct simnic_adapter *adapter)
{
	struct simnic_tx_ring *tx_ring = &adapter->tx_ring;
	struct net_device *netdev = adapter->netdev;
	unsigned int i = tx_ring->next_to_clean, count = 0, bytes = 0;

	while (i != tx_ring->next_to_use &&
	       (tx_ring->desc[i].upper.fields.status & E1000_TXD_STAT_DD)) {
		dma_unmap_single(netdev, tx_ring->buffer_info[i].dma, tx_ring->buffer_info[i].length,
				 DMA_TO_DEVICE);
		bytes += tx_ring->buffer_info[i].skb->len;
		count++;
		tx_ring->buffer_info[i].skb = NULL; /* the bug: no dev_kfree_skb */
		tx_ring->desc[i].upper.data = 0;
		if (++i == tx_ring->count)
			i = 0;
	}
	tx_ring->next_to_clean = i;
	netdev_completed_queue(netdev, count, bytes);
	smp_mb();
	if (netif_queue_stopped(netdev) && SIMNIC_DESC_UNUSED(tx_ring) >= tx_ring->wake_thresh)
		netif_wake_queue(netdev);
	return true;
}
