/* ring_overrun.c - a test driver that writes one descriptor past the end of its TX ring. */
#include <ringkit/simnic.h>

/* The off-by-one: desc[count] is not a descriptor (the guard after the ring catches it). */
netdev_tx_t simnic_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct simnic_tx_ring *tx = &adapter->tx_ring;

	tx->desc[tx->count].lower.data = 0xdeadbeef;
	return simnic_lab_linked.xmit_frame(skb, netdev);
}
