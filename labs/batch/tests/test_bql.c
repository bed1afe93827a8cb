/* test_bql.c - lab batch: every frame's bytes to BQL once, in every batching mode. */
#include "helpers.h"

/* Bytes of the frames between next_to_clean and next_to_use. */
static u64 ring_bytes(void)
{
	struct simnic_tx_ring *r = &grade_adapter("sn0")->tx_ring;
	u64 sum = 0;

	for (unsigned int i = r->next_to_clean; i != r->next_to_use; i = (i + 1) % r->count)
		sum += r->buffer_info[i].skb ? r->buffer_info[i].skb->len : 0;
	return sum;
}

static void one_mode(const char *mode, bool list)
{
	u64 before = grade_stat("sn0", "tx_packets"), onring, inflight;

	grade_cmd("ethtool -K sn0 batching %s", mode);
	grade_cmd("auto off");
	grade_cmd("netif_stop_queue sn0");
	grade_cmd("dev_queue_xmit sn0 count 5 len 100");
	grade_cmd("netif_start_queue sn0");
	if (list) {
		grade_cmd("blist sn0");
		grade_cmd("hard_batch_xmit sn0");
	} else {
		grade_cmd("qdisc_run sn0");
	}
	onring = ring_bytes();
	inflight = grade_stat("sn0", "bql_inflight");
	grade_check(onring > 0, "sn0", "%s: nothing went onto the ring, expected frames", mode);
	grade_check(inflight == onring, "sn0",
		    "%s: BQL has %llu bytes in flight, the ring holds %llu: report each frame's "
		    "bytes once with netdev_sent_queue, after tx_map took it", mode,
		    (unsigned long long)inflight, (unsigned long long)onring);
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expectf("sn0.tx_packets == %llu", (unsigned long long)before + 5);
	grade_expect("sn0.bql_inflight == 0");
	grade_expect("no-bugs");
}

/* btx, skb_blist and xmit_more: bql_inflight is the bytes on the ring, 0 when it is empty. */
Test(batch, bql_bytes)
{
	grade_begin("batch", "bql_bytes");
	grade_cmd("ethtool -G sn0 tx 16");
	one_mode("btx", true);
	one_mode("skb_blist", true);
	one_mode("xmit_more", false);
	grade_expect("clean");
}
