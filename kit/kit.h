/* kit.h - the machine's internals, shared by the kit's own modules and never by clients. */
#ifndef KIT_KIT_H
#define KIT_KIT_H

#include <ringkit/ringkit.h>

#define KIT_MAX_DEVS 4
#define KIT_MAX_THREADS 8
#define KIT_NEVER UINT64_MAX

/* ---- events (sim/evq.c) -------------------------------------------------
 * A binary heap of events embedded in their owners (no allocation). Ties
 * break by scheduling order, so a run is deterministic. */
enum ev_type { EV_HW, EV_TIMER };

struct sim_event {
	u64 time;
	u64 seq;  /* scheduling order, breaks ties */
	int idx;  /* position in the heap, -1 when not queued */
	u8 type;  /* enum ev_type */
	void *obj;
};

#define EVQ_MAX 64
struct evq {
	struct sim_event *heap[EVQ_MAX];
	int n;
	u64 seq;
};

void ev_init(struct sim_event *e, enum ev_type type, void *obj);
void ev_schedule(struct kit *k, struct sim_event *e, u64 time);
void ev_cancel(struct kit *k, struct sim_event *e);
struct sim_event *ev_peek(struct kit *k); /* the earliest queued event, or NULL */
static inline bool ev_queued(const struct sim_event *e)
{
	return e->idx >= 0;
}

/* ---- kernel timers (sim/timer.c) ----------------------------------------- */
struct timer_list {
	struct sim_event ev;
	void (*function)(struct timer_list *t);
	struct list_head due;  /* on the CPU's expired list */
	bool is_due;
	const char *name;
};
void timer_setup(struct kit *k, struct timer_list *t, void (*fn)(struct timer_list *),
		 const char *name);
void mod_timer(struct kit *k, struct timer_list *t, u64 expires_ns);
void del_timer(struct kit *k, struct timer_list *t);

/* ---- the CPU (sim/cpu.c, sim/sched.c) ------------------------------------ */
enum softirq_nr { TIMER_SOFTIRQ, NET_TX_SOFTIRQ, NET_RX_SOFTIRQ, NR_SOFTIRQS };

/* A process-context thread: the application, ksoftirqd, a traffic sender. */
struct kthread {
	const char *name;
	bool (*runnable)(struct kit *k, struct kthread *t);
	void (*run)(struct kit *k, struct kthread *t); /* one bounded step */
	void *arg;
	u64 vruntime;	/* CFS-style fairness */
	u64 ns;		/* CPU time used */
	bool was_runnable;
};

struct cpu {
	enum kit_ctx ctx;
	u64 ns[CTX_NR];		 /* busy time per context, but for ctx's since busy_mark */
	u64 busy;		 /* CPU time charged so far, every context (kit_charge) */
	u64 busy_mark;		 /* busy when ns[ctx] was last brought up to date */
	u32 softirq_pending;	 /* 1 << enum softirq_nr */
	u32 irq_pending;	 /* 1 << device index: line asserted, not delivered */
	int irq_off;		 /* local_irq_save depth */
	/* __do_softirq bookkeeping: after 2 ms or 10 rounds, ksoftirqd takes over */
	u64 sirq_session_start;
	int sirq_restarts;
	bool ksoftirqd_on;
	bool net_tx_last;	 /* the last NET_* action was NET_TX: NET_RX's turn */
	struct kthread *threads[KIT_MAX_THREADS];
	int nthreads;
	struct kthread *last;
	struct kthread *running; /* the process thread in its turn, NULL between turns */
	u64 min_vruntime;
	struct list_head timers_due;
	/* cpu.c: picks and thread list changes, and the turns after which
	 * min_vruntime was looked up over the list (the list or the marks changed) */
	u64 sched_gen, min_vruntime_general;
};

void cpu_init(struct kit *k);
/* Enter/leave a context around a piece of kernel work. */
enum kit_ctx cpu_enter(struct kit *k, enum kit_ctx ctx);
void cpu_leave(struct kit *k, enum kit_ctx prev);
void raise_softirq(struct kit *k, enum softirq_nr nr);
void kthread_add(struct kit *k, struct kthread *t);
void kthread_del(struct kit *k, struct kthread *t);
void cpu_add_ksoftirqd(struct kit *k, struct kthread *t);
/* sim/workqueue.c: the kworker thread and the names its trace lines use */
void workqueue_init(struct kit *k);
const char *kit_work_name(const struct kit *k, u32 id);
bool kit_has_cpu_work(struct kit *k);
bool net_rx_turn(const struct kit *k); /* NET_RX goes before a pending NET_TX */

