/* test_rx.c - the RX path's rules: ring full, NAPI in both eras, budgets, races, ping, replay. */
#include "helpers.h"

TestSuite(rx, .timeout = 60);

static struct kit *k;
static struct net_device *sn0, *sn1;
static struct rec_log log_;

static const char *napi_name(enum napi_view_state s)
{
	static const char *const names[] = { "IDLE", "SCHEDULED", "POLLING" };

	return (unsigned int)s < ARRAY_SIZE(names) ? names[s] : "?";
}

static void setup(void)
{
	k = kit_new(1);
	cr_assert_not_null(k, "kit_new(1) returned NULL, expected a machine");
	sn0 = kit_dev_by_name(k, "sn0");
	sn1 = kit_dev_by_name(k, "sn1");
	memset(&log_, 0, sizeof(log_));
}

static void teardown(void)
{
	kit_free(k);
	free(log_.r);
}

static void gen(struct net_device *dev, u64 count, u64 rate, u8 proto, unsigned int len)
{
	struct pktgen_cfg c;
	char err[256];

	pktgen_cfg_default(&c);
	c.count = count;
	c.rate_pps = rate;
	c.proto = proto;
	c.len = len;
	c.tcp_ts = proto == IPPROTO_TCP;
	cr_assert_eq(kit_pktgen(dev, &c, err, sizeof(err)), 0, "pktgen: %s", err);
}

Test(rx, ring_full_drops_and_counts, .init = setup, .fini = teardown)
{
	setp(k, sn1, "rx_ring", 16);
	kit_set_auto(k, false); /* nobody polls: the ring fills */
	setp(k, sn1, "napi", SIMNIC_NAPI_MODERN);
	gen(sn1, 100, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(st(sn1, "hw_rx_frames"), 15, "the NIC filled %llu buffers, expected 15",
		     (unsigned long long)st(sn1, "hw_rx_frames"));
	cr_assert_eq(st(sn1, "rx_missed_errors"), 85, "rx_missed_errors = %llu, expected 85",
		     (unsigned long long)st(sn1, "rx_missed_errors"));
	check_clean(k);
}

/* A buffer posted with too little room behind its address: the NIC does not
 * write past it; the frame is counted missed, not lost and not truncated. */
Test(rx, too_small_buffer_counts_missed, .init = setup, .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn1);
	unsigned int i;
	struct sk_buff *skb;
	unsigned char *end;

	kit_set_auto(k, false);
	setp(k, sn1, "napi", SIMNIC_NAPI_MODERN);
	i = a->rx_ring.next_to_clean; /* RDH: the first frame lands here */
	skb = a->rx_ring.buffer_info[i].skb;
	cr_assert_not_null(skb, "no buffer posted at %u", i);
	end = skb->head + SKB_BUF_SIZE;
	memset(end - 40, 0xaa, 40);
	a->rx_ring.desc[i].buffer_addr = (u64)(uintptr_t)(end - 40); /* 40 bytes of room */
	gen(sn1, 1, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(st(sn1, "rx_missed_errors"), 1, "rx_missed_errors = %llu, expected 1",
		     (unsigned long long)st(sn1, "rx_missed_errors"));
	cr_assert_eq(st(sn1, "hw_rx_frames"), 0, "the NIC wrote %llu frames into a 40-byte buffer",
		     (unsigned long long)st(sn1, "hw_rx_frames"));
	for (int b = 0; b < 40; b++)
		cr_assert_eq(end[b - 40], 0xaa, "byte %d of the short buffer was written", b);
}

Test(rx, classic_poll_respects_quota_and_budget, .init = setup, .fini = teardown)
{
	char err[256];
	struct dev_snap *s;
	int work;

	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	setp(k, sn1, "weight", 4);
	kit_set_auto(k, false);
	gen(sn1, 20, 0, IPPROTO_UDP, 60);
	run_idle(k); /* frames land; the interrupt schedules the poll; nobody runs it */
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi_state = %s after the interrupt, expected SCHEDULED",
		     napi_name(snap(sn1)->napi_state));
	work = kit_poll(sn1, 3, err, sizeof(err));
	cr_assert_eq(work, 3, "poll with *budget 3 and quota 4 did %d, expected 3", work);
	/* it returned 1 (more): the core moved it to the tail and refilled its quota */
	s = snap(sn1);
	cr_assert_eq(s->quota, 4, "quota = %d after a 'more' return, expected weight 4", s->quota);
	work = kit_poll(sn1, 10, err, sizeof(err));
	cr_assert_eq(work, 4, "poll with *budget 10 and quota 4 did %d, expected 4", work);
	cr_assert_eq(kit_rule_count(k, RULE_QUOTA_EXCEEDED), 0,
		     "%llu quota-exceeded warnings, expected 0",
		     (unsigned long long)kit_rule_count(k, RULE_QUOTA_EXCEEDED));
	cr_assert_eq(kit_rule_count(k, RULE_BUDGET_NOT_UPDATED), 0,
		     "%llu budget-not-updated warnings, expected 0",
		     (unsigned long long)kit_rule_count(k, RULE_BUDGET_NOT_UPDATED));
	kit_set_auto(k, true);
	run_idle(k);
	cr_assert_eq(st(sn1, "rx_packets"), 20, "rx_packets = %llu, expected 20",
		     (unsigned long long)st(sn1, "rx_packets"));
	check_clean(k);
}

