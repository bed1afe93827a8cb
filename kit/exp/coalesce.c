/* coalesce.c - interrupt coalescing: rx-usecs against interrupts/s, throughput ceiling, latency. */
#include <stdio.h>
#include <string.h>

#include "exp.h"

/*
 * The NIC holds the receive interrupt back for rx-usecs after the first
 * frame it has not yet signalled (8254x RDTR, ethtool -C rx-usecs). With
 * frames arriving faster than that, every window ends in one interrupt, so
 * interrupts per second come out as 1e6 / rx-usecs whatever the load: the
 * arithmetic behind e1000's InterruptThrottleRate (rx-usecs 125 = 8000/s).
 *
 * Each interrupt costs the same fixed price (entry, ICR read, exit: about
 * 2 us with the defaults) however many frames it brings, so fewer, fuller
 * interrupts leave more of the CPU for the stack and the application: the
 * throughput ceiling rises. The price is latency: a frame waits in the ring
 * until its window closes, on average half a window when frames are dense
 * and a whole one when they are sparse.
 *
 * The default driver mode is "none" (interrupt-driven netif_rx, the e1000
 * of the InterruptThrottleRate era): there the interrupt is all the
 * per-frame overhead, and rx-usecs 0 is the livelock experiment's collapse.
 * With napi=modern the picture is subtler: NAPI stops interrupts by itself
 * under overload but takes one per short poll at moderate load (see
 * livelock.c), and the ceiling search below assumes that a rate which loses
 * frames is never followed by a higher one that does not; NAPI's mid-load
 * dip can break that, so read its ceiling with the livelock table beside it.
 *
 * Per rx-usecs value, each on fresh machines:
 *  - interrupts per second and frames per interrupt at busy_kpps (the line
 *    busy: several frames in every window);
 *  - the ceiling: the highest offered rate delivered with no frame lost
 *    anywhere (RFC 2544 throughput), found by doubling then bisection;
 *  - latency: mean time from the frame's DMA into the ring (skb->tstamp) to
 *    the application's recv(), at light_kpps, a load every setting handles.
 */

static const struct exp_key keys[] = {
	{ "napi", EK_NAPI, 0, 0, "" },
	{ "rx_usecs", EK_LIST, 0, 10000, "us" },
	{ "busy_kpps", EK_INT, 10, 14880, "kpps" },
	{ "light_kpps", EK_INT, 1, 1000, "kpps" },
	{ "ms", EK_INT, 1, 200, "ms measured per run" },
};
enum { K_NAPI, K_USECS, K_BUSY, K_LIGHT, K_MS };

#define WARM_NS (15 * NSEC_PER_MSEC) /* as livelock.c: queues settled */
#define LEN 60
#define RX_RING 2048 /* room for a whole window at the busy rate */
#define BISECT_STEPS 7

static const char *const cols[] = {
	"rx_usecs",	 "irqs_per_s",	  "expect_irqs_per_s", "frames_per_irq",
	"busy_hirq_pct", "busy_app_kpps", "ceiling_kpps",      "latency_us",
};
static const char *const abbr[] = {
	"usecs", "irq/s", "expect", "f/irq", "hirq%", "app", "ceil", "lat_us",
};

struct run {
	struct exp_meas m;
	bool lossless; /* nothing dropped, and the application kept up */
};

static int run_at(u64 seed, long napi, long usecs, u64 rate, u64 ms, struct run *r, char *err,
		  size_t errlen)
{
	struct kit *k = exp_kit(seed, err, errlen);
	struct net_device *sn1;
	struct pktgen_cfg c;
	u64 end = WARM_NS + ms * NSEC_PER_MSEC, in_flight;
	int rc = -EINVAL;

	if (!k)
		return -ENOMEM;
	sn1 = kit_dev_by_name(k, "sn1");
	if (exp_set(k, NULL, "wire_peer", 0, err, errlen) ||
	    exp_set(k, sn1, "napi", napi, err, errlen) ||
	    exp_set(k, sn1, "rx_ring", RX_RING, err, errlen) ||
	    exp_set(k, sn1, "rx_usecs", usecs, err, errlen))
		goto out;
	pktgen_cfg_default(&c);
	c.rate_pps = rate;
	c.len = LEN;
	c.count = rate * (end / NSEC_PER_MSEC + 2) / 1000;
	c.start_ns = 1000; /* a stamp of 0 would read as "not stamped" */
	if (kit_pktgen(sn1, &c, err, errlen))
		goto out;
	exp_run_until(k, WARM_NS);
	exp_meas_read(k, sn1, &r->m);
	exp_run_until(k, end);
	exp_meas_since(k, sn1, &r->m);
	/* the application kept up: behind by no more than what a window holds
	 * (it is read a window later) and a poll's worth */
	in_flight = rate * ((u64)usecs + 100) / 1000000 + 64;
	r->lossless = !r->m.ctr[XC_RX_MISSED] && !r->m.backlog_drops && !r->m.sock_drops &&
		      r->m.app_packets + in_flight >= r->m.ctr[XC_HW_RX];
	rc = 0;
out:
	kit_free(k);
	return rc;
}

