/* verdict.h - what a graded test's worker tells the runner before it is gone (NAME.verdict). */
#ifndef RINGLAB_GRADE_VERDICT_H
#define RINGLAB_GRADE_VERDICT_H

/*
 * NAME.verdict holds one line, "WORD detail": CRASH (a signal, and the lab
 * function that was running), TIMEOUT (a soft lockup in a lab function, or
 * the test's CPU time used up) or LEAK (the kit's check line, with where the
 * skb was allocated). A test that only failed an expectation writes none.
 */
#define VERDICT_CRASH_WORD "CRASH"
#define VERDICT_TIMEOUT_WORD "TIMEOUT"
#define VERDICT_LEAK_WORD "LEAK"

/* Limits: the worker's own CPU-time limit, then Criterion's per-test timeout
 * (wall time; the suite's, declared by the runner). The runner itself runs
 * under an outer `timeout` (grade.sh). */
#define GRADE_CPU_SECONDS 5
#define GRADE_CPU_SECONDS_STR "5"
#define GRADE_TEST_TIMEOUT 20

#endif
