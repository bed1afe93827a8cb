/* unmask_missed.c - a buggy poll for tests: unmasks whatever napi_complete_done returned. */
#include <ringkit/simnic.h>

/* The modern poll of the reference, but when napi_complete_done says false
 * (MISSED: an interrupt came while it polled, NAPI stays scheduled) it unmasks
 * anyway, with the instance still scheduled. */
int simnic_poll(struct napi_struct *napi, int budget)
{
	struct simnic_adapter *adapter = container_of(napi, struct simnic_adapter, napi);
	struct nic *hw = adapter->hw;
	bool tx_clean_complete;
	int work_done = 0;

	tx_clean_complete = adapter->ops->clean_tx_irq(adapter);
	adapter->ops->clean_rx_irq(adapter, &work_done, budget);
	if (!tx_clean_complete || work_done == budget)
		return budget;
	napi_complete_done(napi, work_done); /* the bug: its answer ignored */
	ew32(IMS, IMS_ENABLE_MASK);
	return work_done;
}
