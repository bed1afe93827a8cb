/* test_hidden.c - lab napi, hidden graded tests: TX reclaim from the poll, failed allocations, budget 0. */
#include "grade.h"

Test(napi, tx_reclaimed_in_poll)
{
	grade_begin("napi", "tx_reclaimed_in_poll");
	grade_cmd("trace off");
	grade_cmd("dev_queue_xmit sn0 count 10");
	grade_cmd("run until idle");
	grade_note("the TX completions' interrupt (TXDW) schedules the poll, which reclaims: every");
	grade_note("descriptor back, the queue running, both rings' interrupts back on");
	grade_expect("sn0.tx_packets == 10");
	grade_expect("sn0.tx.next_to_clean == 10");
	grade_expect("sn0.tx.unused == 255");
	grade_expect("sn0.ims != 0");
	grade_expect("sn1.rx_packets == 10");
	grade_cmd("reset");
	grade_cmd("trace off");
	grade_cmd("set sn0 napi classic");
	grade_cmd("dev_queue_xmit sn0 count 10");
	grade_cmd("run until idle");
	grade_note("the same in 2.6.20's poll");
	grade_expect("sn0.tx.next_to_clean == 10");
	grade_expect("sn0.ims != 0");
	grade_expect("clean");
	grade_expect("no-bugs");
}

Test(napi, alloc_failure_recovers)
{
	grade_begin("napi", "alloc_failure_recovers");
	grade_cmd("trace off");
	grade_cmd("ethtool -G sn1 rx 64");
	grade_cmd("set fault_skb_alloc 7");
	grade_cmd("pktgen sn1 count 300 len 200 rate 200kpps");
	grade_cmd("run until idle");
	grade_note("every 7th allocation fails: counted, the refill stops there and the next one");
	grade_note("tries again; no frame is lost for it at this rate");
	grade_expect("sn1.alloc_rx_buff_failed >= 10");
	grade_expect("sn1.rx_packets == 300");
	grade_expect("clean");
	grade_cmd("set fault_skb_alloc 0");
	grade_cmd("pktgen sn1 count 100 len 200 rate 200kpps");
	grade_cmd("run until idle");
	grade_expect("sn1.rx_packets == 400");
	grade_expect("sn1.rx.hw == 63");
	grade_expect("clean");
	grade_expect("no-bugs");
}

struct call {
	struct net_device *dev;
	bool raise;	 /* put RXT0 in ICR (masked) first */
	irqreturn_t ret;
};

static void call_handler(void *arg)
{
	struct call *c = arg;
	struct simnic_adapter *a = netdev_priv(c->dev);
	struct nic *hw = a->hw;

	if (c->raise) {
		ew32(IMC, ~0u);
		ew32(ICS, E1000_ICR_RXT0);
	}
	c->ret = a->ops->intr((int)c->dev->irq, c->dev);
}

Test(napi, classic_intr_none_and_handled)
{
	struct call c = { .dev = NULL };

	grade_begin("napi", "classic_intr_none_and_handled");
	grade_cmd("set sn1 napi classic");
	grade_cmd("run until idle");
	c.dev = grade_dev("sn1");
	grade_note("C: 2.6.20's handler called with ICR 0: IRQ_NONE, nothing scheduled, irq_sem");
	grade_note("untouched (interrupts still on)");
	kit_run_hardirq(grade_kit(), call_handler, &c);
	grade_check(c.ret == IRQ_NONE, "sn1", "simnic_intr returned %d with ICR 0, expected IRQ_NONE",
		    (int)c.ret);
	grade_expect("sn1.napi_sched == 0");
	grade_expect("sn1.ims != 0");
	grade_note("C: with RXT0 pending: IRQ_HANDLED, scheduled; the poll completes and unmasks");
	c.raise = true;
	kit_run_hardirq(grade_kit(), call_handler, &c);
	grade_check(c.ret == IRQ_HANDLED, "sn1", "simnic_intr returned %d with RXT0 pending, expected "
		    "IRQ_HANDLED", (int)c.ret);
	grade_expect("sn1.napi_sched == 1");
	grade_cmd("run until idle");
	grade_expect("sn1.napi_sched == 0");
	grade_expect("sn1.ims != 0");
	grade_expect("no-bugs");
}
