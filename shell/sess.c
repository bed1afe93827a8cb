/* sess.c - the session's machine: create, reset (keeping seed, driver, trace), and the trace printer. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arg.h"
#include "guard.h"
#include "out.h"
#include "sess.h"

struct sess *sess_current;

/*
 * With the trace printing, every record is a line. With it off, BUG and
 * WARNING records still are, as the kernel's log shows them whatever else is
 * quiet: up to SESS_QUIET_WARNS per command, then sess_quiet_done counts the
 * rest in one line.
 */
#define SESS_QUIET_WARNS 10

static void trace_print(const struct trace_rec *r, void *arg)
{
	struct sess *s = arg;
	char line[256];

	if (!s->trace_on) {
		if (r->type != TR_BUG && r->type != TR_WARN)
			return;
		if (s->quiet_warns >= SESS_QUIET_WARNS) {
			s->quiet_dropped++;
			return;
		}
		s->quiet_warns++;
	}
	kit_trace_format(s->k, r, line, sizeof(line));
	out_puts(line);
}

void sess_quiet_done(struct sess *s)
{
	if (s->quiet_dropped)
		out_printf("... and %u more BUG/WARNING/advice records (trace last N shows them, stats "
			   "counts them)\n", s->quiet_dropped);
	s->quiet_warns = s->quiet_dropped = 0;
}

void sess_trace_attach(struct sess *s)
{
	if (s->k)
		kit_trace_subscribe(s->k, trace_print, s);
}

void sess_trace_detach(struct sess *s)
{
	if (s->k)
		kit_trace_subscribe(s->k, NULL, NULL);
}

void sess_trace(struct sess *s, bool on)
{
	s->trace_on = on;
	sess_trace_attach(s);
}

static int free_kit(struct sess *s, void *arg)
{
	kit_free(arg);
	return 0;
}

static int load_driver(struct sess *s, void *arg)
{
	char err[512];

	if (kit_driver_load(s->k, s->driver, err, sizeof(err)) < 0) {
		out_error("driver: %s; going on with the linked solution", err);
		s->driver[0] = '\0';
		return 1;
	}
	return 0;
}

static bool make(struct sess *s)
{
	s->k = kit_new(s->seed);
	s->nheld = 0;
	if (!s->k) {
		out_error("cannot create the machine: out of memory or address space (ulimit -v; a full skb "
			  "pool reserves about 160 MiB of addresses, less when that is refused)");
		return false;
	}
	kit_set_lockup_handler(s->k, guard_lockup, s);
	kit_guard_each_call(s->k, true);
	/* reopening the devices is not news: the trace printer comes after */
	if (s->driver[0])
		guard_call(s, load_driver, NULL, 0); /* an oops is reported; the session lives */
	sess_trace_attach(s);
	return true;
}

bool sess_init(struct sess *s, u64 seed)
{
	memset(s, 0, sizeof(*s));
	s->seed = seed;
	s->trace_on = true;
	sess_current = s;
	return make(s);
}

bool sess_reset(struct sess *s)
{
	struct kit *old = s->k;

	if (old) {
		s->bugs_before = sess_bugs(s);
		sess_trace_detach(s);
		s->k = NULL;
		/* a machine a driver broke may crash again on the way out: abandon it then */
		if (guard_call(s, free_kit, old, GUARD_QUIET) == GUARD_OOPS)
			out_err_plain("reset: the broken machine could not be freed; abandoned\n");
	}
	return make(s);
}

u64 sess_bugs(const struct sess *s)
{
	return s->bugs_before + (s->k ? kit_rule_kind_count(s->k, RULE_KERNEL_BUG) +
					     kit_rule_kind_count(s->k, RULE_KIT_BUG) : 0);
}

void sess_fini(struct sess *s)
{
	if (s->k) {
		sess_trace_detach(s);
		guard_call(s, free_kit, s->k, GUARD_QUIET);
		s->k = NULL;
	}
	if (sess_current == s)
		sess_current = NULL;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The run goes in slices of RUN_SLICE steps, so a long one (pktgen count
 * 10^12, run until idle) says how far it got once a second of wall time, on
 * a terminal (stderr), and stops between slices once Ctrl-C was pressed.
 * s->interrupted stays set: a script or -c string stops after this command
 * (the REPL clears it before the next line).
 */
#define RUN_SLICE 200000
u64 sess_run(struct sess *s, u64 max_steps, u64 until_ns, enum kit_stop *why)
{
	bool tell = s->interactive || isatty(STDERR_FILENO);
	double next = wall_now() + 1.0;
	u64 n = 0;

	s->running = 1;
	for (;;) {
		u64 slice = max_steps && max_steps - n < RUN_SLICE ? max_steps - n : RUN_SLICE;
		char t[32];

		n += kit_run(s->k, slice, until_ns, why);
		if (*why != KIT_STOP_STEPS || (max_steps && n >= max_steps))
			break;
		if (s->interrupted) {
			*why = KIT_STOP_ASKED;
			break;
		}
		if (tell && wall_now() >= next) {
			next = wall_now() + 1.0;
			arg_fmt_time(kit_now(s->k), t, sizeof(t));
			out_err_plain("... %llu steps so far, at %s (Ctrl-C stops the run)\n",
				      (unsigned long long)n, t);
		}
	}
	s->running = 0;
	return n;
}

void sess_hold(struct sess *s, u32 id)
{
	sess_prune(s);
	if (s->nheld < SESS_MAX_HELD)
		s->held[s->nheld++] = id;
}

void sess_prune(struct sess *s)
{
	int n = 0;

	for (int i = 0; i < s->nheld; i++) {
		struct sk_buff *skb = s->k ? kit_skb_find(s->k, s->held[i]) : NULL;

		if (skb && skb->kit_place == SKB_USER)
			s->held[n++] = s->held[i];
	}
	s->nheld = n;
}
