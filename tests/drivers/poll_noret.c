/* poll_noret.c - a buggy classic poll for tests: it says "done" (0) but never calls netif_rx_complete. */
#include <ringkit/simnic.h>

int simnic_poll_classic(struct net_device *netdev, int *budget)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);
	int work_to_do = min_t(int, netdev->quota, *budget), work_done = 0;

	adapter->ops->clean_rx_irq(adapter, &work_done, work_to_do);
	*budget -= work_done;
	netdev->quota -= work_done;
	return 0; /* the bug: no netif_rx_complete, no unmask */
}
