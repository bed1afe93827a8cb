/* test_skb_paths.c - the skb's common paths against the general ones: alloc, free, catch-up. */
#include "skb_helpers.h"
#include "hw/nic_hw.h"

Test(skb, both_allocators_recycle_fresh_skbs_with_their_headroom)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	struct sk_buff *skb, *frag, *a, *b;

	kit_enter(k);
	trace_stop(k); /* the allocator's and the free's common paths: no record */
	for (int pass = 0; pass < 2; pass++) {
		skb = alloc_align_here(sn0, 1500);
		frag = alloc_here(sn0);
		cr_assert(skb && frag, "pass %d: allocation failed", pass);
		assert_fresh_room(skb, sn0, NET_IP_ALIGN, "alloc_align_here");
		assert_fresh(frag, sn0);
		dirty(skb, frag);
		frag->kit_leaked = 1;
		kfree_skb(skb);
		/* LIFO: the frag comes back first, then the parent, each from the
		 * other allocator than last time */
		a = pass ? alloc_align_here(sn0, 100) : alloc_here(sn0);
		b = pass ? alloc_here(sn0) : alloc_align_here(sn0, 100);
		cr_assert(a == frag && b == skb, "pass %d: got %p %p, expected %p %p", pass,
			  (void *)a, (void *)b, (void *)frag, (void *)skb);
		assert_fresh_room(a, sn0, pass ? NET_IP_ALIGN : 0,
				  pass ? "alloc_align_here" : "alloc_here");
		assert_fresh_room(b, sn0, pass ? 0 : NET_IP_ALIGN,
				  pass ? "alloc_here" : "alloc_align_here");
		kfree_skb(a);
		kfree_skb(b);
	}
	check_clean(k);
	kit_free(k);
}

/* An skb and its machine after one step, pointers as what they point to. */
struct skb_view {
	long idx, next_idx, data_off;
	int dev, holder_dev, freer_dev;
	unsigned char fields[offsetof(struct sk_buff, dev)]; /* next, prev cleared */
	u32 id;
	u8 place, leaked;
	u16 line;
	const char *func, *holder, *freer;
	u64 alloc_t, now, busy, cost_ns[2], cost_count[2], allocated, freed;
	u64 live[SKB_PLACE_NR];
};

static int ifindex_of(const struct net_device *dev)
{
	return dev ? dev->ifindex : -1;
}

/* skb NULL: a refused allocation, the machine alone */
static void view(struct kit *k, const struct sk_buff *skb, struct skb_view *v)
{
	memset(v, 0, sizeof(*v));
	v->now = k->now;
	v->busy = k->cpu.busy;
	v->cost_ns[0] = k->cost_ns[COST_SKB_ALLOC];
	v->cost_ns[1] = k->cost_ns[COST_SKB_FREE];
	v->cost_count[0] = k->cost_count[COST_SKB_ALLOC];
	v->cost_count[1] = k->cost_count[COST_SKB_FREE];
	skb_pool_counts(k, &v->allocated, &v->freed, v->live);
	v->idx = -3;
	if (!skb)
		return;
	v->idx = skb_pool_index(k, skb);
	v->next_idx = skb->next ? skb_pool_index(k, skb->next) : -2;
	v->data_off = skb->data - skb->head;
	v->dev = ifindex_of(skb->dev);
	v->holder_dev = ifindex_of(skb->kit_holder_dev);
	v->freer_dev = ifindex_of(skb->kit_freer_dev);
	memcpy(v->fields, skb, sizeof(v->fields));
	memset(v->fields, 0, 2 * sizeof(void *)); /* next and prev, above */
	v->id = skb->kit_id;
	v->place = skb->kit_place;
	v->leaked = skb->kit_leaked;
	v->line = skb->kit_line;
	v->func = skb->kit_func;
	v->holder = skb->kit_holder;
	v->freer = skb->kit_freer;
	v->alloc_t = skb->kit_alloc_t;
}

#define VIEWS 24
enum path { FAST, TRACED, SLOW };
static const char *const path_name[] = { "fast", "traced", "slow" };

/* the skb records a run must write: type, skb#, length or place */
struct want_rec {
	u16 type;
	u32 a, b;
};

struct run {
	enum path how;
	struct kit *k;
	struct skb_view v[VIEWS];
	int n;
	struct want_rec want[VIEWS];
	int nwant;
};

