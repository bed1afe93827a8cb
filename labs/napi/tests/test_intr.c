/* test_intr.c - lab napi, graded: the interrupt handlers (mask, schedule, IRQ_NONE) and the path without NAPI. */
#include "grade.h"

Test(napi, intr_masks_and_schedules)
{
	static const char *const modes[] = { "modern", "classic" };

	grade_begin("napi", "intr_masks_and_schedules");
	for (int i = 0; i < 2; i++) {
		if (i)
			grade_cmd("reset");
		grade_cmd("set sn1 napi %s", modes[i]);
		grade_cmd("auto off");
		grade_cmd("pktgen sn1 count 3 len 200");
		grade_cmd("run until idle");
		grade_note("%s: the handler read ICR (now clear), masked every cause and scheduled", modes[i]);
		grade_note("the poll; it took no frame itself");
		grade_expect("sn1.irqs == 1");
		grade_expect("sn1.icr == 0");
		grade_expect("sn1.ims == 0");
		grade_expect("sn1.napi_sched == 1");
		grade_expect("sn1.rx_packets == 0");
		grade_cmd("auto on");
		grade_cmd("run until idle");
		grade_expect("sn1.rx_packets == 3");
		grade_expect("sn1.napi_sched == 0");
		grade_expect("sn1.ims != 0");
		grade_expect("no-bugs");
	}
}

struct call {
	struct net_device *dev;
	bool raise;	 /* put RXT0 in ICR (masked) first */
	irqreturn_t ret;
};

/* In hardirq context, as the line would call it: the handler, directly. */
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

Test(napi, intr_none_when_icr_zero)
{
	struct call c = { .dev = NULL };

	grade_begin("napi", "intr_none_when_icr_zero");
	grade_cmd("run until idle");
	c.dev = grade_dev("sn1");
	grade_note("C: the handler is called with ICR 0, as a device sharing the line would make it:");
	grade_note("not ours, IRQ_NONE, and nothing scheduled");
	kit_run_hardirq(grade_kit(), call_handler, &c);
	grade_check(c.ret == IRQ_NONE, "sn1", "simnic_intr returned %d with ICR 0, expected IRQ_NONE (%d)",
		    (int)c.ret, (int)IRQ_NONE);
	grade_expect("sn1.napi_sched == 0");
	grade_note("C: with RXT0 in ICR (masked, so the line stays quiet) it is ours: IRQ_HANDLED");
	c.raise = true;
	kit_run_hardirq(grade_kit(), call_handler, &c);
	grade_check(c.ret == IRQ_HANDLED, "sn1",
		    "simnic_intr returned %d with RXT0 pending, expected IRQ_HANDLED (%d)", (int)c.ret,
		    (int)IRQ_HANDLED);
	grade_expect("sn1.icr == 0");
	grade_expect("sn1.napi_sched == 1");
	grade_cmd("run until idle");
	grade_expect("sn1.napi_sched == 0");
	grade_expect("sn1.ims != 0");
	grade_expect("no-bugs");
}

Test(napi, nonapi_netif_rx)
{
	grade_begin("napi", "nonapi_netif_rx");
	grade_cmd("trace off");
	grade_cmd("set sn1 napi none");
	grade_cmd("pktgen sn1 count 50 len 200 rate 100kpps proto tcp");
	grade_cmd("run until idle");
	grade_note("without NAPI the handler takes every frame in hardirq and hands it to netif_rx");
	grade_note("(netif_receive_skb from hardirq is a WARNING): no poll, interrupts stay on");
	grade_expect("sn1.rx_packets == 50");
	grade_expect("sn1.rx_stack == 50");
	grade_expect("sn1.rx_stream_errors == 0");
	grade_expect("sn1.polls == 0");
	grade_expect("sn1.ims != 0");
	grade_expect("sn1.rx.unused == 0");
	grade_expect("clean");
	grade_expect("no-bugs");
}