/* Two devices with work, weight 4, one net_rx_action round: a device that
 * used its quota (classic) or its weight (modern) goes to the tail of the
 * poll list, so the two take turns. */
static void polls_take_turns(long mode)
{
	int seen = 0, last = -1;

	setp(k, sn0, "napi", mode);
	setp(k, sn1, "napi", mode);
	setp(k, sn0, "weight", 4);
	setp(k, sn1, "weight", 4);
	kit_set_auto(k, false);
	gen(sn0, 20, 0, IPPROTO_UDP, 60);
	gen(sn1, 20, 0, IPPROTO_UDP, 60);
	run_idle(k); /* both interrupts schedule a poll; nobody runs them */
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_net_rx_action(k);
	for (size_t i = 0; i < log_.n && seen < 10; i++) {
		if (log_.r[i].type != TR_POLL)
			continue;
		cr_assert_neq(log_.r[i].dev, last, "%s: poll %d is sn%d again: a device that used its "
			      "quota must go to the tail", mode == SIMNIC_NAPI_CLASSIC ? "classic" :
			      "modern", seen + 1, log_.r[i].dev);
		last = log_.r[i].dev;
		seen++;
	}
	cr_assert_eq(seen, 10, "%d polls in the round, expected at least 10 (5 each)", seen);
	cr_assert_eq(st(sn0, "rx_packets") + st(sn1, "rx_packets"), 40,
		     "delivered %llu of 40", (unsigned long long)(st(sn0, "rx_packets") +
								 st(sn1, "rx_packets")));
	check_clean(k);
}

Test(rx, classic_poll_list_rotates, .init = setup, .fini = teardown)
{
	polls_take_turns(SIMNIC_NAPI_CLASSIC);
}

Test(rx, modern_poll_list_rotates, .init = setup, .fini = teardown)
{
	polls_take_turns(SIMNIC_NAPI_MODERN);
}

/* 2.6.20 net_rx_action: a device whose quota went negative (its poll did
 * more than it was given) is refilled with quota += weight, not to weight:
 * the overdraft is paid back in its next turn. */
