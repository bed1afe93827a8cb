/* simnic.h - the simnic driver's state and the lab contract: the functions students write. */
#ifndef RINGKIT_SIMNIC_H
#define RINGKIT_SIMNIC_H

#include "inet_lro.h"
#include "napi.h"
#include "netdevice.h"
#include "nic.h"
#include "types.h"
#include "workqueue.h"

/*
 * simnic is the driver for the kit's NIC, laid out like e1000: the frame in
 * kit/drivers/simnic.c (probe, open/stop, ethtool) and the data path in the
 * lab files (solutions/<lab>/ and labs/<lab>/). The kit calls the lab
 * functions only through adapter->ops, so another implementation can be
 * linked instead (make grade) or loaded from a .so (the shell's `driver`).
 *
 * Ring ownership, for both rings (e1000's convention):
 *   the NIC owns [head, tail)      head = TDH/RDH, tail = TDT/RDT registers
 *   the driver owns the rest:      next_to_clean .. head   done, to reclaim
 *                                  tail .. next_to_use     written, not yet posted
 *                                  next_to_use .. next_to_clean - 1   free
 * One slot always stays free, so next_to_use == next_to_clean means empty.
 */

#define SIMNIC_MIN_DESC 8
#define SIMNIC_MAX_DESC 4096
#define SIMNIC_DEF_TXD 256
#define SIMNIC_DEF_RXD 256
#define SIMNIC_MAX_LRO_DESC 8
#define SIMNIC_RXBUFFER 1536 /* bytes per RX buffer: a 1522-byte frame fits */

/* What e1000_irq_enable unmasks (e1000.h IMS_ENABLE_MASK, less RXSEQ: the kit
 * has no sequence errors). RXO is not in it: e1000 leaves overruns masked. */
#define IMS_ENABLE_MASK (E1000_IMS_RXT0 | E1000_IMS_TXDW | E1000_IMS_RXDMT0 | E1000_ICR_LSC)

/* e1000 wakes the queue when this many descriptors are free (capped for small rings). */
#define TX_WAKE_THRESHOLD 32
/*
 * Descriptors one frame needs: one (no scatter-gather, no context descriptor
 * in the kit). It stands for both of e1000's numbers: the count + 2 it wants
 * free on entry to xmit (the frame's descriptors, a context descriptor and a
 * gap) and the MAX_SKB_FRAGS + 7 it keeps free for the next frame; the one
 * empty slot is already kept by SIMNIC_DESC_UNUSED.
 */
#define DESC_NEEDED 1

struct simnic_buffer {
	struct sk_buff *skb; /* TX: to free once sent; RX: the posted buffer */
	dma_addr_t dma;	     /* its mapping */
	u16 length;	     /* mapped length */
	u64 time_stamp;	     /* ns when queued */
};

struct simnic_tx_ring {
	struct e1000_tx_desc *desc;	   /* descriptors, in host memory */
	dma_addr_t dma;			   /* their bus address */
	unsigned int count;		   /* number of descriptors */
	unsigned int next_to_use;	   /* the driver writes the next frame here */
	unsigned int next_to_clean;	   /* the driver reclaims from here */
	unsigned int wake_thresh;	   /* free descriptors needed to wake */
	struct simnic_buffer *buffer_info; /* one per descriptor */
};

struct simnic_rx_ring {
	struct e1000_rx_desc *desc;
	dma_addr_t dma;
	unsigned int count;
	unsigned int next_to_use;	   /* the next buffer is posted here */
	unsigned int next_to_clean;	   /* the next received frame is read here */
	unsigned int rx_buffer_len;	   /* bytes per posted buffer */
	unsigned int refill_batch;	   /* post buffers (and write RDT) this many at a time */
	struct simnic_buffer *buffer_info;
};

