/* livelock.c - receive livelock: what the app gets as load grows, irq per packet vs NAPI. */
#include <stdio.h>
#include <string.h>

#include "exp.h"

/*
 * Mogul and Ramakrishnan (USENIX 1996, TOCS 1997) showed that a kernel which
 * does its receive work in the interrupt handler delivers less as the load
 * grows past what it can handle, down to nothing: every frame costs an
 * interrupt, interrupts outrank everything else, so the CPU is spent taking
 * frames in and none is left to finish them. Beyond Softnet (Salim, Olsson,
 * Kuznetsov, 2001) showed NAPI holding its peak instead.
 *
 * The experiment offers 60-byte UDP frames from a remote sender to sn1 at
 * 10% to 400% of what the CPU can process, first with the driver in napi
 * mode "none" (interrupt per frame, netif_rx into the backlog from hardirq),
 * then with modern NAPI, each on a fresh machine, and counts what the
 * application reads from its socket in a fixed window after a warm-up.
 * "What the CPU can process" is measured, not assumed: it is what NAPI
 * delivers with the wire at line rate (every frame worked once, no interrupt),
 * unless that is less than one interrupt per frame allows (an application so
 * dear that even NAPI at line rate starves it: ratio=200).
 *
 * ratio=R sets the application's recv() to R% of the interrupt's own cost
 * (entry, ICR read, exit). The interrupt-driven path delivers most at
 * 1 / (interrupt + stack + application) and nothing from 1 / interrupt on,
 * where interrupts alone fill the CPU: the decline spans 1 + R/(100 + stack
 * share) times the peak load. With the defaults (R = 25) that is a cliff;
 * at R = 200, Mogul and Ramakrishnan's gradual slope.
 *
 * Why the shapes come out, from the cost model alone:
 *  - nonapi: a frame costs interrupt entry + ICR read + exit (about 2 us)
 *    in hardirq, stack work in softirq, and the application's recv(). Past
 *    the point where hardirq + softirq fill the CPU, the application (a
 *    process, the lowest context) gets nothing and the socket queue
 *    overflows; further on, interrupts alone fill the CPU, the backlog
 *    overflows and even the softirq starves. Offered load that is worked on
 *    and then dropped is the waste that defines livelock.
 *  - NAPI: the first frame masks the interrupt; polls take the rest from
 *    the ring. Overload costs nothing extra: excess frames are dropped by
 *    the NIC (rx_missed) before any CPU is spent on them, and after 2 ms of
 *    softirq, ksoftirqd shares the CPU fairly with the application, so
 *    delivery stays at the capacity.
 *  - NAPI below its capacity is not free either. With no interrupt
 *    moderation, a poll that empties the ring completes and unmasks, and the
 *    next frame costs a whole interrupt again: at moderate load every poll of
 *    one or two frames pays one. Around half the capacity that alone fills
 *    the CPU (napi_hirq_pct near 50%) and the application starves, until the
 *    load is high enough for a poll to run out of budget, ksoftirqd to take
 *    over and polls to grow. It is why NAPI drivers still coalesce (see the
 *    coalesce experiment with napi=modern), and it is left in plain sight.
 */

static const struct exp_key keys[] = {
	{ "len", EK_INT, 60, 1514, "bytes" },
	{ "ms", EK_INT, 1, 200, "ms measured per point" },
	{ "max_pct", EK_INT, 100, 1000, "% of capacity" },
	{ "ratio", EK_INT, 0, 10000, "% of the interrupt's cost; 0: the cost model as set" },
};
enum { K_LEN, K_MS, K_MAX_PCT, K_RATIO };

/* past the ksoftirqd hand-over and the socket queue it leaves behind */
#define WARM_NS (15 * NSEC_PER_MSEC)

/* The sweep at max_pct=400; other maxima scale it. */
static const int sweep_pct[] = {
	10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300, 350, 400,
};

