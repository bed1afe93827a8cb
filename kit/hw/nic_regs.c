/* nic_regs.c - the NIC's registers and its interrupt logic (ICR, IMS/IMC, ITR, coalescing). */
#include <stdlib.h>
#include <string.h>

#include "nic_hw.h"

/*
 * Interrupts, as the 8254x does them (SDM 13.4.17-13.4.22):
 *   - a cause sets its bit in ICR, now or after a delay (rx-usecs, TIDV);
 *   - the line asserts when ICR & IMS is nonzero, but never sooner than ITR
 *     after the previous assertion;
 *   - reading ICR returns the causes and clears them, which drops the line;
 *   - a cause raised while masked waits in ICR; unmasking it (IMS) asserts
 *     the line at once, and the CPU takes the interrupt right there if it
 *     can: that is the moment a driver that unmasks before it completes NAPI
 *     gets interrupted inside its own poll.
 * The CPU takes an asserted line at the next step boundary (kit/sim/cpu.c).
 */

static u64 itr_ns(const struct nic *hw)
{
	return (u64)hw->itr * 256;
}

static int cause_bit(u32 cause)
{
	return __builtin_ctz(cause);
}

static inline void set_pending_k(struct kit *k, struct nic *hw, bool on)
{
	u32 bit = 1u << hw->index;

	if (on)
		k->cpu.irq_pending |= bit;
	else
		k->cpu.irq_pending &= ~bit;
}

static void set_pending(struct nic *hw, bool on)
{
	set_pending_k(hw->k, hw, on);
}

/* Recompute when the line asserts, given ICR, IMS and ITR (inline in
 * nic_raise, which every TX write-back calls); k is hw->k. */
static inline __attribute__((always_inline)) void irq_update(struct kit *k, struct nic *hw)
{
	hw->irq_stale = false;
	if (hw->asserted && !(hw->icr & hw->ims)) {
		hw->asserted = false; /* masked or cleared: the line drops */
		set_pending_k(k, hw, false);
	}
	if (hw->asserted || !(hw->icr & hw->ims) || hw->irq_disabled) {
		hw->irq_at = KIT_NEVER;
		return;
	}
	hw->irq_at = hw->irq_ever && hw->last_irq + itr_ns(hw) > k->now ?
			     hw->last_irq + itr_ns(hw) : k->now;
}

void nic_irq_update(struct nic *hw)
{
	irq_update(hw->k, hw);
}

/* A cause reaches ICR at time at (now, or later for a delayed cause); inline
 * in its callers, the TX write-back's among them. The hardware's own paths
 * hand k (hw->k) down, so it is loaded once, not again after every store
 * the compiler cannot tell from it. */
inline __attribute__((always_inline)) void nic_raise_k(struct kit *k, struct nic *hw, u32 cause,
							u64 at)
{
	if (at > k->now) {
		int b = cause_bit(cause);

		if (at < hw->cause_at[b])
			hw->cause_at[b] = at;
		if (at < hw->cause_min)
			hw->cause_min = at;
		return;
	}
	if (cause & E1000_ICR_RXT0)
		hw->rx_unsignalled = 0; /* the coalescing window closes */
	if ((hw->icr & cause) != cause) {
		hw->icr |= cause;
		trace_emit(k, at, TR_IRQ_RAISE, hw->dev, cause, 0, 0, 0);
	} else if (likely(!hw->irq_stale)) {
		/* ICR as it was: irq_update would find irq_at where it is. It
		 * last ran with these ICR, IMS, ITR and line states (each writer
		 * of them runs it, sets irq_stale, or leaves what it would give:
		 * assert_line, kit_irq and "nobody cared" put the line up or shut
		 * it off, where it gives NEVER), and what it gave then is
		 * NEVER, or a time past now: an earlier one, due by now, was
		 * taken first (hw_sync's order, the catch-up before a register
		 * write), so last_irq + ITR, which a look now gives again. */
		return;
	}
	irq_update(k, hw);
}

inline __attribute__((always_inline)) void nic_raise(struct nic *hw, u32 cause, u64 at)
{
	nic_raise_k(hw->k, hw, cause, at);
}

void nic_cause_cancel(struct nic *hw, int bit)
{
	if (bit >= 0 && hw->cause_at[bit] == KIT_NEVER)
		return;
	hw->cause_min = KIT_NEVER;
	for (int b = 0; b < NIC_CAUSES; b++) {
		if (bit < 0 || b == bit)
			hw->cause_at[b] = KIT_NEVER;
		if (hw->cause_at[b] < hw->cause_min)
			hw->cause_min = hw->cause_at[b];
	}
}

