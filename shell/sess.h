/* sess.h - one shell session: the machine, the loaded driver, and the shell's own settings. */
#ifndef RINGLAB_SESS_H
#define RINGLAB_SESS_H

#include <signal.h>

#include <ringkit/ringkit.h>

#define SESS_MAX_HELD 256
#define SESS_PATH_MAX 1024
#define SEED_MAX 4294967295LL /* seeds: 0 .. 2^32 - 1 */

/* Exit statuses of a script (documented in ringlab.1). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,      /* a command failed */
	EXIT_USAGE = 2,       /* bad ringlab options */
	EXIT_OOPS = 3,        /* the script ran to the end, but a driver crashed */
	EXIT_BUG = 4,         /* ... no crash, but a BUG: line (kernel's or ringlab's) */
	EXIT_INTERRUPTED = 130,
};

struct sess {
	struct kit *k;			/* the machine */
	u64 seed;			/* kept across reset */
	char driver[SESS_PATH_MAX];	/* loaded .so, "" = the linked solution */
	bool trace_on;			/* print trace records as they happen */
	unsigned int quiet_warns;	/* BUG/WARNING lines printed with the trace off, this command */
	unsigned int quiet_dropped;	/* ... and the ones past the limit */
	bool interactive;		/* a terminal: prompt, history, repeat */
	bool keep_going;		/* scripts: go on after an error */
	bool quit;			/* quit was asked */
	bool oopsed;			/* a driver crashed at least once */
	u64 bugs_before;		/* BUG records of the machines reset away */
	int depth;			/* source nesting */
	u32 held[SESS_MAX_HELD];	/* skb handles the shell allocated */
	int nheld;
	struct net_device *cur_dev;	/* the device the running command is about */
	volatile sig_atomic_t interrupted; /* Ctrl-C during a command */
	volatile sig_atomic_t running;	/* inside kit_run: Ctrl-C asks it to stop */
};

/* A fresh machine with seed; false (and a message) if it cannot be made. */
bool sess_init(struct sess *s, u64 seed);
void sess_fini(struct sess *s);
/* New machine, same seed, same driver, same trace setting; false on failure. */
bool sess_reset(struct sess *s);

/* BUG records (kernel's and ringlab's) of this session's machines so far. */
u64 sess_bugs(const struct sess *s);

/* kit_run with Ctrl-C asking it to stop (sets s->running around it). */
u64 sess_run(struct sess *s, u64 max_steps, u64 until_ns, enum kit_stop *why);

/* Print trace records as they are written (or stop). */
void sess_trace(struct sess *s, bool on);
void sess_trace_detach(struct sess *s);
void sess_trace_attach(struct sess *s);
/* After a command: say how many BUG/WARNING lines the trace-off limit held back. */
void sess_quiet_done(struct sess *s);

/* skb handles the shell holds */
void sess_hold(struct sess *s, u32 id);
void sess_prune(struct sess *s); /* forget handles no longer held */

/* The one session (signal handlers and completion need it). */
extern struct sess *sess_current;

#endif