Test(rx, classic_quota_overdraft_is_paid_back, .init = setup, .fini = teardown)
{
	size_t i, j;

	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	setp(k, sn1, "weight", 4);
	kit_set_auto(k, false);
	gen(sn1, 20, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi_state = %s after the interrupt, expected SCHEDULED",
		     napi_name(snap(sn1)->napi_state));
	sn1->quota = -3; /* as a poll that did 7 with a quota of 4 would leave it */
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_net_rx_action(k);
	for (i = 0; i < log_.n && log_.r[i].type != TR_POLL_START; i++)
		;
	cr_assert(i < log_.n, "no poll in the round");
	cr_assert_eq(log_.r[i].b, 1, "first poll with quota %d, expected -3 + weight 4 = 1",
		     (int)log_.r[i].b);
	for (j = i + 1; j < log_.n && log_.r[j].type != TR_POLL; j++)
		;
	cr_assert(j < log_.n, "the poll never ended");
	cr_assert_eq(log_.r[j].b, 1, "first poll did %u, expected its quota of 1", log_.r[j].b);
}

/* napi_complete_done returns false when MISSED rescheduled the instance:
 * the poll must then leave the interrupt masked, or the line comes back
 * while the poll is still scheduled. */
Test(rx, modern_unmasks_only_when_complete_says_so, .init = setup, .fini = teardown)
{
	char err[256];
	int work, rc;

	setp(k, sn1, "napi", SIMNIC_NAPI_MODERN);
	kit_set_auto(k, false);
	gen(sn1, 3, 0, IPPROTO_UDP, 60);
	run_idle(k); /* the interrupt masked RX and scheduled the poll */
	cr_assert_eq(snap(sn1)->ims & E1000_IMS_RX, 0,
		     "IMS = %#x after the interrupt, expected RX (%#x) masked", snap(sn1)->ims,
		     E1000_IMS_RX);
	rc = kit_napi_schedule(sn1, err, sizeof(err)); /* already scheduled: sets MISSED */
	cr_assert_neq(rc, 0, "napi_schedule while scheduled returned %d, expected nonzero", rc);
	work = kit_poll(sn1, 64, err, sizeof(err));
	cr_assert_eq(work, 3, "the poll did %d, expected 3", work);
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi_state = %s after the poll, expected SCHEDULED (MISSED keeps it)",
		     napi_name(snap(sn1)->napi_state));
	cr_assert_eq(snap(sn1)->ims & E1000_IMS_RX, 0,
		     "IMS = %#x: RX unmasked although napi_complete_done returned false",
		     snap(sn1)->ims);
	cr_assert_eq(kit_rule_count(k, RULE_IRQ_BEFORE_COMPLETE), 0, "%llu unmask-before-complete "
		     "warnings, expected 0", (unsigned long long)kit_rule_count(k,
										RULE_IRQ_BEFORE_COMPLETE));
	kit_set_auto(k, true);
	run_idle(k); /* the rescheduled poll finds nothing, completes and unmasks */
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_IDLE,
		     "napi_state = %s after the second poll, expected IDLE",
		     napi_name(snap(sn1)->napi_state));
	cr_assert_neq(snap(sn1)->ims & E1000_IMS_RX, 0,
		      "IMS = %#x after completing, expected RX (%#x) unmasked", snap(sn1)->ims,
		      E1000_IMS_RX);
	check_clean(k);
}

Test(rx, modern_poll_respects_budget, .init = setup, .fini = teardown)
{
	setp(k, sn1, "weight", 4);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_set_auto(k, false);
	gen(sn1, 30, 0, IPPROTO_UDP, 60);
	run_idle(k);
	kit_set_auto(k, true);
	run_idle(k);
	cr_assert_eq(st(sn1, "rx_packets"), 30, "rx_packets = %llu, expected 30",
		     (unsigned long long)st(sn1, "rx_packets"));
	for (size_t i = 0; i < log_.n; i++)
		if (log_.r[i].type == TR_POLL && log_.r[i].dev == sn1->ifindex)
			cr_assert_leq(log_.r[i].b, 4, "a poll with budget 4 did %u", log_.r[i].b);
	cr_assert_geq(st(sn1, "polls"), 8, "30 frames at 4 per poll need at least 8 polls, got %llu",
		      (unsigned long long)st(sn1, "polls"));
	check_clean(k);
}

