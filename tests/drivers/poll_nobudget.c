/* poll_nobudget.c - a buggy classic poll for tests: it never subtracts its work from *budget or quota. */
#include <ringkit/simnic.h>

int simnic_poll_classic(struct net_device *netdev, int *budget)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct nic *hw = adapter->hw;
	int work_to_do = min_t(int, netdev->quota, *budget), work_done = 0;

	adapter->ops->clean_rx_irq(adapter, &work_done, work_to_do);
	/* the bug: no *budget -= work_done, no netdev->quota -= work_done */
	if (work_done < work_to_do) {
		netif_rx_complete(netdev);
		ew32(IMS, IMS_ENABLE_MASK);
		return 0;
	}
	return 1;
}
