/* test_hw_lockup.c - snull's lockup fault: every Nth TX interrupt raise is lost, by the count of all raises. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(hw_lockup, .timeout = 60);

/*
 * The TX write-back of a descriptor with RS raises TXDW, except with
 * fault_lockup N every Nth raise of the NIC's life (the count goes on while
 * N is 0 or changes), which is lost and counted in irqs_lost. One descriptor
 * of no bytes (nothing sent) with RS is written back again and again, ICR
 * cleared before each, N switched among 0, 1, 2, 3 and 7 along the way: after
 * each the raise must be in ICR exactly when the rule written here says so,
 * and irqs_lost must be the rule's count.
 */
Test(hw_lockup, every_nth_raise_is_lost_by_the_count_of_all, .init = setup, .fini = teardown)
{
	static const u64 ns[] = { 1, 2, 3, 7, 0, 3, 7, 2, 1, 0, 7 };
	struct nic *hw = sn0->nic;
	struct e1000_tx_desc *d, saved;
	u32 tdh, tx_sched, icr, ims;
	u64 raises, lost, want_lost = 0, seed = 0x2545f4914f6cdd1dull;
	int lost_seen = 0, kept_seen = 0;

	run_idle(k);
	hw_sync(k);
	tdh = hw->tdh;
	tx_sched = hw->tx_sched;
	icr = hw->icr;
	ims = hw->ims;
	d = &hw->tx_ring[tdh];
	saved = *d;
	nic_write(hw, E1000_IMC, ~0u); /* no line: the raise stays in ICR to be looked at */
	raises = hw->tx_irq_raises;
	lost = hw->irqs_lost;
	for (int i = 0; i < 4000; i++) {
		u64 n, r;
		bool want, got;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		n = ns[(i / 97 + (seed >> 60)) % (sizeof(ns) / sizeof(ns[0]))];
		hw->fault_lockup = n;
		memset(d, 0, sizeof(*d));
		d->lower.flags.cmd = E1000_TXD_CMD_RS | E1000_TXD_CMD_EOP;
		hw->tdh = tdh;
		hw->tx_sched = tdh + 1 == hw->tx_count ? 0 : tdh + 1;
		hw->icr &= ~E1000_ICR_TXDW;
		nic_tx_complete_one(k, hw);
		r = raises + (u64)i + 1; /* this raise's number in the NIC's life */
		want = !(n != 0 && r % n == 0);
		want_lost += !want;
		got = (hw->icr & E1000_ICR_TXDW) != 0;
		cr_assert_eq(got, want,
			     "write-back %d (raise %llu, fault_lockup %llu): TXDW in ICR %d, expected %d",
			     i, (unsigned long long)r, (unsigned long long)n, got, want);
		cr_assert_eq(hw->tx_irq_raises, r, "write-back %d: tx_irq_raises %llu, expected %llu",
			     i, (unsigned long long)hw->tx_irq_raises, (unsigned long long)r);
		cr_assert_eq(hw->irqs_lost - lost, want_lost,
			     "write-back %d (fault_lockup %llu): %llu raises lost, expected %llu", i,
			     (unsigned long long)n, (unsigned long long)(hw->irqs_lost - lost),
			     (unsigned long long)want_lost);
		cr_assert(d->upper.fields.status & E1000_TXD_STAT_DD,
			  "write-back %d: DD not set (status %#x)", i, d->upper.fields.status);
		lost_seen += !want;
		kept_seen += want && n != 0;
	}
	cr_assert_gt(lost_seen, 500, "only %d raises lost", lost_seen);
	cr_assert_gt(kept_seen, 500, "only %d raises kept with a lockup on", kept_seen);
	*d = saved;
	hw->tdh = tdh;
	hw->tx_sched = tx_sched;
	hw->fault_lockup = 0;
	hw->icr = icr;
	nic_write(hw, E1000_IMS, ims);
}

/*
 * A long run through the driver with fault_lockup N from the start: the NIC
 * loses every Nth of its TX interrupt raises (counted from a multiple of N),
 * so the run's irqs_lost is its raises over N, whatever the watchdog's resets
 * did to the ring meanwhile.
 */
Test(hw_lockup, a_long_run_loses_the_raises_over_n, .init = setup, .fini = teardown)
{
	static const u64 ns[] = { 1, 2, 3, 7 };
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };

	for (size_t j = 0; j < sizeof(ns) / sizeof(ns[0]); j++) {
		struct nic *hw = sn0->nic;
		u64 raises0, lost0, raises, lost;

		/* the count from a multiple of N on, so the run's raises are N's from 1 */
		setp(k, sn0, "fault_lockup", 0);
		for (u64 t = 0; hw->tx_irq_raises % ns[j] != 0; t++) {
			cr_assert_lt(t, ns[j], "fault_lockup 0: %llu frames sent, tx_irq_raises %llu "
				     "still not a multiple of %llu", (unsigned long long)t,
				     (unsigned long long)hw->tx_irq_raises, (unsigned long long)ns[j]);
			kit_xmit_frames(sn0, &p, 1);
			run_idle(k);
		}
		raises0 = hw->tx_irq_raises;
		lost0 = hw->irqs_lost;
		setp(k, sn0, "fault_lockup", (long)ns[j]);
		for (int b = 0; b < 40; b++) {
			kit_xmit_frames(sn0, &p, 25);
			kit_run(k, 0, k->now + 10 * 1000 * 1000, NULL);
		}
		run_idle(k);
		raises = hw->tx_irq_raises - raises0;
		lost = hw->irqs_lost - lost0;
		cr_assert_gt(raises, 100, "fault_lockup %llu: only %llu TX raises",
			     (unsigned long long)ns[j], (unsigned long long)raises);
		cr_assert_eq(lost, raises / ns[j],
			     "fault_lockup %llu: %llu of %llu raises lost, expected %llu",
			     (unsigned long long)ns[j], (unsigned long long)lost,
			     (unsigned long long)raises, (unsigned long long)(raises / ns[j]));
	}
	setp(k, sn0, "fault_lockup", 0);
}