static struct sk_buff *step_alloc(struct run *r, struct net_device *dev, unsigned int len,
				  bool align)
{
	struct sk_buff *skb = align ? alloc_align_here(dev, len) : alloc_here(dev);

	if (!align)
		len = 100;
	view(r->k, skb, &r->v[r->n++]);
	if (skb) {
		r->want[r->nwant++] = (struct want_rec){ TR_SKB_ALLOC, skb->kit_id, len };
		/* the driver call running now holds it (none: kit code) */
		cr_assert(skb->kit_holder == r->k->lab_running &&
				  skb->kit_holder_dev == r->k->dev_running,
			  "%s path: skb#%u held by %s of %d, expected %s of %d",
			  path_name[r->how], skb->kit_id, skb->kit_holder,
			  ifindex_of(skb->kit_holder_dev), r->k->lab_running,
			  ifindex_of(r->k->dev_running));
	}
	return skb;
}

static void step_free(struct run *r, struct sk_buff *skb, struct sk_buff *frag)
{
	r->want[r->nwant++] = (struct want_rec){ TR_SKB_FREE, skb->kit_id, skb->kit_place };
	if (frag)
		r->want[r->nwant++] = (struct want_rec){ TR_SKB_FREE, frag->kit_id, frag->kit_place };
	/* next set on an skb on no queue sends the free the general way; it
	 * is no double free (only a queued place with next set is) */
	if (r->how == SLOW)
		skb->next = skb;
	kfree_skb(skb);
	view(r->k, skb, &r->v[r->n++]);
	if (frag)
		view(r->k, frag, &r->v[r->n++]);
	cr_assert(skb->kit_freer == r->k->lab_running && skb->kit_freer_dev == r->k->dev_running,
		  "%s path: skb#%u freed by %s of %d, expected %s of %d", path_name[r->how],
		  skb->kit_id, skb->kit_freer, ifindex_of(skb->kit_freer_dev), r->k->lab_running,
		  ifindex_of(r->k->dev_running));
}

/* One run of allocations and frees on a fresh machine, by one path: FAST
 * (no trace, no fault knob: the common calls), TRACED (the records written),
 * SLOW (the knob armed too high to fail, and next set at every free: the
 * out-of-line allocation and free). */
static void run_path(struct run *r, struct rec_log *log)
{
	struct kit *k = r->k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0"), *sn1 = kit_dev_by_name(k, "sn1");
	struct sk_buff *s[6];

	kit_enter(k);
	if (r->how == TRACED)
		kit_trace_subscribe(k, rec_log_cb, log);
	else
		trace_stop(k);
	if (r->how == SLOW)
		k->knob[KNOB_SKB_FAIL_EVERY] = 1L << 40;
	s[0] = step_alloc(r, sn0, 0, false); /* kit code: held */
	k->lab_running = "simnic_alloc_rx_buffers"; /* driver code: the driver's */
	k->dev_running = sn0;
	s[1] = step_alloc(r, sn0, 1500, true);
	s[2] = step_alloc(r, sn1, 60, true);
	cr_assert_null(step_alloc(r, sn0, SKB_MAX_ALLOC - 1, true), "%s path: an allocation of "
		       "%d bytes and the IP alignment", path_name[r->how], SKB_MAX_ALLOC - 1);
	dirty(s[1], s[2]); /* s[2] on s[1]'s frag_list */
	k->lab_running = "simnic_clean_rx_irq";
	step_free(r, s[1], s[2]); /* and its frag, after it */
	k->now += 1000;
	s[3] = step_alloc(r, sn0, SKB_MAX_ALLOC - NET_IP_ALIGN, true); /* the frag's memory */
	k->lab_running = NULL;
	k->dev_running = NULL;
	dirty(s[0], s[3]);
	s[0]->shinfo.frag_list = NULL; /* keep s[3] */
	s[0]->len -= s[0]->data_len;
	s[0]->data_len = 0;
	step_free(r, s[0], NULL);
	s[4] = step_alloc(r, sn1, 0, false); /* s[0]'s memory */
	s[5] = step_alloc(r, NULL, 64, true); /* the parent's */
	for (int i = 3; i < 6; i++)
		step_free(r, s[i], NULL);
	kit_trace_subscribe(k, NULL, NULL);
	check_clean(k);
	kit_free(k);
	r->k = NULL;
}