/* ---- softnet_data: the per-CPU receive and transmit state (core/) ------- */
struct softnet_data {
	struct list_head poll_list;	   /* napi_structs and classic devices */
	struct sk_buff_head input_pkt_queue; /* netif_rx backlog */
	struct napi_struct backlog;	   /* polls input_pkt_queue */
	struct net_device *output_queue[KIT_MAX_DEVS]; /* qdiscs to run (NET_TX) */
	int output_n;
	bool xmit_more;			   /* netdev_xmit_more() */
	struct net_device *polling;	   /* device whose poll is running */
	u64 poll_delivered;		   /* skbs passed up during that poll */
	int poll_done;			   /* classic: 1 netif_rx_complete in this poll,
					    * 2 and then netif_rx_reschedule */
	int poll_quota_adj;		   /* quota the core itself changed meanwhile
					    * (a nested schedule's refill, an undo) */
	int classic_listed;		   /* classic devices on poll_list (napi.c):
					    * none, and every entry is a napi */
	/* the net_rx_action round in progress */
	bool rx_round;
	int rx_budget;
	u64 rx_round_start;
	u64 processed, dropped, time_squeeze, softirq_runs;
};

/* race_tx_reclaim (drivers/simnic_race.c): per device */
struct kit_race {
	u64 every;		/* inject at every Nth stop from a transmit path; 0 = never */
	u64 chances;		/* stops seen so far */
	unsigned int ntc_seen;	/* next_to_clean as the transmit side sees it */
	unsigned int ntc_real;	/* ... and as the injected reclaim left it */
	bool hidden;		/* the two differ until the transmit call returns */
	u64 rx_every;		/* race_rx_irq: at every Nth poll's end; 0 = never */
	u64 rx_chances;		/* poll ends seen so far */
	u64 rx_poll;		/* the poll (polls + 1) whose end was seen last */
};

/* core/canary.c: an area followed by a guard of CANARY_LEN bytes */
#define CANARY_LEN 64
#define CANARY_BYTE 0xcb
struct kit_guard {
	void *p;		/* the area */
	size_t size;		/* its bytes; the guard follows */
	size_t elem;		/* bytes per element, to name the index written */
	const char *what;	/* "TX descriptor ring" */
	struct net_device *dev;
};

/* ---- the machine ---------------------------------------------------------- */
struct skb_pool;
struct wire;
struct stack;
struct tx_sender;

