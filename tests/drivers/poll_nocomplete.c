/* poll_nocomplete.c - a buggy modern poll for tests: below budget it returns without completing. */
#include <ringkit/simnic.h>

int simnic_poll(struct napi_struct *napi, int budget)
{
	struct simnic_adapter *adapter = container_of(napi, struct simnic_adapter, napi);
	int work_done = 0;

	adapter->ops->clean_rx_irq(adapter, &work_done, budget);
	return work_done < budget ? work_done : budget; /* the bug: no napi_complete_done */
}