Test(rx, weight_zero_never_polled, .init = setup, .fini = teardown)
{
	setp(k, sn1, "napi", SIMNIC_NAPI_CLASSIC);
	setp(k, sn1, "weight", 0);
	gen(sn1, 10, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(st(sn1, "polls"), 0, "a weight-0 device was polled %llu times",
		     (unsigned long long)st(sn1, "polls"));
	cr_assert_eq(st(sn1, "rx_packets"), 0, "rx_packets = %llu, expected 0 (never polled)",
		     (unsigned long long)st(sn1, "rx_packets"));
	cr_assert_geq(kit_rule_count(k, RULE_WEIGHT_ZERO), 1,
		      "%llu weight-0 warnings, expected at least 1",
		      (unsigned long long)kit_rule_count(k, RULE_WEIGHT_ZERO));
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi_state = %s, expected SCHEDULED (it stays scheduled, never polled)",
		     napi_name(snap(sn1)->napi_state));
}

Test(rx, missed_reschedules, .init = setup, .fini = teardown)
{
	char err[256] = "";
	int rc;

	kit_set_auto(k, false);
	rc = kit_napi_schedule(sn1, err, sizeof(err));
	cr_assert_eq(rc, 0, "napi_schedule returned %d, expected 0: %s", rc, err);
	rc = kit_napi_schedule(sn1, err, sizeof(err));
	cr_assert_neq(rc, 0, "a second napi_schedule returned %d, expected it to fail", rc);
	cr_assert_eq(st(sn1, "napi_missed"), 1, "napi_missed = %llu, expected 1 (MISSED recorded)",
		     (unsigned long long)st(sn1, "napi_missed"));
	cr_assert(snap(sn1)->napi_missed, "MISSED is clear after a second schedule, expected set");
	rc = kit_napi_complete(sn1, err, sizeof(err));
	cr_assert_eq(rc, 1, "napi_complete returned %d, expected 1 (false: MISSED was set)", rc);
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi_state = %s, expected SCHEDULED (MISSED keeps it scheduled)",
		     napi_name(snap(sn1)->napi_state));
	kit_set_auto(k, true);
	run_idle(k);
	cr_assert_eq(st(sn1, "polls"), 1, "%llu polls, expected 1 (the missed schedule's)",
		     (unsigned long long)st(sn1, "polls"));
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_IDLE,
		     "napi_state = %s after the poll, expected IDLE",
		     napi_name(snap(sn1)->napi_state));
}

/* Frames arriving at every spacing, in pairs: the second often lands while
 * the poll finishes. Returns how many frames a run left in the ring. */
static u64 stranded(const char *driver, long mode, u64 gap_ns)
{
	char err[512];
	struct kit *m = kit_new(3);
	struct net_device *d = kit_dev_by_name(m, "sn1");
	struct pktgen_cfg c;
	u64 left;

	if (driver)
		cr_assert_geq(kit_driver_load(m, test_driver(driver), err, sizeof(err)), 1, "%s", err);
	kit_param_set(m, d, kit_param_find("napi"), mode, err, sizeof(err));
	pktgen_cfg_default(&c);
	c.count = 2;
	c.rate_pps = 1000000000ULL / gap_ns;
	cr_assert_eq(kit_pktgen(d, &c, err, sizeof(err)), 0, "%s", err);
	kit_run(m, 0, 0, NULL);
	left = kit_dev_stat(d, kit_stat_find("hw_rx_frames")) - kit_dev_stat(d, kit_stat_find("rx_packets"));
	kit_free(m);
	return left;
}

