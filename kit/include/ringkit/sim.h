/* sim.h - simulated time, the CPU and its cost model, tunables, the trace. */
/*
 * Era: ringlab's own API, no kernel's; kernel names in it say their era where
 * they are declared (netdevice.h, napi.h).
 */
#ifndef RINGKIT_SIM_H
#define RINGKIT_SIM_H

#include "types.h"

struct kit;
struct net_device;

/*
 * Time is integer nanoseconds since the machine was created. HZ is 1000,
 * so one jiffy is one millisecond of simulated time.
 */
#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000ULL
#define HZ 1000

/*
 * The machine being simulated. Like the kernel there is one at a time: every
 * public entry point sets it, and kernel-style helpers that take no device
 * (jiffies, dev_alloc_skb, in_softirq) use it.
 */
extern struct kit *kit_current;

u64 kit_now(const struct kit *k);
#define jiffies (kit_now(kit_current) / (NSEC_PER_SEC / HZ))
#define time_after(a, b) ((long)((b) - (a)) < 0)

/* CPU contexts, highest priority last. */
enum kit_ctx { CTX_PROCESS, CTX_SOFTIRQ, CTX_HARDIRQ, CTX_NR };
enum kit_ctx kit_context(const struct kit *k);
bool in_irq(void);
bool in_softirq(void);
bool in_interrupt(void);

/*
 * The cost model: every kit operation charges CPU time to the current
 * context. Defaults and their sources are in kit/sim/param.c and
 * docs/architecture.md; each is settable by name (`set lock 20`).
 */
enum cost_id {
	COST_LOCK,	  /* spin_lock + spin_unlock */
	COST_IRQSAVE,	  /* local_irq_save + restore */
	COST_BH,	  /* local_bh_disable + enable */
	COST_CALL,	  /* a call through a function pointer */
	COST_MMIO_WRITE,  /* posted register write: the doorbell */
	COST_MMIO_READ,	  /* uncached register read (ICR) */
	COST_DESC,	  /* CPU writes or reads one descriptor it owns */
	COST_CACHE_MISS,  /* CPU reads a line the NIC wrote (DD status) */
	COST_SKB_ALLOC,	  /* skb from the slab */
	COST_SKB_FREE,	  /* skb back to the slab */
	COST_DMA_MAP,	  /* dma_map_single / unmap (no IOMMU) */
	COST_COPY_PS,	  /* memcpy, picoseconds per byte */
	COST_CSUM_PS,	  /* checksum, picoseconds per byte */
	COST_IRQ_ENTRY,	  /* hardware interrupt entry */
	COST_IRQ_EXIT,	  /* hardware interrupt exit */
	COST_SOFTIRQ,	  /* entering a softirq action */
	COST_QDISC,	  /* qdisc enqueue + dequeue work per packet */
	COST_STACK_RX,	  /* IP + TCP/UDP receive work per skb */
	COST_LRO,	  /* LRO lookup + merge per packet */
	COST_GRO,	  /* GRO: dev_gro_receive per packet */
	COST_APP_RX,	  /* application: recv() of one skb */
	COST_CTXSW,	  /* scheduler switch between process threads */
	COST_NR
};

void sim_charge(struct kit *k, enum cost_id id);
void sim_charge_n(struct kit *k, enum cost_id id, u64 n);	 /* n times */
void sim_charge_bytes(struct kit *k, enum cost_id id, u64 bytes); /* *_PS */

/*
 * Tunables: the cost model, kernel knobs and per-device settings, one table.
 * Per-device parameters are set on one device or, with dev == NULL, on all.
 */
enum kit_param_group { PARAM_COST, PARAM_KERNEL, PARAM_DEVICE };

struct kit_param_desc {
	const char *name;   /* as typed after `set` */
	enum kit_param_group group;
	const char *unit;   /* "ns", "ps/byte", "packets", ... */
	long def, min, max; /* default and accepted range */
	const char *desc;   /* one line */
	const char *source; /* where the default comes from */
};

int kit_param_count(void);
const struct kit_param_desc *kit_param_at(int i);
int kit_param_find(const char *name); /* -1 if unknown */
long kit_param_get(const struct kit *k, struct net_device *dev, int id);
/* Would kit_param_set accept v? 0, or -EINVAL with the reason in err; changes nothing. */
int kit_param_check(int id, long v, char *err, size_t errlen);
/* 0 on success; -EINVAL with a one-line reason in err otherwise. */
int kit_param_set(struct kit *k, struct net_device *dev, int id, long v,
		  char *err, size_t errlen);
