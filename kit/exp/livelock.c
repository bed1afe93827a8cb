/* livelock.c - receive livelock: what the app gets as load grows, irq per packet vs NAPI. */
#include <stdio.h>

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
 * delivers with the wire at line rate (every frame worked once, no interrupt).
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
};
enum { K_LEN, K_MS, K_MAX_PCT };

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

struct point {
	double app_kpps;    /* read by the application */
	double pct[CTX_NR]; /* CPU share per context */
	u64 line_pps;	    /* what the wire can carry */
};

/* One machine, one mode, one rate (0 = line rate): measure after the warm-up. */
static int run_point(u64 seed, long mode, u64 rate, unsigned int len, u64 ms, struct point *pt,
		     char *err, size_t errlen)
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
	    exp_set(k, sn1, "napi", mode, err, errlen))
		goto out;
	pt->line_pps = exp_line_pps(k, len);
	pktgen_cfg_default(&c);
	c.rate_pps = rate;
	c.len = len;
	/* enough frames to keep arriving past the end of the window */
	c.count = (rate ? rate : pt->line_pps) * (end / NSEC_PER_MSEC + 2) / 1000;
	if (kit_pktgen(sn1, &c, err, errlen))
		goto out;
	exp_run_until(k, WARM_NS);
	exp_meas_read(k, sn1, &m);
	exp_run_until(k, end);
	exp_meas_since(k, sn1, &m);
	pt->app_kpps = exp_per_s(m.app_packets, m.ns) / 1e3;
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
	u64 ms = (u64)a[K_MS].v, line, last = 0;
	struct point cap, nonapi, napi;
	double capacity;
	char title[96];

	/* capacity: NAPI with the wire at line rate */
	if (run_point(seed, SIMNIC_NAPI_MODERN, 0, len, ms, &cap, err, errlen))
		return -EINVAL;
	capacity = cap.app_kpps * 1e3;
	line = cap.line_pps;
	snprintf(title, sizeof(title), "Receive livelock: %u-byte UDP, capacity %.0f kpps (%s)",
		 len, capacity / 1e3,
		 capacity >= 0.98 * (double)line ? "the line rate: the CPU keeps up"
						 : "NAPI at line rate");
	exp_table_init(t, title, cols, (int)ARRAY_SIZE(cols));
	for (size_t i = 0; i < ARRAY_SIZE(sweep_pct); i++) {
		double pct = sweep_pct[i] * (double)a[K_MAX_PCT].v / 400.0;
		u64 rate = (u64)(capacity * pct / 100.0 + 0.5);
		double *row;

		if (rate > line)
			rate = line; /* the wire cannot offer more */
		if (!rate || rate == last)
			continue;
		last = rate;
		if (run_point(seed, SIMNIC_NONAPI, rate, len, ms, &nonapi, err, errlen) ||
		    run_point(seed, SIMNIC_NAPI_MODERN, rate, len, ms, &napi, err, errlen))
			return -EINVAL;
		row = exp_row(t);
		if (!row)
			break;
		row[0] = 100.0 * (double)rate / capacity;
		row[1] = (double)rate / 1e3;
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
		 "nonapi_kpps peaks then collapses: interrupts per frame and softirq take the "
		 "CPU from the app. napi_kpps holds the capacity past it; its dip near 50%% is an "
		 "interrupt per 1-2-frame poll. _pct: CPU share, proc = app");
	return 0;
}

const struct exp_def exp_livelock = {
	.d = { .name = "livelock",
	       .params = "len=60 ms=20 max_pct=400",
	       .desc = "delivered vs offered load, interrupt per packet (netif_rx) vs NAPI" },
	.keys = keys,
	.nkeys = (int)ARRAY_SIZE(keys),
	.run = livelock_run,
};