/* Unused descriptors, keeping one slot empty (E1000_DESC_UNUSED). */
#define SIMNIC_DESC_UNUSED(R)                                                 \
	((((R)->next_to_clean > (R)->next_to_use) ? 0 : (R)->count) +         \
	 (R)->next_to_clean - (R)->next_to_use - 1)

enum simnic_irq_mode {
	SIMNIC_NONAPI,	     /* interrupt per frame, netif_rx */
	SIMNIC_NAPI_CLASSIC, /* 2.6.20: dev->poll(dev, &budget) */
	SIMNIC_NAPI_MODERN,  /* napi_struct: poll(napi, budget) */
	SIMNIC_IRQ_MODE_NR
};

struct simnic_lab_ops;

/* adapter->flags bits (e1000's enum e1000_state_t) */
enum simnic_state_t {
	__SIMNIC_TESTING,
	__SIMNIC_RESETTING, /* reset_task running: a second one waits (e1000_reinit_locked) */
	__SIMNIC_DOWN,	    /* closed or going down: reclaim must not wake the queue */
};

/* Settings (ethtool, `set`), applied by the driver frame at open. */
struct simnic_config {
	unsigned int tx_ring, rx_ring;	  /* descriptors */
	unsigned int rx_usecs, rx_frames; /* RX coalescing */
	unsigned int tx_usecs;		  /* TX interrupt delay */
	unsigned int itr_ns;		  /* minimum gap between interrupts */
	unsigned int tx_wake;		  /* TX_WAKE_THRESHOLD */
	unsigned int rx_refill;		  /* buffers per RDT write */
	int lro_max_aggr, lro_max_desc;
	u64 fault_lockup, fault_dd_delay;
	bool rx_vlan;			  /* strip 802.1Q tags (CTRL.VME); ethtool -K rxvlan */
};

/* The driver's private data: netdev_priv(netdev). */
struct simnic_adapter {
	struct net_device *netdev;
	struct nic *hw;
	struct simnic_tx_ring tx_ring;
	struct simnic_rx_ring rx_ring;
	struct napi_struct napi;	    /* modern NAPI */
	enum simnic_irq_mode irq_mode;
	bool lro_enabled;		    /* deliver through lro_receive_skb */
	struct net_lro_mgr lro_mgr;
	struct net_lro_desc lro_arr[SIMNIC_MAX_LRO_DESC];
	const struct simnic_lab_ops *ops;   /* the lab functions in use */
	unsigned long flags;		    /* __SIMNIC_DOWN, __SIMNIC_RESETTING */
	struct work_struct reset_task;	    /* down + up, scheduled by tx_timeout */
	u32 txd_cmd;			    /* command bits of every TX descriptor: EOP, IFCS,
					     * RS, and IDE when tx-usecs delays TXDW (e1000) */
	bool rx_vlan;			    /* the NIC strips tags (CTRL.VME): deliver VP
					     * frames with their tag (vlan_hwaccel_*) */
	int irq_sem;			    /* classic NAPI (2.6.20 e1000): irq_disable
					     * calls not yet matched by an irq_enable; IMS
					     * is written when it drops to 0 */
	/* driver counters (e1000 names) */
	u64 restart_queue;		    /* queue restarted: a reclaim's wake or a reprieve */
	u64 tx_timeout_count;		    /* tx_timeout calls */
	u64 alloc_rx_buff_failed;	    /* RX buffers that could not be allocated */
	u64 hw_csum_good;		    /* frames the NIC's TCP/UDP checksum vouched for */
	u64 hw_csum_err;		    /* frames it flagged TCPE: the stack checks them */
	struct simnic_config cfg;	    /* what the frame applies at open */
};

/* ---------------------------------------------------------------------------
 * The lab contract. Each lab implements its group; the rest is linked from
 * solutions/. Names follow e1000 (and inet_lro for the LRO engine). A lab
 * calls another lab's functions through adapter->ops (as e1000 calls
 * adapter->clean_rx), so whichever implementation is loaded is the one used.
 */

/* lab xmit ------------------------------------------------------------------*/

