/* stack.c - above netif_receive_skb: IPv4, an ICMP echo responder, byte-checking sinks, the app. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit.h"
#include "core/stack.h"

/*
 * The upper stack does what the experiments need and checks everything:
 *  - IPv4: header and length checks (the header checksum too unless the NIC
 *    vouched for it), Ethernet padding trimmed;
 *  - ICMP (icmp.c): echo requests to the device's own address are answered
 *    out of the same device; replies update the ping statistics;
 *  - TCP and UDP: one sink per flow checks the order of the stream (TCP
 *    sequence numbers, the UDP sequence word) and, for flows whose payload
 *    pattern is known (pktgen's, or registered), every byte; a gap, a
 *    reordering or a corrupt byte is a trace line with the flow and sequence
 *    number. Accepted skbs go to the application's socket queue;
 *  - the application is a process-context thread that reads the socket queue
 *    at COST_APP_RX per skb. Under overload it is what starves first.
 */

static u32 flow_hash(__be32 s, __be32 d, u16 sp, u16 dp, u8 proto)
{
	u32 h = s * 0x9E3779B1u ^ d * 0x85EBCA77u ^ ((u32)sp << 16 | dp) * 0xC2B2AE3Du ^ proto;

	return (h ^ h >> 15) % FLOW_HASH;
}

static struct flow *flow_get(struct stack *st, __be32 s, __be32 d, u16 sp, u16 dp, u8 proto)
{
	u32 h = flow_hash(s, d, sp, dp, proto);

	for (u32 i = 0; i < FLOW_HASH; i++, h = (h + 1) % FLOW_HASH) {
		struct flow *f;

		if (!st->hash[h]) {
			if (st->nflows == STACK_FLOWS)
				return NULL;
			f = &st->flow[st->nflows++];
			memset(f, 0, sizeof(*f));
			f->saddr = s, f->daddr = d, f->sport = sp, f->dport = dp, f->proto = proto;
			st->hash[h] = (u16)st->nflows;
			return f;
		}
		f = &st->flow[st->hash[h] - 1];
		if (f->saddr == s && f->daddr == d && f->sport == sp && f->dport == dp &&
		    f->proto == proto)
			return f;
	}
	return NULL;
}

