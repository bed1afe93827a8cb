/* cpu.c - the one CPU: contexts, the cost model, and the step that picks what runs next. */
#include <stdio.h>

#define KIT_CPU_C /* the out-of-line sim_charge is defined here */
#include "kit.h"

/*
 * The machine has one CPU and one clock, k->now. Hardware runs on its own:
 * its changes are events at their own times. Kernel work runs on the CPU and
 * costs time: every charge moves k->now forward, so while a poll runs, frames
 * keep landing in the ring.
 *
 * A step runs one piece of work, chosen in this order:
 *   1. an event already due (hardware change, timer expiry);
 *   2. CPU work, highest context first: a pending interrupt (hardirq), due
 *      timers (TIMER_SOFTIRQ), then, in auto mode, one NET_TX or NET_RX
 *      softirq action (one NAPI poll), then one process step (the
 *      application, ksoftirqd, a sender), picked fairly by CPU time used;
 *   3. nothing to do now: time jumps to the next event.
 * A hardirq therefore preempts lower work at step boundaries, and also the
 * moment a driver unmasks a pending cause (see hw/nic_irq.c).
 *
 * Softirqs follow __do_softirq: they run right after interrupts until they
 * have used 2 ms or 10 rounds, then ksoftirqd, an ordinary thread sharing the
 * CPU with the application, takes them over until nothing is pending. That
 * hand-over is what lets NAPI keep the application alive under overload.
 */

struct kit *kit_current;

#define MAX_SOFTIRQ_TIME_NS (2 * NSEC_PER_MSEC)
#define MAX_SOFTIRQ_RESTART 10

u64 kit_now(const struct kit *k)
{
	return k->now;
}

enum kit_ctx kit_context(const struct kit *k)
{
	return k->cpu.ctx;
}

bool in_irq(void)
{
	return kit_current && kit_current->cpu.ctx == CTX_HARDIRQ;
}

bool in_softirq(void)
{
	return kit_current && kit_current->cpu.ctx == CTX_SOFTIRQ;
}

bool in_interrupt(void)
{
	return kit_current && kit_current->cpu.ctx != CTX_PROCESS;
}

void sim_charge(struct kit *k, enum cost_id id)
{
	kit_charge(k, id, k->cost[id], 1);
}

void sim_charge_n(struct kit *k, enum cost_id id, u64 n)
{
	kit_charge(k, id, k->cost[id] * n, n);
}

void sim_charge_bytes(struct kit *k, enum cost_id id, u64 bytes)
{
	kit_charge(k, id, (k->cost[id] * bytes + 500) / 1000, 1); /* picoseconds -> ns */
}

void cpu_init(struct kit *k)
{
	k->cpu.ctx = CTX_PROCESS;
	INIT_LIST_HEAD(&k->cpu.timers_due);
}

enum kit_ctx cpu_enter(struct kit *k, enum kit_ctx ctx)
{
	enum kit_ctx prev = k->cpu.ctx;

	cpu_ns_sync(k);
	k->cpu.ctx = ctx;
	return prev;
}

void cpu_leave(struct kit *k, enum kit_ctx prev)
{
	cpu_ns_sync(k);
	k->cpu.ctx = prev;
}

void raise_softirq(struct kit *k, enum softirq_nr nr)
{
	if (!k->cpu.softirq_pending)
		k->cpu.sirq_session_start = k->now;
	k->cpu.softirq_pending |= 1u << nr;
}

void kthread_add(struct kit *k, struct kthread *t)
{
	k->cpu.sched_gen++;
	if (k->cpu.nthreads < KIT_MAX_THREADS)
		k->cpu.threads[k->cpu.nthreads++] = t;
}

void kthread_del(struct kit *k, struct kthread *t)
{
	k->cpu.sched_gen++;
	for (int i = 0; i < k->cpu.nthreads; i++) {
		if (k->cpu.threads[i] != t)
			continue;
		k->cpu.threads[i] = k->cpu.threads[--k->cpu.nthreads];
		if (k->cpu.last == t)
			k->cpu.last = NULL;
		return;
	}
}

/* ---- softirqs ------------------------------------------------------------ */

#define NET_SOFTIRQS ((1u << NET_TX_SOFTIRQ) | (1u << NET_RX_SOFTIRQ))