/*
 * hard_start_xmit (e1000_xmit_frame). First make sure the frame fits: if
 * fewer than DESC_NEEDED descriptors are free, adapter->ops->maybe_stop_tx
 * (which re-checks after stopping); if the queue stays stopped return
 * NETDEV_TX_BUSY with skb untouched (a bug path: whoever filled the ring
 * should have stopped the queue). Otherwise put skb on the ring
 * (adapter->ops->tx_map), report its bytes to BQL (netdev_sent_queue),
 * wmb(), stop the queue if the next frame would not fit
 * (adapter->ops->maybe_stop_tx), write TDT (the doorbell), return
 * NETDEV_TX_OK: the driver now owns skb.
 */
netdev_tx_t simnic_xmit_frame(struct sk_buff *skb, struct net_device *netdev);

/*
 * Write one descriptor for skb at next_to_use: map skb->data, set address,
 * length, cmd adapter->txd_cmd (EOP|IFCS|RS, and IDE when tx-usecs is set),
 * clear status; remember skb in buffer_info; advance next_to_use. No
 * doorbell, no BQL. Returns 0, or -ENOSPC (nothing changed) if no descriptor
 * is free.
 */
int simnic_tx_map(struct simnic_adapter *adapter, struct sk_buff *skb);

/*
 * If fewer than size descriptors are free: stop the queue, smp_mb(), then
 * look again (a reclaim on another CPU may have run meanwhile) and restart it
 * if room appeared (a reprieve: restart_queue++). Returns true if the queue
 * is left stopped.
 */
bool simnic_maybe_stop_tx(struct simnic_adapter *adapter, unsigned int size);

/*
 * TX reclaim (e1000_clean_tx_irq), from the interrupt handler or the poll:
 * for each descriptor from next_to_clean whose status has DD: dma_rmb(),
 * unmap, count tx_packets/tx_bytes, free the skb, clear the slot. Store
 * next_to_clean, report the packets and bytes to BQL once
 * (netdev_completed_queue). Then, if anything was cleaned, the carrier is on
 * and at least tx_ring.wake_thresh descriptors are free: smp_mb(), and only
 * then look at the queue: stopped and the adapter not __SIMNIC_DOWN ->
 * xmit_win = free descriptors, netif_wake_queue, restart_queue++. Returns
 * true if it cleaned fewer than the whole ring.
 */
bool simnic_clean_tx_irq(struct simnic_adapter *adapter);

/*
 * The watchdog found the queue stopped for longer than watchdog_timeo: count
 * it (tx_timeout_count++) and schedule adapter->reset_task (schedule_work).
 * The reset itself, down and up with the rings cleaned, runs later in process
 * context (kworker); nothing may be reset here, in the timer.
 */
void simnic_tx_timeout(struct net_device *netdev);

/*
 * Empty the TX ring (e1000_clean_tx_ring), at reset and at close, with the
 * NIC's transmit engine off: unmap and free every skb still in buffer_info,
 * netdev_reset_queue, zero buffer_info and the descriptors, next_to_use =
 * next_to_clean = 0, TDH = TDT = 0.
 */
void simnic_clean_tx_ring(struct simnic_adapter *adapter);

/* lab batch ----------------------------------------------------------------*/

/*
 * hard_prep_xmit (2007 batch API), called by the core for each skb before the
 * driver lock: pad runts to ETH_ZLEN. Returns NETDEV_TX_OK, or a negative
 * errno when the skb could not be prepared: then the driver has freed it
 * (skb_put_padto frees on failure) and the core only counts tx_dropped.
 */
int simnic_prep_xmit(struct sk_buff *skb, struct net_device *netdev);

