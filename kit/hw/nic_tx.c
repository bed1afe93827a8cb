/* nic_tx.c - the TX DMA engine: fetch on doorbell, send at line rate, write DD back. */
#include "nic_hw.h"

/*
 * The wire is computed, not ticked: when the driver writes TDT, the NIC
 * fetches every newly posted descriptor and works out when its frame will
 * have left, back to back at link speed (preamble, FCS and inter-frame gap
 * counted, see wire.c). Each frame's finish time is one hardware change: at
 * that time the NIC hands the frame to the wire, writes DD back if RS was
 * set, advances TDH and raises TXDW (after TIDV if the descriptor has IDE).
 * Nothing is scheduled per byte or per descriptor fetch.
 */

/* x % count without a division where x < 2 * count (every index step and
 * distance on the ring: the registers stay below count); exact for any x. */
static inline u32 ring_mod(u32 x, u32 count)
{
	if (likely(x < count))
		return x;
	if (likely(x - count < count))
		return x - count;
	return x % count;
}

/* ring_mod(a + count - b, count), the distance from b on to a: a - b when
 * b <= a and the two are less than count apart, which is the same number
 * (no wrap: a - b + count < 2 * count); any other pair as ring_mod does. */
static inline u32 ring_dist(u32 a, u32 b, u32 count)
{
	if (likely(a >= b && a - b < count))
		return a - b;
	return ring_mod(a + count - b, count);
}

/* Descriptor i of the ring at TDBAH:TDBAL (kept as tx_ring, nic_hw.h). */
static struct e1000_tx_desc *tx_desc(struct nic *hw, u32 i)
{
	return hw->tx_ring + i;
}

/* The ring lies in memory the NIC may touch: checked once per ring and memory
 * map. nic_write is the only writer of TDBAL, TDBAH and TDLEN (the base and
 * the count) and clears tx_ring_ok_gen at each, so a verdict kept at the
 * current dma_coherent_gen is for this very base and count. */
static bool ring_ok(struct nic *hw)
{
	if (likely(hw->tx_ring_ok_gen == dma_coherent_gen()))
		return true;
	if (!hw->tx_count ||
	    !nic_dma_ok(hw, (u64)(uintptr_t)hw->tx_ring,
			(size_t)hw->tx_count * sizeof(struct e1000_tx_desc)))
		return false;
	hw->tx_ring_ok_gen = dma_coherent_gen();
	return true;
}

/* A new length or link speed: its wire time worked out and kept (frame_time's
 * cold turn). */
static __attribute__((noinline, cold)) void frame_time_new(struct nic *hw, struct kit *k,
							     u32 len, long mbps)
{
	u64 ps = wire_ps(k, len);

	hw->wire_ns = ps / 1000;
	hw->wire_sub = (u32)(ps % 1000);
	hw->wire_len = len;
	hw->wire_mbps = mbps;
}

/* A frame of len bytes on the wire, as whole ns and the picoseconds over
 * (wire_ps(k, len) = ns * 1000 + sub): kept per NIC for the last length and
 * link speed, a flow's frames being of one length. */
static inline void frame_time(struct nic *hw, struct kit *k, u32 len, u64 *ns, u32 *sub)
{
	long mbps = k->knob[KNOB_LINK_MBPS];

	if (unlikely(len != hw->wire_len || mbps != hw->wire_mbps))
		frame_time_new(hw, k, len, mbps); /* another length or link speed */
	*ns = hw->wire_ns;
	*sub = hw->wire_sub;
}

/* The rest of a fetch after its first frame (a batch, an xmit_more train;
 * tx_sched != tdt), the wire free at up and slack (nic_hw.h), now or later:
 * the step tx_fetch_on takes for its first frame, in a loop of its own.
 * Nothing in it moves TDT, the count, the DD delay or the link speed, so they
 * and the kept frame time are held in locals (to the compiler a store to
 * tx_done could be any of them). A frame never finishes before the one
 * ahead: the first frame's time may have been raised to an earlier fetch's
 * (fault_dd_delay lowered while a frame was pending), and what the frames
 * after it would get of their own can then be earlier, so each takes the
 * later of the two (last: the time of the frame ahead). The loop carries the
 * wire's free time with the DD delay added (wb = up + delay): a frame's
 * write-back time is then wb itself. */
