/* napi.c - lab napi, model answer: the interrupt handler, the poll in both eras, RX and refill. */
#include <ringkit/simnic.h>

/*
 * Without NAPI every received frame costs an interrupt and is handed to
 * netif_rx from hardirq context. With NAPI the handler only masks RX
 * interrupts and schedules the poll; the poll, in softirq context, takes at
 * most its budget of frames from the ring, refills it, and when the ring is
 * empty completes and unmasks. The order at the end matters: complete first,
 * then unmask. A frame that lands after the last look leaves its cause pending
 * in ICR, so the unmask raises the interrupt at once and the poll is
 * scheduled again: nothing is stranded. Unmask first and that interrupt finds
 * the poll still scheduled: classic NAPI loses it, modern NAPI records MISSED.
 *
 * Functions of other labs (TX reclaim, the LRO engine) are called through
 * adapter->ops, as e1000 calls adapter->clean_rx, so whichever driver is
 * loaded is the one that runs.
 */

static bool rx_causes(u32 icr)
{
	return icr & (E1000_ICR_RXT0 | E1000_ICR_RXDMT0 | E1000_ICR_RXO);
}

irqreturn_t simnic_intr(int irq, void *data)
{
	struct net_device *netdev = data;
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct nic *hw = adapter->hw;
	u32 icr = er32(ICR); /* reading clears it */

	(void)irq;
	if (!icr)
		return IRQ_NONE; /* not ours */
	if (icr & E1000_ICR_TXDW)
		adapter->ops->clean_tx_irq(adapter); /* the xmit lab's reclaim */
	if (rx_causes(icr)) {
		if (adapter->irq_mode == SIMNIC_NAPI_CLASSIC) {
			if (netif_rx_schedule_prep(netdev)) {
				ew32(IMC, E1000_IMS_RX); /* quiet until the poll is done */
				__netif_rx_schedule(netdev);
			}
		} else if (napi_schedule_prep(&adapter->napi)) {
			ew32(IMC, E1000_IMS_RX);
			__napi_schedule(&adapter->napi);
		}
	}
	return IRQ_HANDLED;
}

irqreturn_t simnic_intr_nonapi(int irq, void *data)
{
	struct net_device *netdev = data;
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct nic *hw = adapter->hw;
	u32 icr = er32(ICR);
	int work_done = 0;

	(void)irq;
	if (!icr)
		return IRQ_NONE;
	if (icr & E1000_ICR_TXDW)
		adapter->ops->clean_tx_irq(adapter);
	if (rx_causes(icr)) /* everything now, in hardirq context, via netif_rx */
		simnic_clean_rx_irq(adapter, &work_done, (int)adapter->rx_ring.count);
	return IRQ_HANDLED;
}

int simnic_poll_classic(struct net_device *netdev, int *budget)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct nic *hw = adapter->hw;
	int work_to_do = min_t(int, netdev->quota, *budget), work_done = 0;

	simnic_clean_rx_irq(adapter, &work_done, work_to_do);
	if (adapter->lro_enabled)
		adapter->ops->lro_flush_all(&adapter->lro_mgr);
	*budget -= work_done;
	netdev->quota -= work_done;
	if (work_done < work_to_do) {
		/* the ring is empty: done, then interrupts back on */
		netif_rx_complete(netdev);
		ew32(IMS, E1000_IMS_RX);
		return 0;
	}
	return 1; /* more to do: keep me on the poll list */
}

int simnic_poll(struct napi_struct *napi, int budget)
{
	struct simnic_adapter *adapter = container_of(napi, struct simnic_adapter, napi);
	struct nic *hw = adapter->hw;
	int work_done = 0;

	simnic_clean_rx_irq(adapter, &work_done, budget);
	if (adapter->lro_enabled)
		adapter->ops->lro_flush_all(&adapter->lro_mgr);
	if (work_done < budget) {
		/* unmask only if NAPI really stopped (not rescheduled by MISSED) */
		if (napi_complete_done(napi, work_done))
			ew32(IMS, E1000_IMS_RX);
		return work_done;
	}
	return budget; /* budget used up: poll me again */
}

