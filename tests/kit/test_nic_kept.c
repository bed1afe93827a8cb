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

/*
 * hw_update works the pair every machine has out unrolled: each NIC's next
 * change looked at anew (nic_next_change), hw_next the earlier of the two.
 * Over random states of both NICs (the line's and the causes' times, TX
 * write-backs pending or not, kept nexts and hw_next anything, stale ones
 * among them) hw_update must leave each hw->next at nic_next_change and
 * hw_next at their least, with either NIC the earlier and with ties.
 */
Test(nic_kept, hw_update_leaves_every_next_change_and_the_least, .init = setup, .fini = teardown)
{
	struct nic *n0 = sn0->nic, *n1 = sn1->nic, s0 = *n0, s1 = *n1;
	u64 rng = 99, now = k->now, hw_next = k->hw_next;
	u64 d0 = n0->tx_done[n0->tdh], d1 = n1->tx_done[n1->tdh];
	int first = 0, second = 0, ties = 0;

	cr_assert_eq(k->nnic, 2, "the machine has %d NICs", k->nnic);
	for (int it = 0; it < 20000; it++) {
#define R() (rng = rng * 6364136223846793005ULL + 1442695040888963407ULL, rng >> 33)
		struct nic *hw[2] = { n0, n1 };
		u64 want[2], least;

		for (int n = 0; n < 2; n++) {
			hw[n]->irq_at = R() % 3 ? KIT_NEVER : now + R() % 64;
			hw[n]->cause_min = R() % 3 ? KIT_NEVER : now + R() % 64;
			hw[n]->tx_sched = R() % 2 ? hw[n]->tdh : (hw[n]->tdh + 1) % hw[n]->tx_count;
			hw[n]->tx_done[hw[n]->tdh] = now + R() % 64;
			hw[n]->next = R() % 2 ? KIT_NEVER : now + R() % 64; /* stale */
			want[n] = nic_next_change(hw[n]);
		}
		k->hw_next = R() % 2 ? KIT_NEVER : now + R() % 64;
		least = want[0] < want[1] ? want[0] : want[1];
		hw_update(k);
		for (int n = 0; n < 2; n++)
			cr_assert_eq(hw[n]->next, want[n], "state %d: sn%d's next %llu, nic_next_change %llu",
				     it, n, (unsigned long long)hw[n]->next,
				     (unsigned long long)want[n]);
		cr_assert_eq(k->hw_next, least, "state %d: hw_next %llu, the least %llu (%llu, %llu)",
			     it, (unsigned long long)k->hw_next, (unsigned long long)least,
			     (unsigned long long)want[0], (unsigned long long)want[1]);
		first += want[0] < want[1];
		second += want[1] < want[0];
		ties += want[0] == want[1];
#undef R
	}
	cr_assert(first > 3000 && second > 3000 && ties > 300,
		  "sn0 earlier %d times, sn1 %d, ties %d", first, second, ties);
	*n0 = s0;
	*n1 = s1;
	n0->tx_done[n0->tdh] = d0;
	n1->tx_done[n1->tdh] = d1;
	k->hw_next = hw_next;
	ev_cancel(k, &k->hw_ev);
	hw_update(k);
}
