/* param.c - every tunable in one table: the cost model, kernel knobs, device settings. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kit.h"

/*
 * Rows are in enum kit_param_id order: costs (enum cost_id), then kernel
 * knobs (enum kit_knob), then per-device settings, which the simnic driver
 * applies (drivers/simnic_param.c). Sources: ../shared/reference/numbers.md;
 * "assumption" marks a default no measurement pins down.
 */
#define TB "netoptimizer/prototype-kernel time_bench_sample.c (E5-2695)"
#define ASSUME "assumption"
#define BIG 1000000000L

static const struct kit_param_desc params[P_NR] = {
	[COST_LOCK] = { "lock", PARAM_COST, "ns", 15, 0, BIG, "spin_lock + spin_unlock", TB },
	[COST_IRQSAVE] = { "irq_save", PARAM_COST, "ns", 15, 0, BIG,
			   "local_irq_save + local_irq_restore", TB },
	[COST_BH] = { "bh", PARAM_COST, "ns", 7, 0, BIG, "local_bh_disable + local_bh_enable", TB },
	[COST_CALL] = { "call", PARAM_COST, "ns", 3, 0, BIG, "a call through a function pointer",
			TB },
	[COST_MMIO_WRITE] = { "mmio_write", PARAM_COST, "ns", 200, 0, BIG,
			      "posted register write: the doorbell (TDT/RDT)",
			      "assumption: a few hundred ns (no trustworthy figure); see the batching experiment" },
	[COST_MMIO_READ] = { "mmio_read", PARAM_COST, "ns", 500, 0, BIG,
			     "uncached register read (ICR in the interrupt handler)", ASSUME },
	[COST_DESC] = { "desc", PARAM_COST, "ns", 5, 0, BIG,
			"CPU writes or reads a descriptor it owns", ASSUME },
	[COST_CACHE_MISS] = { "cache_miss", PARAM_COST, "ns", 32, 0, BIG,
			      "CPU reads a line the NIC wrote (DD status)",
			      "Brouer, 10G wirespeed arithmetic (E5-2650)" },
	[COST_SKB_ALLOC] = { "skb_alloc", PARAM_COST, "ns", 40, 0, BIG,
			     "allocate and initialise an skb", ASSUME },
	[COST_SKB_FREE] = { "skb_free", PARAM_COST, "ns", 30, 0, BIG, "free an skb", ASSUME },
	[COST_DMA_MAP] = { "dma_map", PARAM_COST, "ns", 10, 0, BIG,
			   "dma_map_single or unmap, no IOMMU", ASSUME },
	[COST_COPY_PS] = { "copy", PARAM_COST, "ps/byte", 100, 0, BIG, "memcpy, per byte",
			   ASSUME " (10 GB/s)" },
	[COST_CSUM_PS] = { "csum", PARAM_COST, "ps/byte", 200, 0, BIG,
			   "Internet checksum in software, per byte", ASSUME " (5 GB/s)" },
	[COST_IRQ_ENTRY] = { "irq_entry", PARAM_COST, "ns", 1000, 0, BIG,
			     "hardware interrupt entry", ASSUME " (numbers.md: 1-2 us in all)" },
	[COST_IRQ_EXIT] = { "irq_exit", PARAM_COST, "ns", 500, 0, BIG, "hardware interrupt exit",
			    ASSUME },
	[COST_SOFTIRQ] = { "softirq", PARAM_COST, "ns", 50, 0, BIG,
			   "entering a softirq action (net_rx_action, net_tx_action)", ASSUME },
	[COST_QDISC] = { "qdisc", PARAM_COST, "ns", 25, 0, BIG,
			 "pfifo enqueue + dequeue of one skb", ASSUME },
	[COST_STACK_RX] = { "stack_rx", PARAM_COST, "ns", 500, 0, BIG,
			    "IP + TCP/UDP receive work per skb passed up", ASSUME },
	[COST_LRO] = { "lro_merge", PARAM_COST, "ns", 30, 0, BIG, "LRO session lookup + merge per packet",
		       ASSUME },
	[COST_GRO] = { "gro_merge", PARAM_COST, "ns", 40, 0, BIG,
		       "GRO: dev_gro_receive per packet (bucket walk, IPv4/TCP checks, merge)",
		       ASSUME " (no published per-packet figure; a little above lro_merge: "
		       "GRO compares the whole header)" },
	[COST_APP_RX] = { "app_rx", PARAM_COST, "ns", 500, 0, BIG,
			  "the application's recv() of one skb", ASSUME },
	[COST_CTXSW] = { "ctxsw", PARAM_COST, "ns", 800, 0, BIG,
			 "switch between process threads", ASSUME },

	[P_KNOB_FIRST + KNOB_NETDEV_BUDGET] = { "netdev_budget", PARAM_KERNEL, "packets", 300, 1,
						 1000000, "packets per net_rx_action round",
						 "net/core/dev.c" },
	[P_KNOB_FIRST + KNOB_NETDEV_BUDGET_US] = { "netdev_budget_usecs", PARAM_KERNEL, "us", 2000,
						    1, 1000000,
						    "time per net_rx_action round (2 jiffies)",
						    "net/core/hotdata.c, HZ=1000" },
	[P_KNOB_FIRST + KNOB_MAX_BACKLOG] = { "netdev_max_backlog", PARAM_KERNEL, "packets", 1000,
					      1, 1000000,
					      "netif_rx accepts while the backlog holds no more "
					      "than this (max + 1 in all)",
					      "net/core/hotdata.c" },
	[P_KNOB_FIRST + KNOB_DEV_TX_WEIGHT] = { "dev_tx_weight", PARAM_KERNEL, "packets", 64, 1,
						 1000000, "packets per qdisc_run before yielding",
						 "net/core/hotdata.c" },
	[P_KNOB_FIRST + KNOB_SOCK_RCVQ] = { "sock_rcvq", PARAM_KERNEL, "packets", 1024, 1,
					    1000000, "socket receive queue before drops", ASSUME },
	[P_KNOB_FIRST + KNOB_APP_BATCH] = { "app_batch", PARAM_KERNEL, "packets", 16, 1, 4096,
					    "skbs the application reads per step", ASSUME },
	[P_KNOB_FIRST + KNOB_LINK_MBPS] = { "link_speed", PARAM_KERNEL, "Mb/s", 10000, 10,
					    1000000, "wire speed", "numbers.md line rates" },
	[P_KNOB_FIRST + KNOB_WIRE_PEER] = { "wire_peer", PARAM_KERNEL, "0/1", 1, 0, 1,
					    "1: sn0 and sn1 back to back; 0: frames leave into a sink",
					    "LDD3 snull" },
	[P_KNOB_FIRST + KNOB_SKB_FAIL_EVERY] = { "fault_skb_alloc", PARAM_KERNEL, "n", 0, 0, BIG,
						  "fault: every Nth skb allocation fails (0 = never)",
						  "netdevsim-style fault knob" },
	[P_KNOB_FIRST + KNOB_GRO_NORMAL_BATCH] = { "gro_normal_batch", PARAM_KERNEL, "segments",
						    8, 1, 1000000,
						    "GRO_NORMAL segments batched on napi->rx_list "
						    "before netif_receive_skb_list",
						    "net/core/gro.c (sysctl net.core.gro_normal_batch)" },

	[P_TX_RING] = { "tx_ring", PARAM_DEVICE, "descriptors", SIMNIC_DEF_TXD, SIMNIC_MIN_DESC,
			SIMNIC_MAX_DESC, "TX descriptors (multiple of 8); ethtool -G tx", "e1000" },
	[P_RX_RING] = { "rx_ring", PARAM_DEVICE, "descriptors", SIMNIC_DEF_RXD, SIMNIC_MIN_DESC,
			SIMNIC_MAX_DESC, "RX descriptors (multiple of 8); ethtool -G rx", "e1000" },
	[P_RX_USECS] = { "rx_usecs", PARAM_DEVICE, "us", 0, 0, 100000,
			 "RX interrupt at most this long after the first frame; ethtool -C",
			 "ethtool coalescing" },
	[P_RX_FRAMES] = { "rx_frames", PARAM_DEVICE, "frames", 0, 0, 4096,
			  "RX interrupt once this many frames wait (0 = off); ethtool -C",
			  "ethtool coalescing" },
	[P_TX_USECS] = { "tx_usecs", PARAM_DEVICE, "us", 0, 0, 100000,
			 "TX interrupt delay after a write-back (TIDV; the driver sets IDE "
			 "when nonzero); ethtool -C", "8254x TIDV, e1000 TXD_CMD_IDE" },
	[P_ITR] = { "itr", PARAM_DEVICE, "ns", 0, 0, 10000000,
		    "minimum time between interrupts (ITR, 256 ns steps)", "8254x ITR" },
	[P_WEIGHT] = { "weight", PARAM_DEVICE, "packets", NAPI_POLL_WEIGHT, 0, 4096,
		       "NAPI weight: budget per poll (both eras)", "NAPI_POLL_WEIGHT" },
	[P_TX_QUEUE_LEN] = { "tx_queue_len", PARAM_DEVICE, "packets", 1000, 0, 1000000,
			     "qdisc length before drops", "ether_setup" },
	[P_XMIT_WIN] = { "xmit_win", PARAM_DEVICE, "packets", SIMNIC_DEF_TXD - 1, 1, SIMNIC_MAX_DESC,
			 "batch limit for btx/skb_blist; the driver sets it: free ring space at "
			 "open and wake, 1 on stop", "2007 batching howto" },
	[P_NAPI] = { "napi", PARAM_DEVICE, "mode", SIMNIC_NAPI_MODERN, 0, SIMNIC_IRQ_MODE_NR - 1,
		     "receive mode: none (netif_rx), classic (dev->poll), modern (napi_struct)",
		     "LDD3 17.8; napi.rst" },
	[P_BATCHING] = { "batching", PARAM_DEVICE, "mode", TX_BATCH_NONE, 0, TX_BATCH_NR - 1,
			 "TX batching: none, btx, skb_blist, xmit_more; ethtool -K",
			 "2007 proposals; 2014 xmit_more" },
	[P_LRO] = { "lro", PARAM_DEVICE, "0/1", 0, 0, 1, "deliver through generic LRO; ethtool -K",
		    "inet_lro" },
	[P_LRO_MAX_AGGR] = { "lro_max_aggr", PARAM_DEVICE, "packets", 32, 1, 64,
			     "LRO: packets per aggregate", "eHEA / inet_lro users" },
	[P_LRO_MAX_DESC] = { "lro_max_desc", PARAM_DEVICE, "sessions", SIMNIC_MAX_LRO_DESC, 1,
			     SIMNIC_MAX_LRO_DESC, "LRO: concurrent sessions", "inet_lro users" },
	[P_TX_WAKE] = { "tx_wake_thresh", PARAM_DEVICE, "descriptors", TX_WAKE_THRESHOLD, 1,
			SIMNIC_MAX_DESC,
			"free descriptors needed to wake a stopped queue (at most half the ring)",
			"e1000 TX_WAKE_THRESHOLD" },
	[P_RX_REFILL] = { "rx_refill", PARAM_DEVICE, "buffers", 16, 1, SIMNIC_MAX_DESC,
			  "RX buffers posted per RDT write", "e1000 E1000_RX_BUFFER_WRITE 16" },
	[P_WATCHDOG] = { "watchdog_timeo", PARAM_DEVICE, "jiffies", 5, 0, 100000,
			 "TX watchdog period and timeout (1 jiffy = 1 ms; 0: 5 * HZ, as the core "
			 "makes it when the device comes up)", "snull SNULL_TIMEOUT" },
	[P_FAULT_LOCKUP] = { "fault_lockup", PARAM_DEVICE, "n", 0, 0, BIG,
			     "fault: every Nth TX interrupt is lost (snull's lockup); a later "
			     "interrupt reclaims", "LDD3 snull" },
	[P_FAULT_DD_DELAY] = { "fault_dd_delay", PARAM_DEVICE, "ns", 0, 0, BIG,
			       "fault: TX status write-back comes this much later",
			       "netdevsim-style fault knob" },
	[P_BQL] = { "bql", PARAM_DEVICE, "0/1", 1, 0, 1,
		    "byte queue limits: stop the queue over the dql limit, bound the xmit_more "
		    "bulk; off = CONFIG_BQL=n (no bulking); ethtool -K",
		    "lib/dynamic_queue_limits.c (Linux 3.3)" },
	[P_RACE_RECLAIM] = { "race_tx_reclaim", PARAM_DEVICE, "n", 0, 0, BIG,
			     "race: at every Nth queue stop from the transmit path, another CPU's "
			     "TX reclaim runs just before netif_stop_queue (0 = never)",
			     "e1000 __e1000_maybe_stop_tx / clean_tx_irq barrier pairing" },
	[P_RACE_RX_IRQ] = { "race_rx_irq", PARAM_DEVICE, "n", 0, 0, BIG,
			    "race: at every Nth poll's end (its napi_complete_done, netif_rx_complete "
			    "or RX unmask) the next frame lands at once; modern NAPI: its interrupt, "
			    "already sent to another CPU, runs the handler there (0 = never)",
			    "napi_complete_done's MISSED; e1000_clean's complete-then-unmask" },
	[P_RX_VLAN] = { "rx_vlan", PARAM_DEVICE, "0/1", 1, 0, 1,
			"strip 802.1Q tags in the NIC (CTRL.VME), tag in the descriptor; "
			"ethtool -K rxvlan", "e1000_vlan_mode, 8254x CTRL.VME" },
	[P_GRO] = { "gro", PARAM_DEVICE, "0/1", 0, 0, 1,
		    "deliver through GRO (napi_gro_receive; modern NAPI only, exclusive with lro); "
		    "ethtool -K", "net/core/gro.c (2.6.29+)" },
};

