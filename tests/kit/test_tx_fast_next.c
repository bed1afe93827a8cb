/* test_tx_fast_next.c - each NIC's kept next change (hw->next) stays exact: the doorbell's own update. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(tx_fast_next, .timeout = 60);

/*
 * A doorbell that posts frames to a running engine keeps hw->next itself
 * (nic_tx_doorbell returns true): an idle engine's new next is the sooner of
 * the kept one and tdh's write-back, a busy engine's stays. The general rule
 * is hw_update_nic: nic_next_change looked at anew, hw_next lowered to it.
 * Over random states of sn0 (the head, the fetch point and the tail on a ring
 * of 8 or 16, the write-backs pending, the line's and the causes' times, the
 * DD delay, the wire's free time) the doorbell with every tail it may write
 * must leave hw->next and hw_next where the general rule puts them, and the
 * doorbell's own update must be taken in idle and busy states alike. Every
 * change lies past the doorbell's charge for its descriptors (margin), so no
 * catch-up runs inside it (the runs below have those).
 */
Test(tx_fast_next, the_doorbell_keeps_the_next_change_exact_over_random_states, .init = setup,
     .fini = teardown)
{
	struct nic *hw = sn0->nic, saved = *hw;
	u64 done[19], rng = 777, now = k->now, margin = k->cost[COST_DESC] * 16 + 1;
	int idle_kept = 0, busy_kept = 0, general = 0;

	memcpy(done, hw->tx_done, sizeof(done));
	cr_assert(hw->tctl & E1000_TCTL_EN, "sn0's TX engine is on after probe");
	for (int it = 0; it < 20000; it++) {
#define R() (rng = rng * 6364136223846793005ULL + 1442695040888963407ULL, rng >> 33)
		u32 count = R() % 2 ? 8 : 16, fetched, owned, val;
		u64 before, expect_next, expect_hw;
		bool kept, idle;

		k->now = now + R() % 4000;
		hw->tdlen = count * sizeof(struct e1000_tx_desc);
		hw->tx_count = count;
		hw->tx_ring_ok_gen = 0;
		hw->tdh = (u32)(R() % count);
		owned = (u32)(R() % count);	/* TDT - TDH on the ring, at most count - 1 */
		fetched = R() % 3 ? owned : (u32)(R() % (owned + 1));
		hw->tdt = (hw->tdh + owned) % count;
		hw->tx_sched = (hw->tdh + fetched) % count;
		for (u32 i = 0; i < count; i++)
			hw->tx_done[i] = k->now + margin + R() % 5000;
		hw->irq_at = R() % 3 ? KIT_NEVER : k->now + margin + R() % 5000;
		hw->cause_min = R() % 3 ? KIT_NEVER : k->now + margin + R() % 5000;
		hw->fault_dd_delay = R() % 4 ? 0 : R() % 3000;
		hw->wire_free_up = R() % 2 ? 0 : k->now + R() % 3000;
		hw->wire_slack = (u32)(R() % 1000);
		hw->next = nic_next_change(hw);
		before = hw->next;
		if (R() % 4 == 0) /* another NIC's change comes first */
			before = k->now + margin + R() % 5000;
		before = before < hw->next ? before : hw->next;
		k->hw_next = before;
		/* any tail that does not pass the head, this one included */
		val = (hw->tdt + (u32)(R() % (count - owned))) % count;
		idle = hw->tdh == hw->tx_sched;
		kept = nic_tx_doorbell(k, hw, val);
		if (!kept) {
			hw_update_nic(k, hw);
			general++;
		} else {
			idle_kept += idle;
			busy_kept += !idle;
		}
		expect_next = nic_next_change(hw);
		expect_hw = expect_next < before ? expect_next : before;
		cr_assert_eq(hw->next, expect_next,
			     "state %d (doorbell %s): hw->next %llu, nic_next_change says %llu (TDH %u, "
			     "fetched to %u, TDT %u -> %u of %u)",
			     it, kept ? "kept it" : "left it", (unsigned long long)hw->next,
			     (unsigned long long)expect_next, hw->tdh, hw->tx_sched, hw->tdt, val, count);
		cr_assert_eq(k->hw_next, expect_hw,
			     "state %d (doorbell %s): hw_next %llu, expected %llu (was %llu, NIC's next "
			     "%llu)",
			     it, kept ? "kept it" : "left it", (unsigned long long)k->hw_next,
			     (unsigned long long)expect_hw, (unsigned long long)before,
			     (unsigned long long)expect_next);
		cr_assert_eq(kept, val != (hw->tdh + owned) % count,
			     "state %d: the doorbell kept the next change: %d, a tail moved: %d", it, kept,
			     val != (hw->tdh + owned) % count);
#undef R
	}
	cr_assert_gt(idle_kept, 2000, "the doorbell kept an idle engine's next %d times", idle_kept);
	cr_assert_gt(busy_kept, 2000, "the doorbell kept a busy engine's next %d times", busy_kept);
	cr_assert_gt(general, 1000, "a tail left as it was %d times", general);
	*hw = saved;
	memcpy(hw->tx_done, done, sizeof(done));
	k->now = now;
	ev_cancel(k, &k->hw_ev);
	hw_update(k);
}