/* Parameters whose value is a word: NAPI mode, batching mode. */
const char *kit_param_word(int id, long v);
int kit_param_parse_word(int id, const char *word, long *v);

/* Seeded, deterministic randomness (splitmix64). */
u64 kit_random(struct kit *k);
u32 kit_random_below(struct kit *k, u32 n);

/*
 * The trace: every state change is a fixed-size record in a ring buffer,
 * formatted into a kernel-log line only when someone asks.
 */
enum trace_type {
	TR_NONE,
	TR_SKB_ALLOC,	/* a=skb id, b=len */
	TR_SKB_FREE,	/* a=skb id, b=place it was freed from */
	TR_QDISC_ENQ,	/* a=skb id, b=qlen */
	TR_QDISC_DROP,	/* a=skb id, b=qlen */
	TR_QDISC_DEQ,	/* a=first skb id, b=count, c=qlen */
	TR_REQUEUE,	/* a=skb id */
	TR_XMIT,	/* a=skb id, b=rc, c=xmit_more */
	TR_TX_BUSY,	/* a=skb id, b=1 the queue was already stopped */
	TR_BATCH,	/* a=count, b=xmit_win after */
	TR_PREP,	/* a=skb id, b=rc */
	TR_TX_POST,	/* a=slot, b=len, c=cmd */
	TR_TDT,		/* a=old, b=new */
	TR_TX_DD,	/* a=slot, b=TDH old, c=TDH new, d=len */
	TR_QUEUE_STOP,	/* a=free descriptors */
	TR_QUEUE_WAKE,	/* a=free descriptors */
	TR_QUEUE_START,
	TR_WATCHDOG,	/* a=ms stopped */
	TR_RX_DMA,	/* a=slot, b=RDH old, c=RDH new, d=len */
	TR_RX_MISSED,	/* a=len */
	TR_RDT,		/* a=old, b=new */
	TR_IRQ_RAISE,	/* a=ICR causes */
	TR_IRQ,		/* a=ICR pending at delivery */
	TR_ICR_READ,	/* a=value */
	TR_IMS,		/* a=mask after, b=1 set / 0 clear */
	TR_NAPI_SCHED,	/* a=missed (1) or scheduled (0), b=classic, c=netif_rx_reschedule, d=undo */
	TR_POLL_START,	/* a=budget, b=quota, d=era (1 classic) */
	TR_POLL,	/* a=budget, b=work, c=ret, d=era */
	TR_NAPI_DONE,	/* a=work_done, b=rearm */
	TR_SOFTIRQ,	/* a=softirq nr, b=budget left */
	TR_SQUEEZE,	/* a=budget left, b=usecs used */
	TR_NETIF_RX,	/* a=skb id, b=backlog qlen */
	TR_BACKLOG_DROP,/* a=skb id */
	TR_RECEIVE,	/* a=skb id, b=protocol, c=len */
	TR_SOCK,	/* a=flow, b=bytes, c=seq */
	TR_SOCK_DROP,	/* a=flow */
	TR_APP,		/* a=packets consumed, b=bytes */
	TR_LRO_AGGR,	/* a=flow, b=pkts in session, c=bytes */
	TR_LRO_FLUSH,	/* a=flow, b=pkts, c=bytes */
	TR_LRO_NODESC,	/* a=flow */
	TR_ICMP,	/* a=type, b=id, c=seq */
	TR_WIRE,	/* a=len, b=delivered (1) or lost (0) */
	TR_STREAM_ERR,	/* a=flow, b=expected seq, c=got seq, d=kind */
	TR_BUG,		/* a=rule, b=1 ringlab's own ("ringlab: BUG:") */
	TR_WARN,	/* a=rule, b=1 ringlab's advice ("ringlab: advice:") */
	TR_NOTE,	/* a=note id, b,c,d=values */
	TR_SKB_ORPHAN,	/* a=skb id: the driver held it after close; freed */
	TR_BQL_XOFF,	/* a=bytes in flight, b=limit: BQL stopped the queue */
	TR_BQL_XON,	/* a=bytes in flight, b=limit: BQL let it go again */
	TR_BQL_LIMIT,	/* a=old limit, b=new, c=bytes in flight */
	TR_QDISC_BULK,	/* a=first skb id, b=count, c=qlen, d=BQL budget (int) */
	TR_WORK,	/* a=0 queued / 1 runs, b=work name id */
	TR_RESET,	/* the driver's reset_task: down (rings cleaned) and up */
	TR_RACE,	/* race_tx_reclaim: a=0 starts (b=ntc) / 1 done (b=ntc, c=ntc seen);
			 * race_rx_irq: a=2 a frame landed (b=RDH) / 3 the in-flight interrupt */
	TR_CSUM_ERR,	/* a=flow (~0 none), b=IP protocol, c=len: wrong checksum, dropped */
	TR_GRO,		/* napi_gro_receive: a=skb id, b=gro_result_t */
	TR_GRO_FLUSH,	/* a held packet completed: a=source port, b=segments, c=bytes */
	TR_GRO_LIST,	/* gro_normal_list: a=skbs, b=segments */
	TR_NOT_OURS,	/* a=daddr, b=the device's address: an echo request not for it, dropped */
	TR_NR
};