Test(rx, unmask_race_cannot_strand_a_frame)
{
	u64 sol = 0, bad = 0;

	for (u64 gap = 500; gap <= 12000; gap += 100) {
		sol += stranded(NULL, SIMNIC_NAPI_CLASSIC, gap);
		sol += stranded(NULL, SIMNIC_NAPI_MODERN, gap);
		bad += stranded("unmask_first", SIMNIC_NAPI_CLASSIC, gap);
	}
	cr_assert_eq(sol, 0, "the reference driver left %llu frames in the ring",
		     (unsigned long long)sol);
	cr_assert_gt(bad, 0, "unmasking before completing stranded %llu frames, expected some",
		     (unsigned long long)bad);
}

Test(rx, netdev_budget_squeezes, .init = setup, .fini = teardown)
{
	struct kit_snap s;

	setp(k, NULL, "netdev_budget", 8);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_set_auto(k, false);
	gen(sn1, 40, 0, IPPROTO_UDP, 60);
	run_idle(k);
	kit_set_auto(k, true);
	run_idle(k);
	kit_snapshot(k, &s);
	cr_assert_geq(s.time_squeeze, 1,
		      "time_squeeze = %llu, expected >= 1: 40 frames with netdev_budget 8 squeeze",
		      (unsigned long long)s.time_squeeze);
	cr_assert_eq(st(sn1, "rx_packets"), 40, "rx_packets = %llu, expected 40",
		     (unsigned long long)st(sn1, "rx_packets"));
	/* no round does more than one poll past its budget */
	for (size_t i = 0, work = 0; i < log_.n; i++) {
		if (log_.r[i].type == TR_SOFTIRQ && log_.r[i].a == 2)
			work = 0;
		if (log_.r[i].type == TR_POLL) {
			cr_assert_lt(work, 8,
				     "a poll started with %zu already done in the round, budget 8",
				     work);
			work += log_.r[i].b;
		}
	}
}

Test(rx, time_limit_squeezes, .init = setup, .fini = teardown)
{
	struct kit_snap s;

	setp(k, NULL, "netdev_budget_usecs", 1);
	setp(k, sn1, "weight", 2);
	kit_set_auto(k, false);
	gen(sn1, 20, 0, IPPROTO_UDP, 60);
	run_idle(k);
	kit_set_auto(k, true);
	run_idle(k);
	kit_snapshot(k, &s);
	cr_assert_geq(s.time_squeeze, 1,
		      "time_squeeze = %llu, expected >= 1: a 1 us round limit must squeeze",
		      (unsigned long long)s.time_squeeze);
	cr_assert_eq(st(sn1, "rx_packets"), 20, "rx_packets = %llu, expected 20",
		     (unsigned long long)st(sn1, "rx_packets"));
}

Test(rx, ping_crosses_the_pair, .init = setup, .fini = teardown)
{
	char err[256];
	struct kit_ping_stat ps;

	kit_trace_subscribe(k, rec_log_cb, &log_);
	cr_assert_eq(kit_ping(sn0, kit_ipv4(192, 168, 0, 2), 3, err, sizeof(err)), 0, "%s", err);
	run_idle(k);
	kit_ping_stats(k, &ps);
	cr_assert_eq(ps.sent, 3, "%u pings sent, expected 3", ps.sent);
	cr_assert_eq(ps.received, 3, "%u replies, expected 3", ps.received);
	cr_assert_gt(ps.rtt_min_ns, 0, "minimum RTT %llu ns, expected more than 0",
		     (unsigned long long)ps.rtt_min_ns);
	/* requests seen by sn1, replies by sn0 */
	cr_assert_eq(st(sn1, "rx_packets"), 3, "sn1 rx_packets = %llu, expected the 3 requests",
		     (unsigned long long)st(sn1, "rx_packets"));
	cr_assert_eq(st(sn0, "rx_packets"), 3, "sn0 rx_packets = %llu, expected the 3 replies",
		     (unsigned long long)st(sn0, "rx_packets"));
	cr_assert_eq(st(sn1, "tx_packets"), 3, "sn1 answered %llu times",
		     (unsigned long long)st(sn1, "tx_packets"));
	check_clean(k);
}

