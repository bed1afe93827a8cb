/* test_drv_fast.c - the driver-call layer's and the poll loop's shortcuts give the long way's answers. */
#include "kit.h"
#include "hw/nic_hw.h"
/* (after kit.h: its inline helpers name their machine k too) */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(drv_fast, .timeout = 120);

/* ---- the poll list's classic devices ---------------------------------------- */

/*
 * napi_classic_of answers NULL at once while k->sd.classic_listed says no
 * classic device is on the poll list. Each entry is held against the search
 * over every device, and the count against the entries that are devices.
 */
static void poll_list_as_searched(const char *when)
{
	struct list_head *e;
	int classic = 0, n = 0;

	list_for_each(e, &k->sd.poll_list) {
		struct net_device *want = NULL;

		for (int i = 0; i < k->ndevs; i++)
			if (e == &k->devs[i]->poll_list)
				want = k->devs[i];
		classic += want != NULL;
		cr_assert_eq(napi_classic_of(k, e), want, "%s: entry %d is %s, napi_classic_of gave %s",
			     when, n, want ? want->name : "a napi",
			     napi_classic_of(k, e) ? napi_classic_of(k, e)->name : "a napi");
		n++;
	}
	cr_assert_eq(k->sd.classic_listed, classic, "%s: %d classic devices counted, %d listed",
		     when, k->sd.classic_listed, classic);
}

/* Step the machine until idle, the poll list checked after every step. */
static void steps_checked(const char *what)
{
	char when[128];
	u64 n = 0;

	while (kit_step(k)) {
		snprintf(when, sizeof(when), "%s, step %llu", what, (unsigned long long)n++);
		poll_list_as_searched(when);
		cr_assert_lt(n, 5000000, "%s: no end after %llu steps", what, (unsigned long long)n);
	}
}