static void deliver(struct simnic_adapter *adapter, struct sk_buff *skb)
{
	if (adapter->irq_mode == SIMNIC_NONAPI)
		netif_rx(skb);
	else if (adapter->lro_enabled)
		adapter->ops->lro_receive_skb(&adapter->lro_mgr, skb, NULL);
	else
		netif_receive_skb(skb);
}

bool simnic_clean_rx_irq(struct simnic_adapter *adapter, int *work_done, int work_to_do)
{
	struct simnic_rx_ring *rx_ring = &adapter->rx_ring;
	struct net_device *netdev = adapter->netdev;
	unsigned int i = rx_ring->next_to_clean;
	int cleaned_count = 0;
	bool cleaned = false;

	while (*work_done < work_to_do) {
		struct e1000_rx_desc *desc = &rx_ring->desc[i];
		struct simnic_buffer *bi = &rx_ring->buffer_info[i];
		struct sk_buff *skb;
		u16 length;
		u8 status;

		status = desc->status;
		if (!(status & E1000_RXD_STAT_DD))
			break; /* the NIC has not filled this one yet */
		dma_rmb();
		skb = bi->skb;
		bi->skb = NULL;
		length = le16_to_cpu(desc->length);
		dma_unmap_single(netdev, bi->dma, rx_ring->rx_buffer_len, DMA_FROM_DEVICE);
		desc->status = 0;
		if (++i == rx_ring->count)
			i = 0;
		(*work_done)++;
		cleaned = true;

		skb_put(skb, length);
		skb->protocol = eth_type_trans(skb, netdev);
		if ((status & (E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS)) &&
		    !(desc->errors & (E1000_RXD_ERR_IPE | E1000_RXD_ERR_TCPE)))
			skb->ip_summed = CHECKSUM_UNNECESSARY; /* the NIC checked it */
		else
			skb->ip_summed = CHECKSUM_NONE;
		netdev->stats.rx_packets++;
		netdev->stats.rx_bytes += length;
		deliver(adapter, skb);

		/* give buffers back in batches: one RDT write per refill_batch */
		if (++cleaned_count >= (int)rx_ring->refill_batch) {
			rx_ring->next_to_clean = i;
			simnic_alloc_rx_buffers(adapter, cleaned_count);
			cleaned_count = 0;
		}
	}
	rx_ring->next_to_clean = i;
	cleaned_count = (int)SIMNIC_DESC_UNUSED(rx_ring);
	if (cleaned_count)
		simnic_alloc_rx_buffers(adapter, cleaned_count);
	return cleaned;
}

void simnic_alloc_rx_buffers(struct simnic_adapter *adapter, int cleaned_count)
{
	struct simnic_rx_ring *rx_ring = &adapter->rx_ring;
	struct net_device *netdev = adapter->netdev;
	struct nic *hw = adapter->hw;
	unsigned int first = rx_ring->next_to_use;

	while (cleaned_count-- > 0 && SIMNIC_DESC_UNUSED(rx_ring)) {
		unsigned int i = rx_ring->next_to_use;
		struct simnic_buffer *bi = &rx_ring->buffer_info[i];
		struct sk_buff *skb = netdev_alloc_skb_ip_align(netdev, rx_ring->rx_buffer_len);

		if (!skb) {
			adapter->alloc_rx_buff_failed++;
			break; /* try again at the next refill */
		}
		bi->skb = skb;
		bi->length = (u16)rx_ring->rx_buffer_len;
		bi->dma = dma_map_single(netdev, skb->data, rx_ring->rx_buffer_len, DMA_FROM_DEVICE);
		rx_ring->desc[i].buffer_addr = cpu_to_le64(bi->dma);
		rx_ring->desc[i].status = 0;
		rx_ring->next_to_use = i + 1 == rx_ring->count ? 0 : i + 1;
	}
	if (rx_ring->next_to_use != first) {
		wmb(); /* buffers before the doorbell */
		ew32(RDT, rx_ring->next_to_use);
	}
}
