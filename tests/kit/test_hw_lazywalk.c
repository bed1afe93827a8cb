/* test_hw_lazywalk.c - the lazy wake-up passes over a NIC without sources that could change nothing. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(hw_lazywalk, .timeout = 60);

static unsigned int no_emit(struct rx_source *s, unsigned char *buf, unsigned int room)
{
	(void)s, (void)buf, (void)room;
	return 0;
}

/* Both NICs idle, masked, their ICRs read, no wire peer, the lazy hardware. */
static void quiet_pair(void)
{
	kit_enter(k);
	kit_set_hw_steps(k, false);
	setp(k, NULL, "wire_peer", 0);
	run_idle(k);
	hw_sync(k);
	for (int d = 0; d < 2; d++) {
		struct nic *hw = (d ? sn1 : sn0)->nic;

		nic_write(hw, E1000_IMC, ~0u);
		(void)nic_read(hw, E1000_ICR);
	}
}

/* A TX write-back pending on hw's head at t (the only frame fetched). */
static void pending_writeback(struct nic *hw, u64 t)
{
	hw->tx_done[hw->tdh] = t;
	hw->tx_sched = hw->tdh + 1 == hw->tx_count ? 0 : hw->tdh + 1;
}

/* hw_arm's wake-up for the machine as it is: hw_ev's time, KIT_NEVER when
 * it is off. */
static u64 wake_up(void)
{
	hw_update(k);
	k->hw_lazy_stale = true;
	hw_arm(k);
	return k->hw_ev.idx >= 0 ? k->hw_ev.time : KIT_NEVER;
}

#define WAKES_AT(what, want)                                                                   \
	do {                                                                                   \
		u64 got_ = wake_up();                                                          \
		cr_assert_eq(got_, (want), "%s: the lazy wake-up at %llu, expected %llu", what, \
			     (unsigned long long)got_, (unsigned long long)(want));            \
	} while (0)

/*
 * The walk passes over a NIC without sources whose kept next is no sooner
 * than the earliest noticeable change so far: it can lower nothing, and with
 * nothing so far it has nothing pending. Three machines around that edge:
 * (1) sn0 idle without sources, sn1's frame at A with RX on: A (sn0 passed
 * over with nothing so far). (2) sn0 with a masked write-back at W and a
 * frame at A with RX on, sn1 without sources but its line asserting at I,
 * W < I < A: the walk must look at sn1 (its next I is sooner than A) and wake
 * at I. (3) sn0's masked write-back at W alone, nothing noticeable anywhere,
 * sn1 with a source whose traffic ended at L > W: the last pending change is
 * L (sn1 has a source: looked at, though its next is never).
 */
Test(hw_lazywalk, a_nic_passed_over_changes_no_wake_up, .init = setup, .fini = teardown)
{
	struct nic *h0 = sn0->nic, *h1 = sn1->nic;
	/* static: a failed assertion leaves the test with it still in a NIC's
	 * sources, and the teardown that follows must find it there */
	static struct rx_source src;
	u64 w, i, a, l;

	src = (struct rx_source){ .next_at = KIT_NEVER, .emit = no_emit, .last_at = KIT_NEVER };
	quiet_pair();
	cr_assert_eq(k->nnic, 2, "%d NICs, expected 2", k->nnic);
	cr_assert(k->nic[0] == h0 && k->nic[1] == h1, "k->nic not in device order");
	cr_assert(!k->hw_steps, "hw steps on, expected the lazy hardware");
	cr_assert_eq(h0->nsrc, 0, "sn0 has %d sources, expected none", h0->nsrc);
	cr_assert_eq(h1->nsrc, 0, "sn1 has %d sources, expected none", h1->nsrc);
	w = k->now + 1000;
	i = k->now + 2000;
	a = k->now + 3000;
	l = k->now + 5000;

	/* (1) */
	src.next_at = a;
	src.last_at = KIT_NEVER;
	h1->src[h1->nsrc++] = &src;
	h1->ims = E1000_IMS_RX;
	WAKES_AT("sn0 idle, sn1's frame at A", a);
	h1->nsrc = 0;
	h1->ims = 0;

	/* (2) */
	pending_writeback(h0, w);
	h0->src[h0->nsrc++] = &src;
	h0->ims = E1000_IMS_RX; /* TXDW masked: the write-back is not noticeable */
	h1->irq_at = i;
	WAKES_AT("sn0's masked write-back at W and frame at A, sn1's line at I", i);
	h1->irq_at = KIT_NEVER;
	WAKES_AT("sn0's masked write-back at W and frame at A, sn1 idle", a);
	h0->nsrc = 0;
	h0->ims = 0;

	/* (3) */
	src.next_at = KIT_NEVER;
	src.last_at = l;
	h1->src[h1->nsrc++] = &src;
	WAKES_AT("sn0's masked write-back at W, sn1's traffic ended at L", l);
	h1->nsrc = 0;
	WAKES_AT("sn0's masked write-back at W alone", w);

	h0->tx_sched = h0->tdh;
	WAKES_AT("both idle", KIT_NEVER);
}
