/* poll_ldd3.c - a correct classic poll in LDD3's snull shape: complete when the ring is empty. */
#include <ringkit/simnic.h>

/*
 * snull_poll (LDD3 ch. 17) and NAPI_HOWTO complete as soon as a poll does
 * less than it may, where 2.6.20's e1000 waits for an empty poll. If a frame
 * landed after the ring looked empty and its cause is still on its way (an
 * rx-usecs delay), the poll takes itself back with netif_rx_reschedule, as
 * drivers for hardware that races did (ixp4xx_eth's eth_poll). No rule may
 * fire: this is a variant, not a bug.
 */
int simnic_poll_classic(struct net_device *netdev, int *budget)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct simnic_rx_ring *rx_ring = &adapter->rx_ring;
	struct nic *hw = adapter->hw;
	int work_to_do = min_t(int, netdev->quota, *budget), work_done = 0;

	adapter->ops->clean_tx_irq(adapter);
	adapter->ops->clean_rx_irq(adapter, &work_done, work_to_do);
	*budget -= work_done;
	netdev->quota -= work_done;
	if (work_done >= work_to_do)
		return 1;
	netif_rx_complete(netdev);
	ew32(IMS, IMS_ENABLE_MASK);
	if ((rx_ring->desc[rx_ring->next_to_clean].status & E1000_RXD_STAT_DD) &&
	    netif_rx_reschedule(netdev, 0))
		ew32(IMC, ~0u); /* back in polling mode: quiet again */
	return 0;
}
