/* test_napi_eras.c - each era's own rules: TX reclaim in the poll, completion, reschedule, squeeze. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(eras, .timeout = 60);

static const char *mode_name(long mode)
{
	return mode == SIMNIC_NONAPI ? "none" : mode == SIMNIC_NAPI_CLASSIC ? "classic" : "modern";
}

/*
 * snull's lockup (LDD3 ch. 17): a lost TX interrupt leaves the transmit
 * pending, and any later interrupt of the device completes it. Here every
 * TXDW is lost; a frame arriving on sn0 then raises RXT0 alone, and the
 * handler (no NAPI) or the poll (NAPI) must reclaim the stranded transmit.
 */
static void lockup_completed_by_rx(long mode)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };

	setp(k, sn0, "napi", mode);
	setp(k, sn0, "fault_lockup", 1);
	/* BQL off: a stranded frame would hold BQL's stop, and the watchdog would reset first */
	setp(k, sn0, "bql", 0);
	kit_xmit_frames(sn0, &p, 1);
	run_idle(k);
	cr_assert_eq(st(sn0, "hw_tx_frames"), 1, "napi %s: the NIC sent %llu frames, expected 1",
		     mode_name(mode), (unsigned long long)st(sn0, "hw_tx_frames"));
	cr_assert_eq(st(sn0, "tx_packets"), 0,
		     "napi %s: tx_packets = %llu with the TX interrupt lost, expected 0",
		     mode_name(mode), (unsigned long long)st(sn0, "tx_packets"));
	gen_rx(sn0, 1, 0, IPPROTO_UDP, 60); /* an RX interrupt, nothing else */
	run_idle(k);
	cr_assert_eq(st(sn0, "tx_packets"), 1,
		     "napi %s: tx_packets = %llu after an RX interrupt, expected 1: any later "
		     "interrupt completes the stranded transmit", mode_name(mode),
		     (unsigned long long)st(sn0, "tx_packets"));
	check_clean(k);
}

Test(eras, lockup_completed_by_rx_nonapi, .init = setup, .fini = teardown)
{
	lockup_completed_by_rx(SIMNIC_NONAPI);
}

Test(eras, lockup_completed_by_rx_classic, .init = setup, .fini = teardown)
{
	lockup_completed_by_rx(SIMNIC_NAPI_CLASSIC);
}

Test(eras, lockup_completed_by_rx_modern, .init = setup, .fini = teardown)
{
	lockup_completed_by_rx(SIMNIC_NAPI_MODERN);
}

/* e1000_intr with NAPI masks every cause, TX too; the completed poll unmasks
 * what e1000_irq_enable unmasks. A TX-only interrupt schedules the poll. */
static void masks_all_then_restores(long mode)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	u32 ims;

	setp(k, sn0, "napi", mode);
	/* BQL off: with nobody polling, BQL's stop would last until the watchdog's reset */
	setp(k, sn0, "bql", 0);
	kit_set_auto(k, false);
	kit_xmit_frames(sn0, &p, 1);
	run_idle(k); /* the frame leaves, TXDW interrupts, the handler schedules */
	ims = snap(sn0)->ims;
	cr_assert_eq(ims, 0, "napi %s: IMS = %#x after the TX interrupt, expected 0 (IMC ~0)",
		     mode_name(mode), ims);
	cr_assert_eq(snap(sn0)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi %s: napi_state = %s after a TX-only interrupt, expected SCHEDULED",
		     mode_name(mode), napi_name(snap(sn0)->napi_state));
	cr_assert_eq(st(sn0, "tx_packets"), 0, "napi %s: reclaimed in the handler (%llu), expected "
		     "the poll to do it", mode_name(mode), (unsigned long long)st(sn0, "tx_packets"));
	kit_set_auto(k, true);
	run_idle(k);
	cr_assert_eq(st(sn0, "tx_packets"), 1, "napi %s: tx_packets = %llu after the poll, expected 1",
		     mode_name(mode), (unsigned long long)st(sn0, "tx_packets"));
	ims = snap(sn0)->ims;
	cr_assert_eq(ims, IMS_ENABLE_MASK, "napi %s: IMS = %#x after completing, expected "
		     "IMS_ENABLE_MASK %#x", mode_name(mode), ims, IMS_ENABLE_MASK);
	check_clean(k);
}

Test(eras, classic_masks_all_then_restores, .init = setup, .fini = teardown)
{
	masks_all_then_restores(SIMNIC_NAPI_CLASSIC);
}

Test(eras, modern_masks_all_then_restores, .init = setup, .fini = teardown)
{
	masks_all_then_restores(SIMNIC_NAPI_MODERN);
}

/* 2.6.20 e1000_clean completes only after a poll that found nothing; the
 * modern e1000_clean completes as soon as it did less than its budget. */
