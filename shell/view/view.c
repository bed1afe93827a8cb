/* view.c - the ring view's loop: read the kit, build the model, paint, wait for a key or a tick. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <ringkit/ringkit.h>

#include "loop.h"
#include "view.h"
#include "vterm.h"

/*
 * Paused, the loop blocks in getch: no timer, no CPU. Running, it wakes at
 * each frame's deadline, runs that frame's share of steps, and repaints.
 * Every frame re-reads the kit through its snapshots only, so a command typed
 * with ':' or run in the shell before is always reflected exactly.
 */

static const unsigned int speeds[VIEW_NSPEEDS] = {
	1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 20000,
};
#define FRAME_MS 50 /* at most 20 frames a second */

/* Counters shown first, in this order; then the rest of the stats table. */
static const char *const first_counters[] = {
	"tx_packets", "rx_packets", "doorbells", "queue_stops", "queue_wakes", "irqs",
	"polls", "rx_missed_errors", "tx_busy", "requeues", "qdisc_drops", "napi_missed",
	"batches", "lro_aggregated", "lro_flushed",
};

static struct view_hooks hooks;

void view_set_hooks(const struct view_hooks *h)
{
	if (h)
		hooks = *h;
	else
		memset(&hooks, 0, sizeof(hooks));
}

struct kit *vloop_machine(const struct view *v)
{
	struct kit *k = hooks.machine && v->host ? hooks.machine(v->host->arg) : NULL;

	return k ? k : v->k;
}

long long vloop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void vloop_say(struct view *v, enum vstyle st, const char *fmt, const char *arg)
{
	snprintf(v->msg, sizeof(v->msg), fmt, arg);
	v->msg_style = st;
}

struct net_device *vloop_dev(struct view *v)
{
	return kit_dev_at(v->k, v->dev);
}

static void collect_counters(struct view *v, struct net_device *dev)
{
	int n = kit_stat_count();
	bool used[VIEW_MAX_CTR] = { false };

	v->nctr = 0;
	for (size_t i = 0; i < sizeof(first_counters) / sizeof(first_counters[0]); i++) {
		int id = kit_stat_find(first_counters[i]);

		if (id < 0 || id >= VIEW_MAX_CTR)
			continue;
		used[id] = true;
		v->ctr[v->nctr++] = (struct view_counter){ kit_stat_at(id)->name, kit_dev_stat(dev, id) };
	}
	for (int id = 0; id < n && id < VIEW_MAX_CTR && v->nctr < VIEW_MAX_CTR; id++)
		if (!used[id])
			v->ctr[v->nctr++] = (struct view_counter){ kit_stat_at(id)->name,
								   kit_dev_stat(dev, id) };
}

static void collect_rx(struct view *v, struct net_device *dev)
{
	static const struct {
		const char *name;
		size_t off;
	} ctr[] = {
		{ "app_bytes", offsetof(struct view_rx, app_bytes) },
		{ "rx_ooo", offsetof(struct view_rx, ooo) },
		{ "rx_dups", offsetof(struct view_rx, dups) },
		{ "rx_csum_errors", offsetof(struct view_rx, csum_errors) },
		{ "rx_stream_errors", offsetof(struct view_rx, stream_errors) },
		{ "rx_ofo_drops", offsetof(struct view_rx, ofo_drops) },
	};

	memset(&v->rx, 0, sizeof(v->rx));
	if (!dev)
		return;
	for (size_t i = 0; i < sizeof(ctr) / sizeof(ctr[0]); i++) {
		int id = kit_stat_find(ctr[i].name);
		unsigned long long val = id >= 0 ? kit_dev_stat(dev, id) : 0;

		memcpy((char *)&v->rx + ctr[i].off, &val, sizeof(val));
	}
	for (int i = 0; i < kit_flow_count(v->k); i++) {
		struct kit_flow_stat f;

		if (kit_flow_at(v->k, i, &f) || f.ifindex != dev->ifindex)
			continue;
		v->rx.flows++;
		v->rx.held += f.ofo_segs;
	}
}

/* Read everything one frame shows. */
static void collect(struct view *v)
{
	struct net_device *dev;

	if (vloop_machine(v) != v->k) {
		v->k = vloop_machine(v);
		vlog_init(&v->log, v->k);
		vlog_add(&v->log, "(a new machine)", VS_CMD);
	}
	if (v->dev >= kit_dev_count(v->k))
		v->dev = 0;
	dev = vloop_dev(v);
	kit_snapshot(v->k, &v->ks);
	if (!dev || kit_dev_snapshot(dev, &v->ds))
		memset(&v->ds, 0, sizeof(v->ds));
	collect_counters(v, dev);
	collect_rx(v, dev);
	vlog_pull(&v->log, v->k, v->ds.index, NULL);
}

