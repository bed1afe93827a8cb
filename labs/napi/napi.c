/* napi.c - lab napi, your code: the interrupt handler, the poll in both eras, RX and refill. */
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
	(void)irq;
	(void)data;
	return IRQ_NONE;
}

irqreturn_t simnic_intr_nonapi(int irq, void *data)
{
	/* LAB(napi): the pre-NAPI handler, in hardirq: read ICR, 0 means IRQ_NONE. Then
	 * pass after pass (at most E1000_MAX_INTR) clean the RX ring (its frames go up
	 * with netif_rx) and reclaim TX, until a pass finds nothing on either ring.
	 * Interrupts stay unmasked throughout: IRQ_HANDLED. */
	(void)irq;
	(void)data;
	return IRQ_NONE;
}

/* 2.6.20 e1000_clean: stay in polling mode while there is any work, TX or RX. */
int simnic_poll_classic(struct net_device *netdev, int *budget)
{
	/* LAB(napi): 2.6.20: reclaim TX, then at most min(*budget, netdev->quota) frames,
	 * lro_flush_all if LRO is on, and subtract them from both *budget and quota.
	 * Nothing found (or going down): netif_rx_complete, then irq_enable_classic,
	 * return 0. Otherwise return 1: stay on the poll list, interrupts masked. */
	(void)budget;
	netif_rx_complete(netdev);
	return 0;
}

/* The modern e1000_clean: complete when TX is clean and the budget was not used up. */
int simnic_poll(struct napi_struct *napi, int budget)
{
	/* LAB(napi): reclaim TX (clean_tx_irq says if it is complete), at most budget
	 * frames, lro_flush_all if LRO is on. TX not clean or budget used up: return
	 * budget, still scheduled, still masked. Else napi_complete_done, and only if
	 * it returns true (and netif_running) unmask IMS_ENABLE_MASK; return the work. */
	(void)budget;
	napi_complete_done(napi, 0);
	return 0;
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

bool simnic_clean_rx_irq(struct simnic_adapter *adapter, int *work_done, int work_to_do)
{
	/* LAB(napi): from next_to_clean while DD and *work_done < work_to_do: dma_rmb(),
	 * take the skb, unmap, clear status, skb_put the length, rx_checksum,
	 * eth_type_trans, count rx_packets/rx_bytes, deliver; every refill_batch frames
	 * store next_to_clean and alloc_rx_buffers. At the end refill what is unused. */
	(void)adapter;
	(void)work_done;
	(void)work_to_do;
	return false;
}

void simnic_alloc_rx_buffers(struct simnic_adapter *adapter, int cleaned_count)
{
	/* LAB(napi): post up to cleaned_count buffers from next_to_use, never the last
	 * free slot (SIMNIC_DESC_UNUSED): netdev_alloc_skb_ip_align (NULL: count
	 * alloc_rx_buff_failed, stop), dma_map_single, address, status 0, advance.
	 * If any were posted: wmb(), then one RDT write of next_to_use. */
	(void)adapter;
	(void)cleaned_count;
}
