/* busy_xmit.c - a buggy driver for tests: it never stops its queue, so a full ring means BUSY. */
#include <ringkit/simnic.h>

netdev_tx_t simnic_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct nic *hw = adapter->hw;

	if (simnic_tx_map(adapter, skb))
		return NETDEV_TX_BUSY; /* the bug: no netif_stop_queue before this */
	netdev_sent_queue(netdev, skb->len);
	wmb();
	ew32(TDT, adapter->tx_ring.next_to_use);
	return NETDEV_TX_OK;
}