void stack_expect_flow(struct kit *k, __be32 saddr, __be32 daddr, u16 sport, u16 dport,
		       u8 proto, u32 key)
{
	struct flow *f = flow_get(k->stack, saddr, daddr, sport, dport, proto);

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

/* Compare len payload bytes starting at byte off of the skb (frag_list too). */
static bool payload_ok(const struct sk_buff *skb, unsigned int off, unsigned int len,
		       const struct flow *f, u32 stream_off)
{
	const struct sk_buff *seg = skb;
	unsigned int have = skb_headlen(skb);

	while (len && seg) {
		if (off < have) {
			unsigned int n = have - off < len ? have - off : len;

			if (memcmp(seg->data + off, payload_at(f->key, stream_off), n))
				return false;
			stream_off += n;
			len -= n;
			off = 0;
		} else {
			off -= have;
		}
		seg = seg == skb ? skb_shinfo(skb)->frag_list : seg->next;
		have = seg ? seg->len : 0;
	}
	return len == 0;
}

static void stream_error(struct kit *k, struct sk_buff *skb, struct flow *f, u32 want, u32 got,
			 u32 kind)
{
	f->errors++;
	TRACE(k, TR_STREAM_ERR, skb->dev, (u32)(f - k->stack->flow), want, got, kind);
}

/*
 * TCP: order and bytes. Returns the payload length accepted. A SYN sets the
 * stream's start only on a flow not seen before, and a FIN does not move
 * the expected sequence: on an established flow they are flag faults for
 * LRO to notice, not new streams. A segment whose bytes were all delivered
 * already is a duplicate (counted, not an error); one that leaves a hole is
 * a gap, one that goes back over bytes not yet delivered is out of order.
 */
static unsigned int tcp_sink(struct kit *k, struct sk_buff *skb, struct flow *f,
			     unsigned int l4off)
{
	const struct tcphdr *th = (const struct tcphdr *)(skb->data + l4off);
	unsigned int hl = th->doff * 4u, plen = skb->len - l4off - hl;
	u32 seq = ntohl(th->seq);

	if (!f->started) {
		/* without a SYN the stream is taken to start at sequence 1 */
		f->started = true;
		f->isn = th->syn ? seq : 0;
		f->next = th->syn ? seq + 1 : seq;
	}
	if (!plen)
		return 0;
	if (seq == f->next) {
		if (f->checked && !payload_ok(skb, l4off + hl, plen, f, seq - f->isn - 1))
			stream_error(k, skb, f, f->next, seq, 2);
		f->next += plen;
		f->bytes += plen;
	} else if ((s32)(seq + plen - f->next) <= 0) {
		f->dups++;
		TRACE(k, TR_STREAM_ERR, skb->dev, (u32)(f - k->stack->flow), f->next, seq, 3);
		return 0;
	} else if ((s32)(seq - f->next) < 0) {
		stream_error(k, skb, f, f->next, seq, 1);
		return 0;
	} else {
		stream_error(k, skb, f, f->next, seq, 0);
		f->next = seq + plen; /* carry on after the hole */
		f->bytes += plen;
	}
	return plen;
}

static unsigned int udp_sink(struct kit *k, struct sk_buff *skb, struct flow *f,
			     unsigned int l4off)
{
	unsigned int plen = skb->len - l4off - 8;
	unsigned char sq[4];
	u32 seq;

	if (plen < 4 || skb_copy_bits(skb, (int)(l4off + 8), sq, 4))
		return plen;
	seq = (u32)sq[0] << 24 | (u32)sq[1] << 16 | (u32)sq[2] << 8 | sq[3];
	if (f->started && seq + 1 == f->next) {
		f->dups++; /* the datagram just delivered, again */
		TRACE(k, TR_STREAM_ERR, skb->dev, (u32)(f - k->stack->flow), f->next, seq, 3);
		return 0;
	}
	if (f->started && seq != f->next) {
		stream_error(k, skb, f, f->next, seq, (s32)(seq - f->next) < 0 ? 1 : 0);
		if ((s32)(seq - f->next) < 0)
			return 0;
	}
	if (f->checked && !payload_ok(skb, l4off + 12, plen - 4, f, seq * (plen - 4)))
		stream_error(k, skb, f, seq, seq, 2);
	f->started = true;
	f->next = seq + 1;
	f->bytes += plen;
	return plen;
}

static void sock_queue(struct kit *k, struct sk_buff *skb, struct flow *f, unsigned int plen,
		       u32 seq)
{
	struct stack *st = k->stack;

	f->packets++;
	f->segments += skb_shinfo(skb)->gso_segs > 1 ? skb_shinfo(skb)->gso_segs : 1;
	if (skb_queue_len(&st->sockq) >= (u32)k->knob[KNOB_SOCK_RCVQ]) {
		st->sock_drops++;
		TRACE(k, TR_SOCK_DROP, skb->dev, (u32)(f - st->flow), 0, 0, 0);
		kfree_skb(skb);
		return;
	}
	memcpy(skb->cb, &plen, sizeof(plen));
	skb_set_place(skb, SKB_SOCKET);
	__skb_queue_tail(&st->sockq, skb);
	TRACE(k, TR_SOCK, skb->dev, (u32)(f - st->flow), plen, seq, 0);
}

void stack_receive(struct kit *k, struct sk_buff *skb)
{
	struct stack *st = k->stack;
	struct iphdr *iph;
	unsigned int ihl, tot, l4off, plen;
	struct flow *f;
	u32 seq = 0;

	sim_charge(k, COST_STACK_RX);
	TRACE(k, TR_RECEIVE, skb->dev, skb->kit_id,
	      skb_headlen(skb) >= 20 ? ((struct iphdr *)skb->data)->protocol : 0, skb->len, 0);
	if (skb->protocol == htons(ETH_P_8021Q) && skb_headlen(skb) >= 4) {
		skb->vlan_tci = (u16)(skb->data[0] << 8 | skb->data[1]);
		skb->protocol = (__be16)(skb->data[3] << 8 | skb->data[2]);
		skb_pull(skb, 4);
		skb_reset_network_header(skb);
	}
	if (skb->protocol != htons(ETH_P_IP) || skb_headlen(skb) < 20)
		goto drop_other;
	iph = (struct iphdr *)skb->data;
	ihl = iph->ihl * 4u;
	tot = ntohs(iph->tot_len);
	if (iph->version != 4 || ihl < 20 || tot < ihl || tot > skb->len || skb_headlen(skb) < ihl)
		goto bad;
	if (skb->ip_summed != CHECKSUM_UNNECESSARY && ip_fast_csum(iph, iph->ihl))
		goto bad;
	if (skb->len > tot && !skb->data_len)
		skb_trim(skb, tot); /* Ethernet padding */
	skb_set_transport_header(skb, (int)ihl);
	l4off = ihl;
	if (iph->protocol == IPPROTO_ICMP) {
		stack_icmp_rcv(k, skb, l4off);
		return;
	}
	if (iph->protocol == IPPROTO_TCP && skb_headlen(skb) >= ihl + 20) {
		const struct tcphdr *th = (const struct tcphdr *)(skb->data + l4off);

		f = flow_get(st, iph->saddr, iph->daddr, ntohs(th->source), ntohs(th->dest),
			     IPPROTO_TCP);
		if (!f)
			goto drop_other;
		seq = ntohl(th->seq);
		plen = tcp_sink(k, skb, f, l4off);
	} else if (iph->protocol == IPPROTO_UDP && skb_headlen(skb) >= ihl + 8) {
		const struct udphdr *uh = (const struct udphdr *)(skb->data + l4off);

		f = flow_get(st, iph->saddr, iph->daddr, ntohs(uh->source), ntohs(uh->dest),
			     IPPROTO_UDP);
		if (!f)
			goto drop_other;
		plen = udp_sink(k, skb, f, l4off);
		seq = f->next - 1;
	} else {
		goto drop_other;
	}
	sock_queue(k, skb, f, plen, seq);
	return;
bad:
	st->ip_errors++;
	kfree_skb(skb);
	return;
drop_other:
	st->other++;
	kfree_skb(skb);
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
	while (n < (u32)k->knob[KNOB_APP_BATCH] && (skb = __skb_dequeue(&st->sockq)) != NULL) {
		unsigned int plen;

		memcpy(&plen, skb->cb, sizeof(plen));
		sim_charge(k, COST_APP_RX);
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
	return 0;
}

void stack_free(struct kit *k)
{
	if (!k->stack)
		return;
	skb_queue_purge(&k->stack->sockq);
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
		.saddr = f->saddr, .daddr = f->daddr, .sport = htons(f->sport),
		.dport = htons(f->dport), .proto = f->proto, .packets = f->packets,
		.segments = f->segments, .bytes = f->bytes, .errors = f->errors,
		.next_seq = f->next, .checked = f->checked, .dups = f->dups,
	};
	return 0;
}

void stack_snapshot(struct kit *k, struct kit_snap *s)
{
	s->app_packets = k->stack->app_packets;
	s->app_bytes = k->stack->app_bytes;
	s->sock_drops = k->stack->sock_drops;
	s->sock_queue_len = skb_queue_len(&k->stack->sockq);
}
