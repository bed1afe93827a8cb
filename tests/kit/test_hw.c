/* test_hw.c - the NIC model: line rate, ICR/IMS/ITR, coalescing, DMA checks, lazy stepping. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(hw, .timeout = 60);


static void gen(struct net_device *dev, u64 count, u64 rate)
{
	struct pktgen_cfg c;
	char err[256];

	pktgen_cfg_default(&c);
	c.count = count;
	c.rate_pps = rate;
	cr_assert_eq(kit_pktgen(dev, &c, err, sizeof(err)), 0, "pktgen: %s", err);
}

/* Time between the first and the last TX write-back of n back-to-back frames. */
static u64 tx_span(unsigned int len, u64 n)
{
	struct kit_pkt p = { .len = len, .proto = IPPROTO_UDP };
	u64 first = 0, last = 0;

	setp(k, NULL, "wire_peer", 0);
	setp(k, sn0, "tx_ring", 1024);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_netif_stop_queue(sn0);
	kit_xmit_frames(sn0, &p, n);
	setp(k, sn0, "batching", TX_BATCH_BTX); /* one doorbell: all posted at once */
	kit_netif_wake_queue(sn0);
	run_idle(k);
	for (size_t i = 0; i < log_.n; i++) {
		if (log_.r[i].type != TR_TX_DD)
			continue;
		if (!first)
			first = log_.r[i].t;
		last = log_.r[i].t;
	}
	cr_assert_eq(rec_count(&log_, TR_TX_DD, sn0->ifindex), n,
		     "%zu TX write-backs on sn0, expected %llu",
		     rec_count(&log_, TR_TX_DD, sn0->ifindex), (unsigned long long)n);
	return last - first;
}

Test(hw, line_rate_64_bytes, .init = setup, .fini = teardown)
{
	u64 span = tx_span(60, 1000);

	/* 84 byte times at 10 Gb/s = 67.2 ns per frame: 999 gaps = 67132.8 ns */
	cr_assert(span >= 67132 && span <= 67134, "999 frame gaps took %llu ns, expected 67132.8",
		  (unsigned long long)span);
}

Test(hw, line_rate_1514_bytes, .init = setup, .fini = teardown)
{
	u64 span = tx_span(1514, 101);

	/* 1538 byte times = 1230.4 ns per frame */
	cr_assert(span >= 123039 && span <= 123041, "100 frame gaps took %llu ns, expected 123040",
		  (unsigned long long)span);
}

Test(hw, icr_read_clears, .init = setup, .fini = teardown)
{
	struct nic *hw = sn1->nic;
	u32 icr;

	kit_set_auto(k, false);
	nic_write(hw, E1000_IMC, ~0u);
	gen(sn1, 1, 0);
	run_idle(k);
	cr_assert_eq(snap(sn1)->icr & E1000_ICR_RXT0, E1000_ICR_RXT0,
		     "ICR = %#x, expected RXT0 (%#x) pending", snap(sn1)->icr, E1000_ICR_RXT0);
	icr = nic_read(hw, E1000_ICR); /* the read clears ICR: read it once */
	cr_assert_eq(icr & E1000_ICR_RXT0, E1000_ICR_RXT0,
		     "reading ICR returned %#x, expected RXT0 (%#x) set", icr, E1000_ICR_RXT0);
	cr_assert_eq(snap(sn1)->icr, 0, "ICR = %#x after a read, expected 0", snap(sn1)->icr);
	icr = nic_read(hw, E1000_ICR);
	cr_assert_eq(icr, 0, "a second read of ICR returned %#x, expected 0", icr);
}

Test(hw, masked_cause_waits_then_fires_on_unmask, .init = setup, .fini = teardown)
{
	struct nic *hw = sn1->nic;

	nic_write(hw, E1000_IMC, E1000_IMS_RX);
	gen(sn1, 3, 0);
	run_idle(k);
	cr_assert_eq(st(sn1, "irqs"), 0, "%llu interrupts while masked, expected 0",
		     (unsigned long long)st(sn1, "irqs"));
	cr_assert(snap(sn1)->icr & E1000_ICR_RXT0,
		  "ICR = %#x while masked, expected the cause RXT0 (%#x) to wait in it",
		  snap(sn1)->icr, E1000_ICR_RXT0);
	nic_write(hw, E1000_IMS, E1000_IMS_RX);
	cr_assert_eq(st(sn1, "irqs"), 1,
		     "%llu interrupts on unmasking a pending cause, expected 1 at once",
		     (unsigned long long)st(sn1, "irqs"));
	run_idle(k);
	cr_assert_eq(st(sn1, "rx_packets"), 3, "rx_packets = %llu, expected 3",
		     (unsigned long long)st(sn1, "rx_packets"));
}

