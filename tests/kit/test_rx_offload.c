/* test_rx_offload.c - what the NIC tells the driver: checksums, stripped VLAN tags, TIDV with IDE. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(offload, .timeout = 60);

/* TCP frames into sn1, landed and scheduled but not polled (auto off). */
static void landed(u64 n, u16 vlan)
{
	struct pktgen_cfg c;
	char err[256];

	kit_set_auto(k, false);
	pktgen_cfg_default(&c);
	c.count = n;
	c.proto = IPPROTO_TCP;
	c.len = 200;
	c.tcp_ts = true;
	c.vlan = vlan;
	cr_assert_eq(kit_pktgen(sn1, &c, err, sizeof(err)), 0, "pktgen: %s", err);
	run_idle(k);
	cr_assert_eq(st(sn1, "hw_rx_frames"), n, "the NIC wrote %llu frames, expected %llu",
		     (unsigned long long)st(sn1, "hw_rx_frames"), (unsigned long long)n);
}

static struct e1000_rx_desc *rx_desc(int i)
{
	struct simnic_adapter *a = netdev_priv(sn1);

	return &a->rx_ring.desc[(a->rx_ring.next_to_clean + (unsigned int)i) % a->rx_ring.count];
}

static void poll_all(void)
{
	char err[256];
	int work = kit_poll(sn1, 64, err, sizeof(err));

	cr_assert_geq(work, 0, "kit_poll: %s", err);
}

/* The skbs passed up, in order (they wait on the socket queue: auto is off). */
static size_t received(struct sk_buff **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < log_.n && n < max; i++)
		if (log_.r[i].type == TR_RECEIVE && log_.r[i].dev == sn1->ifindex) {
			out[n] = kit_skb_find(k, log_.r[i].a);
			cr_assert_not_null(out[n], "skb#%u passed up is gone", log_.r[i].a);
			n++;
		}
	return n;
}

/* e1000_rx_checksum: UNNECESSARY only for TCPCS (or UDPCS) without TCPE;
 * IPCS alone says nothing about L4; IXSM means ignore; IPE is the stack's. */
Test(offload, rx_checksum_decision, .init = setup, .fini = teardown)
{
	static const struct {
		u8 status, errors;
		u8 ip_summed;
	} rows[] = {
		{ E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS, 0, CHECKSUM_UNNECESSARY },
		{ E1000_RXD_STAT_IPCS, 0, CHECKSUM_NONE },
		{ E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS, E1000_RXD_ERR_TCPE, CHECKSUM_NONE },
		{ E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS, E1000_RXD_ERR_IPE, CHECKSUM_UNNECESSARY },
		{ E1000_RXD_STAT_IXSM | E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS, 0, CHECKSUM_NONE },
		{ E1000_RXD_STAT_UDPCS, 0, CHECKSUM_UNNECESSARY },
		{ 0, 0, CHECKSUM_NONE },
		{ E1000_RXD_STAT_IXSM | E1000_RXD_STAT_TCPCS, E1000_RXD_ERR_TCPE, CHECKSUM_NONE },
	};
	struct sk_buff *skbs[16];
	size_t n;

	landed(ARRAY_SIZE(rows), 0);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		rx_desc((int)i)->status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP | rows[i].status;
		rx_desc((int)i)->errors = rows[i].errors;
	}
	kit_trace_subscribe(k, rec_log_cb, &log_);
	poll_all();
	n = received(skbs, ARRAY_SIZE(skbs));
	cr_assert_eq(n, ARRAY_SIZE(rows), "%zu frames passed up, expected %zu", n, ARRAY_SIZE(rows));
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(skbs[i]->ip_summed, rows[i].ip_summed,
			     "row %zu (status %#x, errors %#x): ip_summed %u, expected %u", i,
			     rows[i].status, rows[i].errors, skbs[i]->ip_summed, rows[i].ip_summed);
	cr_assert_eq(st(sn1, "rx_csum_offload_good"), 3, "rx_csum_offload_good = %llu, expected 3",
		     (unsigned long long)st(sn1, "rx_csum_offload_good"));
	cr_assert_eq(st(sn1, "rx_csum_offload_errors"), 1,
		     "rx_csum_offload_errors = %llu, expected 1 (TCPE without IXSM)",
		     (unsigned long long)st(sn1, "rx_csum_offload_errors"));
}

