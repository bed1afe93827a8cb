/* test_lro.c - the generic LRO engine (inet_lro), one test per rule, fed hand-built frames. */
#include <criterion/criterion.h>
#include <string.h>

#include <ringkit/ringkit.h>

/*
 * Each test makes a machine, takes sn1's LRO manager and hands frames
 * straight to the engine in softirq context (kit_run_softirq), as the
 * driver's NAPI poll would. Frames are real Ethernet/IPv4/TCP bytes with
 * valid checksums, built here. Results are read from the manager's stats
 * and descriptors, the upper stack's per-flow counters (every skb passed up
 * reaches the sink synchronously), the skbs themselves while they wait on
 * the socket queue (kit_skb_find), and kit_check.
 *
 * The payload byte at sequence number q is the kit's pattern with key 0 at
 * offset q - 1 (the kit's own flows start at seq 1 and the sink takes a
 * flow that began without a SYN to have isn 0; ringkit.h kit_flow_expect):
 * T[(q - 1) mod 65536] with T[j] = (7j + j/256) & 0xff.
 */

#define ISN 1000u	 /* first sequence number of every flow */
#define SPORT_BASE 40000 /* flow n sends from this port + n */
#define DPORT 5001
#define MSS 1448

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10
#define F_URG 0x20
#define F_ECE 0x40
#define F_CWR 0x80

enum tcpopt { OPT_PLAIN, OPT_SACK8, OPT_NOP4 };

struct seg {
	int flow;     /* source port SPORT_BASE + flow */
	__be32 saddr; /* 0: the snull peer */
	u32 seq;
	unsigned int plen; /* payload bytes */
	u8 flags;	   /* F_* */
	u32 ack;
	u16 window;
	bool ts; /* NOP, NOP, TIMESTAMP(10) */
	u32 tsval, tsecr;
	enum tcpopt opt; /* SACK8: NOP NOP SACK(10) in 8 words; NOP4: 4 more NOPs */
	u8 tos;
	bool ipopt;	  /* one word of IP options (ihl 6) */
	unsigned int pad; /* Ethernet padding after the datagram */
};

static struct kit *k;
static struct net_device *dev;
static struct simnic_adapter *ad;
static struct net_lro_mgr *mgr;

static void setup(void)
{
	k = kit_new(1);
	cr_assert_not_null(k, "kit_new(1) failed");
	dev = kit_dev_by_name(k, "sn1");
	cr_assert_not_null(dev, "kit_new made no device sn1");
	ad = netdev_priv(dev);
	mgr = &ad->lro_mgr;
	cr_assert_not_null(ad->ops, "sn1 has no lab functions");
	cr_assert_gt(mgr->max_desc, 2, "lro_mgr.max_desc = %d, tests need at least 3",
		     mgr->max_desc);
}

static void teardown(void)
{
	kit_free(k);
}

TestSuite(lro, .timeout = 10, .init = setup, .fini = teardown);

/* ---- building frames --------------------------------------------------------- */

static __be32 peer(void)
{
	return kit_ipv4(192, 168, 1, 1);
}

static u8 pattern(u32 off)
{
	u32 j = off % 65536;

	return (u8)((j * 7 + (j >> 8)) & 0xff);
}

static struct seg seg_of(int flow, u32 seq, unsigned int plen)
{
	return (struct seg){
		.flow = flow,
		.seq = seq,
		.plen = plen,
		.flags = F_ACK,
		.ack = 1,
		.window = 1000,
		.ts = true,
		.tsval = 100,
		.tsecr = 50,
	};
}

static void put32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24), p[1] = (u8)(v >> 16), p[2] = (u8)(v >> 8), p[3] = (u8)v;
}

static u32 get32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static unsigned int tcp_hlen(const struct seg *s)
{
	return 20 + (s->ts || s->opt == OPT_SACK8 ? 12 : 0) + (s->opt == OPT_NOP4 ? 4 : 0);
}

/* An skb as the driver hands it over: eth_type_trans done, checksum vouched for. */
static struct sk_buff *build(const struct seg *s)
{
	unsigned int ihl = s->ipopt ? 24 : 20, thl = tcp_hlen(s), tot = ihl + thl + s->plen;
	unsigned int flen = ETH_HLEN + tot + s->pad;
	struct sk_buff *skb = netdev_alloc_skb_ip_align(dev, flen);
	struct ethhdr *eth;
	struct iphdr *iph;
	struct tcphdr *th;
	u8 *p, *o;

	cr_assert_not_null(skb, "netdev_alloc_skb_ip_align(%u) failed", flen);
	p = skb_put(skb, flen);
	memset(p, 0, flen);
	eth = (struct ethhdr *)p;
	memcpy(eth->h_dest, dev->dev_addr, ETH_ALEN);
	memcpy(eth->h_source, dev->dev_addr, ETH_ALEN);
	eth->h_source[5] ^= 1;
	eth->h_proto = htons(ETH_P_IP);

	iph = (struct iphdr *)(p + ETH_HLEN);
	iph->version = 4;
	iph->ihl = (u8)(ihl / 4);
	iph->tos = s->tos;
	iph->tot_len = htons((u16)tot);
	iph->id = htons((u16)s->seq);
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = s->saddr ? s->saddr : peer();
	iph->daddr = dev->ip_addr;
	if (s->ipopt)
		memset(iph + 1, TCPOPT_NOP, 4);
	iph->check = ip_fast_csum(iph, iph->ihl);

