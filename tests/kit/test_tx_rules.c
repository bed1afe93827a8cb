/* test_tx_rules.c - e1000's stop/wake rules under a real race, the wake's conditions, the core's limits. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(tx_rules, .timeout = 30);

static const struct kit_pkt udp60 = { .len = 60, .proto = IPPROTO_UDP };

/*
 * The race, deterministically: a 16-slot ring full of frames the NIC has
 * finished, the TX interrupt held back by ITR, the queue stopped; then a
 * false wake (netif_wake_queue with the ring still full, which the modern
 * netif_txq helpers allow) sends the core back into xmit, which finds the
 * ring full on entry and stops. race_tx_reclaim plays another CPU's reclaim
 * in the gap before that stop: it frees every slot and, the queue not being
 * stopped yet, wakes nothing. Only the stopper's re-check, seeing the
 * reclaim's next_to_clean, keeps the queue from staying stopped on an empty
 * ring until the watchdog.
 */
/* A full ring of finished frames, stopped, the next interrupt held back by
 * ITR (one has just been taken): nothing reclaims them for 1 ms. */
static void full_of_done(void)
{
	setp(k, sn0, "bql", 0);
	setp(k, sn0, "tx_ring", 16);
	setp(k, sn0, "itr", 1000000);
	kit_xmit_frames(sn0, &udp60, 1);
	run_idle(k); /* its interrupt: the next one may come 1 ms later */
	kit_xmit_frames(sn0, &udp60, 40);
	cr_assert(snap(sn0)->queue_stopped && snap(sn0)->tx.n[SLOT_DONE] == 15,
		  "set-up: queue %s with %u done slots, expected stopped with 15",
		  snap(sn0)->queue_stopped ? "stopped" : "running", snap(sn0)->tx.n[SLOT_DONE]);
}

static void race_scenario(void)
{
	full_of_done();
	setp(k, sn0, "race_tx_reclaim", 1);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_netif_wake_queue(sn0);
	kit_run(k, 0, kit_now(k) + 20 * NSEC_PER_MSEC, NULL);
}

static const struct trace_rec *race_done(void)
{
	for (size_t i = 0; i < log_.n; i++)
		if (log_.r[i].type == TR_RACE && log_.r[i].a == 1)
			return &log_.r[i];
	cr_assert_fail("no race_tx_reclaim record: the knob never fired");
	return NULL;
}

Test(tx_rules, recheck_after_stop_is_a_reprieve, .init = setup, .fini = teardown)
{
	const struct trace_rec *r;

	race_scenario();
	r = race_done();
	cr_assert_eq(r->b, r->c, "next_to_clean %u stored, %u seen by the transmit side: the "
		     "reference reclaim publishes it with smp_mb()", r->b, r->c);
	cr_assert_geq(st(sn0, "restart_queue"), 1, "restart_queue = %llu, expected the re-check's "
		      "reprieve", (unsigned long long)st(sn0, "restart_queue"));
	cr_assert_geq(rec_count(&log_, TR_QUEUE_START, sn0->ifindex), 1,
		      "no netif_start_queue after the stop, expected the reprieve");
	cr_assert_eq(st(sn0, "tx_busy"), 0, "NETDEV_TX_BUSY %llu times, expected 0",
		     (unsigned long long)st(sn0, "tx_busy"));
	cr_assert_eq(st(sn0, "tx_timeouts"), 0, "tx_timeouts = %llu, expected 0: the queue never hung",
		     (unsigned long long)st(sn0, "tx_timeouts"));
	cr_assert_eq(flow(k, 0).packets, 41, "sn1 got %llu of 41", (unsigned long long)flow(k, 0).packets);
	check_clean(k);
}

static void race_with(const char *driver)
{
	char err[512];

	cr_assert_geq(kit_driver_load(k, test_driver(driver), err, sizeof(err)), 1, "%s", err);
	race_scenario();
}

/* Without the re-check the stopper never sees the reclaim: stopped on an
 * empty ring, no completion left to wake it, until the watchdog. */
