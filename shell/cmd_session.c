/* cmd_session.c - the session: driver, source, help, quit, view. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "arg.h"
#include "cmd.h"
#include "guard.h"
#include "out.h"
#include "script.h"
#include "sess.h"
#include "view/view.h"

static void driver_show(struct sess *s, bool json)
{
	cJSON *j = json ? cJSON_CreateObject() : NULL, *a = NULL;
	int n = 0;

	if (json) {
		cJSON_AddStringToObject(j, "driver", kit_driver_name(s->k));
		a = cJSON_AddArrayToObject(j, "functions");
	} else {
		out_printf("driver: %s\n", kit_driver_name(s->k));
	}
	for (size_t i = 0; i < simnic_lab_nfns; i++) {
		bool loaded = kit_driver_fn_loaded(s->k, i);

		if (json) {
			cJSON *f = cJSON_CreateObject();

			cJSON_AddStringToObject(f, "name", simnic_lab_fns[i].name);
			cJSON_AddStringToObject(f, "lab", simnic_lab_fns[i].lab);
			cJSON_AddStringToObject(f, "from", loaded ? "file" : "linked");
			cJSON_AddBoolToObject(f, "used", kit_driver_fn_used(s->k, i));
			cJSON_AddItemToArray(a, f);
		} else if (loaded) {
			out_printf("  %-32s lab %-6s from the file%s\n", simnic_lab_fns[i].name,
				   simnic_lab_fns[i].lab,
				   kit_driver_fn_used(s->k, i) ? "" : ", NOT USED in this mode");
			n++;
		}
	}
	if (json)
		out_json(j);
	else
		out_printf("  %s%zu lab functions linked (solutions/)\n", n ? "the other " : "all ",
			   simnic_lab_nfns - (size_t)n);
}

/* Load path (NULL = the linked solution) with the trace printer paused: reopening is noise. */
static int load(struct sess *s, const char *path)
{
	char err[512], buf[SESS_PATH_MAX];
	const char *p = path;
	u64 before;
	int n;

	if (path && !strchr(path, '/')) {
		snprintf(buf, sizeof(buf), "./%.1000s", path); /* dlopen searches the library path otherwise */
		p = buf;
	}
	if (path && access(p, R_OK)) {
		out_error("driver: cannot read %s", path);
		return CMD_FAIL;
	}
	sess_trace_detach(s);
	before = kit_trace_total(s->k);
	n = kit_driver_load(s->k, p, err, sizeof(err));
	sess_trace_attach(s);
	/* of the reopening, only what the old driver left behind is worth a line */
	for (size_t i = 0; i < kit_trace_count(s->k); i++) {
		const struct trace_rec *r = kit_trace_at(s->k, i);
		char line[256];

		if (kit_trace_total(s->k) - kit_trace_count(s->k) + i < before ||
		    r->type != TR_SKB_ORPHAN)
			continue;
		kit_trace_format(s->k, r, line, sizeof(line));
		out_printf("%s\n", line);
	}
	if (n < 0) {
		out_error("driver: %s; the linked solution is in use", err);
		s->driver[0] = '\0';
		return CMD_FAIL;
	}
	snprintf(s->driver, sizeof(s->driver), "%s", p ? p : "");
	sess_prune(s);
	out_printf("driver %s loaded: devices reopened\n", kit_driver_name(s->k));
	driver_show(s, false);
	return CMD_OK;
}

/* Is lab one of the contract's labs (simnic_lab_fns)? */
static bool is_lab(const char *lab)
{
	for (size_t i = 0; i < simnic_lab_nfns; i++)
		if (!strcmp(simnic_lab_fns[i].lab, lab))
			return true;
	return false;
}

/*
 * driver student: every lab's file in labs/ as one .so. driver student LAB
 * [DIR]: only lab LAB's files, from labs/LAB or DIR (as make grade IMPL=DIR
 * takes them); every other lab's functions stay the linked reference.
 */
