/* stack.h - the upper stack's private state, shared by stack.c and icmp.c. */
#ifndef KIT_CORE_STACK_H
#define KIT_CORE_STACK_H

#include "kit.h"

#define STACK_FLOWS 1024
#define FLOW_HASH 2048
#define PING_ID 0x5e1f

struct flow {
	__be32 saddr, daddr;
	u16 sport, dport;
	u8 proto;
	bool checked;	/* payload compared with payload_at(key, ...) */
	bool started;
	u32 key;
	u32 isn;	/* TCP: the SYN's sequence (0 without one); payload offset = seq - isn - 1 */
	u32 next;	/* TCP: next byte expected; UDP: next sequence word */
	u64 packets, segments, bytes, errors, dups;
};

struct stack {
	struct flow flow[STACK_FLOWS];
	int nflows;
	u16 hash[FLOW_HASH]; /* flow index + 1 */
	struct sk_buff_head sockq;
	u64 sock_drops, ip_errors, other;
	struct kthread app, ksoftirqd;
	u64 app_packets, app_bytes;
	u64 lat_sum, lat_n;	/* arrival (tstamp) to recv(), over the skbs read */
	u64 win_from, win_n;	/* skbs read that were stamped at win_from or later */
	struct kit_ping_stat ping;
};

void stack_icmp_rcv(struct kit *k, struct sk_buff *skb, unsigned int l4off);

#endif
