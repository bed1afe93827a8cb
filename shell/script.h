/* script.h - running commands from a file, a string (-c) or a pipe, with FILE:LINE errors. */
#ifndef RINGLAB_SCRIPT_H
#define RINGLAB_SCRIPT_H

#include <stdio.h>

struct sess;

#define SCRIPT_MAX_DEPTH 16

/*
 * Each returns 0 if every command succeeded, otherwise CMD_FAIL (the error
 * was printed as "NAME:LINE: message"). Without s->keep_going the first
 * failure stops the script. quit and Ctrl-C stop it too. In a -c string
 * each command counts as a line: ';' numbers like a newline (-c:3: is the
 * third command).
 */
int script_run_file(struct sess *s, const char *path, const char *who); /* who: "source" */
int script_run_stream(struct sess *s, FILE *f, const char *name);
int script_run_string(struct sess *s, const char *cmds, const char *name);

#endif
