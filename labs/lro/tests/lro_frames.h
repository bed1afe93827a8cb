/* lro_frames.h - for lab lro's graded tests: hand-built TCP segments fed to your engine in softirq. */
#ifndef LABS_LRO_FRAMES_H
#define LABS_LRO_FRAMES_H

#include <string.h>

#include "grade.h"

/*
 * Most lro tests build the segments themselves: real Ethernet/IPv4/TCP bytes
 * with valid checksums, handed to lro_receive_skb (through adapter->ops, so
 * your function) in softirq context, as the driver's poll does, with
 * lro_flush_all where a poll would end. The results are read where the kit
 * keeps them: the manager's stats, the sessions in lro_arr (active, the
 * fields `lro show` draws), the socket's per-flow counters (every skb passed
 * up reaches it at once and the stack checks every payload byte), and the
 * skbs themselves while they wait on the socket queue. These C steps do not
 * replay in the shell; the replay script names each one in a comment.
 *
 * The payload byte at sequence number q is the kit's pattern with key 0 at
 * offset q - 1: T[(q - 1) mod 65536] with T[j] = (7j + j/256) & 0xff.
 */

static struct kit *k;
static struct net_device *dev;
static struct simnic_adapter *ad;
static struct net_lro_mgr *mgr;

/* sn1 with LRO on, nothing traced; after a `reset` too. */
static inline void lro_attach(void)
{
	grade_cmd("trace off");
	grade_cmd("ethtool -K sn1 lro on");
	k = grade_kit();
	dev = grade_dev("sn1");
	ad = grade_adapter("sn1");
	mgr = &ad->lro_mgr;
}

/* The test's start: a fresh machine, then lro_attach. */
static inline void lro_begin(const char *name)
{
	grade_begin("lro", name);
	lro_attach();
}

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
	u16 vlan;	  /* an 802.1Q tag in the data (0: none) */
};

/* ---- building frames --------------------------------------------------------- */

static inline __be32 peer(void)
{
	return kit_ipv4(192, 168, 1, 1);
}

static inline u8 pattern(u32 off)
{
	u32 j = off % 65536;

	return (u8)((j * 7 + (j >> 8)) & 0xff);
}

static inline struct seg seg_of(int flow, u32 seq, unsigned int plen)
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

static inline void put32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24), p[1] = (u8)(v >> 16), p[2] = (u8)(v >> 8), p[3] = (u8)v;
}

static inline u32 get32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline unsigned int tcp_hlen(const struct seg *s)
{
	return 20 + (s->ts || s->opt == OPT_SACK8 ? 12 : 0) + (s->opt == OPT_NOP4 ? 4 : 0);
}

