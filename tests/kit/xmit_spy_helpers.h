/* xmit_spy_helpers.h - for the alone packet's tests: a spy in sn0's hard_start_xmit, bursts of one. */
#ifndef TESTS_KIT_XMIT_SPY_HELPERS_H
#define TESTS_KIT_XMIT_SPY_HELPERS_H

#include "kit.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

/* The driver's own hard_start_xmit, which a test's spy calls after looking. */
static netdev_tx_t (*real_xmit)(struct sk_buff *skb, struct net_device *dev);

/* sn0's hard_start_xmit is spy from now on (put back with spy_remove). */
static inline void spy_install(netdev_tx_t (*spy)(struct sk_buff *, struct net_device *))
{
	real_xmit = sn0->hard_start_xmit;
	sn0->hard_start_xmit = spy;
}

static inline void spy_remove(void)
{
	sn0->hard_start_xmit = real_xmit;
}

/* xmit_frames_while's test for bursts of *arg frames (1: each its own alone packet). */
static inline bool burst_more(void *arg)
{
	int *left = arg;

	return (*left)-- > 0;
}

#endif
