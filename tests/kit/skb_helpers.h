/* skb_helpers.h - for the skb tests: a fresh skb, an owner's every write, the two allocators. */
#ifndef TESTS_KIT_SKB_HELPERS_H
#define TESTS_KIT_SKB_HELPERS_H

#include "helpers.h"
#include "kit.h"

#define HELD 2500 /* enough to open three chunks of the pool */

/* What netdev_alloc_skb promises, field by field (as __alloc_skb leaves it),
 * with room bytes of headroom reserved past NET_SKB_PAD (NET_IP_ALIGN for
 * netdev_alloc_skb_ip_align). */
static inline void assert_fresh_room(const struct sk_buff *skb, const struct net_device *dev,
			      unsigned int room, const char *func)
{
	static const char zero_cb[sizeof(skb->cb)];

	cr_assert_null(skb->next, "next %p, expected NULL", (void *)skb->next);
	cr_assert_null(skb->prev, "prev %p, expected NULL", (void *)skb->prev);
	cr_assert_eq(skb->dev, dev, "dev %p, expected %p", (void *)skb->dev, (void *)dev);
	cr_assert_eq(skb->tstamp, 0, "tstamp %llu, expected 0", (unsigned long long)skb->tstamp);
	cr_assert_eq(skb->data, skb->head + NET_SKB_PAD + room, "data at %td, expected %u",
		     skb->data - skb->head, NET_SKB_PAD + room);
	cr_assert_eq(skb->len, 0, "len %u, expected 0", skb->len);
	cr_assert_eq(skb->data_len, 0, "data_len %u, expected 0", skb->data_len);
	cr_assert_eq(skb->tail, NET_SKB_PAD + room, "tail %u, expected %u", skb->tail,
		     NET_SKB_PAD + room);
	cr_assert_eq(skb->end, SKB_BUF_SIZE, "end %u, expected %d", skb->end, SKB_BUF_SIZE);
	cr_assert_eq(skb->truesize, SKB_BUF_SIZE + sizeof(struct sk_buff), "truesize %u, expected %zu",
		     skb->truesize, SKB_BUF_SIZE + sizeof(struct sk_buff));
	cr_assert_eq(skb->protocol, 0, "protocol %#x, expected 0", skb->protocol);
	cr_assert_eq(skb->mac_header, 0xffff, "mac_header %u, expected unset", skb->mac_header);
	cr_assert_eq(skb->network_header, 0xffff, "network_header %u, expected unset",
		     skb->network_header);
	cr_assert_eq(skb->transport_header, 0xffff, "transport_header %u, expected unset",
		     skb->transport_header);
	cr_assert_eq(skb->ip_summed, CHECKSUM_NONE, "ip_summed %u, expected CHECKSUM_NONE",
		     skb->ip_summed);
	cr_assert_eq(skb->csum_start, 0, "csum_start %u, expected 0", skb->csum_start);
	cr_assert_eq(skb->csum_offset, 0, "csum_offset %u, expected 0", skb->csum_offset);
	cr_assert_eq(skb->pkt_type, PACKET_HOST, "pkt_type %u, expected PACKET_HOST", skb->pkt_type);
	cr_assert_eq(skb->vlan_tci, 0, "vlan_tci %u, expected 0", skb->vlan_tci);
	cr_assert_eq(memcmp(skb->cb, zero_cb, sizeof(zero_cb)), 0, "cb not cleared");
	cr_assert_eq(skb->shinfo.gso_size, 0, "gso_size %u, expected 0", skb->shinfo.gso_size);
	cr_assert_eq(skb->shinfo.gso_segs, 0, "gso_segs %u, expected 0", skb->shinfo.gso_segs);
	cr_assert_eq(skb->shinfo.gso_type, 0, "gso_type %u, expected 0", skb->shinfo.gso_type);
	cr_assert_null(skb->shinfo.frag_list, "frag_list %p, expected NULL",
		       (void *)skb->shinfo.frag_list);
	cr_assert_eq(skb->kit_place, SKB_USER, "place %s, expected held",
		     skb_place_name(skb->kit_place));
	cr_assert_eq(skb->kit_leaked, 0, "kit_leaked %u, expected 0", skb->kit_leaked);
	cr_assert_null(skb->kit_holder, "holder %s, expected none (kit code)", skb->kit_holder);
	cr_assert_str_eq(skb->kit_func, func, "allocated by %s, expected %s", skb->kit_func, func);
}

static inline void assert_fresh(const struct sk_buff *skb, const struct net_device *dev)
{
	assert_fresh_room(skb, dev, 0, "alloc_here");
}

/* Every field an owner may write, written. */
static inline void dirty(struct sk_buff *skb, struct sk_buff *frag)
{
	skb_reserve(skb, NET_IP_ALIGN);
	skb_put(skb, 60);
	skb_push(skb, 4);
	skb->next = skb->prev = skb;
	skb->tstamp = 12345;
	skb->protocol = htons(ETH_P_IP);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, 14);
	skb_set_transport_header(skb, 34);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = 100;
	skb->csum_offset = 16;
	skb->pkt_type = PACKET_OTHERHOST;
	skb->vlan_tci = 7;
	memset(skb->cb, 0xa5, sizeof(skb->cb));
	skb->shinfo.gso_size = 1448;
	skb->shinfo.gso_segs = 2;
	skb->shinfo.gso_type = SKB_GSO_TCPV4;
	skb->truesize += 100;
	skb->kit_leaked = 1; /* kit_check reported it lost before its free */
	skb_put(frag, 40);
	skb->shinfo.frag_list = frag;
	skb->data_len = frag->len;
	skb->len += frag->len;
	skb->next = skb->prev = NULL; /* off the (pretend) queue before the free */
}

static inline struct sk_buff *alloc_here(struct net_device *dev)
{
	return __netdev_alloc_skb(dev, 100, "alloc_here", __LINE__);
}

static inline struct sk_buff *alloc_align_here(struct net_device *dev, unsigned int len)
{
	return __netdev_alloc_skb_ip_align(dev, len, "alloc_align_here", __LINE__);
}

#endif
