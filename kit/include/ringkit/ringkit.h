/* ringkit.h - the kit's client API: make a machine, run it, act on it, look at it. */
/*
 * Era: ringlab's own API, no kernel's; kernel names in it say their era where
 * they are declared (netdevice.h, napi.h).
 */
#ifndef RINGKIT_RINGKIT_H
#define RINGKIT_RINGKIT_H

#include "dynamic_queue_limits.h"
#include "gro.h"
#include "inet_lro.h"
#include "napi.h"
#include "netdevice.h"
#include "nic.h"
#include "proto.h"
#include "sim.h"
#include "simnic.h"
#include "skbuff.h"
#include "snapshot.h"
#include "types.h"
#include "workqueue.h"

#define RINGLAB_VERSION "0.1.0"

/*
 * A machine: one CPU, the kernel's stack core, and two simnic devices wired
 * back to back as in LDD3's snull: sn0 (192.168.0.1) and sn1 (192.168.1.2),
 * up, with the lab functions linked into the program as their driver.
 */
struct kit *kit_new(u64 seed);
void kit_free(struct kit *k);
u64 kit_seed(const struct kit *k);

int kit_dev_count(const struct kit *k);
struct net_device *kit_dev_at(const struct kit *k, int i);
struct net_device *kit_dev_by_name(const struct kit *k, const char *name);

/* ---- running ------------------------------------------------------------
 * Everything that happens is an event; a step runs the next one: a hardware
 * change (a descriptor written back, a frame DMA'd), an interrupt, a softirq
 * action (one NAPI poll, one qdisc run), or a process (the application).
 */
int kit_step(struct kit *k); /* 1 if something ran, 0 if the machine is idle */

enum kit_stop {
	KIT_STOP_IDLE,	 /* nothing left to do */
	KIT_STOP_STEPS,	 /* ran the number of steps asked */
	KIT_STOP_TIME,	 /* reached the time asked */
	KIT_STOP_ASKED,	 /* kit_request_stop() was called */
	KIT_STOP_BROKEN, /* a driver call crashed */
};
/* Run up to max_steps (0 = no limit) and not past until_ns (0 = no limit). */
u64 kit_run(struct kit *k, u64 max_steps, u64 until_ns, enum kit_stop *why);
/* Safe from a signal handler: the current kit_run stops after this step. */
void kit_request_stop(struct kit *k);

/* auto on: the kernel core runs its own part (qdisc runs, softirqs, polls). */
void kit_set_auto(struct kit *k, bool on);
bool kit_get_auto(const struct kit *k);
/* hw steps on: each descriptor write-back and each frame DMA is its own step
 * (the default); off: the hardware catches up in one go at the next event,
 * with the same result. Experiments and benchmarks turn it off. */
void kit_set_hw_steps(struct kit *k, bool on);

/* Describe what the next step will do ("sn0: TX desc 3 write-back"). */
bool kit_next(struct kit *k, u64 *when, char *what, size_t len);
/* Hardware events (write-backs, frames DMA'd or missed) the last step ran
 * besides its own: due before the CPU work it was for (or, for a step that
 * was a hardware event, due by the same time: *hw true); *meanwhile: those
 * due while that CPU work ran, logged at their own times. */
u64 kit_step_catchup(const struct kit *k, u64 *meanwhile, bool *hw);

/* ---- acting: each call runs as the kernel path would run it -------------- */

/* A frame to build: real Ethernet + IPv4 + UDP/TCP/ICMP bytes, checksums valid. */
struct kit_pkt {
	unsigned int len; /* frame length without FCS, 60..1514; 0 = 60 */
	u8 proto;	  /* IPPROTO_UDP (default), IPPROTO_TCP, IPPROTO_ICMP */
	u32 flow;	  /* picks the ports, hence the flow */
	u32 seq;	  /* TCP sequence / UDP and ICMP counter, if seq_set */
	bool seq_set;	  /* false: carry on where this flow's last send left off
			   * (TCP starts at 1, UDP and ICMP at 0) */
	__be32 daddr;	  /* 0 = the peer device's remote address (snull) */
};

