/* test_gro_e2e.c - GRO through the reference driver: pktgen flows and the Linux capture reach the sink whole. */
#include <criterion/criterion.h>

#include "helpers.h"

TestSuite(gro_e2e, .timeout = 60);

struct result {
	u64 rx_stack, bytes, segments, packets, errors, merged, flushed, held_after;
};

static struct result pktgen_run(bool gro, bool lro, u32 flows, u32 faults)
{
	struct kit *k = kit_new(7);
	struct net_device *d = kit_dev_by_name(k, "sn1");
	struct simnic_adapter *a = netdev_priv(d);
	struct pktgen_cfg c;
	struct result r = { 0 };
	char err[256];

	setp(k, d, "lro", lro);
	setp(k, d, "gro", gro);
	setp(k, d, "rx_usecs", 50); /* bursts per poll, as with LRO */
	pktgen_cfg_default(&c);
	c.count = 2000;
	c.proto = IPPROTO_TCP;
	c.len = 1514;
	c.flows = flows;
	c.tcp_ts = false; /* pktgen moves tsval every segment: GRO would merge none */
	c.faults = faults;
	c.fault_every = faults ? 7 : 0;
	cr_assert_eq(kit_pktgen(d, &c, err, sizeof(err)), 0, "%s", err);
	run_idle(k);
	r.rx_stack = st(d, "rx_stack");
	for (int i = 0; i < kit_flow_count(k); i++) {
		struct kit_flow_stat f;

		kit_flow_at(k, i, &f);
		r.bytes += f.bytes;
		r.segments += f.segments;
		r.packets += f.packets;
		r.errors += f.errors;
		cr_assert(f.checked, "flow %d's bytes were not checked", i);
	}
	r.merged = a->napi.gro_stats.merged;
	r.flushed = a->napi.gro_stats.flushed;
	r.held_after = napi_gro_held(&a->napi) + skb_queue_len(&a->napi.rx_list);
	check_clean(k);
	kit_free(k);
	return r;
}

Test(gro_e2e, stream_intact_through_the_reference_poll)
{
	struct result off = pktgen_run(false, false, 3, 0), on = pktgen_run(true, false, 3, 0);
	u64 want = 2000ull * (1514 - 14 - 20 - 20);

	cr_assert_eq(off.bytes, want, "GRO off: the sink got %llu bytes, expected %llu",
		     (unsigned long long)off.bytes, (unsigned long long)want);
	cr_assert_eq(on.bytes, want, "GRO on: the sink got %llu bytes, expected %llu",
		     (unsigned long long)on.bytes, (unsigned long long)want);
	cr_assert_eq(on.errors, 0, "GRO on: %llu stream errors", (unsigned long long)on.errors);
	cr_assert_eq(on.segments, 2000, "GRO on: the sink counted %llu segments, expected 2000",
		     (unsigned long long)on.segments);
	cr_assert_eq(off.rx_stack, 2000, "GRO off passed %llu skbs up, expected 2000",
		     (unsigned long long)off.rx_stack);
	cr_assert_lt(on.rx_stack * 2, off.rx_stack, "GRO on passed %llu skbs up, GRO off %llu",
		     (unsigned long long)on.rx_stack, (unsigned long long)off.rx_stack);
	cr_assert_eq(on.merged + on.flushed, 2000, "merged %llu + completed %llu != 2000 segments",
		     (unsigned long long)on.merged, (unsigned long long)on.flushed);
	cr_assert_eq(on.held_after, 0, "%llu skbs still held by GRO when idle",
		     (unsigned long long)on.held_after);
}

Test(gro_e2e, psh_faults_gro_passes_more_up_than_lro)
{
	struct result gro = pktgen_run(true, false, 1, PKTGEN_F_PSH);
	struct result lro = pktgen_run(false, true, 1, PKTGEN_F_PSH);

	cr_assert_eq(gro.errors + lro.errors, 0, "stream errors: GRO %llu, LRO %llu",
		     (unsigned long long)gro.errors, (unsigned long long)lro.errors);
	cr_assert_eq(gro.bytes, lro.bytes, "GRO delivered %llu bytes, LRO %llu",
		     (unsigned long long)gro.bytes, (unsigned long long)lro.bytes);
	/* a PSH every 7 segments ends every GRO packet there; LRO aggregates across */
	cr_assert_gt(gro.packets, lro.packets, "GRO passed %llu skbs up, LRO %llu: PSH made no "
		     "difference", (unsigned long long)gro.packets, (unsigned long long)lro.packets);
	cr_assert_geq(gro.packets, 2000 / 7, "GRO passed %llu skbs up, at least %u PSH ends",
		      (unsigned long long)gro.packets, 2000 / 7);
}

Test(gro_e2e, linux_capture_through_gro)
{
	struct kit *k = kit_new(1);
	struct net_device *d = kit_dev_by_name(k, "sn1");
	struct simnic_adapter *a = netdev_priv(d);
	char err[512];
	u64 bytes = 0, errors = 0;
	int n;

	kit_set_hw_steps(k, false);
	setp(k, d, "gro", 1);
	setp(k, d, "rx_usecs", 100);
	kit_flow_expect(k, kit_ipv4(10, 77, 0, 1), kit_ipv4(10, 77, 0, 2), 42164, 5001, IPPROTO_TCP,
			0);
	n = kit_pktgen_pcap(d, "tests/data/linux-tcp-bulk-512k.pcap", 800000, err, sizeof(err));
	cr_assert_eq(n, 574, "replayed %d frames: %s", n, err);
	kit_run(k, 0, 0, NULL);
	for (int i = 0; i < kit_flow_count(k); i++) {
		struct kit_flow_stat f;

		kit_flow_at(k, i, &f);
		if (f.checked) {
			bytes = f.bytes;
			errors = f.errors;
		}
	}
	cr_assert_eq(bytes, 524288, "the sink got %llu bytes, expected 524288",
		     (unsigned long long)bytes);
	cr_assert_eq(errors, 0, "%llu stream errors", (unsigned long long)errors);
	cr_assert_gt(a->napi.gro_stats.merged, 200, "GRO merged only %llu of 363 data segments",
		     (unsigned long long)a->napi.gro_stats.merged);
	cr_assert_lt(st(d, "rx_stack"), 574 - 200, "GRO passed %llu of 574 frames up",
		     (unsigned long long)st(d, "rx_stack"));
	check_clean(k);
	kit_free(k);
}
