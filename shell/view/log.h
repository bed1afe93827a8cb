/* log.h - the trace pane's lines: kernel-log lines from the kit's trace, and ':' commands. */
#ifndef RINGLAB_VIEW_LOG_H
#define RINGLAB_VIEW_LOG_H

#include "panel.h"

struct kit;

#define VLOG_MAX 400	  /* lines kept: more than any screen shows */
#define VLOG_HISTORY 100 /* trace lines from before the view opened */

struct vlog {
	struct view_line lines[VLOG_MAX]; /* oldest first */
	int n;
	unsigned long long seen;	  /* trace records read so far (kit_trace_total) */
};

/* Start with the last VLOG_HISTORY trace records still to read. */
void vlog_init(struct vlog *l, struct kit *k);
/* Add text, one line per '\n'. */
void vlog_add(struct vlog *l, const char *text, enum vstyle st);
/* Add the trace records written since the last pull; those of device dev
 * (its ifindex) in the normal style, the others quieter. Lines found in
 * skip (output a command already printed) are not repeated. */
void vlog_pull(struct vlog *l, struct kit *k, int dev, const char *skip);

#endif
