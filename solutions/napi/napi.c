/* napi.c - lab napi, model answer: the interrupt handler, the poll in both eras, RX and refill. */
#include <ringkit/simnic.h>

/*
 * Without NAPI every interrupt cleans both rings at once, in hardirq
 * context, and frames go up with netif_rx (2.6.20 e1000_intr without
 * CONFIG_E1000_NAPI). With NAPI the handler masks every cause (IMC ~0) and
 * schedules the poll; the poll, in softirq context, reclaims TX whatever
 * raised the interrupt, takes at most its budget of frames from the ring,
 * refills it, and when it is done completes and unmasks (e1000_clean, in the
 * shape of each era). The order at the end matters: complete first, then
 * unmask. A frame that lands after the last look leaves its cause pending in
 * ICR, so the unmask raises the interrupt at once and the poll is scheduled
 * again: nothing is stranded. Unmask first and that interrupt finds the poll
 * still scheduled: classic NAPI loses it, modern NAPI records MISSED.
 *
 * Functions of the contract are called through adapter->ops (as e1000 calls
 * adapter->clean_rx), so whichever driver is loaded is the one that runs.
 */

#define E1000_MAX_INTR 10 /* 2.6.20 e1000.h: passes per interrupt without NAPI */

/*
 * 2.6.20's e1000_irq_disable/e1000_irq_enable count in irq_sem: the handler
 * takes one count and the poll gives it back, and IMS is written only when
 * the count drops to zero. So an interrupt that finds the poll still
 * scheduled (its "else e1000_irq_enable") changes nothing while a poll
 * holds a count. The modern driver writes IMC/IMS directly.
 */
static __maybe_unused void irq_disable_classic(struct simnic_adapter *adapter)
{
	struct nic *hw = adapter->hw;

	adapter->irq_sem++;
	ew32(IMC, ~0u);
}

static __maybe_unused void irq_enable_classic(struct simnic_adapter *adapter)
{
	struct nic *hw = adapter->hw;

	if (--adapter->irq_sem <= 0) {
		adapter->irq_sem = 0;
		ew32(IMS, IMS_ENABLE_MASK);
	}
}

/* 2.6.20's e1000_clean_tx_irq returned whether it cleaned anything; the
 * contract's returns the modern "clean complete". The classic paths need
 * the first, so they look at next_to_clean. */
static __maybe_unused bool tx_cleaned(struct simnic_adapter *adapter)
{
	unsigned int ntc = adapter->tx_ring.next_to_clean;

	adapter->ops->clean_tx_irq(adapter);
	return adapter->tx_ring.next_to_clean != ntc;
}

irqreturn_t simnic_intr(int irq, void *data)
{
	/* LAB(napi): read ICR (that clears it); 0: not ours, IRQ_NONE. Else mask every
	 * cause and schedule the poll: classic irq_disable_classic + netif_rx_schedule_prep
	 * + __netif_rx_schedule, modern IMC ~0 + napi_schedule_prep + __napi_schedule.
	 * Already scheduled: give the count back (classic) or unmask again (modern). */
	struct net_device *netdev = data;
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct nic *hw = adapter->hw;
	u32 icr = er32(ICR); /* reading clears it */

	(void)irq;
	if (!icr)
		return IRQ_NONE; /* not ours */
	if (adapter->irq_mode == SIMNIC_NAPI_CLASSIC) {
		irq_disable_classic(adapter);
		if (netif_rx_schedule_prep(netdev))
			__netif_rx_schedule(netdev);
		else
			irq_enable_classic(adapter); /* gives the count back, no more */
		return IRQ_HANDLED;
	}
	/* disable interrupts, without the synchronize_irq bit */
	ew32(IMC, ~0u);
	if (napi_schedule_prep(&adapter->napi)) {
		__napi_schedule(&adapter->napi);
	} else if (netif_running(netdev)) {
		/* e1000: "this really should not happen! if it does it is basically a
		 * bug, but not a hard error, so enable ints and continue" */
		ew32(IMS, IMS_ENABLE_MASK);
	}
	return IRQ_HANDLED;
	/* LAB(napi) stub:
	(void)irq;
	(void)data;
	return IRQ_NONE;
	*/
	/* LAB(napi) end */
}