static void run_timers(struct kit *k)
{
	enum kit_ctx prev = cpu_enter(k, CTX_SOFTIRQ);

	k->cpu.softirq_pending &= ~(1u << TIMER_SOFTIRQ);
	kit_tl_slice(k, "TIMER softirq", NULL, TLC_KERNEL, true);
	while (!list_empty(&k->cpu.timers_due)) {
		struct timer_list *t = list_first_entry(&k->cpu.timers_due, struct timer_list, due);

		list_del_init(&t->due);
		t->is_due = false;
		kit_doing(k, "timer", t->name);
		t->function(t);
	}
	kit_tl_slice(k, "TIMER softirq", NULL, TLC_KERNEL, false);
	cpu_leave(k, prev);
}

/*
 * One NET_TX or NET_RX action; returns false if there was nothing to do.
 * __do_softirq runs every pending softirq once per pass in bit order, NET_TX
 * before NET_RX: so a NET_RX round, once started, runs to its end, and after
 * a NET_TX action a pending NET_RX goes next. A qdisc that keeps raising
 * NET_TX (a driver returning BUSY) therefore cannot starve the polls that
 * would reclaim its ring.
 */
bool net_rx_turn(const struct kit *k)
{
	return k->sd.rx_round ||
	       (k->cpu.net_tx_last && (k->cpu.softirq_pending & (1u << NET_RX_SOFTIRQ)));
}

static bool net_softirq_step(struct kit *k)
{
	struct cpu *c = &k->cpu;
	bool rx_turn = net_rx_turn(k);
	enum kit_ctx prev;

	if (!(c->softirq_pending & NET_SOFTIRQS))
		return false;
	prev = cpu_enter(k, CTX_SOFTIRQ);
	c->net_tx_last = false;
	if ((c->softirq_pending & (1u << NET_TX_SOFTIRQ)) && !rx_turn) {
		c->softirq_pending &= ~(1u << NET_TX_SOFTIRQ);
		kit_doing(k, "NET_TX softirq", NULL);
		kit_tl_slice(k, "NET_TX softirq", NULL, TLC_KERNEL, true);
		net_tx_action(k);
		kit_tl_slice(k, "NET_TX softirq", NULL, TLC_KERNEL, false);
		c->net_tx_last = true;
	} else {
		bool round_was_open = k->sd.rx_round, pending;
		int known;

		kit_doing(k, "NET_RX softirq", NULL);
		kit_tl_slice(k, "NET_RX softirq", NULL, TLC_KERNEL, true);
		known = net_rx_step(k);
		kit_tl_slice(k, "NET_RX softirq", NULL, TLC_KERNEL, false);
		/* the slice's end only looks: the step's answer still holds */
		pending = known >= 0 ? known : net_rx_pending(k);
		/* a round that ended with work left is a __do_softirq restart */
		if (round_was_open && !k->sd.rx_round && pending)
			c->sirq_restarts++;
		if (!pending)
			c->softirq_pending &= ~(1u << NET_RX_SOFTIRQ);
	}
	cpu_leave(k, prev);
	if (!(c->softirq_pending & NET_SOFTIRQS)) {
		c->sirq_restarts = 0;
		c->ksoftirqd_on = false;
	} else if (!c->ksoftirqd_on &&
		   (c->sirq_restarts >= MAX_SOFTIRQ_RESTART ||
		    k->now - c->sirq_session_start >= MAX_SOFTIRQ_TIME_NS)) {
		c->ksoftirqd_on = true; /* wakeup_softirqd() */
	}
	return true;
}

/* ksoftirqd: runs the deferred softirqs as a thread. */
static bool ksoftirqd_runnable(struct kit *k, struct kthread *t)
{
	(void)t;
	return k->auto_mode && k->cpu.ksoftirqd_on && (k->cpu.softirq_pending & NET_SOFTIRQS);
}

static void ksoftirqd_run(struct kit *k, struct kthread *t)
{
	(void)t;
	net_softirq_step(k);
}

static struct kthread ksoftirqd_thread_proto = {
	.name = "ksoftirqd/0", .runnable = ksoftirqd_runnable, .run = ksoftirqd_run,
};

void cpu_add_ksoftirqd(struct kit *k, struct kthread *t)
{
	*t = ksoftirqd_thread_proto;
	kthread_add(k, t);
}

/* ---- process threads: the least CPU time used runs next (CFS) ------------- */

/* min_vruntime after a thread's turn, looked up over the list: the least of
 * its own and that of every thread marked runnable at the last pick. */
