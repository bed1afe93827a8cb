/* trace.c - the trace ring: fixed-size binary records, kept until overwritten. */
#include <stdlib.h>

#include "kit.h"

/*
 * Every state change writes one 32-byte record into a power-of-two ring
 * (free-running counter, masked when indexing). Nothing is formatted here:
 * trace_fmt.c turns a record into text only when a client asks. The one
 * subscriber (the shell, the view) sees each record as it is written.
 * Writing a record (trace_emit in trace.h) is a test inline and the write out
 * of line (trace_write): a packet writes several.
 *
 * A machine nobody can look at (an experiment's, a benchmark's) keeps no
 * trace (trace_stop), as it keeps no timeline: its records would be written
 * and never read. Nothing the machine does depends on its trace, so it runs
 * the same with or without one; it then reports no records at all.
 */

void trace_init(struct kit *k)
{
	k->trace = calloc(1, sizeof(*k->trace));
}

void trace_reset(struct kit *k)
{
	if (k->trace)
		k->trace->head = 0;
}

void trace_stop(struct kit *k)
{
	trace_free(k);
}

void trace_free(struct kit *k)
{
	free(k->trace);
	k->trace = NULL;
}

void kit_trace_subscribe(struct kit *k, trace_cb cb, void *arg)
{
	if (!k->trace)
		return;
	k->trace->cb = cb;
	k->trace->cb_arg = arg;
}

u64 kit_trace_total(const struct kit *k)
{
	return k->trace ? k->trace->head : 0;
}

size_t kit_trace_count(const struct kit *k)
{
	if (!k->trace)
		return 0;
	return k->trace->head < TRACE_SIZE ? (size_t)k->trace->head : TRACE_SIZE;
}

const struct trace_rec *kit_trace_at(const struct kit *k, size_t i)
{
	const struct trace *tr = k->trace;
	u64 first;

	if (i >= kit_trace_count(k))
		return NULL;
	first = tr->head - kit_trace_count(k);
	return &tr->rec[(first + i) & (TRACE_SIZE - 1)];
}

void kit_trace_lro(struct net_device *dev, int what, u32 flow, u32 pkts, u32 bytes)
{
	static const enum trace_type type[3] = { TR_LRO_AGGR, TR_LRO_FLUSH, TR_LRO_NODESC };

	if (what >= 0 && what < 3)
		TRACE(dev->kit, type[what], dev, flow, pkts, bytes, 0);
}