irqreturn_t simnic_intr_nonapi(int irq, void *data)
{
	/* LAB(napi): the pre-NAPI handler, in hardirq: read ICR, 0 means IRQ_NONE. Then
	 * pass after pass (at most E1000_MAX_INTR) clean the RX ring (its frames go up
	 * with netif_rx) and reclaim TX, until a pass finds nothing on either ring.
	 * Interrupts stay unmasked throughout: IRQ_HANDLED. */
	struct net_device *netdev = data;
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct nic *hw = adapter->hw;
	u32 icr = er32(ICR);

	(void)irq;
	if (!icr)
		return IRQ_NONE;
	/* both rings whatever the cause, until a pass finds nothing on either */
	for (int i = 0; i < E1000_MAX_INTR; i++) {
		int work_done = 0;
		bool rx = adapter->ops->clean_rx_irq(adapter, &work_done,
						     (int)adapter->rx_ring.count);
		bool tx = tx_cleaned(adapter);

		if (!rx && !tx)
			break;
	}
	return IRQ_HANDLED;
	/* LAB(napi) stub:
	(void)irq;
	(void)data;
	return IRQ_NONE;
	*/
	/* LAB(napi) end */
}

/* 2.6.20 e1000_clean: stay in polling mode while there is any work, TX or RX. */
int simnic_poll_classic(struct net_device *netdev, int *budget)
{
	/* LAB(napi): 2.6.20: reclaim TX, then at most min(*budget, netdev->quota) frames,
	 * lro_flush_all if LRO is on, and subtract them from both *budget and quota.
	 * Nothing found (or going down): netif_rx_complete, then irq_enable_classic,
	 * return 0. Otherwise return 1: stay on the poll list, interrupts masked. */
	struct simnic_adapter *adapter = netdev_priv(netdev);
	int work_to_do = min_t(int, *budget, netdev->quota), work_done = 0;
	bool tx = false;

	/* keep link state information with the original netdev */
	if (netif_carrier_ok(netdev)) {
		tx = tx_cleaned(adapter);
		adapter->ops->clean_rx_irq(adapter, &work_done, work_to_do);
		if (adapter->lro_enabled)
			adapter->ops->lro_flush_all(&adapter->lro_mgr);
		*budget -= work_done;
		netdev->quota -= work_done;
	}
	/* leave polling mode after a poll that found nothing, or when going down */
	if ((!tx && !work_done) || !netif_running(netdev) || !netif_carrier_ok(netdev)) {
		netif_rx_complete(netdev);
		irq_enable_classic(adapter);
		return 0;
	}
	return 1; /* more to do: keep me on the poll list */
	/* LAB(napi) stub:
	(void)budget;
	netif_rx_complete(netdev);
	return 0;
	*/
	/* LAB(napi) end */
}

/* The modern e1000_clean: complete when TX is clean and the budget was not used up. */
int simnic_poll(struct napi_struct *napi, int budget)
{
	/* LAB(napi): reclaim TX (clean_tx_irq says if it is complete), at most budget
	 * frames, lro_flush_all if LRO is on. TX not clean or budget used up: return
	 * budget, still scheduled, still masked. Else napi_complete_done, and only if
	 * it returns true (and netif_running) unmask IMS_ENABLE_MASK; return the work. */
	struct simnic_adapter *adapter = container_of(napi, struct simnic_adapter, napi);
	struct net_device *netdev = adapter->netdev;
	struct nic *hw = adapter->hw;
	bool tx_clean_complete;
	int work_done = 0;

	tx_clean_complete = adapter->ops->clean_tx_irq(adapter);
	adapter->ops->clean_rx_irq(adapter, &work_done, budget);
	if (adapter->lro_enabled)
		adapter->ops->lro_flush_all(&adapter->lro_mgr);
	if (!tx_clean_complete || work_done == budget)
		return budget; /* poll me again */
	/* unmask only if NAPI really stopped (not rescheduled by MISSED), and not
	 * while the device goes down (e1000's __E1000_DOWN) */
	if (napi_complete_done(napi, work_done) && netif_running(netdev))
		ew32(IMS, IMS_ENABLE_MASK);
	return work_done;
	/* LAB(napi) stub:
	(void)budget;
	napi_complete_done(napi, 0);
	return 0;
	*/
	/* LAB(napi) end */
}

