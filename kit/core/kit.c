/* kit.c - a machine's life: create the CPU, the stack core and the snull pair; free it all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit.h"
#include "hw/nic_hw.h"

struct kit *kit_new(u64 seed)
{
	struct kit *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	kit_enter(k);
	k->seed = seed;
	k->rng = seed;
	k->auto_mode = true;
	k->hw_steps = true;
	k->hw_next = KIT_NEVER;
	ev_init(&k->hw_ev, EV_HW, k);
	param_defaults(k);
	cpu_init(k);
	workqueue_init(k);
	trace_init(k);
	tl_init(k);
	k->lab = simnic_lab_linked;
	snprintf(k->lab_name, sizeof(k->lab_name), "solution");
	if (!k->trace || skb_pool_init(k) || stack_init(k)) {
		kit_free(k);
		return NULL;
	}
	softnet_init(k);
	for (int i = 0; i < 2; i++) {
		struct net_device *dev;

		if (simnic_probe(k, "sn%d", &dev) || dev_open(dev)) {
			kit_free(k);
			return NULL;
		}
	}
	kit_boot_done(k);
	return k;
}

/* Booting (probe, open, posting RX buffers) happens before time zero: the
 * clock, the CPU accounts and the trace start clean for the user. */
void kit_boot_done(struct kit *k)
{
	hw_catch_up(k);
	k->now = 0;
	k->steps = 0;
	memset(k->cpu.ns, 0, sizeof(k->cpu.ns));
	k->cpu.busy_mark = k->cpu.busy;
	memset(k->cost_ns, 0, sizeof(k->cost_ns));
	memset(k->cost_count, 0, sizeof(k->cost_count));
	memset(k->rule_count, 0, sizeof(k->rule_count));
	memset(k->rule_kind_count, 0, sizeof(k->rule_kind_count));
	trace_reset(k);
	tl_reset(k);
	for (int i = 0; i < k->ndevs; i++)
		nic_boot_done(k->devs[i]->nic);
	hw_update(k);
}

void kit_free(struct kit *k)
{
	if (!k)
		return;
	kit_enter(k);
	kit_pcap_stop(k);
	sender_free(k);
	k->dropping_driver = true;
	for (int i = 0; i < k->ndevs; i++)
		dev_close(k->devs[i]);
	/* skbs still queued above the drivers point at their devices: free them first */
	skb_queue_purge(&k->sd.input_pkt_queue);
	stack_free(k);
	while (k->ndevs > 0) {
		struct net_device *dev = k->devs[--k->ndevs];

		simnic_remove(dev); /* no longer in k->devs when its memory goes */
	}
	if (k->lab_handle)
		lab_dlclose(k->lab_handle);
	skb_pool_free(k);
	free(k->txf);
	trace_free(k);
	tl_free(k);
	if (kit_current == k)
		kit_current = NULL;
	free(k);
}

u64 kit_seed(const struct kit *k)
{
	return k->seed;
}

int kit_dev_count(const struct kit *k)
{
	return k->ndevs;
}

struct net_device *kit_dev_at(const struct kit *k, int i)
{
	return i >= 0 && i < k->ndevs ? k->devs[i] : NULL;
}

struct net_device *kit_dev_by_name(const struct kit *k, const char *name)
{
	for (int i = 0; i < k->ndevs; i++)
		if (!strcmp(k->devs[i]->name, name))
			return k->devs[i];
	return NULL;
}

void kit_run_softirq(struct kit *k, void (*fn)(void *), void *arg)
{
	enum kit_ctx prev;

	kit_enter(k);
	prev = cpu_enter(k, CTX_SOFTIRQ);
	hw_catch_up(k);
	fn(arg);
	cpu_leave(k, prev);
}

void kit_run_hardirq(struct kit *k, void (*fn)(void *), void *arg)
{
	enum kit_ctx prev;

	kit_enter(k);
	prev = cpu_enter(k, CTX_HARDIRQ);
	hw_catch_up(k);
	fn(arg);
	cpu_leave(k, prev);
}

/* What the next step will do, in words, for the shell's prompt and the view. */
bool kit_next(struct kit *k, u64 *when, char *what, size_t len)
{
	struct sim_event *e = ev_peek(k);
	struct cpu *c = &k->cpu;

	*when = k->now;
	if (e && e->time <= k->now) {
		/* falls through to the event below */
	} else if (c->irq_pending && !c->irq_off) {
		for (int i = 0; i < k->ndevs; i++)
			if (c->irq_pending & (1u << i)) {
				snprintf(what, len, "%s: interrupt handler (hardirq)", k->devs[i]->name);
				return true;
			}
	} else if (c->softirq_pending & (1u << TIMER_SOFTIRQ)) {
		snprintf(what, len, "timers (watchdog)");
		return true;
	} else if (k->auto_mode && !c->ksoftirqd_on && (c->softirq_pending & (1u << NET_TX_SOFTIRQ)) &&
		   !net_rx_turn(k)) {
		snprintf(what, len, "NET_TX softirq: qdisc_run");
		return true;
	} else if (k->auto_mode && !c->ksoftirqd_on && (c->softirq_pending & (1u << NET_RX_SOFTIRQ)) &&
		   net_rx_pending(k)) {
		snprintf(what, len, "NET_RX softirq: one NAPI poll");
		return true;
	} else if (kit_has_cpu_work(k)) {
		for (int i = 0; i < c->nthreads; i++)
			if (c->threads[i]->runnable(k, c->threads[i])) {
				snprintf(what, len, "process %s", c->threads[i]->name);
				return true;
			}
	}
	if (!e) {
		snprintf(what, len, "nothing: the machine is idle");
		return false;
	}
	*when = e->time > k->now ? e->time : k->now;
	if (e->type == EV_TIMER)
		snprintf(what, len, "timer %s", ((struct timer_list *)e->obj)->name);
	else
		hw_describe_next(k, what, len);
	return true;
}
