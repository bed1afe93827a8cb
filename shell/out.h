/* out.h - all the shell's printing goes through here, so it can be captured or redirected. */
#ifndef RINGLAB_OUT_H
#define RINGLAB_OUT_H

#include <stddef.h>

struct cJSON;

/* Normal output (stdout, or the capture buffer). */
void out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_puts(const char *s); /* s and a newline */
void out_write(const char *s, size_t n);

/*
 * An error: to stderr (stdout is flushed first, so a transcript of both reads
 * in order), prefixed with "FILE:LINE: " while a script runs. Errors without
 * the prefix (usage lines, oops reports) use out_err_plain.
 */
void out_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_err_plain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A JSON value printed on one line, then freed. */
void out_json(struct cJSON *j);

/* Where a script line comes from; file NULL = interactive (no prefix). */
void out_set_loc(const char *file, unsigned long line);
void out_get_loc(const char **file, unsigned long *line);

/*
 * Capture: from begin to end, everything (output and errors) goes into buf
 * (always NUL-terminated, truncated at len - 1). Captures nest: end restores
 * the previous destination. Used by the view's `:` commands and the tests.
 */
struct out_capture {
	char *buf;
	size_t len, used;
	struct out_capture *prev;
};
void out_capture_begin(struct out_capture *c, char *buf, size_t len);
void out_capture_end(struct out_capture *c);

void out_flush(void);

#endif