/*
 * e1000_rx_checksum: the NIC vouches for a frame only when it checked its
 * TCP or UDP checksum (TCPCS; UDPCS on later chips) and found no error. IPCS
 * alone says nothing about L4 (the stack checks the IP header itself in any
 * case), IXSM means ignore it all, and a TCPE frame goes up unverified so the
 * stack checks it and drops it.
 */
static __maybe_unused void rx_checksum(struct simnic_adapter *adapter, u8 status, u8 errors,
				       struct sk_buff *skb)
{
	skb->ip_summed = CHECKSUM_NONE;
	if (status & E1000_RXD_STAT_IXSM)
		return;
	if (errors & E1000_RXD_ERR_TCPE) {
		adapter->hw_csum_err++; /* let the stack verify checksum errors */
		return;
	}
	if (!(status & (E1000_RXD_STAT_TCPCS | E1000_RXD_STAT_UDPCS)))
		return;
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	adapter->hw_csum_good++;
}

/* The TCP/IPv4 headers of a frame (after eth_type_trans), behind a tag left in the data too. */
static __maybe_unused bool tcp_headers(struct sk_buff *skb, struct iphdr **iph,
				       struct tcphdr **tcph)
{
	unsigned int off = 0;

	if (skb->protocol == htons(ETH_P_8021Q) && skb_headlen(skb) >= VLAN_HLEN &&
	    ((struct vlan_hdr *)skb->data)->h_vlan_encapsulated_proto == htons(ETH_P_IP))
		off = VLAN_HLEN;
	else if (skb->protocol != htons(ETH_P_IP))
		return false;
	if (skb_headlen(skb) < off + sizeof(struct iphdr))
		return false;
	*iph = (struct iphdr *)(skb->data + off);
	if ((*iph)->version != 4 || (*iph)->protocol != IPPROTO_TCP ||
	    skb_headlen(skb) < off + (*iph)->ihl * 4u + sizeof(struct tcphdr))
		return false;
	*tcph = (struct tcphdr *)((unsigned char *)*iph + (*iph)->ihl * 4);
	return true;
}

/*
 * Up the stack. Without NAPI, from hardirq: netif_rx. From the poll:
 * netif_receive_skb, or through LRO, or (modern NAPI) through GRO. A tag the
 * NIC stripped (VP) goes with the frame (the vlan_hwaccel_* entry points). A
 * frame LRO must not take (its checksum unverified) but whose flow LRO may be
 * holding first flushes that one session (lro_flush_pkt), or it would
 * overtake the aggregate;
 * qcacld-3.0's hdd_lro_rx does the same with its own flush.
 */
/* LAB(napi): write deliver(adapter, skb, status, special), the frame's way up:
 * netif_rx without NAPI; modern NAPI with NETIF_F_GRO: napi_gro_receive (a VP tag
 * in vlan_tci); LRO on and CHECKSUM_UNNECESSARY: the LRO entry points, else
 * lro_flush_pkt a TCP frame's flow; then netif_receive_skb (VP: vlan_hwaccel_*). */