/* Allocate and fill an skb in process context; the client holds it (skb#N). */
struct sk_buff *kit_skb_alloc(struct net_device *dev, const struct kit_pkt *p,
			      char *err, size_t errlen);
struct sk_buff *kit_skb_find(struct kit *k, u32 id); /* live skb by number */
int kit_skb_put_back(struct sk_buff *skb); /* free a client-held skb */

/* dev_queue_xmit from process context: qdisc, then qdisc_run. */
int kit_dev_queue_xmit(struct net_device *dev, struct sk_buff *skb);
/* n frames built from p, sent one by one; returns how many were queued. */
u64 kit_xmit_frames(struct net_device *dev, const struct kit_pkt *p, u64 n);
/* The driver's hard_start_xmit called directly (no qdisc), under the TX lock. */
int kit_hard_start_xmit(struct net_device *dev, struct sk_buff *skb, char *err,
			size_t errlen);
int kit_hard_prep_xmit(struct net_device *dev, struct sk_buff *skb, char *err,
		       size_t errlen);
/* Fill dev->blist (or skb_blist) from the qdisc up to xmit_win: the core's part. */
int kit_blist_fill(struct net_device *dev, char *err, size_t errlen);
int kit_hard_batch_xmit(struct net_device *dev, char *err, size_t errlen);
int kit_qdisc_run(struct net_device *dev);
void kit_netif_stop_queue(struct net_device *dev);
void kit_netif_wake_queue(struct net_device *dev);
void kit_netif_start_queue(struct net_device *dev);

/* Deliver the device's interrupt to its handler now (hardirq context). */
int kit_irq(struct net_device *dev);
/* Schedule the device's NAPI instance (classic or modern, as configured):
 * 0 scheduled; 1 it already was (modern NAPI sets MISSED, so the core polls
 * again; classic changes nothing); <0 not a NAPI device (reason in err). */
int kit_napi_schedule(struct net_device *dev, char *err, size_t errlen);
/* One poll of the device in softirq context, as net_rx_action would make it.
 * budget <= 0: what net_rx_action would pass, the weight for modern NAPI and
 * netdev_budget for classic (whose poll limits itself to its quota). Returns
 * the work reported, or -1 with err. */
int kit_poll(struct net_device *dev, int budget, char *err, size_t errlen);
/* Complete the device's NAPI: 0 completed; 1 MISSED was set, so it stays
 * scheduled (poll again); 2 it was not scheduled (a BUG record, as the
 * kernel's); <0 not a NAPI device. */
int kit_napi_complete(struct net_device *dev, char *err, size_t errlen);
/* One full net_rx_action round (netdev_budget over all scheduled devices). */
int kit_net_rx_action(struct kit *k);
int kit_lro_flush_all(struct net_device *dev, char *err, size_t errlen);
/* napi_gro_flush(&napi, flush_old) and gro_normal_list, in softirq context. */
int kit_napi_gro_flush(struct net_device *dev, bool flush_old, char *err, size_t errlen);
/* Run fn(arg) in softirq context, as code called from a NAPI poll runs. */
void kit_run_softirq(struct kit *k, void (*fn)(void *), void *arg);
/* Run fn(arg) in hardirq context, as an interrupt handler runs (a test calling one). */
void kit_run_hardirq(struct kit *k, void (*fn)(void *), void *arg);
/* The watchdog's check, now: calls tx_timeout if stopped and stale. */
int kit_dev_watchdog(struct net_device *dev);

/* ---- traffic -------------------------------------------------------------- */

enum pktgen_fault {
	PKTGEN_F_REORDER = 1 << 0, /* swap a frame with the next one */
	PKTGEN_F_LOSS = 1 << 1,	   /* drop a frame before the wire */
	PKTGEN_F_DUP = 1 << 2,	   /* send a frame twice */
	PKTGEN_F_PSH = 1 << 3,	   /* set PSH */
	PKTGEN_F_NOACK = 1 << 4,   /* clear ACK */
	PKTGEN_F_IPOPT = 1 << 5,   /* add an IP option (NOP padding) */
	PKTGEN_F_CE = 1 << 6,	   /* ECN congestion experienced */
	PKTGEN_F_SYN = 1 << 7,	   /* set SYN */
	PKTGEN_F_FIN = 1 << 8,	   /* set FIN */
	PKTGEN_F_TSBACK = 1 << 9,  /* timestamp value going backwards */
};