static void assert_same_view(const struct skb_view *a, const struct skb_view *b, int i,
			     const char *path)
{
	cr_assert_eq(a->idx, b->idx, "step %d: skb at index %ld by the %s path, expected %ld", i,
		     b->idx, path, a->idx);
	cr_assert_eq(a->next_idx, b->next_idx, "step %d: next %ld by the %s path, expected %ld", i,
		     b->next_idx, path, a->next_idx);
	cr_assert_eq(a->data_off, b->data_off, "step %d: data at %ld by the %s path, expected %ld",
		     i, b->data_off, path, a->data_off);
	cr_assert(a->dev == b->dev && a->holder_dev == b->holder_dev &&
			  a->freer_dev == b->freer_dev,
		  "step %d: devices %d/%d/%d by the %s path, expected %d/%d/%d", i, b->dev,
		  b->holder_dev, b->freer_dev, path, a->dev, a->holder_dev, a->freer_dev);
	for (size_t j = 0; j < sizeof(a->fields); j++)
		cr_assert_eq(a->fields[j], b->fields[j],
			     "step %d: byte %zu of the skb %#x by the %s path, expected %#x", i, j,
			     b->fields[j], path, a->fields[j]);
	cr_assert(a->id == b->id && a->place == b->place && a->leaked == b->leaked &&
			  a->line == b->line,
		  "step %d: skb#%u %s leaked %u line %u by the %s path, expected skb#%u %s %u %u",
		  i, b->id, skb_place_name(b->place), b->leaked, b->line, path, a->id,
		  skb_place_name(a->place), a->leaked, a->line);
	cr_assert(a->func == b->func && a->holder == b->holder && a->freer == b->freer,
		  "step %d: func %s holder %s freer %s by the %s path, expected %s %s %s", i,
		  b->func, b->holder, b->freer, path, a->func, a->holder, a->freer);
	cr_assert(a->alloc_t == b->alloc_t && a->now == b->now && a->busy == b->busy,
		  "step %d: allocated at %llu, now %llu, busy %llu by the %s path, expected "
		  "%llu %llu %llu", i, (unsigned long long)b->alloc_t, (unsigned long long)b->now,
		  (unsigned long long)b->busy, path, (unsigned long long)a->alloc_t,
		  (unsigned long long)a->now, (unsigned long long)a->busy);
	for (int c = 0; c < 2; c++)
		cr_assert(a->cost_ns[c] == b->cost_ns[c] && a->cost_count[c] == b->cost_count[c],
			  "step %d: %s charges %llu (%llu ns) by the %s path, expected %llu (%llu)",
			  i, c ? "free" : "alloc", (unsigned long long)b->cost_count[c],
			  (unsigned long long)b->cost_ns[c], path,
			  (unsigned long long)a->cost_count[c], (unsigned long long)a->cost_ns[c]);
	cr_assert(a->allocated == b->allocated && a->freed == b->freed,
		  "step %d: allocated %llu freed %llu by the %s path, expected %llu %llu", i,
		  (unsigned long long)b->allocated, (unsigned long long)b->freed, path,
		  (unsigned long long)a->allocated, (unsigned long long)a->freed);
	for (int p = 0; p < SKB_PLACE_NR; p++)
		cr_assert_eq(a->live[p], b->live[p], "step %d: %llu skbs %s by the %s path, "
			     "expected %llu", i, (unsigned long long)b->live[p],
			     skb_place_name(p), path, (unsigned long long)a->live[p]);
}

Test(skb, the_common_paths_leave_what_the_general_ones_do)
{
	static struct run r[3];
	struct rec_log log = { 0 };
	int got = 0;

	for (int how = FAST; how <= SLOW; how++) {
		r[how].how = how;
		run_path(&r[how], &log);
	}
	for (int how = TRACED; how <= SLOW; how++) {
		cr_assert_eq(r[how].n, r[FAST].n, "%d steps by the %s path, expected %d", r[how].n,
			     path_name[how], r[FAST].n);
		for (int i = 0; i < r[FAST].n; i++)
			assert_same_view(&r[FAST].v[i], &r[how].v[i], i, path_name[how]);
	}
	/* the traced run's records: one per allocation (the length asked for)
	 * and per free (the place it was freed from), in order */
	for (size_t i = 0; i < log.n; i++) {
		const struct trace_rec *t = &log.r[i];
		const struct want_rec *w = &r[TRACED].want[got];

		if (t->type != TR_SKB_ALLOC && t->type != TR_SKB_FREE)
			continue;
		cr_assert_lt(got, r[TRACED].nwant, "more skb records than the run's %d",
			     r[TRACED].nwant);
		cr_assert(t->type == w->type && t->a == w->a && t->b == w->b,
			  "skb record %d: type %u skb#%u %u, expected type %u skb#%u %u", got,
			  t->type, t->a, t->b, w->type, w->a, w->b);
		got++;
	}
	cr_assert_eq(got, r[TRACED].nwant, "%d skb records, expected %d", got, r[TRACED].nwant);
	free(log.r);
}

