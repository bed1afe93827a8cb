/* test_gro_rules.c - GRO's merge rules one by one (tcp_gro_receive, inet_gro_receive), and GRO end to end. */
#include "gro_helpers.h"


TestSuite(gro_rules, .timeout = 30, .init = gro_setup, .fini = teardown);

/*
 * Flow 0 gets a plain segment (held), then the segment under test, built
 * from the next in-order one by change(). The outcome is read from the
 * counters: merged into the held packet or not, the held packet completed
 * or not, the new segment held (a new packet of the flow) or passed up.
 */
struct outcome {
	u64 merged, flushed, held_new, normal;
};

static void expect(const char *what, void (*change)(struct gseg *), struct outcome want)
{
	struct gseg g = gseg_of(0, ISN, MSS, 10);
	struct napi_gro_stats *st = &napi->gro_stats;

	gfeed(g);
	cr_assert_not_null(held(0), "%s: control: a plain segment was not held", what);
	g = gseg_of(0, ISN + MSS, MSS, 11);
	change(&g);
	gfeed(g);
	cr_assert_eq(st->merged, want.merged, "%s: merged %llu, expected %llu", what,
		     (unsigned long long)st->merged, (unsigned long long)want.merged);
	cr_assert_eq(st->flushed, want.flushed, "%s: held packets completed %llu, expected %llu",
		     what, (unsigned long long)st->flushed, (unsigned long long)want.flushed);
	cr_assert_eq(st->held - 1, want.held_new, "%s: new packets held %llu, expected %llu", what,
		     (unsigned long long)(st->held - 1), (unsigned long long)want.held_new);
	cr_assert_eq(st->normal, want.normal, "%s: passed up as they came %llu, expected %llu",
		     what, (unsigned long long)st->normal, (unsigned long long)want.normal);
	gflush();
	drain();
	check_clean();
}

/* not merged: the held packet completes, the new segment starts the flow's next packet */
static const struct outcome SPLIT = { .merged = 0, .flushed = 1, .held_new = 1, .normal = 0 };
/* not merged, and the segment may not be held either: both go up */
static const struct outcome BOTH_UP = { .merged = 0, .flushed = 1, .held_new = 0, .normal = 1 };
/* merged, and the flow completes at once */
static const struct outcome MERGE_FLUSH = { .merged = 1, .flushed = 1, .held_new = 0, .normal = 0 };
/* merged and still held */
static const struct outcome MERGED = { .merged = 1, .flushed = 0, .held_new = 0, .normal = 0 };
/* the IP layer refuses before looking for the flow: the held packet stays, the segment goes up */
static const struct outcome OVERTAKES = { .merged = 0, .flushed = 0, .held_new = 0, .normal = 1 };

static void nothing(struct gseg *g) { (void)g; }
static void ack(struct gseg *g) { g->s.ack = 2; }
static void window(struct gseg *g) { g->s.window = 999; }
static void tsval(struct gseg *g) { g->s.tsval = 101; }
static void tsecr(struct gseg *g) { g->s.tsecr = 51; }
static void no_ts(struct gseg *g) { g->s.ts = false; }
static void gap(struct gseg *g) { g->s.seq += 1; }
static void bigger(struct gseg *g) { g->s.plen = MSS + 1; }
static void shorter(struct gseg *g) { g->s.plen = 500; }
static void pure_ack(struct gseg *g) { g->s.plen = 0; }
static void ttl(struct gseg *g) { g->ttl = 63; }
static void tos(struct gseg *g) { g->s.tos = 0x10; }
static void ip_id(struct gseg *g) { g->id = 13; }
static void no_df(struct gseg *g) { g->no_df = true; }
static void psh(struct gseg *g) { g->s.flags |= F_PSH; }
static void fin(struct gseg *g) { g->s.flags |= F_FIN; }
static void cwr(struct gseg *g) { g->s.flags |= F_CWR; }
static void ece(struct gseg *g) { g->s.flags |= F_ECE; }
static void syn(struct gseg *g) { g->s.flags |= F_SYN; }
static void rst(struct gseg *g) { g->s.flags |= F_RST; }
static void urg(struct gseg *g) { g->s.flags |= F_URG; }
static void ipopt(struct gseg *g) { g->s.ipopt = true; }
static void padding(struct gseg *g) { g->s.pad = 6; }
static void fragment(struct gseg *g) { g->frag_off = IP_MF; }
static void sw_csum_ok(struct gseg *g) { g->csum_none = true; }
static void sw_csum_bad(struct gseg *g) { g->csum_none = true, g->bad_csum = true; }
static void other_port(struct gseg *g) { g->s.flow = 1; g->s.seq = ISN; }