Test(hw, itr_throttles, .init = setup, .fini = teardown)
{
	setp(k, sn1, "napi", SIMNIC_NONAPI);
	setp(k, sn1, "itr", 25600); /* at most one interrupt per 25.6 us */
	gen(sn1, 200, 200000);	    /* a frame every 5 us for 1 ms */
	run_idle(k);
	cr_assert_leq(st(sn1, "irqs"), 1000000 / 25600 + 2,
		      "%llu interrupts in 1 ms with ITR 25.6 us, expected at most %d",
		      (unsigned long long)st(sn1, "irqs"), 1000000 / 25600 + 2);
	cr_assert_geq(st(sn1, "irqs"), 1000000 / 25600 - 2,
		      "%llu interrupts in 1 ms with ITR 25.6 us, expected at least %d",
		      (unsigned long long)st(sn1, "irqs"), 1000000 / 25600 - 2);
	cr_assert_eq(st(sn1, "rx_packets"), 200, "rx_packets = %llu, expected 200",
		     (unsigned long long)st(sn1, "rx_packets"));
}

Test(hw, rx_usecs_delays_the_interrupt, .init = setup, .fini = teardown)
{
	u64 first_dma = 0, first_irq = 0;

	setp(k, sn1, "rx_usecs", 50);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	gen(sn1, 1, 0);
	run_idle(k);
	for (size_t i = 0; i < log_.n; i++) {
		if (log_.r[i].type == TR_RX_DMA && !first_dma)
			first_dma = log_.r[i].t;
		if (log_.r[i].type == TR_IRQ && !first_irq)
			first_irq = log_.r[i].t;
	}
	/* RDTR counts 1.024 us units: 50 us rounds up to 49 units = 50.176 us */
	cr_assert(first_irq - first_dma >= 50000 && first_irq - first_dma <= 51200,
		  "interrupt %llu ns after the frame, expected about 50 us",
		  (unsigned long long)(first_irq - first_dma));
}

Test(hw, rx_frames_counts_frames, .init = setup, .fini = teardown)
{
	setp(k, sn1, "napi", SIMNIC_NONAPI);
	setp(k, sn1, "rx_frames", 8);
	setp(k, sn1, "rx_usecs", 1000); /* the timer only catches the remainder */
	gen(sn1, 64, 100000); /* slow enough that each interrupt finds only its 8 */
	run_idle(k);
	cr_assert_eq(st(sn1, "irqs"), 64 / 8, "%llu interrupts for 64 frames at rx_frames 8",
		     (unsigned long long)st(sn1, "irqs"));
}

Test(hw, dma_fault_on_a_bad_address, .init = setup, .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn0);
	unsigned int i = a->tx_ring.next_to_use;

	a->tx_ring.desc[i].buffer_addr = 0x1000; /* not memory the kit handed out */
	a->tx_ring.desc[i].lower.flags.length = 60;
	a->tx_ring.desc[i].lower.flags.cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS;
	nic_write(sn0->nic, E1000_TDT, i + 1);
	run_idle(k);
	cr_assert_geq(kit_rule_count(k, RULE_DMA_FAULT), 1,
		      "%llu DMA faults reported, expected at least 1",
		      (unsigned long long)kit_rule_count(k, RULE_DMA_FAULT));
	cr_assert_eq(st(sn0, "hw_tx_frames"), 0,
		     "the NIC sent %llu frames from a bad address, expected 0",
		     (unsigned long long)st(sn0, "hw_tx_frames"));
}

Test(hw, tail_past_head_is_refused, .init = setup, .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn0);

	kit_set_auto(k, false);
	setp(k, sn0, "fault_dd_delay", 1000000000); /* nothing completes: TDH stays */
	/* post a whole ring's worth at once: TDT would come round past TDH */
	nic_write(sn0->nic, E1000_TDT, a->tx_ring.count - 1);
	nic_write(sn0->nic, E1000_TDT, 0);
	cr_assert_eq(kit_rule_count(k, RULE_DESC_OVERWRITE), 1,
		     "%llu descriptor-overwrite BUGs for a tail past the head, expected 1",
		     (unsigned long long)kit_rule_count(k, RULE_DESC_OVERWRITE));
}

