/* lab_ops.c - adapter->ops: each lab function reached through a wrapper that names and counts it. */
#include <string.h>

#include "kit.h"

/*
 * The lab functions call one another through adapter->ops (as e1000 calls
 * adapter->clean_rx), so a driver .so that defines only one of them is used
 * wherever the reference would call it. adapter->ops points here: each
 * wrapper brackets the call with driver_enter/driver_leave under the
 * contract name, so an oops inside a student's simnic_clean_rx_irq called by
 * the linked poll names simnic_clean_rx_irq, an skb it allocates is the
 * driver's, and `driver` can count the calls each function got. The wrapper
 * then calls whichever implementation k->lab holds.
 */

enum {
	F_XMIT_FRAME, F_TX_MAP, F_MAYBE_STOP_TX, F_CLEAN_TX_IRQ, F_TX_TIMEOUT, F_CLEAN_TX_RING,
	F_PREP_XMIT, F_BATCH_XMIT, F_XMIT_FRAME_BLIST, F_XMIT_FRAME_MORE,
	F_INTR, F_INTR_NONAPI, F_POLL_CLASSIC, F_POLL, F_CLEAN_RX_IRQ, F_ALLOC_RX_BUFFERS,
	F_LRO_RECEIVE_SKB, F_LRO_VLAN_HWACCEL_RECEIVE_SKB, F_LRO_FLUSH_ALL, F_LRO_FLUSH_PKT,
	F_NR
};

static inline struct drvcall enter(struct net_device *dev, int row)
{
	return driver_enter(dev->kit, dev, simnic_lab_name_pairs[row][0]);
}

/*
 * R: returns a value; V: void. DEV is how the device is found from the
 * arguments. Two tables: simnic_lab_watched's w_*_watched go the long way
 * round (driver_enter, driver_leave: whatever k->drv_watch says); it is
 * adapter->ops while anyone watches (drvcall.h: a timeline, guards).
 * Otherwise adapter->ops is simnic_lab_quiet, whose w_* need not ask
 * k->drv_watch: an outermost call (the kit calling a lab function itself:
 * its start is recorded) goes the long way too, and the common one, nested
 * in driver code, names and counts with no call of its own before the lab
 * function's, so the arguments stay where they came in.
 */
#define WRAP_R(ret, field, row, DEV, params, args)                          \
	static __attribute__((noinline)) ret w_##field##_watched params     \
	{                                                                   \
		struct net_device *dev_ = (DEV);                            \
		struct drvcall dc = enter(dev_, row);                       \
		ret r = dev_->kit->lab.field args;                          \
		driver_leave(dev_->kit, dc);                                \
		return r;                                                   \
	}                                                                   \
	static ret w_##field params                                         \
	{                                                                   \
		struct net_device *dev_ = (DEV);                            \
		struct kit *k_ = dev_->kit;                                 \
		if (unlikely(!k_->lab_running))                             \
			return w_##field##_watched args;                    \
		struct drvcall dc = driver_enter_nested(k_, dev_, simnic_lab_name_pairs[row]); \
		ret r = k_->lab.field args;                                 \
		driver_leave_quiet(k_, dc);                                 \
		return r;                                                   \
	}
#define WRAP_V(field, row, DEV, params, args)                               \
	static __attribute__((noinline)) void w_##field##_watched params    \
	{                                                                   \
		struct net_device *dev_ = (DEV);                            \
		struct drvcall dc = enter(dev_, row);                       \
		dev_->kit->lab.field args;                                  \
		driver_leave(dev_->kit, dc);                                \
	}                                                                   \
	static void w_##field params                                        \
	{                                                                   \
		struct net_device *dev_ = (DEV);                            \
		struct kit *k_ = dev_->kit;                                 \
		if (unlikely(!k_->lab_running)) {                           \
			w_##field##_watched args;                           \
			return;                                             \
		}                                                           \
		struct drvcall dc = driver_enter_nested(k_, dev_, simnic_lab_name_pairs[row]); \
		k_->lab.field args;                                         \
		driver_leave_quiet(k_, dc);                                 \
	}

WRAP_R(netdev_tx_t, xmit_frame, F_XMIT_FRAME, netdev,
       (struct sk_buff *skb, struct net_device *netdev), (skb, netdev))
WRAP_R(int, tx_map, F_TX_MAP, a->netdev, (struct simnic_adapter *a, struct sk_buff *skb), (a, skb))
WRAP_R(bool, maybe_stop_tx, F_MAYBE_STOP_TX, a->netdev,
       (struct simnic_adapter *a, unsigned int size), (a, size))
WRAP_R(bool, clean_tx_irq, F_CLEAN_TX_IRQ, a->netdev, (struct simnic_adapter *a), (a))
WRAP_V(tx_timeout, F_TX_TIMEOUT, netdev, (struct net_device *netdev), (netdev))
WRAP_V(clean_tx_ring, F_CLEAN_TX_RING, a->netdev, (struct simnic_adapter *a), (a))
WRAP_R(int, prep_xmit, F_PREP_XMIT, netdev, (struct sk_buff *skb, struct net_device *netdev),
       (skb, netdev))
