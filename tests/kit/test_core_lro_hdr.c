/* test_core_lro_hdr.c - LRO's get_skb_header on every first byte of an IPv4 header. */
#include "kit.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(core_lro_hdr, .timeout = 60);

/*
 * What inet_lro asks of simnic's get_skb_header: 0 with the IPv4 and TCP
 * headers and LRO_IPV4 | LRO_TCP for a TCP/IPv4 frame (a tag left in the
 * data stepped over) whose sums the NIC checked and whose headers are all in
 * the linear data; -1 for anything else. Worked out here field by field for
 * each first byte (version, IHL), protocol, checksum state and linear length
 * near the headers' ends: a plain 20-byte header (0x45) is answered without
 * reading its IHL, and every other first byte must get the answer its own
 * fields give (0x46's TCP header 4 bytes further on, a short frame refused,
 * version 5 or 6 refused, IHL 4 taken at 16 bytes as before).
 */
static void check_one(struct net_lro_mgr *m, struct sk_buff *skb, unsigned int off, u8 b0,
		      u8 proto, bool summed, unsigned int headlen)
{
	unsigned int ihl = (b0 & 15) * 4u;
	bool want = summed && headlen >= off + 40 && b0 >> 4 == 4 && proto == IPPROTO_TCP &&
		    headlen >= off + ihl + 20;
	void *iph = NULL, *tcph = NULL;
	u64 flags = 0;
	int rc;

	skb->data[off] = b0;
	skb->data[off + 9] = proto;
	skb->len = headlen;
	skb->data_len = 0;
	skb->ip_summed = summed ? CHECKSUM_UNNECESSARY : CHECKSUM_NONE;
	rc = m->get_skb_header(skb, &iph, &tcph, &flags, NULL);
	cr_assert_eq(rc, want ? 0 : -1,
		     "off %u, first byte 0x%02x, protocol %u, summed %d, headlen %u: returned %d, "
		     "expected %d", off, b0, proto, summed, headlen, rc, want ? 0 : -1);
	if (!want)
		return;
	cr_assert_eq(iph, (void *)(skb->data + off),
		     "first byte 0x%02x, off %u: iphdr at data + %td, expected data + %u", b0, off,
		     (u8 *)iph - skb->data, off);
	cr_assert_eq(tcph, (void *)(skb->data + off + ihl),
		     "first byte 0x%02x, off %u: tcph at data + %td, expected data + %u", b0, off,
		     (u8 *)tcph - skb->data, off + ihl);
	cr_assert_eq(flags, (u64)(LRO_IPV4 | LRO_TCP),
		     "first byte 0x%02x: flags 0x%llx, expected 0x%llx", b0,
		     (unsigned long long)flags, (unsigned long long)(LRO_IPV4 | LRO_TCP));
}

Test(core_lro_hdr, every_first_byte_gets_its_own_fields_answer, .init = setup, .fini = teardown)
{
	struct simnic_adapter *ad = netdev_priv(sn1);
	struct net_lro_mgr *m = &ad->lro_mgr;
	struct sk_buff *skb;
	int checked = 0;

	cr_assert_not_null(m->get_skb_header, "sn1's LRO manager has no get_skb_header");
	kit_enter(k);
	skb = __netdev_alloc_skb(sn1, 200, "test", __LINE__);
	cr_assert_not_null(skb, "no skb");
	memset(skb_put(skb, 200), 0, 200);
	for (int vlan = 0; vlan < 2; vlan++) {
		unsigned int off = vlan ? VLAN_HLEN : 0;

		skb->protocol = htons(vlan ? ETH_P_8021Q : ETH_P_IP);
		if (vlan) {
			skb->data[2] = 0x08; /* the encapsulated protocol: IPv4 */
			skb->data[3] = 0x00;
		}
		for (unsigned int b0 = 0; b0 < 256; b0++)
			for (int p = 0; p < 2; p++)
				for (int summed = 0; summed < 2; summed++)
					for (unsigned int hl = off + 36; hl <= off + 84; hl++) {
						check_one(m, skb, off, (u8)b0,
							  p ? IPPROTO_TCP : IPPROTO_UDP, summed, hl);
						checked++;
					}
	}
	skb->len = 200;
	kfree_skb(skb);
	cr_assert_eq(checked, 2 * 256 * 2 * 2 * 49, "checked %d cases, expected %d", checked,
		     2 * 256 * 2 * 2 * 49);
}