/* Every NIC's hw->next is what nic_next_change says, and hw_next no later
 * than the earliest, after each step of TX runs (bursts of 1 to 23 frames on
 * rings of 8, into the sink and the peer, pktgen's frames arriving, hardware
 * steps on and off) and after interrupts the CPU is handed by kit_irq. */
static void nexts_exact(int round, int s)
{
	u64 least = KIT_NEVER;

	for (int d = 0; d < 2; d++) {
		struct nic *hw = (d ? sn1 : sn0)->nic;
		u64 t = nic_next_change(hw);

		cr_assert_eq(hw->next, t, "round %d, step %d: sn%d's kept next %llu, it is %llu",
			     round, s, d, (unsigned long long)hw->next, (unsigned long long)t);
		least = t < least ? t : least;
	}
	cr_assert_leq(k->hw_next, least, "round %d, step %d: hw_next %llu after the earliest %llu",
		      round, s, (unsigned long long)k->hw_next, (unsigned long long)least);
}

Test(tx_fast_next, every_nic_keeps_its_next_change_exact_through_tx_runs, .init = setup,
     .fini = teardown)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	int checks = 0;

	setp(k, sn0, "tx_ring", 8);
	setp(k, sn1, "tx_ring", 8);
	for (int round = 0; round < 8; round++) {
		kit_set_hw_steps(k, round & 4);
		setp(k, NULL, "wire_peer", round & 1);
		gen_rx(round & 2 ? sn0 : sn1, 1500, 1000000, IPPROTO_UDP, 60);
		for (int s = 0; s < 1000; s++) {
			kit_xmit_frames(s % 3 ? sn0 : sn1, &p, 1 + (u64)(s * 7) % 23);
			nexts_exact(round, s);
			kit_run(k, 1 + s % 3, 0, NULL);
			nexts_exact(round, s);
			if (s % 50 == 7) {
				kit_irq(s % 2 ? sn0 : sn1);
				nexts_exact(round, s);
			}
			checks += 3;
		}
		run_idle(k);
	}
	cr_assert_geq(checks, 8 * 3000, "%d checks", checks);
}

/*
 * nic_raise of a cause already in ICR leaves irq_at as it is, unless
 * irq_stale says the line's state moved without irq_update (boot,
 * request_irq, free_irq, an in-flight interrupt). The general rule is
 * irq_update run again. Over random line states (ICR, IMS, ITR, the line up
 * or not, shut off or not, the last assertion) worked out by irq_update at
 * one time, the raise at a later time no later than irq_at (a change due by
 * then was taken first), the line's time and state must be what irq_update
 * gives then; some states are made stale (the line dropped or re-enabled by
 * hand), where the raise must look again.
 */