struct kit {
	u64 now;		/* simulated ns */
	u64 seed, rng;
	u64 steps;
	/* The last step's trace records, counted when asked (kit_step_catchup):
	 * [step_t0, step_t1) all of it, [step_c0, step_c1) the catch-up before its
	 * CPU work. step_hw: it was a hardware event (catch-up: others due then). */
	u64 step_t0, step_t1, step_c0, step_c1;
	bool step_hw;
	bool auto_mode;
	bool hw_steps;
	volatile int stop_requested;
	struct evq evq;
	struct cpu cpu;
	u64 cost[COST_NR];	/* current cost values */
	u64 cost_ns[COST_NR];	/* charged so far */
	u64 cost_count[COST_NR];
	long knob[16];		/* kernel knobs, see sim/param.c */
	u64 rule_count[RULE_NR];
	u64 rule_kind_count[RULE_KIND_NR];
	struct trace *trace;
	struct timeline *timeline; /* sim/timeline.c: CPU slices and counter samples */
	struct skb_pool *pool;
	struct softnet_data sd;
	struct net_device *devs[KIT_MAX_DEVS];
	int ndevs;
	struct timer_list watchdog[KIT_MAX_DEVS]; /* per device, armed while stopped */
	unsigned long watchdog_start[KIT_MAX_DEVS]; /* jiffies: its period began (dev_activate) */
	/* hardware */
	struct sim_event hw_ev;	/* the next hardware change that needs a step */
	u64 hw_next;		/* earliest pending hardware change */
	bool hw_lazy_stale;	/* hw steps off: hw_ev to be worked out again */
	bool in_hw;		/* inside hardware code: no nested catch-up */
	u32 hw_cross;		/* frames one NIC handed another (hw_sync's order) */
	struct nic *nic[KIT_MAX_DEVS]; /* the NICs, in device order (hw.c) */
	int nnic;
	struct wire *wire;
	/* hw/wire.c: the last frame length's wire time and the link speed it was
	 * worked out for (wire_ps_last: the TX fetch, without its division) */
	u64 wire_last_ps;
	long wire_last_mbps;
	u32 wire_last_len;
	struct stack *stack;	/* upper stack: protocols, sinks, the application */
	struct tx_sender *sender;
	struct tx_flow *txf;	/* where each flow a client sends on goes on */
	int ntxf, captxf;
	/* driver */
	struct simnic_lab_ops lab;	/* functions in use */
	void *lab_handle;		/* dlopen handle */
	char lab_name[256];
	bool lab_loaded[32];
	/* driver_enter saves, sets and restores lab_running and dev_running as
	 * a pair; a nested call through adapter->ops sets lab_last and
	 * lab_running as one (drvcall.h): the three stay side by side */
	const char *lab_last;		/* lab function entered last, at any depth */
	const char *lab_running;	/* lab function executing now */
	struct net_device *dev_running;	/* device it runs for */
	struct net_device *dev_last;	/* the device of the last call entered by name
					 * (a contract name needs none: drvcall.h) */
	u64 lab_calls;			/* calls into lab functions so far */
	struct kit_guard guards[16];	/* rings and buffer_info arrays (core/canary.c) */
	bool guard_calls;		/* check them after every outermost driver call */
	bool drv_watch;			/* a timeline or guard_calls: driver calls are
					 * watched (kit_drv_watch, drvcall.h) */
	char guard_pending[1024];	/* what those checks found, for kit_guard_check */
	char bug_names[64][64];		/* names a BUG record refers to (sim/rules.c) */
	int nbug_names;
	bool broke;			/* a lockup broke a device: kit_run stops */
	struct net_device *broke_dev;	/* ... to be marked broken after the step */
	void (*on_lockup)(struct kit *k, void *arg); /* ends a stuck driver call */
	void *on_lockup_arg;
	u64 lab_enter_ns;		/* when the outermost driver call began */
	const char *lab_outer;		/* outermost driver call entered last (canary blame) */
	struct net_device *dev_outer;	/* ... for this device */
	struct net_device *xmit_dev;	/* inside this device's transmit entry point */
	struct kit_race race[KIT_MAX_DEVS];
	bool race_armed;		/* some device has race_tx_reclaim set */
	struct net_device *race_cpu;	/* the injected reclaim runs for it now */
	/* the system workqueue (sim/workqueue.c) */
	struct list_head work_list;	/* work_structs queued, in order */
	struct kthread kworker;		/* runs them */
	const char *work_names[8];	/* function names, for trace records */
	int nwork_names;
	bool dropping_driver;		/* devices close to switch or free the driver:
					 * napi_disable does not run its pending polls */
	const char *ev_what;		/* what the step is doing ("NET_RX softirq") */
	const char *ev_name;		/* ... and for whom (a device, a thread), or NULL */
	/* capture */
	struct kit_pcap *pcap;
};

/* kernel knobs stored in k->knob[] */
enum kit_knob {
	KNOB_NETDEV_BUDGET,	 /* packets per net_rx_action round */
	KNOB_NETDEV_BUDGET_US,	 /* time per net_rx_action round */
	KNOB_MAX_BACKLOG,	 /* netif_rx backlog length */
	KNOB_DEV_TX_WEIGHT,	 /* packets per qdisc_run */
	KNOB_SOCK_RCVQ,		 /* socket receive queue, packets */
	KNOB_APP_BATCH,		 /* skbs the application reads per step */
	KNOB_LINK_MBPS,		 /* wire speed */
	KNOB_WIRE_PEER,		 /* 1: sn0 <-> sn1, 0: frames leave into a sink */
	KNOB_SKB_FAIL_EVERY,	 /* fault: every Nth skb allocation fails */
	KNOB_GRO_NORMAL_BATCH,	 /* GRO_NORMAL segments batched for netif_receive_skb_list */
	KNOB_NR
};

