/* loop.h - the ring view's state, shared by its loop (view.c) and its keys (keys.c). */
#ifndef RINGLAB_VIEW_LOOP_H
#define RINGLAB_VIEW_LOOP_H

#include <ringkit/snapshot.h>

#include "log.h"
#include "model.h"
#include "view.h"

#define VIEW_CMD_OUT 65536 /* bytes of a ':' command's output */
#define VIEW_NSPEEDS 12	   /* steps-per-second choices for + and - */
#define VIEW_MAX_CTR 64	   /* rows of the stats table shown at most */

struct view {
	struct kit *k;
	const struct view_host *host;
	int dev;		/* index of the device shown */
	struct kit_snap ks;
	struct dev_snap ds;
	struct view_counter ctr[VIEW_MAX_CTR];
	int nctr;
	struct view_rx rx;
	struct vlog log;
	struct vgrid g;
	bool running, help, prompting, quit;
	int speed;		/* index into view.c's speeds */
	enum vring_zoom zoom;
	char prompt[256];
	char last_cmd[256];
	char msg[160];
	enum vstyle msg_style;
	long long deadline;	/* ms: the next running frame */
	char *out;		/* command output buffer */
	bool has_machine_hook;	/* the shell tells us when it replaces the machine */
};

/* view.c */
long long vloop_now_ms(void);
/* The machine the shell has now (a ':' reset may have replaced v->k). */
struct kit *vloop_machine(const struct view *v);
void vloop_say(struct view *v, enum vstyle st, const char *fmt, const char *arg);
struct net_device *vloop_dev(struct view *v);
/* Run up to n steps; false if the machine was idle. */
bool vloop_steps(struct view *v, unsigned long n);

/* keys.c */
void vkeys_handle(struct view *v, int key);

#endif