Test(drv_fast, classic_devices_on_the_poll_list_are_counted, .init = setup, .fini = teardown)
{
	static const long modes[][2] = {
		{ SIMNIC_NAPI_CLASSIC, SIMNIC_NAPI_CLASSIC },
		{ SIMNIC_NAPI_CLASSIC, SIMNIC_NAPI_MODERN },
		{ SIMNIC_NAPI_MODERN, SIMNIC_NAPI_CLASSIC },
		{ SIMNIC_NAPI_MODERN, SIMNIC_NAPI_MODERN },
	};
	char err[256], what[64];
	u64 polled = 0;

	poll_list_as_searched("new machine");
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		setp(k, sn0, "napi", modes[m][0]);
		setp(k, sn1, "napi", modes[m][1]);
		setp(k, sn0, "weight", 4);
		setp(k, sn1, "weight", 3);
		poll_list_as_searched("modes set");
		/* with auto on: interrupts, polls, completions, reschedules */
		kit_set_auto(k, true);
		gen_rx(sn0, 60, 0, IPPROTO_UDP, 60);
		gen_rx(sn1, 60, 200000, IPPROTO_UDP, 60);
		snprintf(what, sizeof(what), "modes %zu, auto", m);
		steps_checked(what);
		/* with auto off: both scheduled and left listed, then polled by hand
		 * and the mode changed under a listed device */
		kit_set_auto(k, false);
		gen_rx(sn0, 20, 0, IPPROTO_UDP, 60);
		gen_rx(sn1, 20, 0, IPPROTO_UDP, 60);
		snprintf(what, sizeof(what), "modes %zu, manual", m);
		steps_checked(what);
		for (int i = 0; i < 3; i++) {
			int w0 = kit_poll(sn0, 2, err, sizeof(err));
			int w1 = kit_poll(sn1, 2, err, sizeof(err));

			polled += (u64)(w0 > 0 ? w0 : 0) + (u64)(w1 > 0 ? w1 : 0);
			poll_list_as_searched("polled by hand");
		}
		setp(k, sn1, "napi", modes[m][1] == SIMNIC_NAPI_CLASSIC ? SIMNIC_NAPI_MODERN :
									 SIMNIC_NAPI_CLASSIC);
		poll_list_as_searched("sn1's mode changed while listed");
		kit_net_rx_action(k);
		poll_list_as_searched("a round after the change");
		kit_set_auto(k, true);
		steps_checked("auto again");
	}
	cr_assert_gt(polled, 0, "no poll by hand did any work");
	cr_assert_eq(k->sd.classic_listed, 0, "%d classic devices counted on an idle machine",
		     k->sd.classic_listed);
	check_clean(k);
}

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
		cr_assert_eq(q->running, q->fn, "call %zu: running %s inside %s", i, q->running,
			     q->fn);
		cr_assert_eq(q->last, q->fn, "call %zu: last %s inside %s", i, q->last, q->fn);
		cr_assert_eq(q->dev_last, q->dev_running, "call %zu (%s): last device %d, running %d",
			     i, q->fn, q->dev_last, q->dev_running);
		cr_assert(i == 0 || q->calls > quiet[i - 1].calls, "call %zu (%s): %llu calls, "
			  "%llu before", i, q->fn, (unsigned long long)q->calls,
			  (unsigned long long)quiet[i - 1].calls);
		if (q->after_nested)
			cr_assert_str_eq(q->after_nested, "simnic_tx_map", "call %zu: %s running after "
					 "a nested call made by simnic_tx_map", i, q->after_nested);
		if (!strcmp(q->fn, "simnic_maybe_stop_tx") || !strcmp(q->fn, "simnic_tx_map")) {
			nested++;
			cr_assert_str_eq(q->outer, "hard_start_xmit", "call %zu (%s): outermost call %s",
					 i, q->fn, q->outer);
		}
		if (q->outer == q->fn) {
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

/* ---- a modern poll's bookkeeping (netrx.c) -------------------------------------- */

/*
 * A device's modern poll that did some work and less than its weight skips
 * the general path's rules: it must still count the poll, its work, budget
 * and work last, clear the run of empty polls and write its TR_POLL record.
 */
static void one_poll_as_counted(int budget, u64 frames, const char *what)
{
	struct netdev_core_stats c0 = sn1->core;
	size_t from = log_.n;
	char err[256];
	int work;

	gen_rx(sn1, frames, 0, IPPROTO_UDP, 60);
	run_idle(k); /* landed, the poll scheduled, not run (auto off) */
	sn1->core.empty_polls = 7;
	work = kit_poll(sn1, budget, err, sizeof(err));
	cr_assert_eq(work, (int)(frames < (u64)budget ? frames : (u64)budget),
		     "%s: a poll of %d over %llu frames did %d", what, budget,
		     (unsigned long long)frames, work);
	cr_assert_eq(sn1->core.polls, c0.polls + 1, "%s: %llu polls counted, want 1", what,
		     (unsigned long long)(sn1->core.polls - c0.polls));
	cr_assert_eq(sn1->core.poll_work, c0.poll_work + (u64)work, "%s: %llu work counted, "
		     "want %d", what, (unsigned long long)(sn1->core.poll_work - c0.poll_work), work);
	cr_assert_eq(sn1->core.last_budget, budget, "%s: last budget %d, want %d", what,
		     sn1->core.last_budget, budget);
	cr_assert_eq(sn1->core.last_work, work, "%s: last work %d, want %d", what,
		     sn1->core.last_work, work);
	cr_assert_eq(sn1->core.empty_polls, 0, "%s: %llu empty polls in a row after a poll that "
		     "did %d", what, (unsigned long long)sn1->core.empty_polls, work);
	size_t polls = 0;

	for (size_t i = from; i < log_.n; i++) {
		if (log_.r[i].type != TR_POLL)
			continue;
		polls++;
		cr_assert(log_.r[i].dev == sn1->ifindex && log_.r[i].a == (u32)budget &&
				  log_.r[i].b == (u32)work && log_.r[i].c == (u32)work && !log_.r[i].d,
			  "%s: TR_POLL sn%d %u %u %u %u, want sn1 %d %d %d 0", what, log_.r[i].dev,
			  log_.r[i].a, log_.r[i].b, log_.r[i].c, log_.r[i].d, budget, work, work);
	}
	cr_assert_eq(polls, 1, "%s: %zu TR_POLL records, want 1", what, polls);
}

Test(drv_fast, a_modern_poll_below_its_weight_is_counted, .init = setup, .fini = teardown)
{
	setp(k, sn1, "napi", SIMNIC_NAPI_MODERN);
	kit_set_auto(k, false);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	one_poll_as_counted(16, 5, "5 frames, budget 16");
	one_poll_as_counted(16, 15, "15 frames, budget 16");
	one_poll_as_counted(8, 1, "1 frame, budget 8");
	one_poll_as_counted(4, 4, "4 frames, budget 4 (the general path)");
	one_poll_as_counted(4, 9, "9 frames, budget 4 (the general path)");
	/* and a whole run with polls rescheduled while they ran: everything lands */
	kit_set_auto(k, true);
	run_idle(k);
	gen_rx(sn1, 3000, 300000, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(st(sn1, "rx_packets"), 5 + 15 + 1 + 4 + 9 + 3000, "rx_packets %llu, want %d",
		     (unsigned long long)st(sn1, "rx_packets"), 5 + 15 + 1 + 4 + 9 + 3000);
	cr_assert_eq(sn1->core.polls, rec_count(&log_, TR_POLL, sn1->ifindex),
		     "%llu polls counted, %zu recorded", (unsigned long long)sn1->core.polls,
		     rec_count(&log_, TR_POLL, sn1->ifindex));
	check_clean(k);
}

/* ---- the interrupt line taken (cpu.c) ---------------------------------------------- */

/*
 * The CPU takes the lowest pending line first (its device by the bit's
 * index); a line with no device behind it is left pending. Lines raised by
 * hand with no cause asserted behind them are each taken and dropped.
 */
Test(drv_fast, the_lowest_pending_line_is_taken_first, .init = setup, .fini = teardown)
{
	static const u32 lines[] = { 0x1, 0x2, 0x3, 0x6, 0x80000003u, 0x80000002u };

	kit_set_auto(k, false);
	run_idle(k);
	cr_assert_eq(k->ndevs, 2, "%d devices, expected sn0 and sn1", k->ndevs);
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		u32 p = lines[i];
		int low = __builtin_ctz(p);
		u32 want = low < k->ndevs ? p & ~(1u << low) : p;

		k->cpu.irq_pending = p;
		cr_assert_eq(kit_step(k), 1, "lines %#x: nothing ran", p);
		cr_assert_eq(k->cpu.irq_pending, want, "lines %#x: %#x left pending, want %#x", p,
			     k->cpu.irq_pending, want);
	}
	/* a line past the last device: nobody's, it stays */
	k->cpu.irq_pending = 1u << 5;
	cr_assert_eq(kit_step(k), 1, "a line with no device: nothing ran");
	cr_assert_eq(k->cpu.irq_pending, 1u << 5, "line 5 left %#x pending, want %#x",
		     k->cpu.irq_pending, 1u << 5);
	k->cpu.irq_pending = 0;
	run_idle(k);
}

/* ---- a poll's answer to "anything left?" (netrx.c, cpu.c) -------------------------- */

/*
 * net_rx_step says whether the poll list holds pollable work after its poll
 * where it found out (0 or 1), for the softirq's own test; that answer must
 * be net_rx_pending's. Rounds in both eras and mixed, with budgets and
 * weights small enough to squeeze, a weight-0 device passed over.
 */
static void rounds_answered(long m0, long m1, long w0, long w1, long budget, const char *what)
{
	enum kit_ctx prev;
	u64 steps = 0, known = 0;

	setp(k, sn0, "napi", m0);
	setp(k, sn1, "napi", m1);
	setp(k, sn0, "weight", w0);
	setp(k, sn1, "weight", w1);
	setp(k, NULL, "netdev_budget", budget);
	kit_set_auto(k, false);
	gen_rx(sn0, 40, 0, IPPROTO_UDP, 60);
	gen_rx(sn1, 40, 0, IPPROTO_UDP, 60);
	run_idle(k); /* landed; both scheduled, nobody polled */
	prev = cpu_enter(k, CTX_SOFTIRQ);
	for (int round = 0; round < 400 && net_rx_pending(k); round++) {
		k->sd.rx_round = false;
		do {
			int r = net_rx_step(k);

			steps++;
			if (r >= 0) {
				known++;
				cr_assert_eq(r, net_rx_pending(k), "%s, round %d: the step said %d, "
					     "net_rx_pending %d", what, round, r, net_rx_pending(k));
			}
			cr_assert(r != 0 || !k->sd.rx_round, "%s, round %d: nothing pending, the "
				  "round still open", what, round);
		} while (k->sd.rx_round);
	}
	cpu_leave(k, prev);
	cr_assert_gt(known, 0, "%s: no step knew", what);
	kit_set_auto(k, true);
	run_idle(k);
	cr_assert_geq(steps, 2, "%s: %llu steps", what, (unsigned long long)steps);
}

Test(drv_fast, a_poll_step_knows_what_is_pending, .init = setup, .fini = teardown)
{
	rounds_answered(SIMNIC_NAPI_MODERN, SIMNIC_NAPI_MODERN, 64, 64, 300, "modern, room");
	rounds_answered(SIMNIC_NAPI_MODERN, SIMNIC_NAPI_MODERN, 4, 3, 10, "modern, squeezed");
	rounds_answered(SIMNIC_NAPI_CLASSIC, SIMNIC_NAPI_CLASSIC, 4, 4, 7, "classic, squeezed");
	rounds_answered(SIMNIC_NAPI_CLASSIC, SIMNIC_NAPI_MODERN, 5, 2, 9, "mixed");
	rounds_answered(SIMNIC_NAPI_MODERN, SIMNIC_NAPI_CLASSIC, 1, 64, 300, "mixed, weight 1");
	rounds_answered(SIMNIC_NAPI_MODERN, SIMNIC_NAPI_MODERN, 0, 4, 6, "a weight-0 device");
	rounds_answered(SIMNIC_NAPI_CLASSIC, SIMNIC_NAPI_CLASSIC, 0, 4, 6, "classic, weight 0");
}
