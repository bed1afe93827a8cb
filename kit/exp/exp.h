/* exp.h - what the experiments share: parameters, tables, fresh machines, measuring windows. */
#ifndef KIT_EXP_EXP_H
#define KIT_EXP_EXP_H

#include "kit.h"

/*
 * An experiment is a name, a parameter list and a run function. Its
 * exp_desc.params string ("len=60 ms=20") is both what the shell shows and
 * the defaults: kit_experiment parses it first, then the caller's string,
 * against the key table, so the two cannot drift apart.
 */

#define EXP_MAX_KEYS 8
#define EXP_LIST_MAX 8

enum exp_key_type {
	EK_INT,	 /* one integer in [min, max] */
	EK_LIST, /* 1..EXP_LIST_MAX comma-separated integers in [min, max] */
	EK_NAPI, /* a receive mode word: none, classic, modern (and their aliases) */
};

struct exp_key {
	const char *name;
	enum exp_key_type type;
	long min, max;	  /* EK_INT, EK_LIST */
	const char *unit; /* shown in the error line: "ms", "kpps" */
};

struct exp_val {
	long v; /* the value (EK_LIST: the first) */
	int n;	/* values in list[] */
	long list[EXP_LIST_MAX];
};

struct exp_def {
	struct exp_desc d; /* name, params with their defaults, one-line description */
	const struct exp_key *keys;
	int nkeys;
	/* args[i] is keys[i]'s value; fills t, or says why not in err */
	int (*run)(u64 seed, const struct exp_val *args, struct exp_table *t, char *err,
		   size_t errlen);
};

extern const struct exp_def exp_livelock, exp_coalesce, exp_lro, exp_batching;

/* ---- tables ---------------------------------------------------------------- */
void exp_table_init(struct exp_table *t, const char *title, const char *const *cols, int ncols);
/* The next row, zeroed; NULL once the table is full. */
double *exp_row(struct exp_table *t);

/* ---- machines --------------------------------------------------------------- */
/* kit_new(seed) with hardware steps off; NULL with a reason in err. */
struct kit *exp_kit(u64 seed, char *err, size_t errlen);
/* kit_param_set by name; the reason in err on refusal. */
int exp_set(struct kit *k, struct net_device *dev, const char *name, long v, char *err,
	    size_t errlen);
u64 exp_stat(struct net_device *dev, const char *name);
/* Frames of len bytes per second at the kit's link speed. */
u64 exp_line_pps(const struct kit *k, unsigned int len);

/* ---- measuring: counters at the start of a window, differences at its end ---- */
enum exp_ctr {
	XC_IRQS,
	XC_HW_RX,
	XC_RX_MISSED,
	XC_RX_STACK,
	XC_HW_TX,
	XC_DOORBELLS,
	XC_XMIT_CALLS,
	XC_NR
};

struct exp_meas {
	u64 ns;		      /* simulated time the window covers */
	u64 cpu_ns[CTX_NR];   /* busy time per context */
	u64 cost_ns[COST_NR]; /* time charged per cost */
	u64 app_packets, app_bytes;
	u64 backlog_drops, sock_drops, time_squeeze;
	u64 lat_sum_ns, lat_n; /* arrival to recv() */
	u64 ctr[XC_NR];	       /* the device's counters, enum exp_ctr */
};

/* Counters now (for dev); exp_meas_since turns a start reading into a difference. */
void exp_meas_read(struct kit *k, struct net_device *dev, struct exp_meas *m);
void exp_meas_since(struct kit *k, struct net_device *dev, struct exp_meas *m);
/* Run the machine until simulated time t (ns since it was made). */
void exp_run_until(struct kit *k, u64 t);

static inline double exp_pct(u64 part, u64 whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static inline double exp_per_s(u64 n, u64 ns)
{
	return ns ? (double)n * 1e9 / (double)ns : 0;
}

#endif