/* The highest rate (pps) with no loss: double from 25 kpps, then bisect. */
static int ceiling(u64 seed, long napi, long usecs, u64 ms, u64 line, u64 *best, char *err,
		   size_t errlen)
{
	u64 lo = 0, hi = 25000;
	struct run r;

	for (;;) {
		if (run_at(seed, napi, usecs, hi, ms, &r, err, errlen))
			return -EINVAL;
		if (!r.lossless)
			break;
		lo = hi;
		if (hi == line) {
			*best = line; /* the wire is the limit */
			return 0;
		}
		hi = hi * 2 < line ? hi * 2 : line;
	}
	for (int i = 0; i < BISECT_STEPS; i++) {
		u64 mid = (lo + hi) / 2;

		if (run_at(seed, napi, usecs, mid, ms, &r, err, errlen))
			return -EINVAL;
		if (r.lossless)
			lo = mid;
		else
			hi = mid;
	}
	*best = lo;
	return 0;
}

static int coalesce_run(u64 seed, const struct exp_val *a, struct exp_table *t, char *err,
			size_t errlen)
{
	long napi = a[K_NAPI].v;
	u64 ms = (u64)a[K_MS].v, busy = (u64)a[K_BUSY].v * 1000, light = (u64)a[K_LIGHT].v * 1000;
	u64 line;
	char title[96];
	struct kit *k = exp_kit(seed, err, errlen);

	if (!k)
		return -ENOMEM;
	line = exp_line_pps(k, LEN);
	kit_free(k);
	if (busy > line || light > line) {
		snprintf(err, errlen,
			 "coalesce: busy_kpps and light_kpps must not exceed the "
			 "line rate, %llu kpps for %d-byte frames",
			 (unsigned long long)line / 1000, LEN);
		return -EINVAL;
	}
	snprintf(title, sizeof(title),
		 "Interrupt coalescing, napi %s: busy %llu kpps, light %llu kpps",
		 kit_param_word(P_NAPI, napi), (unsigned long long)busy / 1000,
		 (unsigned long long)light / 1000);
	exp_table_init(t, title, cols, (int)ARRAY_SIZE(cols));
	memcpy(t->abbr, abbr, sizeof(abbr));
	for (int i = 0; i < a[K_USECS].n; i++) {
		long usecs = a[K_USECS].list[i];
		struct run b, l;
		u64 ceil_pps;
		double *row;

		if (run_at(seed, napi, usecs, busy, ms, &b, err, errlen) ||
		    run_at(seed, napi, usecs, light, ms, &l, err, errlen) ||
		    ceiling(seed, napi, usecs, ms, line, &ceil_pps, err, errlen))
			return -EINVAL;
		row = exp_row(t);
		if (!row)
			break;
		row[0] = (double)usecs;
		row[1] = exp_per_s(b.m.ctr[XC_IRQS], b.m.ns);
		/* rx-usecs 0: the NIC asks for one interrupt per frame */
		row[2] = usecs ? 1e6 / (double)usecs : (double)busy;
		row[3] =
			b.m.ctr[XC_IRQS] ? (double)b.m.ctr[XC_HW_RX] / (double)b.m.ctr[XC_IRQS] : 0;
		row[4] = exp_pct(b.m.cpu_ns[CTX_HARDIRQ], b.m.ns);
		row[5] = exp_per_s(b.m.app_packets, b.m.ns) / 1e3;
		row[6] = (double)ceil_pps / 1e3;
		row[7] = l.m.lat_n ? (double)l.m.lat_sum_ns / (double)l.m.lat_n / 1e3 : 0;
	}
	snprintf(t->note, sizeof(t->note),
		 "irqs_per_s follows 1e6/rx_usecs (at 0 the NIC asks for one per frame, and gets "
		 "as many as hardirq can take); ceiling_kpps (most offered with no loss) rises as "
		 "interrupts get fewer and fuller; latency_us (DMA to recv) pays for it.");
	return 0;
}

const struct exp_def exp_coalesce = {
	.d = { .name = "coalesce",
	       .params = "napi=none rx_usecs=0,10,25,50,100,125,250 busy_kpps=1000 "
			 "light_kpps=100 ms=20",
	       .desc = "rx-usecs against interrupts/s, throughput ceiling and latency",
	       .plot = {
			  .x = "rx_usecs",
			  .xlabel = "rx-usecs (us)",
			  .y = { "irqs_per_s" },
			  .ylabel = "interrupts per second",
			  .y2 = { "latency_us" },
			  .y2label = "latency, DMA to recv() (us)",
			 } },
	.keys = keys,
	.nkeys = (int)ARRAY_SIZE(keys),
	.run = coalesce_run,
};