static __attribute__((noinline)) void tx_fetch_train(struct nic *hw, u64 up, int slack, u64 last)
{
	struct kit *k = hw->k;
	u32 i = hw->tx_sched, tdt = hw->tdt, count = hw->tx_count;
	u64 *done = hw->tx_done, delay = hw->fault_dd_delay;
	const struct e1000_tx_desc *ring = tx_desc(hw, 0);
	long mbps = k->knob[KNOB_LINK_MBPS];
	u32 wlen = hw->wire_len, wsub = hw->wire_sub;
	u64 wns = hw->wire_ns, wb = up + delay;

	if (unlikely(mbps != hw->wire_mbps))
		wlen = ~0u; /* another link speed: the kept time is not for it */
	/* [i, tdt) in at most two runs of slots, to the ring's end and on
	 * from 0: i < count here (the first frame's step took any fetch point
	 * back into the ring) and tdt < count (the doorbell refuses any other,
	 * the TCTL write's fetch walks none), i != tdt */
	for (u32 end = tdt > i ? tdt : count;; end = tdt) {
		const struct e1000_tx_desc *d = ring + i;
		u64 *p = done + i, *stop = done + end;

		for (; p != stop; d++, p++) {
			u32 len = le16_to_cpu(d->lower.flags.length);

			if (unlikely(len != wlen)) {
				u64 ps = wire_ps(k, len);

				wns = ps / 1000;
				wsub = (u32)(ps % 1000);
				wlen = len;
			}
			wb += wns;
			slack -= (int)wsub;
			if (slack < 0) {
				slack += 1000;
				wb++;
			}
			last = wb > last ? wb : last;
			*p = last;
		}
		if (end == tdt)
			break;
		i = 0; /* the ring's end: on from slot 0 */
	}
	hw->tx_sched = tdt;
	hw->wire_free_up = wb - delay;
	hw->wire_slack = (u32)slack;
	if (wlen != hw->wire_len || mbps != hw->wire_mbps) {
		hw->wire_len = wlen;
		hw->wire_mbps = mbps;
		hw->wire_ns = wns;
		hw->wire_sub = wsub;
	}
}

/* After a post's fetch (t: its first frame's finish time): an idle engine's
 * (tdh == tx_sched) first fetched frame is tdh, so the NIC's next change is
 * the sooner of the one it had (hw->next, exact: nic_hw.h) and that frame's
 * write-back; a busy engine's next write-back is tdh's as before, the fetch
 * adding only later ones, so nothing moves. hw_update_nic would also lower
 * hw_next to an unchanged hw->next; it is never above any NIC's kept next
 * here: hw_update and hw_sync leave it at their least, and the in-flight
 * interrupt, which works out hw->next without hw_next, only drops a masked
 * line (its next moves later, never earlier). */
static inline __attribute__((always_inline)) void tx_post_next(struct kit *k, struct nic *hw,
								bool idle, u64 t)
{
	if (idle && t < hw->next) {
		hw->next = t;
		if (t < k->hw_next)
			hw_schedule_in(k, t);
	}
}

/* A post's fetch of more than one frame, from its second on, and what the
 * post then does: out of line, the post's last call, so the doorbell keeps
 * nothing across it. */
static __attribute__((noinline)) void tx_post_train(struct kit *k, struct nic *hw, u64 up,
						    int slack, u64 first, bool idle)
{
	tx_fetch_train(hw, up, slack, first);
	tx_post_next(k, hw, idle, first);
}

