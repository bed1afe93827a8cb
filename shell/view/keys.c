/* keys.c - the ring view's keys: stepping, running, traffic, the ':' prompt, help. */
#include <stdio.h>
#include <string.h>

#include <ringkit/ringkit.h>

#include "loop.h"
#include "vterm.h"

#define BURST 32 /* frames for x and I */

/* A shell command: echo it, run it, its output and new trace lines to the pane. */
static void command(struct view *v, const char *line)
{
	char first[16] = "", second[16] = "";
	int rc;

	sscanf(line, "%15s %15s", first, second);
	if (!first[0])
		return;
	if (!v->host || !v->host->exec) {
		vloop_say(v, VS_WARN, "no shell to run '%s'", line);
		return;
	}
	if (!strcmp(first, "view")) {
		vloop_say(v, VS_WARN, "%s", "the view is already open");
		return;
	}
	/* A new machine under the view is only safe if the shell tells us about it. */
	if (!v->has_machine_hook && (!strcmp(first, "reset") || (!strcmp(first, "seed") && second[0]))) {
		vloop_say(v, VS_WARN, "%s: leave the view (q) first", first);
		return;
	}
	if (!strcmp(first, "quit") || !strcmp(first, "exit"))
		v->quit = true; /* the shell quits too, once the view is gone */
	vlog_pull(&v->log, v->k, v->ds.index, NULL);
	snprintf(v->msg, sizeof(v->msg), "> %s", line);
	vlog_add(&v->log, v->msg, VS_CMD);
	v->msg[0] = '\0';
	v->out[0] = '\0';
	rc = v->host->exec(v->host->arg, line, v->out, VIEW_CMD_OUT);
	v->out[VIEW_CMD_OUT - 1] = '\0';
	vlog_add(&v->log, v->out, rc ? VS_WARN : VS_CMD);
	if (vloop_machine(v) != v->k)
		return; /* collect() starts the new machine's log */
	vlog_pull(&v->log, v->k, v->ds.index, v->out);
	if (rc)
		vloop_say(v, VS_WARN, "'%s' failed (see the trace)", line);
	vterm_redraw(); /* in case the command wrote to the terminal itself */
}

static void traffic(struct view *v, bool rx, int n)
{
	char line[96];
	const char *name = v->ds.name;

	if (rx) {
		snprintf(line, sizeof(line), "pktgen %s count %d", name, n);
	} else if (v->host && v->host->exec) {
		snprintf(line, sizeof(line), "dev_queue_xmit %s count %d", name, n);
	} else {
		struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };

		snprintf(line, sizeof(line), "%llu of %d frames queued on %s",
			 (unsigned long long)kit_xmit_frames(vloop_dev(v), &p, (u64)n), n, name);
		vlog_add(&v->log, line, VS_CMD);
		return;
	}
	command(v, line);
}

static void prompt_key(struct view *v, int key)
{
	size_t len = strlen(v->prompt);

	if (key == VK_ENTER) {
		v->prompting = false;
		snprintf(v->last_cmd, sizeof(v->last_cmd), "%s", v->prompt);
		command(v, v->prompt);
	} else if (key == VK_ESC || key == VK_INTERRUPT) {
		v->prompting = false;
	} else if (key == VK_BACKSPACE) {
		if (len)
			v->prompt[len - 1] = '\0';
		else
			v->prompting = false;
	} else if (key == VK_UP) {
		snprintf(v->prompt, sizeof(v->prompt), "%s", v->last_cmd);
	} else if (key == 21) { /* Ctrl-U */
		v->prompt[0] = '\0';
	} else if (key >= 32 && key < 127 && len + 1 < sizeof(v->prompt)) {
		v->prompt[len] = (char)key;
		v->prompt[len + 1] = '\0';
	}
}

void vkeys_handle(struct view *v, int key)
{
	if (key == VK_NONE || key == VK_RESIZE)
		return;
	if (key == VK_QUIT) {
		v->quit = true;
		return;
	}
	if (v->prompting) {
		prompt_key(v, key);
		return;
	}
	v->msg[0] = '\0';
	if (v->help && key != 12) {
		v->help = false;
		return;
	}
	switch (key) {
	case 'q': case 'Q':
		v->quit = true;
		break;
	case VK_INTERRUPT:
		if (v->running)
			v->running = false;
		else
			v->quit = true;
		break;
	case ' ':
		if (v->running) {
			v->running = false;
			break;
		}
		if (!vloop_steps(v, 1))
			vloop_say(v, VS_LABEL, "%s", "idle: nothing to do (t, x or i give it work)");
		break;
	case 'r':
		if (v->ks.idle) {
			vloop_say(v, VS_LABEL, "%s", "idle: nothing to run (t, x or i give it work)");
			break;
		}
		v->running = true;
		v->deadline = vloop_now_ms();
		break;
	case 'p':
		v->running = false;
		break;
	case '+': case '=':
		if (v->speed + 1 < VIEW_NSPEEDS)
			v->speed++;
		break;
	case '-': case '_':
		if (v->speed > 0)
			v->speed--;
		break;
	case 'n':
		v->dev = (v->dev + 1) % (kit_dev_count(v->k) ? kit_dev_count(v->k) : 1);
		break;
	case 'z':
		v->zoom = (enum vring_zoom)((v->zoom + 1) % VRING_ZOOM_NR);
		break;
	case 't': traffic(v, false, 1); break;
	case 'x': traffic(v, false, BURST); break;
	case 'i': traffic(v, true, 1); break;
	case 'I': traffic(v, true, BURST); break;
	case ':':
		v->prompting = true;
		v->prompt[0] = '\0';
		break;
	case '?':
		v->help = true;
		break;
	case 12: /* Ctrl-L */
		vterm_redraw();
		break;
	default:
		break;
	}
}