Test(eras, completion_rule_of_each_era, .init = setup, .fini = teardown)
{
	char err[256];
	int work;

	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	kit_set_auto(k, false);
	gen_rx(sn1, 3, 0, IPPROTO_UDP, 60);
	run_idle(k);
	work = kit_poll(sn1, 64, err, sizeof(err));
	cr_assert_eq(work, 3, "classic: the poll did %d, expected 3", work);
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "classic: napi_state = %s after a poll with work, expected SCHEDULED "
		     "(it returns 1 while it finds work)", napi_name(snap(sn1)->napi_state));
	work = kit_poll(sn1, 64, err, sizeof(err));
	cr_assert_eq(work, 0, "classic: the second poll did %d, expected 0", work);
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_IDLE,
		     "classic: napi_state = %s after an empty poll, expected IDLE",
		     napi_name(snap(sn1)->napi_state));

	setp(k, sn1, "napi", SIMNIC_NAPI_MODERN);
	gen_rx(sn1, 3, 0, IPPROTO_UDP, 60);
	run_idle(k);
	work = kit_poll(sn1, 64, err, sizeof(err));
	cr_assert_eq(work, 3, "modern: the poll did %d, expected 3", work);
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_IDLE,
		     "modern: napi_state = %s after 3 of 64, expected IDLE (completed)",
		     napi_name(snap(sn1)->napi_state));
	check_clean(k);
}

/* The reproduction of issue 9: the interrupt taken at the unmask schedules
 * the device again inside its own poll; that is 2.6.20's way, not a fault. */
Test(eras, nested_schedule_in_a_classic_poll_is_clean, .init = setup, .fini = teardown)
{
	struct kit_snap s;
	size_t resched = 0;

	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	gen_rx(sn1, 30, 0, IPPROTO_UDP, 60);
	run_idle(k);
	for (size_t i = 0, polling = 0; i < log_.n; i++) {
		if (log_.r[i].type == TR_POLL_START)
			polling = 1;
		else if (log_.r[i].type == TR_POLL)
			polling = 0;
		else if (log_.r[i].type == TR_NAPI_SCHED && polling)
			resched++;
	}
	cr_assert_gt(resched, 0, "no schedule inside a poll: the test no longer shows the case");
	kit_snapshot(k, &s);
	cr_assert_eq(s.bugs + s.warnings + s.advice, 0,
		     "%llu BUG, %llu WARNING and %llu advice records, expected none",
		     (unsigned long long)s.bugs, (unsigned long long)s.warnings,
		     (unsigned long long)s.advice);
	cr_assert_eq(st(sn1, "rx_packets"), 30, "rx_packets = %llu, expected 30",
		     (unsigned long long)st(sn1, "rx_packets"));
}

/* netif_rx_reschedule (2.6.20): 1 and undo given back when it could take
 * RX_SCHED, 0 and nothing changed when the device is scheduled already. */
struct resched_arg {
	struct net_device *dev;
	int rc1, rc2, quota1, quota2;
};

static void resched_cb(void *p)
{
	struct resched_arg *a = p;

	a->dev->quota = 5;
	a->rc1 = netif_rx_reschedule(a->dev, 7);
	a->quota1 = a->dev->quota;
	a->rc2 = netif_rx_reschedule(a->dev, 7);
	a->quota2 = a->dev->quota;
}

Test(eras, netif_rx_reschedule_takes_the_device_back, .init = setup, .fini = teardown)
{
	struct resched_arg a = { .dev = sn1 };
	struct kit_snap s;

	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	kit_set_auto(k, false);
	kit_run_softirq(k, resched_cb, &a);
	cr_assert_eq(a.rc1, 1, "netif_rx_reschedule on an idle device returned %d, expected 1", a.rc1);
	cr_assert_eq(a.quota1, 12, "quota = %d after undo 7, expected 5 + 7 = 12", a.quota1);
	cr_assert_eq(a.rc2, 0, "netif_rx_reschedule on a scheduled device returned %d, expected 0",
		     a.rc2);
	cr_assert_eq(a.quota2, 12, "quota = %d after a refused reschedule, expected 12 unchanged",
		     a.quota2);
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED, "napi_state = %s, expected SCHEDULED",
		     napi_name(snap(sn1)->napi_state));
	kit_snapshot(k, &s);
	cr_assert_eq(s.poll_list_len, 1, "%u entries on the poll list, expected sn1 once",
		     s.poll_list_len);
	setp(k, sn1, "napi", SIMNIC_NONAPI);
	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	dev_close(sn1);
	kit_run_softirq(k, resched_cb, &a);
	cr_assert_eq(a.rc1, 0, "netif_rx_reschedule on a device that is down returned %d, expected 0",
		     a.rc1);
}