int kit_param_count(void)
{
	return P_NR;
}

const struct kit_param_desc *kit_param_at(int i)
{
	return i >= 0 && i < P_NR ? &params[i] : NULL;
}

int kit_param_find(const char *name)
{
	for (int i = 0; i < P_NR; i++)
		if (!strcmp(params[i].name, name))
			return i;
	/* the kernel's spellings with dashes (rx-usecs) are accepted too */
	for (int i = 0; i < P_NR; i++) {
		const char *a = params[i].name, *b = name;

		while (*a && (*a == *b || (*a == '_' && *b == '-'))) {
			a++;
			b++;
		}
		if (!*a && !*b)
			return i;
	}
	return -1;
}

void param_defaults(struct kit *k)
{
	for (int i = 0; i < COST_NR; i++)
		k->cost[i] = (u64)params[i].def;
	for (int i = 0; i < KNOB_NR; i++)
		k->knob[i] = params[P_KNOB_FIRST + i].def;
}

long kit_param_get(const struct kit *k, struct net_device *dev, int id)
{
	if (id < 0 || id >= P_NR)
		return 0;
	if (id < COST_NR)
		return (long)k->cost[id];
	if (id < P_DEV_FIRST)
		return k->knob[id - P_KNOB_FIRST];
	if (!dev)
		dev = k->devs[0];
	return dev ? simnic_param_get(dev, id) : params[id].def;
}