/* An skb as the driver hands it over: eth_type_trans done, checksum vouched for. */
static inline struct sk_buff *build(const struct seg *s)
{
	unsigned int ihl = s->ipopt ? 24 : 20, thl = tcp_hlen(s), tot = ihl + thl + s->plen;
	unsigned int l2 = ETH_HLEN + (s->vlan ? VLAN_HLEN : 0), flen = l2 + tot + s->pad;
	struct sk_buff *skb = netdev_alloc_skb_ip_align(dev, flen);
	struct ethhdr *eth;
	struct iphdr *iph;
	struct tcphdr *th;
	u8 *p, *o;

	grade_check(skb != NULL, "sn1", "netdev_alloc_skb_ip_align(%u) failed", flen);
	p = skb_put(skb, flen);
	memset(p, 0, flen);
	eth = (struct ethhdr *)p;
	memcpy(eth->h_dest, dev->dev_addr, ETH_ALEN);
	memcpy(eth->h_source, dev->dev_addr, ETH_ALEN);
	eth->h_source[5] ^= 1;
	eth->h_proto = htons(ETH_P_IP);
	if (s->vlan) {
		struct vlan_ethhdr *veth = (struct vlan_ethhdr *)p;

		veth->h_vlan_proto = htons(ETH_P_8021Q);
		veth->h_vlan_TCI = htons(s->vlan);
		veth->h_vlan_encapsulated_proto = htons(ETH_P_IP);
	}

	iph = (struct iphdr *)(p + l2);
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

static inline void rx_cb(void *arg)
{
	ad->ops->lro_receive_skb(mgr, arg, NULL);
}

static inline void rx_vlan_cb(void *arg)
{
	struct vlan_arg *v = arg;

	ad->ops->lro_vlan_hwaccel_receive_skb(mgr, v->skb, NULL, v->tag, NULL);
}

static inline void flush_all_cb(void *arg)
{
	(void)arg;
	ad->ops->lro_flush_all(mgr);
}

/* Feed one segment; returns the skb (it may be on a socket queue or in a session now). */
static inline struct sk_buff *feed(struct seg s)
{
	struct sk_buff *skb = build(&s);

	grade_note("C: lro_receive_skb(flow %d, seq %u, %u bytes%s%s)", s.flow, s.seq, s.plen,
		   s.flags & F_PSH ? ", PSH" : "", s.flags != F_ACK && !(s.flags & F_PSH) ? ", flags" : "");
	kit_run_softirq(k, rx_cb, skb);
	return skb;
}

static inline void flush_all(void)
{
	grade_note("C: lro_flush_all, as at the end of a poll");
	kit_run_softirq(k, flush_all_cb, NULL);
}

/* ---- reading results ------------------------------------------------------------ */

static inline struct kit_flow_stat flow_from(__be32 saddr, int n)
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

static inline struct kit_flow_stat flow(int n)
{
	return flow_from(peer(), n);
}

static inline int active_sessions(void)
{
	int n = 0;

	for (int i = 0; i < mgr->max_desc; i++)
		n += !!mgr->lro_arr[i].active;
	return n;
}

/* The active session of flow n from saddr, or NULL. */
static inline struct net_lro_desc *session_from(__be32 saddr, int n)
{
	for (int i = 0; i < mgr->max_desc; i++) {
		struct net_lro_desc *d = &mgr->lro_arr[i];

		if (d->active && d->iph && d->tcph && d->iph->saddr == saddr &&
		    d->tcph->source == htons((u16)(SPORT_BASE + n)))
			return d;
	}
	return NULL;
}

static inline struct net_lro_desc *session(int n)
{
	return session_from(peer(), n);
}

/* An skb passed up, still waiting on the socket queue. */
static inline struct sk_buff *delivered(u32 id)
{
	struct sk_buff *skb = kit_skb_find(k, id);

	grade_check(skb != NULL, "sn1", "skb#%u is no longer live: it should wait on the socket "
		    "queue (freed instead of passed up?)", id);
	grade_check(skb->kit_place == SKB_SOCKET, "sn1", "skb#%u is in place %s, expected the "
		    "socket queue", id, skb_place_name(skb->kit_place));
	return skb;
}

#define check_eq(a, b, ...) grade_check((a) == (b), "sn1", __VA_ARGS__)

#define assert_stats(agg, fl, nd)                                                          \
	do {                                                                               \
		check_eq(mgr->stats.aggregated, (unsigned long)(agg),                      \
			 "stats.aggregated = %lu, expected %lu", mgr->stats.aggregated,    \
			 (unsigned long)(agg));                                            \
		check_eq(mgr->stats.flushed, (unsigned long)(fl),                          \
			 "stats.flushed = %lu, expected %lu", mgr->stats.flushed,          \
			 (unsigned long)(fl));                                             \
		check_eq(mgr->stats.no_desc, (unsigned long)(nd),                          \
			 "stats.no_desc = %lu, expected %lu", mgr->stats.no_desc,          \
			 (unsigned long)(nd));                                             \
	} while (0)

/*
 * Flow 0 gets a good segment (it must start a session: the control), then
 * flow 1 gets s, which may not start one: it must go up at once, untouched.
 */
static inline void expect_not_aggregated(struct seg s, const char *what)
{
	struct kit_flow_stat st;
	struct sk_buff *skb;
	u32 id;

	feed(seg_of(0, ISN, 100));
	check_eq(mgr->stats.aggregated, 1ul, "control: a plain segment was not aggregated "
		 "(stats.aggregated = %lu, expected 1)", mgr->stats.aggregated);
	s.flow = 1;
	skb = feed(s);
	id = skb->kit_id;
	check_eq(mgr->stats.aggregated, 1ul, "%s: stats.aggregated = %lu, expected 1 (the segment "
		 "must not be aggregated)", what, mgr->stats.aggregated);
	grade_check(session(1) == NULL, "sn1", "%s: the segment started an LRO session", what);
	st = flow(1);
	check_eq(st.packets, 1ull, "%s: skbs passed up for its flow = %llu, expected 1 (at once)",
		 what, (unsigned long long)st.packets);
	check_eq(skb_shinfo(delivered(id))->gso_segs, 0, "%s: gso_segs = %u, expected 0 (passed "
		 "up unchanged)", what, skb_shinfo(delivered(id))->gso_segs);
	check_eq(active_sessions(), 1, "%s: %d active sessions, expected 1 (flow 0's)", what,
		 active_sessions());
}

#endif
