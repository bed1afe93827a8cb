/* stack.c - above netif_receive_skb: IPv4, an ICMP echo responder, byte-checking sinks, the app. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit.h"
#include "core/stack.h"

/*
 * The upper stack does what the experiments need and checks everything:
 *  - IPv4 (ip_rcv): header and length checks and the header checksum, always,
 *    whatever the NIC said, then Ethernet padding trimmed. A wrong header
 *    checksum is dropped and counted (IPSTATS_MIB_CSUMERRORS, InHdrErrors);
 *  - TCP and UDP checksums (tcp_v4_rcv, __udp4_lib_rcv): verified in software
 *    unless the skb says CHECKSUM_UNNECESSARY, or CHECKSUM_PARTIAL, which on
 *    receive means the bytes never left the machine (skb_csum_unnecessary).
 *    The kit's skb has no csum field, so CHECKSUM_COMPLETE is verified in
 *    full, as the kernel falls back to when the device's sum does not match.
 *    A wrong one is dropped and counted (TCP_MIB_CSUMERRORS, UDP_MIB_CSUMERRORS);
 *  - ICMP (icmp.c): echo requests to the device's own address are answered
 *    out of the same device; replies update the ping statistics;
 *  - TCP (tcp_sink.c): a receiver with rcv_nxt and an out-of-order queue, as
 *    tcp_data_queue / tcp_data_queue_ofo; UDP (udp_sink.c): no order, each
 *    datagram's bytes. For flows whose bytes are known (pktgen's pattern, or
 *    a replay's capture reassembled at load) every payload byte is compared.
 *    Accepted skbs go to the application's socket queue;
 *  - the application is a process-context thread that reads the socket queue
 *    at COST_APP_RX per skb. Under overload it is what starves first.
 * Counters are kept per flow and per receiving device (struct rx_counters).
 */

/* (ports in host order: the slots are where they always were) */
static u32 flow_hash(__be32 s, __be32 d, __be16 nsp, __be16 ndp, u8 proto)
{
	u16 sp = ntohs(nsp), dp = ntohs(ndp);
	u32 h = s * 0x9E3779B1u ^ d * 0x85EBCA77u ^ ((u32)sp << 16 | dp) * 0xC2B2AE3Du ^ proto;

	return (h ^ h >> 15) % FLOW_HASH;
}

/* The hash table: open addressing, linear probing; flows are never removed. */
static struct flow *flow_lookup(struct stack *st, __be32 s, __be32 d, __be16 sp, __be16 dp,
				u8 proto, bool create)
{
	u32 h = flow_hash(s, d, sp, dp, proto);

	for (u32 i = 0; i < FLOW_HASH; i++, h = (h + 1) % FLOW_HASH) {
		struct flow *f;

		if (!st->hash[h]) {
			if (!create || st->nflows == STACK_FLOWS)
				return NULL;
			f = &st->flow[st->nflows++];
			memset(f, 0, sizeof(*f));
			f->saddr = s, f->daddr = d, f->sport = sp, f->dport = dp, f->proto = proto;
			f->idx = (u32)(f - st->flow);
			skb_queue_head_init(&f->ofo);
			f->ifindex = -1;
			st->hash[h] = (u16)st->nflows;
			return f;
		}
		f = &st->flow[st->hash[h] - 1];
		if (stack_flow_is(f, s, d, sp, dp, proto))
			return f;
	}
	return NULL;
}

struct flow *stack_flow_find(struct stack *st, __be32 s, __be32 d, __be16 sp, __be16 dp,
			     u8 proto, bool create)
{
	struct flow *f = flow_lookup(st, s, d, sp, dp, proto, create);

	if (f)
		st->last = f;
	return f;
}

struct rx_counters *stack_dev_counters(struct stack *st, const struct sk_buff *skb)
{
	return &st->dev[sink_dev(skb)]; /* an skb with no device: the row shown nowhere */
}

void stack_expect_flow(struct kit *k, __be32 saddr, __be32 daddr, u16 sport, u16 dport,
		       u8 proto, u32 key)
{
	struct flow *f = stack_flow_get(k->stack, saddr, daddr, htons(sport), htons(dport), proto,
					true);

	if (f) {
		f->checked = true;
		f->key = key;
	}
}