	th = (struct tcphdr *)((u8 *)iph + ihl);
	th->source = htons((u16)(SPORT_BASE + s->flow));
	th->dest = htons(DPORT);
	th->seq = htonl(s->seq);
	th->ack_seq = htonl(s->ack);
	th->doff = (u16)(thl / 4);
	th->fin = !!(s->flags & F_FIN), th->syn = !!(s->flags & F_SYN);
	th->rst = !!(s->flags & F_RST), th->psh = !!(s->flags & F_PSH);
	th->ack = !!(s->flags & F_ACK), th->urg = !!(s->flags & F_URG);
	th->ece = !!(s->flags & F_ECE), th->cwr = !!(s->flags & F_CWR);
	th->window = htons(s->window);
	o = (u8 *)(th + 1);
	if (s->ts) {
		o[0] = TCPOPT_NOP, o[1] = TCPOPT_NOP, o[2] = TCPOPT_TIMESTAMP,
		o[3] = TCPOLEN_TIMESTAMP;
		put32(o + 4, s->tsval);
		put32(o + 8, s->tsecr);
		o += 12;
	} else if (s->opt == OPT_SACK8) {
		o[0] = TCPOPT_NOP, o[1] = TCPOPT_NOP, o[2] = 5, o[3] = 10; /* SACK, one block */
		put32(o + 4, s->seq + 5000);
		put32(o + 8, s->seq + 6000);
		o += 12;
	}
	if (s->opt == OPT_NOP4)
		memset(o, TCPOPT_NOP, 4);
	for (unsigned int i = 0; i < s->plen; i++)
		((u8 *)th)[thl + i] = pattern(s->seq - 1 + i);
	th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, thl + s->plen, IPPROTO_TCP,
				      csum_partial(th, (int)(thl + s->plen), 0));

	skb->protocol = eth_type_trans(skb, dev);
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return skb;
}

/* ---- driving the engine in softirq context ------------------------------------ */

struct vlan_arg {
	struct sk_buff *skb;
	u16 tag;
};

static void rx_cb(void *arg)
{
	ad->ops->lro_receive_skb(mgr, arg, NULL);
}

static void rx_vlan_cb(void *arg)
{
	struct vlan_arg *v = arg;

	ad->ops->lro_vlan_hwaccel_receive_skb(mgr, v->skb, NULL, v->tag, NULL);
}

static void flush_all_cb(void *arg)
{
	(void)arg;
	ad->ops->lro_flush_all(mgr);
}

static void flush_pkt_cb(void *arg)
{
	struct iphdr *iph = arg;

	ad->ops->lro_flush_pkt(mgr, iph, (struct tcphdr *)((u8 *)iph + iph->ihl * 4));
}

/* Feed one segment; returns the skb (it may be on a socket queue or in a session now). */
static struct sk_buff *feed(struct seg s)
{
	struct sk_buff *skb = build(&s);

	kit_run_softirq(k, rx_cb, skb);
	return skb;
}

static void flush_all(void)
{
	kit_run_softirq(k, flush_all_cb, NULL);
}

/* Let the application read its socket queue (and the backlog drain). */
static void drain(void)
{
	enum kit_stop why;

	kit_run(k, 200000, 0, &why);
}

/* ---- reading results ------------------------------------------------------------ */

static struct kit_flow_stat flow_from(__be32 saddr, int n)
{
	struct kit_flow_stat st;

	for (int i = 0; i < kit_flow_count(k); i++) {
		kit_flow_at(k, i, &st);
		if (st.proto == IPPROTO_TCP && st.saddr == saddr &&
		    ntohs(st.sport) == SPORT_BASE + n && ntohs(st.dport) == DPORT)
			return st;
	}
	memset(&st, 0, sizeof(st));
	return st;
}

static struct kit_flow_stat flow(int n)
{
	return flow_from(peer(), n);
}

static int active_sessions(void)
{
	int n = 0;

	for (int i = 0; i < mgr->max_desc; i++)
		n += !!mgr->lro_arr[i].active;
	return n;
}

/* The active session of flow n from saddr, or NULL. */
static struct net_lro_desc *session_from(__be32 saddr, int n)
{
	for (int i = 0; i < mgr->max_desc; i++) {
		struct net_lro_desc *d = &mgr->lro_arr[i];

		if (d->active && d->iph->saddr == saddr &&
		    d->tcph->source == htons((u16)(SPORT_BASE + n)))
			return d;
	}
	return NULL;
}

static struct net_lro_desc *session(int n)
{
	return session_from(peer(), n);
}

/* An skb passed up, still waiting on the socket queue. */
static struct sk_buff *delivered(u32 id)
{
	struct sk_buff *skb = kit_skb_find(k, id);

	cr_assert_not_null(skb, "skb#%u is no longer live: it should wait on the socket queue", id);
	cr_assert_eq(skb->kit_place, SKB_SOCKET, "skb#%u is in place %s, expected socket", id,
		     skb_place_name(skb->kit_place));
	return skb;
}

#define assert_stats(agg, fl, nd)                                                                  \
	do {                                                                                       \
		cr_assert_eq(mgr->stats.aggregated, (unsigned long)(agg),                          \
			     "stats.aggregated = %lu, expected %lu", mgr->stats.aggregated,        \
			     (unsigned long)(agg));                                                \
		cr_assert_eq(mgr->stats.flushed, (unsigned long)(fl),                              \
			     "stats.flushed = %lu, expected %lu", mgr->stats.flushed,              \
			     (unsigned long)(fl));                                                 \
		cr_assert_eq(mgr->stats.no_desc, (unsigned long)(nd),                              \
			     "stats.no_desc = %lu, expected %lu", mgr->stats.no_desc,              \
			     (unsigned long)(nd));                                                 \
	} while (0)

/*
 * Flow 0 gets a good segment (it must start a session: the control), then
 * flow 1 gets s, which may not start one: it must go up at once, untouched.
 */
