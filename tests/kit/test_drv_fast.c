/* test_drv_fast.c - the driver-call layer's and DMA's shortcuts give the long way's answers. */
#include "kit.h"
#include "hw/nic_hw.h"
/* (after kit.h: its inline helpers name their machine k too) */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(drv_fast, .timeout = 120);

/* ---- the named wrappers (lab_ops.c) ------------------------------------------ */

/*
 * A call through adapter->ops made from running driver code nobody watches
 * takes the wrapper's short way (driver_enter_nested); with guards on, or
 * with no call running, the long way (driver_enter, driver_leave). Probes in
 * k->lab note what the kit's bookkeeping says inside each call, then call the
 * linked function; the same traffic on a machine with guards on must note
 * the same, and each note must name the call it was made in.
 */
struct drv_note {
	const char *fn, *running, *last, *outer, *after_nested;
	int dev_running, dev_last, dev_outer;
	u64 calls, enter_ns, now;
};

static struct drv_note *notes;
static size_t nnotes, capnotes;

static int ifx(const struct net_device *dev)
{
	return dev ? dev->ifindex : -1;
}

static void note(struct simnic_adapter *a, const char *fn, const char *after_nested)
{
	struct kit *m = a->netdev->kit;

	if (nnotes == capnotes) {
		capnotes = capnotes ? 2 * capnotes : 1024;
		notes = realloc(notes, capnotes * sizeof(*notes));
		cr_assert_not_null(notes, "out of memory for %zu notes", capnotes);
	}
	notes[nnotes++] = (struct drv_note){
		.fn = fn, .running = m->lab_running, .last = m->lab_last, .outer = m->lab_outer,
		.after_nested = after_nested, .dev_running = ifx(m->dev_running),
		.dev_last = ifx(m->dev_last), .dev_outer = ifx(m->dev_outer), .calls = m->lab_calls,
		.enter_ns = m->lab_enter_ns, .now = m->now,
	};
}

static int probe_tx_map(struct simnic_adapter *a, struct sk_buff *skb)
{
	size_t i = nnotes;

	note(a, "simnic_tx_map", NULL);
	/* a nested call of its own: what runs after it must be this call again */
	a->ops->maybe_stop_tx(a, 0);
	notes[i].after_nested = a->netdev->kit->lab_running;
	return simnic_lab_linked.tx_map(a, skb);
}

static bool probe_maybe_stop_tx(struct simnic_adapter *a, unsigned int size)
{
	note(a, "simnic_maybe_stop_tx", NULL);
	return simnic_lab_linked.maybe_stop_tx(a, size);
}

static bool probe_clean_tx_irq(struct simnic_adapter *a)
{
	note(a, "simnic_clean_tx_irq", NULL);
	return simnic_lab_linked.clean_tx_irq(a);
}

static bool probe_clean_rx_irq(struct simnic_adapter *a, int *work_done, int work_to_do)
{
	note(a, "simnic_clean_rx_irq", NULL);
	return simnic_lab_linked.clean_rx_irq(a, work_done, work_to_do);
}

static void probe_alloc_rx_buffers(struct simnic_adapter *a, int n)
{
	note(a, "simnic_alloc_rx_buffers", NULL);
	simnic_lab_linked.alloc_rx_buffers(a, n);
}

/* 400 frames sn0 -> sn1 through the probes, then two outermost calls; the
 * notes are left in notes[0..nnotes). */
static void wrapped_traffic(bool guards, struct drv_note *end)
{
	struct kit *m = kit_new(1);
	struct net_device *d0, *d1;
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	enum kit_stop why;

	cr_assert_not_null(m, "kit_new(1) returned NULL, expected a machine");
	d0 = kit_dev_by_name(m, "sn0");
	d1 = kit_dev_by_name(m, "sn1");
	m->lab.tx_map = probe_tx_map;
	m->lab.maybe_stop_tx = probe_maybe_stop_tx;
	m->lab.clean_tx_irq = probe_clean_tx_irq;
	m->lab.clean_rx_irq = probe_clean_rx_irq;
	m->lab.alloc_rx_buffers = probe_alloc_rx_buffers;
	tl_stop(m); /* watched only with guards on */
	kit_guard_each_call(m, guards);
	cr_assert_eq(m->drv_watch, guards, "drv_watch %d with guards %d", m->drv_watch, guards);
	nnotes = 0;
	cr_assert_eq(kit_sender_start(d0, &p, 400), 0, "the sender did not start");
	kit_run(m, 20000000, 0, &why);
	cr_assert_eq(why, KIT_STOP_IDLE, "the machine did not go idle");
	/* the kit calling lab functions itself: each is the outermost call */
	cr_assert_null(m->lab_running, "%s still running on an idle machine", m->lab_running);
	for (int i = 0; i < 2; i++) {
		struct simnic_adapter *a = netdev_priv(i ? d1 : d0);

		m->now += 1000;
		if (i)
			a->ops->alloc_rx_buffers(a, 0);
		else
			a->ops->clean_tx_irq(a);
		cr_assert_null(m->lab_running, "%s left running after an outermost call",
			       m->lab_running);
		cr_assert_null(m->dev_running, "a device left running after an outermost call");
	}
	*end = (struct drv_note){ .last = m->lab_last, .dev_last = ifx(m->dev_last),
				  .outer = m->lab_outer, .dev_outer = ifx(m->dev_outer),
				  .calls = m->lab_calls, .enter_ns = m->lab_enter_ns, .now = m->now };
	kit_free(m);
}

