/* cmd_exp.c - `experiment`: run one, print its table (80 columns or -w), plot it, write it out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arg.h"
#include "cmd.h"
#include "complete.h"
#include "exp_view.h"
#include "out.h"
#include "sess.h"

#define CHART_COLS 80
#define CHART_LINES 23 /* and the prompt under it: one 80x24 screen */

static const struct exp_desc *find(const char *name)
{
	for (int i = 0; i < kit_experiment_count(); i++)
		if (!strcmp(kit_experiment_at(i)->name, name))
			return kit_experiment_at(i);
	return NULL;
}

/* The experiment's parameter keys ("len=") and the words it takes, for Tab. */
void comp_exp_params(const char *name, const char *prev, void (*add)(void *arg, const char *word),
		     void *arg)
{
	const struct exp_desc *d = name ? find(name) : NULL;
	char key[48];

	if (!d || !strcmp(prev, "-o"))
		return;
	for (const char *p = d->params; *p;) {
		size_t n = strcspn(p, "="), w = strcspn(p, " ");

		if (n < w && n + 1 < sizeof(key)) {
			memcpy(key, p, n + 1);
			key[n + 1] = 0;
			add(arg, key);
		}
		p += w;
		p += strspn(p, " ");
	}
	add(arg, "plot");
	add(arg, "-w");
	add(arg, "-o");
}

static cJSON *strings(const char *const *s, int max)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; i < max && s[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(s[i]));
	return a;
}

static cJSON *plot_json(const struct exp_plot *p)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "x", p->x);
	cJSON_AddStringToObject(o, "xlabel", p->xlabel);
	cJSON_AddItemToObject(o, "y", strings(p->y, EXP_PLOT_MAX_Y));
	cJSON_AddStringToObject(o, "ylabel", p->ylabel);
	cJSON_AddItemToObject(o, "y2", strings(p->y2, EXP_PLOT_MAX_Y));
	if (p->y2label)
		cJSON_AddStringToObject(o, "y2label", p->y2label);
	cJSON_AddItemToObject(o, "group", strings(p->group, 2));
	return o;
}

static cJSON *table_json(const char *name, const struct exp_table *t)
{
	cJSON *j = cJSON_CreateObject(), *cols, *rows, *words;

	cJSON_AddStringToObject(j, "experiment", name);
	cJSON_AddStringToObject(j, "title", t->title);
	cols = cJSON_AddArrayToObject(j, "cols");
	for (int c = 0; c < t->ncols; c++)
		cJSON_AddItemToArray(cols, cJSON_CreateString(t->cols[c]));
	rows = cJSON_AddArrayToObject(j, "rows");
	for (int r = 0; r < t->nrows; r++) {
		cJSON *row = cJSON_CreateArray();

		for (int c = 0; c < t->ncols; c++)
			cJSON_AddItemToArray(row, cJSON_CreateNumber(t->v[r][c]));
		cJSON_AddItemToArray(rows, row);
	}
	/* columns of enum values: their names, indexed by value */
	words = cJSON_AddObjectToObject(j, "words");
	for (int c = 0; c < t->ncols; c++) {
		cJSON *names;

		if (!t->words[c])
			continue;
		names = cJSON_AddArrayToObject(words, t->cols[c]);
		for (int i = 0; t->words[c][i]; i++)
			cJSON_AddItemToArray(names, cJSON_CreateString(t->words[c][i]));
	}
	cJSON_AddStringToObject(j, "note", t->note);
	cJSON_AddItemToObject(j, "plot", plot_json(&t->plot));
	return j;
}

static void list(bool json)
{
	cJSON *a = json ? cJSON_CreateArray() : NULL;

	for (int i = 0; i < kit_experiment_count(); i++) {
		const struct exp_desc *d = kit_experiment_at(i);

		if (json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "name", d->name);
			cJSON_AddStringToObject(o, "params", d->params);
			cJSON_AddStringToObject(o, "desc", d->desc);
			cJSON_AddItemToObject(o, "plot", plot_json(&d->plot));
			cJSON_AddItemToArray(a, o);
		} else {
			out_printf("%-10s %s\n           defaults: %s\n           plot: %s vs %s%s%s\n",
				   d->name, d->desc, d->params, d->plot.ylabel, d->plot.xlabel,
				   d->plot.y2label ? "; right: " : "",
				   d->plot.y2label ? d->plot.y2label : "");
		}
	}
	if (json)
		out_json(a);
}

