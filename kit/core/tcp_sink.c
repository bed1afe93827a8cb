/* tcp_sink.c - the TCP receiver: rcv_nxt, the out-of-order queue, every byte checked. */
#include "kit.h"
#include "core/stack.h"

/*
 * As tcp_data_queue and tcp_data_queue_ofo (net/ipv4/tcp_input.c), without
 * ACKs, windows or retransmission:
 *  - a segment at rcv_nxt (or overlapping it: the old part trimmed) goes to
 *    the socket, then every queued segment the new rcv_nxt reaches follows;
 *  - a segment all before rcv_nxt is a duplicate: dropped, counted in rx_dups
 *    (the segments Linux answers with a D-SACK, TCPDSACKOldSent);
 *  - a segment ahead of rcv_nxt is put on the flow's out-of-order queue, in
 *    sequence order, and counted in rx_ooo (TCPOFOQueue; Linux counts there
 *    too the ones it then finds covered). One whose bytes one queued segment
 *    already holds is a duplicate (TCPDSACKOfoSent); queued segments the new
 *    one covers are dropped (TCPOFOMerge). Partial overlaps stay queued and
 *    are trimmed when they reach rcv_nxt, as tcp_ofo_queue does;
 *  - the queue is bounded (TCP_OFO_FLOW_MAX per flow, TCP_OFO_MAX in all, in
 *    place of the receive buffer's memory): a segment with no room is
 *    dropped and counted in rx_ofo_drops (TCPOFODrop).
 * A hole that never fills holds the segments behind it: `flows` shows them.
 * The bytes are compared when the segment arrives, wherever it goes: they
 * are the sender's bytes at their sequence numbers whatever the order.
 * A SYN sets the stream's start only on a flow not seen before, and a FIN
 * does not move rcv_nxt: on an established flow they are flag faults for
 * LRO/GRO to notice, not new streams.
 */

#define after(a, b) ((s32)((b) - (a)) < 0)
#define before(a, b) after(b, a)

static void ofo_unlink(struct stack *st, struct flow *f, struct sk_buff *skb)
{
	__skb_unlink(skb, &f->ofo);
	st->ofo_len--;
	f->ofo_bytes -= sink_cb(skb)->end_seq - sink_cb(skb)->seq;
}

static void dup_segment(struct kit *k, struct sk_buff *skb, struct flow *f, u32 seq)
{
	f->c.dups++;
	stack_dev_counters(k->stack, skb)->dups++;
	TRACE(k, TR_STREAM_ERR, skb->dev, f->idx, f->next, seq, 3);
	kfree_skb(skb);
}

/* tcp_ofo_queue: hand over what rcv_nxt now reaches. */
static void ofo_deliver(struct kit *k, struct flow *f)
{
	struct stack *st = k->stack;
	struct sk_buff *skb;

	while ((skb = skb_peek(&f->ofo)) != NULL && !after(sink_cb(skb)->seq, f->next)) {
		u32 seq = sink_cb(skb)->seq, end = sink_cb(skb)->end_seq;

		ofo_unlink(st, f, skb);
		if (!after(end, f->next)) {
			dup_segment(k, skb, f, seq); /* an overlap covered it meanwhile */
			continue;
		}
		f->bytes += end - f->next;
		stack_sock_queue(k, skb, f, end - f->next, seq);
		f->next = end;
	}
}

/* tcp_data_queue_ofo */
static void ofo_queue(struct kit *k, struct sk_buff *skb, struct flow *f, u32 seq, u32 end)
{
	struct stack *st = k->stack;
	struct sk_buff *q, *n, *prev = (struct sk_buff *)&f->ofo;

	for (q = f->ofo.next; q != (struct sk_buff *)&f->ofo; q = n) {
		u32 qs = sink_cb(q)->seq, qe = sink_cb(q)->end_seq;

		n = q->next;
		if (!after(qs, seq) && !before(qe, end)) {
			dup_segment(k, skb, f, seq); /* all its bytes are queued already */
			return;
		}
		if (!before(qs, seq) && !after(qe, end)) {
			ofo_unlink(st, f, q); /* the new segment covers it */
			kfree_skb(q);
			continue;
		}
		if (before(qs, seq) || (qs == seq && before(qe, end)))
			prev = q;
	}
	if (skb_queue_len(&f->ofo) >= TCP_OFO_FLOW_MAX || st->ofo_len >= TCP_OFO_MAX) {
		f->c.ofo_drops++;
		stack_dev_counters(st, skb)->ofo_drops++;
		TRACE(k, TR_STREAM_ERR, skb->dev, f->idx, f->next, seq, 1);
		kfree_skb(skb);
		return;
	}
	sink_cb(skb)->seq = seq;
	sink_cb(skb)->end_seq = end;
	sink_cb(skb)->flow = f->idx;
	skb_set_place(skb, SKB_SOCKET);
	__skb_insert(skb, prev, prev->next, &f->ofo);
	st->ofo_len++;
	f->ofo_bytes += end - seq;
	f->c.ooo++;
	stack_dev_counters(st, skb)->ooo++;
	TRACE(k, TR_STREAM_ERR, skb->dev, f->idx, f->next, seq, 0);
}

void tcp_ofo_purge(struct stack *st, struct flow *f)
{
	struct sk_buff *skb;

	if (f->proto != IPPROTO_TCP)
		return;
	while ((skb = skb_peek(&f->ofo)) != NULL) {
		ofo_unlink(st, f, skb);
		kfree_skb(skb);
	}
}

void tcp_sink(struct kit *k, struct sk_buff *skb, struct flow *f, unsigned int l4off)
{
	const struct tcphdr *th = (const struct tcphdr *)(skb->data + l4off);
	unsigned int hl = th->doff * 4u, plen;
	u32 seq = ntohl(th->seq), end;

	if (hl < 20 || l4off + hl > skb->len) {
		k->stack->ip_errors++; /* a header the segment cannot hold */
		kfree_skb(skb);
		return;
	}
	plen = skb->len - l4off - hl;
	if (!f->started) {
		/* without a SYN the stream is taken to start at sequence 1 */
		f->started = true;
		f->isn = th->syn ? seq : 0;
		f->next = th->syn ? seq + 1 : seq;
	}
	if (!plen) { /* a pure ACK, a SYN, a FIN: up to the socket, no bytes */
		stack_sock_queue(k, skb, f, 0, seq);
		return;
	}
	if (f->checked && !stack_payload_ok(skb, l4off + hl, plen, f, seq, seq - f->isn - 1))
		stack_stream_error(k, skb, f, f->next, seq, 2);
	end = seq + plen;
	if (!after(end, f->next)) {
		dup_segment(k, skb, f, seq);
	} else if (after(seq, f->next)) {
		ofo_queue(k, skb, f, seq, end);
	} else {
		u32 fresh = end - f->next; /* an overlap with bytes delivered is trimmed */

		f->bytes += fresh;
		f->next = end;
		stack_sock_queue(k, skb, f, fresh, seq);
		ofo_deliver(k, f);
	}
}
