/* poll_modern_forever.c - a buggy modern poll for tests: no work, yet it returns the whole budget. */
#include <ringkit/simnic.h>

/* Returning budget means "more to do, poll me again": it never completes. */
int simnic_poll(struct napi_struct *napi, int budget)
{
	(void)napi;
	return budget;
}