Test(rx, nonapi_goes_through_the_backlog, .init = setup, .fini = teardown)
{
	struct kit_snap s;

	setp(k, sn1, "napi", SIMNIC_NONAPI);
	setp(k, NULL, "netdev_max_backlog", 10);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_set_auto(k, false); /* interrupts still run the handler; the backlog is never drained */
	gen(sn1, 30, 0, IPPROTO_UDP, 60);
	run_idle(k);
	kit_snapshot(k, &s);
	cr_assert_eq(s.backlog_len, 10, "backlog holds %u, expected netdev_max_backlog 10",
		     s.backlog_len);
	cr_assert_eq(s.backlog_drops, 20, "backlog drops %llu, expected 20",
		     (unsigned long long)s.backlog_drops);
	cr_assert_eq(rec_count(&log_, TR_NETIF_RX, sn1->ifindex), 10,
		     "%zu netif_rx records for sn1, expected 10",
		     rec_count(&log_, TR_NETIF_RX, sn1->ifindex));
	kit_set_auto(k, true);
	run_idle(k);
	cr_assert_eq(flow(k, 0).packets, 10,
		     "the flow got %llu packets, expected the 10 from the backlog",
		     (unsigned long long)flow(k, 0).packets);
	check_clean(k);
}

Test(rx, receive_skb_outside_softirq_is_a_bug, .init = setup, .fini = teardown)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	char err[256];
	struct sk_buff *skb = kit_skb_alloc(sn0, &p, err, sizeof(err));

	cr_assert_not_null(skb, "%s", err);
	eth_type_trans(skb, sn0);
	netif_receive_skb(skb); /* from process context */
	cr_assert_eq(kit_rule_count(k, RULE_RECEIVE_SKB_CONTEXT), 1,
		     "%llu netif_receive_skb-outside-softirq BUGs, expected 1",
		     (unsigned long long)kit_rule_count(k, RULE_RECEIVE_SKB_CONTEXT));
	run_idle(k);
	check_clean(k);
}