/*
 * hard_batch_xmit (NETIF_F_BTX): move skbs from list (== netdev->blist) onto
 * the ring until it is empty or the ring is full (adapter->ops->tx_map), each
 * one's bytes to BQL; one wmb() and one TDT write for the whole batch. If the
 * ring cannot take another frame (adapter->ops->maybe_stop_tx): xmit_win = 1;
 * otherwise xmit_win = free descriptors. Skbs left on the list stay there
 * (the core requeues them). Returns NETDEV_TX_OK, or NETDEV_TX_BUSY if the
 * ring was full on entry.
 */
int simnic_batch_xmit(struct sk_buff_head *list, struct net_device *netdev);

/*
 * hard_start_xmit for NETIF_F_BATCH_SKBS: skb != NULL is one frame, as
 * adapter->ops->xmit_frame; skb == NULL means "send netdev->skb_blist",
 * drained like simnic_batch_xmit, with one TDT write.
 */
netdev_tx_t simnic_xmit_frame_blist(struct sk_buff *skb, struct net_device *netdev);

/*
 * hard_start_xmit with xmit_more (3.18+; spelled netdev_xmit_more() since
 * 5.2): as simnic_xmit_frame, but write TDT only when !netdev_xmit_more() or
 * the queue is stopped (netif_xmit_stopped: by the driver or by BQL), since
 * then no later call will ring for this one. NETDEV_TX_BUSY on a full ring
 * first rings for what this train already wrote.
 */
netdev_tx_t simnic_xmit_frame_more(struct sk_buff *skb, struct net_device *netdev);

/* lab napi -----------------------------------------------------------------*/

/*
 * Every function of this lab calls the others, and those of lab xmit and
 * lab lro, through adapter->ops, so the one loaded is the one used. Where the
 * reference reaches each contract function (the modes a probe must try):
 *   intr              napi classic and modern, every interrupt
 *   intr_nonapi       napi none, every interrupt
 *   poll_classic      napi classic, every poll
 *   poll              napi modern, every poll
 *   clean_rx_irq      every poll, and intr_nonapi
 *   alloc_rx_buffers  every clean_rx_irq that took frames (and at open)
 *   clean_tx_irq      every poll (classic, modern) and intr_nonapi
 *   lro_receive_skb   napi classic or modern with lro on: every frame whose
 *                     checksum the NIC vouched for
 *   lro_vlan_hwaccel_receive_skb  the same, for a frame the NIC stripped a
 *                     tag from (rx_vlan on, the default, and VLAN traffic:
 *                     pktgen ... vlan N)
 *   lro_flush_all     every poll with lro on
 *   lro_flush_pkt     lro on, a TCP frame whose checksum the NIC did not
 *                     vouch for (TCPE, IXSM, or none checked)
 */

/*
 * The interrupt handler in NAPI mode (e1000_intr). Read ICR (reading clears
 * it); 0 means not ours: IRQ_NONE. Otherwise mask every cause (IMC ~0: TX
 * completions are the poll's work too) and schedule the poll (classic:
 * netif_rx_schedule_prep + __netif_rx_schedule; modern: napi_schedule_prep +
 * __napi_schedule). If the poll was scheduled already, e1000 unmasks again
 * (modern) or only gives back its irq_sem count (classic).
 */
irqreturn_t simnic_intr(int irq, void *data);

/*
 * The interrupt handler without NAPI (2.6.20 e1000_intr without
 * CONFIG_E1000_NAPI): whatever the cause, clean the RX ring (frames go up
 * with netif_rx) and reclaim TX, again until a pass finds nothing on either
 * (at most 10 passes).
 */
irqreturn_t simnic_intr_nonapi(int irq, void *data);

/*
 * Classic poll (2.6.20 e1000_clean): reclaim TX, handle at most
 * min(netdev->quota, *budget) frames, flush LRO, subtract what was done from
 * both *budget and quota. If the poll found nothing to do (no TX reclaimed,
 * no frame) or the device is going down: netif_rx_complete, unmask
 * (IMS_ENABLE_MASK), return 0; otherwise return 1. (Completing as soon as a
 * poll does less than it may, as LDD3's snull does, is a correct variant.)
 */