static const char *const napi_words[] = { "none", "classic", "modern" };
static const char *const batch_words[] = { "none", "btx", "skb_blist", "xmit_more" };

const char *kit_param_word(int id, long v)
{
	if (id == P_NAPI && v >= 0 && v < (long)ARRAY_SIZE(napi_words))
		return napi_words[v];
	if (id == P_BATCHING && v >= 0 && v < (long)ARRAY_SIZE(batch_words))
		return batch_words[v];
	return NULL;
}

int kit_param_parse_word(int id, const char *w, long *v)
{
	static const struct { int id; const char *word; long v; } alias[] = {
		{ P_NAPI, "nonapi", SIMNIC_NONAPI }, { P_NAPI, "off", SIMNIC_NONAPI },
		{ P_NAPI, "old", SIMNIC_NAPI_CLASSIC }, { P_NAPI, "2.6", SIMNIC_NAPI_CLASSIC },
		{ P_NAPI, "new", SIMNIC_NAPI_MODERN }, { P_NAPI, "on", SIMNIC_NAPI_MODERN },
		{ P_BATCHING, "off", TX_BATCH_NONE }, { P_BATCHING, "batch", TX_BATCH_BTX },
		{ P_BATCHING, "hard_batch_xmit", TX_BATCH_BTX },
		{ P_BATCHING, "NETIF_F_BTX", TX_BATCH_BTX },
		{ P_BATCHING, "blist", TX_BATCH_SKB_BLIST },
		{ P_BATCHING, "batch_skbs", TX_BATCH_SKB_BLIST },
		{ P_BATCHING, "NETIF_F_BATCH_SKBS", TX_BATCH_SKB_BLIST },
		{ P_BATCHING, "more", TX_BATCH_XMIT_MORE },
		{ P_LRO, "on", 1 }, { P_LRO, "off", 0 },
		{ P_GRO, "on", 1 }, { P_GRO, "off", 0 },
		{ P_BQL, "on", 1 }, { P_BQL, "off", 0 },
		{ P_RX_VLAN, "on", 1 }, { P_RX_VLAN, "off", 0 },
	};

	for (long i = 0; i < (long)ARRAY_SIZE(napi_words); i++)
		if (id == P_NAPI && !strcasecmp(w, napi_words[i]))
			return (int)(*v = i, 0);
	for (long i = 0; i < (long)ARRAY_SIZE(batch_words); i++)
		if (id == P_BATCHING && !strcasecmp(w, batch_words[i]))
			return (int)(*v = i, 0);
	for (size_t i = 0; i < ARRAY_SIZE(alias); i++)
		if (alias[i].id == id && !strcasecmp(w, alias[i].word))
			return (int)(*v = alias[i].v, 0);
	return -EINVAL;
}

