/* rules.c - rule checks (the kernel's BUG / WARNING lines, ringlab's own) with counters; the seeded RNG. */
#include <stdio.h>
#include <string.h>

#include "kit.h"

/*
 * One row per rule: the line it prints and who would print it. Kernel kinds
 * mirror a message the kernel itself gives, named in the comment with its
 * source; kit kinds are ringlab's own, for a real error the kernel would not
 * report (its hardware would misbehave silently) or for advice where the
 * kernel says nothing. docs/architecture.md lists them all.
 */
static const struct {
	const char *name;
	enum kit_rule_kind kind;
} rules[RULE_NR] = {
	/* netif_receive_skb's kernel-doc: "may only be called from softirq context";
	 * from hardirq, __local_bh_enable_ip's WARN_ON_ONCE(in_hardirq()) fires on the
	 * way up (kernel/softirq.c); from process context the kernel says nothing, and
	 * rx.c records it as advice */
	[RULE_RECEIVE_SKB_CONTEXT] = { "netif_receive_skb called outside softirq context "
				       "(use netif_rx from an interrupt handler)",
				       RULE_KERNEL_WARN },
	[RULE_NETIF_RX_CONTEXT] = { "netif_rx called from a NAPI poll (legal, but the frame "
				    "takes a second trip through the backlog: use "
				    "netif_receive_skb)", RULE_KIT_ADVICE },
	/* __napi_poll: netdev_err_once "NAPI poll function %pS returned %d, exceeding
	 * its budget of %d." (5.8+; WARN_ON_ONCE(work > weight) before), net/core/dev.c */
	[RULE_POLL_OVER_BUDGET] = { "NAPI poll function returned more than its budget",
				    RULE_KERNEL_WARN },
	/* napi_complete_done: WARN_ON_ONCE(!(val & NAPIF_STATE_SCHED)), net/core/dev.c */
	[RULE_COMPLETE_NOT_SCHED] = { "napi_complete_done on an instance that is not "
				      "scheduled", RULE_KERNEL_WARN },
	[RULE_COMPLETE_AT_BUDGET] = { "poll completed NAPI but returned its whole budget "
				      "(returning budget means: poll me again)", RULE_KIT_ADVICE },
	[RULE_IRQ_BEFORE_COMPLETE] = { "RX interrupts unmasked while NAPI is still scheduled "
				       "(complete first, then unmask)", RULE_KIT_ADVICE },
	[RULE_TX_BUSY] = { "hard_start_xmit returned NETDEV_TX_BUSY "
			   "(stop the queue before the ring is full)", RULE_KIT_ADVICE },
	[RULE_XMIT_STOPPED] = { "hard_start_xmit called while the queue is stopped",
				RULE_KIT_ADVICE },
	/* KASAN: "BUG: KASAN: double-free" (mm/kasan/report.c); SLUB debugging:
	 * "Object already free" (mm/slub.c) */
	[RULE_DOUBLE_FREE] = { "skb freed twice", RULE_KERNEL_BUG },
	/* kmemleak: "unreferenced object" (mm/kmemleak.c) */
	[RULE_SKB_LEAK] = { "skb leaked: it is in no queue, ring or session", RULE_KERNEL_BUG },
	/* an IOMMU reports the fault (DMAR); a bare 8254x writes wherever it is told */
	[RULE_DMA_FAULT] = { "DMA fault: the NIC was given an address outside mapped memory",
			     RULE_KIT_BUG },
	/* the 8254x would fetch the half-written descriptors; nothing is printed */
	[RULE_DESC_OVERWRITE] = { "driver wrote a descriptor the NIC still owns", RULE_KIT_BUG },
	[RULE_QUOTA_EXCEEDED] = { "classic poll handled more than min(quota, *budget) packets",
				  RULE_KIT_ADVICE },
	[RULE_BUDGET_NOT_UPDATED] = { "classic poll did not subtract its work from *budget and "
				      "dev->quota", RULE_KIT_ADVICE },
	[RULE_POLL_RET_CLASSIC] = { "classic poll returned 0 without calling netif_rx_complete "
				    "(net_rx_action would poll it again at once)",
				    RULE_KIT_ADVICE },
	[RULE_WEIGHT_ZERO] = { "device with weight 0 scheduled: it is never polled",
			       RULE_KIT_ADVICE },
	/* dev_watchdog: WARN_ONCE "NETDEV WATCHDOG: %s (%s): transmit queue %u timed out"
	 * (6.x; 2.6.20 printk "NETDEV WATCHDOG: %s: transmit timed out"), sch_generic.c */
	[RULE_TX_TIMEOUT] = { "NETDEV WATCHDOG: transmit queue timed out", RULE_KERNEL_WARN },
	/* the soft-lockup detector: "BUG: soft lockup - CPU#%d stuck for %us!" (kernel/watchdog.c) */
	[RULE_SOFT_LOCKUP] = { "soft lockup: a driver call ran too long", RULE_KERNEL_BUG },
	/* __report_bad_irq: "irq %d: nobody cared", then "Disabling IRQ #%d"
	 * (kernel/irq/spurious.c) */
	[RULE_IRQ_NOBODY_CARED] = { "irq: nobody cared (the handler never cleared ICR): line "
				    "disabled", RULE_KERNEL_BUG },
	/* lib/dynamic_queue_limits.c dql_completed: BUG_ON(count > num_queued - num_completed) */
	[RULE_BQL_OVERCOMPLETE] = { "dql_completed: more bytes completed than were queued "
				    "(netdev_completed_queue must report what netdev_sent_queue "
				    "counted)", RULE_KERNEL_BUG },
	/* 2.6.20 netif_rx_complete: BUG_ON(!test_bit(__LINK_STATE_RX_SCHED, &dev->state)),
	 * include/linux/netdevice.h */
	[RULE_RX_COMPLETE_NOT_SCHED] = { "netif_rx_complete on a device that is not scheduled",
					 RULE_KERNEL_BUG },
	/* 2.6.20 net_rx_action list_move_tail()s a device that netif_rx_complete took off
	 * the list with list_del: LIST_POISON, an oops */
	[RULE_POLL_MORE_AFTER_COMPLETE] = { "classic poll returned 1 after netif_rx_complete: "
					    "net_rx_action moves a device that is off the poll "
					    "list", RULE_KERNEL_BUG },
	/* napi_disable / netif_poll_disable sleep until they get SCHED; khungtaskd then
	 * reports "INFO: task %s:%d blocked for more than %ld seconds." (kernel/hung_task.c) */
	[RULE_NAPI_DISABLE_STUCK] = { "napi_disable waits for a poll that cannot finish (the "
				      "instance stays scheduled): a kernel would hang here",
				      RULE_KERNEL_WARN },
	/* KASAN: "BUG: KASAN: slab-out-of-bounds in %s" (mm/kasan/report.c); the kit's
	 * guard areas stand for the red zones (core/canary.c) */
	[RULE_MEM_CORRUPT] = { "KASAN: out-of-bounds write past a ring, buffer_info array or "
			       "skb buffer", RULE_KERNEL_BUG },
	/* skb_over_panic / skb_under_panic (net/core/skbuff.c skb_panic) */
	[RULE_SKB_OVER_PANIC] = { "skb_over_panic: the skb's data and len point outside its "
				  "buffer", RULE_KERNEL_BUG },
};

