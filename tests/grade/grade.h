/* grade.h - the graded tests' API: a fresh machine, shell commands, expectations, a replay script. */
#ifndef RINGLAB_GRADE_H
#define RINGLAB_GRADE_H

/*
 * How a graded test is written (labs/L/tests/, solutions/L/hidden-tests/):
 *
 *   #include "grade.h"
 *
 *   Test(xmit, one_frame)
 *   {
 *           grade_begin("xmit", "one_frame");
 *           grade_cmd("ethtool -G sn0 tx 16");
 *           grade_cmd("dev_queue_xmit sn0 count 1");
 *           grade_cmd("run until idle");
 *           grade_expect("sn0.tx_packets == 1");
 *           grade_expect("clean");
 *   }
 *
 * and one line in the points file beside it: `one_frame 2 README §3 "Sending a frame"`
 * (name, points, the hint: the handout's section). The grader refuses a test without a
 * points line and a points line without a test. Rules:
 *
 * - One Test(LAB, name) per graded behaviour; the suite is the lab's name. Do not declare
 *   TestSuite(LAB): the grader does, with the per-test timeout.
 * - grade_begin first: a fresh machine (seed 1, sn0 and sn1 up, the student's functions
 *   for this lab and the reference for every other), its shell session, and the test's
 *   artifacts in build/grade/LAB/: NAME.rl (the replay script: every grade_cmd and
 *   grade_expect line), NAME.log (the kernel-log transcript: everything the commands
 *   print, the trace on) and NAME.pcap (what sn0 sent and received).
 * - grade_cmd runs one shell line in-process, exactly as `ringlab -f NAME.rl` will; a
 *   failed command fails the test with the shell's error line. grade_try runs a line
 *   whose failure is part of the scenario and returns its status.
 * - grade_expect("COND") is the shell's `expect COND`: DEV.FIELD OP N (any counter of
 *   `ethtool -S`, tx.* and rx.* ring fields, queue_stopped, napi_sched ... see `help
 *   expect`), or "clean" (every skb accounted for, no leak, no double free) or "no-bugs"
 *   (no BUG:/WARNING: line so far). Unmet, it fails the test with the actual value,
 *   the expected one and the TX ring's state; the replay stops on that line.
 * - Direct C access (grade_kit, grade_adapter, the ringkit headers) is allowed for what
 *   the commands cannot say; check it with grade_check (its failure message gets the
 *   ring's state too) and leave a grade_note in the replay script for the reader.
 * - A crash or a hang in the student's code is caught by the grader (CRASH with the
 *   signal and the lab function, TIMEOUT); a leak is caught only where the test asks
 *   (grade_expect("clean")), so ask at the end of every test that moves skbs.
 * - Everything is simulated and seeded: no sleeps, no wall-clock timing.
 */

#include <stdarg.h>
#include <stdbool.h>

#include <criterion/criterion.h>

#include <ringkit/ringkit.h>

/* Start the test: see above. lab is the suite's name, name the test's. */
void grade_begin(const char *lab, const char *name);

/* Run one shell command line (printf-style); fail the test if it fails. */
void grade_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run one line; return its status (0 ok, 1 failed, 2 bad arguments), never fail. */
int grade_try(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* `expect COND`: fail the test unless the machine is in that state. */
void grade_expect(const char *cond);
void grade_expectf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A check in C: unless ok, fail with the message and dev's TX ring state. */
#define grade_check(ok, dev, ...)                                              \
	do {                                                                   \
		if (!(ok))                                                     \
			grade_failf((dev), __VA_ARGS__);                       \
	} while (0)
void grade_failf(const char *dev, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* A comment line in the replay script (what a C-level step did). */
void grade_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The machine and its parts, for direct access. */
struct kit *grade_kit(void);
struct net_device *grade_dev(const char *name);
struct simnic_adapter *grade_adapter(const char *name);
/* A counter of `ethtool -S DEV` by name (the test fails on an unknown one). */
u64 grade_stat(const char *dev, const char *counter);

#endif