WRAP_R(int, batch_xmit, F_BATCH_XMIT, netdev,
       (struct sk_buff_head *list, struct net_device *netdev), (list, netdev))
WRAP_R(netdev_tx_t, xmit_frame_blist, F_XMIT_FRAME_BLIST, netdev,
       (struct sk_buff *skb, struct net_device *netdev), (skb, netdev))
WRAP_R(netdev_tx_t, xmit_frame_more, F_XMIT_FRAME_MORE, netdev,
       (struct sk_buff *skb, struct net_device *netdev), (skb, netdev))
WRAP_R(irqreturn_t, intr, F_INTR, (struct net_device *)data, (int irq, void *data), (irq, data))
WRAP_R(irqreturn_t, intr_nonapi, F_INTR_NONAPI, (struct net_device *)data, (int irq, void *data),
       (irq, data))
WRAP_R(int, poll_classic, F_POLL_CLASSIC, netdev, (struct net_device *netdev, int *budget),
       (netdev, budget))
WRAP_R(int, poll, F_POLL, napi->dev, (struct napi_struct *napi, int budget), (napi, budget))
WRAP_R(bool, clean_rx_irq, F_CLEAN_RX_IRQ, a->netdev,
       (struct simnic_adapter *a, int *work_done, int work_to_do), (a, work_done, work_to_do))
WRAP_V(alloc_rx_buffers, F_ALLOC_RX_BUFFERS, a->netdev, (struct simnic_adapter *a, int n), (a, n))
WRAP_V(lro_receive_skb, F_LRO_RECEIVE_SKB, mgr->dev,
       (struct net_lro_mgr *mgr, struct sk_buff *skb, void *priv), (mgr, skb, priv))
WRAP_V(lro_vlan_hwaccel_receive_skb, F_LRO_VLAN_HWACCEL_RECEIVE_SKB, mgr->dev,
       (struct net_lro_mgr *mgr, struct sk_buff *skb, struct vlan_group *vgrp, u16 tag,
	void *priv),
       (mgr, skb, vgrp, tag, priv))
WRAP_V(lro_flush_all, F_LRO_FLUSH_ALL, mgr->dev, (struct net_lro_mgr *mgr), (mgr))
WRAP_V(lro_flush_pkt, F_LRO_FLUSH_PKT, mgr->dev,
       (struct net_lro_mgr *mgr, struct iphdr *iph, struct tcphdr *tcph), (mgr, iph, tcph))

static const struct simnic_lab_ops simnic_lab_watched = {
	.xmit_frame = w_xmit_frame_watched,
	.tx_map = w_tx_map_watched,
	.maybe_stop_tx = w_maybe_stop_tx_watched,
	.clean_tx_irq = w_clean_tx_irq_watched,
	.tx_timeout = w_tx_timeout_watched,
	.clean_tx_ring = w_clean_tx_ring_watched,
	.prep_xmit = w_prep_xmit_watched,
	.batch_xmit = w_batch_xmit_watched,
	.xmit_frame_blist = w_xmit_frame_blist_watched,
	.xmit_frame_more = w_xmit_frame_more_watched,
	.intr = w_intr_watched,
	.intr_nonapi = w_intr_nonapi_watched,
	.poll_classic = w_poll_classic_watched,
	.poll = w_poll_watched,
	.clean_rx_irq = w_clean_rx_irq_watched,
	.alloc_rx_buffers = w_alloc_rx_buffers_watched,
	.lro_receive_skb = w_lro_receive_skb_watched,
	.lro_vlan_hwaccel_receive_skb = w_lro_vlan_hwaccel_receive_skb_watched,
	.lro_flush_all = w_lro_flush_all_watched,
	.lro_flush_pkt = w_lro_flush_pkt_watched,
};

static const struct simnic_lab_ops simnic_lab_quiet = {
	.xmit_frame = w_xmit_frame,
	.tx_map = w_tx_map,
	.maybe_stop_tx = w_maybe_stop_tx,
	.clean_tx_irq = w_clean_tx_irq,
	.tx_timeout = w_tx_timeout,
	.clean_tx_ring = w_clean_tx_ring,
	.prep_xmit = w_prep_xmit,
	.batch_xmit = w_batch_xmit,
	.xmit_frame_blist = w_xmit_frame_blist,
	.xmit_frame_more = w_xmit_frame_more,
	.intr = w_intr,
	.intr_nonapi = w_intr_nonapi,
	.poll_classic = w_poll_classic,
	.poll = w_poll,
	.clean_rx_irq = w_clean_rx_irq,
	.alloc_rx_buffers = w_alloc_rx_buffers,
	.lro_receive_skb = w_lro_receive_skb,
	.lro_vlan_hwaccel_receive_skb = w_lro_vlan_hwaccel_receive_skb,
	.lro_flush_all = w_lro_flush_all,
	.lro_flush_pkt = w_lro_flush_pkt,
};