static u64 rule_totals[RULE_NR]; /* every machine of this process */

const char *kit_rule_name(enum kit_rule r)
{
	return r < RULE_NR ? rules[r].name : "unknown rule";
}

enum kit_rule_kind kit_rule_kind(enum kit_rule r)
{
	return r < RULE_NR ? rules[r].kind : RULE_KERNEL_BUG;
}

const char *kit_rule_prefix(enum kit_rule_kind kind)
{
	static const char *const prefix[RULE_KIND_NR] = {
		[RULE_KERNEL_BUG] = "BUG: ",
		[RULE_KERNEL_WARN] = "WARNING: ",
		[RULE_KIT_BUG] = "ringlab: BUG: ",
		[RULE_KIT_ADVICE] = "ringlab: advice: ",
	};

	return kind < RULE_KIND_NR ? prefix[kind] : "";
}

bool kit_rule_is_bug(enum kit_rule r)
{
	return r < RULE_NR && (rules[r].kind == RULE_KERNEL_BUG || rules[r].kind == RULE_KIT_BUG);
}

u64 kit_rule_count(const struct kit *k, enum kit_rule r)
{
	return r < RULE_NR ? k->rule_count[r] : 0;
}

u64 kit_rule_kind_count(const struct kit *k, enum kit_rule_kind kind)
{
	return kind < RULE_KIND_NR ? k->rule_kind_count[kind] : 0;
}

u64 kit_rule_total(enum kit_rule r)
{
	return r < RULE_NR ? rule_totals[r] : 0;
}