static void render(struct view *v)
{
	struct view_input in = {
		.k = &v->ks, .d = &v->ds, .dev_pos = v->dev, .dev_count = kit_dev_count(v->k),
		.driver = kit_driver_name(v->k), .ctr = v->ctr, .nctr = v->nctr, .rx = &v->rx,
		.log = v->log.lines, .nlog = v->log.n, .running = v->running,
		.speed = speeds[v->speed], .zoom = v->zoom, .help = v->help,
		.prompt = v->prompting ? v->prompt : NULL, .message = v->msg[0] ? v->msg : NULL,
		.message_style = v->msg_style,
	};
	int w, h, cx, cy;

	vterm_size(&w, &h);
	if (v->g.w != w || v->g.h != h)
		vgrid_resize(&v->g, w, h);
	vmodel_build(&v->g, &in);
	if (!vmodel_cursor(&v->g, &in, &cx, &cy))
		cx = cy = -1;
	vterm_paint(&v->g, cx, cy);
}

/* Run up to n steps; false if the machine was idle. */
bool vloop_steps(struct view *v, unsigned long n)
{
	unsigned long done = 0;
	u64 bugs = v->ks.bugs + v->ks.warnings + v->ks.advice;
	bool broken = v->ds.broken;

	if (hooks.step && v->host) {
		done = hooks.step(v->host->arg, n);
	} else {
		while (done < n && kit_step(v->k))
			done++;
	}
	kit_snapshot(v->k, &v->ks);
	if (vloop_dev(v))
		kit_dev_snapshot(vloop_dev(v), &v->ds);
	/* An oops report may have been printed under us: repaint it all. */
	if (v->ks.bugs + v->ks.warnings + v->ks.advice != bugs || v->ds.broken != broken ||
	    (hooks.step && done < n))
		vterm_redraw();
	return done > 0;
}

/* One running frame: this frame's share of steps at the chosen speed. */
static void tick(struct view *v)
{
	unsigned int sp = speeds[v->speed];
	long long frame = sp >= 1000 / FRAME_MS ? FRAME_MS : 1000 / sp;
	unsigned long n = sp >= 1000 / FRAME_MS ? sp * FRAME_MS / 1000 : 1;

	if (!vloop_steps(v, n)) {
		v->running = false;
		vloop_say(v, VS_LABEL, "%s", "idle: nothing left to do (paused)");
	}
	v->deadline += frame;
	if (v->deadline < vloop_now_ms() - 1000)
		v->deadline = vloop_now_ms(); /* fell behind (a slow step): do not try to catch up */
}

static int find_dev(struct kit *k, const char *name)
{
	if (!name || !*name)
		return 0;
	for (int i = 0; i < kit_dev_count(k); i++)
		if (!strcmp(kit_dev_at(k, i)->name, name))
			return i;
	return -1;
}

int view_run(struct kit *k, const char *dev, const struct view_host *host, char *err,
	     size_t errlen)
{
	struct view *v;
	int d = k ? find_dev(k, dev) : -1;

	if (!k) {
		snprintf(err, errlen, "no machine");
		return -1;
	}
	if (d < 0 || kit_dev_snapshot(kit_dev_at(k, d), &(struct dev_snap){ 0 })) {
		snprintf(err, errlen, "no device '%s' to show (sn0, sn1)", dev);
		return -1;
	}
	v = calloc(1, sizeof(*v));
	if (v)
		v->out = malloc(VIEW_CMD_OUT);
	if (!v || !v->out) {
		free(v);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (vterm_open(err, errlen)) {
		free(v->out);
		free(v);
		return -1;
	}
	v->k = k;
	v->host = host;
	v->has_machine_hook = hooks.machine != NULL;
	v->dev = d;
	v->speed = 3; /* 10 steps/s */
	vlog_init(&v->log, k);
	while (!v->quit) {
		long long t;

		if (v->running && vloop_now_ms() >= v->deadline)
			tick(v);
		collect(v);
		render(v);
		t = v->running ? v->deadline - vloop_now_ms() : -1;
		vkeys_handle(v, vterm_key(v->running ? (t > 0 ? (int)t : 0) : -1));
	}
	vterm_close();
	vgrid_free(&v->g);
	free(v->out);
	free(v);
	return 0;
}
