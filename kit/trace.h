/* trace.h - the trace ring and the inline writer every state change calls (TRACE). */
#ifndef KIT_TRACE_H
#define KIT_TRACE_H

/* Included by kit.h where struct kit is complete; sim/trace.c keeps the rest. */

#define TRACE_SIZE (1u << 16)
struct trace {
	struct trace_rec rec[TRACE_SIZE];
	u64 head; /* records written so far */
	trace_cb cb;
	void *cb_arg;
};

/*
 * A record. The writing is out of line (one copy per file that writes
 * records): a machine without a trace (a bench's, an experiment's) pays one
 * test per record, and the code around each record keeps its registers. The
 * four words go as two, so every argument travels in a register.
 */
static __attribute__((noinline, unused)) void trace_write(struct kit *k, u64 t,
							  enum trace_type type,
							  const struct net_device *dev, u64 ab,
							  u64 cd)
{
	struct trace *tr = k->trace;
	struct trace_rec *r = &tr->rec[tr->head++ & (TRACE_SIZE - 1)];

	r->t = t;
	r->type = (u16)type;
	r->dev = dev ? (u8)dev->ifindex : 0xff;
	r->ctx = (u8)k->cpu.ctx;
	r->a = (u32)ab;
	r->b = (u32)(ab >> 32);
	r->c = (u32)cd;
	r->d = (u32)(cd >> 32);
	if (unlikely(tr->cb != NULL))
		tr->cb(r, tr->cb_arg);
}

static inline void trace_emit(struct kit *k, u64 t, enum trace_type type,
			      const struct net_device *dev, u32 a, u32 b, u32 c, u32 d)
{
	if (unlikely(k->trace != NULL)) /* NULL after trace_stop: nobody can read it */
		trace_write(k, t, type, dev, (u64)b << 32 | a, (u64)d << 32 | c);
}
#define TRACE(k, type, dev, a, b, c, d) trace_emit(k, (k)->now, type, dev, a, b, c, d)

#endif