static void expect_not_aggregated(struct seg s, const char *what)
{
	struct kit_flow_stat st;
	struct sk_buff *skb;
	u32 id;

	feed(seg_of(0, ISN, 100));
	cr_assert_eq(mgr->stats.aggregated, 1,
		     "control: a plain segment was not aggregated "
		     "(stats.aggregated = %lu, expected 1)",
		     mgr->stats.aggregated);
	s.flow = 1;
	skb = feed(s);
	id = skb->kit_id;
	cr_assert_eq(mgr->stats.aggregated, 1,
		     "%s: stats.aggregated = %lu, expected 1 "
		     "(the segment must not be aggregated)",
		     what, mgr->stats.aggregated);
	cr_assert_null(session(1), "%s: the segment started an LRO session", what);
	st = flow(1);
	cr_assert_eq(st.packets, 1,
		     "%s: packets passed up for its flow = %llu, expected 1 "
		     "(passed up at once)",
		     what, (unsigned long long)st.packets);
	cr_assert_eq(skb_shinfo(delivered(id))->gso_segs, 0,
		     "%s: gso_segs = %u, expected 0 "
		     "(passed up unchanged)",
		     what, skb_shinfo(delivered(id))->gso_segs);
	cr_assert_eq(active_sessions(), 1, "%s: %d active sessions, expected 1 (flow 0's)", what,
		     active_sessions());
}

/* ---- a session starts ---------------------------------------------------------- */

Test(lro, first_packet_starts_session)
{
	struct sk_buff *skb = feed(seg_of(0, ISN, 700));
	struct net_lro_desc *d = session(0);

	assert_stats(1, 0, 0);
	cr_assert_not_null(d, "no active session after an eligible segment");
	cr_assert_eq(d->parent, skb, "the session's parent is skb#%u, expected the first, skb#%u",
		     d->parent ? d->parent->kit_id : 0, skb->kit_id);
	cr_assert_eq(d->pkt_aggr_cnt, 1, "pkt_aggr_cnt = %d, expected 1", d->pkt_aggr_cnt);
	cr_assert_eq(d->tcp_next_seq, ISN + 700, "tcp_next_seq = %u, expected %u", d->tcp_next_seq,
		     ISN + 700);
	cr_assert_eq(d->mss, 700, "mss = %d, expected 700", d->mss);
	cr_assert_eq(flow(0).packets, 0, "%llu packets passed up, expected 0 (held)",
		     (unsigned long long)flow(0).packets);
}

/* ---- eligibility: lro_tcp_ip_check ------------------------------------------------ */

Test(lro, padded_frame_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 2);

	s.ts = false;
	s.pad = 4; /* 14 + 20 + 20 + 2 = 56 bytes, padded to 60 */
	expect_not_aggregated(s, "Ethernet-padded frame (tot_len < skb->len)");
}

Test(lro, pure_ack_not_aggregated)
{
	expect_not_aggregated(seg_of(1, ISN, 0), "pure ACK (no payload)");
}

Test(lro, ip_options_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.ipopt = true;
	expect_not_aggregated(s, "IP header with options (ihl 6)");
}

Test(lro, ack_clear_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags = 0;
	expect_not_aggregated(s, "ACK flag clear");
}

Test(lro, cwr_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags |= F_CWR;
	expect_not_aggregated(s, "CWR set");
}

Test(lro, ece_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags |= F_ECE;
	expect_not_aggregated(s, "ECE set");
}

Test(lro, urg_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags |= F_URG;
	expect_not_aggregated(s, "URG set");
}

Test(lro, rst_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags |= F_RST;
	expect_not_aggregated(s, "RST set");
}

Test(lro, syn_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags |= F_SYN;
	expect_not_aggregated(s, "SYN set");
}

Test(lro, fin_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags |= F_FIN;
	expect_not_aggregated(s, "FIN set");
}

Test(lro, psh_merges_without_flush)
{
	struct seg s;
	struct net_lro_desc *d;

	feed(seg_of(0, ISN, 100));
	s = seg_of(0, ISN + 100, 100);
	s.flags |= F_PSH;
	feed(s);
	s = seg_of(0, ISN + 200, 100);
	s.flags |= F_PSH;
	feed(s);
	d = session(0);
	assert_stats(3, 0, 0);
	cr_assert_not_null(d, "PSH flushed the session");
	cr_assert_eq(d->pkt_aggr_cnt, 3, "pkt_aggr_cnt = %d, expected 3 (PSH merges)",
		     d->pkt_aggr_cnt);
	cr_assert_eq(flow(0).packets, 0, "%llu packets passed up, expected 0",
		     (unsigned long long)flow(0).packets);
}

Test(lro, ecn_ce_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.tos = 0x03; /* ECN field 11: congestion experienced */
	expect_not_aggregated(s, "ECN CE");
	/* ECT(1) and ECT(0) are not CE: they merge */
	s = seg_of(2, ISN, 100);
	s.tos = 0x01;
	feed(s);
	cr_assert_not_null(session(2),
			   "ECN ECT(1) (tos 0x01) was not aggregated; only CE is refused");
	s = seg_of(3, ISN, 100);
	s.tos = 0x02;
	feed(s);
	cr_assert_not_null(session(3),
			   "ECN ECT(0) (tos 0x02) was not aggregated; only CE is refused");
}