static void notes_agree(const char *what, size_t i, const struct drv_note *a,
			const struct drv_note *b)
{
	cr_assert_eq(a->fn, b->fn, "%s %zu: in %s, with guards in %s", what, i, a->fn, b->fn);
	cr_assert_eq(a->running, b->running, "%s %zu (%s): running %s, with guards %s", what, i,
		     a->fn, a->running, b->running);
	cr_assert_eq(a->last, b->last, "%s %zu (%s): last %s, with guards %s", what, i, a->fn,
		     a->last, b->last);
	cr_assert_eq(a->outer, b->outer, "%s %zu (%s): outer %s, with guards %s", what, i, a->fn,
		     a->outer, b->outer);
	cr_assert_eq(a->after_nested, b->after_nested, "%s %zu (%s): after a nested call %s, "
		     "with guards %s", what, i, a->fn, a->after_nested, b->after_nested);
	cr_assert_eq(a->dev_running, b->dev_running, "%s %zu (%s): device %d, with guards %d",
		     what, i, a->fn, a->dev_running, b->dev_running);
	cr_assert_eq(a->dev_last, b->dev_last, "%s %zu (%s): last device %d, with guards %d",
		     what, i, a->fn, a->dev_last, b->dev_last);
	cr_assert_eq(a->dev_outer, b->dev_outer, "%s %zu (%s): outer device %d, with guards %d",
		     what, i, a->fn, a->dev_outer, b->dev_outer);
	cr_assert_eq(a->calls, b->calls, "%s %zu (%s): %llu calls, with guards %llu", what, i,
		     a->fn, (unsigned long long)a->calls, (unsigned long long)b->calls);
	cr_assert_eq(a->enter_ns, b->enter_ns, "%s %zu (%s): outer call began at %llu, with "
		     "guards %llu", what, i, a->fn, (unsigned long long)a->enter_ns,
		     (unsigned long long)b->enter_ns);
	cr_assert_eq(a->now, b->now, "%s %zu (%s): at %llu, with guards %llu", what, i, a->fn,
		     (unsigned long long)a->now, (unsigned long long)b->now);
}

