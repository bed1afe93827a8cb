/* canary.c - guard areas after rings, buffer_info arrays and skb buffers: a driver's overrun, named. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit.h"

/*
 * Writing desc[count], buffer_info[count] or past the end of an skb's buffer
 * corrupts memory nobody checks, and the damage surfaces later as a glibc
 * abort blamed on ringlab. So each of these areas is followed by a guard of
 * CANARY_LEN bytes holding CANARY_BYTE (like SLUB's red zones): descriptor
 * rings (dma_alloc_coherent leaves the guard after the ring), buffer_info
 * arrays (kit_guarded_alloc) and the gap between two skb buffers in the pool.
 * kit_guard_check looks at every guard: on `check`, after every command in
 * the shell, and for the grader. A damaged guard is one BUG record naming the
 * area and the lab function that ran last; then the guard is filled again, so
 * the next overrun is reported too. An skb whose data and len point outside
 * its own buffer is the same BUG, skb_over_panic's.
 */

static size_t damaged(const unsigned char *p, size_t n, size_t *first)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		if (p[i] != CANARY_BYTE && !bad++)
			*first = i;
	return bad;
}

void kit_guard_register(struct kit *k, struct net_device *dev, void *p, size_t size,
			size_t elem, const char *what)
{
	for (size_t i = 0; i < ARRAY_SIZE(k->guards); i++)
		if (!k->guards[i].p) {
			k->guards[i] = (struct kit_guard){ p, size, elem, what, dev };
			return;
		}
}

void kit_guard_forget(struct kit *k, void *p)
{
	for (size_t i = 0; i < ARRAY_SIZE(k->guards); i++)
		if (k->guards[i].p == p && p)
			k->guards[i].p = NULL;
}

/* Under AddressSanitizer (the grader builds a student's lab with it) its own
 * red zone follows a malloc'd area and reports the write as it happens: no
 * guard of ours then, or the write would land in it unseen. The runtime's
 * presence is known at run time: the kit itself is built without it. */
extern void __asan_init(void) __attribute__((weak));

void *kit_guarded_alloc(struct kit *k, struct net_device *dev, size_t n, size_t elem,
			const char *what)
{
	size_t size = n * elem;
	unsigned char *p;

	if (__asan_init)
		return calloc(n, elem);
	p = malloc(size + CANARY_LEN);
	if (!p)
		return NULL;
	memset(p, 0, size);
	memset(p + size, CANARY_BYTE, CANARY_LEN);
	kit_guard_register(k, dev, p, size, elem, what);
	return p;
}

void kit_guarded_free(struct kit *k, void *p)
{
	kit_guard_forget(k, p);
	free(p);
}

struct out {
	char *buf;
	size_t len, used;
	int n;
};