Test(lro, tcp_options_other_than_timestamp_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.ts = false;
	s.opt = OPT_SACK8; /* 8 words, but NOP NOP SACK */
	expect_not_aggregated(s, "8-word TCP header with a SACK option");
	s = seg_of(2, ISN, 100);
	s.ts = false;
	s.opt = OPT_NOP4; /* 6 words */
	feed(s);
	cr_assert_null(session(2), "a 6-word TCP header (4 NOPs) started a session");
	s = seg_of(3, ISN, 100);
	s.opt = OPT_NOP4; /* timestamp + 4 NOPs: 9 words */
	feed(s);
	cr_assert_null(session(3), "a 9-word TCP header (timestamp + NOPs) started a session");
	cr_assert_eq(flow(2).packets + flow(3).packets, 2,
		     "%llu + %llu packets passed up for "
		     "flows 2 and 3, expected 1 + 1",
		     (unsigned long long)flow(2).packets, (unsigned long long)flow(3).packets);
}

Test(lro, timestamp_backwards_flushes_and_passes_up)
{
	struct seg s = seg_of(0, ISN, 100);
	struct sk_buff *third;

	s.tsval = 5000;
	feed(s);
	s = seg_of(0, ISN + 100, 100);
	s.tsval = 5000; /* equal: not after, merges */
	feed(s);
	cr_assert_eq(session(0) ? session(0)->pkt_aggr_cnt : 0, 2,
		     "an equal tsval did not merge (pkt_aggr_cnt %d, expected 2)",
		     session(0) ? session(0)->pkt_aggr_cnt : 0);
	s = seg_of(0, ISN + 200, 100);
	s.tsval = 4999; /* backwards */
	third = feed(s);
	assert_stats(2, 1, 0);
	cr_assert_null(session(0), "the session is still active after tsval went backwards");
	cr_assert_eq(flow(0).packets, 2,
		     "%llu packets passed up, expected 2 (aggregate, then "
		     "the segment)",
		     (unsigned long long)flow(0).packets);
	cr_assert_eq(flow(0).segments, 3, "%llu segments passed up, expected 3",
		     (unsigned long long)flow(0).segments);
	cr_assert_eq(skb_shinfo(delivered(third->kit_id))->gso_segs, 0,
		     "the backwards segment has gso_segs %u, expected 0 (passed up on its own)",
		     skb_shinfo(delivered(third->kit_id))->gso_segs);
}

Test(lro, zero_echo_reply_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.tsecr = 0;
	expect_not_aggregated(s, "timestamp echo reply 0");
	/* on an active session: flush, then pass up */
	s = seg_of(0, ISN + 100, 100);
	s.tsecr = 0;
	feed(s);
	assert_stats(1, 1, 0);
	cr_assert_null(session(0), "flow 0's session survived a segment with echo reply 0");
	cr_assert_eq(flow(0).packets, 2, "%llu packets passed up for flow 0, expected 2",
		     (unsigned long long)flow(0).packets);
}

/* ---- sessions -------------------------------------------------------------------- */

Test(lro, sessions_keyed_by_4tuple)
{
	__be32 other = kit_ipv4(192, 168, 1, 77);

	for (u32 i = 0; i < 3; i++) {
		struct seg c = seg_of(0, ISN + i * 100, 100);

		feed(seg_of(0, ISN + i * 100, 100));
		feed(seg_of(1, ISN + i * 100, 100));
		c.saddr = other; /* flow 0's ports, another source address */
		feed(c);
	}
	assert_stats(9, 0, 0);
	cr_assert_eq(active_sessions(), 3, "%d active sessions, expected 3", active_sessions());
	cr_assert(session(0) && session(1) && session_from(other, 0),
		  "each 4-tuple should have its own session (flow 0: %p, flow 1: %p, "
		  "flow 0 from another address: %p)",
		  (void *)session(0), (void *)session(1), (void *)session_from(other, 0));
	cr_assert_eq(session(0)->pkt_aggr_cnt, 3, "flow 0 pkt_aggr_cnt = %d, expected 3",
		     session(0)->pkt_aggr_cnt);
	cr_assert_eq(session(1)->pkt_aggr_cnt, 3, "flow 1 pkt_aggr_cnt = %d, expected 3",
		     session(1)->pkt_aggr_cnt);
	cr_assert_eq(session_from(other, 0)->pkt_aggr_cnt, 3,
		     "flow 0 from another address: pkt_aggr_cnt = %d, expected 3",
		     session_from(other, 0)->pkt_aggr_cnt);
}

Test(lro, out_of_sequence_flushes_and_passes_up)
{
	struct sk_buff *gap;

	feed(seg_of(0, ISN, 100));
	feed(seg_of(0, ISN + 100, 100));
	gap = feed(seg_of(0, ISN + 300, 100)); /* 100 bytes missing */
	assert_stats(2, 1, 0);
	cr_assert_null(session(0), "the out-of-sequence segment started (or kept) a session");
	cr_assert_eq(active_sessions(), 0, "%d active sessions, expected 0", active_sessions());
	cr_assert_eq(flow(0).packets, 2,
		     "%llu packets passed up, expected 2 (aggregate, then "
		     "the segment)",
		     (unsigned long long)flow(0).packets);
	cr_assert_eq(skb_shinfo(delivered(gap->kit_id))->gso_segs, 0,
		     "the out-of-sequence segment has gso_segs %u, expected 0 (unaggregated)",
		     skb_shinfo(delivered(gap->kit_id))->gso_segs);
	/* the next in-order segment starts a fresh session */
	feed(seg_of(0, ISN + 400, 100));
	cr_assert_not_null(session(0), "the segment after the gap did not start a session");
	cr_assert_eq(session(0)->tcp_next_seq, ISN + 500, "tcp_next_seq = %u, expected %u",
		     session(0)->tcp_next_seq, ISN + 500);
}

