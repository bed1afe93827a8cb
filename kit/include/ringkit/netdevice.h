/* netdevice.h - struct net_device (2.6.20's, with the 2007 batching fields) and the TX/RX API. */
#ifndef RINGKIT_NETDEVICE_H
#define RINGKIT_NETDEVICE_H

/*
 * Each name here says the kernel it comes from. struct net_device is 2.6.20's:
 * its methods sit on the device (hard_start_xmit, tx_timeout, poll with quota
 * and weight), as they did until net_device_ops (2.6.29) and napi_struct
 * (2.6.24), because the 2007 batching patches extended exactly those slots.
 * The values the core and a driver exchange are the modern ones (netdev_tx_t,
 * NETDEV_TX_BUSY 0x10, NET_XMIT_*, dev_xmit_complete), since 2.6.20's
 * NETDEV_TX_BUSY 1 was the same number as NET_XMIT_DROP. docs/architecture.md
 * ("The kernel's eras") has the table of every name, value and version.
 */

#include "dynamic_queue_limits.h"
#include "list.h"
#include "sim.h"
#include "skbuff.h"
#include "types.h"

#define IFNAMSIZ 16
#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_ZLEN 60
#define ETH_DATA_LEN 1500
#define ETH_FRAME_LEN 1514

/*
 * hard_start_xmit return codes, modern values (include/linux/netdevice.h
 * enum netdev_tx): driver codes live in 0xf0, qdisc codes in 0x0f, so
 * dev_xmit_complete can tell "consumed" (OK, an errno, a qdisc code) from
 * BUSY. 2.6.20 had NETDEV_TX_OK 0, NETDEV_TX_BUSY 1, NETDEV_TX_LOCKED -1.
 * netdev_tx_t is an int here (the kernel's is an enum) so that it fits the
 * 2.6.20 method slot, which returns int.
 */
typedef int netdev_tx_t;
#define NETDEV_TX_OK 0x00   /* the driver took the skb */
#define NETDEV_TX_BUSY 0x10 /* it did not: the core requeues it (a driver bug) */
#define NETDEV_TX_MASK 0xf0

/* qdisc (dev_queue_xmit) return codes, the same in both eras */
#define NET_XMIT_SUCCESS 0x00
#define NET_XMIT_DROP 0x01 /* skb dropped */
#define NET_XMIT_CN 0x02   /* congestion notification */
#define NET_XMIT_MASK 0x0f

/* netif_rx / netif_receive_skb return codes, the same in both eras */
#define NET_RX_SUCCESS 0
#define NET_RX_DROP 1

/* The skb was consumed: sent, dropped with an error, or queued elsewhere (not BUSY). */
static inline bool dev_xmit_complete(int rc)
{
	return rc < NET_XMIT_MASK;
}

/* dev->features */
#define NETIF_F_SG (1UL << 0)
#define NETIF_F_IP_CSUM (1UL << 1)
#define NETIF_F_NO_CSUM (1UL << 2)
#define NETIF_F_HW_CSUM (1UL << 3)
#define NETIF_F_LLTX (1UL << 12)
#define NETIF_F_GRO (1UL << 14)	       /* 2.6.29: napi_gro_receive merges */
#define NETIF_F_LRO (1UL << 15)
#define NETIF_F_BTX (1UL << 20)	       /* 2007 batch API: hard_batch_xmit */
#define NETIF_F_BATCH_SKBS (1UL << 21) /* 2007 variant: hard_start_xmit(NULL) */

/* dev->flags */
#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_NOARP 0x80

/* dev->state bits (2.6.20 kept queue and RX-poll state on the device) */
enum netdev_state_t {
	__LINK_STATE_XOFF,	/* queue stopped by the driver */
	__LINK_STATE_START,	/* device is up */
	__LINK_STATE_PRESENT,
	__LINK_STATE_NOCARRIER,
	__LINK_STATE_RX_SCHED,	/* classic NAPI: on the poll list */
	__LINK_STATE_BROKEN,	/* kit: a driver call crashed on this device */
};