Test(tx_fast_next, a_cause_already_in_icr_leaves_the_line_as_irq_update_would, .init = setup,
     .fini = teardown)
{
	static const u32 causes[] = { E1000_ICR_TXDW, E1000_ICR_RXT0, E1000_ICR_RXO,
				      E1000_ICR_TXDW | E1000_ICR_RXT0 };
	struct nic *hw = sn0->nic, saved = *hw;
	u64 rng = 99, now = k->now, pending = k->cpu.irq_pending;
	int skipped = 0, stale = 0;

	for (int it = 0; it < 20000; it++) {
#define R() (rng = rng * 6364136223846793005ULL + 1442695040888963407ULL, rng >> 33)
		u32 cause = causes[R() % 4];
		u64 got_at, t0 = now + R() % 100000;
		bool got_asserted, was_set, was_stale;

		hw->icr = (u32)(R() & 0x9f);
		hw->ims = (u32)(R() & 0x9f);
		hw->itr = (u32)(R() % 3 ? R() % 2000 : 0);
		hw->irq_ever = R() % 4 != 0;
		hw->last_irq = t0 > 600000 ? t0 - R() % 600000 : R() % (t0 + 1);
		hw->irq_disabled = R() % 8 == 0;
		hw->asserted = R() % 3 == 0 && (hw->icr & hw->ims);
		k->now = t0;
		nic_irq_update(hw);
		if (R() % 6 == 0) {
			/* free_irq or request_irq by hand: the line moved, irq_at did not */
			if (hw->asserted)
				hw->asserted = false;
			else
				hw->irq_disabled = false;
			hw->irq_stale = true;
		}
		/* later, but not past a line that would have asserted by then */
		k->now = t0 + R() % 5000;
		if (hw->irq_at != KIT_NEVER && k->now > hw->irq_at)
			k->now = hw->irq_at;
		was_set = (hw->icr & cause) == cause;
		was_stale = hw->irq_stale;
		nic_raise(hw, cause, k->now);
		got_at = hw->irq_at;
		got_asserted = hw->asserted;
		nic_irq_update(hw);
		cr_assert(got_at == hw->irq_at && got_asserted == hw->asserted,
			  "state %d (cause %#x %s in ICR %#x, IMS %#x, ITR %u, %s, last %llu, now "
			  "%llu): the raise left the line at %llu (up %d), irq_update puts it at %llu "
			  "(up %d)",
			  it, cause, was_set ? "already" : "not", hw->icr, hw->ims, hw->itr,
			  was_stale ? "stale" : "fresh", (unsigned long long)hw->last_irq,
			  (unsigned long long)k->now, (unsigned long long)got_at, got_asserted,
			  (unsigned long long)hw->irq_at, hw->asserted);
		skipped += was_set && !was_stale;
		stale += was_set && was_stale;
#undef R
	}
	cr_assert_gt(skipped, 4000, "the raise kept the line %d times", skipped);
	cr_assert_gt(stale, 300, "a stale line was looked at again %d times", stale);
	*hw = saved;
	k->now = now;
	k->cpu.irq_pending = pending;
	hw_update(k);
}

/* After each step of TX and RX runs (as above, TXDW and RX coalesced by ITR
 * and rx-usecs), each NIC whose line is not stale has irq_at where
 * irq_update puts it, once the hardware has caught up. */
Test(tx_fast_next, every_line_is_where_irq_update_puts_it_through_runs, .init = setup,
     .fini = teardown)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	int fresh = 0;

	setp(k, sn0, "tx_ring", 8);
	for (int round = 0; round < 4; round++) {
		setp(k, NULL, "wire_peer", round & 1);
		gen_rx(round & 2 ? sn0 : sn1, 1500, 1000000, IPPROTO_UDP, 60);
		for (int s = 0; s < 1000; s++) {
			kit_xmit_frames(s % 3 ? sn0 : sn1, &p, 1 + (u64)(s * 7) % 23);
			kit_run(k, 1 + s % 3, 0, NULL);
			hw_sync(k);
			for (int d = 0; d < 2; d++) {
				struct nic *hw = (d ? sn1 : sn0)->nic;
				u64 at = hw->irq_at;
				bool up = hw->asserted;

				if (hw->irq_stale)
					continue;
				nic_irq_update(hw);
				cr_assert(at == hw->irq_at && up == hw->asserted,
					  "round %d, step %d: sn%d's line at %llu (up %d), irq_update "
					  "puts it at %llu (up %d)",
					  round, s, d, (unsigned long long)at, up,
					  (unsigned long long)hw->irq_at, hw->asserted);
				fresh++;
			}
		}
		run_idle(k);
	}
	cr_assert_gt(fresh, 4000, "%d lines looked at", fresh);
}

/* A raise of TXDW, already in ICR, after `after`: the line is irq_update's
 * and due now. */
static void raise_due_now(struct nic *hw, const char *after)
{
	u64 got;

	nic_raise(hw, E1000_ICR_TXDW, k->now);
	got = hw->irq_at;
	nic_irq_update(hw);
	cr_assert_eq(got, hw->irq_at, "after %s the raise left irq_at %llu, irq_update gives %llu",
		     after, (unsigned long long)got, (unsigned long long)hw->irq_at);
	cr_assert_eq(got, k->now, "after %s the pending cause is due now: irq_at %llu, now %llu",
		     after, (unsigned long long)got, (unsigned long long)k->now);
}