static const char *const cols[] = {
	"load_pct",	   "offered_kpps",    "nonapi_kpps",	 "napi_kpps",
	"nonapi_hirq_pct", "nonapi_sirq_pct", "nonapi_proc_pct", "napi_hirq_pct",
	"napi_sirq_pct",   "napi_proc_pct",
};
static const char *const abbr[] = {
	"load", "offer", "nonapi", "napi", "nn_hi", "nn_si", "nn_pr", "na_hi", "na_si", "na_pr",
};

struct point {
	double offered_kpps; /* frames that reached the NIC in the window */
	double app_kpps;     /* of those, read by the application in the window */
	double pct[CTX_NR];  /* CPU share per context */
	u64 line_pps;	     /* what the wire can carry */
};

/*
 * The interrupt's own cost (entry, ICR read, exit) and what the later stages
 * cost per frame (the stack's receive work and the application's recv()).
 * Mogul and Ramakrishnan's decline is gradual because their later stages cost
 * several times the interrupt; ratio=R makes stack_rx + app_rx R% of it.
 */
static u64 irq_cost(const struct kit *k)
{
	return k->cost[COST_IRQ_ENTRY] + k->cost[COST_IRQ_EXIT] + k->cost[COST_MMIO_READ];
}

static int set_ratio(struct kit *k, long ratio, char *err, size_t errlen)
{
	if (!ratio)
		return 0;
	return exp_set(k, NULL, "app_rx", (long)(irq_cost(k) * (u64)ratio / 100), err, errlen);
}

/* One machine, one mode, one rate (0 = line rate): measure after the warm-up. */
static int run_point(u64 seed, long mode, u64 rate, unsigned int len, u64 ms, long ratio,
		     struct point *pt, char *err, size_t errlen)
{
	struct kit *k = exp_kit(seed, err, errlen);
	struct net_device *sn1;
	struct pktgen_cfg c;
	struct exp_meas m;
	u64 end = WARM_NS + ms * NSEC_PER_MSEC;
	int rc = -EINVAL;

	if (!k)
		return -ENOMEM;
	sn1 = kit_dev_by_name(k, "sn1");
	if (exp_set(k, NULL, "wire_peer", 0, err, errlen) ||
	    exp_set(k, sn1, "napi", mode, err, errlen) || set_ratio(k, ratio, err, errlen))
		goto out;
	pt->line_pps = exp_line_pps(k, len);
	pktgen_cfg_default(&c);
	c.rate_pps = rate;
	c.len = len;
	c.start_ns = 1000; /* a stamp of 0 would read as "not stamped" */
	/* enough frames to keep arriving past the end of the window */
	c.count = (rate ? rate : pt->line_pps) * (end / NSEC_PER_MSEC + 2) / 1000;
	if (kit_pktgen(sn1, &c, err, errlen))
		goto out;
	exp_run_until(k, WARM_NS);
	exp_meas_read(k, sn1, &m);
	/* delivered and offered count the same frames: those that reached the
	 * NIC in the window (read in it, for delivered) */
	stack_window(k, kit_now(k));
	exp_run_until(k, end);
	exp_meas_since(k, sn1, &m);
	pt->offered_kpps = exp_per_s(m.ctr[XC_HW_RX] + m.ctr[XC_RX_MISSED], m.ns) / 1e3;
	pt->app_kpps = exp_per_s(stack_window_read(k), m.ns) / 1e3;
	for (int i = 0; i < CTX_NR; i++)
		pt->pct[i] = exp_pct(m.cpu_ns[i], m.ns);
	rc = 0;
out:
	kit_free(k);
	return rc;
}

