/* spin_reg.c - a test driver whose poll waits for a register bit that never comes. */
#include <ringkit/simnic.h>

/* Each read moves simulated time: the kit's watchdog sees 100 ms pass inside one poll. */
int simnic_poll(struct napi_struct *napi, int budget)
{
	struct simnic_adapter *adapter = netdev_priv(napi->dev);
	struct nic *hw = adapter->hw;

	while (!(er32(STATUS) & (1u << 31)))
		; /* bit 31 is reserved: never set */
	return 0;
}