static int student(struct sess *s, const char *lab, const char *dir)
{
	char cmd[SESS_PATH_MAX * 2], so[SESS_PATH_MAX];
	const char *build = getenv("RINGLAB_BUILD");
	glob_t g;
	int found;

	if (!lab) {
		found = glob("labs/*/*.c", 0, NULL, &g) == 0 && g.gl_pathc > 0;
		globfree(&g);
		if (!found) {
			out_error("driver student: no lab sources in labs/ (labs/*/*.c): run it from "
				  "the ringlab folder");
			return CMD_FAIL;
		}
		out_printf("building the student driver: make -s build/student.so\n");
		out_flush();
		if (system("make -s build/student.so") != 0) {
			out_error("driver student: the build failed (see the compiler's messages above)");
			return CMD_FAIL;
		}
		return load(s, "build/student.so");
	}
	if (!is_lab(lab)) {
		out_error("driver student: no lab '%s' (labs: xmit, batch, napi, lro)", lab);
		return CMD_USAGE;
	}
	if (dir && dir[0] == '~' && (dir[1] == '/' || !dir[1]) && getenv("HOME")) {
		static char home_dir[1024]; /* ~/ as a shell would expand it */

		snprintf(home_dir, sizeof(home_dir), "%s%s", getenv("HOME"), dir + 1);
		dir = home_dir;
	}
	if (strpbrk(dir ? dir : "", "'\"\\$`;&|<>") || strlen(dir ? dir : "") > 512) {
		out_error("driver student: the folder name '%s' has characters a build line cannot "
			  "take", dir);
		return CMD_FAIL;
	}
	if (dir && access(dir, R_OK | X_OK)) {
		out_error("driver student: cannot read the folder %s", dir);
		return CMD_FAIL;
	}
	if (!dir && access("Makefile", R_OK)) {
		out_error("driver student: no Makefile here: run it from the ringlab folder");
		return CMD_FAIL;
	}
	snprintf(so, sizeof(so), "%s/student-%s.so", build && *build ? build : "build", lab);
	snprintf(cmd, sizeof(cmd), "make -s student-so STUDENT_LAB=%s STUDENT_DIR='%s'%s%s", lab,
		 dir ? dir : "", build && *build ? " BUILD=" : "", build && *build ? build : "");
	out_printf("building lab %s from %s: %s\n", lab, dir ? dir : "labs/", cmd);
	out_flush();
	if (system(cmd) != 0) {
		out_error("driver student: the build failed (see the compiler's messages above)");
		return CMD_FAIL;
	}
	return load(s, so);
}

static int do_driver(struct sess *s, int argc, char **argv, bool json)
{
	if (argc == 0) {
		driver_show(s, json);
		return CMD_OK;
	}
	if (json) {
		out_error("driver: -j only without arguments (it shows the driver)");
		return CMD_USAGE;
	}
	if (!strcmp(argv[0], "student"))
		return student(s, argc > 1 ? argv[1] : NULL, argc > 2 ? argv[2] : NULL);
	if (argc > 1) {
		out_error("driver: too many arguments, from '%s' (only `driver student` takes LAB "
			  "and DIR)", argv[1]);
		return CMD_USAGE;
	}
	if (!strcmp(argv[0], "solution"))
		return load(s, NULL);
	if (!strcmp(argv[0], "reload")) {
		char path[SESS_PATH_MAX]; /* load() rewrites s->driver */

		snprintf(path, sizeof(path), "%s", s->driver);
		return load(s, path[0] ? path : NULL);
	}
	if (!strstr(argv[0], ".so")) {
		out_error("driver: expected solution, student, reload or a FILE.so, not '%s'", argv[0]);
		return CMD_USAGE;
	}
	return load(s, argv[0]);
}

static int do_source(struct sess *s, int argc, char **argv, bool json)
{
	return script_run_file(s, argv[0], "source");
}

static int do_help(struct sess *s, int argc, char **argv, bool json)
{
	const struct cmd *c;

	if (argc == 0) {
		cmd_help_all();
		return CMD_OK;
	}
	c = cmd_find(argv[0]);
	if (!c) {
		if (cmd_closest(argv[0]))
			out_error("help: no command '%s'; did you mean '%s'?", argv[0],
				  cmd_closest(argv[0]));
		else
			out_error("help: no command '%s' (help lists them all)", argv[0]);
		return CMD_FAIL;
	}
	cmd_help_one(c);
	return CMD_OK;
}

static int do_quit(struct sess *s, int argc, char **argv, bool json)
{
	s->quit = true;
	return CMD_OK;
}

/* The view's `:` commands: one line run with the output captured. */
static int view_exec(void *arg, const char *line, char *out, size_t outlen)
{
	struct sess *s = arg;
	struct out_capture c;
	int rc;

	out_capture_begin(&c, out, outlen);
	sess_trace_attach(s);
	rc = cmd_exec_line(s, line);
	sess_trace_detach(s);
	out_capture_end(&c);
	return rc;
}

/* The view's steps: guarded like `step`, printing nothing; an oops report is
 * kept and printed once the view has given the terminal back. */
struct view_step {
	unsigned long n, done;
};

static char view_oops[4096];

static int view_step_fn(struct sess *s, void *arg)
{
	struct view_step *v = arg;
	enum kit_stop why;

	v->done = (unsigned long)sess_run(s, v->n, 0, &why);
	return 0;
}

