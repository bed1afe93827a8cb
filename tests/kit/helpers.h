/* helpers.h - small helpers shared by the kit's Criterion tests. */
#ifndef TESTS_KIT_HELPERS_H
#define TESTS_KIT_HELPERS_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ringkit/ringkit.h>

/* Set a parameter; the test fails with the kit's reason if it refuses. */
static inline void setp(struct kit *k, struct net_device *dev, const char *name, long v)
{
	char err[256] = "";
	int id = kit_param_find(name);

	cr_assert_geq(id, 0, "no parameter named %s", name);
	cr_assert_eq(kit_param_set(k, dev, id, v, err, sizeof(err)), 0, "set %s %ld: %s", name, v,
		     err);
}

static inline u64 st(struct net_device *dev, const char *name)
{
	int i = kit_stat_find(name);

	cr_assert_geq(i, 0, "no counter named %s", name);
	return kit_dev_stat(dev, i);
}

static inline struct dev_snap *snap(struct net_device *dev)
{
	static struct dev_snap s;
	int rc = kit_dev_snapshot(dev, &s);

	cr_assert_eq(rc, 0, "no snapshot of %s: kit_dev_snapshot returned %d, expected 0",
		     dev->name, rc);
	return &s;
}

static inline void check_clean(struct kit *k)
{
	char report[4096];
	int n = kit_check(k, report, sizeof(report));

	cr_assert_eq(n, 0, "kit_check found %d problems:\n%s", n, report);
}

static inline u64 run_idle(struct kit *k)
{
	enum kit_stop why;
	u64 n = kit_run(k, 20000000, 0, &why);

	cr_assert_eq(why, KIT_STOP_IDLE, "the machine did not go idle in %llu steps",
		     (unsigned long long)n);
	return n;
}

/* A growing copy of the trace, for tests that look at what happened when. */
struct rec_log {
	struct trace_rec *r;
	size_t n, cap;
};

static inline void rec_log_cb(const struct trace_rec *r, void *arg)
{
	struct rec_log *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4096;
		l->r = realloc(l->r, l->cap * sizeof(*l->r));
		cr_assert_not_null(l->r, "realloc for %zu records returned NULL, expected memory",
				   l->cap);
	}
	l->r[l->n++] = *r;
}

static inline size_t rec_count(const struct rec_log *l, enum trace_type t, int dev)
{
	size_t c = 0;

	for (size_t i = 0; i < l->n; i++)
		c += l->r[i].type == t && (dev < 0 || l->r[i].dev == dev);
	return c;
}

/* The first index where two arrays of counters differ (0 if none), for messages. */
static inline size_t first_diff(const u64 *a, const u64 *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return i;
	return 0;
}

static inline u64 cost_id(const char *name)
{
	return (u64)kit_param_find(name);
}

static inline struct kit_flow_stat flow(struct kit *k, int i)
{
	struct kit_flow_stat f;

	cr_assert_eq(kit_flow_at(k, i, &f), 0, "no flow %d (there are %d)", i, kit_flow_count(k));
	return f;
}

/* Path of a test driver built by make into $RINGLAB_BUILD/tests/drivers/. */
static inline const char *test_driver(const char *name)
{
	static char path[512];
	const char *b = getenv("RINGLAB_BUILD");

	snprintf(path, sizeof(path), "%s/tests/drivers/%s.so", b ? b : "build", name);
	return path;
}

/*
 * The machine most tests start from: kit_new(1) with sn0 and sn1, and an
 * empty record log. A test file that wants it defines KIT_TEST_MACHINE
 * before including this header and names setup/teardown in its Test()s.
 */
#ifdef KIT_TEST_MACHINE
static struct kit *k;
static struct net_device *sn0, *sn1;
static struct rec_log log_;

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
#endif

/* An skb of p made on from and handed to to's stack as snull's wire would
 * hand it over: its addresses twisted, the IP sum made right again, the L4
 * sum (now stale) vouched for as the NIC's offload would. */
static inline struct sk_buff *skb_as_received(struct net_device *from, struct net_device *to,
					      const struct kit_pkt *p)
{
	char err[256];
	struct sk_buff *skb = kit_skb_alloc(from, p, err, sizeof(err));
	struct iphdr *iph;

	cr_assert_not_null(skb, "kit_skb_alloc: %s", err);
	skb->protocol = eth_type_trans(skb, to);
	iph = (struct iphdr *)skb->data;
	iph->saddr ^= htonl(0x100); /* what snull's twist does on the way */
	iph->daddr ^= htonl(0x100);
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return skb;
}

/* count frames from a remote sender into dev: rate 0 = line rate; TCP with timestamps. */
static inline void gen_rx(struct net_device *dev, u64 count, u64 rate, u8 proto, unsigned int len)
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

static inline const char *napi_name(enum napi_view_state s)
{
	static const char *const names[] = { "IDLE", "SCHEDULED", "POLLING" };

	return (unsigned int)s < ARRAY_SIZE(names) ? names[s] : "?";
}

#endif
