/* stack.h - the upper stack's private state, shared by stack.c, stack_bytes.c, the sinks
 * and icmp.c. */
#ifndef KIT_CORE_STACK_H
#define KIT_CORE_STACK_H

#include "kit.h"
#include "core/payload.h"

#define STACK_FLOWS 1024
#define FLOW_HASH 2048
#define PING_ID 0x5e1f
/* out-of-order segments held, per flow and in all (tcp_sink.c) */
#define TCP_OFO_FLOW_MAX 256
#define TCP_OFO_MAX 2048

/* The receiver's counters, per flow and per device (the one it arrived on). */
struct rx_counters {
	u64 stream_errors;	/* segments whose bytes differ from the sender's */
	u64 ooo;		/* segments queued out of order (TCPOFOQueue) */
	u64 dups;		/* segments whose bytes were all there (D-SACK) */
	u64 csum_errors;	/* IP header or TCP/UDP checksum wrong: dropped */
	u64 ofo_drops;		/* out-of-order segments with no room (TCPOFODrop) */
	u64 app_bytes;		/* bytes the application read */
};

struct flow {
	/* the tuple as the headers hold it (network order), laid out as there:
	 * addresses as at iphdr + 12, ports as at the start of tcphdr/udphdr,
	 * so the receive path compares each pair as one word (stack_flow_rx) */
	__be32 saddr, daddr;
	__be16 sport, dport;
	u8 proto;
	s8 ifindex;	/* the device its last segment arrived on, -1 none yet */
	bool checked;	/* payload compared with payload_at(key, ...) or stream */
	bool started;
	u32 key;
	u32 idx;	/* its index in stack.flow (trace records name it) */
	const struct kit_stream *stream; /* the sender's bytes (a replay), owned by the stack */
	u32 isn;	/* TCP: the SYN's sequence (0 without one); payload offset = seq - isn - 1 */
	u32 next;	/* TCP: rcv_nxt; UDP: the sequence word after the last one */
	struct sk_buff_head ofo; /* TCP: segments ahead of rcv_nxt, by sequence */
	u64 ofo_bytes;	/* payload bytes they hold */
	u64 packets, segments, bytes;
	struct rx_counters c;
};

/* Where an skb from the sink sits in the socket or out-of-order queue (skb->cb). */
struct sink_cb {
	u32 seq, end_seq; /* TCP: the payload's range */
	u32 plen;	  /* bytes new to the application */
	u32 flow;	  /* index in stack.flow */
	u32 dev;	  /* on the socket queue: its device's row of stack.dev (sink_dev) */
};

static inline struct sink_cb *sink_cb(struct sk_buff *skb)
{
	return (struct sink_cb *)skb->cb;
}

struct stack {
	struct flow flow[STACK_FLOWS];
	int nflows;
	u16 hash[FLOW_HASH]; /* flow index + 1 */
	struct flow *last; /* the flow stack_flow_get found last */
	struct sk_buff_head sockq;
	u64 sock_drops, ip_errors, other;
	u32 ofo_len;	/* segments on all out-of-order queues */
	/* per device; [KIT_MAX_DEVS]: an skb without one (counted, never shown) */
	struct rx_counters dev[KIT_MAX_DEVS + 1];
	struct kthread app, ksoftirqd;
	u64 app_packets, app_bytes;
	u64 lat_sum, lat_n;	/* arrival (tstamp) to recv(), over the skbs read */
	u64 win_from, win_n;	/* skbs read that were stamped at win_from or later */
	struct kit_ping_stat ping;
	/* stack_receive_synced's receives: taken the common case's way, and not */
	u64 fast_synced, sync_general;
};

/* stack.c: netif_receive_skb's common case (stack_rx_fast), and its turn with
 * a catch-up due at the stack's charge (stack_receive_synced: the skb taken;
 * out of line, so the common case's path saves no register for its call) */
enum rx_fast { RX_FAST_NOT, RX_FAST_TAKEN, RX_FAST_SYNC };
enum rx_fast stack_rx_fast(struct kit *k, struct sk_buff *skb);
__attribute__((noinline)) int stack_receive_synced(struct kit *k, struct sk_buff *skb);

void stack_icmp_rcv(struct kit *k, struct sk_buff *skb, unsigned int l4off);

/* stack.c; ports in network order, as in the headers */
static inline bool stack_flow_is(const struct flow *f, __be32 s, __be32 d, __be16 sp,
				 __be16 dp, u8 proto)
{
	return f->saddr == s && f->daddr == d && f->sport == sp && f->dport == dp &&
	       f->proto == proto;
}

/* The flow of a tuple in the hash (created if asked and there is room). */
struct flow *stack_flow_find(struct stack *st, __be32 s, __be32 d, __be16 sp, __be16 dp,
			     u8 proto, bool create);

/*
 * The flow of a tuple (created if asked and there is room). The one found
 * last is tried first, inline: a queue delivers runs of one flow's segments
 * (the runs LRO and GRO build on), so most skbs skip the hash.
 */
static inline struct flow *stack_flow_get(struct stack *st, __be32 s, __be32 d, __be16 sp,
					  __be16 dp, u8 proto, bool create)
{
	struct flow *f = st->last;

	if (f && stack_flow_is(f, s, d, sp, dp, proto))
		return f;
	return stack_flow_find(st, s, d, sp, dp, proto, create);
}

