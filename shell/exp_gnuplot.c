/* exp_gnuplot.c - an experiment's plot as a gnuplot script, and gnuplot run on it (SVG, PNG). */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exp_view.h"

/*
 * The script is self-contained (the data are in-line datablocks), so a
 * student can edit it and run `gnuplot FILE.gp` again. The image's terminal
 * follows its extension: svg, or pngcairo for .png. Which gnuplot runs is
 * $RINGLAB_GNUPLOT, by default `gnuplot` from PATH.
 */

extern char **environ;

/* s as a gnuplot double-quoted string */
static void quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && !strcmp(s + n - m, tail);
}

int exp_write_gnuplot(const struct exp_table *t, const char *script, const char *image, char *err,
		      size_t errlen)
{
	struct exp_series s[EXP_MAX_SERIES];
	const struct exp_plot *p = &t->plot;
	int ns = exp_series(t, s, EXP_MAX_SERIES, err, errlen), xc = exp_col(t, p->x);
	bool right = false;
	FILE *f;

	if (ns < 0)
		return -1;
	if (!(f = fopen(script, "w"))) {
		snprintf(err, errlen, "cannot write %s: %s", script, strerror(errno));
		return -1;
	}
	for (int i = 0; i < ns; i++)
		right |= s[i].right;
	fprintf(f, "# %s (ringlab experiment; run: gnuplot FILE.gp)\n", t->title);
	if (ends_with(image, ".png"))
		fprintf(f, "set terminal pngcairo size 800,500 font \"sans,11\" noenhanced\n");
	else
		fprintf(f, "set terminal svg size 800,500 font \"sans,11\" noenhanced\n");
	fprintf(f, "set output ");
	quoted(f, image);
	fprintf(f, "\nset title ");
	quoted(f, t->title);
	fprintf(f, "\nset xlabel ");
	quoted(f, p->xlabel ? p->xlabel : p->x);
	fprintf(f, "\nset ylabel ");
	quoted(f, p->ylabel);
	fprintf(f, "\nset yrange [0:*]\nset grid\nset key below vertical maxrows 5\nset autoscale xfix\n");
	if (right) {
		fprintf(f, "set y2label ");
		quoted(f, p->y2label);
		fprintf(f, "\nset y2range [0:*]\nset y2tics\nset ytics nomirror\n");
	}
	for (int i = 0; i < ns; i++) {
		fprintf(f, "$s%d << EOD\n", i);
		for (int j = 0; j < s[i].n; j++)
			fprintf(f, "%.10g %.10g\n", t->v[s[i].rows[j]][xc],
				t->v[s[i].rows[j]][s[i].ycol]);
		fprintf(f, "EOD\n");
	}
	fprintf(f, "plot ");
	for (int i = 0, nth[2] = { 0, 0 }; i < ns; i++) {
		char title[128];
		int color = ++nth[s[i].right]; /* a group keeps its colour on both axes */

		/* grouped curves say which axis's quantity they are */
		if (t->plot.group[0])
			snprintf(title, sizeof(title), "%.60s: %.47s", s[i].right ? p->y2label : p->ylabel,
				 s[i].label);
		else
			snprintf(title, sizeof(title), "%.47s", s[i].label);
		fprintf(f,
			"%s$s%d using 1:2 with linespoints axes x1y%d linecolor %d dashtype %d "
			"pointtype %d title ",
			i ? ", \\\n     " : "", i, s[i].right ? 2 : 1, color, s[i].right ? 2 : 1,
			s[i].right ? 6 + color : color);
		quoted(f, title);
	}
	fprintf(f, "\n");
	if (fclose(f)) {
		snprintf(err, errlen, "cannot write %s: %s", script, strerror(errno));
		return -1;
	}
	return 0;
}

/* prog on PATH (or as a path) and executable? */
static bool found(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	while (path && *path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? path : ".", prog);
		if (access(buf, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

int exp_run_gnuplot(const char *script, char *err, size_t errlen)
{
	const char *prog = getenv("RINGLAB_GNUPLOT");
	char *argv[3];
	pid_t pid;
	int status, rc;

	if (!prog || !*prog)
		prog = "gnuplot";
	if (!found(prog))
		return -ENOENT;
	argv[0] = (char *)prog;
	argv[1] = (char *)script;
	argv[2] = NULL;
	fflush(stdout);
	rc = posix_spawnp(&pid, prog, NULL, NULL, argv, environ);
	if (rc) {
		snprintf(err, errlen, "cannot run %s: %s", prog, strerror(rc));
		return -1;
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(err, errlen, "%s %s failed (exit status %d)", prog, script,
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return 0;
}
