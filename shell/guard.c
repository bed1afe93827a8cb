/* guard.c - the oops path: catch a driver's crash or soft lockup, report it as a kernel would. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "guard.h"
#include "out.h"
#include "sess.h"

/*
 * A student's driver runs inside kit calls. The dispatcher runs each command
 * through guard_call: sigsetjmp here, and a fault handler that siglongjmps
 * back (on an alternate stack, so a stack overflow is caught too). The soft
 * lockup watchdog is a CLOCK_MONOTONIC timer (on a real-time signal, so
 * SIGALRM stays free for a host such as libFuzzer) sampling ten times a
 * second: if the same lab function is running and it has made no new driver
 * call for a whole second, the driver is spinning. A driver looping on
 * register reads is caught sooner by the kit itself: 100 ms of simulated
 * time in one call (kit_set_lockup_handler, guard_lockup).
 */

#define TICK_US 100000
#define TICK_SIG (SIGRTMIN + 1)

static timer_t tick_timer;
static bool timer_ok;
#define LOCKUP_TICKS 10

static sigjmp_buf *volatile jb;
static volatile sig_atomic_t caught;
static void *volatile caught_addr;
static struct kit *volatile watch_k;
static const char *volatile last_fn;
static volatile u64 last_now, last_trace;
static volatile int still;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	if (!jb) {
		signal(sig, SIG_DFL); /* not in a kit call: a bug of the shell itself */
		raise(sig);
		return;
	}
	caught = sig;
	caught_addr = si ? si->si_addr : NULL;
	siglongjmp(*jb, 1);
}

/* The kit's simulated-time watchdog (kit_set_lockup_handler): it has printed
 * the BUG line and counted it; end the call as for a crash. */
#define SIG_SIM_LOCKUP (-1)
void guard_lockup(struct kit *k, void *arg)
{
	(void)k, (void)arg;
	if (!jb)
		return;
	caught = SIG_SIM_LOCKUP;
	caught_addr = NULL;
	siglongjmp(*jb, 1);
}

static void on_tick(int sig)
{
	struct kit *k = watch_k;
	const char *fn;
	u64 now, tr;

	if (!jb || !k)
		return;
	fn = kit_driver_fn_running(k);
	now = kit_driver_calls(k); /* a stuck driver call makes no new ones */
	tr = kit_trace_total(k);
	if (fn && fn == last_fn && now == last_now) {
		if (++still >= LOCKUP_TICKS) {
			caught = SIGALRM;
			caught_addr = NULL;
			siglongjmp(*jb, 1);
		}
		return;
	}
	still = 0;
	last_fn = fn;
	last_now = now;
	last_trace = tr;
}

void guard_install(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	static char altstack[1 << 16];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;
	struct sigevent sev;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tick;
	sa.sa_flags = SA_RESTART | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(TICK_SIG, &sa, NULL);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = TICK_SIG;
	timer_ok = timer_create(CLOCK_MONOTONIC, &sev, &tick_timer) == 0;
}

/* A timer of its own on a real-time signal: SIGALRM and ITIMER_REAL stay free
 * for whoever hosts the shell (libFuzzer's -timeout uses them). */
static void timer_set(long us)
{
	struct itimerspec it = { { 0, us * 1000 }, { 0, us * 1000 } };

	if (timer_ok)
		timer_settime(tick_timer, 0, &it, NULL);
}

/* The kernel hook the kit names -> the lab function behind it, by the device's modes. */
static const char *hook_fn(struct kit *k, struct net_device *dev, const char *hook)
{
	long napi = dev ? kit_param_get(k, dev, kit_param_find("napi")) : SIMNIC_NAPI_MODERN;
	long batch = dev ? kit_param_get(k, dev, kit_param_find("batching")) : TX_BATCH_NONE;

	if (!strcmp(hook, "hard_start_xmit"))
		return batch == TX_BATCH_XMIT_MORE ? "simnic_xmit_frame_more" :
		       batch == TX_BATCH_SKB_BLIST ? "simnic_xmit_frame_blist" : "simnic_xmit_frame";
	if (!strcmp(hook, "hard_prep_xmit"))
		return "simnic_prep_xmit";
	if (!strcmp(hook, "hard_batch_xmit"))
		return "simnic_batch_xmit";
	if (!strcmp(hook, "poll"))
		return napi == SIMNIC_NAPI_CLASSIC ? "simnic_poll_classic" : "simnic_poll";
	if (!strcmp(hook, "interrupt handler"))
		return napi == SIMNIC_NONAPI ? "simnic_intr_nonapi" : "simnic_intr";
	if (!strcmp(hook, "tx_timeout"))
		return "simnic_tx_timeout";
	return hook;
}