Test(rx, poll_over_budget_warns, .init = setup, .fini = teardown)
{
	char err[512];

	cr_assert_geq(kit_driver_load(k, test_driver("poll_overbudget"), err, sizeof(err)), 1, "%s",
		      err);
	setp(k, sn1, "weight", 4);
	gen(sn1, 20, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_geq(kit_rule_count(k, RULE_POLL_OVER_BUDGET), 1,
		      "%llu over-budget warnings, expected >= 1: returning budget + 1 must warn",
		      (unsigned long long)kit_rule_count(k, RULE_POLL_OVER_BUDGET));
}

static void replay(bool lro, u64 *stack, u64 *bytes, u64 *errors)
{
	struct kit *m = kit_new(1);
	struct net_device *d = kit_dev_by_name(m, "sn1");
	char err[512];
	int n;

	kit_set_hw_steps(m, false);
	kit_param_set(m, d, kit_param_find("lro"), lro, err, sizeof(err));
	/* interrupt moderation, as LRO is used: each poll finds a burst in the ring */
	kit_param_set(m, d, kit_param_find("rx_usecs"), 100, err, sizeof(err));
	kit_flow_expect(m, kit_ipv4(10, 77, 0, 1), kit_ipv4(10, 77, 0, 2), 42164, 5001, IPPROTO_TCP,
			0);
	/* back to back at 10G line rate, so each poll has a burst to aggregate */
	n = kit_pktgen_pcap(d, "tests/data/linux-tcp-bulk-512k.pcap", 800000, err, sizeof(err));
	cr_assert_eq(n, 574, "replayed %d frames: %s", n, err);
	kit_run(m, 0, 0, NULL);
	*stack = kit_dev_stat(d, kit_stat_find("rx_stack"));
	*bytes = *errors = 0;
	for (int i = 0; i < kit_flow_count(m); i++) {
		struct kit_flow_stat f;

		kit_flow_at(m, i, &f);
		if (f.checked) {
			*bytes = f.bytes;
			*errors = f.errors;
		}
	}
	{
		char report[2048];
		int p = kit_check(m, report, sizeof(report));

		cr_assert_eq(p, 0, "kit_check found %d problems, expected 0:\n%s", p, report);
	}
	kit_free(m);
}

Test(rx, pcap_replay_same_stream_with_and_without_lro)
{
	u64 s_off, b_off, e_off, s_on, b_on, e_on;

	replay(false, &s_off, &b_off, &e_off);
	replay(true, &s_on, &b_on, &e_on);
	cr_assert_eq(b_off, 524288, "LRO off: the sink got %llu bytes, expected 524288",
		     (unsigned long long)b_off);
	cr_assert_eq(e_off, 0, "LRO off: %llu stream errors", (unsigned long long)e_off);
	cr_assert_eq(b_on, 524288, "LRO on: the sink got %llu bytes, expected 524288",
		     (unsigned long long)b_on);
	cr_assert_eq(e_on, 0, "LRO on: %llu stream errors", (unsigned long long)e_on);
	cr_assert_eq(s_off, 574, "LRO off passes every frame up: %llu of 574",
		     (unsigned long long)s_off);
	cr_assert_lt(s_on * 2, s_off, /* 363 data segments merge by up to lro_max_aggr */ "LRO on passed %llu skbs up, LRO off %llu",
		     (unsigned long long)s_on, (unsigned long long)s_off);
}

Test(rx, modern_weight_zero_never_polled, .init = setup, .fini = teardown)
{
	setp(k, sn1, "weight", 0);
	gen(sn1, 5, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(st(sn1, "polls"), 0, "polled %llu times at weight 0",
		     (unsigned long long)st(sn1, "polls"));
	cr_assert_geq(kit_rule_count(k, RULE_WEIGHT_ZERO), 1,
		      "%llu weight-0 warnings, expected at least 1",
		      (unsigned long long)kit_rule_count(k, RULE_WEIGHT_ZERO));
	cr_assert_eq(snap(sn1)->napi_state, NAPI_VIEW_SCHEDULED,
		     "napi_state = %s, expected SCHEDULED (never polled)",
		     napi_name(snap(sn1)->napi_state));
}

Test(rx, unmasking_before_complete_is_warned)
{
	char err[512];
	struct kit *m = kit_new(1);
	struct net_device *d = kit_dev_by_name(m, "sn1");
	struct pktgen_cfg c;

	pktgen_cfg_default(&c);
	c.count = 300;
	c.rate_pps = 200000;
	kit_param_set(m, d, kit_param_find("napi"), SIMNIC_NAPI_CLASSIC, err, sizeof(err));
	kit_pktgen(d, &c, err, sizeof(err));
	kit_run(m, 0, 0, NULL);
	cr_assert_eq(kit_rule_count(m, RULE_IRQ_BEFORE_COMPLETE), 0,
		     "the reference driver got %llu unmask-before-complete warnings, expected 0",
		     (unsigned long long)kit_rule_count(m, RULE_IRQ_BEFORE_COMPLETE));
	kit_free(m);
	m = kit_new(1);
	d = kit_dev_by_name(m, "sn1");
	cr_assert_geq(kit_driver_load(m, test_driver("unmask_first"), err, sizeof(err)), 1, "%s", err);
	kit_param_set(m, d, kit_param_find("napi"), SIMNIC_NAPI_CLASSIC, err, sizeof(err));
	kit_pktgen(d, &c, err, sizeof(err));
	kit_run(m, 0, 0, NULL);
	cr_assert_gt(kit_rule_count(m, RULE_IRQ_BEFORE_COMPLETE), 0,
		     "%llu unmask-before-complete warnings, expected some: unmasking while "
		     "scheduled went unnoticed",
		     (unsigned long long)kit_rule_count(m, RULE_IRQ_BEFORE_COMPLETE));
	kit_free(m);
}

/* pktgen's faults: flag faults leave the stream whole, loss and reordering do not. */
static struct kit_flow_stat faulted_run(u32 fault, u32 every, u32 chance, u64 seed)
{
	struct kit *m = kit_new(seed);
	struct net_device *d = kit_dev_by_name(m, "sn1");
	struct pktgen_cfg c;
	struct kit_flow_stat f;
	char err[256];
	int rc;

	pktgen_cfg_default(&c);
	c.count = 60;
	c.proto = IPPROTO_TCP;
	c.len = 1000;
	c.tcp_ts = true;
	c.faults = fault;
	c.fault_every = every;
	c.fault_chance = chance;
	cr_assert_eq(kit_pktgen(d, &c, err, sizeof(err)), 0, "%s", err);
	kit_run(m, 0, 0, NULL);
	rc = kit_flow_at(m, 0, &f);
	cr_assert_eq(rc, 0, "kit_flow_at(0) returned %d, expected 0 (%d flows)", rc,
		     kit_flow_count(m));
	kit_free(m);
	return f;
}

Test(rx, flag_faults_keep_the_stream)
{
	const u32 flags[] = { PKTGEN_F_PSH, PKTGEN_F_NOACK, PKTGEN_F_IPOPT, PKTGEN_F_CE,
			      PKTGEN_F_SYN, PKTGEN_F_FIN, PKTGEN_F_TSBACK };

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		struct kit_flow_stat f = faulted_run(flags[i], 4, 0, 1);

		cr_assert_eq(f.errors, 0, "fault %#x: %llu stream errors", flags[i],
			     (unsigned long long)f.errors);
		cr_assert_eq(f.packets, 60, "fault %#x: %llu of 60 delivered", flags[i],
			     (unsigned long long)f.packets);
	}
}

Test(rx, loss_reorder_and_dup_are_seen)
{
	struct kit_flow_stat loss = faulted_run(PKTGEN_F_LOSS, 10, 0, 1);
	struct kit_flow_stat reo = faulted_run(PKTGEN_F_REORDER, 10, 0, 1);
	struct kit_flow_stat dup = faulted_run(PKTGEN_F_DUP, 10, 0, 1);

	/* frames 10, 20, ... 60 are lost; the last leaves no later frame to show the gap */
	cr_assert_eq(loss.errors, 5, "5 gaps expected: %llu reported", (unsigned long long)loss.errors);
	cr_assert_eq(loss.packets, 54, "54 of 60 delivered: %llu", (unsigned long long)loss.packets);
	cr_assert_gt(reo.errors, 0, "reordering gave %llu stream errors, expected some",
		     (unsigned long long)reo.errors);
	cr_assert_eq(dup.dups, 6, "6 duplicates: %llu counted", (unsigned long long)dup.dups);
	cr_assert_eq(dup.errors, 0, "duplicates are not errors: %llu", (unsigned long long)dup.errors);
}

Test(rx, random_faults_follow_the_seed)
{
	struct kit_flow_stat a = faulted_run(PKTGEN_F_LOSS, 0, 5, 1);
	struct kit_flow_stat b = faulted_run(PKTGEN_F_LOSS, 0, 5, 1);
	struct kit_flow_stat c = faulted_run(PKTGEN_F_LOSS, 0, 5, 2);

	cr_assert_eq(a.packets, b.packets, "same seed, different losses: %llu vs %llu",
		     (unsigned long long)a.packets, (unsigned long long)b.packets);
	cr_assert_lt(a.packets, 60, "a 1-in-5 loss chance delivered %llu of 60, expected fewer",
		     (unsigned long long)a.packets);
	cr_assert(a.packets != c.packets || a.bytes != c.bytes || a.errors != c.errors,
		  "seeds 1 and 2 lost the same frames");
}