static void assert_line(struct nic *hw, u64 t)
{
	hw->asserted = true;
	hw->irq_ever = true;
	hw->last_irq = t;
	hw->irq_at = KIT_NEVER;
	hw->irqs++;
	set_pending(hw, true);
}

u64 nic_next_change(const struct nic *hw)
{
	u64 t = hw->irq_at < hw->cause_min ? hw->irq_at : hw->cause_min;

	if (hw->tdh != hw->tx_sched && hw->tx_done[hw->tdh] < t)
		t = hw->tx_done[hw->tdh];
	for (int i = 0; i < hw->nsrc; i++)
		if (hw->src[i]->next_at < t)
			t = hw->src[i]->next_at;
	return t;
}

/* Process the one change due at t (the earliest of this NIC); k is hw->k. */
void nic_advance(struct kit *k, struct nic *hw, u64 t)
{
	u64 saved = k->now;

	/* hardware work happens at its own time, not the CPU's */
	k->now = t;
	if (hw->cause_min == t) {
		for (int b = 0; b < NIC_CAUSES; b++) {
			if (hw->cause_at[b] == t) {
				nic_cause_cancel(hw, b);
				nic_raise_k(k, hw, 1u << b, t);
				goto out;
			}
		}
	}
	if (hw->irq_at == t) {
		assert_line(hw, t);
		goto out;
	}
	if (hw->tdh != hw->tx_sched && hw->tx_done[hw->tdh] == t) {
		nic_tx_complete_one(k, hw);
		goto out;
	}
	for (int i = 0; i < hw->nsrc; i++) {
		if (hw->src[i]->next_at == t) {
			nic_rx_from_source(hw, hw->src[i]);
			goto out;
		}
	}
out:
	k->now = saved;
}

bool nic_irq_deliverable(struct nic *hw)
{
	return hw->asserted && hw->handler && !hw->irq_disabled && !kit_dev_broken(hw->dev);
}

void nic_irq_deliver(struct kit *k, struct nic *hw)
{
	struct net_device *dev = hw->dev;
	enum kit_ctx prev;
	irqreturn_t rc;

	set_pending(hw, false);
	kit_doing(k, "interrupt", dev->name);
	prev = cpu_enter(k, CTX_HARDIRQ);
	kit_tl_slice(k, "IRQ", dev, TLC_KERNEL, true); /* entry to exit, the handler inside */
	sim_charge(k, COST_IRQ_ENTRY);
	TRACE(k, TR_IRQ, dev, hw->icr, dev->irq, 0, 0);
	hw->unread++;
	struct drvcall dc = driver_enter(k, dev, "interrupt handler");
	rc = hw->handler((int)dev->irq, hw->dev_id);
	driver_leave(k, dc);
	hw->unhandled = rc == IRQ_NONE ? hw->unhandled + 1 : 0;
	sim_charge(k, COST_IRQ_EXIT);
	kit_tl_slice(k, "IRQ", dev, TLC_KERNEL, false);
	cpu_leave(k, prev);
	if (hw->asserted) {
		/* the handler did not read ICR: the line is still up */
		if (hw->unread >= 1000 || hw->unhandled >= 1000) {
			hw->irq_disabled = true; /* "irq N: nobody cared", disabling */
			hw->asserted = false;
			kit_bug(k, dev, RULE_IRQ_NOBODY_CARED);
		} else {
			set_pending(hw, true);
		}
	}
}

bool nic_cause_pending(const struct nic *hw, u32 cause)
{
	return hw->icr & cause;
}

/* An interrupt the NIC sent before the driver's IMC reached it (race_rx_irq):
 * it runs the handler whatever IMS says now, as on another CPU, if cause is
 * in ICR. Returns whether it ran. */
bool nic_irq_deliver_inflight(struct nic *hw, u32 cause)
{
	if (!(hw->icr & cause) || !hw->handler || hw->irq_disabled || kit_dev_broken(hw->dev))
		return false;
	hw->asserted = true;
	hw->irq_stale = true; /* irq_at is not yet the asserted line's NEVER */
	hw->irqs++;
	nic_irq_deliver(hw->k, hw);
	nic_irq_update(hw); /* masked: the line drops if the handler left it up */
	/* the line's time may have moved: hw_sync reads hw->next (k->hw_next
	 * stays, as it always has here) */
	hw->next = nic_next_change(hw);
	return true;
}

/* The moment a driver unmasks a pending cause: take the interrupt now. */
static void maybe_nested_irq(struct nic *hw)
{
	struct kit *k = hw->k;

	if (hw->irq_at <= k->now)
		assert_line(hw, k->now);
	if (hw->asserted && k->cpu.ctx != CTX_HARDIRQ && !k->cpu.irq_off && nic_irq_deliverable(hw))
		nic_irq_deliver(k, hw);
}

