/* stats.c - one table of counters (e1000's {name, offset} idiom) for stats, ethtool -S, the grader. */
#include <string.h>

#include "kit.h"
#include "core/stack.h"
#include "hw/nic_hw.h"

enum stat_id {
	S_RX_PACKETS, S_TX_PACKETS, S_RX_BYTES, S_TX_BYTES, S_RX_ERRORS, S_TX_ERRORS,
	S_RX_DROPPED, S_TX_DROPPED, S_RX_MISSED,
	S_DOORBELLS, S_RX_DOORBELLS, S_TX_BUSY, S_REQUEUES, S_QDISC_DROPS, S_QUEUE_STOPS,
	S_QUEUE_WAKES, S_RESTART_QUEUE, S_TX_TIMEOUTS, S_TX_TIMEOUT_COUNT, S_BQL_LIMIT,
	S_BQL_INFLIGHT, S_BQL_STOPS, S_XMIT_CALLS, S_BATCHES, S_BATCH_PKTS,
	S_IRQS, S_IRQS_LOST, S_POLLS, S_POLL_WORK, S_NAPI_COMPLETE, S_NAPI_MISSED, S_RX_STACK,
	S_LRO_AGGR, S_LRO_FLUSHED, S_LRO_NO_DESC, S_GRO_MERGED, S_GRO_HELD, S_GRO_FLUSHED,
	S_GRO_NORMAL, S_GRO_LISTS, S_HW_TX_FRAMES, S_HW_RX_FRAMES, S_DMA_FAULTS,
	S_ALLOC_FAILED, S_SINK_FRAMES, S_CSUM_GOOD, S_CSUM_ERR,
	S_RX_CSUM_ERRORS, S_RX_STREAM_ERRORS, S_RX_OOO, S_RX_DUPS, S_RX_OFO_DROPS, S_APP_BYTES,
	S_NR
};