/*
 * fault_skb_alloc=N refuses every Nth call of the allocators since the
 * machine was made: the calls the common path takes (knob off), the ones it
 * refuses for their length and the ones the knob refused all count. The
 * pool counts the calls as its skbs allocated and the calls refused.
 */
Test(skb, the_fault_knob_counts_every_allocation_call)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	static struct sk_buff *held[64];
	u64 allocated, freed, live[SKB_PLACE_NR], calls, refused = 0;
	int nheld = 0;

	kit_enter(k);
	trace_stop(k);
	skb_pool_counts(k, &allocated, &freed, live);
	calls = allocated; /* a fresh machine: none refused yet */
	for (int round = 0; round < 3; round++) {
		long every = round == 1 ? 5 : 3;

		k->knob[KNOB_SKB_FAIL_EVERY] = every;
		for (int i = 0; i < 14; i++) {
			/* two too long for the buffer: refused, counted */
			bool too_long = i == 4 || i == 9;
			bool align = i % 2;
			unsigned int len = too_long ? SKB_MAX_ALLOC - (align ? 1 : -1) : 100;
			struct sk_buff *skb = align ? alloc_align_here(sn0, len)
						    : __netdev_alloc_skb(sn0, len, "knob", 1);
			bool refuse;

			calls++;
			refuse = too_long || calls % (u64)every == 0;
			cr_assert_eq(skb == NULL, refuse, "round %d, call %llu (%u bytes%s): %s, "
				     "expected %s", round, (unsigned long long)calls, len,
				     align ? ", IP aligned" : "", skb ? "allocated" : "refused",
				     refuse ? "refused" : "allocated");
			refused += refuse;
			if (skb)
				held[nheld++] = skb;
		}
		/* the knob off: the common path, every call allocated, counted */
		k->knob[KNOB_SKB_FAIL_EVERY] = 0;
		for (int i = 0; i < round + 1; i++) {
			held[nheld] = alloc_here(sn0);
			cr_assert_not_null(held[nheld], "round %d: an allocation with the knob off "
					   "refused", round);
			nheld++;
			calls++;
		}
		skb_pool_counts(k, &allocated, &freed, live);
		cr_assert_eq(allocated, calls - refused, "round %d: %llu allocated, expected %llu "
			     "calls - %llu refused", round, (unsigned long long)allocated,
			     (unsigned long long)calls, (unsigned long long)refused);
	}
	for (int i = 0; i < nheld; i++)
		kfree_skb(held[i]);
	check_clean(k);
	kit_free(k);
}

/* The free's one test of next and frag_list: an skb on a queue of the kit
 * (next set, a queued place) or free already is a double free, named, and
 * left as it was; next set in any other place, or a queued place with next
 * NULL, is an ordinary free. */