/* Fetch [tx_sched, tdt) and give each frame its finish time, the engine on
 * (inline in the doorbell, a packet's path; nic_tx_fetch for the TCTL write).
 * The wire is free at wire_free_up * 1000 - wire_slack picoseconds: a frame
 * starts at that or now, whichever is later (now exactly when up <= now:
 * up > now puts the free time past now * 1000, the slack being under 1000),
 * and its write-back is at the ns its last bit leaves, rounded up. A frame
 * of ns and sub ps adds ns to up and takes sub from the slack, and a slack
 * gone below 0 is one ns more (up + 1, slack + 1000, back in 0 to 999): up
 * is then that rounded ns, with no carry of picoseconds into ns and no
 * rounding of its own. After the first frame the wire is free at now or
 * later, so the start is taken once. Returns the first frame's finish time,
 * which for an idle engine (idle: tdh == tx_sched) is tx_done[tdh] (with
 * nothing posted, tx_done[tdh] as it is). post: a doorbell's, hw->next then
 * kept exact here (tx_post_next); known: the first frame's time is the kept
 * one (its length and the link speed checked by the caller), and the post
 * the fast doorbell's: i = tx_sched, tdh <= i < tdt < count. */
static inline __attribute__((always_inline)) u64 tx_fetch_on(struct kit *k, struct nic *hw,
							       bool idle, bool post, bool known)
{
	u64 up = hw->wire_free_up, ns, first;
	int slack = (int)hw->wire_slack;
	u32 i = hw->tx_sched, sub;
	struct e1000_tx_desc *d;

	if (!known && i == hw->tdt) {
		first = hw->tx_done[hw->tdh];
		if (post)
			tx_post_next(k, hw, idle, first);
		return first;
	}
	if (up <= k->now) {
		up = k->now;
		slack = 0;
	}
	d = tx_desc(hw, i);
	if (known) {
		/* the caller found the kept frame time this frame's */
		ns = hw->wire_ns;
		sub = hw->wire_sub;
	} else {
		frame_time(hw, k, le16_to_cpu(d->lower.flags.length), &ns, &sub);
	}
	up += ns;
	slack -= (int)sub;
	if (slack < 0) {
		slack += 1000;
		up++;
	}
	first = up + hw->fault_dd_delay;
	/* a later frame never finishes before an earlier one (an idle engine's
	 * first frame is tdh: none ahead of it) */
	if (!idle) {
		/* known: tdh < i, so i - 1 is in the ring */
		u32 prev = known || i ? i - 1 : hw->tx_count - 1;

		if (first < hw->tx_done[prev])
			first = hw->tx_done[prev];
	}
	hw->tx_done[i] = first;
	hw->tx_sched = known ? i + 1 : ring_mod(i + 1, hw->tx_count);
	if (unlikely(hw->tx_sched != hw->tdt)) {
		/* more than one frame posted */
		if (post)
			tx_post_train(k, hw, up, slack, first, idle);
		else
			tx_fetch_train(hw, up, slack, first);
		return first;
	}
	hw->wire_free_up = up;
	hw->wire_slack = (u32)slack;
	if (post)
		tx_post_next(k, hw, idle, first);
	return first;
}

static inline __attribute__((always_inline)) void tx_fetch(struct nic *hw)
{
	if (hw->tctl & E1000_TCTL_EN)
		tx_fetch_on(hw->k, hw, hw->tdh == hw->tx_sched, false, false);
}

/* The engine turned on (the TCTL write): a tail written with the engine off
 * that a later TDLEN left outside the ring is one no fetch could reach, so
 * the engine walks nothing and the driver's fault is named. */
void nic_tx_fetch(struct nic *hw)
{
	if (unlikely(hw->tdt != hw->tx_sched && hw->tdt >= hw->tx_count)) {
		kit_bug(hw->k, hw->dev, RULE_DMA_FAULT);
		return;
	}
	tx_fetch(hw);
}

/* The doorbell's rare turns, out of line and cold so that its common path
 * saves no register for them: a refused tail, and with a trace the records of
 * what the driver wrote. */
static __attribute__((noinline, cold)) void tx_bug(struct kit *k, struct nic *hw,
						   enum kit_rule r)
{
	kit_bug(k, hw->dev, r);
}

static __attribute__((noinline, cold)) void tx_post_records(struct kit *k, struct nic *hw,
							    u32 val)
{
	for (u32 i = hw->tdt; i != val; i = ring_mod(i + 1, hw->tx_count)) {
		struct e1000_tx_desc *d = tx_desc(hw, i);

		TRACE(k, TR_TX_POST, hw->dev, i, le16_to_cpu(d->lower.flags.length),
		      d->lower.flags.cmd, 0);
	}
}

