/* test_hw_rxsignal.c - RXT0 after a frame lands, with and without coalescing, against the rule. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(hw_rxsignal, .timeout = 60);

struct sig_cfg {
	u32 rdtr, rxfr; /* rx-usecs (1.024 us units), rx-frames */
};

static const struct sig_cfg sig_cfgs[] = {
	{ 0, 0 }, { 5, 0 }, { 0, 3 }, { 7, 4 }, { 0, 1 }, { 0, 0 }, { 2, 1 },
};

/*
 * A frame landing at t opens the coalescing window if none is open (the
 * first frame not signalled, rx_first) and counts; RXT0 reaches ICR at once
 * when rx-frames frames wait, or with both rx-usecs and rx-frames 0 (the
 * count and any delayed RXT0 then cleared), else rx-usecs after the
 * window opened (at once if that is past, the count cleared). Frames land through the NIC at moving times, the line
 * masked, under each setting in turn: the count, the window's start, RXT0
 * in ICR and the delayed RXT0's time must be the rule's after every frame.
 */
Test(hw_rxsignal, each_frame_signals_as_the_rule_says, .init = setup, .fini = teardown)
{
	static const unsigned char frame[ETH_ZLEN];
	struct nic *hw = sn1->nic;
	int checked = 0;

	kit_enter(k);
	run_idle(k);
	hw_sync(k);
	nic_write(hw, E1000_IMC, ~0u);
	for (size_t ci = 0; ci < ARRAY_SIZE(sig_cfgs); ci++) {
		const struct sig_cfg *c = &sig_cfgs[ci];
		u32 unsig, frames = 0;
		u64 first, cause, t;
		bool icr;

		nic_write(hw, E1000_RDTR, c->rdtr);
		nic_write(hw, E1000_RXFR, c->rxfr);
		(void)nic_read(hw, E1000_ICR);
		hw_sync(k);
		nic_cause_cancel(hw, -1);
		hw_update(k);
		unsig = hw->rx_unsignalled;
		first = hw->rx_first;
		cause = KIT_NEVER;
		icr = false;
		t = k->now;
		for (int i = 0; i < 12 && hw->rdh != hw->rdt; i++) {
			u64 frames_before = hw->rx_frames;

			t += (u64)(i % 3) * 700; /* frames at moving times, never before now */
			k->now = t;
			nic_rx_frame(hw, frame, sizeof(frame), t);
			cr_assert_eq(hw->rx_frames, frames_before + 1, "setting %zu, frame %d: not landed",
				     ci, i);
			/* the rule */
			if (!unsig++)
				first = t;
			if ((c->rxfr && unsig >= c->rxfr) || (!c->rxfr && !c->rdtr)) {
				unsig = 0;
				cause = KIT_NEVER;
				icr = true;
			} else if (c->rdtr) {
				u64 at = first + (u64)c->rdtr * 1024;

				if (at > t) {
					cause = at < cause ? at : cause;
				} else {
					icr = true; /* due already: at once, the window closed */
					unsig = 0;
				}
			}
			cr_assert_eq(hw->rx_unsignalled, unsig, "rdtr %u, rxfr %u, frame %d: count %u, "
				     "expected %u", c->rdtr, c->rxfr, i, hw->rx_unsignalled, unsig);
			cr_assert_eq(hw->rx_first, first, "rdtr %u, rxfr %u, frame %d: window from %llu, "
				     "expected %llu", c->rdtr, c->rxfr, i,
				     (unsigned long long)hw->rx_first, (unsigned long long)first);
			cr_assert_eq((hw->icr & E1000_ICR_RXT0) != 0, icr, "rdtr %u, rxfr %u, frame %d: "
				     "RXT0 in ICR %d, expected %d", c->rdtr, c->rxfr, i,
				     (hw->icr & E1000_ICR_RXT0) != 0, icr);
			cr_assert_eq(hw->cause_at[7], cause, "rdtr %u, rxfr %u, frame %d: RXT0 due at "
				     "%llu, expected %llu", c->rdtr, c->rxfr, i,
				     (unsigned long long)hw->cause_at[7], (unsigned long long)cause);
			frames++;
			checked++;
		}
		cr_assert_geq(frames, 6, "setting %zu: only %u frames landed", ci, frames);
		hw_update(k);
	}
	cr_assert_gt(checked, 40, "%d frames checked", checked);
	nic_write(hw, E1000_RDTR, 0);
	nic_write(hw, E1000_RXFR, 0);
}