int simnic_poll_classic(struct net_device *netdev, int *budget);

/*
 * Modern poll (e1000_clean): reclaim TX, handle at most budget frames, flush
 * LRO. If TX is not clean or the budget was used up: return budget. Else
 * napi_complete_done and, only if it returned true (and the device is not
 * going down), unmask IMS_ENABLE_MASK; return the frames handled.
 */
int simnic_poll(struct napi_struct *napi, int budget);

/*
 * Receive up to work_to_do frames from next_to_clean while DD is set: unmap,
 * set the length, ip_summed (e1000_rx_checksum: CHECKSUM_UNNECESSARY only for
 * TCPCS or UDPCS without TCPE; IXSM means ignore), eth_type_trans, deliver
 * (netif_rx without NAPI; with LRO the LRO entry points, else
 * netif_receive_skb; a stripped tag, status VP, goes with the frame through
 * the vlan_hwaccel ones; a TCP frame LRO may not take first flushes its flow
 * with lro_flush_pkt), count rx_packets/rx_bytes, and refill through
 * alloc_rx_buffers in batches of rx_ring.refill_batch. Adds the frames
 * handled to *work_done. Returns true if any frame was handled.
 */
bool simnic_clean_rx_irq(struct simnic_adapter *adapter, int *work_done, int work_to_do);

/*
 * Post up to cleaned_count fresh buffers from next_to_use (allocate, map,
 * write the address, clear status), never filling the last free slot, then
 * write RDT once.
 */
void simnic_alloc_rx_buffers(struct simnic_adapter *adapter, int cleaned_count);

/* lab lro: the engine itself, with inet_lro's names (see inet_lro.h) ---------*/

/* The whole contract as a table: what the kit calls. */
struct simnic_lab_ops {
	netdev_tx_t (*xmit_frame)(struct sk_buff *, struct net_device *);
	int (*tx_map)(struct simnic_adapter *, struct sk_buff *);
	bool (*maybe_stop_tx)(struct simnic_adapter *, unsigned int);
	bool (*clean_tx_irq)(struct simnic_adapter *);
	void (*tx_timeout)(struct net_device *);
	void (*clean_tx_ring)(struct simnic_adapter *);
	int (*prep_xmit)(struct sk_buff *, struct net_device *);
	int (*batch_xmit)(struct sk_buff_head *, struct net_device *);
	netdev_tx_t (*xmit_frame_blist)(struct sk_buff *, struct net_device *);
	netdev_tx_t (*xmit_frame_more)(struct sk_buff *, struct net_device *);
	irqreturn_t (*intr)(int, void *);
	irqreturn_t (*intr_nonapi)(int, void *);
	int (*poll_classic)(struct net_device *, int *);
	int (*poll)(struct napi_struct *, int);
	bool (*clean_rx_irq)(struct simnic_adapter *, int *, int);
	void (*alloc_rx_buffers)(struct simnic_adapter *, int);
	void (*lro_receive_skb)(struct net_lro_mgr *, struct sk_buff *, void *);
	void (*lro_vlan_hwaccel_receive_skb)(struct net_lro_mgr *, struct sk_buff *,
					     struct vlan_group *, u16, void *);
	void (*lro_flush_all)(struct net_lro_mgr *);
	void (*lro_flush_pkt)(struct net_lro_mgr *, struct iphdr *, struct tcphdr *);
};

/* One row per function: its symbol name and its slot in the table. */
struct simnic_lab_fn {
	const char *name; /* e.g. "simnic_xmit_frame" */
	const char *lab;  /* "xmit", "batch", "napi", "lro" */
	size_t offset;	  /* offsetof(struct simnic_lab_ops, ...) */
};
extern const struct simnic_lab_fn simnic_lab_fns[];
extern const size_t simnic_lab_nfns;

/* The functions linked into this program (solutions/ unless make grade swapped a lab). */
extern const struct simnic_lab_ops simnic_lab_linked;

#endif
