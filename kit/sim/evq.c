/* evq.c - the event queue: a binary min-heap of events embedded in their owners. */
#include "kit.h"

/*
 * Events order by (time, seq). seq is taken when an event is scheduled, so
 * two events due at the same nanosecond run in the order they were set: the
 * run is the same every time. Owners embed their struct sim_event, so
 * scheduling never allocates; idx lets an owner move or cancel its event in
 * O(log n).
 *
 * The hardware's event (k->hw_ev) moves at nearly every packet, so it stays
 * out of the heap: scheduling it only sets its time and takes a seq, and
 * ev_peek compares it with the heap's top. The order is the one the heap
 * would give.
 */

static bool before(const struct sim_event *a, const struct sim_event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void place(struct evq *q, int i, struct sim_event *e)
{
	q->heap[i] = e;
	e->idx = i;
}

static void sift_up(struct evq *q, int i)
{
	struct sim_event *e = q->heap[i];

	while (i > 0) {
		int p = (i - 1) / 2;

		if (!before(e, q->heap[p]))
			break;
		place(q, i, q->heap[p]);
		i = p;
	}
	place(q, i, e);
}

static void sift_down(struct evq *q, int i)
{
	struct sim_event *e = q->heap[i];

	for (;;) {
		int c = 2 * i + 1;

		if (c >= q->n)
			break;
		if (c + 1 < q->n && before(q->heap[c + 1], q->heap[c]))
			c++;
		if (!before(q->heap[c], e))
			break;
		place(q, i, q->heap[c]);
		i = c;
	}
	place(q, i, e);
}

void ev_init(struct sim_event *e, enum ev_type type, void *obj)
{
	e->time = 0;
	e->seq = 0;
	e->idx = -1;
	e->type = (u8)type;
	e->obj = obj;
}

void ev_cancel(struct kit *k, struct sim_event *e)
{
	struct evq *q = &k->evq;
	int i = e->idx;

	if (i < 0)
		return;
	if (e == &k->hw_ev) {
		e->idx = -1;
		return;
	}
	e->idx = -1;
	q->n--;
	if (i == q->n)
		return;
	place(q, i, q->heap[q->n]);
	sift_up(q, i);
	sift_down(q, q->heap[i] == NULL ? i : q->heap[i]->idx);
}

void ev_schedule(struct kit *k, struct sim_event *e, u64 time)
{
	struct evq *q = &k->evq;

	if (e->idx >= 0) {
		if (e->time == time)
			return;
		ev_cancel(k, e);
	}
	e->time = time;
	e->seq = q->seq++;
	if (e == &k->hw_ev) {
		e->idx = EVQ_MAX; /* queued, outside the heap */
		return;
	}
	/* Owners are fixed (devices, timers, the hardware): EVQ_MAX bounds them. */
	if (q->n >= EVQ_MAX)
		return;
	place(q, q->n++, e);
	sift_up(q, q->n - 1);
}

struct sim_event *ev_peek(struct kit *k)
{
	struct sim_event *top = k->evq.n ? k->evq.heap[0] : NULL;

	hw_arm(k);
	if (k->hw_ev.idx >= 0 && (!top || before(&k->hw_ev, top)))
		return &k->hw_ev;
	return top;
}