static void record(struct kit *k, struct net_device *dev, enum kit_rule r, enum kit_rule_kind kind)
{
	bool bug = kind == RULE_KERNEL_BUG || kind == RULE_KIT_BUG;
	bool kit = kind == RULE_KIT_BUG || kind == RULE_KIT_ADVICE;

	k->rule_count[r]++;
	k->rule_kind_count[kind]++;
	rule_totals[r]++;
	TRACE(k, bug ? TR_BUG : TR_WARN, dev, r, kit, 0, 0);
}

/* A copy of s in the machine's name table (a trace record holds its index). */
static u32 name_id(struct kit *k, const char *s)
{
	for (int i = 0; i < k->nbug_names; i++)
		if (!strcmp(k->bug_names[i], s))
			return (u32)i + 1;
	if (k->nbug_names == (int)ARRAY_SIZE(k->bug_names))
		return 0;
	snprintf(k->bug_names[k->nbug_names], sizeof(k->bug_names[0]), "%s", s);
	return (u32)++k->nbug_names;
}

const char *kit_bug_name(const struct kit *k, u32 id)
{
	return id && id <= (u32)k->nbug_names ? k->bug_names[id - 1] : "?";
}

/*
 * The record names the skb (c = id + 1) and, in d, three name-table indexes
 * of 8 bits: where it was allocated, who held it last or freed it first, and
 * the driver call running now (freeing it again).
 */
void kit_bug_skb(struct kit *k, struct net_device *dev, enum kit_rule r, struct sk_buff *skb)
{
	char site[64];
	u32 alloc, held, now;
	bool freed = r == RULE_DOUBLE_FREE;

	if (skb->kit_func && strchr(skb->kit_func, ' ')) /* "the kit's frame builder" */
		snprintf(site, sizeof(site), "%s", skb->kit_func);
	else
		snprintf(site, sizeof(site), "%s:%u", skb->kit_func ? skb->kit_func : "?",
			 skb->kit_line);
	alloc = name_id(k, site);
	held = name_id(k, freed ? kit_lab_fn_name(k, skb->kit_freer_dev, skb->kit_freer) :
				  kit_lab_fn_name(k, skb->kit_holder_dev, skb->kit_holder));
	now = name_id(k, kit_lab_fn_name(k, k->dev_running, k->lab_running));
	k->rule_count[r]++;
	k->rule_kind_count[kit_rule_kind(r)]++;
	rule_totals[r]++;
	TRACE(k, TR_BUG, dev, r, kit_rule_kind(r) == RULE_KIT_BUG, skb->kit_id + 1,
	      (alloc & 0xff) | (held & 0xff) << 8 | (now & 0xff) << 16 | (u32)freed << 24);
}

void kit_lockup(struct kit *k, struct net_device *dev, const char *fn, u32 count, int kind)
{
	enum kit_rule r = RULE_SOFT_LOCKUP;

	k->rule_count[r]++;
	k->rule_kind_count[kit_rule_kind(r)]++;
	rule_totals[r]++;
	TRACE(k, TR_BUG, dev, r, 0, count, (name_id(k, fn) & 0xff) | (u32)(kind + 1) << 24);
	kit_dev_mark_broken(k, dev);
	k->broke = true;
}

void driver_stuck(struct kit *k)
{
	struct net_device *dev = k->dev_running;
	u64 ms = (k->now - k->lab_enter_ns) / NSEC_PER_MSEC;
	enum kit_rule r = RULE_SOFT_LOCKUP;

	k->rule_count[r]++;
	k->rule_kind_count[kit_rule_kind(r)]++;
	rule_totals[r]++;
	TRACE(k, TR_BUG, dev, r, 0, (u32)ms,
	      (name_id(k, kit_lab_fn_name(k, dev, k->lab_running)) & 0xff) | 2u << 24);
	k->broke = true;
	k->broke_dev = dev;
	k->lab_enter_ns = k->now; /* reported once per DRIVER_LOCKUP_NS */
	if (k->on_lockup)
		k->on_lockup(k, k->on_lockup_arg); /* does not return */
}

void kit_set_lockup_handler(struct kit *k, void (*fn)(struct kit *k, void *arg), void *arg)
{
	k->on_lockup = fn;
	k->on_lockup_arg = arg;
}

void kit_bug(struct kit *k, struct net_device *dev, enum kit_rule r)
{
	record(k, dev, r, kit_rule_kind(r));
}

void kit_warn(struct kit *k, struct net_device *dev, enum kit_rule r)
{
	record(k, dev, r, kit_rule_kind(r));
}

void kit_advise(struct kit *k, struct net_device *dev, enum kit_rule r)
{
	record(k, dev, r, RULE_KIT_ADVICE);
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