Test(hw, lockup_loses_tx_interrupts, .init = setup, .fini = teardown)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	struct dev_snap *s;

	setp(k, sn0, "fault_lockup", 1); /* every TX interrupt is lost */
	setp(k, sn0, "bql", 0);		 /* the ring fills (with BQL the byte limit stops first) */
	setp(k, sn0, "tx_ring", 16);
	kit_xmit_frames(sn0, &p, 30);
	kit_run(k, 0, 20 * 1000 * 1000, NULL);
	cr_assert_gt(st(sn0, "irqs_lost"), 0, "irqs_lost = %llu with fault_lockup, expected > 0",
		     (unsigned long long)st(sn0, "irqs_lost"));
	cr_assert_geq(st(sn0, "tx_timeouts"), 1,
		      "tx_timeouts = %llu, expected >= 1: the watchdog should rescue the queue",
		      (unsigned long long)st(sn0, "tx_timeouts"));
	/* after the reset the ring works again: every frame went out */
	cr_assert_eq(st(sn0, "hw_tx_frames"), 30, "the NIC sent %llu of 30 frames",
		     (unsigned long long)st(sn0, "hw_tx_frames"));
	cr_assert_eq(kit_rule_count(k, RULE_DESC_OVERWRITE), 0,
		     "%llu descriptor-overwrite BUGs after the reset, expected 0",
		     (unsigned long long)kit_rule_count(k, RULE_DESC_OVERWRITE));
	/* no TX interrupt ever came: nothing was reclaimed; the reset (e1000_clean_tx_ring)
	 * freed the first ringful uncounted, the second waits done on the ring */
	s = snap(sn0);
	cr_assert_eq(st(sn0, "tx_packets"), 0, "tx_packets = %llu, expected 0 without a TX "
		     "interrupt", (unsigned long long)st(sn0, "tx_packets"));
	cr_assert_eq(s->tx.n[SLOT_DONE], 15, "%u done descriptors wait, expected the second 15",
		     s->tx.n[SLOT_DONE]);
	check_clean(k);
}

/* The same scenario with each write-back its own step, and with the
 * hardware catching up at interrupts: the machine must end the same. */
static void scenario(struct kit *m, bool hw_steps, struct kit_snap *s, u64 *stats)
{
	struct net_device *d0 = kit_dev_by_name(m, "sn0"), *d1 = kit_dev_by_name(m, "sn1");
	struct kit_pkt p = { .len = 300, .proto = IPPROTO_TCP };
	struct pktgen_cfg c;
	char err[256];

	kit_set_hw_steps(m, hw_steps);
	kit_param_set(m, d0, kit_param_find("tx_ring"), 32, err, sizeof(err));
	kit_param_set(m, d1, kit_param_find("rx_usecs"), 20, err, sizeof(err));
	pktgen_cfg_default(&c);
	c.count = 300;
	c.rate_pps = 300000;
	c.proto = IPPROTO_TCP;
	c.len = 800;
	kit_pktgen(d1, &c, err, sizeof(err));
	kit_xmit_frames(d0, &p, 150);
	kit_run(m, 0, 0, NULL);
	kit_snapshot(m, s);
	for (int i = 0; i < kit_stat_count(); i++)
		stats[i] = kit_dev_stat(d0, i) * 1000003 + kit_dev_stat(d1, i);
}

Test(hw, hw_steps_on_and_off_agree)
{
	struct kit *a = kit_new(5), *b = kit_new(5);
	struct kit_snap sa, sb;
	u64 xa[64], xb[64];
	size_t d;

	cr_assert_leq(kit_stat_count(), 64, "%d counters, expected at most 64 (the arrays here)",
		      kit_stat_count());
	scenario(a, true, &sa, xa);
	scenario(b, false, &sb, xb);
	cr_assert_geq(sa.steps, sb.steps, "hardware steps cannot remove steps (%llu vs %llu)",
		      (unsigned long long)sa.steps, (unsigned long long)sb.steps);
	for (int i = 0; i < kit_stat_count(); i++)
		cr_assert_eq(xa[i], xb[i], "counter %s: %llu with hardware steps, %llu without",
			     kit_stat_at(i)->name, (unsigned long long)xa[i],
			     (unsigned long long)xb[i]);
	cr_assert_eq(sa.app_bytes, sb.app_bytes, "app bytes %llu vs %llu",
		     (unsigned long long)sa.app_bytes, (unsigned long long)sb.app_bytes);
	d = first_diff(sa.cpu_ns, sb.cpu_ns, ARRAY_SIZE(sa.cpu_ns));
	cr_assert(!memcmp(sa.cpu_ns, sb.cpu_ns, sizeof(sa.cpu_ns)),
		  "CPU time differs: context %zu busy %llu ns with hardware steps, %llu without", d,
		  (unsigned long long)sa.cpu_ns[d], (unsigned long long)sb.cpu_ns[d]);
	d = first_diff(sa.cost_count, sb.cost_count, ARRAY_SIZE(sa.cost_count));
	cr_assert(!memcmp(sa.cost_count, sb.cost_count, sizeof(sa.cost_count)),
		  "costs differ: cost %zu charged %llu times with hardware steps, %llu without", d,
		  (unsigned long long)sa.cost_count[d], (unsigned long long)sb.cost_count[d]);
	kit_free(a);
	kit_free(b);
}