extern struct kit *kit_current;
static inline void kit_doing(struct kit *k, const char *what, const char *name)
{
	k->ev_what = what;
	k->ev_name = name;
}

static inline struct kit *kit_enter(struct kit *k)
{
	kit_current = k;
	return k;
}

/* sim/timeline.c: a slice begins or ends (name NULL: nothing) */
void tl_init(struct kit *k);
void tl_free(struct kit *k);
void tl_reset(struct kit *k);
void tl_stop(struct kit *k); /* no timeline on this machine from now on */
void tl_slice(struct kit *k, const char *name, const struct net_device *dev, enum tl_cat cat,
	      bool begin);
/* tl_slice where the machine may have no timeline (bench, experiments): its
 * own first test, inline, so such a machine makes no call */
static inline void kit_tl_slice(struct kit *k, const char *name, const struct net_device *dev,
				enum tl_cat cat, bool begin)
{
	if (unlikely(k->timeline != NULL))
		tl_slice(k, name, dev, cat, begin);
}
/* k->timeline or k->guard_calls changed: k->drv_watch and every simnic's
 * adapter->ops follow them, between calls (drivers/lab_ops.c) */
void kit_drv_watch(struct kit *k);

/* sim/trace.c */
void trace_init(struct kit *k);
void trace_free(struct kit *k);
void trace_reset(struct kit *k);
void trace_stop(struct kit *k); /* no trace on this machine from now on */
void kit_boot_done(struct kit *k);
void nic_boot_done(struct nic *hw);
#include "trace.h" /* the trace ring, trace_emit and TRACE */

/* sim/param.c: the table's order; device rows are served by drivers/simnic_param.c */
enum kit_param_id {
	P_COST_FIRST = 0, /* COST_* in enum cost_id order */
	P_KNOB_FIRST = COST_NR, /* KNOB_* in enum kit_knob order */
	P_DEV_FIRST = COST_NR + KNOB_NR,
	P_TX_RING = P_DEV_FIRST,
	P_RX_RING,
	P_RX_USECS,
	P_RX_FRAMES,
	P_TX_USECS,
	P_ITR,
	P_WEIGHT,
	P_TX_QUEUE_LEN,
	P_XMIT_WIN,
	P_NAPI,
	P_BATCHING,
	P_LRO,
	P_LRO_MAX_AGGR,
	P_LRO_MAX_DESC,
	P_TX_WAKE,
	P_RX_REFILL,
	P_WATCHDOG,
	P_FAULT_LOCKUP,
	P_FAULT_DD_DELAY,
	P_BQL,
	P_RACE_RECLAIM,
	P_RACE_RX_IRQ,
	P_RX_VLAN,
	P_GRO,
	P_NR
};
void param_defaults(struct kit *k);
long simnic_param_get(struct net_device *dev, int id);
int simnic_param_set(struct net_device *dev, int id, long v, char *err, size_t errlen);

/* core/skb_pool.c, core/skbuff.c */
int skb_pool_init(struct kit *k);
void skb_pool_free(struct kit *k);
void skb_set_place(struct sk_buff *skb, enum skb_place p);
void skb_to_driver(struct sk_buff *skb, struct net_device *dev, const char *hook);
struct sk_buff *skb_pool_iter_all(struct kit *k, size_t *cursor); /* free ones too */
bool skb_burst_ok(const struct net_device *dev, unsigned int len);
struct sk_buff *skb_alloc_burst(struct net_device *dev, unsigned int len, const char *func,
				int line);
/* core/canary.c */
void kit_guard_register(struct kit *k, struct net_device *dev, void *p, size_t size,
			size_t elem, const char *what);
void kit_guard_forget(struct kit *k, void *p);
void *kit_guarded_alloc(struct kit *k, struct net_device *dev, size_t n, size_t elem,
			const char *what);
void kit_guarded_free(struct kit *k, void *p);
bool skb_within_buffer(const struct sk_buff *skb);
bool skb_check_bounds(struct kit *k, struct sk_buff *skb); /* false: BUG recorded, drop it */
struct sk_buff *skb_pool_iter(struct kit *k, size_t *cursor);
bool skb_pool_owns(const struct kit *k, const void *p, size_t len);
struct sk_buff *skb_pool_buffer_owner(const struct kit *k, const void *p);
void skb_pool_counts(const struct kit *k, u64 *allocated, u64 *freed, u64 live[SKB_PLACE_NR]);