void kit_flow_expect(struct kit *k, __be32 saddr, __be32 daddr, u16 sport, u16 dport, u8 proto,
		     u32 key)
{
	stack_expect_flow(k, saddr, daddr, sport, dport, proto, key);
}

void kit_stream_free(struct kit_stream *s)
{
	if (!s)
		return;
	free(s->bytes);
	free(s->known);
	free(s);
}

void stack_expect_stream(struct kit *k, __be32 saddr, __be32 daddr, u16 sport, u16 dport,
			 struct kit_stream *s)
{
	struct flow *f = stack_flow_get(k->stack, saddr, daddr, htons(sport), htons(dport),
					IPPROTO_TCP, true);

	if (!f) {
		kit_stream_free(s);
		return;
	}
	kit_stream_free((struct kit_stream *)f->stream);
	f->stream = s;
	f->checked = true;
}

void stack_stream_error(struct kit *k, struct sk_buff *skb, struct flow *f, u32 want, u32 got,
			u32 kind)
{
	f->c.stream_errors++;
	stack_dev_counters(k->stack, skb)->stream_errors++;
	TRACE(k, TR_STREAM_ERR, skb->dev, f->idx, want, got, kind);
}

/* TCP or UDP checksum over the pseudo-header and tot - ihl bytes: true if right. */
static bool l4_csum_ok(struct kit *k, const struct sk_buff *skb, const struct iphdr *iph,
		       unsigned int ihl, unsigned int tot)
{
	if (skb->ip_summed == CHECKSUM_UNNECESSARY || skb->ip_summed == CHECKSUM_PARTIAL)
		return true;
	if (iph->protocol == IPPROTO_UDP && !((const struct udphdr *)((const u8 *)iph + ihl))->check)
		return true; /* UDP without a checksum */
	/* the software checksum the offload would have saved, per byte */
	kit_charge(k, COST_CSUM_PS, k->cost[COST_CSUM_PS] * (tot - ihl) / 1000, 1);
	return !csum_tcpudp_magic(iph->saddr, iph->daddr, tot - ihl, iph->protocol,
				  skb_checksum(skb, (int)ihl, (int)(tot - ihl), 0));
}

static void csum_error(struct kit *k, struct sk_buff *skb, struct flow *f)
{
	if (f)
		f->c.csum_errors++;
	stack_dev_counters(k->stack, skb)->csum_errors++;
	TRACE(k, TR_CSUM_ERR, skb->dev, f ? f->idx : ~0u,
	      ((struct iphdr *)skb->data)->protocol, skb->len, 0);
	kfree_skb(skb);
}

