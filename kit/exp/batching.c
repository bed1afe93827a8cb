/* batching.c - TX batching: the doorbell and the per-call costs amortised over a batch. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "exp.h"

/*
 * Writing the TX tail register (the doorbell) is an uncached MMIO write, the
 * dearest thing the transmit path does per call; the TX lock and the call
 * into the driver are the cheaper rest. All three batching designs pay them
 * once per batch instead of once per packet: Hadi Salim's hard_batch_xmit
 * (btx), Kumar's hard_start_xmit(NULL) with skb_blist, and 2014's xmit_more
 * (one call per packet still, but the doorbell only on the last of a train).
 * So with batches of b, doorbells per packet fall as 1/b and CPU time per
 * packet falls by about (doorbell + lock + call) x (1 - 1/b); without
 * batching every packet pays all of it, however many are waiting. A little
 * more goes too: the TX completion interrupt is throttled to a fixed rate
 * (ITR), so the faster the sender, the more packets share each one.
 *
 * A batch needs packets waiting in the qdisc. The sender here queues b
 * frames behind a busy qdisc (as when another CPU is running it, or
 * pktgen's burst=b) and then runs it once, so the core finds b packets and
 * hands them over: btx and skb_blist fill their list up to xmit_win (the
 * free ring space, far more than b); xmit_more bulk-dequeues within BQL's
 * byte budget, which grows within the first completion rounds to more than
 * b frames, so the train is the b waiting. Without BQL (the last rows, bql
 * off) the budget is 0: no bulk, no train, a doorbell per packet as with
 * none, however many wait. BQL is on in every other row, as in a kernel
 * built with it; it also stops the queue while its limit is reached, which
 * the sender below sees as a full qdisc.
 * The sender allocates and builds every skb as an application's socket
 * would, so a packet also pays skb alloc/free, the qdisc and the completion
 * work (about 200 ns with the defaults), which no batching saves: the CPU,
 * not the 10G wire, stays the limit, and batch 1 -> 32 gains about 2x.
 * pktgen, reusing its skb (clone_skb), pays far less per packet, so the same
 * doorbell saving takes it from 3.9 Mpps to the wire's 14.8 (numbers.md).
 * Set len=1514 to see the other case: the wire is the limit, the ring fills,
 * the queue stops, and batches form by themselves whatever the sender does.
 */

static const struct exp_key keys[] = {
	{ "batch", EK_LIST, 1, 512, "packets" },
	{ "len", EK_INT, 60, 1514, "bytes" },
	{ "ms", EK_INT, 1, 100, "ms measured per row" },
};
enum { K_BATCH, K_LEN, K_MS };

#define WARM_NS (1 * NSEC_PER_MSEC)
#define TX_RING 1024
#define TX_ITR_NS 20000 /* reclaim on a throttled interrupt, 50k/s (as bench) */

static const char *const cols[] = {
	"mode",		  "bql",		"batch",		"mpps",
	"cpu_ns_per_pkt", "doorbells_per_pkt",	"mmio_ns_per_pkt",
	"xmit_calls_per_pkt", "line_pct",
};
static const char *const abbr[] = {
	"mode", "bql", "batch", "mpps", "cpu_ns", "db/pkt", "mmio_ns", "calls", "line%",
};

/* Queue burst frames behind a held qdisc, then run it: the core sees them all. */
struct burst_sender {
	struct kthread t;
	struct net_device *dev;
	struct kit_pkt p;
	unsigned int burst;
	u64 next; /* sequence of the next frame */
};

static bool burst_runnable(struct kit *k, struct kthread *t)
{
	struct burst_sender *s = container_of(t, struct burst_sender, t);
	struct net_device *dev = s->dev;

	(void)k;
	return netif_running(dev) && !kit_dev_broken(dev) &&
	       skb_queue_len(&dev->qdisc->q) + s->burst <= dev->tx_queue_len;
}

static void burst_run(struct kit *k, struct kthread *t)
{
	struct burst_sender *s = container_of(t, struct burst_sender, t);
	struct Qdisc *q = s->dev->qdisc;
	bool was = q->running;

	(void)k;
	q->running = true; /* busy: dev_queue_xmit only enqueues */
	xmit_frames_from(s->dev, &s->p, s->next, s->burst, NULL);
	s->next += s->burst;
	q->running = was;
	qdisc_run(s->dev);
}