/*
 * How the core hands packets to this device's driver. Linux had only the
 * first and the last; the two 2007 proposals were never merged.
 */
enum tx_batch_mode {
	TX_BATCH_NONE,	    /* one hard_start_xmit per skb */
	TX_BATCH_BTX,	    /* NETIF_F_BTX: core fills dev->blist, hard_batch_xmit */
	TX_BATCH_SKB_BLIST, /* NETIF_F_BATCH_SKBS: hard_start_xmit(NULL) = skb_blist */
	TX_BATCH_XMIT_MORE, /* 2014: per-skb call, netdev_xmit_more() hint */
	TX_BATCH_NR
};

struct net_device_stats {
	unsigned long rx_packets;
	unsigned long tx_packets;
	unsigned long rx_bytes;
	unsigned long tx_bytes;
	unsigned long rx_errors;
	unsigned long tx_errors;
	unsigned long rx_dropped;
	unsigned long tx_dropped;
	unsigned long multicast;
	unsigned long collisions;
	unsigned long rx_length_errors;
	unsigned long rx_over_errors;
	unsigned long rx_crc_errors;
	unsigned long rx_frame_errors;
	unsigned long rx_fifo_errors;
	unsigned long rx_missed_errors;
	unsigned long tx_aborted_errors;
	unsigned long tx_carrier_errors;
	unsigned long tx_fifo_errors;
};

/* Counters the core keeps about a device; they are ringlab's, not the kernel's. */
struct netdev_core_stats {
	u64 tx_busy;	    /* NETDEV_TX_BUSY returns: each one is a driver bug */
	u64 requeues;	    /* skbs put back into the qdisc after BUSY */
	u64 qdisc_drops;    /* tail drops at tx_queue_len: the qdisc's qstats.drops */
	u64 queue_stops;    /* netif_stop_queue on a running queue */
	u64 queue_wakes;    /* netif_wake_queue on a stopped queue */
	u64 xmit_calls;	    /* hard_start_xmit / hard_batch_xmit calls */
	u64 xmit_stopped;   /* xmit calls made while the queue was stopped */
	u64 batches;	    /* hard_batch_xmit or hard_start_xmit(NULL) calls */
	u64 batch_pkts;	    /* packets handed over in those calls */
	u64 last_batch;	    /* size of the last batch */
	u64 tx_timeouts;    /* watchdog calls to tx_timeout */
	u64 bql_stops;	    /* BQL set __QUEUE_STATE_STACK_XOFF */
	u64 polls;	    /* NAPI polls of this device */
	u64 poll_work;	    /* packets those polls reported */
	u64 napi_complete;  /* completions */
	u64 napi_missed;    /* schedules that found the instance running */
	u64 rx_stack;	    /* skbs passed up (netif_receive_skb / netif_rx) */
	u64 empty_polls;    /* polls in a row that did nothing yet asked for more */
	int last_budget;    /* budget of the last poll */
	int last_work;	    /* work it reported */
};

struct Qdisc;
struct nic;
struct ethtool_ops;

/*
 * The device's one TX queue (2.6.24+ keeps per-queue state in struct
 * netdev_queue; BQL's dql lives there since 3.3). The driver's own stop bit
 * stays __LINK_STATE_XOFF in dev->state, as 2.6.20 had it: that is what
 * netif_stop_queue sets and netif_tx_queue_stopped reads. BQL stops the
 * queue with __QUEUE_STATE_STACK_XOFF here; the qdisc and the watchdog look
 * at both (netif_xmit_stopped).
 */
enum netdev_queue_state_t {
	__QUEUE_STATE_DRV_XOFF,	  /* (kept in dev->state as __LINK_STATE_XOFF) */
	__QUEUE_STATE_STACK_XOFF, /* BQL: too many bytes in flight */
	__QUEUE_STATE_FROZEN,	  /* (unused: one queue, never frozen) */
};