/* "out.svg" -> stem "out", ext ".svg"; 0, or -1 when the extension is not one we write */
static int split_out(const char *path, char *stem, size_t len, const char **ext)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (!dot || (slash && dot < slash) || dot == path || (slash && dot == slash + 1) ||
	    (strcmp(dot, ".csv") && strcmp(dot, ".svg") && strcmp(dot, ".png")))
		return -1;
	snprintf(stem, len, "%.*s", (int)(dot - path), path);
	*ext = dot;
	return 0;
}

/* What -o wrote: a line, or (with -j) the JSON's "wrote" array. */
static void wrote(const char *name, cJSON *j, const char *a, const char *b, const char *c)
{
	if (j) {
		const char *files[3] = { a, b, c };
		cJSON *w = cJSON_AddArrayToObject(j, "wrote");

		for (int i = 0; i < 3 && files[i]; i++)
			cJSON_AddItemToArray(w, cJSON_CreateString(files[i]));
	} else if (b) {
		out_printf("experiment %s: wrote %s, %s and %s\n", name, a, b, c);
	} else {
		out_printf("experiment %s: wrote %s\n", name, a);
	}
}

/* -o FILE: FILE.csv always; for .svg/.png the gnuplot script and the image too */
static int write_out(const char *name, const struct exp_table *t, const char *path, cJSON *j)
{
	char stem[1024], csv[1100], gp[1100], err[512];
	const char *ext;
	int rc;

	split_out(path, stem, sizeof(stem), &ext);
	snprintf(csv, sizeof(csv), "%s.csv", stem);
	if (exp_write_csv(t, csv, err, sizeof(err))) {
		out_error("experiment %s: %s", name, err);
		return CMD_FAIL;
	}
	if (!strcmp(ext, ".csv")) {
		wrote(name, j, csv, NULL, NULL);
		return CMD_OK;
	}
	snprintf(gp, sizeof(gp), "%s.gp", stem);
	if (exp_write_gnuplot(t, gp, path, err, sizeof(err))) {
		out_error("experiment %s: %s", name, err);
		return CMD_FAIL;
	}
	rc = exp_run_gnuplot(gp, err, sizeof(err));
	if (rc == -ENOENT) {
		out_error("experiment %s: wrote %s and %s, but %s needs gnuplot: apt-get install "
			  "gnuplot-nox, then gnuplot %s",
			  name, csv, gp, path, gp);
		return CMD_FAIL;
	}
	if (rc) {
		out_error("experiment %s: %s", name, err);
		return CMD_FAIL;
	}
	wrote(name, j, csv, gp, path);
	return CMD_OK;
}

int cmd_experiment(struct sess *s, int argc, char **argv, bool json)
{
	static struct exp_table t;
	char params[512] = "", err[512], stem[1024];
	const char *out = NULL, *ext;
	bool plot = false, wide = false;
	size_t n = 0;
	int rc = CMD_OK;

	if (argc == 0) {
		list(json);
		return CMD_OK;
	}
	if (!find(argv[0])) {
		int i;

		return arg_word("experiment", "the experiment", argv[0],
				"livelock|coalesce|lro|batching", &i)
			       ? CMD_USAGE
			       : CMD_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "plot")) {
			plot = true;
		} else if (!strcmp(argv[i], "-w")) {
			wide = true;
		} else if (!strcmp(argv[i], "-o")) {
			if (i + 1 == argc) {
				out_error("experiment: -o needs a file: FILE.csv, FILE.svg or FILE.png");
				return CMD_USAGE;
			}
			out = argv[++i];
			if (split_out(out, stem, sizeof(stem), &ext)) {
				out_error("experiment: -o %s: the file must end in .csv, .svg or .png",
					  out);
				return CMD_USAGE;
			}
		} else if (!strchr(argv[i], '=')) {
			out_error("experiment: '%s' is not key=value, plot, -w or -o FILE "
				  "(help experiment)",
				  argv[i]);
			return CMD_USAGE;
		} else {
			n += (size_t)snprintf(params + n, n < sizeof(params) ? sizeof(params) - n : 0,
					      "%s%s", n ? " " : "", argv[i]);
		}
	}
	if (kit_experiment_on(s->k, argv[0], n ? params : NULL, &t, err, sizeof(err)) < 0) {
		out_error("experiment %s: %s", argv[0], err);
		return CMD_FAIL;
	}
	if (json) {
		cJSON *j = table_json(argv[0], &t);

		rc = out ? write_out(argv[0], &t, out, j) : CMD_OK;
		out_json(j);
		return rc;
	}
	if (plot) {
		if (exp_chart(&t, CHART_COLS, CHART_LINES, err, sizeof(err))) {
			out_error("experiment %s: %s", argv[0], err);
			return CMD_FAIL;
		}
	} else if (!out) {
		exp_print_table(&t, wide);
	}
	if (out)
		rc = write_out(argv[0], &t, out, NULL);
	return rc;
}
