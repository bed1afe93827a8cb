/* exp_plot.c - an experiment's curves (the plot the kit names) and the text chart of them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exp_view.h"
#include "out.h"

/*
 * The kit says, by column names, what an experiment's picture is: x, the
 * columns on the left axis, those on the right one, and the columns whose
 * values split the rows into one curve each (batching's mode and bql). The
 * text chart puts that in a terminal: a title line, the plot area with the
 * left axis's values on its left and the right axis's on its right, the x
 * axis with its first, middle and last values, the x label, and a legend per
 * axis giving its label (with the unit) and each curve's glyph. Points are
 * glyphs, the lines between them dots; a point drawn later wins a cell.
 */

static const char glyphs[] = "*o+x#@%&=~^$";

/* "none bql=on": a word as it is, a number or on/off as name=value */
static void group_label(const struct exp_table *t, const int *g, int r, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = 0;
	for (int i = 0; i < 2 && g[i] >= 0 && at < len; i++) {
		char v[32];
		const char *word;
		int n;

		exp_cell(t, r, g[i], 0, v, sizeof(v));
		word = t->words[g[i]] ? v : NULL;
		if (word && strcmp(word, "on") && strcmp(word, "off"))
			n = snprintf(buf + at, len - at, "%s%s", at ? " " : "", v);
		else
			n = snprintf(buf + at, len - at, "%s%s=%s", at ? " " : "", t->cols[g[i]], v);
		if (n < 0)
			break;
		at += (size_t)n;
	}
}

static bool same_group(const struct exp_table *t, const int *g, int r1, int r2)
{
	for (int i = 0; i < 2 && g[i] >= 0; i++)
		if (t->v[r1][g[i]] != t->v[r2][g[i]])
			return false;
	return true;
}

int exp_series(const struct exp_table *t, struct exp_series *s, int max, char *err, size_t errlen)
{
	const struct exp_plot *p = &t->plot;
	int g[2] = { -1, -1 }, n = 0;
	const char *missing = NULL;

	if (!p->x) {
		snprintf(err, errlen, "this table names no plot");
		return -1;
	}
	if (exp_col(t, p->x) < 0)
		missing = p->x;
	for (int i = 0; i < 2; i++)
		if (p->group[i] && (g[i] = exp_col(t, p->group[i])) < 0)
			missing = p->group[i];
	for (int axis = 0; axis < 2 && !missing; axis++) {
		const char *const *ys = axis ? p->y2 : p->y;

		for (int i = 0; i < EXP_PLOT_MAX_Y && ys[i]; i++) {
			int yc = exp_col(t, ys[i]);

			if (yc < 0) {
				missing = ys[i];
				break;
			}
			for (int r = 0; r < t->nrows; r++) {
				int k;

				for (k = n - 1; k >= 0; k--)
					if (s[k].ycol == yc && same_group(t, g, s[k].rows[0], r))
						break;
				if (k < 0) {
					if (n == max) {
						snprintf(err, errlen, "more than %d curves to plot", max);
						return -1;
					}
					k = n++;
					memset(&s[k], 0, sizeof(s[k]));
					s[k].ycol = yc;
					s[k].right = axis;
					if (g[0] >= 0)
						group_label(t, g, r, s[k].label, sizeof(s[k].label));
					else
						snprintf(s[k].label, sizeof(s[k].label), "%s", ys[i]);
				}
				s[k].rows[s[k].n++] = r;
			}
		}
	}
	if (missing) {
		snprintf(err, errlen, "the plot names column %s, which the table does not have",
			 missing);
		return -1;
	}
	if (!n || !t->nrows) {
		snprintf(err, errlen, "nothing to plot: the table has no rows");
		return -1;
	}
	return n;
}

/* ---- the text chart --------------------------------------------------------------- */

#define CHART_MAX_W 256
#define CHART_MAX_H 64
#define MARGIN 8 /* "%7s|" */

/* 1, 2, 2.5 or 5 times a power of ten, at least v */
static double nice_ceil(double v)
{
	double e, f;

	if (v <= 0)
		return 1;
	e = pow(10, floor(log10(v)));
	f = v / e;
	f = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
	return f * e;
}

/* at most 7 characters: 0.125, 859, 2.5k, 100k, 1.5M */
static void num(double v, char *buf, size_t len)
{
	double a = fabs(v);

	if (a >= 1e6)
		snprintf(buf, len, "%.3gM", v / 1e6);
	else if (a >= 1e4)
		snprintf(buf, len, "%.3gk", v / 1e3);
	else
		snprintf(buf, len, "%.4g", v);
}

struct range {
	double lo, hi;
};

static void range_of(const struct exp_table *t, const struct exp_series *s, int ns, int col,
		     int axis, struct range *rg)
{
	bool first = true;

	rg->lo = rg->hi = 0;
	for (int i = 0; i < ns; i++) {
		if (axis >= 0 && s[i].right != axis)
			continue;
		for (int j = 0; j < s[i].n; j++) {
			double v = t->v[s[i].rows[j]][col < 0 ? s[i].ycol : col];

			if (first || v < rg->lo)
				rg->lo = v;
			if (first || v > rg->hi)
				rg->hi = v;
			first = false;
		}
	}
}