/* The tail written (frames posted to a running engine, TCTL.EN set): the
 * doorbell counted and the new frames fetched, hw->next kept exact
 * (tx_post_next). known: the first frame's time is the kept one. */
static inline __attribute__((always_inline)) void tx_post(struct kit *k, struct nic *hw, u32 val,
							  bool known)
{
	hw->tdt = val;
	hw->tx_doorbells++;
	tx_fetch_on(k, hw, hw->tdh == hw->tx_sched, true, known); /* TCTL.EN is set */
}

/* The TDT write. Returns true when it kept hw->next exact itself: frames
 * posted to a running engine (tx_post). Every other turn leaves it to
 * hw_update_nic. */
bool nic_tx_doorbell(struct kit *k, struct nic *hw, u32 val)
{
	u32 count = hw->tx_count, owned, posted;

	if (!count || val >= count || !ring_ok(hw)) {
		tx_bug(k, hw, RULE_DMA_FAULT);
		return false;
	}
	if (val == hw->tdt)
		return false; /* nothing new: the NIC has nothing to fetch */
	if (!(hw->tctl & E1000_TCTL_EN)) {
		/* the engine is off: the driver is setting the ring up */
		TRACE(k, TR_TDT, hw->dev, hw->tdt, val, 0, 0);
		hw->tdt = val;
		return false;
	}
	if (likely(hw->tdh <= hw->tdt && hw->tdt < val)) {
		/* no wrap (tdh <= tdt < val < count): owned is tdt - tdh, posted
		 * val - tdt, and val - tdh < count: the tail cannot pass the head */
		posted = val - hw->tdt;
	} else {
		owned = ring_dist(hw->tdt, hw->tdh, count);
		posted = ring_dist(val, hw->tdt, count);
		if (posted > count - 1 - owned) {
			/* the new tail passes the head: descriptors the NIC owns were reused */
			tx_bug(k, hw, RULE_DESC_OVERWRITE);
			return false;
		}
	}
	/* what the driver wrote, then its doorbell; without a trace the records
	 * are not walked (their arguments are plain loads: nothing is skipped) */
	if (k->trace)
		tx_post_records(k, hw, val);
	TRACE(k, TR_TDT, hw->dev, hw->tdt, val, 0, 0);
	sim_charge_n(k, COST_DESC, posted); /* the driver wrote one descriptor per frame */
	tx_post(k, hw, val, false);
	return true;
}

/*
 * The whole TDT write (nic_write_tdt's catch-up, charge and driver time
 * check, then nic_tx_doorbell) in its common turn, for an untraced machine:
 * frames posted to a running engine past a tail that does not wrap
 * (tdh <= tdt < val < count), the ring's verdict kept for this memory map,
 * every frame before fetched (tx_sched == tdt) and the first new one of the
 * kept length at the kept link speed (its time the kept one: the post calls
 * nothing for it, and with the train's call its last, keeps nothing in
 * saved registers), the write's charge and the descriptors' (one each) both
 * before the hardware's next change, and the driver not at its lockup time
 * after the write's charge. Then no catch-up finds anything due and no test on the
 * way fails, so the write is its sums and the post; false, with nothing
 * changed, for any other turn (nic_write_tdt takes it the long way).
 */
bool nic_tx_doorbell_fast(struct kit *k, struct nic *hw, u32 val)
{
	u32 tdt = hw->tdt;

	if (unlikely(k->trace != NULL) || !(hw->tctl & E1000_TCTL_EN) ||
	    !(hw->tdh <= tdt && tdt < val && val < hw->tx_count) ||
	    hw->tx_ring_ok_gen != dma_coherent_gen() || hw->tx_sched != tdt ||
	    le16_to_cpu(tx_desc(hw, tdt)->lower.flags.length) != hw->wire_len ||
	    k->knob[KNOB_LINK_MBPS] != hw->wire_mbps || !nic_tail_charge(k, val - tdt))
		return false;
	tx_post(k, hw, val, true);
	return true;
}

