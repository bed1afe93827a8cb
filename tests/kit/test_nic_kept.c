/* test_nic_kept.c - what the NIC keeps besides its registers matches them: the ring pointer, the line. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(nic_kept, .timeout = 60);

/*
 * The TX engine reads its descriptors through tx_ring, TDBAH:TDBAL as a
 * pointer, which nic_write sets with either half. Over random writes of
 * TDBAL and TDBAH (and of the registers beside them, which must leave it)
 * tx_ring must be the two registers' address after each; then the ring is
 * put back and a doorbell sends its frame from it.
 */
Test(nic_kept, the_ring_pointer_is_tdbah_tdbal_after_every_write, .init = setup,
     .fini = teardown)
{
	struct nic *hw = sn0->nic;
	const u32 tdbal = hw->tdbal, tdbah = hw->tdbah;
	const u32 regs[] = { E1000_TDBAL, E1000_TDBAH, E1000_TIDV, E1000_RDBAL, E1000_RDBAH };
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	u64 seed = 0x9e3779b97f4a7c15ull, frames;
	int moved = 0;

	run_idle(k);
	hw_sync(k);
	cr_assert_eq((u64)(uintptr_t)hw->tx_ring, ((u64)tdbah << 32) | tdbal,
		     "after probe tx_ring %p, TDBAH:TDBAL %#llx", (void *)hw->tx_ring,
		     (unsigned long long)(((u64)tdbah << 32) | tdbal));
	for (int i = 0; i < 2000; i++) {
		u32 reg, val;
		u64 want;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		reg = regs[(seed >> 33) % 5];
		val = (u32)(seed >> 7);
		if (reg == E1000_TIDV)
			val &= 0xff; /* a small delay: put back below */
		if (reg == E1000_RDBAL || reg == E1000_RDBAH)
			val = reg == E1000_RDBAL ? hw->rdbal : hw->rdbah; /* the RX ring as it is */
		nic_write(hw, reg, val);
		want = ((u64)hw->tdbah << 32) | hw->tdbal;
		moved += reg == E1000_TDBAL || reg == E1000_TDBAH;
		cr_assert_eq((u64)(uintptr_t)hw->tx_ring, want,
			     "write %d (register %#x = %#x): tx_ring %p, TDBAH:TDBAL %#llx", i, reg,
			     val, (void *)hw->tx_ring, (unsigned long long)want);
	}
	cr_assert_gt(moved, 700, "only %d of 2000 writes moved the ring", moved);
	nic_write(hw, E1000_TIDV, 0);
	nic_write(hw, E1000_TDBAL, tdbal);
	nic_write(hw, E1000_TDBAH, tdbah);
	cr_assert_eq((u64)(uintptr_t)hw->tx_ring, ((u64)tdbah << 32) | tdbal,
		     "put back: tx_ring %p", (void *)hw->tx_ring);
	frames = hw->tx_frames;
	kit_xmit_frames(sn0, &p, 1);
	run_idle(k);
	cr_assert_eq(hw->tx_frames, frames + 1, "the ring put back sent %llu frames, not 1",
		     (unsigned long long)(hw->tx_frames - frames));
}

/*
 * An interrupt the NIC sent before the driver's IMC reached it runs the
 * handler with the line up, irq_at as irq_update left it for the masked (or
 * held) line, and marks the line stale: a raise inside that handler of a
 * cause already in ICR (a write-back the handler's register access catches
 * up) must then look again, as irq_update would. A handler of the test's own
 * raises RXT0, already in ICR, and notes the line, then runs irq_update and
 * notes it again: the two must agree. Without the mark the masked line stays
 * up (asserted, where irq_update drops it) and the held one keeps its ITR
 * time (where irq_update gives NEVER for a line up).
 */
static struct nic *inflight_hw;
static bool raised_asserted, update_asserted;
static u64 raised_at, update_at;
static int inflight_calls;

static irqreturn_t raising_handler(int irq, void *dev_id)
{
	struct nic *hw = inflight_hw;

	(void)irq;
	(void)dev_id;
	nic_raise(hw, E1000_ICR_RXT0, hw->k->now);
	raised_asserted = hw->asserted;
	raised_at = hw->irq_at;
	nic_irq_update(hw);
	update_asserted = hw->asserted;
	update_at = hw->irq_at;
	inflight_calls++;
	return IRQ_HANDLED;
}

Test(nic_kept, a_raise_in_the_in_flight_handler_looks_at_the_line_again, .init = setup,
     .fini = teardown)
{
	struct nic *hw = sn0->nic;
	irq_handler_t h;
	void *id;
	const struct line_case {
		const char *what;
		u32 ims;	/* IMS while the in-flight interrupt runs */
		u32 itr;	/* ITR, holding the line after the last assertion */
	} cases[] = {
		{ "RX masked", 0, 0 },
		{ "RX unmasked, ITR holding the line", E1000_IMS_RX, 4000 },
	};

	run_idle(k);
	hw_sync(k);
	h = hw->handler;
	id = hw->dev_id;
	free_irq(sn0->irq, id);
	cr_assert_eq(request_irq(sn0->irq, raising_handler, 0, "raising", id), 0,
		     "the test's handler takes the line");
	inflight_hw = hw;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		inflight_calls = 0;
		hw->icr = E1000_ICR_RXT0;
		hw->ims = cases[c].ims;
		hw->itr = cases[c].itr;
		hw->irq_ever = true;
		hw->last_irq = k->now;
		hw->asserted = false;
		nic_irq_update(hw);
		hw_update(k);
		cr_assert(!hw->irq_stale, "%s: irq_update leaves the line fresh", cases[c].what);
		cr_assert(nic_irq_deliver_inflight(hw, E1000_ICR_RXT0),
			  "%s: the in-flight interrupt runs the handler", cases[c].what);
		cr_assert_eq(inflight_calls, 1, "%s: the handler ran %d times", cases[c].what,
			     inflight_calls);
		cr_assert_eq(raised_asserted, update_asserted,
			     "%s: after the raise the line is %s, irq_update puts it %s", cases[c].what,
			     raised_asserted ? "up" : "down", update_asserted ? "up" : "down");
		cr_assert_eq(raised_at, update_at, "%s: after the raise irq_at %llu, irq_update %llu",
			     cases[c].what, (unsigned long long)raised_at,
			     (unsigned long long)update_at);
		cr_assert_eq(hw->next, nic_next_change(hw), "%s: hw->next %llu, nic_next_change %llu",
			     cases[c].what, (unsigned long long)hw->next,
			     (unsigned long long)nic_next_change(hw));
	}
	free_irq(sn0->irq, id);
	cr_assert_eq(request_irq(sn0->irq, h, 0, "simnic", id), 0, "the driver's handler back");
	hw->icr = 0;
	hw->itr = 0;
	nic_irq_update(hw);
	hw_update(k);
}
