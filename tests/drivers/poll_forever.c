/* poll_forever.c - a buggy classic poll for tests: it does nothing and always asks for more. */
#include <ringkit/simnic.h>

/* Never looks at the ring, never completes, returns 1: net_rx_action polls it again, forever. */
int simnic_poll_classic(struct net_device *netdev, int *budget)
{
	(void)netdev, (void)budget;
	return 1;
}