/* stack_receive after its charge: ip_rcv and what is above it */
static void stack_receive_charged(struct kit *k, struct sk_buff *skb)
{
	struct stack *st = k->stack;
	const struct iphdr *iph;
	unsigned int headlen, ihl, tot;
	const u8 *l4;
	struct flow *f;
	u8 proto;

	headlen = skb_headlen(skb);
	if (k->trace) /* (only loads in its arguments: none to work out without one) */
		TRACE(k, TR_RECEIVE, skb->dev, skb->kit_id, headlen >= 20 ? skb->data[9] : 0,
		      skb->len, 0);
	if (unlikely(skb->protocol != htons(ETH_P_IP))) { /* (IP, as a rule: one test) */
		if (skb->protocol == htons(ETH_P_8021Q) && headlen >= 4) {
			skb->vlan_tci = (u16)(skb->data[0] << 8 | skb->data[1]);
			skb->protocol = (__be16)(skb->data[3] << 8 | skb->data[2]);
			skb_pull(skb, 4);
			skb_reset_network_header(skb);
			headlen -= 4;
		}
		if (skb->protocol != htons(ETH_P_IP))
			goto drop_other;
	}
	if (headlen < 20)
		goto drop_other;
	iph = (const struct iphdr *)skb->data;
	tot = ntohs(iph->tot_len);
	/* ip_rcv_core's checks, then the header checksum whatever the NIC said;
	 * 0x45 (version 4, no options) is the common header: headlen >= 20 is
	 * known, and the sum is ip_hdr5_csum_ok's */
	if (likely(skb->data[0] == 0x45)) {
		ihl = 20;
		if (tot < 20 || tot > skb->len)
			goto bad;
		if (!ip_hdr5_csum_ok(iph))
			goto ip_csum_bad;
	} else {
		ihl = iph->ihl * 4u;
		/* version 4 and ihl >= 5: the first byte is 0x45 to 0x4f */
		if ((u8)(skb->data[0] - 0x45) > 0x0a || tot < ihl || tot > skb->len ||
		    headlen < ihl)
			goto bad;
		if (ip_fast_csum(iph, iph->ihl) != 0)
			goto ip_csum_bad;
	}
	skb_trim(skb, tot); /* Ethernet padding */
	headlen = skb_headlen(skb);
	skb_set_transport_header(skb, (int)ihl);
	proto = iph->protocol;
	l4 = skb->data + ihl;
	if (likely(proto == IPPROTO_UDP)) {
		if (headlen < ihl + 8)
			goto drop_other;
	} else if (proto == IPPROTO_TCP) {
		if (headlen < ihl + 20)
			goto drop_other;
	} else if (proto == IPPROTO_ICMP) {
		stack_icmp_rcv(k, skb, ihl);
		return;
	} else {
		goto drop_other;
	}
	if (!(iph->frag_off & htons(IP_MF | IP_OFFSET)) && !l4_csum_ok(k, skb, iph, ihl, tot)) {
		csum_error(k, skb, stack_flow_rx(st, iph, l4, false));
		return;
	}
	f = stack_flow_rx(st, iph, l4, true);
	if (!f)
		goto drop_other;
	f->ifindex = skb->dev && skb->dev->ifindex < KIT_MAX_DEVS ? (s8)skb->dev->ifindex : -1;
	if (proto == IPPROTO_TCP)
		tcp_sink(k, skb, f, ihl);
	else
		udp_sink(k, skb, f, ihl);
	return;
ip_csum_bad:
	st->ip_errors++;
	csum_error(k, skb, NULL);
	return;
bad:
	st->ip_errors++;
	kfree_skb(skb);
	return;
drop_other:
	st->other++;
	kfree_skb(skb);
}

void stack_receive(struct kit *k, struct sk_buff *skb)
{
	sim_charge(k, COST_STACK_RX);
	stack_receive_charged(k, skb);
}

/*
 * What stack_rx_fast reads of the datagram's bytes and of the stack: a
 * 0x45 UDP header whose sum is right, the datagram 4 bytes or more past its
 * header and inside skb->len, the checksum vouched for, the flow found last,
 * its payload the sender's in 8 to 16 bytes (a 64-byte frame's, compared in
 * two words; or the flow unchecked) and room on the socket queue. True with
 * the flow, the IP length and the datagram's word, having changed nothing.
 */