struct trace_rec {
	u64 t;	   /* simulated ns */
	u16 type;  /* enum trace_type */
	u8 dev;	   /* device index, 0xff = none */
	u8 ctx;	   /* enum kit_ctx */
	u32 a, b, c, d;
};

typedef void (*trace_cb)(const struct trace_rec *r, void *arg);
/* One subscriber at a time (the shell, the view); NULL unsubscribes. */
void kit_trace_subscribe(struct kit *k, trace_cb cb, void *arg);
/* Records kept (the newest ones); i = 0 is the oldest kept. */
u64 kit_trace_total(const struct kit *k);
size_t kit_trace_count(const struct kit *k);
const struct trace_rec *kit_trace_at(const struct kit *k, size_t i);
/* "[  1.234567] sn0: TX desc 3 DD, TDH 3->4" */
size_t kit_trace_format(const struct kit *k, const struct trace_rec *r,
			char *buf, size_t len);

/*
 * The timeline, kept beside the trace for `trace export`: a slice for each
 * piece of CPU work (a driver call, qdisc_run, a softirq action, a process
 * thread's turn, reset_task), begun and ended in the context it ran in, and
 * after each boundary the counters that changed. seq places a record among
 * the trace records: it was written after trace record seq - 1, before seq.
 */
enum tl_kind { TL_BEGIN, TL_END, TL_COUNT };
enum tl_cat { TLC_DRIVER, TLC_KERNEL, TLC_THREAD };
enum tl_counter { TLV_TX_RING, TLV_RX_RING, TLV_QDISC, TLV_BQL, TLV_NR };
struct tl_rec {
	u64 t;		  /* simulated ns */
	u64 seq;	  /* kit_trace_total() when it was written */
	const char *name; /* the slice: "poll", "qdisc_run", a thread's name */
	u8 kind;	  /* enum tl_kind */
	u8 cat;		  /* enum tl_cat */
	u8 ctx;		  /* enum kit_ctx it ran in */
	u8 dev;		  /* device index, 0xff = none (TL_COUNT: 0xff is the backlog) */
	/* TL_COUNT: TX descriptors in use, RX frames awaiting the driver, qdisc
	 * length, BQL bytes in flight (v[0] the backlog's length for dev 0xff) */
	u32 v[TLV_NR];
};
u64 kit_timeline_total(const struct kit *k);
size_t kit_timeline_count(const struct kit *k);
const struct tl_rec *kit_timeline_at(const struct kit *k, size_t i); /* 0 = oldest kept */

/* Trace records for the LRO engine (lab code sees only public headers):
 * what 0 = packet aggregated, 1 = aggregate flushed, 2 = no free descriptor. */
void kit_trace_lro(struct net_device *dev, int what, u32 flow, u32 pkts, u32 bytes);

/*
 * Rule checks: a record and a counter. Each rule has a kind that says who
 * would speak: the kernel itself (its BUG: or WARNING: line, possibly only
 * with a debug option such as KASAN), or ringlab, for a real error the
 * kernel would not report ("ringlab: BUG:") or for advice where the kernel
 * stays silent ("ringlab: advice:"). docs/architecture.md has the table of
 * every rule with the kernel message it mirrors and its source.
 */
