/* gro.h - GRO (generic receive offload), TCP/IPv4, as net/core/gro.c and tcp_offload.c have it in 5.x-6.14. */
#ifndef RINGKIT_GRO_H
#define RINGKIT_GRO_H

#include "skbuff.h"
#include "types.h"

/*
 * GRO appeared in 2.6.29 (Herbert Xu) and replaced inet_lro: a modern-era
 * API only, as it takes a struct napi_struct (2.6.20's classic NAPI had no
 * GRO). A NAPI driver hands every received skb to napi_gro_receive()
 * instead of netif_receive_skb(); the core keeps the packets it holds on
 * the napi instance's gro_hash, merges the next in-order segments of each
 * flow into them, and passes them up when a segment says so (PSH, FIN,
 * a short one...), when the flow's rules no longer hold, when its bucket is
 * full (the oldest goes), and at napi_complete_done() / a poll that used its
 * whole budget (napi_gro_flush). What it passes up waits on napi->rx_list
 * until gro_normal_batch segments are there or the poll ends (gro_normal_list).
 *
 * The layout is the one napi_struct carried from 4.19 (gro_hash buckets,
 * gro_bitmask) to 6.14 (6.15 moved it into struct gro_node). The bucket is
 * skb_get_hash_raw(skb) & 7; the 8254x computes no RSS hash, so every flow
 * of a simnic device lands in bucket 0: MAX_GRO_SKBS flows per instance.
 */

#define GRO_HASH_BUCKETS 8
#define MAX_GRO_SKBS 8		       /* held packets per bucket */
#define GRO_LEGACY_MAX_SIZE 65536u     /* dev->gro_max_size without BIG TCP */

enum gro_result {
	GRO_MERGED,	 /* merged into a held packet */
	GRO_MERGED_FREE, /* merged, and the skb itself may be freed (page frags) */
	GRO_HELD,	 /* held: a new flow */
	GRO_NORMAL,	 /* passed up as it came (through rx_list) */
	GRO_CONSUMED,
};
typedef enum gro_result gro_result_t;

/* skb->cb while GRO has the skb (include/net/gro.h). */
struct napi_gro_cb {
	struct sk_buff *last;	    /* tail of a held packet's frag_list, or itself */
	unsigned long age;	    /* jiffies when it was held */
	unsigned int data_offset;   /* where GRO is, from skb->data */
	u16 flush;		    /* may not be merged (or must complete the flow) */
	u16 count;		    /* segments this packet stands for */
	u8 same_flow;		    /* may be of the same flow as the new skb */
	u8 free;		    /* NAPI_GRO_FREE: the merged skb can go */
	u8 csum_cnt;		    /* checksums CHECKSUM_UNNECESSARY still vouches for */
	u8 ip_fixedid;		    /* the flow keeps one IP ID (DF set, same ID twice) */
};
#define NAPI_GRO_CB(skb) ((struct napi_gro_cb *)(skb)->cb)
#define NAPI_GRO_FREE 1

struct gro_list {
	struct sk_buff_head list; /* held packets, the youngest at the head */
	int count;
};

/* The kit's counters for one napi instance (no kernel keeps these). */
struct napi_gro_stats {
	u64 received;	/* napi_gro_receive calls */
	u64 merged;	/* segments merged into a held packet (GRO_MERGED) */
	u64 held;	/* new flows held (GRO_HELD) */
	u64 normal;	/* skbs passed up as they came (GRO_NORMAL) */
	u64 flushed;	/* held packets completed: gro_flows passed up, 1-segment ones too */
	u64 flush_oldest; /* of those, pushed out by a new flow in a full bucket */
	u64 normal_lists; /* gro_normal_list calls that passed skbs up */
	u64 up;		/* skbs passed up by them */
	u64 segs_up;	/* segments those skbs stand for */
};

struct napi_struct;

/* net/core/gro.c; 6.x returns gro_result_t */
gro_result_t napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb);
/* Complete the held packets, oldest first; flush_old: only those held before this jiffy. */
void napi_gro_flush(struct napi_struct *napi, bool flush_old);
/* Pass rx_list up (netif_receive_skb_list). */
void gro_normal_list(struct napi_struct *napi);

/* The kit's: held packets of the instance, and what one of them holds. */
unsigned int napi_gro_held(const struct napi_struct *napi);

#endif
