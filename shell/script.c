/* script.c - the non-interactive shell: files, -c strings, pipes; stop at the first error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "out.h"
#include "script.h"
#include "sess.h"

static int run_line(struct sess *s, const char *name, unsigned long no, const char *line,
		    bool *failed)
{
	int rc;

	out_set_loc(name, no);
	rc = cmd_exec_line(s, line);
	if (rc)
		*failed = true;
	return rc && !s->keep_going;
}

static bool stopped(struct sess *s)
{
	return s->quit || s->interrupted;
}

int script_run_stream(struct sess *s, FILE *f, const char *name)
{
	const char *pfile;
	unsigned long pline, no = 0;
	char *line = NULL;
	size_t cap = 0;
	bool failed = false;

	out_get_loc(&pfile, &pline);
	s->depth++;
	while (!stopped(s)) {
		ssize_t n;

		errno = 0;
		n = getline(&line, &cap, f);
		if (n < 0) {
			if (errno == EINTR)
				s->interrupted = 1;
			break;
		}
		no++;
		if (run_line(s, name, no, line, &failed))
			break;
	}
	s->depth--;
	free(line);
	out_set_loc(pfile, pline);
	return failed ? CMD_FAIL : CMD_OK;
}

int script_run_file(struct sess *s, const char *path, const char *who)
{
	FILE *f;
	int rc, c;

	if (s->depth >= SCRIPT_MAX_DEPTH) {
		out_error("%s: %s: nested too deep (%d files): does it source itself?", who, path,
			  SCRIPT_MAX_DEPTH);
		return CMD_FAIL;
	}
	f = fopen(path, "r");
	if (!f) {
		out_error("%s: cannot read %s: %s", who, path, strerror(errno));
		return CMD_FAIL;
	}
	c = fgetc(f); /* a directory opens, and fails at the first read */
	if (c == EOF && ferror(f)) {
		out_error("%s: cannot read %s: %s", who, path,
			  errno == EISDIR ? "a directory, expected a file of commands" : strerror(errno));
		fclose(f);
		return CMD_FAIL;
	}
	if (c != EOF)
		ungetc(c, f);
	rc = script_run_stream(s, f, path);
	fclose(f);
	return rc;
}

int script_run_string(struct sess *s, const char *cmds, const char *name)
{
	const char *pfile;
	unsigned long pline, no = 0;
	bool failed = false;
	char *copy = strdup(cmds), *p = copy;

	if (!copy)
		return CMD_FAIL;
	out_get_loc(&pfile, &pline);
	s->depth++;
	/*
	 * Each command is a line of its own: a newline or a ';' (outside quotes
	 * and comments, as cmd_split reads them) ends it, so an error in the third
	 * command of -c 'a; b; c' is -c:3.
	 */
	while (p && !stopped(s)) {
		char *nl = strchr(p, '\n'), *cmd = p;

		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : NULL;
		while (cmd && !stopped(s)) {
			char buf[4096], *argv[CMD_MAX_WORDS];
			const char *rest = NULL, *err;

			if (cmd_split(cmd, buf, sizeof(buf), argv, CMD_MAX_WORDS, &rest, &err) < 0)
				rest = NULL; /* the rest of the line runs, and reports the error */
			if (rest)
				cmd[rest - cmd - 1] = '\0'; /* the ';' */
			no++;
			if (run_line(s, name, no, cmd, &failed))
				goto out;
			cmd = rest ? cmd + (rest - cmd) : NULL;
		}
	}
out:
	s->depth--;
	free(copy);
	out_set_loc(pfile, pline);
	return failed ? CMD_FAIL : CMD_OK;
}