/* core/dev.c */
#define NSEC_PER_JIFFY (NSEC_PER_SEC / HZ)
static inline unsigned long kit_jiffies(const struct kit *k)
{
	return (unsigned long)(k->now / NSEC_PER_JIFFY);
}
void __netif_schedule(struct net_device *dev);
void netdev_watchdog_up(struct net_device *dev);     /* period starts now */
void netdev_watchdog_update(struct net_device *dev); /* a stop bit changed */
unsigned int dev_tx_free(struct net_device *dev); /* for trace lines: free TX descriptors */
unsigned int dev_tx_used(struct net_device *dev);  /* for the timeline: TX descriptors in use */
unsigned int dev_rx_ready(struct net_device *dev); /* RX frames the NIC wrote, not yet read */

/* core/qdisc.c */
struct Qdisc {
	struct sk_buff_head q;
	unsigned int limit;	/* mirrors dev->tx_queue_len */
	bool running;		/* qdisc_run in progress (no recursion) */
};
int qdisc_create(struct net_device *dev);
void qdisc_destroy(struct net_device *dev);
int qdisc_restart(struct net_device *dev);
void net_tx_action(struct kit *k);
int dev_xmit_one(struct net_device *dev, struct sk_buff *skb, bool more);
unsigned int qdisc_fill_batch(struct net_device *dev, struct sk_buff_head *list, bool prep);
int qdisc_send_batch(struct net_device *dev, struct sk_buff_head *list);

/* core/rx.c, core/napi.c */
void softnet_init(struct kit *k);
int net_rx_step(struct kit *k);	/* one poll of the net_rx_action round; net_rx_pending
				 * after it if known (0, 1), else -1 */
bool net_rx_pending(const struct kit *k);
int napi_poll_dev(struct kit *k, struct net_device *dev, int budget); /* one poll, now */
void softnet_forget_dev(struct net_device *dev); /* off the poll list, quietly */
#define NAPIF(bit) (1UL << (bit))
struct net_device *napi_classic_of(struct kit *k, struct list_head *e); /* NULL: a napi */
void napi_refill_quota(struct net_device *dev);
bool napi_dev_scheduled(struct net_device *dev);  /* either era */
void napi_irq_unmask_check(struct net_device *dev, u32 unmasked);
/* napi_disable / netif_poll_disable waiting for SCHED: run the pending poll
 * now (softirq context); false if it cannot run (see netrx.c) */
bool napi_run_pending(struct kit *k, struct net_device *dev, struct napi_struct *n);

/* core/gro.c, core/gro_tcp.c */
void napi_gro_init(struct napi_struct *n);
void napi_gro_drop(struct napi_struct *n); /* flush_gro_hash: free, do not pass up */
struct sk_buff *inet_gro_receive(struct kit *k, struct sk_buff_head *head, struct sk_buff *skb);
void inet_gro_complete(struct sk_buff *skb);

#include "frame.h"

/* core/stack.c: the upper stack and the application */
int stack_init(struct kit *k);
void stack_free(struct kit *k);
void stack_receive(struct kit *k, struct sk_buff *skb);
/* Verify this flow's payload against payload_at(key, ...) from now on. */
void stack_expect_flow(struct kit *k, __be32 saddr, __be32 daddr, u16 sport, u16 dport,
		       u8 proto, u32 key);
/* The bytes a TCP sender sent, by sequence number: a replay reassembles each
 * flow's from the capture at load (hw/replay_stream.c). */
struct kit_stream {
	u32 base;	/* sequence number of bytes[0] */
	u32 len;
	u8 *bytes;
	u8 *known;	/* bitmap: bit i set if byte i was in the capture */
};
void kit_stream_free(struct kit_stream *s);
/* Check this TCP flow's payload against s from now on; the stack owns s. */
void stack_expect_stream(struct kit *k, __be32 saddr, __be32 daddr, u16 sport, u16 dport,
			 struct kit_stream *s);
