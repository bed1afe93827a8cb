/* log.c - the trace pane's lines: new trace records formatted once, command output, a bounded list. */
#include <string.h>

#include <ringkit/ringkit.h>

#include "log.h"

void vlog_init(struct vlog *l, struct kit *k)
{
	unsigned long long total = k ? kit_trace_total(k) : 0;

	l->n = 0;
	l->seen = total > VLOG_HISTORY ? total - VLOG_HISTORY : 0;
}

static void push(struct vlog *l, const char *s, size_t len, enum vstyle st)
{
	struct view_line *d;

	if (l->n == VLOG_MAX) { /* drop the older half at once: one move per VLOG_MAX/2 lines */
		memmove(l->lines, l->lines + VLOG_MAX / 2, sizeof(l->lines[0]) * (VLOG_MAX / 2));
		l->n = VLOG_MAX / 2;
	}
	d = &l->lines[l->n++];
	if (len >= sizeof(d->text))
		len = sizeof(d->text) - 1;
	for (size_t i = 0; i < len; i++)
		d->text[i] = s[i] == '\t' ? ' ' : s[i];
	d->text[len] = '\0';
	d->style = (unsigned char)st;
}

void vlog_add(struct vlog *l, const char *text, enum vstyle st)
{
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		push(l, text, len, st);
		text += len + (nl ? 1 : 0);
	}
}

void vlog_pull(struct vlog *l, struct kit *k, int dev, const char *skip)
{
	unsigned long long total = kit_trace_total(k), kept = kit_trace_count(k);
	unsigned long long first = total - kept, from = l->seen;
	char line[VIEW_LINE_MAX];

	if (total < l->seen) /* the trace was reset (a new machine) */
		from = first;
	if (from < first)
		from = first;
	if (total - from > VLOG_MAX) /* running fast: only the newest can show */
		from = total - VLOG_MAX;
	for (unsigned long long j = from; j < total; j++) {
		const struct trace_rec *r = kit_trace_at(k, (size_t)(j - first));
		enum vstyle st = VS_NORMAL;

		if (!r)
			continue;
		kit_trace_format(k, r, line, sizeof(line));
		if (skip && strstr(skip, line))
			continue;
		if (r->type == TR_BUG || r->type == TR_WARN || r->type == TR_STREAM_ERR ||
		    r->type == TR_WATCHDOG)
			st = VS_WARN;
		else if (r->dev != 0xff && r->dev != dev)
			st = VS_OTHER;
		push(l, line, strlen(line), st);
	}
	l->seen = total;
}
