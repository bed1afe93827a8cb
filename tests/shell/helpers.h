/* helpers.h - running shell commands in-process with their output captured, for the shell tests. */
#ifndef RINGLAB_TEST_HELPERS_H
#define RINGLAB_TEST_HELPERS_H

#include <stddef.h>

struct sess;

/* A fresh session (seed 1) with signal handlers installed. */
struct sess *th_sess(void);
void th_done(struct sess *s);
/* Run one line; its output (and errors) in th_out. Returns the command's status. */
int th_run(struct sess *s, const char *line);
extern char th_out[1 << 20];
/* The build directory (RINGLAB_BUILD, default build) and the repository root. */
const char *th_build(void);

#endif
