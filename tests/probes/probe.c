/* probe.c - a driver .so defining one lab function (-DPROBE_<name>) that counts its calls. */
#include <ringkit/ringkit.h>

/*
 * Built once per contract function (build/tests/probes/<name>.so). The
 * function counts into probe_calls, which the test program defines, and
 * hands the call to the linked reference, so the machine works as usual:
 * a count above zero shows the kit reaches that one function of a file that
 * defines nothing else.
 */
extern unsigned long probe_calls __attribute__((weak));

static void count(void)
{
	if (&probe_calls)
		probe_calls++;
}

#define L simnic_lab_linked

#ifdef PROBE_simnic_xmit_frame
netdev_tx_t simnic_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	count();
	return L.xmit_frame(skb, netdev);
}
#endif
#ifdef PROBE_simnic_tx_map
int simnic_tx_map(struct simnic_adapter *adapter, struct sk_buff *skb)
{
	count();
	return L.tx_map(adapter, skb);
}
#endif
#ifdef PROBE_simnic_maybe_stop_tx
bool simnic_maybe_stop_tx(struct simnic_adapter *adapter, unsigned int size)
{
	count();
	return L.maybe_stop_tx(adapter, size);
}
#endif
#ifdef PROBE_simnic_clean_tx_irq
bool simnic_clean_tx_irq(struct simnic_adapter *adapter)
{
	count();
	return L.clean_tx_irq(adapter);
}
#endif
#ifdef PROBE_simnic_tx_timeout
void simnic_tx_timeout(struct net_device *netdev)
{
	count();
	L.tx_timeout(netdev);
}
#endif
#ifdef PROBE_simnic_clean_tx_ring
void simnic_clean_tx_ring(struct simnic_adapter *adapter)
{
	count();
	L.clean_tx_ring(adapter);
}
#endif
#ifdef PROBE_simnic_prep_xmit
int simnic_prep_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	count();
	return L.prep_xmit(skb, netdev);
}
#endif
#ifdef PROBE_simnic_batch_xmit
int simnic_batch_xmit(struct sk_buff_head *list, struct net_device *netdev)
{
	count();
	return L.batch_xmit(list, netdev);
}
#endif
#ifdef PROBE_simnic_xmit_frame_blist
netdev_tx_t simnic_xmit_frame_blist(struct sk_buff *skb, struct net_device *netdev)
{
	count();
	return L.xmit_frame_blist(skb, netdev);
}
#endif
#ifdef PROBE_simnic_xmit_frame_more
netdev_tx_t simnic_xmit_frame_more(struct sk_buff *skb, struct net_device *netdev)
{
	count();
	return L.xmit_frame_more(skb, netdev);
}
#endif
#ifdef PROBE_simnic_intr
irqreturn_t simnic_intr(int irq, void *data)
{
	count();
	return L.intr(irq, data);
}
#endif
#ifdef PROBE_simnic_intr_nonapi
irqreturn_t simnic_intr_nonapi(int irq, void *data)
{
	count();
	return L.intr_nonapi(irq, data);
}
#endif
#ifdef PROBE_simnic_poll_classic
int simnic_poll_classic(struct net_device *netdev, int *budget)
{
	count();
	return L.poll_classic(netdev, budget);
}
#endif
#ifdef PROBE_simnic_poll
int simnic_poll(struct napi_struct *napi, int budget)
{
	count();
	return L.poll(napi, budget);
}
#endif
#ifdef PROBE_simnic_clean_rx_irq
bool simnic_clean_rx_irq(struct simnic_adapter *adapter, int *work_done, int work_to_do)
{
	count();
	return L.clean_rx_irq(adapter, work_done, work_to_do);
}
#endif
#ifdef PROBE_simnic_alloc_rx_buffers
void simnic_alloc_rx_buffers(struct simnic_adapter *adapter, int cleaned_count)
{
	count();
	L.alloc_rx_buffers(adapter, cleaned_count);
}
#endif
#ifdef PROBE_lro_receive_skb
void lro_receive_skb(struct net_lro_mgr *mgr, struct sk_buff *skb, void *priv)
{
	count();
	L.lro_receive_skb(mgr, skb, priv);
}
#endif
#ifdef PROBE_lro_vlan_hwaccel_receive_skb
void lro_vlan_hwaccel_receive_skb(struct net_lro_mgr *mgr, struct sk_buff *skb,
				  struct vlan_group *vgrp, u16 vlan_tag, void *priv)
{
	count();
	L.lro_vlan_hwaccel_receive_skb(mgr, skb, vgrp, vlan_tag, priv);
}
#endif
#ifdef PROBE_lro_flush_all
void lro_flush_all(struct net_lro_mgr *mgr)
{
	count();
	L.lro_flush_all(mgr);
}
#endif
#ifdef PROBE_lro_flush_pkt
void lro_flush_pkt(struct net_lro_mgr *mgr, struct iphdr *iph, struct tcphdr *tcph)
{
	count();
	L.lro_flush_pkt(mgr, iph, tcph);
}
#endif