/* skbs the socket holds: its receive queue and the out-of-order queues (check.c). */
u64 stack_skbs_held(const struct kit *k);
/* Arrival (skb->tstamp, stamped at RX DMA) to the application's recv(): the
 * sum over the skbs read so far and how many there were (kit/exp/coalesce.c). */
void stack_latency(const struct kit *k, u64 *sum_ns, u64 *count);
/* A measuring window: skbs read that a NIC stamped (DMA) at from_ns or later. */
void stack_window(struct kit *k, u64 from_ns);
u64 stack_window_read(const struct kit *k);

/* hw/ */
struct nic *nic_create(struct kit *k, struct net_device *dev, int index);
void nic_destroy(struct nic *hw);
void hw_sync(struct kit *k);		/* bring the hardware up to k->now */
void hw_update(struct kit *k);		/* a NIC's next change moved: re-arm hw_ev */
void hw_update_nic(struct kit *k, struct nic *hw); /* hw's next change came sooner, if at all */
void hw_event(struct kit *k);		/* hw_ev fired */
void hw_arm(struct kit *k);		/* before hw_ev is looked at: bring it up to date */
void hw_describe_next(struct kit *k, char *what, size_t len);
u64 wire_ps_last(struct kit *k, unsigned int len); /* hw/wire.c: wire_ps, kept */
bool nic_irq_deliverable(struct nic *hw);
void nic_irq_deliver(struct kit *k, struct nic *hw); /* run the handler (hardirq) */
bool nic_irq_deliver_inflight(struct nic *hw, u32 cause); /* sent before the mask took effect */
bool nic_cause_pending(const struct nic *hw, u32 cause); /* in ICR now */
int nic_rx_pull_next(struct nic *hw); /* the next frame lands now: RDH after, or -1 */
struct nic *nic_of(struct net_device *dev);

static inline void hw_catch_up(struct kit *k)
{
	if (unlikely(k->now >= k->hw_next))
		hw_sync(k);
}

/*
 * Charging CPU time, inlined for the kit's own per-packet paths (lab code
 * calls the out-of-line sim_charge in kit/sim/cpu.c, which does the same).
 * Time spent is time passed: the hardware catches up to the new now at once,
 * so what it did meanwhile is logged before whatever the CPU does next.
 */
/* A charge adds to cpu.busy alone; ns[ctx] takes its share when the context
 * changes or someone reads ns (one add per charge instead of an indexed one). */
static inline void cpu_ns_sync(struct kit *k)
{
	k->cpu.ns[k->cpu.ctx] += k->cpu.busy - k->cpu.busy_mark;
	k->cpu.busy_mark = k->cpu.busy;
}

static inline void kit_charge(struct kit *k, enum cost_id id, u64 c, u64 n)
{
	k->now += c;
	k->cpu.busy += c;
	k->cost_ns[id] += c;
	k->cost_count[id] += n;
	if (unlikely(k->now >= k->hw_next) && !k->in_hw)
		hw_sync(k);
}
/* Three charges in a row with nothing between them that could look at the
 * hardware: the same counts and time, one catch-up at the end (kit_account3:
 * the counts and time alone, for a caller that takes the catch-up its own way). */
static inline void kit_account3(struct kit *k, enum cost_id a, enum cost_id b, enum cost_id c)
{
	u64 ca = k->cost[a], cb = k->cost[b], cc = k->cost[c], sum = ca + cb + cc;

	k->cost_ns[a] += ca;
	k->cost_ns[b] += cb;
	k->cost_ns[c] += cc;
	k->cost_count[a]++;
	k->cost_count[b]++;
	k->cost_count[c]++;
	k->now += sum;
	k->cpu.busy += sum;
}
static inline void kit_charge3(struct kit *k, enum cost_id a, enum cost_id b, enum cost_id c)
{
	kit_account3(k, a, b, c);
	if (unlikely(k->now >= k->hw_next) && !k->in_hw)
		hw_sync(k);
}
/* Two charges in a row, as kit_charge3. */
static inline void kit_charge2(struct kit *k, enum cost_id a, enum cost_id b)
{
	u64 ca = k->cost[a], cb = k->cost[b], sum = ca + cb;

	k->cost_ns[a] += ca;
	k->cost_ns[b] += cb;
	k->cost_count[a]++;
	k->cost_count[b]++;
	k->now += sum;
	k->cpu.busy += sum;
	if (unlikely(k->now >= k->hw_next) && !k->in_hw)
		hw_sync(k);
}
#ifndef KIT_CPU_C
#define sim_charge(k, id) kit_charge((k), (id), (k)->cost[(id)], 1)
#define sim_charge_n(k, id, n) kit_charge((k), (id), (k)->cost[(id)] * (u64)(n), (u64)(n))
#endif

