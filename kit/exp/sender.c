/* sender.c - a local process sending frames as fast as the qdisc takes them. */
#include <stdlib.h>

#include "kit.h"

/*
 * Like an application writing to a socket: each step it sends up to a burst
 * of frames with dev_queue_xmit; when the qdisc is full it blocks (is not
 * runnable) until the queue drains below its limit, so nothing is tail-dropped.
 * The benchmarks and the batching experiment drive the TX path with it.
 */

#define SENDER_BURST 32

struct tx_sender {
	struct kthread t;
	struct net_device *dev;
	struct kit_pkt p;
	u64 left, i;
	bool hold; /* queue each burst behind a busy qdisc, then run it */
	struct tx_frames fr;	/* p's frames, made once a start */
};

static bool sender_runnable(struct kit *k, struct kthread *t)
{
	struct tx_sender *s = container_of(t, struct tx_sender, t);

	(void)k;
	return s->left && netif_running(s->dev) && !kit_dev_broken(s->dev) &&
	       skb_queue_len(&s->dev->qdisc->q) < s->dev->tx_queue_len;
}

static bool sender_more(void *arg)
{
	struct tx_sender *s = arg;

	return netif_running(s->dev) && !kit_dev_broken(s->dev) &&
	       skb_queue_len(&s->dev->qdisc->q) < s->dev->tx_queue_len;
}

/* One burst, one entry into the kit: each frame queued, or counted as a drop. */
static void sender_run(struct kit *k, struct kthread *t)
{
	struct tx_sender *s = container_of(t, struct tx_sender, t);
	u64 n = s->left < SENDER_BURST ? s->left : SENDER_BURST, done;

	(void)k;
	if (s->hold) {
		struct Qdisc *q = s->dev->qdisc;
		bool was = q->running;

		q->running = true; /* busy: dev_queue_xmit only enqueues */
		done = xmit_frames_while(s->dev, &s->p, s->i, n, sender_more, s, &s->fr);
		q->running = was;
		qdisc_run(s->dev);
	} else {
		done = xmit_frames_while(s->dev, &s->p, s->i, n, sender_more, s, &s->fr);
	}
	s->i += done;
	s->left -= done;
}

int kit_sender_start(struct net_device *dev, const struct kit_pkt *p, u64 count)
{
	struct kit *k = kit_enter(dev->kit);
	struct tx_sender *s = k->sender;

	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		s->t = (struct kthread){ .name = "sender", .runnable = sender_runnable,
					 .run = sender_run };
		k->sender = s;
		kthread_add(k, &s->t);
	}
	s->dev = dev;
	s->p = *p;
	s->fr.ready = false;
	s->left += count;
	return 0;
}

void kit_sender_hold_qdisc(struct kit *k, bool on)
{
	if (k->sender)
		k->sender->hold = on;
}

u64 kit_sender_left(const struct kit *k)
{
	return k->sender ? k->sender->left : 0;
}

void sender_free(struct kit *k)
{
	if (!k->sender)
		return;
	kthread_del(k, &k->sender->t);
	free(k->sender);
	k->sender = NULL;
}