/* A remote sender feeding the device's RX side. Deterministic from the seed. */
struct pktgen_cfg {
	u64 count;	     /* frames */
	u64 rate_pps;	     /* 0 = line rate */
	unsigned int len;    /* frame length without FCS, 60..1514 */
	unsigned int flows;  /* round-robin over this many flows (1..1024) */
	u8 proto;	     /* IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMP */
	bool tcp_ts;	     /* TCP timestamps option on every segment */
	unsigned int burst;  /* frames back to back, then a gap keeping the rate */
	u16 vlan;	     /* VLAN id, 0 = untagged */
	u32 faults;	     /* PKTGEN_F_* */
	u32 fault_every;     /* apply the faults to every Nth frame (0 = never) */
	u32 fault_chance;    /* or to each frame with probability 1/N, from the seed */
	u64 start_ns;	     /* first frame at now + start_ns */
};
void pktgen_cfg_default(struct pktgen_cfg *c);
int kit_pktgen(struct net_device *dev, const struct pktgen_cfg *c, char *err,
	       size_t errlen);
/* Replay a classic pcap into the device; rate_pps 0 = at its recorded times.
 * fixcsum recomputes IPv4/TCP/UDP checksums first (tcprewrite --fixcsum);
 * without it frames with wrong ones arrive so, and the stack drops them.
 * Each TCP flow's bytes are reassembled from the capture's frames whose
 * checksums are right, and the sink checks every byte it delivers against
 * them. Returns the frames loaded, or <0 with err. */
struct kit_replay_info {
	unsigned int frames;	/* frames loaded */
	unsigned int bad_csum;	/* of them, with a wrong IPv4, TCP or UDP checksum */
	unsigned int flows;	/* TCP flows whose bytes the sink checks */
	u64 stream_bytes;	/* the bytes of those flows' streams (each once) */
};
int kit_pktgen_pcap_opts(struct net_device *dev, const char *path, u64 rate_pps, bool fixcsum,
			 struct kit_replay_info *info, char *err, size_t errlen);
/* The same with fixcsum. */
int kit_pktgen_pcap(struct net_device *dev, const char *path, u64 rate_pps,
		    char *err, size_t errlen);
/* A local process that sends count frames like p (seq counting up) as fast
 * as the qdisc takes them, blocking while it is full, as a socket would. */
int kit_sender_start(struct net_device *dev, const struct kit_pkt *p, u64 count);
u64 kit_sender_left(const struct kit *k);
/* From now on the sender queues each burst of up to 32 behind a busy qdisc
 * and then runs it once, as the batching experiment's sender does (as when
 * another CPU holds the qdisc, or pktgen's burst): the core finds the burst
 * waiting, so the batching modes hand it to the driver as one batch. */
void kit_sender_hold_qdisc(struct kit *k, bool on);

/* ICMP echo requests from dev's stack to daddr. */
int kit_ping(struct net_device *dev, __be32 daddr, unsigned int count, char *err,
	     size_t errlen);

/* Capture what a device sends and receives to a pcap (ns timestamps). */
int kit_pcap_start(struct net_device *dev, const char *path, char *err, size_t errlen);
void kit_pcap_stop(struct kit *k);
/* The file a device is being captured to, or NULL. */
const char *kit_pcap_path(const struct net_device *dev);

/* ---- the upper stack's view ---------------------------------------------- */

