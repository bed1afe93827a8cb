/* unmask_first.c - a buggy poll for tests: RX interrupts back on before the poll completes. */
#include <ringkit/simnic.h>

/* The classic poll with the two last steps swapped: an interrupt that comes
 * in between finds the device still scheduled and is lost. */
int simnic_poll_classic(struct net_device *netdev, int *budget)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct nic *hw = adapter->hw;
	int work_to_do = min_t(int, netdev->quota, *budget), work_done = 0;

	simnic_clean_rx_irq(adapter, &work_done, work_to_do);
	*budget -= work_done;
	netdev->quota -= work_done;
	if (work_done < work_to_do) {
		ew32(IMS, E1000_IMS_RX); /* the bug: unmask first */
		netif_rx_complete(netdev);
		return 0;
	}
	return 1;
}
