/* test_pkttmpl_e2e.c - pktgen's and the sender's template frames arrive whole at the stack. */
#include "helpers.h"

/*
 * pktgen makes its unfaulted frames from the run's template and its faulted
 * ones from scratch; the kit's TX path makes every frame of a kit_pkt from
 * one template. Whatever the mix, the receiver must count every frame, no
 * checksum error (the IP header always, TCP/UDP in the stack or the NIC) and
 * no byte of any flow differing from the pattern.
 */

TestSuite(pkttmpl_e2e, .timeout = 60);

struct run {
	const char *what;
	u8 proto;
	unsigned int len, flows;
	bool tcp_ts;
	u16 vlan;
	u32 faults, every;
};

static void run_idle_k(struct kit *m)
{
	enum kit_stop why;
	u64 n = kit_run(m, 20000000, 0, &why);

	cr_assert_eq(why, KIT_STOP_IDLE, "the machine did not go idle in %llu steps",
		     (unsigned long long)n);
}

static void flows_clean(struct kit *m, const char *what, u64 want_segments)
{
	u64 segments = 0;

	for (int i = 0; i < kit_flow_count(m); i++) {
		struct kit_flow_stat f;

		cr_assert_eq(kit_flow_at(m, i, &f), 0, "%s: no flow %d", what, i);
		cr_assert_eq(f.csum_errors, 0, "%s: flow %d has %llu checksum errors, expected 0",
			     what, i, (unsigned long long)f.csum_errors);
		cr_assert_eq(f.errors, 0, "%s: flow %d has %llu stream errors, expected 0", what, i,
			     (unsigned long long)f.errors);
		cr_assert(f.checked, "%s: flow %d was not checked byte for byte", what, i);
		segments += f.segments;
	}
	cr_assert_eq(segments, want_segments, "%s: the flows saw %llu segments, expected %llu",
		     what, (unsigned long long)segments, (unsigned long long)want_segments);
}

Test(pkttmpl_e2e, pktgen_frames_with_and_without_faults)
{
	static const struct run runs[] = {
		{ "udp 60", IPPROTO_UDP, 60, 3, false, 0, 0, 0 },
		{ "udp 61 vlan", IPPROTO_UDP, 61, 2, false, 7, 0, 0 },
		{ "udp 1514 ipopt+ce", IPPROTO_UDP, 1514, 2, false, 0,
		  PKTGEN_F_IPOPT | PKTGEN_F_CE, 4 },
		{ "tcp 1514 ts", IPPROTO_TCP, 1514, 3, true, 0, PKTGEN_F_PSH | PKTGEN_F_IPOPT, 5 },
		{ "tcp 67 vlan", IPPROTO_TCP, 67, 1, false, 12, PKTGEN_F_CE, 3 },
		{ "icmp 98", IPPROTO_ICMP, 98, 2, false, 0, 0, 0 },
	};

	for (size_t r = 0; r < ARRAY_SIZE(runs); r++) {
		const struct run *u = &runs[r];
		struct kit *m = kit_new(1);
		struct net_device *d1;
		struct pktgen_cfg c;
		char err[256];
		u64 got, bad;

		cr_assert_not_null(m, "kit_new(1) returned NULL, expected a machine");
		d1 = kit_dev_by_name(m, "sn1");
		pktgen_cfg_default(&c);
		c.count = 300;
		c.rate_pps = 100000; /* well under what the driver takes: none missed */
		c.proto = u->proto;
		c.len = u->len;
		c.flows = u->flows;
		c.tcp_ts = u->tcp_ts;
		c.vlan = u->vlan;
		c.faults = u->faults;
		c.fault_every = u->every;
		cr_assert_eq(kit_pktgen(d1, &c, err, sizeof(err)), 0, "%s: pktgen: %s", u->what, err);
		run_idle_k(m);
		got = kit_dev_stat(d1, kit_stat_find("rx_packets"));
		bad = kit_dev_stat(d1, kit_stat_find("rx_csum_errors"));
		cr_assert_eq(got, 300, "%s: rx_packets %llu, expected 300", u->what,
			     (unsigned long long)got);
		cr_assert_eq(bad, 0, "%s: rx_csum_errors %llu, expected 0", u->what,
			     (unsigned long long)bad);
		if (u->proto != IPPROTO_ICMP)
			flows_clean(m, u->what, 300);
		kit_free(m);
	}
}

/* The kit's sender across bursts and dev_queue_xmit's kit_pkt, through the wire to sn1. */
Test(pkttmpl_e2e, sent_frames_of_one_template)
{
	static const struct kit_pkt pkts[] = {
		{ .len = 60, .proto = IPPROTO_UDP, .flow = 1 },
		{ .len = 1514, .proto = IPPROTO_TCP, .flow = 2 },
		{ .len = 101, .proto = IPPROTO_TCP, .flow = 3, .seq = 0xfffff000u, .seq_set = true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(pkts); i++) {
		struct kit *m = kit_new(1);
		struct net_device *d0, *d1;
		char what[64];
		u64 got, bad;

		cr_assert_not_null(m, "kit_new(1) returned NULL, expected a machine");
		d0 = kit_dev_by_name(m, "sn0");
		d1 = kit_dev_by_name(m, "sn1");
		snprintf(what, sizeof(what), "kit_pkt %zu (len %u)", i, pkts[i].len);
		cr_assert_eq(kit_sender_start(d0, &pkts[i], 200), 0, "%s: the sender did not start",
			     what);
		run_idle_k(m);
		got = kit_dev_stat(d1, kit_stat_find("rx_packets"));
		bad = kit_dev_stat(d1, kit_stat_find("rx_csum_errors"));
		cr_assert_eq(got, 200, "%s: sn1 rx_packets %llu, expected 200", what,
			     (unsigned long long)got);
		cr_assert_eq(bad, 0, "%s: rx_csum_errors %llu, expected 0", what,
			     (unsigned long long)bad);
		flows_clean(m, what, 200);
		kit_free(m);
	}
}
