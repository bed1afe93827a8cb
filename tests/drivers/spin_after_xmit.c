/* spin_after_xmit.c - a test driver whose poll spins after the stack transmitted inside it. */
#include <ringkit/ringkit.h>

/*
 * The linked poll delivers ICMP echo requests; the stack answers each with
 * dev_queue_xmit, so hard_start_xmit runs (and returns) inside this poll.
 * What follows is still this poll: the spin must be a soft lockup in
 * simnic_poll, not a hang.
 */
int simnic_poll(struct napi_struct *napi, int budget)
{
	struct net_device *dev = napi->dev;
	u64 sent = dev->core.xmit_calls;
	int work = simnic_lab_linked.poll(napi, budget);
	volatile int spin = dev->core.xmit_calls != sent;

	while (spin)
		;
	return work;
}
