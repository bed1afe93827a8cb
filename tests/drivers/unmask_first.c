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

/* The modern poll with the same swap. The interrupt that comes in between
 * finds NAPI still scheduled and sets MISSED: napi_complete_done returns
 * false and the core polls again, so no frame waits (6.x's answer to this
 * race), but the poll runs with interrupts already on. */
int simnic_poll(struct napi_struct *napi, int budget)
{
	struct simnic_adapter *adapter = container_of(napi, struct simnic_adapter, napi);
	struct nic *hw = adapter->hw;
	bool tx_clean_complete;
	int work_done = 0;

	tx_clean_complete = simnic_clean_tx_irq(adapter);
	simnic_clean_rx_irq(adapter, &work_done, budget);
	if (!tx_clean_complete || work_done == budget)
		return budget;
	ew32(IMS, IMS_ENABLE_MASK); /* the bug: unmask first */
	napi_complete_done(napi, work_done);
	return work_done;
}