struct netdev_queue {
	struct net_device *dev;
	unsigned long state;	     /* __QUEUE_STATE_STACK_XOFF */
	struct dql dql;		     /* BQL: bytes in flight and their limit */
};

struct net_device {
	char name[IFNAMSIZ];
	int ifindex;
	unsigned long state;	     /* __LINK_STATE_* bits */
	unsigned long features;	     /* NETIF_F_* */
	unsigned int flags;	     /* IFF_* */
	unsigned int mtu;
	unsigned short hard_header_len;
	unsigned char addr_len;
	unsigned char dev_addr[ETH_ALEN];
	unsigned char broadcast[ETH_ALEN];
	__be32 ip_addr;		     /* the address the kit's stack answers on */
	unsigned int irq;	     /* interrupt line */
	unsigned long tx_queue_len;  /* qdisc limit, packets */
	int watchdog_timeo;	     /* jiffies; <= 0 means 5 * HZ */
	unsigned long trans_start;   /* jiffies of the last accepted transmit */
	struct net_device_stats stats;
	struct netdev_queue tx_queue; /* the one TX queue (the kernel's dev->_tx[0]) */

	/* TX batching, 2007 */
	int xmit_win;		     /* packets the core may batch onto the driver */
	struct sk_buff_head *blist;  /* NETIF_F_BTX: the batch the core filled */
	struct sk_buff_head *skb_blist; /* NETIF_F_BATCH_SKBS: the same idea */

	/* classic NAPI, 2.6.20 (gone in 2.6.24: struct napi_struct, napi.h) */
	struct list_head poll_list;  /* on the CPU's poll list while RX_SCHED */
	int (*poll)(struct net_device *dev, int *quota);
	int quota;		     /* what is left of this round's share */
	int weight;		     /* share per round */

	/* methods, 2.6.20 (net_device_ops since 2.6.29); hard_batch_xmit and
	 * hard_prep_xmit are the 2007 batch API's, never merged */
	int (*open)(struct net_device *dev);
	int (*stop)(struct net_device *dev);
	int (*hard_start_xmit)(struct sk_buff *skb, struct net_device *dev);
	int (*hard_batch_xmit)(struct sk_buff_head *list, struct net_device *dev);
	int (*hard_prep_xmit)(struct sk_buff *skb, struct net_device *dev);
	void (*tx_timeout)(struct net_device *dev);
	struct net_device_stats *(*get_stats)(struct net_device *dev);
	const struct ethtool_ops *ethtool_ops;

	/* the kit's */
	struct kit *kit;
	struct nic *nic;	     /* the hardware, NULL for a virtual device */
	struct Qdisc *qdisc;
	enum tx_batch_mode batch_mode;
	bool bql;		     /* BQL compiled in (CONFIG_BQL); off: its calls do nothing */
	struct netdev_core_stats core;
	struct sk_buff_head blist_head;
	struct sk_buff_head skb_blist_head;
	bool registered;
	void *priv;		     /* netdev_priv() */
};

static inline void *netdev_priv(const struct net_device *dev)
{
	return dev->priv;
}

/* allocation and registration */
struct net_device *alloc_netdev(int sizeof_priv, const char *name,
				void (*setup)(struct net_device *));
struct net_device *alloc_etherdev(int sizeof_priv);
void ether_setup(struct net_device *dev);
int register_netdev(struct net_device *dev);
void unregister_netdev(struct net_device *dev);
void free_netdev(struct net_device *dev);
int dev_open(struct net_device *dev);
int dev_close(struct net_device *dev);

static inline bool netif_running(const struct net_device *dev)
{
	return dev->state & (1UL << __LINK_STATE_START);
}

static inline bool netif_carrier_ok(const struct net_device *dev)
{
	return !(dev->state & (1UL << __LINK_STATE_NOCARRIER));
}

void netif_carrier_on(struct net_device *dev);
void netif_carrier_off(struct net_device *dev);

/* queue flow control */
void netif_start_queue(struct net_device *dev);
void netif_stop_queue(struct net_device *dev);
void netif_wake_queue(struct net_device *dev);

