/* exp_table.c - an experiment's table: 80 columns with a legend, the full width, CSV. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exp_view.h"
#include "out.h"

/*
 * The kit fills a table of numbers with long, self-explaining column names
 * (those are what -j and CSV carry). On a terminal the default is the short
 * names, as many decimals as a column needs for three or four significant
 * digits, and a legend pairing each short name with its full one, so the
 * widest table (livelock's ten columns) fits 80 columns. -w prints the full
 * names with two decimals, as wide as it comes.
 */

#define TABLE_COLS 80

int exp_col(const struct exp_table *t, const char *name)
{
	for (int c = 0; name && c < t->ncols; c++)
		if (!strcmp(t->cols[c], name))
			return c;
	return -1;
}

/* The name of a value in a column of enum values, or NULL to print the number. */
static const char *cell_word(const struct exp_table *t, int r, int c)
{
	const char *const *words = t->words[c];
	double v = t->v[r][c];

	if (!words || v < 0 || v != (double)(long)v)
		return NULL;
	for (long i = 0; words[i]; i++)
		if (i == (long)v)
			return words[i];
	return NULL;
}

void exp_cell(const struct exp_table *t, int r, int c, int dec, char *buf, size_t len)
{
	const char *word = cell_word(t, r, c);

	if (word)
		snprintf(buf, len, "%s", word);
	else
		snprintf(buf, len, "%.*f", dec, t->v[r][c]);
}

static bool whole(const struct exp_table *t, int c)
{
	for (int r = 0; r < t->nrows; r++)
		if (t->v[r][c] != (double)(long long)t->v[r][c])
			return false;
	return true;
}

/* Full table: 0 decimals if every value is whole, else 2. Short: 3-4 digits. */
static int decimals(const struct exp_table *t, int c, bool wide)
{
	double max = 0;

	if (whole(t, c))
		return 0;
	if (wide)
		return 2;
	for (int r = 0; r < t->nrows; r++)
		if (fabs(t->v[r][c]) > max)
			max = fabs(t->v[r][c]);
	return max >= 1000 ? 0 : max >= 100 ? 1 : 2;
}

static const char *col_name(const struct exp_table *t, int c, bool wide)
{
	return !wide && t->abbr[c] ? t->abbr[c] : t->cols[c];
}

/* "  load = load_pct, offer = offered_kpps, ..." wrapped at TABLE_COLS */
static void legend(const struct exp_table *t)
{
	int at = 0;

	for (int c = 0; c < t->ncols; c++) {
		char item[96];
		int n;

		if (!t->abbr[c] || !strcmp(t->abbr[c], t->cols[c]))
			continue;
		n = snprintf(item, sizeof(item), "%s = %s", t->abbr[c], t->cols[c]);
		if (at && at + 2 + n + 1 > TABLE_COLS) {
			out_printf(",\n");
			at = 0;
		}
		out_printf("%s%s", at ? ", " : "  ", item);
		at += 2 + n;
	}
	if (at)
		out_printf("\n");
}

/* text in lines of at most TABLE_COLS, broken at blanks */
static void wrap(const char *text)
{
	while (*text) {
		size_t n = strlen(text), cut = n;

		if (n > TABLE_COLS) {
			for (cut = TABLE_COLS; cut > 0 && text[cut] != ' '; cut--)
				;
			if (!cut) /* one word longer than a line */
				cut = strcspn(text, " ");
		}
		out_printf("%.*s\n", (int)cut, text);
		text += cut;
		text += strspn(text, " ");
	}
}

void exp_print_table(const struct exp_table *t, bool wide)
{
	int w[EXP_MAX_COLS], d[EXP_MAX_COLS], total = 0, sep = 2;
	char cell[64];

	out_printf("%s\n", t->title);
	for (int c = 0; c < t->ncols; c++) {
		w[c] = (int)strlen(col_name(t, c, wide));
		if (wide && w[c] < 8)
			w[c] = 8;
		d[c] = decimals(t, c, wide);
		for (int r = 0; r < t->nrows; r++) {
			exp_cell(t, r, c, d[c], cell, sizeof(cell));
			if ((int)strlen(cell) > w[c])
				w[c] = (int)strlen(cell);
		}
		total += w[c];
	}
	if (!wide && total + 2 * (t->ncols - 1) > TABLE_COLS)
		sep = 1;
	for (int c = 0; c < t->ncols; c++)
		out_printf("%*s%*s", c ? sep : 0, "", w[c], col_name(t, c, wide));
	out_printf("\n");
	for (int r = 0; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			exp_cell(t, r, c, d[c], cell, sizeof(cell));
			out_printf("%*s%*s", c ? sep : 0, "", w[c], cell);
		}
		out_printf("\n");
	}
	if (!wide)
		legend(t);
	wrap(t->note);
}

/* ---- CSV: full names, every digit a double needs, words for enum columns ---- */

int exp_write_csv(const struct exp_table *t, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	char cell[64];

	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	for (int c = 0; c < t->ncols; c++)
		fprintf(f, "%s%s", c ? "," : "", t->cols[c]);
	fprintf(f, "\n");
	for (int r = 0; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			if (cell_word(t, r, c))
				exp_cell(t, r, c, 0, cell, sizeof(cell));
			else
				snprintf(cell, sizeof(cell), "%.10g", t->v[r][c]);
			fprintf(f, "%s%s", c ? "," : "", cell);
		}
		fprintf(f, "\n");
	}
	if (fclose(f)) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
