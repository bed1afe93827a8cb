/* gro_helpers.h - for the GRO tests: LRO's segment builder with GRO's IP IDs, fed to napi_gro_receive. */
#ifndef TESTS_KIT_GRO_HELPERS_H
#define TESTS_KIT_GRO_HELPERS_H

#include "lro_helpers.h"

/*
 * The machine and segments of lro_helpers.h, with GRO on for sn1 and each
 * segment handed to napi_gro_receive on sn1's napi instance in softirq
 * context, as the reference driver's modern poll does. GRO also compares IP
 * headers: a flow's IP ID goes up by one per segment (Linux's with DF set),
 * so gseg() rewrites the ID (and the TTL when asked) of lro_helpers' build.
 */

struct gseg {
	struct seg s;
	u16 id;	      /* IP ID */
	u8 ttl;	      /* 0: 64 */
	u16 frag_off; /* host order; 0: DF (or nothing, with no_df) */
	bool no_df;
	bool csum_none;	 /* the NIC did not check it: ip_summed CHECKSUM_NONE */
	bool bad_csum;	 /* ... and the TCP checksum is wrong */
};

static struct napi_struct *napi;

static inline void gro_setup(void)
{
	char err[256] = "";

	setup();
	napi = &ad->napi;
	cr_assert_eq(kit_param_set(k, dev, kit_param_find("gro"), 1, err, sizeof(err)), 0,
		     "ethtool -K sn1 gro on: %s", err);
}

static inline struct gseg gseg_of(int flow, u32 seq, unsigned int plen, u16 id)
{
	return (struct gseg){ .s = seg_of(flow, seq, plen), .id = id };
}

static inline struct sk_buff *gbuild(const struct gseg *g)
{
	struct sk_buff *skb = build(&g->s);
	struct iphdr *iph = (struct iphdr *)skb->data;
	struct tcphdr *th = (struct tcphdr *)((u8 *)iph + iph->ihl * 4);

	iph->id = htons(g->id);
	iph->ttl = g->ttl ? g->ttl : 64;
	iph->frag_off = htons(g->frag_off ? g->frag_off : g->no_df ? 0 : IP_DF);
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
	if (g->csum_none)
		skb->ip_summed = CHECKSUM_NONE;
	if (g->bad_csum)
		th->check ^= 0x0101;
	return skb;
}

static inline void gro_rx_cb(void *arg)
{
	napi_gro_receive(napi, arg);
}

static inline void gro_flush_cb(void *arg)
{
	napi_gro_flush(napi, arg != NULL);
	gro_normal_list(napi);
}

/* Feed one segment through GRO; returns the skb. */
static inline struct sk_buff *gfeed(struct gseg g)
{
	struct sk_buff *skb = gbuild(&g);

	kit_run_softirq(k, gro_rx_cb, skb);
	return skb;
}

/* napi_gro_flush(napi, false) and gro_normal_list: everything up. */
static inline void gflush(void)
{
	kit_run_softirq(k, gro_flush_cb, NULL);
}

/* The held packet of flow n (source port SPORT_BASE + n), or NULL. */
static inline struct sk_buff *held(int n)
{
	for (int b = 0; b < GRO_HASH_BUCKETS; b++) {
		struct sk_buff_head *h = &napi->gro_hash[b].list;

		for (struct sk_buff *p = h->next; p != (struct sk_buff *)h; p = p->next)
			if (tcp_hdr(p)->source == htons((u16)(SPORT_BASE + n)))
				return p;
	}
	return NULL;
}

static inline unsigned int held_segs(int n)
{
	struct sk_buff *p = held(n);

	return p ? NAPI_GRO_CB(p)->count : 0;
}

static inline void check_clean(void)
{
	char report[4096];
	int n = kit_check(k, report, sizeof(report));

	cr_assert_eq(n, 0, "kit_check found %d problems:\n%s", n, report);
}

#define assert_gro(field, want)                                                                    \
	cr_assert_eq(napi->gro_stats.field, (u64)(want), "gro_stats." #field " = %llu, expected %llu", \
		     (unsigned long long)napi->gro_stats.field, (unsigned long long)(want))

#endif