static __attribute__((noinline)) void min_vruntime_general(struct kit *k)
{
	struct cpu *c = &k->cpu;

	c->min_vruntime_general++;
	for (int i = 0; i < c->nthreads; i++)
		if (c->threads[i]->was_runnable && c->threads[i]->vruntime < c->min_vruntime)
			c->min_vruntime = c->threads[i]->vruntime;
}

/*
 * The runnable thread with the least vruntime. *rest is the least vruntime
 * of the other runnable ones (~0 with none): after the pick, the threads
 * marked was_runnable are exactly the runnable ones, so what run_thread's
 * min_vruntime takes over them is the picked thread's own and *rest, while
 * nothing picks again or changes the list in between (cpu.sched_gen counts
 * the picks and the changes).
 */
static struct kthread *pick_thread(struct kit *k, u64 *rest)
{
	struct cpu *c = &k->cpu;
	struct kthread *best = NULL;
	u64 other = ~0ull;

	c->sched_gen++;
	for (int i = 0; i < c->nthreads; i++) {
		struct kthread *t = c->threads[i];

		if (!t->runnable(k, t)) {
			t->was_runnable = false;
			continue;
		}
		if (!t->was_runnable) { /* woken: start level with the others */
			if (t->vruntime < c->min_vruntime)
				t->vruntime = c->min_vruntime;
			t->was_runnable = true;
		}
		if (!best || t->vruntime < best->vruntime) {
			if (best)
				other = best->vruntime < other ? best->vruntime : other;
			best = t;
		} else if (t != best && t->vruntime < other) { /* (a thread listed twice is one) */
			other = t->vruntime;
		}
	}
	*rest = other;
	return best;
}

/* Run t, picked with the others' least vruntime rest when sched_gen was gen
 * (pick_thread). */
static void run_thread(struct kit *k, struct kthread *t, u64 rest, u64 gen)
{
	struct cpu *c = &k->cpu;
	u64 t0 = k->now;

	if (c->last && c->last != t)
		sim_charge(k, COST_CTXSW);
	c->last = t;
	kit_doing(k, "process", t->name);
	c->running = t;
	kit_tl_slice(k, t->name, NULL, TLC_THREAD, true);
	t->run(k, t);
	kit_tl_slice(k, t->name, NULL, TLC_THREAD, false);
	c->running = NULL;
	t->vruntime += k->now - t0;
	t->ns += k->now - t0;
	if (t->vruntime > c->min_vruntime)
		c->min_vruntime = t->vruntime;
	if (likely(c->sched_gen == gen)) {
		/* the runnable ones are t, whose vruntime min_vruntime now holds
		 * or passes, and those of rest */
		if (rest < c->min_vruntime)
			c->min_vruntime = rest;
		return;
	}
	min_vruntime_general(k);
}

/* ---- the step ------------------------------------------------------------- */

static void run_event(struct kit *k, struct sim_event *e)
{
	ev_cancel(k, e);
	if (k->now < e->time)
		k->now = e->time;
	if (e->type == EV_HW) {
		kit_doing(k, "hardware event", NULL);
		hw_event(k);
	} else {
		struct timer_list *t = e->obj;

		if (!t->is_due) {
			list_add_tail(&t->due, &k->cpu.timers_due);
			t->is_due = true;
		}
		raise_softirq(k, TIMER_SOFTIRQ);
	}
}

/* The lowest pending line's device (none past the last device). */
static struct net_device *irq_dev(struct kit *k)
{
	u32 p = k->cpu.irq_pending;
	int i = p ? __builtin_ctz(p) : 32;

	return i < k->ndevs ? k->devs[i] : NULL;
}

static bool hw_record(u16 type)
{
	return type == TR_TX_DD || type == TR_RX_DMA || type == TR_RX_MISSED; /* not their causes */
}

/* Hardware records among trace records [from, to) still kept. */
static u64 hw_records_in(const struct kit *k, u64 from, u64 to)
{
	u64 total = kit_trace_total(k), n = 0;
	size_t kept = kit_trace_count(k);

	for (u64 t = from; t < to; t++)
		if (total - t <= kept && hw_record(kit_trace_at(k, (size_t)(kept - (total - t)))->type))
			n++;
	return n;
}

/* The hardware up to now before CPU work: what it did is the step's catch-up. */
static void catch_up(struct kit *k)
{
	k->step_c0 = kit_trace_total(k);
	hw_catch_up(k);
	k->step_c1 = kit_trace_total(k);
}