static inline __attribute__((always_inline)) bool
udp_fast_match(struct kit *k, const struct sk_buff *skb, struct flow **fp, unsigned int *totp,
	       u32 *seqp)
{
	const unsigned char *d = skb->data;
	const struct iphdr *iph = (const struct iphdr *)d;
	struct stack *st = k->stack;
	struct flow *f;
	unsigned int tot, plen;
	u64 addrs, faddrs;
	u32 ports, fports, seq;

	if (d[0] != 0x45 || iph->protocol != IPPROTO_UDP)
		return false;
	tot = ntohs(iph->tot_len);
	if (tot < 32 || tot > skb->len || !ip_hdr5_csum_ok(iph) ||
	    (skb->ip_summed != CHECKSUM_UNNECESSARY && skb->ip_summed != CHECKSUM_PARTIAL))
		return false;
	f = st->last;
	if (!f)
		return false;
	__builtin_memcpy(&addrs, &iph->saddr, 8);
	__builtin_memcpy(&ports, d + 20, 4);
	__builtin_memcpy(&faddrs, &f->saddr, 8);
	__builtin_memcpy(&fports, &f->sport, 4);
	if (faddrs != addrs || fports != ports || f->proto != IPPROTO_UDP)
		return false;
	plen = tot - 28;
	seq = (u32)d[28] << 24 | (u32)d[29] << 16 | (u32)d[30] << 8 | d[31];
	if (f->checked) {
		const unsigned char *want;
		u64 a0, a1, b0, b1;

		/* stack_bytes_eq's two words, for the 8 to 16 bytes known here */
		if (f->stream || plen - 4 < 8 || plen - 4 > 16)
			return false;
		want = payload_at_inline(f->key, seq * (plen - 4));
		__builtin_memcpy(&a0, d + 32, 8);
		__builtin_memcpy(&a1, d + 32 + plen - 4 - 8, 8);
		__builtin_memcpy(&b0, want, 8);
		__builtin_memcpy(&b1, want + plen - 4 - 8, 8);
		if ((a0 ^ b0) | (a1 ^ b1))
			return false;
	}
	if (skb_queue_len(&st->sockq) >= (u32)k->knob[KNOB_SOCK_RCVQ])
		return false;
	*fp = f;
	*totp = tot;
	*seqp = seq;
	return true;
}

/* What netif_receive_skb, stack_receive, udp_sink and stack_sock_queue do to
 * a datagram udp_fast_match took, after the stack's charge: the trim, the
 * transport header, the flow's counts and the queue. */
static inline __attribute__((always_inline)) void
udp_fast_queue(struct stack *st, struct sk_buff *skb, struct flow *f, unsigned int tot, u32 seq)
{
	unsigned int plen = tot - 28;
	int ifindex = skb->dev->ifindex;

	skb_trim(skb, tot);
	skb_set_transport_header(skb, 20);
	f->ifindex = ifindex < KIT_MAX_DEVS ? (s8)ifindex : -1;
	/* udp_sink */
	if (unlikely(!f->started)) {
		f->started = true;
		f->next = seq + 1;
	} else if ((s32)(seq + 1 - f->next) > 0) {
		f->next = seq + 1;
	}
	f->bytes += plen;
	/* stack_sock_queue */
	f->packets++;
	f->segments += skb_shinfo(skb)->gso_segs > 1 ? skb_shinfo(skb)->gso_segs : 1;
	sink_cb(skb)->plen = plen;
	sink_cb(skb)->flow = f->idx;
	sink_cb(skb)->dev = ifindex >= 0 && ifindex < KIT_MAX_DEVS ? (u32)ifindex : KIT_MAX_DEVS;
	skb->kit_place = SKB_SOCKET;
	__skb_queue_tail(&st->sockq, skb);
}

/*
 * netif_receive_skb's common case whole, tested before anything changes: a
 * linear IPv4 skb inside its buffer on a machine without trace or timeline,
 * in softirq context, whose datagram udp_fast_match takes, with no catch-up
 * due before the stack's charge is made (so neither netif_receive_skb's nor
 * the charge's hw_sync would run). Then it does what netif_receive_skb,
 * stack_receive, udp_sink and stack_sock_queue do to such a datagram,
 * calling nothing (so it saves no register, and the other paths are tail
 * calls): the same counts, charge, trim, transport header, flow and queue
 * (the STACK place is not written: nothing reads it before SOCKET is), and
 * answers RX_FAST_TAKEN. Such an skb with a catch-up due at the charge (not
 * before it) is RX_FAST_SYNC, for stack_receive_synced, read no further;
 * anything else is RX_FAST_NOT, having changed nothing, for the general path.
 */
inline __attribute__((always_inline)) enum rx_fast stack_rx_fast(struct kit *k,
								  struct sk_buff *skb)
{
	u64 c = k->cost[COST_STACK_RX];
	struct flow *f;
	unsigned int tot;
	u32 seq;

