/* leak_rx.c - a test driver whose RX clean takes frames off the ring and never passes them up. */
#include <ringkit/simnic.h>

bool simnic_clean_rx_irq(struct simnic_adapter *adapter, int *work_done, int work_to_do)
{
	struct simnic_rx_ring *rx_ring = &adapter->rx_ring;
	unsigned int i = rx_ring->next_to_clean;
	int cleaned = 0;

	while (*work_done < work_to_do && (rx_ring->desc[i].status & E1000_RXD_STAT_DD)) {
		struct simnic_buffer *bi = &rx_ring->buffer_info[i];

		dma_unmap_single(adapter->netdev, bi->dma, rx_ring->rx_buffer_len, DMA_FROM_DEVICE);
		bi->skb = NULL; /* the bug: neither delivered nor freed */
		rx_ring->desc[i].status = 0;
		(*work_done)++;
		cleaned++;
		if (++i == rx_ring->count)
			i = 0;
	}
	rx_ring->next_to_clean = i;
	if (cleaned)
		adapter->ops->alloc_rx_buffers(adapter, cleaned);
	return cleaned > 0;
}