Test(lro, ineligible_on_active_flow_flushes_then_passes_up)
{
	struct seg fin = seg_of(0, ISN + 200, 100);
	struct kit_flow_stat st;

	feed(seg_of(0, ISN, 100));
	feed(seg_of(0, ISN + 100, 100));
	fin.flags |= F_FIN;
	feed(fin);
	assert_stats(2, 1, 0);
	cr_assert_null(session(0), "a FIN segment did not end the session");
	st = flow(0);
	cr_assert_eq(st.packets, 2, "%llu packets passed up, expected 2",
		     (unsigned long long)st.packets);
	cr_assert_eq(st.segments, 3, "%llu segments passed up, expected 3",
		     (unsigned long long)st.segments);
	/* the aggregate went first: the stream arrived in order */
	cr_assert_eq(st.errors, 0,
		     "the stack saw %llu stream errors: the FIN segment went up "
		     "before the aggregate",
		     (unsigned long long)st.errors);
	cr_assert_eq(st.bytes, 300, "%llu payload bytes passed up, expected 300",
		     (unsigned long long)st.bytes);
}

Test(lro, flush_at_max_aggr)
{
	mgr->max_aggr = 4;
	for (u32 i = 0; i < 3; i++)
		feed(seg_of(0, ISN + i * 100, 100));
	cr_assert_not_null(session(0), "flushed before max_aggr (4) was reached");
	cr_assert_eq(session(0)->pkt_aggr_cnt, 3, "pkt_aggr_cnt = %d, expected 3",
		     session(0)->pkt_aggr_cnt);
	feed(seg_of(0, ISN + 300, 100));
	assert_stats(4, 1, 0);
	cr_assert_null(session(0), "not flushed when pkt_aggr_cnt reached max_aggr 4");
	cr_assert_eq(flow(0).segments, 4, "%llu segments passed up, expected 4",
		     (unsigned long long)flow(0).segments);
	feed(seg_of(0, ISN + 400, 100));
	cr_assert_not_null(session(0), "the next segment did not start a new session");
}

Test(lro, flush_near_64k)
{
	unsigned int limit = 0xFFFF - dev->mtu, len = 20 + 32 + MSS, n = 1;

	mgr->max_aggr = 64;
	feed(seg_of(0, ISN, MSS));
	/* the parent grows by MSS per segment; it goes up once it is past 65535 - mtu */
	while (len + MSS <= limit) {
		feed(seg_of(0, ISN + n * MSS, MSS));
		len += MSS;
		n++;
	}
	cr_assert_not_null(session(0), "flushed at %u bytes, before passing %u (65535 - mtu)", len,
			   limit);
	cr_assert_eq(session(0)->parent->len, len, "parent len = %u, expected %u",
		     session(0)->parent->len, len);
	feed(seg_of(0, ISN + n * MSS, MSS));
	n++;
	cr_assert_null(session(0),
		       "not flushed at %u bytes (> 65535 - mtu = %u) after %u "
		       "segments",
		       len + MSS, limit, n);
	assert_stats(n, 1, 0);
	cr_assert_eq(flow(0).segments, n, "%llu segments passed up, expected %u",
		     (unsigned long long)flow(0).segments, n);
	cr_assert_eq(flow(0).bytes, (u64)n * MSS, "%llu bytes passed up, expected %llu",
		     (unsigned long long)flow(0).bytes, (unsigned long long)n * MSS);
}

/* ---- flush: header rewrite ---------------------------------------------------------- */

Test(lro, header_rewrite_on_flush)
{
	static const unsigned int plen[3] = {1000, 1448, 500};
	struct sk_buff *skb = NULL;
	struct iphdr *iph;
	struct tcphdr *th;
	u32 seq = ISN, id = 0;
	u8 *opt;

	for (int i = 0; i < 3; i++) {
		struct seg s = seg_of(0, seq, plen[i]);

		s.ack = 7000 + (u32)i * 10;
		s.window = (u16)(2000 + i);
		s.tsval = 300 + (u32)i;
		s.tsecr = 900 + (u32)i;
		skb = feed(s);
		if (!i)
			id = skb->kit_id;
		seq += plen[i];
	}
	flush_all();
	skb = delivered(id);
	iph = (struct iphdr *)skb->data;
	th = (struct tcphdr *)(skb->data + iph->ihl * 4);
	opt = (u8 *)(th + 1);
	cr_assert_eq(ntohs(iph->tot_len), 20 + 32 + 2948, "IP tot_len = %u, expected %u",
		     ntohs(iph->tot_len), 20 + 32 + 2948);
	cr_assert_eq(skb->len, 20u + 32 + 2948, "skb->len = %u, expected %u", skb->len,
		     20 + 32 + 2948);
	cr_assert_eq(ntohl(th->seq), ISN, "seq = %u, expected %u (the first segment's)",
		     ntohl(th->seq), ISN);
	cr_assert_eq(ntohl(th->ack_seq), 7020, "ack_seq = %u, expected 7020 (the last one's)",
		     ntohl(th->ack_seq));
	cr_assert_eq(ntohs(th->window), 2002, "window = %u, expected 2002 (the last one's)",
		     ntohs(th->window));
	cr_assert_eq(get32(opt + 4), 300, "tsval = %u, expected 300 (the first one's, kept)",
		     get32(opt + 4));
	cr_assert_eq(get32(opt + 8), 902, "TS echo reply = %u, expected 902 (the last one's)",
		     get32(opt + 8));
}

