/* double_free.c - a test driver that frees each frame it puts on the ring: the reclaim frees it again. */
#include <ringkit/ringkit.h>

/* The classic mistake: the ring still holds skb (freed once sent), yet xmit frees it now. */
netdev_tx_t simnic_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	netdev_tx_t rc = simnic_lab_linked.xmit_frame(skb, netdev);

	if (rc == NETDEV_TX_OK)
		dev_kfree_skb_any(skb);
	return rc;
}
