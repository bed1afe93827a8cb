/* no_recheck.c - a buggy stop for tests: it stops the queue and never looks at the ring again. */
#include <ringkit/simnic.h>

bool simnic_maybe_stop_tx(struct simnic_adapter *adapter, unsigned int size)
{
	if (SIMNIC_DESC_UNUSED(&adapter->tx_ring) >= size)
		return false;
	/* the bug: a reclaim that ran after the test above is never noticed */
	netif_stop_queue(adapter->netdev);
	return true;
}
