/* null_xmit.c - a test driver whose hard_start_xmit dereferences NULL: the shell must oops and live on. */
#include <ringkit/ringkit.h>

netdev_tx_t simnic_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	struct simnic_adapter *adapter = NULL;

	/* the bug: the adapter never came from netdev_priv(netdev) */
	return (netdev_tx_t)adapter->tx_ring.count;
}