static void deliver(struct simnic_adapter *adapter, struct sk_buff *skb, u8 status, u16 special)
{
	bool vlan = adapter->rx_vlan && (status & E1000_RXD_STAT_VP);
	u16 tag = special & E1000_RXD_SPC_VLAN_MASK;
	struct net_lro_mgr *mgr = &adapter->lro_mgr;
	struct iphdr *iph;
	struct tcphdr *tcph;

	if (adapter->irq_mode == SIMNIC_NONAPI) {
		if (vlan)
			vlan_hwaccel_rx(skb, NULL, tag);
		else
			netif_rx(skb);
		return;
	}
	/* GRO (modern NAPI only, 2.6.29+): every frame, as e1000_receive_skb does;
	 * the core merges what it can and flushes at napi_complete_done */
	if (adapter->irq_mode == SIMNIC_NAPI_MODERN && (adapter->netdev->features & NETIF_F_GRO)) {
		if (vlan)
			skb->vlan_tci = tag; /* __vlan_hwaccel_put_tag */
		napi_gro_receive(&adapter->napi, skb);
		return;
	}
	if (adapter->lro_enabled && skb->ip_summed == CHECKSUM_UNNECESSARY) {
		if (vlan)
			adapter->ops->lro_vlan_hwaccel_receive_skb(mgr, skb, NULL, tag, NULL);
		else
			adapter->ops->lro_receive_skb(mgr, skb, NULL);
		return;
	}
	if (adapter->lro_enabled && tcp_headers(skb, &iph, &tcph))
		adapter->ops->lro_flush_pkt(mgr, iph, tcph);
	if (vlan)
		vlan_hwaccel_receive_skb(skb, NULL, tag);
	else
		netif_receive_skb(skb);
}
/* LAB(napi) end */

bool simnic_clean_rx_irq(struct simnic_adapter *adapter, int *work_done, int work_to_do)
{
	/* LAB(napi): from next_to_clean while DD and *work_done < work_to_do: dma_rmb(),
	 * take the skb, unmap, clear status, skb_put the length, rx_checksum,
	 * eth_type_trans, count rx_packets/rx_bytes, deliver; every refill_batch frames
	 * store next_to_clean and alloc_rx_buffers. At the end refill what is unused. */
	struct simnic_rx_ring *rx_ring = &adapter->rx_ring;
	struct net_device *netdev = adapter->netdev;
	unsigned int i = rx_ring->next_to_clean;
	int cleaned_count = 0;
	bool cleaned = false;

	while (*work_done < work_to_do) {
		struct e1000_rx_desc *desc = &rx_ring->desc[i];
		struct simnic_buffer *bi = &rx_ring->buffer_info[i];
		struct sk_buff *skb;
		u8 status, errors;
		u16 length, special;

		status = desc->status;
		if (!(status & E1000_RXD_STAT_DD))
			break; /* the NIC has not filled this one yet */
		dma_rmb(); /* the rest of the descriptor only after DD */
		errors = desc->errors;
		special = le16_to_cpu(desc->special);
		length = le16_to_cpu(desc->length);
		skb = bi->skb;
		bi->skb = NULL;
		dma_unmap_single(netdev, bi->dma, rx_ring->rx_buffer_len, DMA_FROM_DEVICE);
		desc->status = 0;
		if (++i == rx_ring->count)
			i = 0;
		(*work_done)++;
		cleaned = true;

		skb_put(skb, length);
		rx_checksum(adapter, status, errors, skb);
		skb->protocol = eth_type_trans(skb, netdev);
		netdev->stats.rx_packets++;
		netdev->stats.rx_bytes += length;
		deliver(adapter, skb, status, special);

		/* give buffers back in batches: one RDT write per refill_batch */
		if (++cleaned_count >= (int)rx_ring->refill_batch) {
			rx_ring->next_to_clean = i;
			adapter->ops->alloc_rx_buffers(adapter, cleaned_count);
			cleaned_count = 0;
		}
	}
	rx_ring->next_to_clean = i;
	cleaned_count = (int)SIMNIC_DESC_UNUSED(rx_ring);
	if (cleaned_count)
		adapter->ops->alloc_rx_buffers(adapter, cleaned_count);
	return cleaned;
	/* LAB(napi) stub:
	(void)adapter;
	(void)work_done;
	(void)work_to_do;
	return false;
	*/
	/* LAB(napi) end */
}

void simnic_alloc_rx_buffers(struct simnic_adapter *adapter, int cleaned_count)
{
	/* LAB(napi): post up to cleaned_count buffers from next_to_use, never the last
	 * free slot (SIMNIC_DESC_UNUSED): netdev_alloc_skb_ip_align (NULL: count
	 * alloc_rx_buff_failed, stop), dma_map_single, address, status 0, advance.
	 * If any were posted: wmb(), then one RDT write of next_to_use. */
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
	/* LAB(napi) stub:
	(void)adapter;
	(void)cleaned_count;
	*/
	/* LAB(napi) end */
}