/* Legend lines for one axis into lines[]: "label: * a  o b", wrapped. */
static int legend_lines(const struct exp_series *s, int ns, bool right, const char *label,
			int cols, char lines[][CHART_MAX_W + 1], int max)
{
	int n = 0, at;
	bool any = false;

	for (int i = 0; i < ns; i++)
		any |= s[i].right == right;
	if (!any || !max)
		return 0;
	at = snprintf(lines[0], (size_t)cols + 1, "%s%s:", label ? label : "",
		      right ? " (right axis)" : "");
	n = 1;
	for (int i = 0; i < ns; i++) {
		char item[64];
		int len;

		if (s[i].right != right)
			continue;
		len = snprintf(item, sizeof(item), "  %c %s", glyphs[i % (sizeof(glyphs) - 1)],
			       s[i].label);
		if (at + len > cols) {
			if (n == max)
				break;
			at = snprintf(lines[n++], (size_t)cols + 1, "   ");
		}
		at += snprintf(lines[n - 1] + at, (size_t)(cols + 1 - at), "%s", item);
	}
	return n;
}

static int px(double v, const struct range *r, int size)
{
	double f = r->hi > r->lo ? (v - r->lo) / (r->hi - r->lo) : 0;

	return (int)lround(f * (size - 1));
}

int exp_chart(const struct exp_table *t, int cols, int lines, char *err, size_t errlen)
{
	static char grid[CHART_MAX_H][CHART_MAX_W];
	static char leg[8][CHART_MAX_W + 1];
	struct exp_series s[EXP_MAX_SERIES];
	struct range xr, yr[2];
	int ns, nleg, w, h, xc, right_margin;
	bool has_right = false;
	char a[16], b[16], c[16];

	if (cols > CHART_MAX_W)
		cols = CHART_MAX_W;
	if ((ns = exp_series(t, s, EXP_MAX_SERIES, err, errlen)) < 0)
		return -1;
	for (int i = 0; i < ns; i++)
		has_right |= s[i].right;
	xc = exp_col(t, t->plot.x);
	range_of(t, s, ns, xc, -1, &xr);
	for (int axis = 0; axis < 2; axis++) {
		range_of(t, s, ns, -1, axis, &yr[axis]);
		if (yr[axis].lo > 0)
			yr[axis].lo = 0;
		yr[axis].hi = nice_ceil(yr[axis].hi);
	}
	nleg = legend_lines(s, ns, false, t->plot.ylabel, cols, leg, 4);
	nleg += legend_lines(s, ns, true, t->plot.y2label, cols, leg + nleg, 8 - nleg);
	right_margin = has_right ? MARGIN : 1;
	w = cols - MARGIN - right_margin;
	h = lines - 4 - nleg;
	if (w < 10 || h < 4) {
		snprintf(err, errlen, "%dx%d is too small for the chart", cols, lines);
		return -1;
	}
	if (h > CHART_MAX_H)
		h = CHART_MAX_H;
	memset(grid, ' ', sizeof(grid));
	for (int i = 0; i < ns; i++) { /* the lines first, */
		const struct range *r = &yr[s[i].right];

		for (int j = 1; j < s[i].n; j++) {
			const double *p0 = t->v[s[i].rows[j - 1]], *p1 = t->v[s[i].rows[j]];
			int x0 = px(p0[xc], &xr, w), x1 = px(p1[xc], &xr, w);

			for (int x = x0 + 1; x < x1; x++) {
				double f = (double)(x - x0) / (x1 - x0);
				double y = p0[s[i].ycol] + f * (p1[s[i].ycol] - p0[s[i].ycol]);

				grid[h - 1 - px(y, r, h)][x] = '.';
			}
		}
	}
	for (int i = 0; i < ns; i++) /* then the points */
		for (int j = 0; j < s[i].n; j++) {
			const double *p = t->v[s[i].rows[j]];

			grid[h - 1 - px(p[s[i].ycol], &yr[s[i].right], h)][px(p[xc], &xr, w)] =
				glyphs[i % (sizeof(glyphs) - 1)];
		}
	out_printf("%.*s\n", cols, t->title);
	for (int row = 0; row < h; row++) {
		char l[16] = "", r[16] = "";
		int tick = row == 0 ? 2 : row == h - 1 ? 0 : row == (h - 1) / 2 ? 1 : -1;

		if (tick >= 0) {
			double f = tick / 2.0;

			num(yr[0].lo + f * (yr[0].hi - yr[0].lo), l, sizeof(l));
			num(yr[1].lo + f * (yr[1].hi - yr[1].lo), r, sizeof(r));
		}
		out_printf("%7.7s|%.*s", l, w, grid[row]);
		if (has_right)
			out_printf("|%s", tick >= 0 ? r : "");
		out_printf("\n");
	}
	out_printf("%7s+", "");
	for (int x = 0; x < w; x++)
		out_printf("-");
	out_printf("%s\n", has_right ? "+" : "");
	num(xr.lo, a, sizeof(a));
	num((xr.lo + xr.hi) / 2, b, sizeof(b));
	num(xr.hi, c, sizeof(c));
	{
		int mid = MARGIN + w / 2 - (int)strlen(b) / 2, end = MARGIN + w - (int)strlen(c);
		int at = MARGIN + (int)strlen(a);

		out_printf("%*s%s", MARGIN, "", a);
		out_printf("%*s%s", mid - at > 1 ? mid - at : 1, "", b);
		at = mid - at > 1 ? mid + (int)strlen(b) : at + 1 + (int)strlen(b);
		out_printf("%*s%s\n", end - at > 1 ? end - at : 1, "", c);
	}
	{
		const char *xl = t->plot.xlabel ? t->plot.xlabel : t->plot.x;
		int pad = MARGIN + (w - (int)strlen(xl)) / 2;

		out_printf("%*s%s\n", pad > 0 ? pad : 0, "", xl);
	}
	for (int i = 0; i < nleg; i++)
		out_printf("%s\n", leg[i]);
	return 0;
}