/*
 * The writers of the line's state that do not run irq_update mark it stale,
 * so the next raise of a cause already in ICR looks again: free_irq drops an
 * asserted line by hand and request_irq takes the line back (the line then
 * asserts again for a cause still pending), and nic_boot_done forgets the
 * last assertion, so ITR no longer holds the line. Each through the kit's
 * own function, the raise's line against irq_update's; without the mark the
 * first stays NEVER and the second at the old last_irq + ITR.
 */
Test(tx_fast_next, the_writers_without_irq_update_make_the_next_raise_look_again,
     .init = setup, .fini = teardown)
{
	struct nic *hw = sn0->nic;
	irq_handler_t h;
	void *id;

	run_idle(k);
	hw_sync(k);
	h = hw->handler;
	id = hw->dev_id;
	cr_assert(h, "sn0 has its interrupt handler after probe");

	/* free_irq and request_irq: TXDW pending, unmasked, the line up */
	hw->icr |= E1000_ICR_TXDW;
	hw->ims |= E1000_ICR_TXDW;
	hw->itr = 0;
	nic_irq_update(hw);
	cr_assert_eq(hw->irq_at, k->now, "the line due now: %llu, now %llu",
		     (unsigned long long)hw->irq_at, (unsigned long long)k->now);
	hw->asserted = true; /* as assert_line leaves it */
	hw->irq_at = KIT_NEVER;
	free_irq(sn0->irq, id);
	cr_assert_eq(request_irq(sn0->irq, h, 0, "simnic", id), 0, "request_irq takes the line back");
	k->now += 10;
	raise_due_now(hw, "free_irq and request_irq");

	/* nic_boot_done: ITR held the line until last_irq + ITR */
	hw->asserted = false;
	hw->itr = 1000;
	hw->irq_ever = true;
	hw->last_irq = k->now;
	nic_irq_update(hw);
	cr_assert_eq(hw->irq_at, k->now + 1000 * 256, "ITR holds the line: %llu",
		     (unsigned long long)hw->irq_at);
	nic_boot_done(hw);
	raise_due_now(hw, "nic_boot_done");

	hw->icr = 0;
	nic_irq_update(hw);
	hw_update(k);
}

/*
 * kit_irq (the shell's `irq`) overrides ITR: it puts the line up and clears
 * irq_at before it runs the handler, and works hw->next out again there, as
 * a doorbell the handler rings keeps hw->next from what it finds. A handler
 * of the test's own notes, on entry, hw->next and what nic_next_change gives;
 * with ITR holding the line (irq_at the NIC's next change) the two differ
 * unless kit_irq refreshed it.
 */
static struct nic *seen_hw;
static u64 seen_next, seen_change;
static int seen_calls;

static irqreturn_t noting_handler(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	seen_next = seen_hw->next;
	seen_change = nic_next_change(seen_hw);
	seen_calls++;
	return IRQ_HANDLED;
}

Test(tx_fast_next, the_handler_kit_irq_runs_finds_the_next_change_exact, .init = setup,
     .fini = teardown)
{
	struct nic *hw = sn0->nic;
	irq_handler_t h;
	void *id;

	run_idle(k);
	hw_sync(k);
	h = hw->handler;
	id = hw->dev_id;
	free_irq(sn0->irq, id);
	cr_assert_eq(request_irq(sn0->irq, noting_handler, 0, "noting", id), 0,
		     "the test's handler takes the line");
	seen_hw = hw;
	hw->icr |= E1000_ICR_TXDW;
	hw->ims |= E1000_ICR_TXDW;
	hw->itr = 4000; /* about 1 ms */
	hw->irq_ever = true;
	hw->last_irq = k->now;
	nic_irq_update(hw);
	hw_update(k);
	cr_assert_eq(hw->next, hw->irq_at, "ITR's hold is the NIC's next change: next %llu, irq_at %llu",
		     (unsigned long long)hw->next, (unsigned long long)hw->irq_at);
	cr_assert_eq(kit_irq(sn0), 0, "kit_irq delivers the pending TXDW");
	cr_assert_eq(seen_calls, 1, "the handler ran once, not %d times", seen_calls);
	cr_assert_eq(seen_next, seen_change, "inside the handler hw->next %llu, nic_next_change %llu",
		     (unsigned long long)seen_next, (unsigned long long)seen_change);
	free_irq(sn0->irq, id);
	cr_assert_eq(request_irq(sn0->irq, h, 0, "simnic", id), 0, "the driver's handler back");
	hw->icr = 0;
	nic_irq_update(hw);
	hw_update(k);
}
