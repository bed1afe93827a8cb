/* test_probe.c - every lab function is reached: a .so defining it alone is called in its modes. */
#include <dlfcn.h>

#include "helpers.h"

/*
 * For each function of the contract, build/tests/probes/<name>.so defines
 * that one function, counting its calls into probe_calls and then doing what
 * the reference does. The test loads it into a machine in each combination of
 * napi and batching modes, with LRO on and off, drives traffic that reaches
 * every path (TCP into sn1 plain and tagged, one frame the NIC flags TCPE, a
 * sender out of sn0, pings, a TX lockup for the watchdog, a close), and
 * asserts that the probe was called exactly where kit_driver_fn_used says the
 * function is used, and never where it says it is not.
 */

unsigned long probe_calls; /* the probes count here (-rdynamic exports it) */

TestSuite(probe, .timeout = 120);

static const char *const napi_w[] = { "none", "classic", "modern" };
static const char *const batch_w[] = { "none", "btx", "skb_blist", "xmit_more" };

static void gen(struct kit *k, struct net_device *dev, u64 count, u16 vlan)
{
	struct pktgen_cfg c;
	char err[256];

	pktgen_cfg_default(&c);
	c.count = count;
	c.proto = IPPROTO_TCP;
	c.len = 400;
	c.tcp_ts = true;
	c.flows = 2;
	c.vlan = vlan;
	cr_assert_eq(kit_pktgen(dev, &c, err, sizeof(err)), 0, "pktgen: %s", err);
}

static void idle(struct kit *k, const char *what)
{
	enum kit_stop why;

	kit_run(k, 5000000, 0, &why);
	cr_assert_eq(why, KIT_STOP_IDLE, "%s: the machine did not go idle", what);
}

/* Frames landed on sn1 with auto off, the second flagged TCPE, then one poll. */
static void corrupt_frame(struct kit *k, struct net_device *sn1, const char *what)
{
	struct simnic_adapter *a = netdev_priv(sn1);
	char err[256];

	kit_set_auto(k, false);
	gen(k, sn1, 4, 0);
	idle(k, what);
	a->rx_ring.desc[(a->rx_ring.next_to_clean + 1) % a->rx_ring.count].errors =
		E1000_RXD_ERR_TCPE;
	cr_assert_geq(kit_poll(sn1, 64, err, sizeof(err)), 0, "%s: kit_poll: %s", what, err);
	kit_set_auto(k, true);
	idle(k, what);
}

static void one_mode(size_t row, long napi, long batching, long lro)
{
	const char *name = simnic_lab_fns[row].name;
	struct kit *k = kit_new(3);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0"), *sn1 = kit_dev_by_name(k, "sn1");
	struct kit_pkt tx = { .len = 300, .proto = IPPROTO_TCP, .flow = 1 };
	char path[600], what[256], err[512];
	const char *b = getenv("RINGLAB_BUILD");
	bool used;

	snprintf(path, sizeof(path), "%s/tests/probes/%s.so", b ? b : "build", name);
	snprintf(what, sizeof(what), "%s alone, napi %s, batching %s, lro %ld", name,
		 napi_w[napi], batch_w[batching], lro);
	cr_assert_eq(kit_driver_load(k, path, err, sizeof(err)), 1, "%s: %s", what, err);
	cr_assert(kit_driver_fn_loaded(k, row), "%s: %s is not from the file", what, name);
	setp(k, NULL, "napi", napi);
	setp(k, NULL, "batching", batching);
	setp(k, NULL, "lro", lro);
	used = kit_driver_fn_used(k, row);
	probe_calls = 0;
	gen(k, sn1, 60, 0);
	gen(k, sn1, 20, 7);
	cr_assert_eq(kit_sender_start(sn0, &tx, 200), 0, "%s: the sender did not start", what);
	cr_assert_eq(kit_ping(sn0, kit_ipv4(192, 168, 0, 2), 3, err, sizeof(err)), 0,
		     "%s: ping: %s", what, err);
	idle(k, what);
	if (napi != SIMNIC_NONAPI)
		corrupt_frame(k, sn1, what);
	/* a TX lockup: completions raise nothing, the ring fills, the watchdog fires */
	setp(k, sn0, "bql", 0);
	setp(k, sn0, "fault_lockup", 1);
	kit_xmit_frames(sn0, &(struct kit_pkt){ .len = 60, .proto = IPPROTO_UDP }, 300);
	kit_run(k, 0, kit_now(k) + 20 * NSEC_PER_MSEC, NULL);
	cr_assert_geq(st(sn0, "tx_timeouts"), 1, "%s: no tx_timeout", what);
	/* and a close (the devices go down when the driver is switched) */
	cr_assert_geq(kit_driver_load(k, NULL, err, sizeof(err)), 0, "%s: %s", what, err);
	if (used)
		cr_assert_gt(probe_calls, 0, "%s: 0 calls, expected some (the mode uses it)", what);
	else
		cr_assert_eq(probe_calls, 0, "%s: %lu calls, but `driver` says NOT USED in this mode",
			     what, probe_calls);
	kit_free(k);
}

static void every_mode(const char *name)
{
	size_t row = simnic_lab_nfns;

	for (size_t i = 0; i < simnic_lab_nfns; i++)
		if (!strcmp(simnic_lab_fns[i].name, name))
			row = i;
	cr_assert_lt(row, simnic_lab_nfns, "%s is not in simnic_lab_fns", name);
	for (long napi = 0; napi < 3; napi++)
		for (long batching = 0; batching < 4; batching++)
			for (long lro = 0; lro < 2; lro++)
				if (lro || !batching)
					one_mode(row, napi, batching, lro);
}

#define PROBE(fn) \
	Test(probe, fn) { every_mode(#fn); }

PROBE(simnic_xmit_frame)
PROBE(simnic_tx_map)
PROBE(simnic_maybe_stop_tx)
PROBE(simnic_clean_tx_irq)
PROBE(simnic_tx_timeout)
PROBE(simnic_clean_tx_ring)
PROBE(simnic_prep_xmit)
PROBE(simnic_batch_xmit)
PROBE(simnic_xmit_frame_blist)
PROBE(simnic_xmit_frame_more)
PROBE(simnic_intr)
PROBE(simnic_intr_nonapi)
PROBE(simnic_poll_classic)
PROBE(simnic_poll)
PROBE(simnic_clean_rx_irq)
PROBE(simnic_alloc_rx_buffers)
PROBE(lro_receive_skb)
PROBE(lro_vlan_hwaccel_receive_skb)
PROBE(lro_flush_all)
PROBE(lro_flush_pkt)

/* The table above covers the whole contract. */
Test(probe, covers_the_contract)
{
	cr_assert_eq(simnic_lab_nfns, 20, "the contract has %zu functions, the probes cover 20",
		     simnic_lab_nfns);
}