struct kit_flow_stat {
	__be32 saddr, daddr;
	__be16 sport, dport;
	u8 proto;
	u64 packets;	  /* skbs delivered to the socket */
	u64 segments;	  /* wire segments they stood for */
	u64 bytes;	  /* payload bytes delivered in order (TCP: rcv_nxt moved over them) */
	u64 errors;	  /* rx_stream_errors: segments whose bytes differ from the sender's */
	u64 dups;	  /* rx_dups: segments whose bytes were all there already */
	u64 ooo;	  /* rx_ooo: segments queued out of order (TCPOFOQueue) */
	u64 ofo_drops;	  /* rx_ofo_drops: out-of-order segments with no room */
	u64 csum_errors;  /* rx_csum_errors: frames with a wrong checksum, dropped */
	u64 app_bytes;	  /* bytes the application read */
	u64 ofo_bytes;	  /* TCP: payload bytes held on the out-of-order queue */
	u32 ofo_segs;	  /* TCP: segments held there */
	u32 next_seq;	  /* TCP: rcv_nxt; UDP: the sequence word after the highest seen */
	u32 isn;	  /* TCP: the SYN's sequence number (0: the flow began without one) */
	int ifindex;	  /* the device its last segment arrived on, -1 none yet */
	bool started;	  /* a segment has been seen (next_seq is meaningful) */
	bool checked;	  /* payload compared byte for byte */
	bool stream;	  /* ... against the bytes of a replayed capture */
};
int kit_flow_count(const struct kit *k);
int kit_flow_at(const struct kit *k, int i, struct kit_flow_stat *out);
/* What flow i's out-of-order queue holds, as merged [start, end) sequence
 * ranges (up to max written); returns how many there are, or -EINVAL. The
 * holes are before each range: from rcv_nxt, then between them. */
int kit_flow_ofo(const struct kit *k, int i, u32 (*ranges)[2], int max);
/* From now on check every payload byte of this flow against the kit's
 * pattern with this key (0 = the pattern of tests/data's TCP capture). A TCP
 * flow's byte at sequence s is pattern byte s - ISN - 1; a flow seen without
 * its SYN is taken to have ISN 0. */
void kit_flow_expect(struct kit *k, __be32 saddr, __be32 daddr, u16 sport, u16 dport,
		     u8 proto, u32 key);

struct kit_ping_stat {
	u32 sent, received;
	u64 rtt_min_ns, rtt_max_ns, rtt_sum_ns;
};
void kit_ping_stats(const struct kit *k, struct kit_ping_stat *s);

/* ---- checking -------------------------------------------------------------- */

/* Conservation and invariants: every skb in exactly one place, allocated =
 * freed + live, ring indices in range, no slot owned twice. Returns the number
 * of problems and writes one line each into report. */
int kit_check(struct kit *k, char *report, size_t len);
/* The guard areas after every descriptor ring, buffer_info array and skb
 * buffer, and every live skb's data and len within its buffer (kit_check
 * does this first; the shell after every command; the grader after a test).
 * Returns the number of problems, one line each in report naming the area
 * and the lab function that ran last, each recorded once as a BUG; the
 * guards are then armed again. */
int kit_guard_check(struct kit *k, char *report, size_t len);
/* Also look at the ring and buffer_info guards after every outermost driver
 * call (the shell does), so an overrun names the very call that made it. */
void kit_guard_each_call(struct kit *k, bool on);

/* ---- the driver ------------------------------------------------------------- */

/* Load lab functions from a .so (dlopen); missing ones stay linked. NULL path
 * goes back to the linked functions. Every device is reset and opened again. */
int kit_driver_load(struct kit *k, const char *path, char *err, size_t errlen);
const char *kit_driver_name(const struct kit *k); /* "solution" or the path */
/* Which lab functions come from the loaded file (true) or are linked (false). */
bool kit_driver_fn_loaded(const struct kit *k, size_t fn_index);
/* Whether the current modes of some device (napi, batching, lro, rx_vlan) make
 * the kit or the reference call this function at all (simnic.h lists where). */
bool kit_driver_fn_used(const struct kit *k, size_t fn_index);

/* Calls into lab functions so far: a driver call that makes no progress
 * (this count unchanged while a lab function runs) is stuck. */
u64 kit_driver_calls(const struct kit *k);
/* For an oops report: the lab function running now and the event behind it. */
const char *kit_driver_fn_running(const struct kit *k);
void kit_event_running(const struct kit *k, char *buf, size_t len);
/* A driver call that ran 100 ms of simulated time (spinning on a register)
 * is a soft lockup: the kit records it (BUG: soft lockup) and calls fn, which
 * must end the call (the shell siglongjmps out, as for a crash). Without a
 * handler the call goes on and the device is marked broken after the step. */