static unsigned long view_step(void *arg, unsigned long n)
{
	struct sess *s = arg;
	struct view_step v = { n, 0 };
	char buf[2048] = "";
	struct out_capture c;
	size_t used = strlen(view_oops);

	out_capture_begin(&c, buf, sizeof(buf));
	guard_call(s, view_step_fn, &v, 0);
	out_capture_end(&c);
	if (buf[0] && used + 1 < sizeof(view_oops))
		snprintf(view_oops + used, sizeof(view_oops) - used, "%s", buf);
	return v.done;
}

static struct kit *view_machine(void *arg)
{
	return ((struct sess *)arg)->k;
}

static int do_view(struct sess *s, int argc, char **argv, bool json)
{
	static const struct view_hooks hooks = { view_step, view_machine };
	struct view_host host = { view_exec, s };
	struct net_device *dev = NULL;
	char err[256];
	int rc;

	if (argc && (rc = arg_dev(s, "view", argv[0], &dev)))
		return rc;
	if (!s->interactive || !isatty(STDOUT_FILENO)) {
		out_error("view: needs a terminal (it is full-screen)");
		return CMD_FAIL;
	}
	out_flush();
	view_set_hooks(&hooks);
	view_oops[0] = '\0';
	sess_trace_detach(s);
	rc = view_run(s->k, dev ? dev->name : NULL, &host, err, sizeof(err));
	sess_trace_attach(s);
	if (view_oops[0])
		out_printf("%s", view_oops);
	if (rc) {
		out_error("view: %s", err);
		return CMD_FAIL;
	}
	return CMD_OK;
}

const struct cmd cmd_session_table[] = {
	{ "driver", NULL, 0, 3, CMD_F_JSON,
	  "driver [solution | student [LAB [DIR]] | reload | FILE.so] [-j]",
	  "Show or change which implementation of the lab functions runs",
	  "Without arguments: the driver in use and which lab functions come from its\n"
	  "file (\"NOT USED in this mode\" marks one that no device's napi, batching or lro\n"
	  "mode calls). `driver FILE.so` loads the lab functions a shared object defines (by their\n"
	  "contract names, simnic.h); the others stay linked from solutions/. `driver\n"
	  "solution` goes back to the linked ones. `driver student` builds every lab's\n"
	  "file in labs/ into build/student.so and loads it; `driver student LAB` only lab\n"
	  "LAB's (labs/LAB/, or the folder DIR), with the reference for every other lab:\n"
	  "what `make grade LAB=LAB` grades, and how its replay scripts run\n"
	  "(`ringlab --driver student:LAB[:DIR] -i -f build/grade/LAB/TEST.rl`). `driver\n"
	  "reload` loads the same file again (after you rebuilt it; a private copy of the\n"
	  "file is loaded each time, so what is on disk now runs) and brings broken\n"
	  "devices back; settings are kept, every device is reopened with empty rings.\n"
	  "The labs and their handouts: labs/README.md.\n\n"
	  "  driver\n  driver student xmit\n  driver student xmit ~/submissions/ada\n"
	  "  driver build/tests/drivers/null_xmit.so\n  driver reload\n  driver solution\n",
	  "solution|student|reload|$file xmit|batch|napi|lro $file",
	  "driver, functions[] of {name, lab, from: file|linked, used}",
	  do_driver },
	{ "source", NULL, 1, 1, CMD_F_NOGUARD, "source FILE", "Run the commands in FILE",
	  "Line by line, as `ringlab -f FILE` would; an error stops it (and is reported as\n"
	  "FILE:LINE). Files may source others (16 deep).\n\n  source tests/transcripts/tx_ring_full.rl\n",
	  "$file", NULL, do_source },
	{ "help", "?", 0, 1, CMD_F_NOGUARD, "help [CMD]", "List the commands, or explain one",
	  "  help\n  help poll\n", "$cmd", NULL, do_help },
	{ "quit", "exit q", 0, 0, CMD_F_NOGUARD, "quit", "Leave ringlab (Ctrl-D too)",
	  "In a script, stops it there with the status so far.\n\n  quit\n", "", NULL, do_quit },
	{ "view", NULL, 0, 1, 0, "view [DEV]", "Open the full-screen ring view",
	  "Both rings of DEV drawn with owners and markers, the queue, the interrupt line,\n"
	  "NAPI and LRO state, counters, the receiver's line and the last events. Keys:\n"
	  "space step, r run, p pause, +/- speed, : a shell command, ? help, q back to\n"
	  "the shell. Needs a terminal (`ringlab --view` starts in it).\n\n  view sn0\n",
	  "$dev", NULL, do_view },
	{ 0 },
};
