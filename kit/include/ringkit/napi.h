/* napi.h - NAPI in both eras: 2.6.20's dev->poll and the modern (6.x) struct napi_struct. */
#ifndef RINGKIT_NAPI_H
#define RINGKIT_NAPI_H

#include "gro.h"
#include "list.h"
#include "netdevice.h"
#include "types.h"

/*
 * Classic NAPI, 2.6.20 (include/linux/netdevice.h, net/core/dev.c; the
 * device-level API lasted until 2.6.23): the device itself is on the poll
 * list. The driver's dev->poll(dev, &budget) handles at most
 * min(dev->quota, *budget) packets, subtracts what it did from both, and
 * returns 0 after netif_rx_complete() (done, interrupts back on) or 1 (more
 * work, keep me on the list). netif_rx_reschedule(dev, undo) is for a poll
 * that completed and then saw more work: 1 if it took the device back (undo
 * is given back to the quota), 0 if something else had scheduled it.
 * netif_poll_disable waits for a pending poll and then holds RX_SCHED;
 * netif_poll_enable lets go.
 */
int netif_rx_schedule_prep(struct net_device *dev);
void __netif_rx_schedule(struct net_device *dev);
void netif_rx_schedule(struct net_device *dev);
void netif_rx_complete(struct net_device *dev);
int netif_rx_reschedule(struct net_device *dev, int undo);
void netif_poll_disable(struct net_device *dev);
void netif_poll_enable(struct net_device *dev);

/*
 * Modern NAPI, as 6.x has it: an instance per queue (struct napi_struct
 * since 2.6.24; napi_schedule/napi_complete since 2.6.29; napi_complete_done
 * since 3.19, returning bool since 4.10; MISSED since 4.11). poll(napi,
 * budget) returns the packets it handled; returning budget means "poll me
 * again"; below budget the driver calls napi_complete_done() and unmasks
 * interrupts only if that returned true. napi_disable sets DISABLE and waits
 * until it can take SCHED (the kit runs a pending poll right then).
 * netif_napi_add keeps the weight argument it had until 6.1.
 */
#define NAPI_POLL_WEIGHT 64

enum {
	NAPI_STATE_SCHED,   /* scheduled or being polled */
	NAPI_STATE_MISSED,  /* a schedule came while SCHED was held */
	NAPI_STATE_DISABLE, /* napi_disable() pending */
	NAPI_STATE_NPSVC,   /* set while disabled (netpoll service, as the kernel) */
	NAPI_STATE_KIT_RESCHED, /* kit: rescheduled (MISSED) during its own poll */
};

struct napi_struct {
	struct list_head poll_list; /* on the CPU's poll list while scheduled */
	unsigned long state;	    /* NAPI_STATE_* bits */
	int weight;		    /* budget per poll */
	int (*poll)(struct napi_struct *napi, int budget);
	struct net_device *dev;
	/* GRO (4.19-6.14 layout, see gro.h) */
	unsigned long gro_bitmask;	    /* buckets of gro_hash holding packets */
	struct gro_list gro_hash[GRO_HASH_BUCKETS];
	struct sk_buff_head rx_list;	    /* GRO_NORMAL skbs for netif_receive_skb_list */
	int rx_count;			    /* segments on rx_list */
	/* the kit's */
	struct napi_gro_stats gro_stats;
	bool in_poll;		    /* the core is inside poll() right now */
	int last_budget;	    /* budget of the last poll */
	int last_work;		    /* what the last poll returned */
	unsigned long complete_general; /* napi_complete_done calls that took the
					 * general path (napi.c) */
	unsigned long schedule_general; /* __napi_schedule calls that did */
};

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
		    int (*poll)(struct napi_struct *, int), int weight);
void netif_napi_del(struct napi_struct *napi);
void napi_enable(struct napi_struct *napi);
void napi_disable(struct napi_struct *napi);
bool napi_schedule_prep(struct napi_struct *napi);
void __napi_schedule(struct napi_struct *napi);
bool napi_schedule(struct napi_struct *napi);
bool napi_complete_done(struct napi_struct *napi, int work_done);
/* napi_complete_done for any state (the kit's: napi_complete_done takes it for
 * all but its common one) */
bool napi_complete_done_general(struct napi_struct *napi, int work_done);
/* __napi_schedule for any instance and machine (the kit's, as above) */
void __napi_schedule_general(struct napi_struct *napi);

static inline bool napi_complete(struct napi_struct *napi)
{
	return napi_complete_done(napi, 0);
}

static inline bool napi_is_scheduled(const struct napi_struct *napi)
{
	return napi->state & (1UL << NAPI_STATE_SCHED);
}

#endif
