/* xmit.c - lab xmit, model answer: frames onto the TX ring, reclaim, stop/wake, tx_timeout. */
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
	struct simnic_tx_ring *tx_ring = &adapter->tx_ring;
	unsigned int i = tx_ring->next_to_use;
	struct e1000_tx_desc *desc = &tx_ring->desc[i];
	struct simnic_buffer *bi = &tx_ring->buffer_info[i];

	if (!SIMNIC_DESC_UNUSED(tx_ring))
		return -ENOSPC;
	bi->skb = skb;
	bi->length = (u16)skb->len;
	bi->time_stamp = jiffies;
	bi->dma = dma_map_single(adapter->netdev, skb->data, skb->len, DMA_TO_DEVICE);
	desc->buffer_addr = cpu_to_le64(bi->dma);
	desc->lower.flags.length = cpu_to_le16((u16)skb->len);
	desc->lower.flags.cmd = (u8)adapter->txd_cmd; /* EOP IFCS RS, IDE with tx-usecs */
	desc->upper.data = 0;
	if (++i == tx_ring->count)
		i = 0;
	tx_ring->next_to_use = i;
	return 0;
	/* LAB(xmit) stub:
	return -ENOSPC;
	*/
	/* LAB(xmit) end */
}

bool simnic_maybe_stop_tx(struct simnic_adapter *adapter, unsigned int size)
{
	/* LAB(xmit): fewer than size descriptors free: stop the queue, smp_mb(), then look
	 * again: a reclaim on another CPU may have made room meanwhile, and then restart the
	 * queue (a reprieve, restart_queue++). Returns true if the queue is left stopped. */
	struct simnic_tx_ring *tx_ring = &adapter->tx_ring;
	struct net_device *netdev = adapter->netdev;

	if (SIMNIC_DESC_UNUSED(tx_ring) >= size)
		return false;
	netif_stop_queue(netdev);
	/* pairs with the barrier in simnic_clean_tx_irq: see its next_to_clean */
	smp_mb();
	/* a reclaim on another CPU may have made room meanwhile */
	if (SIMNIC_DESC_UNUSED(tx_ring) < size)
		return true;
	netif_start_queue(netdev); /* a reprieve */
	adapter->restart_queue++;
	return false;
	/* LAB(xmit) stub:
	return false;
	*/
	/* LAB(xmit) end */
}

netdev_tx_t simnic_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	/* LAB(xmit): no room (adapter->ops->maybe_stop_tx(adapter, DESC_NEEDED)): NETDEV_TX_BUSY,
	 * skb untouched. Else adapter->ops->tx_map, netdev_sent_queue(skb->len), wmb(), stop
	 * now if the next frame would not fit, write TDT (the doorbell) and return NETDEV_TX_OK:
	 * from then on the driver owns skb until the reclaim frees it. */
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct simnic_tx_ring *tx_ring = &adapter->tx_ring;
	struct nic *hw = adapter->hw;

	/* e1000's maybe_stop_tx(count + 2) on entry: full means someone did not stop */
	if (adapter->ops->maybe_stop_tx(adapter, DESC_NEEDED))
		return NETDEV_TX_BUSY;
	if (adapter->ops->tx_map(adapter, skb))
		return NETDEV_TX_BUSY; /* a tx_map that found no room after all */
	netdev_sent_queue(netdev, skb->len);
	wmb(); /* the descriptor is in memory before the NIC may fetch it */
	/* make sure the next frame will fit, or stop now */
	adapter->ops->maybe_stop_tx(adapter, DESC_NEEDED);
	ew32(TDT, tx_ring->next_to_use);
	return NETDEV_TX_OK;
	/* LAB(xmit) stub:
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
	*/
	/* LAB(xmit) end */
}

