/* out.c - the shell's one output path: stdout and stderr, or a capture buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "out.h"

static struct out_capture *capture;
static const char *loc_file;
static unsigned long loc_line;

static void cap_add(const char *s, size_t n)
{
	struct out_capture *c = capture;

	if (c->len == 0)
		return;
	if (n > c->len - 1 - c->used)
		n = c->len - 1 - c->used;
	memcpy(c->buf + c->used, s, n);
	c->used += n;
	c->buf[c->used] = '\0';
}

static void vemit(FILE *f, const char *fmt, va_list ap)
{
	char small[512];
	va_list ap2;
	int n;

	if (!capture) {
		vfprintf(f, fmt, ap);
		return;
	}
	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if ((size_t)n < sizeof(small)) {
		cap_add(small, (size_t)n);
	} else {
		char *big = malloc((size_t)n + 1);

		if (big) {
			vsnprintf(big, (size_t)n + 1, fmt, ap2);
			cap_add(big, (size_t)n);
			free(big);
		}
	}
	va_end(ap2);
}

void out_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit(stdout, fmt, ap);
	va_end(ap);
}

void out_write(const char *s, size_t n)
{
	if (capture)
		cap_add(s, n);
	else
		fwrite(s, 1, n, stdout);
}

void out_puts(const char *s)
{
	out_write(s, strlen(s));
	out_write("\n", 1);
}

static void err_start(void)
{
	if (!capture)
		fflush(stdout);
}

void out_error(const char *fmt, ...)
{
	va_list ap;

	err_start();
	if (loc_file) {
		if (capture) {
			char pre[300];

			snprintf(pre, sizeof(pre), "%s:%lu: ", loc_file, loc_line);
			cap_add(pre, strlen(pre));
		} else {
			fprintf(stderr, "%s:%lu: ", loc_file, loc_line);
		}
	}
	va_start(ap, fmt);
	vemit(stderr, fmt, ap);
	va_end(ap);
	if (capture)
		cap_add("\n", 1);
	else
		fputc('\n', stderr);
}

void out_err_plain(const char *fmt, ...)
{
	va_list ap;

	err_start();
	va_start(ap, fmt);
	vemit(stderr, fmt, ap);
	va_end(ap);
}

void out_json(cJSON *j)
{
	char *s = j ? cJSON_PrintUnformatted(j) : NULL;

	if (s) {
		out_puts(s);
		cJSON_free(s);
	}
	cJSON_Delete(j);
}

void out_set_loc(const char *file, unsigned long line)
{
	loc_file = file;
	loc_line = line;
}

void out_get_loc(const char **file, unsigned long *line)
{
	*file = loc_file;
	*line = loc_line;
}

void out_capture_begin(struct out_capture *c, char *buf, size_t len)
{
	if (!capture)
		fflush(stdout);
	c->buf = buf;
	c->len = len;
	c->used = 0;
	if (len)
		buf[0] = '\0';
	c->prev = capture;
	capture = c;
}

void out_capture_end(struct out_capture *c)
{
	capture = c->prev;
}

void out_flush(void)
{
	if (!capture)
		fflush(stdout);
}