int kit_param_check(int id, long v, char *err, size_t errlen)
{
	const struct kit_param_desc *d = kit_param_at(id);

	if (!d) {
		if (err)
			snprintf(err, errlen, "unknown parameter");
		return -EINVAL;
	}
	if (v < d->min || v > d->max) {
		if (err)
			snprintf(err, errlen, "%s must be between %ld and %ld %s", d->name, d->min,
				 d->max, d->unit);
		return -EINVAL;
	}
	/* 8254x rings come in 128-byte blocks: 8 descriptors (SDM 13.4.27) */
	if ((id == P_TX_RING || id == P_RX_RING) && v % 8) {
		if (err)
			snprintf(err, errlen, "%s must be a multiple of 8 (the 8254x allocates "
				 "descriptors in 128-byte blocks)", d->name);
		return -EINVAL;
	}
	return 0;
}

int kit_param_set(struct kit *k, struct net_device *dev, int id, long v, char *err,
		  size_t errlen)
{
	kit_enter(k);
	if (kit_param_check(id, v, err, errlen))
		return -EINVAL;
	if (id < COST_NR) {
		k->cost[id] = (u64)v;
		return 0;
	}
	if (id < P_DEV_FIRST) {
		k->knob[id - P_KNOB_FIRST] = v;
		return 0;
	}
	if (dev)
		return simnic_param_set(dev, id, v, err, errlen);
	/* all devices; if one refuses, the ones already changed go back */
	long old[KIT_MAX_DEVS];

	for (int i = 0; i < k->ndevs; i++)
		old[i] = simnic_param_get(k->devs[i], id);
	for (int i = 0; i < k->ndevs; i++) {
		int rc = simnic_param_set(k->devs[i], id, v, err, errlen);

		if (rc) {
			for (int j = 0; j < i; j++)
				simnic_param_set(k->devs[j], id, old[j], NULL, 0);
			return rc;
		}
	}
	return 0;
}