static const struct kit_stat_desc stats[S_NR] = {
	[S_RX_PACKETS] = { "rx_packets", "frames the driver received" },
	[S_TX_PACKETS] = { "tx_packets", "frames the driver saw completed" },
	[S_RX_BYTES] = { "rx_bytes", "bytes the driver received" },
	[S_TX_BYTES] = { "tx_bytes", "bytes the driver saw completed" },
	[S_RX_ERRORS] = { "rx_errors", "receive errors" },
	[S_TX_ERRORS] = { "tx_errors", "transmit errors the driver counted" },
	[S_RX_DROPPED] = { "rx_dropped", "frames the driver dropped (no skb)" },
	[S_TX_DROPPED] = { "tx_dropped", "packets dropped before the driver (device down, "
					 "hard_prep_xmit)" },
	[S_RX_MISSED] = { "rx_missed_errors", "frames the NIC dropped: no free RX descriptor" },
	[S_DOORBELLS] = { "doorbells", "TX tail (TDT) writes" },
	[S_RX_DOORBELLS] = { "rx_doorbells", "RX tail (RDT) writes" },
	[S_TX_BUSY] = { "tx_busy", "NETDEV_TX_BUSY returns (each one a driver bug)" },
	[S_REQUEUES] = { "requeues", "skbs put back into the qdisc" },
	[S_QDISC_DROPS] = { "qdisc_drops", "the qdisc's drops: tail drops at tx_queue_len" },
	[S_QUEUE_STOPS] = { "queue_stops", "netif_stop_queue on a running queue" },
	[S_QUEUE_WAKES] = { "queue_wakes", "netif_wake_queue on a stopped queue" },
	[S_RESTART_QUEUE] = { "restart_queue", "stops undone on recheck (e1000's counter)" },
	[S_TX_TIMEOUTS] = { "tx_timeouts", "watchdog calls to tx_timeout" },
	[S_TX_TIMEOUT_COUNT] = { "tx_timeout_count", "timeouts the driver counted (e1000's "
				 "counter; each schedules reset_task)" },
	[S_BQL_LIMIT] = { "bql_limit", "BQL: the dql limit now, bytes" },
	[S_BQL_INFLIGHT] = { "bql_inflight", "BQL: bytes on the ring now (sent, not completed)" },
	[S_BQL_STOPS] = { "bql_stops", "BQL stopped the queue (STACK_XOFF)" },
	[S_XMIT_CALLS] = { "xmit_calls", "calls into the driver's transmit entry points" },
	[S_BATCHES] = { "batches", "hard_batch_xmit or hard_start_xmit(NULL) calls" },
	[S_BATCH_PKTS] = { "batch_pkts", "packets handed over in batches" },
	[S_IRQS] = { "irqs", "interrupts raised by the NIC" },
	[S_IRQS_LOST] = { "irqs_lost", "TX interrupts lost (fault_lockup)" },
	[S_POLLS] = { "polls", "NAPI polls" },
	[S_POLL_WORK] = { "poll_work", "packets the polls reported" },
	[S_NAPI_COMPLETE] = { "napi_complete", "NAPI completions" },
	[S_NAPI_MISSED] = { "napi_missed", "schedules that found NAPI running (MISSED)" },
	[S_RX_STACK] = { "rx_stack", "skbs passed up the stack" },
	[S_LRO_AGGR] = { "lro_aggregated", "packets LRO absorbed" },
	[S_LRO_FLUSHED] = { "lro_flushed", "aggregates LRO delivered" },
	[S_LRO_NO_DESC] = { "lro_no_desc", "packets with no free LRO descriptor" },
	[S_GRO_MERGED] = { "gro_merged", "segments GRO merged into a held packet" },
	[S_GRO_HELD] = { "gro_held", "flows GRO began to hold (GRO_HELD)" },
	[S_GRO_FLUSHED] = { "gro_flushed", "held packets GRO completed and passed up (gro flows)" },
	[S_GRO_NORMAL] = { "gro_normal", "skbs GRO passed up as they came (GRO_NORMAL)" },
	[S_GRO_LISTS] = { "gro_normal_lists", "gro_normal_list batches passed up" },
	[S_HW_TX_FRAMES] = { "hw_tx_frames", "frames the NIC put on the wire" },
	[S_HW_RX_FRAMES] = { "hw_rx_frames", "frames the NIC wrote into buffers" },
	[S_DMA_FAULTS] = { "dma_faults", "addresses the NIC refused" },
	[S_ALLOC_FAILED] = { "alloc_rx_buff_failed", "RX buffers the driver could not allocate" },
	[S_SINK_FRAMES] = { "sink_frames", "frames that left into the sink (wire_peer 0)" },
	[S_CSUM_GOOD] = { "rx_csum_offload_good", "frames whose TCP/UDP checksum the NIC vouched for "
			  "(e1000's hw_csum_good)" },
	[S_CSUM_ERR] = { "rx_csum_offload_errors", "frames the NIC flagged TCPE: left to the stack "
			 "(e1000's hw_csum_err)" },
	[S_RX_CSUM_ERRORS] = { "rx_csum_errors", "the stack dropped: IP header or TCP/UDP checksum "
			       "wrong (the kernel's CsumErrors)" },
	[S_RX_STREAM_ERRORS] = { "rx_stream_errors", "segments whose bytes differ from the "
				 "sender's: corrupted on the way up" },
	[S_RX_OOO] = { "rx_ooo", "TCP segments queued out of order (TCPOFOQueue)" },
	[S_RX_DUPS] = { "rx_dups", "TCP segments whose bytes were all there (D-SACK: "
			"TCPDSACKOldSent + TCPDSACKOfoSent)" },
	[S_RX_OFO_DROPS] = { "rx_ofo_drops", "out-of-order segments dropped: queue full "
			     "(TCPOFODrop)" },
	[S_APP_BYTES] = { "app_bytes", "payload bytes the application read" },
};

int kit_stat_count(void)
{
	return S_NR;
}

const struct kit_stat_desc *kit_stat_at(int i)
{
	return i >= 0 && i < S_NR ? &stats[i] : NULL;
}

int kit_stat_find(const char *name)
{
	for (int i = 0; i < S_NR; i++)
		if (!strcmp(stats[i].name, name))
			return i;
	return -1;
}

