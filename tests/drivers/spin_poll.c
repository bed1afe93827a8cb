/* spin_poll.c - a test driver whose NAPI poll never returns: the shell reports a soft lockup. */
#include <ringkit/ringkit.h>

int simnic_poll(struct napi_struct *napi, int budget)
{
	volatile int spin = 1;

	while (spin)
		; /* waiting for a descriptor that never comes, without looking at it */
	return 0;
}