const char *guard_fn_name(struct kit *k, struct net_device *dev, const char *running, int *index)
{
	char buf[96];
	const char *name;

	*index = -1;
	if (!running)
		return NULL;
	name = hook_fn(k, dev, running);
	snprintf(buf, sizeof(buf), "simnic_%s", name);
	for (size_t i = 0; i < simnic_lab_nfns; i++)
		if (!strcmp(simnic_lab_fns[i].name, name) || !strcmp(simnic_lab_fns[i].name, buf)) {
			*index = (int)i;
			return simnic_lab_fns[i].name;
		}
	return name;
}

static const char *sig_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGILL: return "SIGILL";
	case SIGABRT: return "SIGABRT";
	default: return "soft lockup";
	}
}

static void report(struct sess *s, int sig, void *addr)
{
	struct kit *k = s->k;
	const char *fn = kit_driver_fn_running(k);
	struct net_device *dev = kit_dev_running(k);
	char ev[128], line[256], hook[64] = "";
	int idx;
	size_t n = kit_trace_count(k), from = n > 5 ? n - 5 : 0;
	const char *name = guard_fn_name(k, dev, fn, &idx);
	const char *from_where = idx >= 0 && kit_driver_fn_loaded(k, (size_t)idx) ?
					 kit_driver_name(k) : "linked solution";

	kit_event_running(k, ev, sizeof(ev));
	if (!dev)
		dev = s->cur_dev;
	if (name && strcmp(name, fn))
		snprintf(hook, sizeof(hook), " (as %s)", fn);
	if (sig == SIGALRM)
		out_printf("watchdog: BUG: soft lockup - CPU#0 stuck for 1s! in %s [%s]\n",
			   name ? name : "kit code", from_where);
	else if (sig == SIG_SIM_LOCKUP)
		; /* the kit's trace line said it */
	else if (sig == SIGSEGV || sig == SIGBUS)
		out_printf("BUG: unable to handle page fault for address: %016lx (%s)\n",
			   (unsigned long)addr, sig_name(sig));
	else if (sig == SIGABRT)
		out_printf("kernel BUG: abort() called (SIGABRT)\n");
	else
		out_printf("BUG: %s (%s)\n", sig == SIGFPE ? "divide error" : "invalid opcode",
			   sig_name(sig));
	out_printf("Oops: %s in %s%s [%s]\n", sig_name(sig),
		   name ? name : "kit code (no lab function running)", hook, from_where);
	out_printf("  device: %s\n", dev ? dev->name : "-");
	out_printf("  event:  %s\n", ev);
	out_printf("  last trace lines:\n");
	for (size_t i = from; i < n; i++) {
		kit_trace_format(k, kit_trace_at(k, i), line, sizeof(line));
		out_printf("    %s\n", line);
	}
	out_printf("---[ end trace ]---\n");
	if (sig == SIGALRM) /* the kernel's rule, counted with the others (stats, the grader) */
		kit_bug(k, dev, RULE_SOFT_LOCKUP);
	if (!fn) {
		/* no lab function was running: not the student's bug */
		out_printf("no driver code was running: a bug in ringlab itself; `reset` if the "
			   "machine misbehaves\n");
		return;
	}
	if (dev) {
		kit_dev_mark_broken(k, dev);
		out_printf("%s is broken: `driver reload` or `reset` brings it back\n", dev->name);
	} else {
		for (int i = 0; i < kit_dev_count(k); i++)
			kit_dev_mark_broken(k, kit_dev_at(k, i));
		out_printf("all devices are broken: `driver reload` or `reset` brings them back\n");
	}
}

static int check_areas(struct sess *s, void *arg)
{
	static char report[8192];

	(void)arg;
	if (kit_guard_check(s->k, report, sizeof(report)))
		out_printf("%s", report);
	return 0;
}

void guard_check_areas(struct sess *s)
{
	guard_call(s, check_areas, NULL, 0);
}

int guard_call(struct sess *s, int (*fn)(struct sess *s, void *arg), void *arg, int flags)
{
	sigjmp_buf here, *volatile prev = jb;
	struct kit *volatile prev_k = watch_k;
	int rc;

	if (sigsetjmp(here, 1)) {
		int sig = caught;

		jb = prev;
		watch_k = prev_k;
		if (!prev)
			timer_set(0);
		s->running = 0;
		s->oopsed = true;
		if (!(flags & GUARD_QUIET) && s->k)
			report(s, sig, caught_addr);
		return GUARD_OOPS;
	}
	jb = &here;
	watch_k = s->k;
	still = 0;
	last_fn = NULL;
	if (!prev)
		timer_set(TICK_US);
	rc = fn(s, arg);
	jb = prev;
	watch_k = prev_k;
	if (!prev)
		timer_set(0);
	return rc;
}