/* drivers/lab_ops.c: adapter->ops as k->drv_watch says (its wrappers: each
 * call named and counted, then k->lab's) */
const struct simnic_lab_ops *simnic_lab_named(const struct kit *k);
/* The contract name behind a driver call ("poll" on a classic device ->
 * "simnic_poll_classic"); "kit code" for NULL. */
const char *kit_lab_fn_name(const struct kit *k, const struct net_device *dev, const char *running);
/* core/netrx.c: a poll that did nothing and asked for more (progress false) */
void napi_poll_progress(struct kit *k, struct net_device *dev, const char *fn, bool progress,
			bool more);
/* sim/rules.c: the soft lockup record, fn stuck for count polls (kind 0) or
 * count simulated ms in one call (kind 1); the device is marked broken */
void kit_lockup(struct kit *k, struct net_device *dev, const char *fn, u32 count, int kind);
/* sim/rules.c: rule r about skb, with who allocated, held and freed it */
void kit_bug_skb(struct kit *k, struct net_device *dev, enum kit_rule r, struct sk_buff *skb);
const char *kit_bug_name(const struct kit *k, u32 id);

/* drivers/labload.c */
void lab_dlclose(void *handle);

/* exp/sender.c: a process that sends as fast as the qdisc takes it */
void sender_free(struct kit *k);
/* Frames first .. first + n - 1 of the sequence p describes, sent with
 * dev_queue_xmit; returns how many were queued, *built how many were made. */
/* The frames of one kit_pkt on one device: the template of its flow and the
 * spec of the frame last made (calls.c). A sender keeps it from burst to
 * burst; ready false (a new kit_pkt or device) makes it again. */
struct tx_frames {
	struct frame_tmpl t;
	struct frame_spec v;
	u8 peer[ETH_ALEN];
	bool ready;
};
/* The sender's burst: up to n frames from first, each while more(arg) holds
 * (checked before it); a frame that cannot be made counts as taken, as a
 * drop would. Returns how many were taken. fr: p's frames on dev, kept by
 * the caller (NULL: made for this burst). */
u64 xmit_frames_while(struct net_device *dev, const struct kit_pkt *p, u64 first, u64 n,
		      bool (*more)(void *arg), void *arg, struct tx_frames *fr);
u64 xmit_frames_from(struct net_device *dev, const struct kit_pkt *p, u64 first, u64 n,
		     u64 *built);

/* core/skb_pool.c */
long skb_pool_index(const struct kit *k, const struct sk_buff *skb);
size_t skb_pool_size(const struct kit *k);

/* drivers/simnic.c */
int simnic_probe(struct kit *k, const char *name, struct net_device **out);
void simnic_remove(struct net_device *dev);
int simnic_reopen(struct net_device *dev);
void simnic_apply_ops(struct net_device *dev);
void simnic_setup_lro(struct simnic_adapter *adapter);
/* drivers/simnic_updown.c: e1000_configure, e1000_up, e1000_down, reset_task */
void simnic_configure(struct simnic_adapter *adapter);
void simnic_up(struct simnic_adapter *adapter);
void simnic_down(struct simnic_adapter *adapter);
void simnic_reset_task(struct work_struct *work);
bool simnic_is(const struct net_device *dev);

/* drivers/simnic_race.c */
long simnic_race_get(struct net_device *dev);
void simnic_race_set(struct net_device *dev, long every);
void simnic_race_at_stop(struct net_device *dev);   /* netif_stop_queue, before the bit */
void simnic_race_xmit_done(struct net_device *dev); /* a transmit call returned */
long simnic_race_rx_get(struct net_device *dev);
void simnic_race_rx_set(struct net_device *dev, long every);
void simnic_race_rx_at_end(struct net_device *dev); /* a poll completes or unmasks */

#include "drvcall.h"

#endif