/*
 * The same for a received segment, straight from its headers: the address
 * pair (8 bytes at iph + 12) and the port pair (the first 4 bytes at l4) are
 * compared with the last flow's as one word each.
 */
static inline struct flow *stack_flow_rx(struct stack *st, const struct iphdr *iph,
					 const void *l4, bool create)
{
	struct flow *f = st->last;
	u64 addrs, faddrs;
	u32 ports, fports;
	__be16 p[2];

	__builtin_memcpy(&addrs, &iph->saddr, 8);
	__builtin_memcpy(&ports, l4, 4);
	if (f) {
		__builtin_memcpy(&faddrs, &f->saddr, 8);
		__builtin_memcpy(&fports, &f->sport, 4);
		if (faddrs == addrs && fports == ports && f->proto == iph->protocol)
			return f;
	}
	__builtin_memcpy(p, l4, 4);
	return stack_flow_find(st, iph->saddr, iph->daddr, p[0], p[1], iph->protocol, create);
}
struct rx_counters *stack_dev_counters(struct stack *st, const struct sk_buff *skb);
/* An skb's row of stack.dev: its device's, [KIT_MAX_DEVS] without one. Kept
 * in its sink_cb when it is queued for the application, whose read counts there. */
static inline u32 sink_dev(const struct sk_buff *skb)
{
	int i = skb->dev ? skb->dev->ifindex : -1;

	return i >= 0 && i < KIT_MAX_DEVS ? (u32)i : KIT_MAX_DEVS;
}
/* Hand plen new bytes to the socket receive queue (or drop them: queue full).
 * Inline: every segment a sink accepts comes through here. */
static inline void stack_sock_queue(struct kit *k, struct sk_buff *skb, struct flow *f,
				    unsigned int plen, u32 seq)
{
	struct stack *st = k->stack;

	f->packets++;
	f->segments += skb_shinfo(skb)->gso_segs > 1 ? skb_shinfo(skb)->gso_segs : 1;
	if (skb_queue_len(&st->sockq) >= (u32)k->knob[KNOB_SOCK_RCVQ]) {
		st->sock_drops++;
		TRACE(k, TR_SOCK_DROP, skb->dev, f->idx, 0, 0, 0);
		kfree_skb(skb);
		return;
	}
	sink_cb(skb)->plen = plen;
	sink_cb(skb)->flow = f->idx;
	sink_cb(skb)->dev = sink_dev(skb);
	skb_set_place(skb, SKB_SOCKET);
	__skb_queue_tail(&st->sockq, skb);
	if (k->trace) /* (only loads in its arguments: none to work out without one) */
		TRACE(k, TR_SOCK, skb->dev, f->idx, plen, seq, 0);
}
/* stack_payload_ok's general case (stack_bytes.c): segment by segment, or the
 * stream's bytes. */
bool stack_payload_walk(const struct sk_buff *skb, unsigned int off, unsigned int len,
			const struct flow *f, u32 seq, u32 stream_off);

/* stack_bytes_eq for any n, out of line (stack_bytes.c): 32-byte vectors from 32 on */
bool stack_bytes_eq_big(const unsigned char *a, const unsigned char *b, unsigned int n);
/* stack_bytes.c: the vectors where the CPU has them (stack_init asks once) */
void stack_bytes_init(void);

/*
 * n bytes at a and b are the same. The payload of a small frame (a 64-byte
 * UDP frame holds 14 after the sequence word) is compared as two 8-byte
 * words that overlap, inline; the call to memcmp would cost twice that.
 */
static inline bool stack_bytes_eq(const unsigned char *a, const unsigned char *b, unsigned int n)
{
	if (n >= 8 && n <= 16) {
		u64 a0, a1, b0, b1;

		__builtin_memcpy(&a0, a, 8);
		__builtin_memcpy(&a1, a + n - 8, 8);
		__builtin_memcpy(&b0, b, 8);
		__builtin_memcpy(&b1, b + n - 8, 8);
		return ((a0 ^ b0) | (a1 ^ b1)) == 0;
	}
	return stack_bytes_eq_big(a, b, n);
}

/* Compare len payload bytes at byte off of the skb with the sender's, from
 * stream_off. Inline in the sinks: a frame as the NIC wrote it has all of
 * them in the linear part, one compare. */
static inline bool stack_payload_ok(const struct sk_buff *skb, unsigned int off, unsigned int len,
				    const struct flow *f, u32 seq, u32 stream_off)
{
	unsigned int have = skb_headlen(skb);

	if (!f->stream && len <= have && off <= have - len)
		return stack_bytes_eq(skb->data + off, payload_at_inline(f->key, stream_off), len);
	return stack_payload_walk(skb, off, len, f, seq, stream_off);
}
void stack_stream_error(struct kit *k, struct sk_buff *skb, struct flow *f, u32 want, u32 got,
			u32 kind);

/* tcp_sink.c / udp_sink.c: take the skb (queue it or free it) */
void tcp_sink(struct kit *k, struct sk_buff *skb, struct flow *f, unsigned int l4off);
void udp_sink(struct kit *k, struct sk_buff *skb, struct flow *f, unsigned int l4off);
void tcp_ofo_purge(struct stack *st, struct flow *f);

#endif
