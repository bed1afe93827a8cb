/* udp_sink.c - the UDP receiver: every datagram's bytes checked, no order. */
#include "kit.h"
#include "core/stack.h"

/*
 * UDP promises no order and no uniqueness, so neither is an error: a
 * datagram is counted and queued to the socket as it comes. A flow whose
 * payload is known (pktgen's: a 32-bit sequence word, then the pattern at
 * word * (payload - 4)) has each datagram's bytes compared; a mismatch is a
 * stream error. next is the word after the highest one seen, for `flows`.
 */

/* The 4 bytes at off: in the linear part as a rule, else copied out of the
 * frag_list into buf (as skb_header_pointer); NULL if the skb is shorter. */
static const unsigned char *word_at(const struct sk_buff *skb, unsigned int off,
				    unsigned char *buf)
{
	if (skb_headlen(skb) >= off + 4)
		return skb->data + off;
	return skb_copy_bits(skb, (int)off, buf, 4) ? NULL : buf;
}

void udp_sink(struct kit *k, struct sk_buff *skb, struct flow *f, unsigned int l4off)
{
	unsigned int plen = skb->len - l4off - 8;
	bool linear = !skb->data_len;
	unsigned char buf[4];
	const unsigned char *sq;
	u32 seq = 0;

	/* a linear skb (every frame as the NIC wrote it) holds the word and the
	 * payload after it in its linear part, which ends where they end: so
	 * word_at's test and stack_payload_ok's are known to pass */
	if (plen >= 4 && (sq = linear ? skb->data + l4off + 8 : word_at(skb, l4off + 8, buf))) {
		seq = (u32)sq[0] << 24 | (u32)sq[1] << 16 | (u32)sq[2] << 8 | sq[3];
		if (f->checked &&
		    !(linear && !f->stream ?
		      stack_bytes_eq(sq + 4, payload_at_inline(f->key, seq * (plen - 4)), plen - 4) :
		      stack_payload_ok(skb, l4off + 12, plen - 4, f, 0, seq * (plen - 4))))
			stack_stream_error(k, skb, f, seq, seq, 2);
		if (!f->started || (s32)(seq + 1 - f->next) > 0)
			f->next = seq + 1;
		f->started = true;
	}
	f->bytes += plen;
	stack_sock_queue(k, skb, f, plen, seq);
}
