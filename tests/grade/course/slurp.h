/* slurp.h - a whole file into a fresh NUL-terminated string (the course tools' JSON readers). */
#ifndef RINGLAB_SLURP_H
#define RINGLAB_SLURP_H

#include <stdio.h>
#include <stdlib.h>

/* path's bytes, or NULL when it cannot be read; the caller frees. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n)
		buf[n] = '\0';
	else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

#endif
