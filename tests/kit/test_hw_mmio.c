/* test_hw_mmio.c - a register access catches the hardware up before its charge and after it. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(hw_mmio, .timeout = 60);

enum access { A_READ, A_TDT, A_RDT, A_REG, A_N };

static const char *const access_name[A_N] = { "STATUS read", "TDT write", "RDT write",
					      "TIDV write" };

/* One access that changes nothing but the time: a read of STATUS, a write of
 * TDT or RDT as they are (nothing posted), a write of TIDV as it is. */
static void access(struct nic *hw, enum access a)
{
	switch (a) {
	case A_READ: (void)nic_read(hw, E1000_STATUS); break;
	case A_TDT: nic_write(hw, E1000_TDT, hw->tdt); break;
	case A_RDT: nic_write(hw, E1000_RDT, hw->rdt); break;
	default: nic_write(hw, E1000_TIDV, hw->tidv); break;
	}
}

/*
 * Every register access opens with the catch-up to now and its own charge,
 * after which the hardware has caught up to the new now. A delayed TXDW
 * (TIDV's) due d ns from now, the line masked, must be in ICR after an
 * access of cost c exactly when d <= c: due now (d 0, hw_next at now), due
 * within the charge (0 < d <= c: the charge's catch-up), or not yet (d > c).
 * For each of the four ways in (a read, the two doorbells, any other write).
 */
Test(hw_mmio, an_access_catches_up_to_now_and_past_its_charge, .init = setup, .fini = teardown)
{
	struct nic *hw = sn0->nic;
	int checked = 0;

	kit_enter(k);
	run_idle(k);
	hw_sync(k);
	nic_write(hw, E1000_IMC, ~0u); /* no line: the cause stays in ICR to be looked at */
	for (int a = 0; a < A_N; a++) {
		u64 c = k->cost[a == A_READ ? COST_MMIO_READ : COST_MMIO_WRITE];

		cr_assert_gt(c, 0, "%s: cost 0, expected some", access_name[a]);
		for (u64 d = 0; d <= c + 2; d++) {
			u64 now = k->now;
			bool got, want = d <= c;

			(void)nic_read(hw, E1000_ICR); /* ICR clear */
			hw_sync(k);
			now = k->now;
			hw->cause_at[0] = hw->cause_min = now + d; /* TXDW, due at now + d */
			hw_update(k);
			cr_assert_eq(k->hw_next, now + d, "%s, d %llu: hw_next %llu, expected %llu",
				     access_name[a], (unsigned long long)d,
				     (unsigned long long)k->hw_next, (unsigned long long)(now + d));
			access(hw, (enum access)a);
			cr_assert_eq(k->now, now + c, "%s, d %llu: now %llu after, expected %llu",
				     access_name[a], (unsigned long long)d, (unsigned long long)k->now,
				     (unsigned long long)(now + c));
			got = (hw->icr & E1000_ICR_TXDW) != 0;
			cr_assert_eq(got, want, "%s of cost %llu, TXDW due in %llu ns: in ICR %d, "
				     "expected %d", access_name[a], (unsigned long long)c,
				     (unsigned long long)d, got, want);
			nic_cause_cancel(hw, -1);
			hw_update(k);
			checked++;
		}
	}
	cr_assert_gt(checked, 4 * 3, "%d cases checked", checked);
	(void)nic_read(hw, E1000_ICR);
}