static inline bool netif_queue_stopped(const struct net_device *dev)
{
	return dev->state & (1UL << __LINK_STATE_XOFF);
}

static inline struct netdev_queue *netdev_get_tx_queue(struct net_device *dev, unsigned int i)
{
	(void)i;
	return &dev->tx_queue;
}

/*
 * The device a queue belongs to. Every netdev_queue is a device's tx_queue
 * (netdev_get_tx_queue), whose dev is the device itself (alloc_netdev), so
 * the device is found from the queue's address: no load of txq->dev.
 */
static inline const struct net_device *netdev_queue_dev(const struct netdev_queue *txq)
{
	return container_of(txq, const struct net_device, tx_queue);
}

/* The driver's stop (DRV_XOFF): what netif_stop_queue set. */
static inline bool netif_tx_queue_stopped(const struct netdev_queue *txq)
{
	return netif_queue_stopped(netdev_queue_dev(txq));
}

/* Stopped by the driver or by BQL: the core sends nothing while this holds. */
static inline bool netif_xmit_stopped(const struct netdev_queue *txq)
{
	return netif_queue_stopped(netdev_queue_dev(txq)) ||
	       (txq->state & (1UL << __QUEUE_STATE_STACK_XOFF));
}

/*
 * BQL (include/linux/netdevice.h, 3.3+). The driver reports bytes put on the
 * ring in its xmit (sent) and bytes the NIC finished once per reclaim round
 * (completed); reset when the ring is cleaned. __netdev_tx_sent_queue (4.20+)
 * is the xmit_more-aware form: in a train it only counts, and returns whether
 * the doorbell must be rung now.
 */
void netdev_tx_sent_queue(struct netdev_queue *txq, unsigned int bytes);
bool __netdev_tx_sent_queue(struct netdev_queue *txq, unsigned int bytes, bool xmit_more);
void netdev_tx_completed_queue(struct netdev_queue *txq, unsigned int pkts, unsigned int bytes);
void netdev_tx_reset_queue(struct netdev_queue *txq);
/* The qdisc's bulk budget in bytes: dql_avail, 0 without BQL (sch_generic.h). */
int qdisc_avail_bulklimit(const struct netdev_queue *txq);

/* The queue-0 forms single-queue drivers such as e1000 use. */
static inline void netdev_sent_queue(struct net_device *dev, unsigned int bytes)
{
	netdev_tx_sent_queue(netdev_get_tx_queue(dev, 0), bytes);
}

static inline void netdev_completed_queue(struct net_device *dev, unsigned int pkts,
					  unsigned int bytes)
{
	netdev_tx_completed_queue(netdev_get_tx_queue(dev, 0), pkts, bytes);
}

static inline void netdev_reset_queue(struct net_device *dev)
{
	netdev_tx_reset_queue(netdev_get_tx_queue(dev, 0));
}

static inline void netif_trans_update(struct net_device *dev)
{
	dev->trans_start = (unsigned long)(kit_now(dev->kit) / (NSEC_PER_SEC / HZ));
}

/* TX */
int dev_queue_xmit(struct sk_buff *skb);
void qdisc_run(struct net_device *dev);
/* true while the core has more skbs for this queue right behind this one:
 * the 5.2+ spelling of the hint merged in 3.18 as skb->xmit_more */
bool netdev_xmit_more(void);
/*
 * Padding a runt (include/linux/skbuff.h). skb_padto zeroes the bytes up to
 * len behind the data and leaves skb->len alone; skb_put_padto (3.19+) also
 * makes skb->len = len. Both return 0, or -ENOMEM after freeing the skb.
 */
int skb_pad(struct sk_buff *skb, int pad);
int skb_padto(struct sk_buff *skb, unsigned int len);
int skb_put_padto(struct sk_buff *skb, unsigned int len);

/* RX */
int netif_rx(struct sk_buff *skb);
int netif_rx_ni(struct sk_buff *skb);
int netif_receive_skb(struct sk_buff *skb);
__be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev);

#endif