/* May the NIC read len bytes at addr (len > 0)? nic_dma_ok's verdict, with
 * the same fault records: a buffer of the pool's seen before is answered
 * from its slot; an address of an skb's buffer with len bytes of it left is
 * in the pool's open chunks (its slot is filled for the next time and the
 * unmap); the rest is asked as nic_dma_ok asks, the pool first. Out of line
 * and cold: a miss is rare, and inline its calls cost the write-back's path
 * registers. */
static __attribute__((noinline, cold)) bool tx_buf_ok_slow(struct nic *hw, u64 addr, u32 len,
							      struct nic_tx_owner *o)
{
	const void *p = (const void *)(uintptr_t)addr;
	struct sk_buff *owner = addr ? skb_pool_buffer_owner(hw->k, p) : NULL;

	if (owner) {
		o->addr = addr;
		o->owner = owner;
		o->room = (u64)(owner->head + SKB_BUF_SIZE - (const unsigned char *)p);
		if (len <= o->room)
			return true;
	}
	return (addr && skb_pool_owns(hw->k, p, len)) || nic_dma_ok(hw, addr, len);
}

static inline bool tx_buf_ok(struct nic *hw, u64 addr, u32 len)
{
	struct nic_tx_owner *o = nic_tx_owner_slot(hw, addr);

	/* 0 < len <= room as one compare: len 0 wraps to the largest u64 and
	 * goes on, where it is refused */
	if (likely(o->addr == addr && (u64)len - 1 < o->room))
		return true;
	return len && tx_buf_ok_slow(hw, addr, len, o);
}

/* A sent frame into the capture, stamped when its first bit left: the far
 * end's capture is later by the frame's time on the wire. Cold: a capture is
 * rare, and its call would cost the write-back's path registers. */
static __attribute__((noinline, cold)) void tx_tap(struct kit *k, struct nic *hw,
						   unsigned char *frame, u32 len)
{
	u64 on_wire = wire_ps(k, len) / 1000;

	pcap_tap(k, hw->dev, frame, len, k->now > on_wire ? k->now - on_wire : 0);
}

/* snull's lockup: with fault_lockup N, every Nth TX interrupt raise (counted
 * in tx_irq_raises, whatever N was then) is lost; true: this one, counted in
 * irqs_lost. Out of line and cold, behind one test of fault_lockup: the fault
 * is rare, and its division would cost the write-back's path registers. */
static __attribute__((noinline, cold)) bool tx_irq_lost(struct nic *hw)
{
	if (hw->tx_irq_raises % hw->fault_lockup != 0)
		return false;
	hw->irqs_lost++;
	return true;
}

void nic_tx_complete_one(struct kit *k, struct nic *hw)
{
	u32 i = hw->tdh;
	struct e1000_tx_desc *d = tx_desc(hw, i);
	u16 len = le16_to_cpu(d->lower.flags.length);
	u64 addr = le64_to_cpu(d->buffer_addr);
	u8 cmd = d->lower.flags.cmd;

	if (tx_buf_ok(hw, addr, len)) {
		unsigned char *frame = (unsigned char *)(uintptr_t)addr;

		if (unlikely(k->pcap != NULL))
			tx_tap(k, hw, frame, len);
		wire_send(k, hw, frame, len, k->now);
		hw->tx_frames++;
		hw->tx_bytes += len;
	}
	hw->tdh = ring_mod(i + 1, hw->tx_count);
	TRACE(k, TR_TX_DD, hw->dev, i, i, hw->tdh, len);
	if (cmd & E1000_TXD_CMD_RS) {
		d->upper.fields.status |= E1000_TXD_STAT_DD;
		hw->tx_irq_raises++;
		if (unlikely(hw->fault_lockup != 0) && tx_irq_lost(hw))
			return;
		/* TIDV delays only descriptors that ask for it with IDE (SDM 3.3.3.1) */
		nic_raise_k(k, hw, E1000_ICR_TXDW,
			  k->now + ((cmd & E1000_TXD_CMD_IDE) ? (u64)hw->tidv * 1024 : 0));
	}
}

/* TCTL.EN cleared: frames fetched but not finished are abandoned; the ring
 * registers stay as they are until the driver rewrites them. */
void nic_tx_reset(struct nic *hw)
{
	hw->tx_sched = hw->tdh;
}