static void say(struct kit *k, struct out *o, struct net_device *dev, enum kit_rule r,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void say(struct kit *k, struct out *o, struct net_device *dev, enum kit_rule r,
		const char *fmt, ...)
{
	va_list ap;

	o->n++;
	kit_bug(k, dev, r);
	if (!o->buf || o->used + 1 >= o->len)
		return;
	va_start(ap, fmt);
	o->used += (size_t)vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (o->used + 1 < o->len) {
		o->buf[o->used++] = '\n';
		o->buf[o->used] = '\0';
	} else {
		o->used = o->len - 1;
	}
}

/* "simnic_xmit_frame ran (the last lab function it called: simnic_maybe_stop_tx)" */
static const char *last_fn(const struct kit *k)
{
	static char buf[160];
	const char *outer = kit_lab_fn_name(k, k->dev_outer, k->lab_outer);
	const char *inner = kit_lab_fn_name(k, k->dev_last, k->lab_last);

	if (!k->lab_outer)
		return "no driver code ran";
	if (!strcmp(outer, inner))
		snprintf(buf, sizeof(buf), "%s ran", outer);
	else
		snprintf(buf, sizeof(buf), "%s ran (the last lab function it called: %s)", outer,
			 inner);
	return buf;
}

/* The guards after rings and buffer_info arrays. */
static void check_areas(struct kit *k, struct out *o)
{
	size_t first = 0, bad;

	for (size_t i = 0; i < ARRAY_SIZE(k->guards); i++) {
		struct kit_guard *g = &k->guards[i];
		unsigned char *end = (unsigned char *)g->p + g->size;

		if (!g->p || !(bad = damaged(end, CANARY_LEN, &first)))
			continue;
		say(k, o, g->dev, RULE_MEM_CORRUPT, "%s%s%s: %zu bytes past the end overwritten "
		    "(from byte %zu after it: [%zu] of %zu), after %s", g->dev ? g->dev->name : "",
		    g->dev ? ": " : "", g->what, bad, first, g->size / g->elem + first / g->elem,
		    g->size / g->elem, last_fn(k));
		memset(end, CANARY_BYTE, CANARY_LEN);
	}
}

void kit_guard_after_call(struct kit *k)
{
	size_t used = strlen(k->guard_pending);
	struct out o = { k->guard_pending + used, sizeof(k->guard_pending) - used, 0, 0 };

	check_areas(k, &o);
}

void kit_guard_each_call(struct kit *k, bool on)
{
	k->guard_calls = on;
	kit_drv_watch(k);
}

int kit_guard_check(struct kit *k, char *out, size_t len)
{
	struct out o = { out, len, 0, 0 };
	struct sk_buff *skb;
	size_t cur = 0, first = 0, bad;

	if (out && len) {
		snprintf(out, len, "%s", k->guard_pending); /* found after a driver call */
		o.used = strlen(out);
	}
	for (const char *p = k->guard_pending; *p; p++)
		o.n += *p == '\n';
	k->guard_pending[0] = '\0';
	check_areas(k, &o);
	while ((skb = skb_pool_iter_all(k, &cur)) != NULL) {
		unsigned char *end = skb->head + SKB_BUF_SIZE;

		if ((bad = damaged(end, CANARY_LEN, &first))) {
			say(k, &o, skb->dev, RULE_MEM_CORRUPT, "skb#%u: %zu bytes past the end of its buffer overwritten "
			    "(from byte %zu after it), after %s", skb->kit_id, bad, first,
			    last_fn(k));
			memset(end, CANARY_BYTE, CANARY_LEN);
		}
		if (skb->kit_place != SKB_FREE && !skb_within_buffer(skb))
			say(k, &o, skb->dev, RULE_SKB_OVER_PANIC, "skb#%u: data and len point outside its buffer (data at "
			    "%td, len %u, tail %u, end %u), last held by %s", skb->kit_id,
			    skb->data - skb->head, skb->len, skb->tail, skb->end,
			    kit_lab_fn_name(k, skb->kit_holder_dev, skb->kit_holder));
	}
	return o.n;
}

bool skb_within_buffer(const struct sk_buff *skb)
{
	return skb->data >= skb->head && skb->tail <= skb->end && skb->end <= SKB_BUF_SIZE &&
	       (size_t)(skb->data - skb->head) + skb_headlen(skb) <= skb->end;
}

/*
 * skb_over_panic (net/core/skbuff.c skb_panic): an skb handed to the stack
 * whose data runs outside its buffer. The kernel BUG()s; the kit records the
 * BUG naming the driver call and drops the skb before reading a byte of it.
 */
bool skb_check_bounds(struct kit *k, struct sk_buff *skb)
{
	if (likely(skb_within_buffer(skb)))
		return true;
	kit_bug_skb(k, skb->dev, RULE_SKB_OVER_PANIC, skb);
	/* make it safe to free: the kit never reads past its buffer */
	skb->data = skb->head;
	skb->len = skb->data_len = 0;
	skb->tail = 0;
	skb->end = SKB_BUF_SIZE;
	return false;
}
