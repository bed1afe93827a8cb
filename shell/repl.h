/* repl.h - the interactive shell: readline, history, completion, Ctrl-C, Enter repeats a step. */
#ifndef RINGLAB_REPL_H
#define RINGLAB_REPL_H

#include <stdbool.h>

struct sess;

#define REPL_HISTORY_LINES 1000

/* Until quit or Ctrl-D. Returns 0. */
int repl_run(struct sess *s, bool banner);

/* SIGINT: stop a running kit_run, or abandon the line being typed. */
void repl_signals(void);

#endif
