/* drvcall.h - naming the driver code that runs: calls from the kit into lab functions nest. */
#ifndef KIT_DRVCALL_H
#define KIT_DRVCALL_H

/*
 * Every call from the kit into driver code (a device's own pointers:
 * dev->poll, dev->hard_start_xmit, the interrupt handler; a lab function
 * through adapter->ops or LAB_CALL) is bracketed by driver_enter and
 * driver_leave, so a crash or a soft lockup names the function it was in and
 * an skb allocated meanwhile is the driver's. Calls nest: a poll delivers a
 * frame, the stack answers it with dev_queue_xmit, hard_start_xmit runs and
 * returns, and the rest of the poll is driver code again. driver_enter
 * returns the call it interrupts and driver_leave puts it back.
 */
struct drvcall {
	const char *fn;		/* k->lab_running before this call */
	struct net_device *dev; /* k->dev_running before this call */
};

/*
 * Most calls are nested (a lab function through adapter->ops from driver code
 * already running) and nobody watches them: no timeline slices to write, no
 * guards to check. k->drv_watch says whether anyone does (kit_drv_watch), so
 * the common call is the naming and counting alone: driver_enter_quiet, for
 * a caller that has looked at k->drv_watch itself (driver_enter_nested where
 * another call is known to run: the wrappers of lab_ops.c, whose quiet table
 * adapter->ops holds only while nobody watches), and
 * driver_leave_quiet: a call's watching is settled when it is entered (the
 * kit sets the timeline and the guards up between calls; one set up during a
 * call reaches adapter->ops at the outermost call's watched leave, or at the
 * next outermost watched enter: kit_drv_watch).
 */
static inline struct drvcall driver_enter_quiet(struct kit *k, struct net_device *dev,
						const char *fn)
{
	struct drvcall prev = { k->lab_running, k->dev_running };

	if (!prev.fn && fn) { /* the outermost call: its time starts */
		k->lab_enter_ns = k->now;
		k->lab_outer = fn;
		k->dev_outer = dev;
	}
	k->lab_running = fn;
	k->lab_calls++;
	k->dev_running = dev;
	/* four plain stores (driver_enter_quiet_outer); volatile: left where it
	 * is, not hoisted out of a caller's loop with its copy of k then kept
	 * across the loop's calls */
	__asm__ volatile("" : "+r"(k));
	if (fn) {
		k->lab_last = fn;
		k->dev_last = dev;
	}
	return prev;
}

/* driver_enter_quiet of a named call most often made from kit code (the
 * alone packet's hard_start_xmit: a sender's, seldom the stack's answer from
 * inside a poll), the outermost call's start laid out first. */
static inline struct drvcall driver_enter_quiet_outer(struct kit *k, struct net_device *dev,
						      const char *fn)
{
	struct drvcall prev = { k->lab_running, k->dev_running };

	if (likely(!prev.fn)) {
		k->lab_enter_ns = k->now;
		k->lab_outer = fn;
		k->dev_outer = dev;
	}
	k->lab_running = fn;
	k->lab_calls++;
	k->dev_running = dev;
	/* (no instruction: with lab_last beside lab_running, GCC would pair
	 * them and dev_running with dev_last into two 16-byte stores, each
	 * built from two registers, at twice the instructions of four plain
	 * stores; with k opaque here it cannot tell the bases apart) */
	__asm__("" : "+r"(k));
	k->lab_last = fn;
	k->dev_last = dev;
	return prev;
}

/*
 * driver_enter_quiet for a call made while another runs (k->lab_running set),
 * named by one of the contract's functions: no outermost call's start to
 * record. pair is the function's row of simnic_lab_name_pairs (lab_table.c),
 * its name twice, so lab_last and lab_running, side by side in struct kit,
 * take it in one move. dev_last is left alone: it tells apart only what a
 * call entered under a kit name means ("hard_start_xmit", "poll": which lab
 * function that is on this device), and kit_lab_fn_name gives a contract
 * name back as it is, whatever the device. Which names last_fn reports is
 * unchanged.
 */
