/* tx_pair_helpers.h - for the TDT write's tests: a machine of one NIC to write its tail, traced or not. */
#ifndef TESTS_KIT_TX_PAIR_HELPERS_H
#define TESTS_KIT_TX_PAIR_HELPERS_H

#include "kit.h"
#include "hw/nic_hw.h"
#include "helpers.h"

/*
 * The TDT write's fast turn is taken only on an untraced machine, so its
 * tests make two machines alike but for the trace (the traced one takes the
 * long way) and require the same state after the same write.
 */
struct tx_machine {
	struct kit *k;
	struct nic *hw;
	struct sk_buff *skb; /* the frames' buffer */
};

/* sn0 idle, no wire peer, no automatic steps, its line masked; traced or not. */
static inline void tx_machine_make(struct tx_machine *m, bool traced)
{
	char err[256];
	int id = kit_param_find("wire_peer");

	m->k = kit_new(1);
	cr_assert_not_null(m->k, "kit_new(1) returned NULL");
	kit_set_auto(m->k, false);
	if (!traced)
		trace_stop(m->k);
	cr_assert_eq(kit_param_set(m->k, NULL, id, 0, err, sizeof(err)), 0, "wire_peer: %s", err);
	m->hw = kit_dev_by_name(m->k, "sn0")->nic;
	kit_enter(m->k);
	run_idle(m->k);
	hw_sync(m->k);
	nic_write(m->hw, E1000_IMC, ~0u);
	m->skb = __netdev_alloc_skb(m->hw->dev, 1600, "test", __LINE__);
	cr_assert_not_null(m->skb, "no skb");
}

/* The ring's head and tail at at (engine off, TDH and TDT written, engine
 * on again), and n descriptors from at on, each with RS: 60 bytes but the
 * second, of len1. */
static inline void tx_machine_ring(struct tx_machine *m, u32 at, u32 n, u16 len1)
{
	struct nic *hw = m->hw;
	u32 tctl = hw->tctl;

	nic_write(hw, E1000_TCTL, tctl & ~E1000_TCTL_EN);
	nic_write(hw, E1000_TDH, at);
	nic_write(hw, E1000_TDT, at);
	nic_write(hw, E1000_TCTL, tctl | E1000_TCTL_EN);
	for (u32 i = 0; i < n; i++) {
		struct e1000_tx_desc *d = &hw->tx_ring[(at + i) % hw->tx_count];

		memset(d, 0, sizeof(*d));
		d->buffer_addr = cpu_to_le64((u64)(uintptr_t)m->skb->data);
		d->lower.flags.length = cpu_to_le16(i == 1 ? len1 : 60);
		d->lower.flags.cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS;
	}
}

static inline void tx_machine_free(struct tx_machine *m)
{
	m->hw->fault_dd_delay = 0;
	kfree_skb(m->skb);
	kit_free(m->k);
}

#endif