/*
 * A TX train at 1514 bytes with ITR 20 us: write-backs come every 1.23 us,
 * and after the first one TXDW waits in ICR for the line. With hardware
 * steps off, those later write-backs raise nothing the CPU could notice, so
 * the idle CPU is woken at the line, not at each of them. The machine must
 * be the same as with every write-back a step: every trace record (its time,
 * type, device and arguments) and every counter.
 */
static void itr_train(struct kit *m, bool hw_steps, struct rec_log *l, u64 *stats)
{
	struct net_device *d0 = kit_dev_by_name(m, "sn0");
	struct kit_pkt p = { .len = 1514, .proto = IPPROTO_UDP };
	char err[256];

	kit_set_hw_steps(m, hw_steps);
	cr_assert_eq(kit_param_set(m, NULL, kit_param_find("wire_peer"), 0, err, sizeof(err)), 0,
		     "wire_peer 0: %s", err);
	cr_assert_eq(kit_param_set(m, d0, kit_param_find("itr"), 20000, err, sizeof(err)), 0,
		     "itr 20000: %s", err);
	kit_trace_subscribe(m, rec_log_cb, l);
	kit_xmit_frames(d0, &p, 400);
	kit_run(m, 0, 0, NULL);
	for (int i = 0; i < kit_stat_count(); i++)
		stats[i] = kit_dev_stat(d0, i);
}

Test(hw, a_write_back_with_txdw_in_icr_wakes_nobody)
{
	struct kit *a = kit_new(3), *b = kit_new(3);
	struct rec_log la = { 0 }, lb = { 0 };
	struct kit_snap sb;
	u64 xa[64], xb[64], dd;

	itr_train(a, true, &la, xa);
	itr_train(b, false, &lb, xb);
	dd = rec_count(&la, TR_TX_DD, -1);
	cr_assert_geq(dd, 400, "%llu TX write-backs, expected at least 400", (unsigned long long)dd);
	cr_assert_eq(la.n, lb.n, "%zu trace records with hardware steps, %zu without", la.n, lb.n);
	for (size_t i = 0; i < la.n; i++) {
		const struct trace_rec *x = &la.r[i], *y = &lb.r[i];

		cr_assert(x->t == y->t && x->type == y->type && x->dev == y->dev &&
				  x->ctx == y->ctx && x->a == y->a && x->b == y->b && x->c == y->c &&
				  x->d == y->d,
			  "record %zu: type %u at %llu with hardware steps, type %u at %llu without", i,
			  x->type, (unsigned long long)x->t, y->type, (unsigned long long)y->t);
	}
	for (int i = 0; i < kit_stat_count(); i++)
		cr_assert_eq(xa[i], xb[i], "counter %s: %llu with hardware steps, %llu without",
			     kit_stat_at(i)->name, (unsigned long long)xa[i],
			     (unsigned long long)xb[i]);
	cr_assert_eq(kit_now(a), kit_now(b), "the run ended at %llu with hardware steps, %llu without",
		     (unsigned long long)kit_now(a), (unsigned long long)kit_now(b));
	kit_snapshot(b, &sb);
	/* about 16 write-backs per line: a step for each would be more than dd / 2 */
	cr_assert_lt(sb.steps, dd / 2,
		     "%llu steps without hardware steps for %llu write-backs, expected fewer than %llu",
		     (unsigned long long)sb.steps, (unsigned long long)dd,
		     (unsigned long long)(dd / 2));
	kit_free(a);
	kit_free(b);
	free(la.r);
	free(lb.r);
}