extern const char *simnic_lab_name_pairs[][2];
static inline struct drvcall driver_enter_nested(struct kit *k, struct net_device *dev,
						 const char *const pair[2])
{
	struct drvcall prev;

	memcpy(&prev, &k->lab_running, sizeof(prev)); /* the pair (kit.h), in one move */
	memcpy(&k->lab_last, pair, 2 * sizeof(*pair)); /* lab_last, lab_running */
	k->dev_running = dev;
	k->lab_calls++;
	return prev;
}

void kit_drv_watch_now(struct kit *k); /* kit_drv_watch between calls (lab_ops.c) */
void driver_enter_watched(struct kit *k, struct net_device *dev, const char *fn, bool outer);

/* driver_enter_quiet where nobody may be watching: the call's slice begins.
 * An outermost one is a time between calls: a change of watching made during
 * a call that was left quietly (its watching settled at its start) reaches
 * adapter->ops here at the latest (driver_enter_watched), before driver code
 * runs. */
static inline struct drvcall driver_enter(struct kit *k, struct net_device *dev, const char *fn)
{
	struct drvcall prev = driver_enter_quiet(k, dev, fn);

	if (fn && unlikely(k->drv_watch))
		driver_enter_watched(k, dev, fn, !prev.fn);
	return prev;
}

/* The leave of a call entered quietly: what it interrupted runs again. */
static inline void driver_leave_quiet(struct kit *k, struct drvcall prev)
{
	k->lab_running = prev.fn;
	k->dev_running = prev.dev;
}

/* The leave with a timeline or guards: its slice ends, then the guards are
 * checked after the outermost call (kit/sim/timeline.c). */
void kit_guard_after_call(struct kit *k);
void driver_leave_watched(struct kit *k, struct drvcall prev);
static inline void driver_leave(struct kit *k, struct drvcall prev)
{
	if (unlikely(k->drv_watch)) {
		driver_leave_watched(k, prev);
		return;
	}
	driver_leave_quiet(k, prev);
}

/* A call whose caller has settled whether anyone watches (quiet: nobody does,
 * no trace, timeline or guards): entered and left quietly, else the long way. */
static inline struct drvcall driver_enter_as(struct kit *k, struct net_device *dev,
					     const char *fn, bool quiet)
{
	return quiet ? driver_enter_quiet(k, dev, fn) : driver_enter(k, dev, fn);
}

static inline void driver_leave_as(struct kit *k, struct drvcall prev, bool quiet)
{
	if (quiet)
		driver_leave_quiet(k, prev);
	else
		driver_leave(k, prev);
}

/*
 * A driver call that has run for DRIVER_LOCKUP_NS of simulated time without
 * returning (spinning on a register, say) is a soft lockup: no healthy call
 * of this driver takes a thousandth of that. Checked on every register
 * access; driver_stuck (sim/rules.c) reports it and hands over to the
 * handler the shell installs, which ends the call (kit_set_lockup_handler).
 */
#define DRIVER_LOCKUP_NS (100 * NSEC_PER_MSEC)
void driver_stuck(struct kit *k);
static inline void driver_time_check(struct kit *k)
{
	/* the time first: inside a call (nearly every access) it is the one
	 * test that fails; outside one lab_enter_ns is old and lab_running
	 * decides, as before */
	if (unlikely(k->now - k->lab_enter_ns > DRIVER_LOCKUP_NS) && k->lab_running)
		driver_stuck(k);
}

/* A lab function through the kit's table, named by its field ("clean_tx_irq"). */
#define LAB_CALL(k, dev, fn, ...)                                                   \
	({                                                                          \
		struct drvcall _dc = driver_enter((k), (dev), #fn);                 \
		__typeof__((k)->lab.fn(__VA_ARGS__)) _r = (k)->lab.fn(__VA_ARGS__); \
		driver_leave((k), _dc);                                             \
		_r;                                                                 \
	})
#define LAB_CALL_VOID(k, dev, fn, ...)                              \
	do {                                                        \
		struct drvcall _dc = driver_enter((k), (dev), #fn); \
		(k)->lab.fn(__VA_ARGS__);                           \
		driver_leave((k), _dc);                             \
	} while (0)

#endif