Test(tx_rules, no_recheck_hangs_until_the_watchdog, .init = setup, .fini = teardown)
{
	race_with("no_recheck");
	cr_assert_eq(st(sn0, "tx_timeouts"), 1, "tx_timeouts = %llu, expected 1: the lost wake-up",
		     (unsigned long long)st(sn0, "tx_timeouts"));
	cr_assert_eq(flow(k, 0).packets, 41, "sn1 got %llu of 41 after the reset",
		     (unsigned long long)flow(k, 0).packets);
}

/* A reclaim that reads the stopped bit before its barrier (the kit's old
 * order) leaves next_to_clean unpublished: the re-check sees the full ring. */
Test(tx_rules, wake_test_before_barrier_hangs, .init = setup, .fini = teardown)
{
	const struct trace_rec *r;

	race_with("wake_early");
	r = race_done();
	cr_assert_neq(r->b, r->c, "next_to_clean %u visible at once, expected the early read to "
		      "leave it unpublished", r->b);
	cr_assert_eq(st(sn0, "tx_timeouts"), 1, "tx_timeouts = %llu, expected 1: the lost wake-up",
		     (unsigned long long)st(sn0, "tx_timeouts"));
}

/* The same knob and script give the same interleaving, record for record. */
Test(tx_rules, the_race_is_deterministic, .init = setup, .fini = teardown)
{
	struct rec_log first;
	u64 t;

	race_scenario();
	first = log_;
	log_ = (struct rec_log){ 0 }; /* keep the first run's records through the teardown */
	t = kit_now(k);
	teardown();
	setup();
	race_scenario();
	cr_assert_eq(log_.n, first.n, "%zu records, then %zu", first.n, log_.n);
	for (size_t i = 0; i < log_.n; i++)
		cr_assert(!memcmp(&log_.r[i], &first.r[i], sizeof(log_.r[i])), "record %zu differs", i);
	cr_assert_eq(kit_now(k), t, "ended at %llu ns, then %llu", (unsigned long long)t,
		     (unsigned long long)kit_now(k));
	free(first.r);
}

/* ---- the wake's own conditions (e1000_clean_tx_irq) ---------------------- */

static void reclaim(void *arg)
{
	struct net_device *dev = arg;

	simnic_clean_tx_irq(netdev_priv(dev));
}

Test(tx_rules, no_wake_without_carrier, .init = setup, .fini = teardown)
{
	full_of_done();
	netif_carrier_off(sn0);
	kit_run_softirq(k, reclaim, sn0);
	cr_assert_eq(snap(sn0)->tx.n[SLOT_DONE], 0, "%u done slots left, expected all reclaimed",
		     snap(sn0)->tx.n[SLOT_DONE]);
	cr_assert(snap(sn0)->queue_stopped, "woken with the carrier off");
	netif_carrier_on(sn0);
}

Test(tx_rules, no_wake_without_cleaning_anything, .init = setup, .fini = teardown)
{
	kit_netif_stop_queue(sn0); /* an empty ring, stopped by hand */
	kit_run_softirq(k, reclaim, sn0);
	cr_assert(snap(sn0)->queue_stopped, "woken by a reclaim that cleaned nothing (count 0)");
	cr_assert_eq(st(sn0, "restart_queue"), 0, "restart_queue %llu, expected 0",
		     (unsigned long long)st(sn0, "restart_queue"));
}

Test(tx_rules, no_wake_while_going_down, .init = setup, .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn0);

	full_of_done();
	set_bit(__SIMNIC_DOWN, &a->flags);
	kit_run_softirq(k, reclaim, sn0);
	cr_assert(snap(sn0)->queue_stopped, "woken while __SIMNIC_DOWN was set");
	clear_bit(__SIMNIC_DOWN, &a->flags);
	kit_run_softirq(k, reclaim, sn0); /* nothing left to clean: still no wake */
	cr_assert(snap(sn0)->queue_stopped, "woken by a reclaim of nothing");
}