const struct simnic_lab_ops *simnic_lab_named(const struct kit *k)
{
	return k->drv_watch ? &simnic_lab_watched : &simnic_lab_quiet;
}

/*
 * k->drv_watch follows the timeline and the guards, and every simnic's
 * adapter->ops with it. Only between calls: driver code may hold the table
 * it found at its start. Set up or gone while a call runs, the change waits,
 * k->drv_watch set meanwhile: an outermost call entered the long way ends
 * the long way too (driver_leave_watched, kit/sim/timeline.c) and comes here
 * at its end; one entered quietly (the poll, the alone packet's
 * hard_start_xmit: their watching settled at their start) leaves it to the
 * next outermost call, whose long-way enter comes here before driver code
 * runs (driver_enter_watched, kit/sim/timeline.c). The watched table is right whatever
 * k->drv_watch is.
 */
void kit_drv_watch(struct kit *k)
{
	if (k->lab_running) {
		k->drv_watch = true;
		return;
	}
	kit_drv_watch_now(k);
}

void kit_drv_watch_now(struct kit *k)
{
	k->drv_watch = k->timeline != NULL || k->guard_calls;
	for (int i = 0; i < k->ndevs; i++)
		if (simnic_is(k->devs[i]))
			((struct simnic_adapter *)netdev_priv(k->devs[i]))->ops = simnic_lab_named(k);
}

_Static_assert(F_NR == 20, "one wrapper per lab function");
_Static_assert(offsetof(struct kit, lab_running) == offsetof(struct kit, lab_last) + sizeof(char *),
	       "driver_enter_nested sets lab_last and lab_running in one move");

const char *kit_lab_fn_name(const struct kit *k, const struct net_device *dev, const char *running)
{
	const struct simnic_adapter *a;

	(void)k;
	if (!running)
		return "kit code";
	if (!dev || !simnic_is(dev))
		return running;
	a = netdev_priv((struct net_device *)dev);
	if (!strcmp(running, "hard_start_xmit"))
		return dev->batch_mode == TX_BATCH_XMIT_MORE ? "simnic_xmit_frame_more" :
		       dev->batch_mode == TX_BATCH_SKB_BLIST ? "simnic_xmit_frame_blist" :
							       "simnic_xmit_frame";
	if (!strcmp(running, "hard_prep_xmit"))
		return "simnic_prep_xmit";
	if (!strcmp(running, "hard_batch_xmit"))
		return "simnic_batch_xmit";
	if (!strcmp(running, "poll"))
		return a->irq_mode == SIMNIC_NAPI_CLASSIC ? "simnic_poll_classic" : "simnic_poll";
	if (!strcmp(running, "interrupt handler"))
		return a->irq_mode == SIMNIC_NONAPI ? "simnic_intr_nonapi" : "simnic_intr";
	for (size_t i = 0; i < simnic_lab_nfns; i++) /* LAB_CALL's field names */
		if (!strcmp(simnic_lab_fns[i].name + (strncmp(simnic_lab_fns[i].name, "simnic_", 7) ? 0 : 7),
			    running))
			return simnic_lab_fns[i].name;
	if (!strcmp(running, "tx_timeout"))
		return "simnic_tx_timeout";
	return running;
}

/* Would the reference call row on dev, in dev's modes? (simnic.h, lab napi, lists them.) */
static bool used_on(const struct net_device *dev, size_t row)
{
	const struct simnic_adapter *a = netdev_priv((struct net_device *)dev);
	bool napi = a->irq_mode != SIMNIC_NONAPI, lro = napi && a->lro_enabled;

	switch (row) {
	case F_XMIT_FRAME: /* skb_blist's core always hands over the list (skb NULL) */
		return dev->batch_mode == TX_BATCH_NONE;
	case F_PREP_XMIT:
	case F_BATCH_XMIT:
		return dev->batch_mode == TX_BATCH_BTX;
	case F_XMIT_FRAME_BLIST:
		return dev->batch_mode == TX_BATCH_SKB_BLIST;
	case F_XMIT_FRAME_MORE:
		return dev->batch_mode == TX_BATCH_XMIT_MORE;
	case F_INTR:
		return napi;
	case F_INTR_NONAPI:
		return !napi;
	case F_POLL_CLASSIC:
		return a->irq_mode == SIMNIC_NAPI_CLASSIC;
	case F_POLL:
		return a->irq_mode == SIMNIC_NAPI_MODERN;
	case F_LRO_RECEIVE_SKB:
	case F_LRO_FLUSH_ALL:
	case F_LRO_FLUSH_PKT:
		return lro;
	case F_LRO_VLAN_HWACCEL_RECEIVE_SKB:
		return lro && a->cfg.rx_vlan;
	default: /* tx_map, maybe_stop_tx, the reclaims, tx_timeout, clean_rx_irq, refill */
		return true;
	}
}

bool kit_driver_fn_used(const struct kit *k, size_t fn_index)
{
	for (int i = 0; i < k->ndevs; i++)
		if (simnic_is(k->devs[i]) && used_on(k->devs[i], fn_index))
			return true;
	return false;
}