u64 kit_dev_stat(struct net_device *dev, int i)
{
	const struct net_device_stats *st = &dev->stats;
	const struct netdev_core_stats *c = &dev->core;
	struct simnic_adapter *a = simnic_is(dev) ? netdev_priv(dev) : NULL;
	struct nic *hw = dev->nic;
	static const struct rx_counters none;
	const struct rx_counters *rc = dev->ifindex >= 0 && dev->ifindex < KIT_MAX_DEVS
					       ? &dev->kit->stack->dev[dev->ifindex] : &none;

	switch ((enum stat_id)i) {
	case S_RX_PACKETS: return st->rx_packets;
	case S_TX_PACKETS: return st->tx_packets;
	case S_RX_BYTES: return st->rx_bytes;
	case S_TX_BYTES: return st->tx_bytes;
	case S_RX_ERRORS: return st->rx_errors;
	case S_TX_ERRORS: return st->tx_errors;
	case S_RX_DROPPED: return st->rx_dropped;
	case S_TX_DROPPED: return st->tx_dropped;
	case S_RX_MISSED: return st->rx_missed_errors;
	case S_DOORBELLS: return hw ? hw->tx_doorbells : 0;
	case S_RX_DOORBELLS: return hw ? hw->rx_doorbells : 0;
	case S_TX_BUSY: return c->tx_busy;
	case S_REQUEUES: return c->requeues;
	case S_QDISC_DROPS: return c->qdisc_drops;
	case S_QUEUE_STOPS: return c->queue_stops;
	case S_QUEUE_WAKES: return c->queue_wakes;
	case S_RESTART_QUEUE: return a ? a->restart_queue : 0;
	case S_TX_TIMEOUTS: return c->tx_timeouts;
	case S_TX_TIMEOUT_COUNT: return a ? a->tx_timeout_count : 0;
	case S_BQL_LIMIT: return dev->bql ? dev->tx_queue.dql.limit : 0;
	case S_BQL_INFLIGHT: return dev->bql ? dql_inflight(&dev->tx_queue.dql) : 0;
	case S_BQL_STOPS: return c->bql_stops;
	case S_XMIT_CALLS: return c->xmit_calls;
	case S_BATCHES: return c->batches;
	case S_BATCH_PKTS: return c->batch_pkts;
	case S_IRQS: return hw ? hw->irqs : 0;
	case S_IRQS_LOST: return hw ? hw->irqs_lost : 0;
	case S_POLLS: return c->polls;
	case S_POLL_WORK: return c->poll_work;
	case S_NAPI_COMPLETE: return c->napi_complete;
	case S_NAPI_MISSED: return c->napi_missed;
	case S_RX_STACK: return c->rx_stack;
	case S_GRO_MERGED: return a ? a->napi.gro_stats.merged : 0;
	case S_GRO_HELD: return a ? a->napi.gro_stats.held : 0;
	case S_GRO_FLUSHED: return a ? a->napi.gro_stats.flushed : 0;
	case S_GRO_NORMAL: return a ? a->napi.gro_stats.normal : 0;
	case S_GRO_LISTS: return a ? a->napi.gro_stats.normal_lists : 0;
	case S_LRO_AGGR: return a ? a->lro_mgr.stats.aggregated : 0;
	case S_LRO_FLUSHED: return a ? a->lro_mgr.stats.flushed : 0;
	case S_LRO_NO_DESC: return a ? a->lro_mgr.stats.no_desc : 0;
	case S_HW_TX_FRAMES: return hw ? hw->tx_frames : 0;
	case S_HW_RX_FRAMES: return hw ? hw->rx_frames : 0;
	case S_DMA_FAULTS: return hw ? hw->dma_faults : 0;
	case S_ALLOC_FAILED: return a ? a->alloc_rx_buff_failed : 0;
	case S_SINK_FRAMES: return hw ? hw->sink_frames : 0;
	case S_CSUM_GOOD: return a ? a->hw_csum_good : 0;
	case S_CSUM_ERR: return a ? a->hw_csum_err : 0;
	case S_RX_CSUM_ERRORS: return rc->csum_errors;
	case S_RX_STREAM_ERRORS: return rc->stream_errors;
	case S_RX_OOO: return rc->ooo;
	case S_RX_DUPS: return rc->dups;
	case S_RX_OFO_DROPS: return rc->ofo_drops;
	case S_APP_BYTES: return rc->app_bytes;
	case S_NR: break;
	}
	return 0;
}
