/* test_poll.c - lab napi, graded: the modern poll's budget and completion, the classic poll's quota, LRO's flush. */
#include "grade.h"

/* 20 frames waiting in sn1's ring, the handler has run, nobody has polled. */
static void frames_waiting(const char *mode, int n)
{
	grade_cmd("set sn1 napi %s", mode);
	grade_cmd("auto off");
	grade_cmd("pktgen sn1 count %d len 200", n);
	grade_cmd("run until idle");
	grade_expect("sn1.napi_sched == 1");
}

Test(napi, poll_within_budget)
{
	grade_begin("napi", "poll_within_budget");
	frames_waiting("modern", 20);
	grade_note("budget 4: four frames, not five, and the poll says so by returning 4 = budget");
	grade_cmd("poll sn1 budget 4");
	grade_expect("sn1.rx_packets == 4");
	grade_expect("sn1.rx.next_to_clean == 4");
	grade_expect("sn1.poll_work == 4");
	grade_cmd("poll sn1 budget 1");
	grade_expect("sn1.rx_packets == 5");
	grade_cmd("poll sn1 budget 10");
	grade_expect("sn1.rx_packets == 15");
	grade_expect("no-bugs");
}

Test(napi, budget_used_stays_scheduled)
{
	grade_begin("napi", "budget_used_stays_scheduled");
	frames_waiting("modern", 20);
	grade_note("a poll that uses its whole budget returns budget and does not complete:");
	grade_note("NAPI stays scheduled and interrupts stay masked");
	grade_cmd("poll sn1 budget 8");
	grade_expect("sn1.rx_packets == 8");
	grade_expect("sn1.napi_sched == 1");
	grade_expect("sn1.napi_complete == 0");
	grade_expect("sn1.ims == 0");
	grade_cmd("poll sn1 budget 8");
	grade_expect("sn1.napi_sched == 1");
	grade_expect("sn1.ims == 0");
	grade_note("the last 4 frames: less than the budget, so complete, then unmask (the causes");
	grade_note("raised meanwhile may interrupt at once and schedule it again)");
	grade_cmd("poll sn1 budget 8");
	grade_expect("sn1.rx_packets == 20");
	grade_expect("sn1.napi_complete == 1");
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn1.napi_sched == 0");
	grade_expect("sn1.ims != 0");
	grade_expect("no-bugs");
	grade_check(kit_rule_count(grade_kit(), RULE_COMPLETE_AT_BUDGET) == 0, "sn1",
		    "%llu polls completed NAPI and returned their whole budget, expected 0",
		    (unsigned long long)kit_rule_count(grade_kit(), RULE_COMPLETE_AT_BUDGET));
}

Test(napi, classic_quota_and_budget)
{
	u64 r;

	grade_begin("napi", "classic_quota_and_budget");
	grade_cmd("set sn1 weight 4");
	grade_cmd("set netdev_budget 6");
	frames_waiting("classic", 20);
	grade_note("one net_rx_action round: 6 frames in all. The poll takes min(quota 4, *budget 6)");
	grade_note("= 4 and subtracts them from both; the next poll may take only the 2 left");
	grade_cmd("net_rx_action");
	grade_expect("sn1.rx_packets == 6");
	grade_cmd("poll sn1 budget 3");
	grade_note("*budget 3 below the quota: 3 frames");
	grade_expect("sn1.rx_packets == 9");
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn1.rx_packets == 20");
	r = kit_rule_count(grade_kit(), RULE_BUDGET_NOT_UPDATED);
	grade_check(r == 0, "sn1", "%llu classic polls did not subtract their work from both "
		    "*budget and dev->quota, expected 0", (unsigned long long)r);
	r = kit_rule_count(grade_kit(), RULE_QUOTA_EXCEEDED);
	grade_check(r == 0, "sn1", "%llu classic polls took more than min(quota, *budget), "
		    "expected 0", (unsigned long long)r);
	grade_expect("no-bugs");
}

Test(napi, classic_returns_0_or_1)
{
	struct net_device *d;
	u64 r;

	grade_begin("napi", "classic_returns_0_or_1");
	frames_waiting("classic", 5);
	d = grade_dev("sn1");
	grade_note("each poll: 1 and still scheduled with interrupts masked, or netif_rx_complete,");
	grade_note("unmask and 0 (e1000 completes after a poll that found nothing, LDD3 as soon as");
	grade_note("one did less than it could: both are right)");
	for (int i = 0; i < 4 && grade_stat("sn1", "napi_complete") == 0; i++) {
		struct dev_snap snap;
		bool sched;
		u32 ims;

		grade_cmd("poll sn1");
		sched = d->state & (1UL << __LINK_STATE_RX_SCHED);
		kit_dev_snapshot(d, &snap);
		ims = snap.ims;
		grade_check(sched == !(ims & E1000_IMS_RXT0), "sn1",
			    "after poll %d: %s with RXT0 %s, expected scheduled and masked, or "
			    "completed and unmasked", i + 1, sched ? "scheduled" : "completed",
			    ims & E1000_IMS_RXT0 ? "unmasked" : "masked");
	}
	grade_expect("sn1.rx_packets == 5");
	grade_expect("sn1.napi_sched == 0");
	grade_expect("sn1.napi_complete == 1");
	r = kit_rule_count(grade_kit(), RULE_POLL_RET_CLASSIC);
	grade_check(r == 0, "sn1", "%llu polls returned 0 without netif_rx_complete, expected 0",
		    (unsigned long long)r);
	grade_note("returning 1 after netif_rx_complete is a BUG in 2.6.20 (list poison): no-bugs");
	grade_expect("no-bugs");
}

Test(napi, lro_flushed_at_poll_end)
{
	grade_begin("napi", "lro_flushed_at_poll_end");
	grade_cmd("ethtool -K sn1 lro on");
	grade_cmd("pktgen sn1 count 40 len 1000 proto tcp tcp_ts on rate 50kpps");
	grade_cmd("run until idle");
	grade_note("frames far apart: each poll finds one or two, LRO holds them, and the poll's");
	grade_note("lro_flush_all sends them up before it returns: nothing stays held");
	grade_expect("sn1.lro_active == 0");
	grade_expect("sn1.rx_packets == 40");
	grade_expect("sn1.app_bytes == 37360");
	grade_expect("sn1.lro_aggregated == 40");
	grade_cmd("set sn1 napi classic");
	grade_cmd("ethtool -K sn1 lro on");
	grade_cmd("pktgen sn1 count 40 len 1000 proto tcp tcp_ts on rate 50kpps");
	grade_cmd("run until idle");
	grade_note("the same in 2.6.20's poll");
	grade_expect("sn1.lro_active == 0");
	grade_expect("clean");
	grade_expect("no-bugs");
}