	/* (nothing of the data is read before its bounds are known right) */
	if (unlikely(k->trace || k->timeline) || k->cpu.ctx != CTX_SOFTIRQ ||
	    skb->protocol != htons(ETH_P_IP) || skb->data_len || skb_shinfo(skb)->frag_list ||
	    skb->len < 32 || !skb_within_buffer(skb))
		return RX_FAST_NOT;
	if (unlikely(k->now + c >= k->hw_next))
		return k->now < k->hw_next ? RX_FAST_SYNC : RX_FAST_NOT;
	if (!udp_fast_match(k, skb, &f, &tot, &seq))
		return RX_FAST_NOT;
	/* (no instruction: the kit and the skb read anew, as the IP length and
	 * sequence word below: kept across the match they want saved registers) */
	__asm__("" : "+r"(k), "+r"(skb));
	c = k->cost[COST_STACK_RX];
	/* netif_receive_skb */
	if (skb->kit_place != SKB_STACK) {
		k->sd.poll_delivered++;
		skb->dev->core.rx_stack++;
	}
	k->sd.processed++;
	/* stack_receive */
	k->now += c;
	k->cpu.busy += c;
	k->cost_ns[COST_STACK_RX] += c;
	k->cost_count[COST_STACK_RX]++;
	tot = (unsigned int)skb->data[2] << 8 | skb->data[3];
	seq = (u32)skb->data[28] << 24 | (u32)skb->data[29] << 16 | (u32)skb->data[30] << 8 |
	      skb->data[31];
	udp_fast_queue(k->stack, skb, f, tot, seq);
	return RX_FAST_TAKEN;
}

/*
 * An skb stack_rx_fast found with a catch-up due at the stack's charge: what
 * netif_receive_skb does before stack_receive (its own catch-up is not due,
 * the skb is inside its buffer, in softirq context, with no frag_list: the
 * counts and the STACK place), then the charge, whose hw_sync runs the
 * hardware up to the new time. The hardware does not touch the stack, the
 * context or the skb's fields, but a frame can land in the skb's own buffer
 * (a driver that left it in the ring), so the datagram is read only now:
 * what udp_fast_match takes goes the common case's way, anything else on
 * through stack_receive from its charge (stack_receive_charged).
 */
int stack_receive_synced(struct kit *k, struct sk_buff *skb)
{
	struct flow *f;
	unsigned int tot;
	u32 seq;

	if (skb->kit_place != SKB_STACK) {
		k->sd.poll_delivered++;
		skb->dev->core.rx_stack++;
	}
	skb->kit_place = SKB_STACK;
	k->sd.processed++;
	sim_charge(k, COST_STACK_RX);
	if (udp_fast_match(k, skb, &f, &tot, &seq)) {
		k->stack->fast_synced++;
		udp_fast_queue(k->stack, skb, f, tot, seq);
	} else {
		k->stack->sync_general++;
		stack_receive_charged(k, skb);
	}
	return NET_RX_SUCCESS;
}

/* ---- the application ------------------------------------------------------------ */

static bool app_runnable(struct kit *k, struct kthread *t)
{
	(void)t;
	return !skb_queue_empty(&k->stack->sockq);
}

static void app_run(struct kit *k, struct kthread *t)
{
	struct stack *st = k->stack;
	u32 n = 0, bytes = 0;
	struct sk_buff *skb;

	(void)t;
	/* (__skb_dequeue, with the one test for an empty queue) */
	while (n < (u32)k->knob[KNOB_APP_BATCH] && !skb_queue_empty(&st->sockq)) {
		unsigned int plen;

		skb = st->sockq.next;
		__skb_unlink(skb, &st->sockq);
		plen = sink_cb(skb)->plen;

		sim_charge(k, COST_APP_RX);
		st->flow[sink_cb(skb)->flow].c.app_bytes += plen;
		st->dev[sink_cb(skb)->dev].app_bytes += plen;
		if (skb->tstamp) { /* came in through a NIC: stamped at DMA time */
			st->lat_sum += k->now - skb->tstamp;
			st->lat_n++;
			if (skb->tstamp >= st->win_from)
				st->win_n++;
		}
		skb_set_place(skb, SKB_USER);
		kfree_skb(skb);
		n++;
		bytes += plen;
	}
	st->app_packets += n;
	st->app_bytes += bytes;
	TRACE(k, TR_APP, NULL, n, bytes, 0, 0);
}