static int run_one(u64 seed, long mode, bool bql, long batch, unsigned int len, u64 ms,
		   double *row, char *err, size_t errlen)
{
	struct kit *k = exp_kit(seed, err, errlen);
	struct burst_sender s;
	struct net_device *sn0;
	struct exp_meas m;
	u64 busy = 0, pkts;
	int rc = -EINVAL;

	if (!k)
		return -ENOMEM;
	sn0 = kit_dev_by_name(k, "sn0");
	if (exp_set(k, NULL, "wire_peer", 0, err, errlen) ||
	    exp_set(k, sn0, "bql", bql, err, errlen) ||
	    exp_set(k, sn0, "tx_ring", TX_RING, err, errlen) ||
	    exp_set(k, sn0, "itr", TX_ITR_NS, err, errlen) ||
	    exp_set(k, sn0, "batching", mode, err, errlen))
		goto out;
	s = (struct burst_sender){
		.t = { .name = "sender", .runnable = burst_runnable, .run = burst_run },
		.dev = sn0,
		.p = { .len = len, .proto = IPPROTO_UDP },
		.burst = (unsigned int)batch,
	};
	kthread_add(k, &s.t);
	exp_run_until(k, WARM_NS);
	exp_meas_read(k, sn0, &m);
	exp_run_until(k, WARM_NS + ms * NSEC_PER_MSEC);
	exp_meas_since(k, sn0, &m);
	kthread_del(k, &s.t);
	for (int i = 0; i < CTX_NR; i++)
		busy += m.cpu_ns[i];
	pkts = m.ctr[XC_HW_TX] ? m.ctr[XC_HW_TX] : 1;
	row[0] = (double)mode;
	row[1] = bql;
	row[2] = (double)batch;
	row[3] = exp_per_s(m.ctr[XC_HW_TX], m.ns) / 1e6;
	row[4] = (double)busy / (double)pkts;
	row[5] = (double)m.ctr[XC_DOORBELLS] / (double)pkts;
	row[6] = (double)m.cost_ns[COST_MMIO_WRITE] / (double)pkts;
	row[7] = (double)m.ctr[XC_XMIT_CALLS] / (double)pkts;
	row[8] = 100.0 * exp_per_s(m.ctr[XC_HW_TX], m.ns) / (double)exp_line_pps(k, len);
	rc = 0;
out:
	kit_free(k);
	return rc;
}

static int batching_run(u64 seed, const struct exp_val *a, struct exp_table *t, char *err,
			size_t errlen)
{
	unsigned int len = (unsigned int)a[K_LEN].v;
	char title[96];

	static const char *const modes[] = { "none", "btx", "skb_blist", "xmit_more", NULL };
	static const char *const onoff[] = { "off", "on", NULL };

	snprintf(title, sizeof(title), "TX batching, %u-byte frames at 10G", len);
	exp_table_init(t, title, cols, (int)ARRAY_SIZE(cols));
	memcpy(t->abbr, abbr, sizeof(abbr));
	t->words[0] = modes;
	t->words[1] = onoff;
	/* every mode with BQL, then xmit_more without it */
	for (long mode = TX_BATCH_NONE; mode <= TX_BATCH_NR; mode++) {
		bool bql = mode < TX_BATCH_NR;
		long m = bql ? mode : TX_BATCH_XMIT_MORE;

		for (int i = 0; i < a[K_BATCH].n; i++) {
			double *row = exp_row(t);

			if (!row)
				break;
			if (run_one(seed, m, bql, a[K_BATCH].list[i], len, (u64)a[K_MS].v, row, err,
				    errlen))
				return -EINVAL;
		}
	}
	snprintf(t->note, sizeof(t->note),
		 "doorbells_per_pkt falls as 1/batch with btx, skb_blist and xmit_more (stays 1 "
		 "with none), and cpu_ns_per_pkt with it, mostly the MMIO write: more mpps from "
		 "the same CPU. xmit_more needs BQL: with bql off the qdisc bulks nothing and "
		 "every packet rings its own doorbell.");
	return 0;
}

const struct exp_def exp_batching = {
	.d = { .name = "batching",
	       .params = "batch=1,8,32 len=60 ms=5",
	       .desc = "TX batching none/btx/skb_blist/xmit_more (with and without BQL): CPU "
		       "and doorbells per packet",
	       .plot = {
			  .x = "batch",
			  .xlabel = "packets per batch",
			  .y = { "mpps" },
			  .ylabel = "Mpps",
			  .y2 = { "doorbells_per_pkt" },
			  .y2label = "doorbells per packet",
			  .group = { "mode", "bql" },
			 } },
	.keys = keys,
	.nkeys = (int)ARRAY_SIZE(keys),
	.run = batching_run,
};