Test(tx_rules, wake_counts_restart_queue, .init = setup, .fini = teardown)
{
	full_of_done();
	kit_run_softirq(k, reclaim, sn0);
	cr_assert(!snap(sn0)->queue_stopped, "still stopped after reclaiming 15 of 16 slots");
	cr_assert_eq(st(sn0, "restart_queue"), 1, "restart_queue %llu after the wake, expected 1 "
		     "(e1000 counts its wakes there)", (unsigned long long)st(sn0, "restart_queue"));
	cr_assert_eq(snap(sn0)->xmit_win, 15, "xmit_win %d after the wake, expected the free 15",
		     snap(sn0)->xmit_win);
}

/* ---- the core ---------------------------------------------------------------- */

/* One qdisc run hands over at most dev_tx_weight packets, then yields to NET_TX. */
Test(tx_rules, dev_tx_weight_bounds_a_qdisc_run, .init = setup, .fini = teardown)
{
	int calls;

	setp(k, sn0, "bql", 0);
	setp(k, NULL, "dev_tx_weight", 8);
	kit_netif_stop_queue(sn0);
	kit_xmit_frames(sn0, &udp60, 40);
	kit_set_auto(k, false);
	kit_netif_start_queue(sn0);
	calls = kit_qdisc_run(sn0);
	cr_assert_eq(calls, 8, "%d driver calls in one qdisc run, expected dev_tx_weight 8", calls);
	cr_assert_eq(snap(sn0)->qdisc_len, 32, "qdisc holds %u, expected 32", snap(sn0)->qdisc_len);
	kit_set_auto(k, true);
	run_idle(k);
	cr_assert_eq(flow(k, 0).packets, 40, "sn1 got %llu of 40 (NET_TX should have carried on)",
		     (unsigned long long)flow(k, 0).packets);
}

/* The reference calls the other xmit functions through adapter->ops: a
 * driver that only replaces simnic_tx_map has it used in every mode. */
Test(tx_rules, tx_map_is_called_through_ops_in_every_mode, .init = setup, .fini = teardown)
{
	static const char *const modes[] = { "none", "btx", "skb_blist", "xmit_more" };
	char err[512];

	cr_assert_geq(kit_driver_load(k, test_driver("map_refuses"), err, sizeof(err)), 1, "%s", err);
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		long mode;
		u64 busy = st(sn0, "tx_busy");

		kit_param_parse_word(kit_param_find("batching"), modes[i], &mode);
		setp(k, sn0, "batching", mode);
		kit_xmit_frames(sn0, &udp60, 4);
		kit_run(k, 200, 0, NULL);
		cr_assert_eq(st(sn0, "hw_tx_frames"), 0, "batching %s: %llu frames on the wire, expected "
			     "none (the loaded tx_map refuses all)", modes[i],
			     (unsigned long long)st(sn0, "hw_tx_frames"));
		cr_assert_gt(st(sn0, "tx_busy"), busy, "batching %s: no NETDEV_TX_BUSY, expected the "
			     "refusing tx_map to be the one called", modes[i]);
	}
}

/* ---- hard_prep_xmit's drop path --------------------------------------------- */

/* A runt whose buffer has no room for its padding: skb_pad cannot extend it. */
static struct sk_buff *tight_runt(void)
{
	char err[256];
	struct sk_buff *skb = kit_skb_alloc(sn0, &udp60, err, sizeof(err));

	cr_assert_not_null(skb, "%s", err);
	skb_put(skb, (unsigned int)skb_tailroom(skb) - 2);
	skb_pull(skb, skb->len - 40);
	cr_assert(skb->len == 40 && skb_tailroom(skb) == 2, "runt of %u bytes with %d tailroom, "
		  "expected 40 and 2", skb->len, skb_tailroom(skb));
	return skb;
}