Test(skb, a_free_tells_a_queued_skb_from_one_with_next_set)
{
	static const u8 places[] = { SKB_USER, SKB_QDISC, SKB_BLIST, SKB_DRIVER, SKB_BACKLOG,
				     SKB_STACK, SKB_SOCKET, SKB_FRAG };
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	struct sk_buff *other;

	kit_enter(k);
	trace_stop(k);
	other = alloc_here(sn0);
	for (size_t i = 0; i < sizeof(places); i++)
		for (int with_next = 0; with_next < 2; with_next++) {
			struct sk_buff *skb = alloc_here(sn0);
			u8 p = places[i];
			bool queued = with_next && (p == SKB_QDISC || p == SKB_BLIST ||
						    p == SKB_BACKLOG || p == SKB_SOCKET);
			u64 bugs = kit_rule_count(k, RULE_DOUBLE_FREE);
			u64 frees = k->cost_count[COST_SKB_FREE], now = k->now;
			u64 allocated, freed, freed0, live[SKB_PLACE_NR];

			skb_pool_counts(k, &allocated, &freed0, live);
			skb->kit_place = p;
			skb->next = with_next ? other : NULL;
			kfree_skb(skb);
			skb_pool_counts(k, &allocated, &freed, live);
			cr_assert_eq(kit_rule_count(k, RULE_DOUBLE_FREE), bugs + queued,
				     "place %s, next %s: %llu double frees, expected %llu",
				     skb_place_name(p), with_next ? "set" : "NULL",
				     (unsigned long long)kit_rule_count(k, RULE_DOUBLE_FREE),
				     (unsigned long long)(bugs + queued));
			cr_assert_eq(skb->kit_place, queued ? p : SKB_FREE,
				     "place %s, next %s: %s after the free, expected %s",
				     skb_place_name(p), with_next ? "set" : "NULL",
				     skb_place_name(skb->kit_place),
				     skb_place_name(queued ? p : SKB_FREE));
			cr_assert_eq(freed, freed0 + !queued, "place %s, next %s: %llu freed, "
				     "expected %llu", skb_place_name(p), with_next ? "set" : "NULL",
				     (unsigned long long)freed,
				     (unsigned long long)(freed0 + !queued));
			cr_assert_eq(k->cost_count[COST_SKB_FREE], frees + !queued,
				     "place %s, next %s: %llu free charges, expected %llu",
				     skb_place_name(p), with_next ? "set" : "NULL",
				     (unsigned long long)k->cost_count[COST_SKB_FREE],
				     (unsigned long long)(frees + !queued));
			cr_assert(k->now >= now + (queued ? 0 : k->cost[COST_SKB_FREE]),
				  "place %s: now %llu, expected the free's charge", skb_place_name(p),
				  (unsigned long long)k->now);
			if (queued) { /* take it off the pretend queue and free it for good */
				skb->next = NULL;
				skb->kit_place = SKB_USER;
				kfree_skb(skb);
			}
			/* free already: a double free, nothing else */
			bugs = kit_rule_count(k, RULE_DOUBLE_FREE);
			skb_pool_counts(k, &allocated, &freed0, live);
			kfree_skb(skb);
			skb_pool_counts(k, &allocated, &freed, live);
			cr_assert(kit_rule_count(k, RULE_DOUBLE_FREE) == bugs + 1 && freed == freed0,
				  "place %s: a second free made %llu double frees and %llu frees, "
				  "expected 1 and none", skb_place_name(p),
				  (unsigned long long)(kit_rule_count(k, RULE_DOUBLE_FREE) - bugs),
				  (unsigned long long)(freed - freed0));
		}
	/* free already with next NULL (the free list's last skb): the place alone */
	{
		struct sk_buff *skb = alloc_here(sn0), *next;
		u64 bugs, allocated, freed, freed0, live[SKB_PLACE_NR];

		kfree_skb(skb);
		next = skb->next;
		skb->next = NULL;
		bugs = kit_rule_count(k, RULE_DOUBLE_FREE);
		skb_pool_counts(k, &allocated, &freed0, live);
		kfree_skb(skb);
		skb_pool_counts(k, &allocated, &freed, live);
		skb->next = next;
		cr_assert(kit_rule_count(k, RULE_DOUBLE_FREE) == bugs + 1 && freed == freed0,
			  "a free skb with next NULL freed again: %llu double frees and %llu frees, "
			  "expected 1 and none",
			  (unsigned long long)(kit_rule_count(k, RULE_DOUBLE_FREE) - bugs),
			  (unsigned long long)(freed - freed0));
	}
	kfree_skb(other);
	kit_free(k);
}

/* A charge that brings the hardware due: the allocation and the free catch
 * it up (hw_sync, which sets hw_next afresh) whichever path they take, and
 * not inside hardware code. */
Test(skb, the_allocation_and_the_free_catch_the_hardware_up_when_due)
{
	for (int how = FAST; how <= SLOW; how++)
		for (int in_hw = 0; in_hw < 2; in_hw++) {
			struct kit *k = kit_new(1);
			struct net_device *sn0 = kit_dev_by_name(k, "sn0");
			struct sk_buff *skb;
			u64 due;

			kit_enter(k);
			if (how != TRACED)
				trace_stop(k);
			if (how == SLOW)
				k->knob[KNOB_SKB_FAIL_EVERY] = 1L << 40;
			cr_assert_gt(k->cost[COST_SKB_ALLOC], 0, "an allocation costs nothing");
			cr_assert_gt(k->cost[COST_SKB_FREE], 0, "a free costs nothing");
			for (int op = 0; op < 2; op++) {
				due = k->hw_next = k->now + 1;
				k->in_hw = in_hw;
				if (op == 0) {
					skb = alloc_here(sn0);
					cr_assert_not_null(skb, "%s path: allocation failed",
							   path_name[how]);
				} else {
					if (how == SLOW)
						skb->next = skb;
					kfree_skb(skb);
				}
				k->in_hw = false;
				cr_assert_eq(k->hw_next != due, !in_hw, "%s path, %s%s: hw_next %s",
					     path_name[how], op ? "free" : "allocation",
					     in_hw ? " in hardware code" : "",
					     k->hw_next == due ? "left as it was" : "set afresh");
				if (in_hw) /* as it was before the test made it due */
					hw_sync(k);
			}
			check_clean(k);
			kit_free(k);
		}
}
