/* lab_table.c - the lab contract as data: each function's symbol, lab and table slot. */
#include "kit.h"

#define FN(lab, field, sym) { #sym, lab, offsetof(struct simnic_lab_ops, field) }

const struct simnic_lab_fn simnic_lab_fns[] = {
	FN("xmit", xmit_frame, simnic_xmit_frame),
	FN("xmit", tx_map, simnic_tx_map),
	FN("xmit", maybe_stop_tx, simnic_maybe_stop_tx),
	FN("xmit", clean_tx_irq, simnic_clean_tx_irq),
	FN("xmit", tx_timeout, simnic_tx_timeout),
	FN("xmit", clean_tx_ring, simnic_clean_tx_ring),
	FN("batch", prep_xmit, simnic_prep_xmit),
	FN("batch", batch_xmit, simnic_batch_xmit),
	FN("batch", xmit_frame_blist, simnic_xmit_frame_blist),
	FN("batch", xmit_frame_more, simnic_xmit_frame_more),
	FN("napi", intr, simnic_intr),
	FN("napi", intr_nonapi, simnic_intr_nonapi),
	FN("napi", poll_classic, simnic_poll_classic),
	FN("napi", poll, simnic_poll),
	FN("napi", clean_rx_irq, simnic_clean_rx_irq),
	FN("napi", alloc_rx_buffers, simnic_alloc_rx_buffers),
	FN("lro", lro_receive_skb, lro_receive_skb),
	FN("lro", lro_vlan_hwaccel_receive_skb, lro_vlan_hwaccel_receive_skb),
	FN("lro", lro_flush_all, lro_flush_all),
	FN("lro", lro_flush_pkt, lro_flush_pkt),
};

const size_t simnic_lab_nfns = ARRAY_SIZE(simnic_lab_fns);

/* Each row's name twice, the same pointer as the row's: a nested call's
 * wrapper sets lab_last and lab_running from it in one move (drvcall.h).
 * Filled once, before main, from the table above. */
const char *simnic_lab_name_pairs[ARRAY_SIZE(simnic_lab_fns)][2] __attribute__((aligned(16)));

static __attribute__((constructor)) void lab_name_pairs_fill(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(simnic_lab_fns); i++)
		simnic_lab_name_pairs[i][0] = simnic_lab_name_pairs[i][1] = simnic_lab_fns[i].name;
}

/* Whatever implementation of each name this program was linked with. */
const struct simnic_lab_ops simnic_lab_linked = {
	.xmit_frame = simnic_xmit_frame,
	.tx_map = simnic_tx_map,
	.maybe_stop_tx = simnic_maybe_stop_tx,
	.clean_tx_irq = simnic_clean_tx_irq,
	.tx_timeout = simnic_tx_timeout,
	.clean_tx_ring = simnic_clean_tx_ring,
	.prep_xmit = simnic_prep_xmit,
	.batch_xmit = simnic_batch_xmit,
	.xmit_frame_blist = simnic_xmit_frame_blist,
	.xmit_frame_more = simnic_xmit_frame_more,
	.intr = simnic_intr,
	.intr_nonapi = simnic_intr_nonapi,
	.poll_classic = simnic_poll_classic,
	.poll = simnic_poll,
	.clean_rx_irq = simnic_clean_rx_irq,
	.alloc_rx_buffers = simnic_alloc_rx_buffers,
	.lro_receive_skb = lro_receive_skb,
	.lro_vlan_hwaccel_receive_skb = lro_vlan_hwaccel_receive_skb,
	.lro_flush_all = lro_flush_all,
	.lro_flush_pkt = lro_flush_pkt,
};
