/* guard.h - run kit calls so a crashing or spinning driver is an oops, not the end of the shell. */
#ifndef RINGLAB_GUARD_H
#define RINGLAB_GUARD_H

struct sess;

struct kit;

#define GUARD_OOPS (-1000)
#define GUARD_QUIET 1 /* no report (freeing a broken machine) */

/* Signal handlers and the alternate signal stack; once, at start. */
void guard_install(void);

/*
 * fn(s, arg) with SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT caught and a
 * soft-lockup watchdog: a driver function that makes no progress for one
 * second of wall time is interrupted. On either, the oops is printed, the
 * device is marked broken and GUARD_OOPS returned; otherwise fn's value. A
 * soft lockup is also recorded as the kit's BUG RULE_SOFT_LOCKUP (stats).
 * Calls nest (source, the view's commands).
 */
int guard_call(struct sess *s, int (*fn)(struct sess *s, void *arg), void *arg, int flags);

/* After a command: the guard areas after rings, buffer_info and skb buffers
 * (kit_guard_check); what a driver overwrote is printed, once. */
void guard_check_areas(struct sess *s);

/* For kit_set_lockup_handler: a driver call stuck in simulated time ends as an oops. */
void guard_lockup(struct kit *k, void *arg);

/* The contract name of the lab function the kit says is running ("poll" on a
 * modern-NAPI device -> "simnic_poll"); *index is its row in simnic_lab_fns or -1. */
struct kit;
struct net_device;
const char *guard_fn_name(struct kit *k, struct net_device *dev, const char *running, int *index);

#endif