Test(lro, checksums_valid_after_rewrite)
{
	/* odd sizes put later payloads at odd offsets of the 16-bit checksum words */
	static const unsigned int plen[4] = {999, 1001, 17, 1448};
	static u8 buf[65536];
	struct sk_buff *skb;
	struct iphdr *iph;
	unsigned int ihl, tot;
	u32 seq = ISN, id = 0;
	__sum16 sum;

	for (int i = 0; i < 4; i++) {
		struct seg s = seg_of(0, seq, plen[i]);

		s.ack = 1 + (u32)i * 5000;
		s.window = (u16)(999 * (i + 1));
		s.tsecr = 77 + (u32)i;
		skb = feed(s);
		if (!i)
			id = skb->kit_id;
		seq += plen[i];
	}
	flush_all();
	skb = delivered(id);
	iph = (struct iphdr *)skb->data;
	ihl = iph->ihl * 4u;
	tot = ntohs(iph->tot_len);
	cr_assert_eq(ip_fast_csum(iph, iph->ihl), 0, "IP header checksum 0x%04x does not verify",
		     iph->check);
	cr_assert_eq(skb_copy_bits(skb, (int)ihl, buf, (int)(tot - ihl)), 0,
		     "cannot read %u TCP bytes from the aggregate (len %u)", tot - ihl, skb->len);
	sum = csum_tcpudp_magic(iph->saddr, iph->daddr, tot - ihl, IPPROTO_TCP,
				csum_partial(buf, (int)(tot - ihl), 0));
	cr_assert_eq(sum, 0,
		     "TCP checksum over the whole aggregate does not verify "
		     "(residue 0x%04x, check field 0x%04x)",
		     sum, ((struct tcphdr *)(skb->data + ihl))->check);
}

Test(lro, gso_size_is_largest_payload)
{
	static const unsigned int plen[4] = {536, 1448, 1200, 100};
	u32 seq = ISN, id = 0;
	struct sk_buff *skb;

	for (int i = 0; i < 4; i++) {
		skb = feed(seg_of(0, seq, plen[i]));
		if (!i)
			id = skb->kit_id;
		seq += plen[i];
	}
	cr_assert_eq(session(0)->mss, 1448, "mss = %d, expected 1448", session(0)->mss);
	flush_all();
	skb = delivered(id);
	cr_assert_eq(skb_shinfo(skb)->gso_size, 1448, "gso_size = %u, expected 1448",
		     skb_shinfo(skb)->gso_size);
	cr_assert_eq(skb_shinfo(skb)->gso_segs, 4, "gso_segs = %u, expected 4",
		     skb_shinfo(skb)->gso_segs);
	cr_assert_eq(skb->ip_summed, mgr->ip_summed_aggr,
		     "ip_summed = %u, expected %u "
		     "(ip_summed_aggr)",
		     skb->ip_summed, mgr->ip_summed_aggr);
}

Test(lro, single_packet_session_unchanged)
{
	struct seg s = seg_of(0, ISN, 333);
	struct sk_buff *skb = build(&s);
	u8 before[20 + 32];
	u32 id = skb->kit_id;

	memcpy(before, skb->data, sizeof(before));
	kit_run_softirq(k, rx_cb, skb);
	flush_all();
	skb = delivered(id);
	cr_assert_eq(memcmp(before, skb->data, sizeof(before)), 0,
		     "the headers of a 1-packet session were changed");
	cr_assert_eq(skb_shinfo(skb)->gso_size, 333, "gso_size = %u, expected 333",
		     skb_shinfo(skb)->gso_size);
	cr_assert_null(skb_shinfo(skb)->frag_list, "a 1-packet session has a frag_list");
}

/* ---- counters and flush entry points --------------------------------------------- */

Test(lro, stats_semantics)
{
	for (u32 i = 0; i < 3; i++)
		feed(seg_of(0, ISN + i * 100, 100));
	assert_stats(3, 0, 0); /* the first packet of a session counts */
	flush_all();
	assert_stats(3, 1, 0);
	feed(seg_of(1, ISN, 100));
	feed(seg_of(2, ISN, 0)); /* pure ACK: neither */
	flush_all();
	assert_stats(4, 2, 0); /* a 1-packet session counts as flushed */
	flush_all();
	assert_stats(4, 2, 0); /* nothing left to flush */
}

Test(lro, no_desc_when_all_busy)
{
	int n = mgr->max_desc;

	for (int i = 0; i < n; i++)
		feed(seg_of(i, ISN, 100));
	cr_assert_eq(active_sessions(), n, "%d active sessions, expected %d", active_sessions(), n);
	feed(seg_of(n, ISN, 100));
	assert_stats(n, 0, 1);
	cr_assert_eq(flow(n).packets, 1, "%llu packets passed up for the extra flow, expected 1",
		     (unsigned long long)flow(n).packets);
	/* the busy sessions still merge */
	feed(seg_of(0, ISN + 100, 100));
	cr_assert_eq(session(0)->pkt_aggr_cnt, 2, "flow 0 pkt_aggr_cnt = %d, expected 2",
		     session(0)->pkt_aggr_cnt);
	assert_stats(n + 1, 0, 1);
}

Test(lro, flush_all_empties_every_session)
{
	int n = mgr->max_desc;

	for (u32 i = 0; i < 2; i++)
		for (int f = 0; f < n; f++)
			feed(seg_of(f, ISN + i * 100, 100));
	cr_assert_eq(active_sessions(), n, "%d active sessions, expected %d (every descriptor)",
		     active_sessions(), n);
	flush_all();
	assert_stats(2 * n, n, 0);
	cr_assert_eq(active_sessions(), 0, "%d sessions left after lro_flush_all, expected 0",
		     active_sessions());
	for (int i = 0; i < n; i++)
		cr_assert_null(mgr->lro_arr[i].parent, "lro_arr[%d].parent still set after flush",
			       i);
	for (int f = 0; f < n; f++)
		cr_assert_eq(flow(f).segments, 2, "flow %d: %llu segments passed up, expected 2", f,
			     (unsigned long long)flow(f).segments);
}

