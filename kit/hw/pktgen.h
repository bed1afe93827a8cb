/* pktgen.h - pktgen's state and its plain runs' emit, inline for the NIC's arrival. */
#ifndef KIT_HW_PKTGEN_H
#define KIT_HW_PKTGEN_H

#include "nic_hw.h"
#include "core/pkttmpl.h"

struct pktgen {
	struct rx_source src;
	struct kit *k;
	struct net_device *dev;
	struct pktgen_cfg c;
	u64 interval_ps, wire_ps_len, start_ps;
	u64 slot;		/* frames emitted (arrival slots used; a plain run's is next_j) */
	/* a plain run's next frame's slot, slot_time_ps(g, next_j), as the ns
	 * it rounds up to (src.next_at's, unless race_rx_irq pulled that
	 * sooner) and the ps it was rounded up by: slot_ns * 1000 - slot_slack,
	 * the slack below 1000; without bursts each slot adds the interval as
	 * step_ns ns and step_sub ps, with no division per frame */
	u64 slot_ns, step_ns;
	u32 slot_slack, step_sub;
	u64 last_slot;		/* the final frame's slot, src.last_at's */
	u64 next_j;		/* next logical frame to make */
	u64 rng;		/* this sender's own seeded sequence */
	u32 *seq;		/* per flow: next TCP sequence number */
	bool have_pending;	/* a frame owed to the next slot (dup, reorder) */
	struct frame_spec pending;
	u8 smac[ETH_ALEN];
	struct frame_tmpl tmpl;	/* the run's frame without faults (pkttmpl.c) */
	bool plain;		/* no faults and a fast template: emit_plain */
	u64 fast_arrivals;	/* frames nic_rx.c's rx_arrive_plain took */
};

static inline u64 slot_time_ps(const struct pktgen *g, u64 n)
{
	u64 b = g->c.burst;

	if (b <= 1) /* no bursts: every frame one interval after the last */
		return g->start_ps + n * g->interval_ps;
	return g->start_ps + (n / b) * b * g->interval_ps + (n % b) * g->wire_ps_len;
}

/* A plain run's next slot at ps picoseconds (slot_ns, slot_slack). */
static inline void slot_set(struct pktgen *g, u64 ps)
{
	g->slot_ns = (ps + 999) / 1000;
	g->slot_slack = (u32)(g->slot_ns * 1000 - ps);
}

/*
 * The fields that change from frame to frame (frame_tmpl_build's varying
 * ones): logical frame j carrying plen bytes, with fault bits f, in the slot
 * of time at_ps (TCP's timestamp reads it); advances its flow's sequence.
 * proto is the run's (a constant where inlined).
 */
static inline __attribute__((always_inline)) void
spec_vary_proto(struct pktgen *g, u64 j, u64 at_ps, unsigned int plen, u32 f,
		struct frame_spec *s, u8 proto)
{
	u32 flow = 0, nth = (u32)j;

	if (g->c.flows > 1) {
		flow = (u32)(j % g->c.flows);
		nth = (u32)(j / g->c.flows);
	}
	s->sport = (u16)(20000 + flow);
	s->key = payload_key(flow);
	s->ip_id = (u16)nth;
	if (proto == IPPROTO_TCP) {
		s->seq = g->seq[flow];
		g->seq[flow] += plen;
		s->off = s->seq - 1;
		s->ack = 1;
		/* the sender's timestamp clock ticks once a millisecond (Linux's
		 * TCP_TS_HZ 1000), so the segments of one ms carry one tsval */
		s->tsval = 1000 + (u32)(at_ps / 1000000000ULL) -
			   ((f & PKTGEN_F_TSBACK) ? 500 : 0);
	} else if (proto == IPPROTO_UDP) {
		s->seq = nth;
		s->off = nth * plen;
	} else {
		s->off = 0;
		s->icmp_id = (u16)flow;
		s->icmp_seq = (u16)nth;
		s->icmp_stamp = g->k->now;
	}
}

/* The template's writer where the emit knows it: any (called through
 * frame_tmpl_build), the minimum UDP frame's, or TCP's with timestamps and
 * a payload above 64 bytes (the 64-byte and 1500-byte runs' writers). */
enum writer { W_ANY, W_UDP_MIN, W_TCP_TS_BIG };

/*
 * The emit of a run without faults on a fast template (g->plain), proto
 * the run's, w its template's writer if known: no frame is held back (dup,
 * reorder) or lost, so the slots used are the frames made (next_j, which
 * is all it keeps: slot is pktgen_emit's), every slot takes the next frame
 * from the template, and the final frame's slot stays count - 1. The same
 * frames, times and counts as the general path (pktgen_emit).
 */
static inline __attribute__((always_inline)) unsigned int
emit_plain(struct rx_source *src, unsigned char *buf, unsigned int room, u8 proto,
	   enum writer w)
{
	struct pktgen *g = container_of(src, struct pktgen, src);
	struct frame_spec s;
	unsigned int len = 0;

	/* (next_j is the slot: the frame's time is the one worked out for it
	 * last; only TCP's timestamp reads it) */
	spec_vary_proto(g, g->next_j++,
			proto == IPPROTO_TCP ? g->slot_ns * 1000 - g->slot_slack : 0,
			g->tmpl.plen, 0, &s, proto);
	if (w != W_ANY && buf) {
		/* frame_tmpl_build with its writer known (frame_write_udp_min or
		 * frame_write_tcp_ts_big): the room test, then the writer inline; a
		 * buffer too small gets what build_slow gives a fast template (no
		 * payload, nothing written) */
		if (likely((u64)room >= g->tmpl.need))
			len = w == W_UDP_MIN ? frame_write_udp_min_pl(&g->tmpl, buf, &s, &g->src.pl) :
					       frame_write_tcp_ts_big_pl(&g->tmpl, buf, &s, &g->src.pl);
		else
			g->src.pl.len = 0;
	} else if (buf) {
		len = frame_tmpl_build(&g->tmpl, buf, room, &s, &g->src.pl);
	}
	g->src.tmpl = len != 0;
	if (g->next_j == g->c.count) {
		g->src.next_at = g->src.last_at = KIT_NEVER;
	} else if (g->c.burst <= 1) {
		/* without bursts a slot is one interval after the last (slot_time_ps's
		 * start + slot * interval, added up): step_ns more, and the slack
		 * step_sub less, a slack gone below 0 being one ns more (back in 0
		 * to 999), as the wire's frame times are added up (nic_tx.c) */
		u64 ns = g->slot_ns + g->step_ns;
		int slack = (int)g->slot_slack - (int)g->step_sub;

		if (slack < 0) {
			slack += 1000;
			ns++;
		}
		g->slot_ns = ns;
		g->slot_slack = (u32)slack;
		g->src.next_at = ns;
	} else {
		slot_set(g, slot_time_ps(g, g->next_j));
		g->src.next_at = g->slot_ns;
	}
	return len ? len : g->tmpl.wire;
}


/*
 * A run without faults whose template's writer is frame_write_udp_min (the
 * 60-byte UDP frame), and one whose writer is frame_write_tcp_ts_big (TCP
 * with timestamps, a payload above 64 bytes): the source's emit is one of
 * these for its whole run (pktgen.c). The NIC's arrival (nic_rx.c) tells
 * them by their address and takes emit_plain inline for them.
 */
unsigned int pktgen_emit_udp_min(struct rx_source *src, unsigned char *buf, unsigned int room);
unsigned int pktgen_emit_tcp_ts_big(struct rx_source *src, unsigned char *buf, unsigned int room);

#endif
