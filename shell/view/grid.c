/* grid.c - the screen model's cell grid: writing text and glyphs, clipped; reading it back. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"

int vgrid_resize(struct vgrid *g, int w, int h)
{
	if (w < 1 || h < 1)
		w = h = 1;
	if (!g->cells || (size_t)w * (size_t)h > (size_t)g->w * (size_t)g->h) {
		struct vcell *c = realloc(g->cells, (size_t)w * (size_t)h * sizeof(*c));

		if (!c)
			return -1;
		g->cells = c;
	}
	g->w = w;
	g->h = h;
	vgrid_clear(g);
	return 0;
}

void vgrid_free(struct vgrid *g)
{
	free(g->cells);
	g->cells = NULL;
	g->w = g->h = 0;
}

void vgrid_clear(struct vgrid *g)
{
	for (int i = 0; i < g->w * g->h; i++)
		g->cells[i] = (struct vcell){ ' ', VG_TEXT, VS_NORMAL };
}

struct vcell *vgrid_at(struct vgrid *g, int x, int y)
{
	if (x < 0 || y < 0 || x >= g->w || y >= g->h || !g->cells)
		return NULL;
	return &g->cells[y * g->w + x];
}

const struct vcell *vgrid_cat(const struct vgrid *g, int x, int y)
{
	return vgrid_at((struct vgrid *)g, x, y);
}

void vgrid_glyph(struct vgrid *g, int x, int y, enum vglyph gl, enum vstyle st)
{
	struct vcell *c = vgrid_at(g, x, y);

	if (c)
		*c = (struct vcell){ vgrid_ascii(gl), (unsigned char)gl, (unsigned char)st };
}

int vgrid_text(struct vgrid *g, int x, int y, int max, enum vstyle st, const char *s)
{
	int n = 0;

	for (; *s && (max < 0 || n < max); s++, n++) {
		struct vcell *c = vgrid_at(g, x + n, y);
		char ch = (*s >= 32 && *s < 127) ? *s : '?';

		if (c)
			*c = (struct vcell){ ch, VG_TEXT, (unsigned char)st };
	}
	return n;
}

int vgrid_printf(struct vgrid *g, int x, int y, int max, enum vstyle st, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return vgrid_text(g, x, y, max, st, buf);
}

int vgrid_rtext(struct vgrid *g, int xend, int y, enum vstyle st, const char *s)
{
	int n = (int)strlen(s);

	return vgrid_text(g, xend - n, y, n, st, s);
}

void vgrid_style(struct vgrid *g, int x, int y, int n, enum vstyle st)
{
	for (int i = 0; i < n; i++) {
		struct vcell *c = vgrid_at(g, x + i, y);

		if (c)
			c->style = (unsigned char)st;
	}
}

void vgrid_hline(struct vgrid *g, int x, int y, int n, enum vstyle st)
{
	for (int i = 0; i < n; i++)
		vgrid_glyph(g, x + i, y, VG_HLINE, st);
}

char vgrid_ascii(enum vglyph gl)
{
	static const char a[VG_NR] = {
		[VG_TEXT] = ' ', [VG_FREE] = '.', [VG_DRIVER] = 'W', [VG_HW] = 'H',
		[VG_DONE] = 'D', [VG_DOWN] = 'v', [VG_UP] = '^', [VG_LEFT] = '<',
		[VG_RIGHT] = '>', [VG_HLINE] = '-', [VG_VLINE] = '|', [VG_CORNER_TL] = '+',
		[VG_CORNER_TR] = '+', [VG_CORNER_BL] = '+', [VG_CORNER_BR] = '+',
	};

	return (unsigned)gl < VG_NR ? a[gl] : '?';
}

size_t vgrid_row_text(const struct vgrid *g, int y, char *out, size_t outlen)
{
	size_t n = 0, end = 0;

	if (!outlen)
		return 0;
	for (int x = 0; x < g->w && n + 1 < outlen; x++) {
		const struct vcell *c = vgrid_cat(g, x, y);

		if (!c)
			break;
		out[n++] = c->glyph == VG_TEXT ? c->ch : vgrid_ascii(c->glyph);
		if (out[n - 1] != ' ')
			end = n;
	}
	out[end] = '\0';
	return end;
}

int vgrid_find(const struct vgrid *g, int y0, const char *s, int *col)
{
	char row[1024];

	for (int y = y0 < 0 ? 0 : y0; y < g->h; y++) {
		const char *p;

		vgrid_row_text(g, y, row, sizeof(row));
		p = strstr(row, s);
		if (p) {
			if (col)
				*col = (int)(p - row);
			return y;
		}
	}
	return -1;
}