/*
 * The catch-up and the charge that open every register access: hw_catch_up,
 * then sim_charge(k, id), with one test of the clock where neither finds
 * the hardware due. now + the access's cost before hw_next puts now before
 * it too (a cost is never negative): neither catches up, and the charge is
 * its sums alone. Any other turn takes the two as they are.
 */
static inline __attribute__((always_inline)) void mmio_charge(struct kit *k, enum cost_id id)
{
	u64 c = k->cost[id], now = k->now;

	if (likely(now + c < k->hw_next)) {
		k->now = now + c;
		k->cpu.busy += c;
		k->cost_ns[id] += c;
		k->cost_count[id]++;
		return;
	}
	hw_catch_up(k);
	sim_charge(k, id);
}

u32 nic_read(struct nic *hw, u32 reg)
{
	struct kit *k = hw->k;
	u32 v = 0;

	mmio_charge(k, COST_MMIO_READ);
	driver_time_check(k);
	switch (reg) {
	case E1000_ICR:
		v = hw->icr | (hw->asserted ? E1000_ICR_INT_ASSERTED : 0);
		hw->icr = 0;
		hw->unread = 0;
		TRACE(k, TR_ICR_READ, hw->dev, v & ~E1000_ICR_INT_ASSERTED, 0, 0, 0);
		irq_update(k, hw);
		hw_update_one(k, hw);
		break;
	case E1000_STATUS: v = 0x2 | 0x1; break; /* link up, full duplex */
	case E1000_CTRL: v = hw->ctrl; break;
	case E1000_IMS: v = hw->ims; break;
	case E1000_ITR: v = hw->itr; break;
	case E1000_RCTL: v = hw->rctl; break;
	case E1000_TCTL: v = hw->tctl; break;
	case E1000_TDBAL: v = hw->tdbal; break;
	case E1000_TDBAH: v = hw->tdbah; break;
	case E1000_TDLEN: v = hw->tdlen; break;
	case E1000_TDH: v = hw->tdh; break;
	case E1000_TDT: v = hw->tdt; break;
	case E1000_TIDV: v = hw->tidv; break;
	case E1000_RDBAL: v = hw->rdbal; break;
	case E1000_RDBAH: v = hw->rdbah; break;
	case E1000_RDLEN: v = hw->rdlen; break;
	case E1000_RDH: v = hw->rdh; break;
	case E1000_RDT: v = hw->rdt; break;
	case E1000_RDTR: v = hw->rdtr; break;
	case E1000_RXFR: v = hw->rxfr; break;
	default: break;
	}
	return v;
}

static void nic_reset(struct nic *hw)
{
	nic_tx_reset(hw);
	nic_rx_reset(hw);
	hw->icr = hw->ims = 0;
	hw->tdh = hw->tdt = hw->tx_sched = 0;
	hw->rdh = hw->rdt = 0;
	nic_cause_cancel(hw, -1);
	nic_irq_update(hw);
}

/* The doorbell's long way: the catch-up, the charge, the time check and
 * the doorbell, each as it comes. */
static __attribute__((noinline)) void nic_write_tdt_slow(struct nic *hw, u32 val)
{
	struct kit *k = hw->k;

	mmio_charge(k, COST_MMIO_WRITE);
	driver_time_check(k);
	if (!nic_tx_doorbell(k, hw, val))
		hw_update_nic(k, hw); /* a tail write only adds work to this NIC */
}

/* The doorbell, once per packet or batch: a function of its own, ahead of
 * the switch's search, so it saves only the registers it uses; its common
 * turn in one go, anything else the long way (out of line: its registers
 * are not the common turn's). */
static __attribute__((noinline)) void nic_write_tdt(struct nic *hw, u32 val)
{
	if (likely(nic_tx_doorbell_fast(hw->k, hw, val)))
		return;
	nic_write_tdt_slow(hw, val);
}

/* The RX doorbell's long way: each step as it comes. */
static __attribute__((noinline)) void nic_write_rdt_slow(struct nic *hw, u32 val)
{
	struct kit *k = hw->k;

	mmio_charge(k, COST_MMIO_WRITE);
	driver_time_check(k);
	if (val >= hw->rx_count) {
		kit_bug(k, hw->dev, RULE_DMA_FAULT);
	} else if (val != hw->rdt) {
		TRACE(k, TR_RDT, hw->dev, hw->rdt, val, 0, 0);
		/* the driver wrote one descriptor per buffer it posts */
		sim_charge_n(k, COST_DESC, (val + hw->rx_count - hw->rdt) % hw->rx_count);
		hw->rdt = val;
		hw->rx_doorbells++;
	}
	/* a tail write only adds work to this NIC: sooner only if it was idle */
	hw_update_nic(k, hw);
}

