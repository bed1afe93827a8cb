/* test_skb_frags.c - a freed skb's frag_list: the run of common frees against the frees one by one. */
#include "skb_helpers.h"
#include "core/skb_pool.h"

#define FRAGS 24
#define TRIALS 400

static u64 rnd(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* What a state of the free is made of, drawn once and laid out on two machines. */
struct shape {
	int m;		 /* members on the head's frag_list */
	int nested;	 /* member with a frag_list of its own (-1: none) */
	int freed;	 /* member already free: a second free (-1: none) */
	bool traced, in_hw, driver;
	u64 cost;	 /* the free's charge */
	u64 due_after;	 /* hw_next, this far past the clock */
};

struct laid {
	struct kit *k;
	struct sk_buff *head, *f[FRAGS], *inner;
};

static void lay(struct laid *l, const struct shape *sh, struct rec_log *log)
{
	struct kit *k = l->k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");

	kit_enter(k);
	if (sh->traced)
		kit_trace_subscribe(k, rec_log_cb, log);
	else
		trace_stop(k);
	l->head = alloc_align_here(sn0, 1500);
	cr_assert(l->head, "no head");
	for (int i = 0; i < sh->m; i++) {
		l->f[i] = alloc_align_here(sn0, 1500);
		cr_assert(l->f[i], "no member %d", i);
		skb_set_place(l->f[i], SKB_FRAG);
		if (i)
			l->f[i - 1]->next = l->f[i];
	}
	l->head->shinfo.frag_list = sh->m ? l->f[0] : NULL;
	l->inner = NULL;
	if (sh->nested >= 0) {
		l->inner = alloc_align_here(sn0, 100);
		skb_set_place(l->inner, SKB_FRAG);
		l->f[sh->nested]->shinfo.frag_list = l->inner;
	}
	if (sh->freed >= 0)
		l->f[sh->freed]->kit_place = SKB_FREE;
	if (sh->driver) {
		k->lab_running = "simnic_clean_rx_irq";
		k->dev_running = sn0;
	}
	k->cost[COST_SKB_FREE] = sh->cost;
	k->hw_next = k->now + sh->due_after;
	k->in_hw = sh->in_hw;
}

/* The frees one by one: the head without its list, then each member with
 * next cleared, as kfree_skb_slow freed them before the run. */
static void free_each(struct laid *l)
{
	struct sk_buff *frag = l->head->shinfo.frag_list;

	/* kfree_skb_slow's head: freer, list off, charge, finish */
	l->head->shinfo.frag_list = NULL;
	kfree_skb(l->head);
	while (frag) {
		struct sk_buff *next = frag->next;

		frag->next = NULL;
		kfree_skb(frag);
		frag = next;
	}
}

static int ifindex_of(const struct net_device *dev)
{
	return dev ? dev->ifindex : -1;
}

static void assert_same(const struct laid *a, const struct laid *b, int trial)
{
	const struct kit *ka = a->k, *kb = b->k;
	const struct sk_buff *sa, *sb;
	size_t ca = 0, cb = 0;
	int n = 0;

	cr_assert_eq(ka->now, kb->now, "trial %d: now %llu after the run, expected %llu", trial,
		     (unsigned long long)ka->now, (unsigned long long)kb->now);
	cr_assert_eq(ka->cpu.busy, kb->cpu.busy, "trial %d: busy %llu, expected %llu", trial,
		     (unsigned long long)ka->cpu.busy, (unsigned long long)kb->cpu.busy);
	cr_assert_eq(ka->cost_ns[COST_SKB_FREE], kb->cost_ns[COST_SKB_FREE],
		     "trial %d: skb_free ns %llu, expected %llu", trial,
		     (unsigned long long)ka->cost_ns[COST_SKB_FREE],
		     (unsigned long long)kb->cost_ns[COST_SKB_FREE]);
	cr_assert_eq(ka->cost_count[COST_SKB_FREE], kb->cost_count[COST_SKB_FREE],
		     "trial %d: skb_free count %llu, expected %llu", trial,
		     (unsigned long long)ka->cost_count[COST_SKB_FREE],
		     (unsigned long long)kb->cost_count[COST_SKB_FREE]);
	cr_assert_eq(ka->hw_next, kb->hw_next, "trial %d: hw_next %llu, expected %llu", trial,
		     (unsigned long long)ka->hw_next, (unsigned long long)kb->hw_next);
	cr_assert_eq(ka->pool->freed, kb->pool->freed, "trial %d: freed %llu, expected %llu", trial,
		     (unsigned long long)ka->pool->freed, (unsigned long long)kb->pool->freed);
	cr_assert_eq(kit_rule_count(ka, RULE_DOUBLE_FREE), kit_rule_count(kb, RULE_DOUBLE_FREE),
		     "trial %d: %llu double frees reported, expected %llu", trial,
		     (unsigned long long)kit_rule_count(ka, RULE_DOUBLE_FREE),
		     (unsigned long long)kit_rule_count(kb, RULE_DOUBLE_FREE));
	/* the free list, in order, as far as the members and the head reach */
	for (sa = ka->pool->free, sb = kb->pool->free; n < FRAGS + 8 && sa && sb;
	     n++, sa = sa->next, sb = sb->next)
		cr_assert_eq(skb_pool_index(ka, sa), skb_pool_index(kb, sb),
			     "trial %d: free list entry %d is skb %ld, expected %ld", trial, n,
			     skb_pool_index(ka, sa), skb_pool_index(kb, sb));
	cr_assert_eq(!sa, !sb, "trial %d: free list ends at %d on one machine only", trial, n);
	/* every skb's place, next and freer */
	while ((sa = skb_pool_iter_all((struct kit *)ka, &ca)) != NULL &&
	       (sb = skb_pool_iter_all((struct kit *)kb, &cb)) != NULL) {
		long i = skb_pool_index(ka, sa);

		cr_assert_eq(sa->kit_place, sb->kit_place, "trial %d: skb %ld %s, expected %s", trial,
			     i, skb_place_name(sa->kit_place), skb_place_name(sb->kit_place));
		cr_assert_eq(sa->next ? skb_pool_index(ka, sa->next) : -2,
			     sb->next ? skb_pool_index(kb, sb->next) : -2,
			     "trial %d: skb %ld's next differs", trial, i);
		cr_assert_eq(sa->shinfo.frag_list ? skb_pool_index(ka, sa->shinfo.frag_list) : -2,
			     sb->shinfo.frag_list ? skb_pool_index(kb, sb->shinfo.frag_list) : -2,
			     "trial %d: skb %ld's frag_list differs", trial, i);
		cr_assert(sa->kit_freer == sb->kit_freer &&
				  ifindex_of(sa->kit_freer_dev) == ifindex_of(sb->kit_freer_dev),
			  "trial %d: skb %ld freed by %s of %d, expected %s of %d", trial, i,
			  sa->kit_freer, ifindex_of(sa->kit_freer_dev), sb->kit_freer,
			  ifindex_of(sb->kit_freer_dev));
	}
}

/* field by field: the record's padding is no part of it */
static bool same_rec(const struct trace_rec *a, const struct trace_rec *b)
{
	return a->t == b->t && a->type == b->type && a->dev == b->dev && a->ctx == b->ctx &&
	       a->a == b->a && a->b == b->b && a->c == b->c && a->d == b->d;
}

Test(skb_frags, a_frag_list_is_freed_as_its_members_one_by_one)
{
	u64 s = 0x9e3779b97f4a7c15ull, runs = 0, whole = 0, clean = 0;

	for (int trial = 0; trial < TRIALS; trial++) {
		struct shape sh;
		struct laid a, b;
		struct rec_log la = { 0 }, lb = { 0 };
		u64 before;
		static const u64 costs[] = { 0, 1, 30, 1000 };

		sh.m = (int)(rnd(&s) % (FRAGS + 1));
		sh.nested = sh.m && rnd(&s) % 6 == 0 ? (int)(rnd(&s) % (u64)sh.m) : -1;
		sh.freed = sh.m && rnd(&s) % 6 == 0 ? (int)(rnd(&s) % (u64)sh.m) : -1;
		sh.traced = rnd(&s) % 8 == 0;
		sh.in_hw = rnd(&s) % 10 == 0;
		sh.driver = rnd(&s) % 2;
		sh.cost = costs[rnd(&s) % 4];
		/* the catch-up due at the head, at a member (the charge reaching
		 * it exactly, or one short), or beyond the last */
		switch (rnd(&s) % 4) {
		case 0:
			sh.due_after = sh.cost * (rnd(&s) % (u64)(sh.m + 2));
			break;
		case 1:
			sh.due_after = sh.cost * (rnd(&s) % (u64)(sh.m + 2)) + 1;
			break;
		case 2:
			sh.due_after = sh.cost * (rnd(&s) % (u64)(sh.m + 2)) + sh.cost / 2;
			break;
		default:
			sh.due_after = 1000000000ull;
			break;
		}
		lay(&a, &sh, &la);
		lay(&b, &sh, &lb);
		before = a.k->pool->frags_run;
		kfree_skb(a.head);
		free_each(&b);
		assert_same(&a, &b, trial);
		cr_assert_eq(la.n, lb.n, "trial %d: %zu records, expected %zu", trial, la.n, lb.n);
		for (size_t i = 0; i < la.n; i++)
			cr_assert(same_rec(&la.r[i], &lb.r[i]),
				  "trial %d: record %zu is type %u at %llu, expected type %u at %llu",
				  trial, i, la.r[i].type, (unsigned long long)la.r[i].t, lb.r[i].type,
				  (unsigned long long)lb.r[i].t);
		runs += a.k->pool->frags_run - before;
		/* a clean list, no trace, no catch-up before its end: all in the run */
		if (sh.nested < 0 && sh.freed < 0 && !sh.traced &&
		    (sh.in_hw || sh.due_after > sh.cost * (u64)(sh.m + 1))) {
			cr_assert_eq(a.k->pool->frags_run - before, (u64)sh.m,
				     "trial %d: %llu of %d members freed in the run", trial,
				     (unsigned long long)(a.k->pool->frags_run - before), sh.m);
			whole += sh.m > 0;
		}
		if (sh.nested < 0 && sh.freed < 0) {
			a.k->lab_running = b.k->lab_running = NULL;
			a.k->dev_running = b.k->dev_running = NULL;
			a.k->in_hw = b.k->in_hw = false;
			check_clean(a.k);
			clean++;
		}
		kit_trace_subscribe(a.k, NULL, NULL);
		kit_trace_subscribe(b.k, NULL, NULL);
		free(la.r);
		free(lb.r);
		kit_free(a.k);
		kit_free(b.k);
	}
	cr_assert_gt(whole, TRIALS / 8, "only %llu trials freed a whole list in one run",
		     (unsigned long long)whole);
	cr_assert_gt(runs, whole, "%llu members in runs over %llu whole lists", (unsigned long long)runs,
		     (unsigned long long)whole);
	cr_assert_gt(clean, 0, "no clean trial");
}
