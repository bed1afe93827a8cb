/* inet_lro.h - generic LRO (IBM 2007), as include/linux/inet_lro.h in kernels 2.6.24 to 4.x. */
#ifndef RINGKIT_INET_LRO_H
#define RINGKIT_INET_LRO_H

#include "netdevice.h"
#include "proto.h"
#include "skbuff.h"
#include "types.h"

/*
 * The driver declares a manager and an array of descriptors (one per TCP
 * session being aggregated), and in its NAPI poll hands every received skb
 * to lro_receive_skb() instead of netif_receive_skb(); before leaving the
 * poll it calls lro_flush_all(). The kit implements skb mode only: the
 * page-fragment entry points (lro_receive_frags) are left out. The VLAN
 * entry point takes a struct vlan_group, as in the 2.6 kernels that had one
 * (the kit has no VLAN devices: drivers pass a NULL group with the tag).
 */

struct vlan_group; /* opaque, as only its pointer travels */

struct net_lro_stats {
	unsigned long aggregated; /* packets absorbed, first of a session included */
	unsigned long flushed;	  /* aggregates delivered, 1-packet ones included */
	unsigned long no_desc;	  /* packets for which no descriptor was free */
};

struct net_lro_desc {
	struct sk_buff *parent;	   /* the skb being grown (held) */
	struct sk_buff *last_skb;  /* tail of parent's frag_list */
	struct iphdr *iph;	   /* headers inside parent */
	struct tcphdr *tcph;
	struct vlan_group *vgrp;
	__wsum data_csum;	   /* running checksum of the payload */
	__be32 tcp_rcv_tsecr;	   /* last timestamp echo reply */
	__be32 tcp_rcv_tsval;	   /* first timestamp value (not updated) */
	__be32 tcp_ack;		   /* last ack */
	u32 tcp_next_seq;	   /* sequence number expected next */
	u32 skb_tot_frags_len;
	u16 ip_tot_len;		   /* accumulated IP total length */
	u16 tcp_saw_tstamp;	   /* the session carries timestamps */
	__be16 tcp_window;	   /* last window */
	u16 vlan_tag;
	int pkt_aggr_cnt;	   /* packets in this aggregate */
	int vlan_packet;
	int mss;		   /* largest payload seen */
	int active;
};

/* get_skb_header flags */
#define LRO_IPV4 1
#define LRO_TCP 2

/* net_lro_mgr.features */
#define LRO_F_NAPI 1		 /* deliver with netif_receive_skb, else netif_rx */
#define LRO_F_EXTRACT_VLAN_ID 2	 /* VLAN id already extracted */

struct net_lro_mgr {
	struct net_device *dev;
	struct net_lro_stats stats;
	unsigned long features;	 /* LRO_F_* */
	u32 ip_summed;		 /* for skbs passed up unaggregated (frags mode) */
	u32 ip_summed_aggr;	 /* for aggregates: CHECKSUM_UNNECESSARY/NONE */
	int max_desc;		 /* descriptors in lro_arr */
	int max_aggr;		 /* packets per aggregate */
	int frag_align_pad;
	struct net_lro_desc *lro_arr;
	/* find the IP and TCP headers; return 0 and set LRO_IPV4|LRO_TCP if it is TCP/IPv4 */
	int (*get_skb_header)(struct sk_buff *skb, void **ip_hdr, void **tcpudp_hdr,
			      u64 *hdr_flags, void *priv);
};

/* IP header without options, TCP header without and with the timestamp option, in words */
#define IPH_LEN_WO_OPTIONS 5
#define TCPH_LEN_WO_OPTIONS 5
#define TCPH_LEN_W_TIMESTAMP 8

void lro_receive_skb(struct net_lro_mgr *lro_mgr, struct sk_buff *skb, void *priv);
void lro_vlan_hwaccel_receive_skb(struct net_lro_mgr *lro_mgr, struct sk_buff *skb,
				  struct vlan_group *vgrp, u16 vlan_tag, void *priv);
void lro_flush_all(struct net_lro_mgr *lro_mgr);
void lro_flush_pkt(struct net_lro_mgr *lro_mgr, struct iphdr *iph, struct tcphdr *tcph);

/* What the engine calls to pass a VLAN packet up (vlan_hwaccel_receive_skb). */
int vlan_hwaccel_receive_skb(struct sk_buff *skb, struct vlan_group *grp, u16 vlan_tci);
int vlan_hwaccel_rx(struct sk_buff *skb, struct vlan_group *grp, u16 vlan_tci);

#endif
