/* poll_more.c - a buggy classic poll for tests: it completes, unmasks, then returns 1 ("more"). */
#include <ringkit/simnic.h>

int simnic_poll_classic(struct net_device *netdev, int *budget)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct nic *hw = adapter->hw;
	int work_to_do = min_t(int, netdev->quota, *budget), work_done = 0;

	adapter->ops->clean_rx_irq(adapter, &work_done, work_to_do);
	*budget -= work_done;
	netdev->quota -= work_done;
	netif_rx_complete(netdev);
	ew32(IMS, IMS_ENABLE_MASK);
	return 1; /* the bug: 2.6.20's net_rx_action moves a device that is off the list */
}