/* The RX doorbell, once per refill: as the TX one, out of the switch, its
 * common turn in one go (untraced, a new tail in the ring, the write's and
 * the descriptors' charges before hw_next, the driver short of its lockup
 * time: no catch-up finds anything due, no test fails), any other the long
 * way. */
static __attribute__((noinline)) void nic_write_rdt(struct nic *hw, u32 val)
{
	struct kit *k = hw->k;
	u32 count = hw->rx_count;

	if (unlikely(k->trace != NULL) || val >= count || val == hw->rdt ||
	    !nic_tail_charge(k, (val + count - hw->rdt) % count))
		goto slow;
	hw->rdt = val;
	hw->rx_doorbells++;
	hw_update_nic(k, hw);
	return;
slow:
	nic_write_rdt_slow(hw, val);
}

static __attribute__((noinline)) void nic_write_reg(struct nic *hw, u32 reg, u32 val);

void nic_write(struct nic *hw, u32 reg, u32 val)
{
	if (likely(reg == E1000_TDT))
		nic_write_tdt(hw, val);
	else if (reg == E1000_RDT)
		nic_write_rdt(hw, val);
	else
		nic_write_reg(hw, reg, val);
}

static void nic_write_reg(struct nic *hw, u32 reg, u32 val)
{
	struct kit *k = hw->k;

	mmio_charge(k, COST_MMIO_WRITE);
	driver_time_check(k);
	switch (reg) {
	case E1000_IMS:
		/* the driver's act counts, even if the bits are on already (a handler
		 * whose schedule failed unmasks, as e1000_intr does) */
		napi_irq_unmask_check(hw->dev, val);
		hw->ims |= val;
		TRACE(k, TR_IMS, hw->dev, hw->ims, 1, val, 0);
		irq_update(k, hw);
		maybe_nested_irq(hw);
		break;
	case E1000_IMC:
		hw->ims &= ~val;
		TRACE(k, TR_IMS, hw->dev, hw->ims, 0, val, 0);
		irq_update(k, hw);
		break;
	case E1000_ICS:
		nic_raise(hw, val & 0xff, k->now);
		maybe_nested_irq(hw);
		break;
	case E1000_ITR: hw->itr = val & 0xffff; nic_irq_update(hw); break;
	case E1000_CTRL:
		if (val & E1000_CTRL_RST)
			nic_reset(hw);
		hw->ctrl = val & ~E1000_CTRL_RST;
		break;
	case E1000_RCTL: hw->rctl = val; break;
	case E1000_TCTL:
		if (!(val & E1000_TCTL_EN))
			nic_tx_reset(hw); /* the engine stops; fetched frames are abandoned */
		hw->tctl = val;
		if (val & E1000_TCTL_EN)
			nic_tx_fetch(hw); /* enabled: whatever is posted goes out */
		break;
	case E1000_TDBAL:
	case E1000_TDBAH:
		if (reg == E1000_TDBAL)
			hw->tdbal = val;
		else
			hw->tdbah = val;
		hw->tx_ring = (struct e1000_tx_desc *)(uintptr_t)(((u64)hw->tdbah << 32) |
								  hw->tdbal);
		hw->tx_ring_ok_gen = 0;
		break;
	case E1000_TDLEN:
		hw->tx_ring_ok_gen = 0; /* the ring's DMA check is for another count */
		hw->tdlen = val;
		hw->tx_count = val / sizeof(struct e1000_tx_desc);
		if (hw->tx_count > SIMNIC_MAX_DESC)
			hw->tx_count = SIMNIC_MAX_DESC;
		break;
	case E1000_TDH: /* only meaningful with the engine off (SDM 13.4.38) */
		hw->tdh = hw->tx_sched = val < hw->tx_count ? val : 0;
		break;
	case E1000_TIDV: hw->tidv = val & 0xffff; break;
	case E1000_RDBAL: hw->rdbal = val; break;
	case E1000_RDBAH: hw->rdbah = val; break;
	case E1000_RDLEN:
		hw->rdlen = val;
		hw->rx_count = val / sizeof(struct e1000_rx_desc);
		if (hw->rx_count > SIMNIC_MAX_DESC)
			hw->rx_count = SIMNIC_MAX_DESC;
		break;
	case E1000_RDH: hw->rdh = val < hw->rx_count ? val : 0; break;
	case E1000_RDTR: hw->rdtr = val & 0xffff; break;
	case E1000_RXFR: hw->rxfr = val & 0xffff; break;
	default: break;
	}
	hw_update_one(k, hw); /* the write changed this NIC alone */
}
