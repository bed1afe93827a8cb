/* helpers.h - the batch lab tests' helpers: skbs you hold, runts, the trace since a mark. */
#ifndef LABS_BATCH_TESTS_HELPERS_H
#define LABS_BATCH_TESTS_HELPERS_H

#include <string.h>

#include <ringkit/simnic.h>

#include "grade.h"

/*
 * The tests drive the machine with shell commands (they replay), and read
 * what the commands cannot print in C: the order of the skbs on the ring,
 * the records of the trace (which call wrote TDT, with or without
 * xmit_more), the skb a `skb alloc` made.
 */

/* The ring's i-th slot counted from slot `from`, its skb's handle (0 if empty). */
static inline u32 ring_skb(const char *dev, unsigned int from, unsigned int i)
{
	struct simnic_tx_ring *r = &grade_adapter(dev)->tx_ring;
	struct sk_buff *skb = r->buffer_info[(from + i) % r->count].skb;

	return skb ? skb->kit_id : 0;
}

/* The handles on a batch list, in order (at most max). */
static inline unsigned int list_ids(const struct sk_buff_head *list, u32 *ids, unsigned int max)
{
	unsigned int n = 0;

	for (const struct sk_buff *s = list->next; s != (const struct sk_buff *)list && n < max;
	     s = s->next)
		ids[n++] = s->kit_id;
	return n;
}

/* Records of the trace: a mark now, then the i-th record after it (NULL past the end). */
static inline u64 trace_mark(void)
{
	return kit_trace_total(grade_kit());
}

static inline const struct trace_rec *trace_since(u64 mark, u64 i)
{
	struct kit *k = grade_kit();
	u64 total = kit_trace_total(k), oldest = total - kit_trace_count(k);

	if (mark + i >= total)
		return NULL;
	grade_check(mark + i >= oldest, "sn0", "the trace ring overflowed: the test ran too long");
	return kit_trace_at(k, (size_t)(mark + i - oldest));
}

/* How many records of type t for dev came after mark. */
static inline unsigned int trace_count(u64 mark, enum trace_type t, const char *dev)
{
	int idx = grade_dev(dev)->ifindex;
	const struct trace_rec *r;
	unsigned int n = 0;

	for (u64 i = 0; (r = trace_since(mark, i)) != NULL; i++)
		n += r->type == t && r->dev == idx;
	return n;
}

/* `skb alloc DEV len L`, and the skb it made (the newest one you hold). */
static inline struct sk_buff *held_skb(const char *dev, unsigned int len)
{
	struct kit *k = grade_kit();
	u64 mark = trace_mark();
	const struct trace_rec *r;
	struct sk_buff *found = NULL;

	grade_cmd("skb alloc %s len %u", dev, len);
	for (u64 i = 0; (r = trace_since(mark, i)) != NULL; i++) {
		struct sk_buff *skb;

		if (r->type != TR_SKB_ALLOC || !(skb = kit_skb_find(k, r->a)))
			continue;
		if (skb->kit_place == SKB_USER)
			found = skb;
	}
	grade_check(found, dev, "skb alloc %s len %u made no skb that you hold", dev, len);
	return found;
}

/* Cut a frame to len bytes, and dirty the bytes behind it (padding must zero them). */
static inline void make_runt(struct sk_buff *skb, unsigned int len)
{
	unsigned int old = skb->len;

	memset(skb->data + len, 0xa5, old - len);
	skb_trim(skb, len);
	grade_note("C: skb#%u cut from %u to %u bytes (a runt); bytes %u..%u behind it set to 0xa5",
		   skb->kit_id, old, len, len, old - 1);
}

/* Frames and stream errors the receiving socket saw on the first flow. */
static inline void expect_stream(u64 packets)
{
	struct kit_flow_stat f;

	grade_check(kit_flow_count(grade_kit()) > 0, "sn0",
		    "no flow reached the receiving socket, expected %llu frames",
		    (unsigned long long)packets);
	kit_flow_at(grade_kit(), 0, &f);
	grade_check(f.packets == packets && f.errors == 0, "sn0",
		    "the receiver got %llu frames with %llu stream errors (lost, duplicated or out of "
		    "order), expected %llu frames in order",
		    (unsigned long long)f.packets, (unsigned long long)f.errors,
		    (unsigned long long)packets);
}

/* The usual start: a 16-slot ring, the mode, BQL as asked, and you play the core. */
static inline void small_ring(const char *mode, bool bql)
{
	grade_cmd("ethtool -G sn0 tx 16");
	grade_cmd("ethtool -K sn0 batching %s bql %s", mode, bql ? "on" : "off");
	grade_cmd("auto off");
}

#endif