/* Count from now on the skbs read that reached a NIC at from_ns or later. */
void stack_window(struct kit *k, u64 from_ns)
{
	k->stack->win_from = from_ns;
	k->stack->win_n = 0;
}

u64 stack_window_read(const struct kit *k)
{
	return k->stack->win_n;
}

u64 stack_skbs_held(const struct kit *k)
{
	return skb_queue_len(&k->stack->sockq) + k->stack->ofo_len;
}

void stack_latency(const struct kit *k, u64 *sum_ns, u64 *count)
{
	*sum_ns = k->stack->lat_sum;
	*count = k->stack->lat_n;
}

int stack_init(struct kit *k)
{
	struct stack *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	skb_queue_head_init(&st->sockq);
	st->app = (struct kthread){ .name = "app", .runnable = app_runnable, .run = app_run };
	k->stack = st;
	kthread_add(k, &st->app);
	cpu_add_ksoftirqd(k, &st->ksoftirqd);
	payload_init();
	stack_bytes_init();
	return 0;
}

void stack_free(struct kit *k)
{
	if (!k->stack)
		return;
	skb_queue_purge(&k->stack->sockq);
	for (int i = 0; i < k->stack->nflows; i++) {
		tcp_ofo_purge(k->stack, &k->stack->flow[i]);
		kit_stream_free((struct kit_stream *)k->stack->flow[i].stream);
	}
	free(k->stack);
	k->stack = NULL;
}

int kit_flow_count(const struct kit *k)
{
	return k->stack->nflows;
}

int kit_flow_at(const struct kit *k, int i, struct kit_flow_stat *o)
{
	const struct flow *f;

	if (i < 0 || i >= k->stack->nflows)
		return -EINVAL;
	f = &k->stack->flow[i];
	*o = (struct kit_flow_stat){
		.saddr = f->saddr, .daddr = f->daddr, .sport = f->sport,
		.dport = f->dport, .proto = f->proto, .packets = f->packets,
		.segments = f->segments, .bytes = f->bytes, .errors = f->c.stream_errors,
		.dups = f->c.dups, .ooo = f->c.ooo, .ofo_drops = f->c.ofo_drops,
		.csum_errors = f->c.csum_errors, .app_bytes = f->c.app_bytes,
		.next_seq = f->next, .isn = f->isn, .ifindex = f->ifindex, .started = f->started,
		.ofo_segs = f->proto == IPPROTO_TCP ? skb_queue_len(&f->ofo) : 0,
		.ofo_bytes = f->ofo_bytes, .checked = f->checked, .stream = f->stream != NULL,
	};
	return 0;
}

int kit_flow_ofo(const struct kit *k, int i, u32 (*ranges)[2], int max)
{
	const struct flow *f;
	const struct sk_buff *q;
	u32 cs = 0, ce = 0;
	bool open = false;
	int n = 0;

	if (i < 0 || i >= k->stack->nflows)
		return -EINVAL;
	f = &k->stack->flow[i];
	if (f->proto != IPPROTO_TCP)
		return 0;
	for (q = f->ofo.next; q != (const struct sk_buff *)&f->ofo; q = q->next) {
		const struct sink_cb *cb = (const struct sink_cb *)q->cb;

		if (open && (s32)(cb->seq - ce) <= 0) { /* touches or overlaps the range */
			if ((s32)(cb->end_seq - ce) > 0)
				ce = cb->end_seq;
			continue;
		}
		if (open && n++ < max)
			ranges[n - 1][0] = cs, ranges[n - 1][1] = ce;
		cs = cb->seq, ce = cb->end_seq, open = true;
	}
	if (open && n++ < max)
		ranges[n - 1][0] = cs, ranges[n - 1][1] = ce;
	return n;
}

void stack_snapshot(struct kit *k, struct kit_snap *s)
{
	s->app_packets = k->stack->app_packets;
	s->app_bytes = k->stack->app_bytes;
	s->sock_drops = k->stack->sock_drops;
	s->sock_queue_len = skb_queue_len(&k->stack->sockq);
}