Test(lro, flush_pkt_flushes_only_its_flow)
{
	struct seg b = seg_of(1, ISN + 200, 100);
	struct sk_buff *hdrs;

	for (u32 i = 0; i < 2; i++) {
		feed(seg_of(0, ISN + i * 100, 100));
		feed(seg_of(1, ISN + i * 100, 100));
	}
	hdrs = build(&b); /* any packet of flow 1 names the session */
	kit_run_softirq(k, flush_pkt_cb, hdrs->data);
	kfree_skb(hdrs);
	assert_stats(4, 1, 0);
	cr_assert_null(session(1), "flow 1's session survived lro_flush_pkt");
	cr_assert_not_null(session(0), "lro_flush_pkt of flow 1 flushed flow 0 too");
	cr_assert_eq(flow(1).segments, 2, "flow 1: %llu segments passed up, expected 2",
		     (unsigned long long)flow(1).segments);
	cr_assert_eq(flow(0).packets, 0, "flow 0: %llu packets passed up, expected 0",
		     (unsigned long long)flow(0).packets);
	/* no session for that flow: nothing happens */
	kit_run_softirq(k, flush_pkt_cb, (hdrs = build(&b))->data);
	kfree_skb(hdrs);
	assert_stats(4, 1, 0);
}

/* ---- the whole picture ----------------------------------------------------------------- */

Test(lro, byte_stream_identical)
{
	u32 ids[64], seq = ISN, total = 0, checked = 0, want = ISN;
	int nparents = 0;
	static u8 buf[65536];
	struct kit_flow_stat st;

	kit_flow_expect(k, peer(), dev->ip_addr, SPORT_BASE, DPORT, IPPROTO_TCP, 0);
	for (int i = 0; i < 120; i++) {
		unsigned int plen = 1 + (unsigned int)(i * 149) % MSS;
		struct sk_buff *skb = feed(seg_of(0, seq, plen));

		if (session(0) && session(0)->parent == skb && nparents < (int)ARRAY_SIZE(ids))
			ids[nparents++] = skb->kit_id;
		seq += plen;
		total += plen;
		if (i % 10 == 9)
			flush_all(); /* the end of a poll */
	}
	cr_assert_gt(nparents, 1, "only %d aggregates were made", nparents);
	/* each aggregate's payload, in order, is the stream fed in */
	for (int i = 0; i < nparents; i++) {
		struct sk_buff *skb = delivered(ids[i]);
		struct iphdr *iph = (struct iphdr *)skb->data;
		struct tcphdr *th = (struct tcphdr *)(skb->data + iph->ihl * 4);
		unsigned int hl = iph->ihl * 4u + th->doff * 4u, plen = skb->len - hl, j;

		cr_assert_eq(ntohl(th->seq), want, "aggregate %d starts at seq %u, expected %u", i,
			     ntohl(th->seq), want);
		cr_assert_eq(skb_copy_bits(skb, (int)hl, buf, (int)plen), 0,
			     "cannot read aggregate %d's %u payload bytes", i, plen);
		j = 0;
		while (j < plen && buf[j] == pattern(want - 1 + j))
			j++;
		cr_assert_eq(j, plen,
			     "aggregate %d, payload byte %u (seq %u) = 0x%02x, expected "
			     "0x%02x",
			     i, j, want + j, buf[j], pattern(want - 1 + j));
		want += plen;
		checked += plen;
	}
	cr_assert_eq(checked, total, "%u payload bytes passed up, expected %u", checked, total);
	st = flow(0);
	cr_assert(st.checked, "the sink did not check the flow's bytes");
	cr_assert_eq(st.errors, 0, "the sink found %llu stream errors",
		     (unsigned long long)st.errors);
	cr_assert_eq(st.bytes, total, "the sink counted %llu bytes, expected %u",
		     (unsigned long long)st.bytes, total);
	cr_assert_eq(st.segments, 120, "%llu segments passed up, expected 120",
		     (unsigned long long)st.segments);
}

Test(lro, conservation)
{
	struct kit_snap s0, s1;
	char report[2048];
	int problems;
	struct seg s;

	kit_snapshot(k, &s0);
	mgr->max_desc = 2;
	for (u32 i = 0; i < 4; i++) {
		feed(seg_of(0, ISN + i * 100, 100));
		feed(seg_of(1, ISN + i * 100, 100));
	}
	feed(seg_of(2, ISN, 100)); /* no descriptor */
	feed(seg_of(3, ISN, 0));   /* pure ACK */
	s = seg_of(4, ISN, 2);
	s.ts = false;
	s.pad = 4; /* padded runt */
	feed(s);
	feed(seg_of(0, ISN + 900, 100)); /* out of sequence */
	s = seg_of(1, ISN + 400, 100);
	s.flags |= F_FIN; /* ineligible on an active flow */
	feed(s);
	feed(seg_of(0, ISN + 1000, 100)); /* a new session, left held */
	problems = kit_check(k, report, sizeof(report));
	cr_assert_eq(problems, 0, "kit_check with a session held: %d problems:\n%s", problems,
		     report);
	flush_all();
	drain();
	problems = kit_check(k, report, sizeof(report));
	cr_assert_eq(problems, 0, "kit_check after flush and drain: %d problems:\n%s", problems,
		     report);
	kit_snapshot(k, &s1);
	cr_assert_eq(s1.skb_allocated - s1.skb_freed, s0.skb_allocated - s0.skb_freed,
		     "%llu skbs live after everything was consumed, expected %llu as before",
		     (unsigned long long)(s1.skb_allocated - s1.skb_freed),
		     (unsigned long long)(s0.skb_allocated - s0.skb_freed));
	cr_assert_eq(s1.sock_queue_len, 0, "%u skbs still on the socket queue", s1.sock_queue_len);
	cr_assert_eq(s1.bugs + s1.warnings, 0, "%llu BUG and %llu WARNING records",
		     (unsigned long long)s1.bugs, (unsigned long long)s1.warnings);
}