/* skb_padto leaves skb->len, skb_put_padto grows it; both free on failure. */
Test(tx_rules, skb_padto_as_the_kernels, .init = setup, .fini = teardown)
{
	char err[256];
	struct sk_buff *skb = kit_skb_alloc(sn0, &udp60, err, sizeof(err));
	u32 id;

	cr_assert_not_null(skb, "%s", err);
	skb_trim(skb, 42);
	memset(skb->data + 42, 0xaa, 18);
	cr_assert_eq(skb_padto(skb, ETH_ZLEN), 0, "skb_padto failed with room to spare");
	cr_assert_eq(skb->len, 42, "skb_padto made len %u, expected it left at 42", skb->len);
	for (int i = 42; i < 60; i++)
		cr_assert_eq(skb->data[i], 0, "byte %d after skb_padto is %#x, expected 0", i,
			     skb->data[i]);
	cr_assert_eq(skb_put_padto(skb, ETH_ZLEN), 0, "skb_put_padto failed with room to spare");
	cr_assert_eq(skb->len, 60, "skb_put_padto made len %u, expected 60", skb->len);
	kit_skb_put_back(skb);
	skb = tight_runt();
	id = skb->kit_id;
	cr_assert_eq(skb_padto(skb, ETH_ZLEN), -ENOMEM, "skb_padto of a runt without room, expected "
		     "-ENOMEM");
	cr_assert_null(kit_skb_find(k, id), "skb#%u still live after skb_padto failed, expected it "
		       "freed, as the kernel's", id);
	check_clean(k);
}

/* The driver freed the skb it could not prepare; the core only counts it. */
Test(tx_rules, prep_drop_is_freed_once, .init = setup, .fini = teardown)
{
	struct sk_buff *skb;
	char err[256] = "";
	int rc;

	setp(k, sn0, "batching", TX_BATCH_BTX);
	skb = tight_runt();
	rc = kit_hard_prep_xmit(sn0, skb, err, sizeof(err));
	cr_assert_eq(rc, -ENOMEM, "hard_prep_xmit returned %d (%s), expected -ENOMEM", rc, err);
	cr_assert_eq(st(sn0, "tx_dropped"), 1, "tx_dropped %llu, expected 1",
		     (unsigned long long)st(sn0, "tx_dropped"));
	/* the same through the core: qdisc, batch fill, prep */
	kit_netif_stop_queue(sn0);
	kit_dev_queue_xmit(sn0, tight_runt());
	kit_xmit_frames(sn0, &udp60, 3);
	kit_netif_wake_queue(sn0);
	run_idle(k);
	cr_assert_eq(st(sn0, "tx_dropped"), 2, "tx_dropped %llu, expected 2",
		     (unsigned long long)st(sn0, "tx_dropped"));
	cr_assert_eq(kit_rule_count(k, RULE_DOUBLE_FREE), 0, "%llu double frees: the core freed what "
		     "the driver had freed", (unsigned long long)kit_rule_count(k, RULE_DOUBLE_FREE));
	cr_assert_eq(flow(k, 0).packets, 3, "sn1 got %llu of the 3 good frames",
		     (unsigned long long)flow(k, 0).packets);
	check_clean(k);
}

/* The core prepares only what it dequeues from a running device: a call on
 * a device that is down is refused and changes nothing. */
Test(tx_rules, prep_on_a_device_that_is_down, .init = setup, .fini = teardown)
{
	char err[256] = "";
	struct sk_buff *skb;
	int rc;

	setp(k, sn0, "batching", TX_BATCH_BTX);
	skb = kit_skb_alloc(sn0, &udp60, err, sizeof(err));
	cr_assert_not_null(skb, "%s", err);
	dev_close(sn0);
	rc = kit_hard_prep_xmit(sn0, skb, err, sizeof(err));
	cr_assert_eq(rc, -EINVAL, "hard_prep_xmit on a down device returned %d, expected -EINVAL", rc);
	cr_assert(strstr(err, "sn0 is down"), "error \"%s\", expected it to say sn0 is down", err);
	cr_assert_eq(skb->kit_place, SKB_USER, "the skb is %s, expected still the caller's",
		     skb_place_name(skb->kit_place));
	cr_assert_eq(st(sn0, "tx_dropped"), 0, "tx_dropped %llu, expected 0",
		     (unsigned long long)st(sn0, "tx_dropped"));
	kit_skb_put_back(skb);
	dev_open(sn0);
	check_clean(k);
}
