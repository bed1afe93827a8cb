/* rules.c - kernel-style rule checks (BUG / WARNING lines with counters) and the seeded RNG. */
#include "kit.h"

static const struct {
	const char *name;
	bool bug;
} rules[RULE_NR] = {
	[RULE_RECEIVE_SKB_CONTEXT] = { "netif_receive_skb called outside softirq context "
				       "(use netif_rx from an interrupt handler)", true },
	[RULE_NETIF_RX_CONTEXT] = { "netif_rx called from a NAPI poll (the kernel allows it; "
				    "ringlab advises netif_receive_skb: netif_rx costs a second "
				    "pass through the backlog)", false },
	[RULE_POLL_OVER_BUDGET] = { "poll returned more than its budget", false },
	[RULE_COMPLETE_NOT_SCHED] = { "napi_complete on an instance that is not scheduled", true },
	[RULE_COMPLETE_AT_BUDGET] = { "poll completed NAPI but returned its whole budget "
				      "(returning budget means: poll me again)", false },
	[RULE_IRQ_BEFORE_COMPLETE] = { "RX interrupts unmasked while NAPI is still scheduled "
				       "(complete first, then unmask)", false },
	[RULE_TX_BUSY] = { "hard_start_xmit returned NETDEV_TX_BUSY "
			   "(stop the queue before the ring is full)", false },
	[RULE_XMIT_STOPPED] = { "hard_start_xmit called while the queue is stopped", false },
	[RULE_DOUBLE_FREE] = { "skb freed twice", true },
	[RULE_SKB_LEAK] = { "skb leaked: it is in no queue, ring or session", true },
	[RULE_DMA_FAULT] = { "DMA fault: the NIC was given an address outside mapped memory", true },
	[RULE_DESC_OVERWRITE] = { "driver wrote a descriptor the NIC still owns", true },
	[RULE_QUOTA_EXCEEDED] = { "classic poll handled more than min(quota, *budget) packets",
				  false },
	[RULE_BUDGET_NOT_UPDATED] = { "classic poll did not subtract its work from *budget and "
				      "dev->quota", false },
	[RULE_POLL_RET_CLASSIC] = { "classic poll returned 0 without netif_rx_complete, or "
				    "completed and returned 1", false },
	[RULE_WEIGHT_ZERO] = { "device with weight 0 scheduled: it is never polled", false },
	[RULE_TX_TIMEOUT] = { "NETDEV WATCHDOG: transmit queue timed out", false },
	[RULE_SOFT_LOCKUP] = { "soft lockup: a driver call ran too long", true },
	[RULE_IRQ_NOBODY_CARED] = { "irq: nobody cared (the handler never cleared ICR): line "
				    "disabled", true },
	[RULE_BQL_OVERCOMPLETE] = { "dql_completed: more bytes completed than were queued "
				    "(netdev_completed_queue must report what netdev_sent_queue "
				    "counted)", true },
};

const char *kit_rule_name(enum kit_rule r)
{
	return r < RULE_NR ? rules[r].name : "unknown rule";
}

bool kit_rule_is_bug(enum kit_rule r)
{
	return r < RULE_NR && rules[r].bug;
}

u64 kit_rule_count(const struct kit *k, enum kit_rule r)
{
	return r < RULE_NR ? k->rule_count[r] : 0;
}

void kit_bug(struct kit *k, struct net_device *dev, enum kit_rule r)
{
	k->rule_count[r]++;
	TRACE(k, TR_BUG, dev, r, 0, 0, 0);
}

void kit_warn(struct kit *k, struct net_device *dev, enum kit_rule r)
{
	k->rule_count[r]++;
	TRACE(k, TR_WARN, dev, r, 0, 0, 0);
}

/* splitmix64: small, fast, and the same sequence on every machine */
u64 kit_random(struct kit *k)
{
	u64 z = (k->rng += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

u32 kit_random_below(struct kit *k, u32 n)
{
	return n ? (u32)(((kit_random(k) >> 32) * (u64)n) >> 32) : 0;
}