static int livelock_run(u64 seed, const struct exp_val *a, struct exp_table *t, char *err,
			size_t errlen)
{
	unsigned int len = (unsigned int)a[K_LEN].v;
	u64 ms = (u64)a[K_MS].v, line, last = 0, per_frame;
	long ratio = a[K_RATIO].v;
	struct point cap, nonapi, napi;
	double capacity;
	char title[96];
	struct kit *k = exp_kit(seed, err, errlen);

	if (!k)
		return -ENOMEM;
	if (set_ratio(k, ratio, err, errlen)) {
		kit_free(k);
		return -EINVAL;
	}
	/* the ratio in effect, for the title; one frame's work with an interrupt */
	ratio = (long)(k->cost[COST_APP_RX] * 100 / irq_cost(k));
	per_frame = irq_cost(k) + k->cost[COST_STACK_RX] + k->cost[COST_APP_RX];
	kit_free(k);
	/* capacity: NAPI with the wire at line rate, or, when the application is
	 * so dear that NAPI at line rate starves it, one interrupt per frame */
	if (run_point(seed, SIMNIC_NAPI_MODERN, 0, len, ms, a[K_RATIO].v, &cap, err, errlen))
		return -EINVAL;
	capacity = cap.app_kpps * 1e3;
	if (capacity < 1e9 / (double)per_frame)
		capacity = 1e9 / (double)per_frame;
	line = cap.line_pps;
	snprintf(title, sizeof(title), "Receive livelock: %u-byte UDP, ratio %ld%%, capacity %.0f kpps%s",
		 len, ratio, capacity / 1e3,
		 capacity >= 0.98 * (double)line ? " (the line rate)" : "");
	exp_table_init(t, title, cols, (int)ARRAY_SIZE(cols));
	memcpy(t->abbr, abbr, sizeof(abbr));
	for (size_t i = 0; i < ARRAY_SIZE(sweep_pct); i++) {
		double pct = sweep_pct[i] * (double)a[K_MAX_PCT].v / 400.0;
		u64 rate = (u64)(capacity * pct / 100.0 + 0.5);
		double *row;

		if (rate > line)
			rate = line; /* the wire cannot offer more */
		if (!rate || rate == last)
			continue;
		last = rate;
		if (run_point(seed, SIMNIC_NONAPI, rate, len, ms, a[K_RATIO].v, &nonapi, err,
			      errlen) ||
		    run_point(seed, SIMNIC_NAPI_MODERN, rate, len, ms, a[K_RATIO].v, &napi, err,
			      errlen))
			return -EINVAL;
		row = exp_row(t);
		if (!row)
			break;
		row[0] = 100.0 * (double)rate / capacity;
		row[1] = nonapi.offered_kpps;
		row[2] = nonapi.app_kpps;
		row[3] = napi.app_kpps;
		row[4] = nonapi.pct[CTX_HARDIRQ];
		row[5] = nonapi.pct[CTX_SOFTIRQ];
		row[6] = nonapi.pct[CTX_PROCESS];
		row[7] = napi.pct[CTX_HARDIRQ];
		row[8] = napi.pct[CTX_SOFTIRQ];
		row[9] = napi.pct[CTX_PROCESS];
	}
	snprintf(t->note, sizeof(t->note),
		 "nonapi_kpps peaks then declines: interrupts per frame and softirq take the CPU "
		 "from the app, over a width of loads that grows with ratio (later stages' cost / "
		 "the interrupt's). napi_kpps holds the capacity; its dip near 50%% is an "
		 "interrupt per 1-2-frame poll. _pct: CPU share, proc = app");
	return 0;
}

const struct exp_def exp_livelock = {
	.d = { .name = "livelock",
	       .params = "len=60 ms=20 max_pct=400 ratio=0",
	       .desc = "delivered vs offered load, interrupt per packet (netif_rx) vs NAPI",
	       .plot = {
			  .x = "offered_kpps",
			  .xlabel = "offered load (kpps)",
			  .y = { "nonapi_kpps", "napi_kpps" },
			  .ylabel = "delivered to the application (kpps)",
			 } },
	.keys = keys,
	.nkeys = (int)ARRAY_SIZE(keys),
	.run = livelock_run,
};