bool simnic_clean_tx_irq(struct simnic_adapter *adapter)
{
	/* LAB(xmit): from next_to_clean, while the descriptor has DD: dma_rmb(), unmap, count
	 * tx_packets and tx_bytes, free the skb once, clear the slot. Store next_to_clean and
	 * report what was freed to BQL (netdev_completed_queue) once. Wake a stopped queue only
	 * with tx_ring.wake_thresh free (after smp_mb()). True if not the whole ring was cleaned. */
	struct simnic_tx_ring *tx_ring = &adapter->tx_ring;
	struct net_device *netdev = adapter->netdev;
	unsigned int i = tx_ring->next_to_clean, count = 0, bytes = 0;

	while (i != tx_ring->next_to_use) {
		struct e1000_tx_desc *desc = &tx_ring->desc[i];
		struct simnic_buffer *bi = &tx_ring->buffer_info[i];

		if (!(desc->upper.fields.status & E1000_TXD_STAT_DD))
			break; /* the NIC still owns this one */
		dma_rmb(); /* read the rest only after DD */
		dma_unmap_single(netdev, bi->dma, bi->length, DMA_TO_DEVICE);
		netdev->stats.tx_packets++;
		netdev->stats.tx_bytes += bi->length;
		bytes += bi->skb->len;
		dev_kfree_skb_any(bi->skb);
		bi->skb = NULL;
		desc->upper.data = 0;
		if (++i == tx_ring->count)
			i = 0;
		count++;
	}
	tx_ring->next_to_clean = i;
	netdev_completed_queue(netdev, count, bytes);

	/* wake only with real room: hysteresis keeps the queue from flapping */
	if (count && netif_carrier_ok(netdev) &&
	    SIMNIC_DESC_UNUSED(tx_ring) >= tx_ring->wake_thresh) {
		/* anyone stopping the queue after this sees the new next_to_clean;
		 * only now may we look at the stopped bit */
		smp_mb();
		if (netif_queue_stopped(netdev) && !test_bit(__SIMNIC_DOWN, &adapter->flags)) {
			netdev->xmit_win = (int)SIMNIC_DESC_UNUSED(tx_ring); /* 2007 batching API */
			netif_wake_queue(netdev);
			adapter->restart_queue++;
		}
	}
	return count < tx_ring->count;
	/* LAB(xmit) stub:
	return true;
	*/
	/* LAB(xmit) end */
}

void simnic_tx_timeout(struct net_device *netdev)
{
	/* LAB(xmit): the watchdog's timer found the queue stuck: count it (tx_timeout_count)
	 * and schedule adapter->reset_task; the reset (down, rings cleaned, up) runs later in
	 * process context. Nothing may be reset here, in the timer. */
	struct simnic_adapter *adapter = netdev_priv(netdev);

	/* do the reset outside of interrupt context */
	adapter->tx_timeout_count++;
	schedule_work(&adapter->reset_task);
	/* LAB(xmit) stub:
	*/
	/* LAB(xmit) end */
}

void simnic_clean_tx_ring(struct simnic_adapter *adapter)
{
	/* LAB(xmit): at reset and close, the NIC's transmit engine off: unmap and free every skb
	 * still in buffer_info, netdev_reset_queue, zero buffer_info and the descriptors, and
	 * start over: next_to_use = next_to_clean = 0, TDH = TDT = 0. */
	struct simnic_tx_ring *tx_ring = &adapter->tx_ring;
	struct net_device *netdev = adapter->netdev;
	struct nic *hw = adapter->hw;

	for (unsigned int i = 0; i < tx_ring->count; i++) {
		struct simnic_buffer *bi = &tx_ring->buffer_info[i];

		if (bi->skb) {
			dma_unmap_single(netdev, bi->dma, bi->length, DMA_TO_DEVICE);
			dev_kfree_skb_any(bi->skb);
		}
		*bi = (struct simnic_buffer){ 0 };
		tx_ring->desc[i] = (struct e1000_tx_desc){ 0 };
	}
	netdev_reset_queue(netdev);
	tx_ring->next_to_use = 0;
	tx_ring->next_to_clean = 0;
	ew32(TDH, 0);
	ew32(TDT, 0);
	/* LAB(xmit) stub:
	*/
	/* LAB(xmit) end */
}
