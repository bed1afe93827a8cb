/* skb_overrun.c - a test driver that writes past its skb's buffer and sets a length beyond it. */
#include <string.h>

#include <ringkit/simnic.h>

/* Pads each frame by writing 100 bytes past the end of the buffer, then claims 3000 bytes. */
netdev_tx_t simnic_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	memset(skb->head + skb->end, 0, 100);
	return simnic_lab_linked.xmit_frame(skb, netdev);
}

/* A receive path that sets len beyond the buffer: skb_over_panic when it reaches the stack. */
bool simnic_clean_rx_irq(struct simnic_adapter *adapter, int *work_done, int work_to_do)
{
	struct simnic_rx_ring *rx = &adapter->rx_ring;
	struct simnic_buffer *bi = &rx->buffer_info[rx->next_to_clean];

	if ((rx->desc[rx->next_to_clean].status & E1000_RXD_STAT_DD) && bi->skb)
		rx->desc[rx->next_to_clean].length = 3000;
	return simnic_lab_linked.clean_rx_irq(adapter, work_done, work_to_do);
}