u64 kit_step_catchup(const struct kit *k, u64 *meanwhile, bool *hw)
{
	u64 all = hw_records_in(k, k->step_t0, k->step_t1), c;

	if (k->step_hw) {
		c = all > 1 ? all - 1 : 0; /* the event, and others due by then */
		all = c;
	} else {
		c = hw_records_in(k, k->step_c0, k->step_c1);
	}
	if (meanwhile)
		*meanwhile = k->step_hw ? 0 : all - c;
	if (hw)
		*hw = k->step_hw;
	return c;
}

/* CPU work available now, in priority order; runs one piece. */
static bool cpu_work(struct kit *k)
{
	struct cpu *c = &k->cpu;
	struct kthread *t;
	u64 rest, gen;

	if (c->irq_pending && !c->irq_off) {
		struct net_device *dev = irq_dev(k);

		catch_up(k);
		if (dev && nic_irq_deliverable(dev->nic))
			nic_irq_deliver(k, dev->nic);
		else if (dev)
			c->irq_pending &= ~(1u << dev->ifindex);
		return true;
	}
	if (c->softirq_pending & (1u << TIMER_SOFTIRQ)) {
		catch_up(k);
		run_timers(k);
		return true;
	}
	if (k->auto_mode && !c->ksoftirqd_on && (c->softirq_pending & NET_SOFTIRQS)) {
		catch_up(k);
		return net_softirq_step(k);
	}
	t = pick_thread(k, &rest);
	gen = c->sched_gen;
	if (t) {
		catch_up(k);
		run_thread(k, t, rest, gen);
		return true;
	}
	return false;
}

int kit_step(struct kit *k)
{
	struct sim_event *e;

	kit_enter(k);
	k->step_hw = false;
	e = ev_peek(k);
	k->step_t0 = k->step_t1 = k->step_c0 = k->step_c1 = kit_trace_total(k);
	if (e && e->time <= k->now) {
		run_event(k, e);
		k->step_hw = true;
	} else if (cpu_work(k)) {
		/* ran; the hardware kept going while it did */
	} else if (e) {
		run_event(k, e);
		k->step_hw = true;
	} else {
		return 0;
	}
	k->step_t1 = kit_trace_total(k);
	k->steps++;
	kit_doing(k, NULL, NULL);
	return 1;
}

u64 kit_run(struct kit *k, u64 max_steps, u64 until_ns, enum kit_stop *why)
{
	u64 n = 0;
	enum kit_stop stop = KIT_STOP_IDLE;

	kit_enter(k);
	k->stop_requested = 0;
	k->broke = false;
	for (;;) {
		struct sim_event *e;

		if (max_steps && n >= max_steps) {
			stop = KIT_STOP_STEPS;
			break;
		}
		if (k->stop_requested) {
			stop = KIT_STOP_ASKED;
			break;
		}
		if (k->broke) { /* a lockup report marked a device broken */
			k->broke = false;
			if (k->broke_dev)
				kit_dev_mark_broken(k, k->broke_dev);
			k->broke_dev = NULL;
			stop = KIT_STOP_BROKEN;
			break;
		}
		if (until_ns) {
			if (k->now >= until_ns) {
				stop = KIT_STOP_TIME;
				break;
			}
			/* idle until the deadline: time passes without a step */
			e = ev_peek(k);
			if (!kit_has_cpu_work(k) && (!e || e->time > until_ns)) {
				k->now = until_ns;
				hw_catch_up(k);
				stop = KIT_STOP_TIME;
				break;
			}
		}
		if (!kit_step(k)) {
			stop = KIT_STOP_IDLE;
			break;
		}
		n++;
	}
	if (why)
		*why = stop;
	return n;
}

void kit_request_stop(struct kit *k)
{
	k->stop_requested = 1;
}

bool kit_has_cpu_work(struct kit *k)
{
	struct cpu *c = &k->cpu;

	if ((c->irq_pending && !c->irq_off) || (c->softirq_pending & (1u << TIMER_SOFTIRQ)))
		return true;
	if (k->auto_mode && (c->softirq_pending & NET_SOFTIRQS))
		return true;
	for (int i = 0; i < c->nthreads; i++)
		if (c->threads[i]->runnable(k, c->threads[i]))
			return true;
	return false;
}

void kit_set_auto(struct kit *k, bool on)
{
	k->auto_mode = on;
}

bool kit_get_auto(const struct kit *k)
{
	return k->auto_mode;
}

void kit_set_hw_steps(struct kit *k, bool on)
{
	k->hw_steps = on;
	hw_update(k);
}