Test(lro, vlan_hwaccel_keeps_tag)
{
	struct vlan_arg v = {.tag = 5};
	struct seg s = seg_of(0, ISN, 100);
	u32 parent_id;

	v.skb = build(&s);
	parent_id = v.skb->kit_id;
	kit_run_softirq(k, rx_vlan_cb, &v);
	s = seg_of(0, ISN + 100, 100);
	v.skb = build(&s);
	kit_run_softirq(k, rx_vlan_cb, &v);
	cr_assert_eq(session(0) ? session(0)->pkt_aggr_cnt : 0, 2,
		     "VLAN segments did not merge (pkt_aggr_cnt %d, expected 2)",
		     session(0) ? session(0)->pkt_aggr_cnt : 0);
	flush_all();
	cr_assert_eq(delivered(parent_id)->vlan_tci, 5, "aggregate's vlan_tci = %u, expected 5",
		     delivered(parent_id)->vlan_tci);
	/* passed up unaggregated: the tag goes with it too */
	s = seg_of(1, ISN, 0);
	v = (struct vlan_arg){.skb = build(&s), .tag = 9};
	parent_id = v.skb->kit_id;
	kit_run_softirq(k, rx_vlan_cb, &v);
	cr_assert_eq(delivered(parent_id)->vlan_tci, 9, "pure ACK's vlan_tci = %u, expected 9",
		     delivered(parent_id)->vlan_tci);
}

Test(lro, netif_rx_without_napi_flag)
{
	struct kit_snap s;

	mgr->features &= ~(unsigned long)LRO_F_NAPI;
	feed(seg_of(0, ISN, 100));
	feed(seg_of(0, ISN + 100, 100));
	flush_all();
	feed(seg_of(1, ISN, 0)); /* passed up at once, also through netif_rx */
	cr_assert_eq(flow(0).packets + flow(1).packets, 0,
		     "%llu packets reached the stack at "
		     "once, expected 0 (netif_rx queues on the backlog)",
		     (unsigned long long)(flow(0).packets + flow(1).packets));
	drain();
	cr_assert_eq(flow(0).segments, 2, "flow 0: %llu segments passed up, expected 2",
		     (unsigned long long)flow(0).segments);
	cr_assert_eq(flow(1).packets, 1, "flow 1: %llu packets passed up, expected 1",
		     (unsigned long long)flow(1).packets);
	kit_snapshot(k, &s);
	cr_assert_eq(s.bugs + s.warnings, 0, "%llu BUG and %llu WARNING records",
		     (unsigned long long)s.bugs, (unsigned long long)s.warnings);
}

Test(lro, cpu_cost_per_packet)
{
	struct kit_snap s0, s1;

	kit_snapshot(k, &s0);
	feed(seg_of(0, ISN, 100));
	feed(seg_of(0, ISN + 100, 100));
	feed(seg_of(0, ISN + 300, 100)); /* gap */
	feed(seg_of(1, ISN, 0));	 /* pure ACK */
	feed(seg_of(2, ISN, 100));
	kit_snapshot(k, &s1);
	cr_assert_eq(s1.cost_count[COST_LRO] - s0.cost_count[COST_LRO], 5,
		     "COST_LRO charged %llu times for 5 packets, expected 5",
		     (unsigned long long)(s1.cost_count[COST_LRO] - s0.cost_count[COST_LRO]));
}

Test(lro, trace_records)
{
	u64 start = kit_trace_total(k);
	int aggr = 0, flush = 0, nodesc = 0;
	unsigned int len1 = 20 + 32 + 100;

	mgr->max_desc = 1;
	feed(seg_of(0, ISN, 100));
	feed(seg_of(0, ISN + 100, 100));
	feed(seg_of(1, ISN, 100)); /* no descriptor */
	flush_all();
	for (size_t i = 0; i < kit_trace_count(k); i++) {
		const struct trace_rec *r = kit_trace_at(k, i);

		if (kit_trace_total(k) - kit_trace_count(k) + i < start)
			continue;
		if (r->type == TR_LRO_AGGR) {
			aggr++;
			cr_assert_eq(r->a, 0, "aggregated record: flow %u, expected descriptor 0",
				     r->a);
			cr_assert_eq(r->b, (u32)aggr,
				     "aggregated record %d: %u packets, expected %d", aggr, r->b,
				     aggr);
			cr_assert_eq(r->c, len1 + (u32)(aggr - 1) * 100,
				     "aggregated record %d: %u "
				     "bytes, expected %u",
				     aggr, r->c, len1 + (u32)(aggr - 1) * 100);
		} else if (r->type == TR_LRO_FLUSH) {
			flush++;
			cr_assert(r->a == 0 && r->b == 2 && r->c == len1 + 100,
				  "flushed record: "
				  "flow %u, %u packets, %u bytes; expected 0, 2, %u",
				  r->a, r->b, r->c, len1 + 100);
		} else if (r->type == TR_LRO_NODESC) {
			nodesc++;
		}
	}
	cr_assert_eq(aggr, 2, "%d LRO aggregated records, expected 2", aggr);
	cr_assert_eq(flush, 1, "%d LRO flushed records, expected 1", flush);
	cr_assert_eq(nodesc, 1, "%d LRO no_desc records, expected 1", nodesc);
}
