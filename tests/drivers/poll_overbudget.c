/* poll_overbudget.c - a buggy modern poll for tests: it reports one more than its budget. */
#include <ringkit/simnic.h>

int simnic_poll(struct napi_struct *napi, int budget)
{
	struct simnic_adapter *adapter = container_of(napi, struct simnic_adapter, napi);
	struct nic *hw = adapter->hw;
	int work_done = 0;

	simnic_clean_rx_irq(adapter, &work_done, budget);
	if (work_done < budget) {
		if (napi_complete_done(napi, work_done))
			ew32(IMS, E1000_IMS_RX);
		return work_done;
	}
	return budget + 1; /* the bug */
}
