/* ringtext.c - `ring DEV tx|rx`: the ring widget's model as plain ASCII lines. */
#include <stdio.h>

#include <ringkit/snapshot.h>

#include "grid.h"
#include "ring.h"
#include "view.h"

size_t view_ring_text(const struct dev_snap *s, int which, int width, char *out, size_t outlen)
{
	struct vgrid g = { 0 };
	size_t n = 0;
	int rows = VRING_ROWS;
	char row[512];

	if (outlen)
		out[0] = '\0';
	if (width < 40)
		width = 80;
	if (width > 400)
		width = 400;
	if (!s || vgrid_resize(&g, width, VRING_ROWS))
		return 0;
	vring_draw(&g, 0, 0, width, which ? &s->rx : &s->tx, which, VRING_ZOOM_OFF, NULL);
	while (rows > 1 && !vgrid_row_text(&g, rows - 1, row, sizeof(row)))
		rows--; /* a ring that is not allocated is one line */
	for (int y = 0; y < rows && n + 1 < outlen; y++) {
		size_t len = vgrid_row_text(&g, y, row, sizeof(row));
		int w = snprintf(out + n, outlen - n, "%.*s\n", (int)len, row);

		if (w < 0 || (size_t)w >= outlen - n) {
			n = outlen - 1;
			out[n] = '\0';
			break;
		}
		n += (size_t)w;
	}
	vgrid_free(&g);
	return n;
}