/* CTRL.VME: the NIC takes the tag out, sets VP and puts the tag in special;
 * the driver hands the tag over with the frame (vlan_hwaccel_receive_skb). */
Test(offload, vlan_stripped_by_the_nic, .init = setup, .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn1);
	struct sk_buff *skbs[4];
	const u8 *buf;
	size_t n;

	landed(2, 5);
	cr_assert(rx_desc(0)->status & E1000_RXD_STAT_VP, "status %#x, expected VP set",
		  rx_desc(0)->status);
	cr_assert_eq(le16_to_cpu(rx_desc(0)->special) & E1000_RXD_SPC_VLAN_MASK, 5,
		     "special = %#x, expected VLAN 5", le16_to_cpu(rx_desc(0)->special));
	cr_assert_eq(le16_to_cpu(rx_desc(0)->length), 196, "length %u, expected 200 - 4",
		     le16_to_cpu(rx_desc(0)->length));
	buf = a->rx_ring.buffer_info[a->rx_ring.next_to_clean].skb->data;
	cr_assert(buf[12] == 0x08 && buf[13] == 0x00, "ethertype %02x%02x in the buffer, expected "
		  "0800: the tag is out of the frame", buf[12], buf[13]);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	poll_all();
	n = received(skbs, ARRAY_SIZE(skbs));
	cr_assert_eq(n, 2, "%zu frames passed up, expected 2", n);
	cr_assert_eq(skbs[0]->vlan_tci, 5, "vlan_tci = %u, expected 5", skbs[0]->vlan_tci);
	cr_assert_eq(flow(k, 0).errors, 0, "%llu stream errors", (unsigned long long)flow(k, 0).errors);
}

Test(offload, vlan_left_in_the_data_with_rxvlan_off, .init = setup, .fini = teardown)
{
	setp(k, sn1, "rx_vlan", 0);
	landed(2, 5);
	cr_assert(!(rx_desc(0)->status & E1000_RXD_STAT_VP), "status %#x, expected VP clear",
		  rx_desc(0)->status);
	cr_assert_eq(le16_to_cpu(rx_desc(0)->length), 200, "length %u, expected 200 (tag kept)",
		     le16_to_cpu(rx_desc(0)->length));
	cr_assert(rx_desc(0)->status & E1000_RXD_STAT_TCPCS,
		  "status %#x: the NIC checks the checksum behind a tag too", rx_desc(0)->status);
	poll_all();
	cr_assert_eq(flow(k, 0).packets, 2, "%llu packets, expected 2",
		     (unsigned long long)flow(k, 0).packets);
	cr_assert_eq(flow(k, 0).errors, 0, "%llu stream errors", (unsigned long long)flow(k, 0).errors);
}

/* LRO with stripped tags goes through lro_vlan_hwaccel_receive_skb: one
 * aggregate, the tag on it. With the tag in the data inet_lro takes VLAN_HLEN
 * off only for a new session, so no second packet ever joins one. */
Test(offload, lro_and_vlan, .init = setup, .fini = teardown)
{
	struct sk_buff *skbs[8];
	size_t n;

	setp(k, sn1, "lro", 1);
	landed(3, 7);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	poll_all();
	n = received(skbs, ARRAY_SIZE(skbs));
	cr_assert_eq(n, 1, "stripped tags: %zu skbs passed up, expected 1 aggregate", n);
	cr_assert_eq(skbs[0]->vlan_tci, 7, "the aggregate's vlan_tci = %u, expected 7",
		     skbs[0]->vlan_tci);
	cr_assert_eq(st(sn1, "lro_aggregated"), 3, "lro_aggregated = %llu, expected 3",
		     (unsigned long long)st(sn1, "lro_aggregated"));
}

