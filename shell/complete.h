/* complete.h - tab completion from the command table's specs: names, devices, skbs, keywords, files. */
#ifndef RINGLAB_COMPLETE_H
#define RINGLAB_COMPLETE_H

#include <stdbool.h>

struct sess;

/*
 * The candidates for the word that ends at point in line (word = from the last
 * blank before point), sorted, without duplicates, each strdup'ed into out
 * (the caller frees them). *files is set if the spec expects a file name here
 * (the readline layer adds file names then, and only then). Returns the count.
 */
#define COMP_MAX 512
int comp_candidates(struct sess *s, const char *line, int point, char **out, int max, bool *files);

/* Experiment and benchmark names for completion (cmd_traffic.c, from the kit's tables). */
void comp_experiments(void (*add)(void *arg, const char *word), void *arg);
void comp_benches(void (*add)(void *arg, const char *word), void *arg);
/* $expkey: experiment name's parameter keys ("len="), plot, -w, -o (nothing after -o) */
void comp_exp_params(const char *name, const char *prev, void (*add)(void *arg, const char *word),
		     void *arg);

/* Install the readline completer (never falls back to file names on its own). */
void comp_install(void);

#endif