Test(drv_fast, a_nested_wrapped_call_is_named_and_counted_as_a_watched_one)
{
	struct drv_note end_quiet, end_watched, *quiet;
	size_t n, nested = 0, outer = 0;

	wrapped_traffic(false, &end_quiet);
	n = nnotes;
	quiet = malloc(n * sizeof(*quiet));
	cr_assert_not_null(quiet, "out of memory");
	memcpy(quiet, notes, n * sizeof(*quiet));
	wrapped_traffic(true, &end_watched);
	cr_assert_eq(nnotes, n, "%zu wrapped calls, with guards %zu", n, nnotes);
	for (size_t i = 0; i < n; i++) {
		const struct drv_note *q = &quiet[i];

		notes_agree("call", i, q, &notes[i]);
		/* and each as it should be, whichever way it went */
		/* (the kit's names are its table's strings, the notes' the probes': compared
		 * by their text) */
		cr_assert(q->running && !strcmp(q->running, q->fn), "call %zu: running %s inside %s",
			  i, q->running, q->fn);
		cr_assert(q->last && !strcmp(q->last, q->fn), "call %zu: last %s inside %s", i,
			  q->last, q->fn);
		cr_assert_eq(q->dev_last, q->dev_running, "call %zu (%s): last device %d, running %d",
			     i, q->fn, q->dev_last, q->dev_running);
		cr_assert(i == 0 || q->calls > quiet[i - 1].calls, "call %zu (%s): %llu calls, "
			  "%llu before", i, q->fn, (unsigned long long)q->calls,
			  (unsigned long long)quiet[i - 1].calls);
		if (!strcmp(q->fn, "simnic_tx_map"))
			cr_assert(q->after_nested && !strcmp(q->after_nested, "simnic_tx_map"),
				  "call %zu: %s running after a nested call made by simnic_tx_map", i,
				  q->after_nested);
		if (!strcmp(q->fn, "simnic_maybe_stop_tx") || !strcmp(q->fn, "simnic_tx_map")) {
			nested++;
			cr_assert(q->outer && !strcmp(q->outer, "hard_start_xmit"),
				  "call %zu (%s): outermost call %s", i, q->fn, q->outer);
		}
		if (q->outer && !strcmp(q->outer, q->fn)) {
			outer++;
			cr_assert_eq(q->enter_ns, q->now, "call %zu (%s), outermost: began at %llu, "
				     "now %llu", i, q->fn, (unsigned long long)q->enter_ns,
				     (unsigned long long)q->now);
		}
	}
	notes_agree("at the end", 0, &end_quiet, &end_watched);
	cr_assert_geq(nested, 3 * 400, "%zu nested calls from the transmit path, expected 1200 or "
		      "more", nested);
	cr_assert_eq(outer, 2, "%zu outermost wrapped calls, expected the test's 2", outer);
	free(quiet);
	free(notes);
	notes = NULL;
	nnotes = capnotes = 0;
}

/* ---- DMA unmap (dma.c) --------------------------------------------------------- */

/*
 * dma_unmap_single finds the skb of an RX or TX buffer in the NIC's owner
 * slot when the slot holds that address, else in the pool; an skb the driver
 * owns then names the running call and its device as its holder (one 16-byte
 * copy), and the unmap and the descriptor read are charged once each.
 */
static void unmap_as_it_should(struct net_device *dev, struct sk_buff *skb, u64 dma,
			       enum dma_data_direction dir, bool running, bool named,
			       const char *what)
{
	static const char fn[] = "a driver call";
	u64 map = k->cost_count[COST_DMA_MAP], miss = k->cost_count[COST_CACHE_MISS];
	u64 t = k->now, want_t = t + k->cost[COST_DMA_MAP] + k->cost[COST_CACHE_MISS];

	skb->kit_holder = "nobody";
	skb->kit_holder_dev = NULL;
	k->lab_running = running ? fn : NULL;
	k->dev_running = running ? dev : NULL;
	dma_unmap_single(dev, dma, skb->len, dir);
	k->lab_running = NULL;
	k->dev_running = NULL;
	cr_assert_str_eq(skb->kit_holder, named ? fn : "nobody", "%s: holder %s", what,
			 skb->kit_holder);
	cr_assert_eq(skb->kit_holder_dev, named ? dev : NULL, "%s: holder's device %s", what,
		     skb->kit_holder_dev ? skb->kit_holder_dev->name : "none");
	cr_assert_eq(k->cost_count[COST_DMA_MAP], map + 1, "%s: %llu unmaps charged, want %llu",
		     what, (unsigned long long)(k->cost_count[COST_DMA_MAP] - map), 1ull);
	cr_assert_eq(k->cost_count[COST_CACHE_MISS], miss + 1, "%s: %llu reads charged, want 1",
		     what, (unsigned long long)(k->cost_count[COST_CACHE_MISS] - miss));
	cr_assert_eq(k->now, want_t, "%s: at %llu after the unmap, want %llu", what,
		     (unsigned long long)k->now, (unsigned long long)want_t);
}

