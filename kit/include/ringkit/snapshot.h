/* snapshot.h - plain structs describing the machine, for the shell, the view and the grader. */
/*
 * Era: ringlab's own API, no kernel's; kernel names in it say their era where
 * they are declared (netdevice.h, napi.h).
 */
#ifndef RINGKIT_SNAPSHOT_H
#define RINGKIT_SNAPSHOT_H

#include "netdevice.h"
#include "sim.h"
#include "simnic.h"
#include "skbuff.h"
#include "types.h"

struct kit;

/* Who a descriptor slot belongs to right now. */
enum slot_owner {
	SLOT_FREE,   /* the driver's, empty */
	SLOT_DRIVER, /* written by the driver, not yet given to the NIC (tail behind) */
	SLOT_HW,     /* the NIC's: between head and tail */
	SLOT_DONE,   /* the NIC finished it (DD), the driver has not reclaimed it */
	SLOT_OWNER_NR
};
const char *slot_owner_name(enum slot_owner o);

struct slot_snap {
	u8 owner;   /* enum slot_owner */
	u8 status;  /* descriptor status byte (DD, EOP...) */
	u16 len;    /* descriptor length field */
	u32 skb_id; /* skb in buffer_info, 0 if none */
};

struct ring_snap {
	unsigned int count;
	unsigned int head;	    /* TDH / RDH */
	unsigned int tail;	    /* TDT / RDT */
	unsigned int next_to_use;
	unsigned int next_to_clean;
	unsigned int unused;	    /* SIMNIC_DESC_UNUSED */
	unsigned int n[SLOT_OWNER_NR]; /* slots per owner */
	struct slot_snap slots[SIMNIC_MAX_DESC];
};

enum napi_view_state { NAPI_VIEW_IDLE, NAPI_VIEW_SCHEDULED, NAPI_VIEW_POLLING };

struct lro_sess_snap {
	__be32 saddr, daddr;
	__be16 sport, dport;
	u32 next_seq;
	u32 pkts;
	u32 bytes;
};

/* A packet GRO holds (gro_hash) */
struct gro_flow_snap {
	__be32 saddr, daddr;
	__be16 sport, dport;
	u32 next_seq;		/* the byte after what it holds */
	u32 segs;		/* NAPI_GRO_CB count */
	u32 bytes;		/* skb->len, IP header on */
	u32 bucket;
	u64 age_jiffies;	/* jiffies since it was held */
};

struct dev_snap {
	char name[IFNAMSIZ];
	int index;
	bool up, carrier, broken;
	enum simnic_irq_mode irq_mode;
	enum tx_batch_mode batch_mode;
	bool lro;

	/* TX queue */
	bool queue_stopped;
	unsigned int qdisc_len, tx_queue_len;
	int xmit_win;
	unsigned int tx_wake_thresh; /* in effect: the setting, at most half the ring */
	unsigned int blist_len;
	u64 last_batch;
	u64 tx_doorbells, rx_doorbells;
	/* BQL (dql.c): all 0 with bql off */
	bool bql;		     /* BQL on for this device */
	bool bql_stopped;	     /* __QUEUE_STATE_STACK_XOFF */
	unsigned int bql_limit;	     /* the dql limit, bytes */
	unsigned int bql_inflight;   /* bytes sent and not completed */
	int bql_avail;		     /* dql_avail: what the qdisc may bulk */

	/* interrupt line */
	u32 icr;		 /* causes pending */
	u32 ims;		 /* causes enabled */
	u32 itr;		 /* ITR register (256 ns units) */
	bool irq_asserted;	 /* pending & enabled: the line is up */
	bool throttled;		 /* ITR is holding the next interrupt back */
	u64 next_irq_ns;	 /* when it may fire, if pending */
	u32 rx_usecs, rx_frames, tx_usecs;

	/* NAPI */
	enum napi_view_state napi_state;
	bool napi_missed;
	int weight, quota;
	int last_budget, last_work;

	/* LRO */
	unsigned int lro_active;
	struct lro_sess_snap lro_sess[SIMNIC_MAX_LRO_DESC];
	u64 lro_aggregated, lro_flushed, lro_no_desc;
	int lro_max_aggr, lro_max_desc;

	/* GRO (the modern napi instance) */
	bool gro;
	unsigned int gro_held;	     /* packets held in gro_hash */
	unsigned int gro_rx_list;    /* skbs waiting on rx_list */
	struct gro_flow_snap gro_flow[GRO_HASH_BUCKETS * MAX_GRO_SKBS];
	struct napi_gro_stats gro_stats;

	struct ring_snap tx, rx;
};

struct kit_snap {
	u64 now;
	bool auto_mode;
	u64 steps;
	u64 cpu_ns[CTX_NR];	     /* busy time per context */
	u64 cost_ns[COST_NR];	     /* time charged per cost */
	u64 cost_count[COST_NR];     /* times charged */
	/* softnet (the one CPU) */
	unsigned int backlog_len;
	u64 backlog_drops, time_squeeze, softirq_runs;
	unsigned int poll_list_len;
	/* skbs */
	u64 skb_pool;		     /* skbs the pool holds, free or not */
	u64 skb_allocated, skb_freed;
	u64 skb_live[SKB_PLACE_NR];
	/* application */
	u64 app_packets, app_bytes, sock_drops;
	unsigned int sock_queue_len;
	/* rule checks: BUG lines (the kernel's and ringlab's), WARNING lines, ringlab's advice */
	u64 bugs, warnings, advice;
	/* what `step` will do next */
	bool idle;
	u64 next_ns;
	char next_what[96];
};

void kit_snapshot(struct kit *k, struct kit_snap *s);
/* Fills s; returns 0, or -ENODEV if dev is not a simnic device. */
int kit_dev_snapshot(struct net_device *dev, struct dev_snap *s);

/*
 * The stats table (e1000's {name, offset} idiom): one row per counter, the
 * kernel's names where the kernel has one. `stats`, `ethtool -S`, the view
 * and the grader all read it.
 */
struct kit_stat_desc {
	const char *name;
	const char *desc;
};
int kit_stat_count(void);
const struct kit_stat_desc *kit_stat_at(int i);
int kit_stat_find(const char *name);
u64 kit_dev_stat(struct net_device *dev, int i);

#endif
