/* map_refuses.c - a driver for tests whose tx_map never finds room: is it the one called? */
#include <ringkit/simnic.h>

int simnic_tx_map(struct simnic_adapter *adapter, struct sk_buff *skb)
{
	(void)adapter;
	(void)skb;
	return -ENOSPC; /* every transmit path must see this, whatever the batching mode */
}