Test(offload, lro_with_tag_in_data_never_extends_a_session, .init = setup, .fini = teardown)
{
	setp(k, sn1, "lro", 1);
	setp(k, sn1, "rx_vlan", 0);
	landed(3, 7);
	poll_all();
	cr_assert_eq(st(sn1, "lro_aggregated"), 2, "lro_aggregated = %llu, expected 2 (packets 1 "
		     "and 3 start sessions; 2 fails the in-session length test)",
		     (unsigned long long)st(sn1, "lro_aggregated"));
	cr_assert_eq(st(sn1, "lro_flushed"), 2, "lro_flushed = %llu, expected 2",
		     (unsigned long long)st(sn1, "lro_flushed"));
	cr_assert_eq(flow(k, 0).packets, 3, "%llu packets up, expected 3",
		     (unsigned long long)flow(k, 0).packets);
	cr_assert_eq(flow(k, 0).errors, 0, "%llu stream errors", (unsigned long long)flow(k, 0).errors);
}

/* A frame LRO must not take (TCPE: left to the stack) flushes its flow's
 * session first (lro_flush_pkt), or it would overtake the aggregate. */
Test(offload, unverified_frame_flushes_its_flow_first, .init = setup, .fini = teardown)
{
	setp(k, sn1, "lro", 1);
	landed(4, 0);
	rx_desc(2)->errors = E1000_RXD_ERR_TCPE; /* the NIC claims frame 3 is corrupt */
	poll_all();
	cr_assert_eq(flow(k, 0).errors, 0, "%llu stream errors: frame 3 overtook the aggregate",
		     (unsigned long long)flow(k, 0).errors);
	cr_assert_eq(flow(k, 0).segments, 4, "%llu segments up, expected 4",
		     (unsigned long long)flow(k, 0).segments);
	cr_assert_eq(st(sn1, "lro_flushed"), 2, "lro_flushed = %llu, expected 2 (1+2 by "
		     "lro_flush_pkt, then 4 at the end of the poll)",
		     (unsigned long long)st(sn1, "lro_flushed"));
	cr_assert_eq(st(sn1, "rx_csum_offload_errors"), 1, "rx_csum_offload_errors = %llu, expected 1",
		     (unsigned long long)st(sn1, "rx_csum_offload_errors"));
}

/* TIDV delays TXDW only for descriptors with IDE; the driver sets IDE when tx-usecs is set. */
static u64 txdw_delay(long tx_usecs, long tidv_reg)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	u64 dd = 0, raise = 0;

	setp(k, sn0, "tx_usecs", tx_usecs);
	if (tidv_reg >= 0)
		nic_write(sn0->nic, E1000_TIDV, (u32)tidv_reg);
	log_.n = 0;
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_xmit_frames(sn0, &p, 1);
	run_idle(k);
	for (size_t i = 0; i < log_.n; i++) {
		if (log_.r[i].dev != sn0->ifindex)
			continue;
		if (log_.r[i].type == TR_TX_DD && !dd)
			dd = log_.r[i].t;
		if (log_.r[i].type == TR_IRQ_RAISE && (log_.r[i].a & E1000_ICR_TXDW) && !raise)
			raise = log_.r[i].t;
	}
	cr_assert(dd && raise, "no write-back (%llu) or no TXDW (%llu)", (unsigned long long)dd,
		  (unsigned long long)raise);
	return raise - dd;
}

Test(offload, tidv_only_with_ide, .init = setup, .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn0);
	u64 d;

	d = txdw_delay(100, -1);
	cr_assert(a->txd_cmd & E1000_TXD_CMD_IDE, "tx-usecs 100: txd_cmd %#x, expected IDE",
		  a->txd_cmd);
	cr_assert_eq(d, 100 * 1024, "tx-usecs 100: TXDW %llu ns after the write-back, expected "
		     "102400", (unsigned long long)d);
	d = txdw_delay(0, 100); /* TIDV set behind the driver's back, descriptors without IDE */
	cr_assert(!(a->txd_cmd & E1000_TXD_CMD_IDE), "tx-usecs 0: txd_cmd %#x, expected no IDE",
		  a->txd_cmd);
	cr_assert_eq(d, 0, "TIDV 100 without IDE: TXDW %llu ns after the write-back, expected 0",
		     (unsigned long long)d);
}
