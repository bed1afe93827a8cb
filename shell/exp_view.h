/* exp_view.h - an experiment's table as text (80 columns or full), CSV, a text chart, gnuplot. */
#ifndef SHELL_EXP_VIEW_H
#define SHELL_EXP_VIEW_H

#include <stdio.h>

#include <ringkit/ringkit.h>

/* The table: short column names and a legend (wide: full names). */
void exp_print_table(const struct exp_table *t, bool wide);
/* The column named name, or -1. */
int exp_col(const struct exp_table *t, const char *name);
/* A cell as text: the word of an enum column, or the number with dec decimals. */
void exp_cell(const struct exp_table *t, int r, int c, int dec, char *buf, size_t len);

/* One curve of the plot: y column ycol over the rows of one group. */
#define EXP_MAX_SERIES 12
struct exp_series {
	char label[48];
	int ycol;
	bool right; /* on the y2 axis */
	int rows[EXP_MAX_ROWS], n;
};
/* The plot's curves; -1 with the reason in err when a named column is missing. */
int exp_series(const struct exp_table *t, struct exp_series *s, int max, char *err, size_t errlen);

/* The text chart, at most cols x lines characters, printed. 0, or -1 with err. */
int exp_chart(const struct exp_table *t, int cols, int lines, char *err, size_t errlen);

/* path.csv; 0 or -1 with err. */
int exp_write_csv(const struct exp_table *t, const char *path, char *err, size_t errlen);
/* The gnuplot script for image (.svg or .png) into script. */
int exp_write_gnuplot(const struct exp_table *t, const char *script, const char *image, char *err,
		      size_t errlen);
/* Run gnuplot on script: 0; -ENOENT when there is no gnuplot; -1 with err. */
int exp_run_gnuplot(const char *script, char *err, size_t errlen);

#endif