void kit_set_lockup_handler(struct kit *k, void (*fn)(struct kit *k, void *arg), void *arg);
/* After a crash inside a driver call: mark the device broken; it does nothing more. */
void kit_dev_mark_broken(struct kit *k, struct net_device *dev);
struct net_device *kit_dev_running(const struct kit *k);
bool kit_dev_broken(const struct net_device *dev);

/* ---- benchmarks --------------------------------------------------------------
 * Each scenario runs the simulator flat out on one core and measures wall
 * time; a bare power-of-two SPSC ring moving the same number of elements in
 * the same run gives the yardstick (ratio = bare_ring_pps / sim_pps). */
struct bench_row {
	char name[32];		/* "tx-64-nobatch", "rx-1500-lro", ... */
	u64 packets;		/* simulated packets */
	double wall_s;		/* wall seconds for them */
	double sim_pps;		/* simulated packets per wall second */
	double ns_per_pkt;	/* wall ns per simulated packet */
	double bare_ring_pps;	/* bare ring elements per wall second */
	double ratio;		/* bare_ring_pps / sim_pps */
	u64 peak_rss_kib;	/* peak resident memory after the run */
	u64 sim_ns;		/* simulated time at the end of the run */
};
int kit_bench_count(void);
const char *kit_bench_name(int i);
/* packets 0 = the scenario's default. Returns 0, or -EINVAL for an unknown name. */
int kit_bench_run(const char *name, u64 packets, struct bench_row *out);
/* The scenario's simulation alone, in this process (no yardstick, no fork):
 * what an instruction count under callgrind should see. sig is a hash of
 * the simulated outcome (clock, CPU time per context, every cost charged and
 * counted, every device counter): a faster simulator must not change it. */
struct bench_sim {
	u64 packets, sim_ns, cpu_ns, sig;
};
int kit_bench_sim(const char *name, u64 packets, struct bench_sim *out);
/* A bench machine, as an experiment's, keeps no trace (nobody reads it);
 * on = true keeps it, as the shell's machine does, to measure what it costs.
 * The outcome is the same either way. */
void kit_bench_keep_trace(bool on);

/* ---- experiments ------------------------------------------------------------ */

#define EXP_MAX_COLS 10
#define EXP_MAX_ROWS 64
#define EXP_PLOT_MAX_Y 3
/*
 * An experiment's main picture, by column names: y[] against x on the left
 * axis, y2[] on the right one (units differ: interrupts/s and latency). With
 * group[] set, the rows split into one series per value of those columns
 * (batching: one curve per mode). Labels carry the units.
 */
struct exp_plot {
	const char *x, *xlabel;
	const char *y[EXP_PLOT_MAX_Y], *ylabel;
	const char *y2[EXP_PLOT_MAX_Y], *y2label; /* y2[0] NULL: one axis */
	const char *group[2];			  /* NULL: every row is one series */
};
struct exp_table {
	char title[96];
	int ncols, nrows;
	const char *cols[EXP_MAX_COLS];
	double v[EXP_MAX_ROWS][EXP_MAX_COLS];
	/* a column of enum values has their names here (NULL-terminated,
	 * indexed by value); NULL for plain numbers */
	const char *const *words[EXP_MAX_COLS];
	char note[384];
	/* the 80-column table: each column's short name (the legend pairs it
	 * with cols[]); NULL: the full name */
	const char *abbr[EXP_MAX_COLS];
	struct exp_plot plot; /* what `experiment NAME plot` and -o draw */
};
struct exp_desc {
	const char *name;
	const char *params; /* "key=value ..." with the defaults */
	const char *desc;
	struct exp_plot plot; /* its main curves: the table's columns they are drawn from */
};
int kit_experiment_count(void);
const struct exp_desc *kit_experiment_at(int i);
/* params: "key=value key=value", NULL for defaults. Each run is on fresh
 * machines with the default cost model and knobs. */
int kit_experiment(const char *name, u64 seed, const char *params,
		   struct exp_table *out, char *err, size_t errlen);
/* The same, with base's seed, cost model and kernel knobs (what `set` changed
 * in the shell); base itself is left as it was. */
int kit_experiment_on(struct kit *base, const char *name, const char *params,
		      struct exp_table *out, char *err, size_t errlen);

#endif
