/* batch.c - lab batch, your code: the 2007 batch API, its skb_blist variant, and xmit_more. */
#include <ringkit/simnic.h>

/*
 * All three amortise the same per-call costs (the TX lock, the call, and
 * above all the doorbell, an uncached MMIO write) over several frames:
 *
 *  - Hadi Salim's batch API (NETIF_F_BTX, 2007): the core prepares each skb
 *    with hard_prep_xmit outside the driver lock, fills netdev->blist with at
 *    most xmit_win skbs, and hands the list over in one hard_batch_xmit call.
 *    The driver keeps xmit_win honest: 1 when it stops the queue, the free
 *    ring space otherwise (and on wake, see simnic_clean_tx_irq).
 *  - Kumar's variant (NETIF_F_BATCH_SKBS, 2007): same list idea through the
 *    old entry point: hard_start_xmit(NULL) means "send netdev->skb_blist".
 *  - xmit_more (merged for 3.18): one call per skb as always, but the core
 *    says whether more follow at once; the driver writes TDT only for the
 *    last one, or when the queue is stopped (no later call would ring it).
 *    The hint was the skb->xmit_more bit from 3.18 to 5.1; since 5.2 it is
 *    per CPU, read with netdev_xmit_more(), the spelling used here. On a
 *    single-queue device the trains come from the qdisc's bulk dequeue,
 *    which only BQL allows: with BQL off every frame rings alone.
 *
 * Neither 2007 API was merged, so neither knew BQL (Linux 3.3); here every
 * frame's bytes still go to BQL, because the reclaim, shared by all modes,
 * reports every completed byte.
 *
 * Putting a frame on the ring and the stop-and-recheck are the xmit lab's
 * simnic_tx_map and simnic_maybe_stop_tx, called through adapter->ops so a
 * loaded driver's versions are the ones used.
 */

int simnic_prep_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	/* LAB(batch): pad a runt to ETH_ZLEN (skb->len too). Return NETDEV_TX_OK, or a
	 * negative errno if it could not be padded: then the skb is already freed
	 * (skb_put_padto frees it on failure) and nobody may touch it again. */
	(void)skb;
	(void)netdev;
	return NETDEV_TX_OK;
}

/* Move skbs from list onto the ring while there is room; one doorbell. */
static int drain_list(struct simnic_adapter *adapter, struct sk_buff_head *list)
{
	struct net_device *netdev = adapter->netdev;
	struct sk_buff *skb;
	int sent = 0;

	/* LAB(batch): from the head of list, put each skb on the ring
	 * (adapter->ops->tx_map), unlink it and report its bytes to BQL, until the
	 * list is empty or tx_map finds no room: the rest stays on the list, in order.
	 * If any went: wmb(), then one TDT write for the whole batch. */
	while ((skb = __skb_dequeue(list)) != NULL) {
		netdev->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
	}
	/* LAB(batch): keep xmit_win honest for the core's next batch: if the ring
	 * cannot take another frame (adapter->ops->maybe_stop_tx(adapter,
	 * DESC_NEEDED) leaves the queue stopped), xmit_win = 1; otherwise
	 * xmit_win = the free descriptors. */
	return sent;
}

int simnic_batch_xmit(struct sk_buff_head *list, struct net_device *netdev)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);

	/* LAB(batch): drain list onto the ring (drain_list). NETDEV_TX_BUSY only if
	 * none went and some wait (the ring was full on entry); else NETDEV_TX_OK.
	 * Either way what is left stays on the list: the core requeues it. */
	drain_list(adapter, list);
	return NETDEV_TX_OK;
}

netdev_tx_t simnic_xmit_frame_blist(struct sk_buff *skb, struct net_device *netdev)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);

	/* LAB(batch): skb != NULL is one frame: send it with adapter->ops->xmit_frame.
	 * skb == NULL means "send netdev->skb_blist": drain it as hard_batch_xmit
	 * does, one doorbell, the same return codes, the rest left on the list. */
	if (skb) {
		netdev->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	drain_list(adapter, netdev->skb_blist);
	return NETDEV_TX_OK;
}

netdev_tx_t simnic_xmit_frame_more(struct sk_buff *skb, struct net_device *netdev)
{
	/* LAB(batch): as simnic_xmit_frame (room on entry, tx_map, BQL, wmb(), stop
	 * for the next frame), but write TDT only if !netdev_xmit_more() or the
	 * queue is now stopped (netif_xmit_stopped: by you or by BQL). Full on
	 * entry: ring for what this train already wrote, return NETDEV_TX_BUSY. */
	netdev->stats.tx_dropped++;
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}
