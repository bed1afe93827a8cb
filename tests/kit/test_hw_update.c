/* test_hw_update.c - a register access looks again at its own NIC's next change and takes the others' as kept. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(hw_update, .timeout = 60);

/* sn0's line held back by ITR: TXDW in ICR and IMS, the last assertion now,
 * so the line asserts ITR later; returns that time. */
static u64 throttled_line(struct nic *hw, u32 itr)
{
	hw->icr |= E1000_ICR_TXDW;
	hw->ims |= E1000_IMS_TXDW;
	hw->irq_ever = true;
	hw->last_irq = k->now;
	hw->itr = itr;
	nic_irq_update(hw);
	hw_update(k);
	return k->now + (u64)itr * 256;
}

#define NEXT_IS(what, hw, want)                                                                \
	do {                                                                                   \
		cr_assert_eq((hw)->next, nic_next_change(hw),                                  \
			     "%s: %s's kept next %llu, its next change %llu", what,            \
			     (hw)->dev->name, (unsigned long long)(hw)->next,                  \
			     (unsigned long long)nic_next_change(hw));                         \
		cr_assert_eq(k->hw_next, (want), "%s: hw_next %llu, expected %llu", what,      \
			     (unsigned long long)k->hw_next, (unsigned long long)(want));      \
	} while (0)

/*
 * A read of ICR and every write but a tail's change only the NIC accessed:
 * its next change is worked out again, the other NIC's kept next (exact)
 * taken as it is. sn1 has a cause due at T1; sn0's line, held back by ITR,
 * asserts at T0 < T1 (hw_next T0). Masking it (IMC), clearing ICR (the
 * read) or resetting the NIC (CTRL.RST) moves sn0's next to never: hw_next
 * must rise to T1 and sn0's kept next be its next change. Unmasking it again
 * (IMS) brings T0 back.
 */
Test(hw_update, an_access_looks_again_at_its_nic_and_keeps_the_others, .init = setup,
     .fini = teardown)
{
	struct nic *h0 = sn0->nic, *h1 = sn1->nic;
	u64 t0, t1;

	kit_enter(k);
	run_idle(k);
	hw_sync(k);
	nic_write(h0, E1000_IMC, ~0u);
	nic_write(h1, E1000_IMC, ~0u);
	(void)nic_read(h0, E1000_ICR);
	(void)nic_read(h1, E1000_ICR);
	NEXT_IS("idle", h0, KIT_NEVER);

	t1 = k->now + 900000;
	h1->cause_at[7] = h1->cause_min = t1; /* RXT0 on sn1 at T1 */
	hw_update(k);
	t0 = throttled_line(h0, 1000);
	cr_assert_lt(t0, t1, "T0 %llu not before T1 %llu", (unsigned long long)t0,
		     (unsigned long long)t1);
	NEXT_IS("sn0's line held back", h0, t0);

	nic_write(h0, E1000_IMC, E1000_IMS_TXDW);
	cr_assert_eq(h0->irq_at, KIT_NEVER, "IMC: sn0's line at %llu, expected never",
		     (unsigned long long)h0->irq_at);
	NEXT_IS("IMC on sn0", h0, t1);
	NEXT_IS("IMC on sn0", h1, t1);

	nic_write(h0, E1000_IMS, E1000_IMS_TXDW);
	NEXT_IS("IMS on sn0", h0, t0);

	(void)nic_read(h0, E1000_ICR);
	NEXT_IS("ICR read on sn0", h0, t1);

	t0 = throttled_line(h0, 1000);
	NEXT_IS("sn0's line held back again", h0, t0);
	nic_write(h0, E1000_CTRL, h0->ctrl | E1000_CTRL_RST);
	NEXT_IS("CTRL.RST on sn0", h0, t1);
	NEXT_IS("CTRL.RST on sn0", h1, t1);
}

static const struct kit_pkt udp60 = { .len = 60, .proto = IPPROTO_UDP };

struct update_mix {
	long napi, itr, rx_usecs, rx_frames, tx_usecs, race_rx_irq;
};

static const struct update_mix update_mixes[] = {
	{ SIMNIC_NAPI_MODERN, 0, 0, 0, 0, 0 },
	{ SIMNIC_NAPI_MODERN, 20000, 30, 8, 20, 0 },
	{ SIMNIC_NONAPI, 0, 0, 0, 0, 0 },
	{ SIMNIC_NONAPI, 50000, 10, 0, 50, 0 },
	{ SIMNIC_NAPI_MODERN, 8000, 0, 4, 0, 7 },
};

/*
 * What the accesses rely on: at every step's boundary each NIC's kept next
 * is its next change, and hw_next is at or before the earliest (sooner only
 * where an in-flight interrupt moved a next later). Both NICs sending to
 * each other over the snull wire while pktgen runs land in both, NAPI or an
 * interrupt per frame, with and without ITR, coalescing, a TX delay and the
 * race that pulls a frame in early: checked after each step.
 */
Test(hw_update, every_kept_next_is_exact_at_each_step, .init = setup, .fini = teardown)
{
	u64 steps = 0;

	for (size_t mi = 0; mi < ARRAY_SIZE(update_mixes); mi++) {
		const struct update_mix *x = &update_mixes[mi];
		struct net_device *devs[2] = { sn0, sn1 };
		enum kit_stop why = KIT_STOP_STEPS;

		for (int d = 0; d < 2; d++) {
			setp(k, devs[d], "napi", x->napi);
			setp(k, devs[d], "itr", x->itr);
			setp(k, devs[d], "rx_usecs", x->rx_usecs);
			setp(k, devs[d], "rx_frames", x->rx_frames);
			setp(k, devs[d], "tx_usecs", x->tx_usecs);
		}
		setp(k, sn1, "race_rx_irq", x->race_rx_irq);
		run_idle(k);
		cr_assert_eq(kit_sender_start(sn0, &udp60, 1500), 0, "mix %zu: no sender", mi);
		gen_rx(sn1, 1500, 400000, IPPROTO_UDP, 60);
		gen_rx(sn0, 800, 0, IPPROTO_TCP, 1514);
		for (u64 n = 0; n < 2000000 && why != KIT_STOP_IDLE; n++) {
			u64 least = KIT_NEVER;

			kit_run(k, 1, 0, &why);
			for (int i = 0; i < k->nnic; i++) {
				struct nic *hw = k->nic[i];

				cr_assert_eq(hw->next, nic_next_change(hw),
					     "mix %zu, step %llu: %s's kept next %llu, its next change "
					     "%llu", mi, (unsigned long long)n, hw->dev->name,
					     (unsigned long long)hw->next,
					     (unsigned long long)nic_next_change(hw));
				least = hw->next < least ? hw->next : least;
			}
			cr_assert_leq(k->hw_next, least,
				      "mix %zu, step %llu: hw_next %llu after the earliest next %llu",
				      mi, (unsigned long long)n, (unsigned long long)k->hw_next,
				      (unsigned long long)least);
			steps++;
		}
		cr_assert_eq(why, KIT_STOP_IDLE, "mix %zu: not idle after its steps", mi);
	}
	cr_assert_gt(steps, 2000, "only %llu steps", (unsigned long long)steps);
}