Test(drv_fast, an_unmap_names_the_running_call_as_the_buffers_holder, .init = setup,
     .fini = teardown)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	struct simnic_adapter *a0 = netdev_priv(sn0), *a1 = netdev_priv(sn1);
	char what[96];
	unsigned int n = 0;

	tl_stop(k);
	kit_set_auto(k, false);
	for (int i = 0; i < 8; i++) { /* straight to the driver, as the qdisc would hand them */
		char err[256];
		struct sk_buff *skb = kit_skb_alloc(sn0, &p, err, sizeof(err));

		cr_assert_not_null(skb, "frame %d: %s", i, err);
		cr_assert_eq(kit_hard_start_xmit(sn0, skb, err, sizeof(err)), NETDEV_TX_OK,
			     "frame %d: %s", i, err);
	}
	/* fetched (the doorbell) and not yet reclaimed */
	for (unsigned int i = 0; i < a0->tx_ring.count; i++) {
		struct simnic_buffer *bi = &a0->tx_ring.buffer_info[i];
		struct nic_tx_owner *o = nic_tx_owner_slot(sn0->nic, bi->dma);
		u64 kept = o->addr;

		if (!bi->skb)
			continue;
		cr_assert_eq(o->addr, bi->dma, "TX slot %u: the owner slot holds another address", i);
		snprintf(what, sizeof(what), "TX buffer %u, from the slot", i);
		unmap_as_it_should(sn0, bi->skb, bi->dma, DMA_TO_DEVICE, true, true, what);
		snprintf(what, sizeof(what), "TX buffer %u, nothing running", i);
		unmap_as_it_should(sn0, bi->skb, bi->dma, DMA_TO_DEVICE, false, false, what);
		o->addr = kept ^ 64; /* another address there: the pool is asked */
		snprintf(what, sizeof(what), "TX buffer %u, from the pool", i);
		unmap_as_it_should(sn0, bi->skb, bi->dma, DMA_TO_DEVICE, true, true, what);
		o->addr = kept;
		n++;
	}
	cr_assert_eq(n, 8, "%u frames on sn0's ring, expected 8", n);
	run_idle(k); /* landed in sn1's ring; no poll */
	n = 0;
	for (unsigned int i = 0; i < a1->rx_ring.count; i++) {
		struct simnic_buffer *bi = &a1->rx_ring.buffer_info[i];
		struct nic_rx_owner *o = nic_rx_owner_slot(sn1->nic, bi->dma);
		u64 kept = o->addr;

		if (!bi->skb || !(a1->rx_ring.desc[i].status & E1000_RXD_STAT_DD))
			continue;
		cr_assert_eq(o->addr, bi->dma, "RX slot %u: the owner slot holds another address", i);
		snprintf(what, sizeof(what), "RX buffer %u, from the slot", i);
		unmap_as_it_should(sn1, bi->skb, bi->dma, DMA_FROM_DEVICE, true, true, what);
		o->addr = kept ^ 64;
		snprintf(what, sizeof(what), "RX buffer %u, from the pool", i);
		unmap_as_it_should(sn1, bi->skb, bi->dma, DMA_FROM_DEVICE, true, true, what);
		o->addr = kept;
		bi->skb->kit_place = SKB_USER; /* not the driver's: no holder named */
		snprintf(what, sizeof(what), "RX buffer %u, not the driver's", i);
		unmap_as_it_should(sn1, bi->skb, bi->dma, DMA_FROM_DEVICE, true, false, what);
		bi->skb->kit_place = SKB_DRIVER;
		n++;
	}
	cr_assert_eq(n, 8, "%u frames landed in sn1's ring, expected 8", n);
}

/* ---- the lockup watch on register accesses (drvcall.h) ------------------------------ */

/*
 * driver_time_check tests the time since the outermost call began before
 * whether a call runs at all: a call running too long is a soft lockup, and
 * no call running is none, however old lab_enter_ns is.
 */
Test(drv_fast, only_a_running_call_can_be_a_lockup, .init = setup, .fini = teardown)
{
	static const u64 ages[] = { 0, 1, DRIVER_LOCKUP_NS - 1, DRIVER_LOCKUP_NS,
				    DRIVER_LOCKUP_NS + 1, 10 * DRIVER_LOCKUP_NS };

	run_idle(k);
	k->now += 20 * DRIVER_LOCKUP_NS;
	for (size_t i = 0; i < ARRAY_SIZE(ages); i++) {
		for (int running = 0; running < 2; running++) {
			u64 before = kit_rule_count(k, RULE_SOFT_LOCKUP);
			bool want = running && ages[i] > DRIVER_LOCKUP_NS;

			k->lab_enter_ns = k->now - ages[i];
			k->lab_running = running ? "a driver call" : NULL;
			k->dev_running = running ? sn0 : NULL;
			driver_time_check(k);
			cr_assert_eq(kit_rule_count(k, RULE_SOFT_LOCKUP) - before, (u64)want,
				     "a call %s, begun %llu ns ago: %llu lockups, want %d",
				     running ? "running" : "not running",
				     (unsigned long long)ages[i],
				     (unsigned long long)(kit_rule_count(k, RULE_SOFT_LOCKUP) - before),
				     want);
		}
	}
	k->lab_running = NULL;
	k->dev_running = NULL;
	k->broke = false;
	k->broke_dev = NULL;
}
