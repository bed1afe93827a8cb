/* test_more.c - lab batch: xmit_more rings on the last frame of a train, or when it stops. */
#include "helpers.h"

/* Let BQL's limit grow past 32 small frames' bytes: two bursts, each drained. */
static void grow_bql(unsigned int len)
{
	for (int i = 0; i < 2; i++) {
		grade_cmd("dev_queue_xmit sn0 count 32 len %u", len);
		grade_cmd("run until idle");
	}
}

/* A train of 32: one doorbell, written by the last call. */
Test(batch, more_doorbell_last)
{
	const struct trace_rec *r;
	unsigned int calls = 0, tdt = 0, calls_at_tdt = 0, bulk = 0;
	int sn0;
	u64 m;

	grade_begin("batch", "more_doorbell_last");
	sn0 = grade_dev("sn0")->ifindex;
	grade_cmd("ethtool -K sn0 batching xmit_more");
	grow_bql(60);
	grade_expect("sn0.tx_packets == 64");
	grade_cmd("netif_stop_queue sn0");
	grade_cmd("dev_queue_xmit sn0 count 32");
	m = trace_mark();
	grade_cmd("netif_wake_queue sn0");
	grade_cmd("run until idle");
	for (u64 i = 0; (r = trace_since(m, i)) != NULL; i++) {
		if (r->dev != sn0)
			continue;
		if (r->type == TR_QDISC_BULK && !bulk)
			bulk = r->b;
		if (r->type == TR_XMIT)
			calls++;
		if (r->type == TR_TDT && !tdt++)
			calls_at_tdt = calls;
	}
	grade_check(bulk == 32, "sn0",
		    "the qdisc's first bulk after the wake held %u frames, expected all 32: BQL's "
		    "budget was too small (are the bytes reported with netdev_sent_queue?)", bulk);
	grade_check(tdt == 1, "sn0",
		    "%u TDT writes for a train of 32, expected 1: write the doorbell only when "
		    "!netdev_xmit_more() (or the queue stopped)", tdt);
	grade_check(calls_at_tdt == 31, "sn0",
		    "the doorbell was written during call %u of the train, expected during the "
		    "32nd, the one without xmit_more", calls_at_tdt + 1);
	grade_expect("sn0.tx_packets == 96");
	grade_expect("no-bugs");
	grade_expect("clean");
}

/* A train longer than the ring: the call that stops the queue rings at once. */
Test(batch, more_doorbell_on_stop)
{
	const struct trace_rec *r;
	unsigned int stops = 0, midtrain = 0;
	int sn0;
	u64 m;

	grade_begin("batch", "more_doorbell_on_stop");
	sn0 = grade_dev("sn0")->ifindex;
	grade_cmd("ethtool -G sn0 tx 16");
	grade_cmd("ethtool -K sn0 batching xmit_more");
	/* BQL counts bytes: full-size frames let its limit pass what 15 small ones need */
	grow_bql(1514);
	grade_expect("sn0.tx_packets == 64");
	grade_cmd("netif_stop_queue sn0");
	grade_cmd("dev_queue_xmit sn0 count 40");
	m = trace_mark();
	grade_cmd("netif_wake_queue sn0");
	grade_cmd("run until idle");
	for (u64 i = 0; (r = trace_since(m, i)) != NULL; i++) {
		const struct trace_rec *n = NULL;
		bool rang = false;

		if (r->dev != sn0 || r->type != TR_QUEUE_STOP)
			continue;
		stops++;
		/* what the driver did before it returned: its TDT write, then the call's record */
		for (u64 j = i + 1; (n = trace_since(m, j)) != NULL; j++) {
			if (n->dev != sn0)
				continue;
			if (n->type == TR_TDT)
				rang = true;
			if (n->type == TR_XMIT || n->type == TR_QUEUE_WAKE)
				break;
		}
		if (n && n->type == TR_XMIT && n->c)
			midtrain++;
		grade_check(rang, "sn0",
			    "stop %u: the queue stopped %s with descriptors written but TDT not "
			    "written; nobody calls again to ring for them", stops,
			    n && n->type == TR_XMIT && n->c ? "in the middle of a train (xmit_more)" :
							     "");
	}
	grade_check(midtrain > 0, "sn0",
		    "no stop in the middle of a train (%u stops): the test could not see the case "
		    "it grades", stops);
	grade_expect("sn0.tx_packets == 104");
	grade_expect("sn0.tx_timeout_count == 0");
	grade_expect("no-bugs");
	grade_expect("clean");
}
