/* bi_overrun.c - a test driver that writes buffer_info[count] in its RX refill. */
#include <ringkit/simnic.h>

void simnic_alloc_rx_buffers(struct simnic_adapter *adapter, int cleaned_count)
{
	struct simnic_rx_ring *rx = &adapter->rx_ring;

	rx->buffer_info[rx->count].length = 1; /* one past the end */
	simnic_lab_linked.alloc_rx_buffers(adapter, cleaned_count);
}
