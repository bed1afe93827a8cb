/* timeline.c - CPU slices and counter samples beside the trace, for a timeline export. */
#include <stdlib.h>
#include <string.h>

#include "kit.h"

/*
 * The trace says what changed; the timeline says what the CPU was doing
 * meanwhile. Each piece of work writes a begin and an end record (a fixed
 * 48-byte record in a power-of-two ring, as the trace), and after each of
 * them the counters a timeline plots (ring occupancy, qdisc length, BQL's
 * bytes in flight, the backlog) are compared with their last sample: those
 * that changed get a new one. Nothing is allocated after tl_init.
 *
 * A machine nobody can look at (an experiment's, a benchmark's) keeps no
 * timeline (tl_stop): its slices and samples would be written and never read.
 */

#define TL_SIZE (1u << 16)

struct timeline {
	struct tl_rec rec[TL_SIZE];
	u64 head;
	u32 last[KIT_MAX_DEVS + 1][TLV_NR]; /* the last sample per device; [KIT_MAX_DEVS]: backlog */
	bool sampled[KIT_MAX_DEVS + 1];
};

void tl_init(struct kit *k)
{
	k->timeline = calloc(1, sizeof(*k->timeline));
	kit_drv_watch(k);
}

void tl_stop(struct kit *k)
{
	tl_free(k);
}

void tl_reset(struct kit *k)
{
	if (!k->timeline)
		return;
	k->timeline->head = 0;
	memset(k->timeline->sampled, 0, sizeof(k->timeline->sampled));
}

void tl_free(struct kit *k)
{
	free(k->timeline);
	k->timeline = NULL;
	kit_drv_watch(k);
}

static struct tl_rec *next(struct kit *k)
{
	struct timeline *tl = k->timeline;
	struct tl_rec *r = &tl->rec[tl->head++ & (TL_SIZE - 1)];

	r->t = k->now;
	r->seq = kit_trace_total(k);
	r->ctx = (u8)k->cpu.ctx;
	return r;
}

static void sample(struct kit *k, int slot, u8 dev, const u32 *v)
{
	struct timeline *tl = k->timeline;
	struct tl_rec *r;

	if (tl->sampled[slot]) {
		u32 d = 0;

		for (int i = 0; i < TLV_NR; i++)
			d |= tl->last[slot][i] ^ v[i];
		if (!d)
			return;
	}
	memcpy(tl->last[slot], v, sizeof(tl->last[slot]));
	tl->sampled[slot] = true;
	r = next(k);
	r->kind = TL_COUNT;
	r->cat = TLC_KERNEL;
	r->dev = dev;
	r->name = NULL;
	memcpy(r->v, v, sizeof(r->v));
}

static void counters(struct kit *k)
{
	u32 v[TLV_NR] = { 0 };

	for (int i = 0; i < k->ndevs && i < KIT_MAX_DEVS; i++) {
		struct net_device *dev = k->devs[i];

		v[TLV_TX_RING] = dev_tx_used(dev);
		v[TLV_RX_RING] = dev_rx_ready(dev);
		v[TLV_QDISC] = dev->qdisc ? (u32)skb_queue_len(&dev->qdisc->q) : 0;
		v[TLV_BQL] = dql_inflight(&dev->tx_queue.dql);
		sample(k, i, (u8)i, v);
	}
	memset(v, 0, sizeof(v));
	v[0] = (u32)skb_queue_len(&k->sd.input_pkt_queue);
	sample(k, KIT_MAX_DEVS, 0xff, v);
}

void tl_slice(struct kit *k, const char *name, const struct net_device *dev, enum tl_cat cat,
	      bool begin)
{
	struct tl_rec *r;

	if (!k->timeline || !name)
		return;
	r = next(k);
	r->kind = begin ? TL_BEGIN : TL_END;
	r->cat = (u8)cat;
	r->dev = dev ? (u8)dev->ifindex : 0xff;
	r->name = name;
	counters(k);
}

/* The enter with a timeline or guards: an outermost call's start is a time
 * between calls, where adapter->ops takes a change of watching made during
 * a call left quietly (drvcall.h); then its slice begins. */
void driver_enter_watched(struct kit *k, struct net_device *dev, const char *fn, bool outer)
{
	if (outer)
		kit_drv_watch_now(k);
	tl_slice(k, fn, dev, TLC_DRIVER, true);
}

void driver_leave_watched(struct kit *k, struct drvcall prev)
{
	tl_slice(k, k->lab_running, k->dev_running, TLC_DRIVER, false);
	k->lab_running = prev.fn;
	k->dev_running = prev.dev;
	if (prev.fn)
		return;
	if (k->guard_calls)
		kit_guard_after_call(k); /* the rings' guards, blaming this very call */
	/* a timeline or guards set up or gone during the call: its end is the
	 * first time between calls that adapter->ops may follow them */
	kit_drv_watch(k);
}

u64 kit_timeline_total(const struct kit *k)
{
	return k->timeline ? k->timeline->head : 0;
}

size_t kit_timeline_count(const struct kit *k)
{
	if (!k->timeline)
		return 0;
	return k->timeline->head < TL_SIZE ? (size_t)k->timeline->head : TL_SIZE;
}

const struct tl_rec *kit_timeline_at(const struct kit *k, size_t i)
{
	const struct timeline *tl = k->timeline;
	u64 first;

	if (i >= kit_timeline_count(k))
		return NULL;
	first = tl->head - kit_timeline_count(k);
	return &tl->rec[(first + i) & (TL_SIZE - 1)];
}