Test(gro_rules, in_order_merges) { expect("in order", nothing, MERGED); }
Test(gro_rules, ack_differs) { expect("ack_seq differs", ack, SPLIT); }
Test(gro_rules, window_differs) { expect("window differs", window, SPLIT); }
Test(gro_rules, tsval_differs) { expect("tsval differs", tsval, SPLIT); }
Test(gro_rules, tsecr_differs) { expect("TS echo reply differs", tsecr, SPLIT); }
Test(gro_rules, options_length_differs) { expect("no timestamp option", no_ts, SPLIT); }
Test(gro_rules, seq_gap) { expect("seq not the next byte", gap, SPLIT); }
Test(gro_rules, payload_above_gso_size) { expect("payload > gso_size", bigger, SPLIT); }
Test(gro_rules, shorter_merges_and_flushes) { expect("payload < gso_size", shorter, MERGE_FLUSH); }
Test(gro_rules, pure_ack_not_merged) { expect("pure ACK", pure_ack, BOTH_UP); }
Test(gro_rules, ttl_differs) { expect("TTL differs", ttl, SPLIT); }
Test(gro_rules, tos_differs) { expect("TOS differs", tos, SPLIT); }
Test(gro_rules, ip_id_not_next) { expect("IP ID not the next", ip_id, SPLIT); }
Test(gro_rules, df_differs) { expect("DF differs", no_df, SPLIT); }
Test(gro_rules, psh_merges_and_flushes) { expect("PSH", psh, MERGE_FLUSH); }
Test(gro_rules, fin_merges_and_flushes) { expect("FIN", fin, MERGE_FLUSH); }
Test(gro_rules, cwr_not_merged) { expect("CWR", cwr, SPLIT); }
Test(gro_rules, ece_differs) { expect("ECE", ece, SPLIT); }
Test(gro_rules, syn_not_merged_goes_up) { expect("SYN", syn, BOTH_UP); }
Test(gro_rules, rst_not_merged_goes_up) { expect("RST", rst, BOTH_UP); }
Test(gro_rules, urg_not_merged_goes_up) { expect("URG", urg, BOTH_UP); }
Test(gro_rules, ip_options_overtake) { expect("IP options", ipopt, OVERTAKES); }
Test(gro_rules, ethernet_padding) { expect("Ethernet padding", padding, BOTH_UP); }
Test(gro_rules, ip_fragment_overtakes) { expect("IP fragment", fragment, OVERTAKES); }
Test(gro_rules, software_checksum_merges) { expect("CHECKSUM_NONE, good", sw_csum_ok, MERGED); }
Test(gro_rules, bad_checksum_overtakes) { expect("CHECKSUM_NONE, bad", sw_csum_bad, OVERTAKES); }

Test(gro_rules, other_flow_held_beside)
{
	struct outcome two_flows = { .merged = 0, .flushed = 0, .held_new = 1, .normal = 0 };

	expect("another port", other_port, two_flows);
}

Test(gro_rules, fixed_ip_id_flow)
{
	/* DF and the same ID on the first two: a fixed-ID flow, merged while it stays fixed */
	for (u16 i = 0; i < 3; i++)
		gfeed(gseg_of(0, ISN + i * MSS, MSS, 5));
	cr_assert_eq(held_segs(0), 3, "a fixed-ID flow holds %u segments, expected 3",
		     held_segs(0));
	cr_assert(NAPI_GRO_CB(held(0))->ip_fixedid, "the flow was not judged fixed-ID");
	gfeed(gseg_of(0, ISN + 3 * MSS, MSS, 6)); /* now it moves: not this flow's rule */
	assert_gro(flushed, 1);
	gflush();
	drain();
	check_clean();
}

Test(gro_rules, limit_64k)
{
	/* 20 + 32 + 45 * 1448 = 65212 bytes; one more would reach 65536 */
	for (u16 i = 0; i < 46; i++)
		gfeed(gseg_of(0, ISN + i * (u32)MSS, MSS, i));
	assert_gro(flushed, 1);
	cr_assert_eq(held_segs(0), 1, "the flow holds %u segments after the limit, expected 1",
		     held_segs(0));
	/* 45 segments are past the batch of 8: passed up at once */
	assert_gro(segs_up, 45);
	assert_gro(up, 1);
	gflush();
	drain();
	cr_assert_eq(flow(0).bytes, 46u * MSS, "the sink got %llu bytes, expected %u",
		     (unsigned long long)flow(0).bytes, 46 * MSS);
	check_clean();
}
