/* xmit.c - lab xmit, your code: frames onto the TX ring, reclaim, stop/wake, tx_timeout. */
#include <ringkit/simnic.h>

/*
 * The TX ring is shared with the NIC through two indices each side:
 * the driver writes frames at next_to_use and tells the NIC by writing TDT
 * (the doorbell); the NIC sends from TDH, writes DD back, and moves TDH on;
 * the driver reclaims finished slots from next_to_clean. One slot always
 * stays empty so that "next_to_use == next_to_clean" can only mean empty.
 *
 * Flow control is the driver's job: stop the queue while the ring cannot take
 * another frame, so the core never hands us one we would have to refuse
 * (NETDEV_TX_BUSY is a bug path), and wake it only once tx_ring.wake_thresh
 * descriptors are free again, so the queue does not flap on every reclaim.
 * Transmit and reclaim run on different CPUs without a common lock, so each
 * side publishes its index, issues a full barrier, and only then looks at
 * the other side's state (e1000_main.c: __e1000_maybe_stop_tx and
 * e1000_clean_tx_irq); either order of the two then ends with the queue
 * running whenever the ring has room.
 *
 * BQL: xmit reports each frame's bytes (netdev_sent_queue), the reclaim the
 * bytes it freed, once per round (netdev_completed_queue), and the ring clean
 * resets the count (netdev_reset_queue), as e1000 does.
 */

int simnic_tx_map(struct simnic_adapter *adapter, struct sk_buff *skb)
{
	/* LAB(xmit): put skb in the descriptor at next_to_use (map skb->data, address, length,
	 * cmd adapter->txd_cmd, status 0), remember it in buffer_info, advance next_to_use
	 * (wrapping at count). The slot must be free, else -ENOSPC and nothing changes. No
	 * doorbell, no BQL here. */
	return -ENOSPC;
}

bool simnic_maybe_stop_tx(struct simnic_adapter *adapter, unsigned int size)
{
	/* LAB(xmit): fewer than size descriptors free: stop the queue, smp_mb(), then look
	 * again: a reclaim on another CPU may have made room meanwhile, and then restart the
	 * queue (a reprieve, restart_queue++). Returns true if the queue is left stopped. */
	return false;
}

netdev_tx_t simnic_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	/* LAB(xmit): no room (adapter->ops->maybe_stop_tx(adapter, DESC_NEEDED)): NETDEV_TX_BUSY,
	 * skb untouched. Else adapter->ops->tx_map, netdev_sent_queue(skb->len), wmb(), stop
	 * now if the next frame would not fit, write TDT (the doorbell) and return NETDEV_TX_OK:
	 * from then on the driver owns skb until the reclaim frees it. */
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

bool simnic_clean_tx_irq(struct simnic_adapter *adapter)
{
	/* LAB(xmit): from next_to_clean, while the descriptor has DD: dma_rmb(), unmap, count
	 * tx_packets and tx_bytes, free the skb once, clear the slot. Store next_to_clean and
	 * report what was freed to BQL (netdev_completed_queue) once. Wake a stopped queue only
	 * with tx_ring.wake_thresh free (after smp_mb()). True if not the whole ring was cleaned. */
	return true;
}

void simnic_tx_timeout(struct net_device *netdev)
{
	/* LAB(xmit): the watchdog's timer found the queue stuck: count it (tx_timeout_count)
	 * and schedule adapter->reset_task; the reset (down, rings cleaned, up) runs later in
	 * process context. Nothing may be reset here, in the timer. */
}

void simnic_clean_tx_ring(struct simnic_adapter *adapter)
{
	/* LAB(xmit): at reset and close, the NIC's transmit engine off: unmap and free every skb
	 * still in buffer_info, netdev_reset_queue, zero buffer_info and the descriptors, and
	 * start over: next_to_use = next_to_clean = 0, TDH = TDT = 0. */
}