enum kit_rule {
	RULE_RECEIVE_SKB_CONTEXT,   /* netif_receive_skb outside softirq */
	RULE_NETIF_RX_CONTEXT,	    /* netif_rx from softirq (use netif_receive_skb) */
	RULE_POLL_OVER_BUDGET,	    /* poll returned more than budget */
	RULE_COMPLETE_NOT_SCHED,    /* napi_complete_done on an unscheduled instance */
	RULE_COMPLETE_AT_BUDGET,    /* completed and returned budget */
	RULE_IRQ_BEFORE_COMPLETE,   /* unmasked RX interrupts while still scheduled */
	RULE_TX_BUSY,		    /* hard_start_xmit returned NETDEV_TX_BUSY */
	RULE_XMIT_STOPPED,	    /* hard_start_xmit called with the queue stopped */
	RULE_DOUBLE_FREE,	    /* skb freed twice */
	RULE_SKB_LEAK,		    /* skb lost: in no place at a check */
	RULE_DMA_FAULT,		    /* NIC given an address it cannot reach */
	RULE_DESC_OVERWRITE,	    /* driver wrote a descriptor the NIC owns */
	RULE_QUOTA_EXCEEDED,	    /* classic poll did more than min(quota, budget) */
	RULE_BUDGET_NOT_UPDATED,    /* classic poll did not subtract its work */
	RULE_POLL_RET_CLASSIC,	    /* classic poll returned 0 without netif_rx_complete */
	RULE_WEIGHT_ZERO,	    /* a device with weight 0 was scheduled */
	RULE_TX_TIMEOUT,	    /* watchdog: transmit queue timed out */
	RULE_SOFT_LOCKUP,	    /* driver call ran too long (the shell's watchdog) */
	RULE_IRQ_NOBODY_CARED,	    /* interrupt line never cleared: disabled */
	RULE_BQL_OVERCOMPLETE,	    /* netdev_completed_queue: more bytes than were sent */
	RULE_RX_COMPLETE_NOT_SCHED, /* classic netif_rx_complete, device not scheduled */
	RULE_POLL_MORE_AFTER_COMPLETE, /* classic poll returned 1 after netif_rx_complete */
	RULE_NAPI_DISABLE_STUCK,    /* napi_disable / netif_poll_disable cannot take SCHED */
	RULE_MEM_CORRUPT,	    /* a guard after a ring, buffer_info or skb buffer overwritten */
	RULE_SKB_OVER_PANIC,	    /* an skb's data and len outside its own buffer */
	RULE_NR
};

enum kit_rule_kind {
	RULE_KERNEL_BUG,  /* "BUG:": the kernel's BUG(), oops or debug report */
	RULE_KERNEL_WARN, /* "WARNING:": the kernel's WARN or error message */
	RULE_KIT_BUG,	  /* "ringlab: BUG:": a real error the kernel would not report */
	RULE_KIT_ADVICE,  /* "ringlab: advice:": legal or silent in the kernel, but wrong or costly */
	RULE_KIND_NR
};

const char *kit_rule_name(enum kit_rule r);
enum kit_rule_kind kit_rule_kind(enum kit_rule r);
/* The line's prefix for a kind: "BUG: ", "WARNING: ", "ringlab: BUG: ", "ringlab: advice: ". */
const char *kit_rule_prefix(enum kit_rule_kind kind);
bool kit_rule_is_bug(enum kit_rule r); /* kernel or kit BUG */
u64 kit_rule_count(const struct kit *k, enum kit_rule r);
/* Records of each kind on this machine (a rule recorded as advice counts as advice). */
u64 kit_rule_kind_count(const struct kit *k, enum kit_rule_kind kind);
/* Records of rule r made by every machine of this process so far (experiments
 * run on machines of their own: a test reads this before and after). */
u64 kit_rule_total(enum kit_rule r);
/* Record rule r with the kind its table row gives (kit_bug and kit_warn are
 * the same call; the names say what the caller expects). */
void kit_bug(struct kit *k, struct net_device *dev, enum kit_rule r);
void kit_warn(struct kit *k, struct net_device *dev, enum kit_rule r);
/* Record rule r as the kit's advice whatever its row says (a rule the kernel
 * reports in one context and not in another). */
void kit_advise(struct kit *k, struct net_device *dev, enum kit_rule r);

#endif
