/* null_after_xmit.c - a test driver whose poll dereferences NULL after a transmit inside it. */
#include <ringkit/ringkit.h>

/* As spin_after_xmit.c, with a NULL dereference: an oops in simnic_poll, the device broken. */
int simnic_poll(struct napi_struct *napi, int budget)
{
	struct net_device *dev = napi->dev;
	u64 sent = dev->core.xmit_calls;
	int work = simnic_lab_linked.poll(napi, budget);
	int *volatile p = NULL;

	if (dev->core.xmit_calls != sent)
		return *p;
	return work;
}
