/* cmd_time.c - simulated time: step, run, time, auto. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arg.h"
#include "cmd.h"
#include "cond.h"
#include "out.h"
#include "sess.h"

static void show_next(struct sess *s)
{
	char what[128], t[32];
	u64 when;

	if (kit_next(s->k, &when, what, sizeof(what))) {
		arg_fmt_time(when, t, sizeof(t));
		out_printf("next: %s %s\n", t, what);
	} else {
		out_printf("next: nothing, the machine is idle\n");
	}
}

/* `run until COND` gives up after this many steps (a condition that never holds). */
#define RUN_UNTIL_MAX_STEPS 10000000ULL

static const char *why_text(enum kit_stop why)
{
	switch (why) {
	case KIT_STOP_IDLE: return "idle";
	case KIT_STOP_STEPS: return "steps done";
	case KIT_STOP_TIME: return "time reached";
	case KIT_STOP_ASKED: return "interrupted";
	default: return "a device is broken (soft lockup)";
	}
}

/* "step: sn0: interrupt handler (and 2 hardware events due before it)" */
static void say_catchup(struct sess *s, const char *what)
{
	bool hw;
	u64 during, before = kit_step_catchup(s->k, &during, &hw);

	if (before && during)
		out_printf("step: %s (and %llu hardware event%s due before it, %llu while it ran)\n",
			   what, (unsigned long long)before, before == 1 ? "" : "s",
			   (unsigned long long)during);
	else if (before || during)
		out_printf("step: %s (and %llu hardware event%s %s)\n", what,
			   (unsigned long long)(before + during), before + during == 1 ? "" : "s",
			   during ? "while it ran" : hw ? "due by then" : "due before it");
}

static int do_step(struct sess *s, int argc, char **argv, bool json)
{
	long long n = 1;
	enum kit_stop why;
	u64 done;
	int rc;

	char what[128] = "";
	u64 when;

	if (argc && (rc = arg_num("step", "the number of steps", argv[0], 1, 1000000000, &n)))
		return rc;
	if (n == 1)
		kit_next(s->k, &when, what, sizeof(what));
	done = sess_run(s, (u64)n, 0, &why);
	if (n > 1 || done < (u64)n)
		out_printf("%llu step%s (%s)\n", (unsigned long long)done, done == 1 ? "" : "s",
			   why_text(why));
	else
		say_catchup(s, what);
	show_next(s);
	return CMD_OK;
}

static int do_run(struct sess *s, int argc, char **argv, bool json)
{
	long long steps = 0;
	u64 until = 0, span, done;
	enum kit_stop why;
	char t[32];
	int rc, w;

	/* run until COND: a condition starts with a device name, a time with a digit */
	if (argc >= 2 && !strcmp(argv[0], "until") && strchr(argv[1], '.') &&
	    !isdigit((unsigned char)argv[1][0]))
		return cond_run_until(s, argc - 1, argv + 1, RUN_UNTIL_MAX_STEPS);
	if (argc > 2) {
		out_error("run: too many arguments, from '%s' (run N, run for TIME, run until "
			  "idle|TIME|COND)", argv[2]);
		return CMD_USAGE;
	}
	if (argc == 1 && (!strcmp(argv[0], "for") || !strcmp(argv[0], "until"))) {
		out_error("run: %s needs %s", argv[0],
			  argv[0][0] == 'f' ? "a TIME (like 10us or 2ms)" :
					     "idle, a TIME (like 2ms) or a COND (like sn0.tx_packets >= 8)");
		return CMD_USAGE;
	} else if (argc == 1) {
		if ((rc = arg_num("run", "the number of steps", argv[0], 1, 1LL << 40, &steps)))
			return rc;
	} else if (argc == 2) {
		long long n;

		if (!arg_parse_signed(argv[0], &n)) {
			out_error("run: too many arguments, from '%s' (run N, run for TIME, run until "
				  "idle|TIME|COND)", argv[1]);
			return CMD_USAGE;
		}
		if ((rc = arg_word("run", "the limit", argv[0], "for|until", &w)))
			return rc;
		if (w == 1 && !strcmp(argv[1], "idle")) {
			/* run until idle: no limit */
		} else if ((rc = arg_time("run", argv[1], &span))) {
			return rc;
		} else if (w == 0) {
			until = kit_now(s->k) + span;
		} else if (span <= kit_now(s->k)) {
			arg_fmt_time(kit_now(s->k), t, sizeof(t));
			out_error("run: the time is already past %s (now %s)", argv[1], t);
			return CMD_FAIL;
		} else {
			until = span;
		}
	}
	done = sess_run(s, (u64)steps, until, &why);
	arg_fmt_time(kit_now(s->k), t, sizeof(t));
	out_printf("ran %llu step%s to %s: %s%s\n", (unsigned long long)done, done == 1 ? "" : "s", t,
		   why_text(why), why == KIT_STOP_ASKED ? " (Ctrl-C)" : "");
	return CMD_OK;
}

static int do_time(struct sess *s, int argc, char **argv, bool json)
{
	struct kit_snap *snap = malloc(sizeof(*snap));
	char t[32];

	if (!snap)
		return CMD_FAIL;
	kit_snapshot(s->k, snap);
	if (json) {
		cJSON *j = cJSON_CreateObject();

		cJSON_AddNumberToObject(j, "now_ns", (double)snap->now);
		cJSON_AddNumberToObject(j, "steps", (double)snap->steps);
		cJSON_AddBoolToObject(j, "auto", snap->auto_mode);
		cJSON_AddBoolToObject(j, "idle", snap->idle);
		cJSON_AddNumberToObject(j, "next_ns", (double)snap->next_ns);
		cJSON_AddStringToObject(j, "next", snap->next_what);
		cJSON_AddNumberToObject(j, "process_ns", (double)snap->cpu_ns[CTX_PROCESS]);
		cJSON_AddNumberToObject(j, "softirq_ns", (double)snap->cpu_ns[CTX_SOFTIRQ]);
		cJSON_AddNumberToObject(j, "hardirq_ns", (double)snap->cpu_ns[CTX_HARDIRQ]);
		out_json(j);
	} else {
		arg_fmt_time(snap->now, t, sizeof(t));
		out_printf("time %s (%llu ns), %llu steps, auto %s\n", t, (unsigned long long)snap->now,
			   (unsigned long long)snap->steps, snap->auto_mode ? "on" : "off");
		out_printf("cpu: process %llu ns, softirq %llu ns, hardirq %llu ns\n",
			   (unsigned long long)snap->cpu_ns[CTX_PROCESS],
			   (unsigned long long)snap->cpu_ns[CTX_SOFTIRQ],
			   (unsigned long long)snap->cpu_ns[CTX_HARDIRQ]);
		show_next(s);
	}
	free(snap);
	return CMD_OK;
}

static int do_auto(struct sess *s, int argc, char **argv, bool json)
{
	int w, rc;

	if (argc == 1) {
		if ((rc = arg_word("auto", "the mode", argv[0], "on|off", &w)))
			return rc;
		if (json) {
			out_error("auto %s: -j only without on|off (it shows the mode)", argv[0]);
			return CMD_USAGE;
		}
		kit_set_auto(s->k, w == 0);
	}
	if (json) {
		cJSON *j = cJSON_CreateObject();

		cJSON_AddBoolToObject(j, "auto", kit_get_auto(s->k));
		out_json(j);
		return CMD_OK;
	}
	out_printf("auto %s: %s\n", kit_get_auto(s->k) ? "on" : "off",
		   kit_get_auto(s->k) ? "the kernel core runs qdiscs, softirqs and polls itself" :
					"only the hardware moves; you play the kernel core");
	return CMD_OK;
}

const struct cmd cmd_time_table[] = {
	{ "step", "s", 0, 1, CMD_F_REPEAT, "step [N]", "Run the next event (or N), then say what comes next",
	  "Each step runs one thing: a hardware change (a descriptor written back, a frame\n"
	  "DMA'd), an interrupt, one softirq action (a NAPI poll, a qdisc run) or a\n"
	  "process step. What happened prints as kernel-log lines, then `next:` tells what\n"
	  "the following step will do. CPU work runs at the CPU's time, and hardware that\n"
	  "was due before it happens first (the CPU was busy while the NIC wrote back):\n"
	  "then the step says `(and N hardware events due before it)`. Enter on an empty\n"
	  "line repeats the last step or run, also after a look at `ring` or `time`.\n\n"
	  "  step\n  step 10\n",
	  "_", NULL, do_step },
	{ "run", NULL, 0, 4, CMD_F_REPEAT, "run [N | for TIME | until idle|TIME|COND]",
	  "Run N steps, for a span of simulated time, or until the machine is idle",
	  "Without arguments, until idle. TIME takes a unit: 500ns, 10us, 2ms, 1s.\n"
	  "`run until 5ms` stops at that simulated time. `run until COND` steps until the\n"
	  "condition holds (COND as for `expect`: DEV.FIELD OP N) and fails if the machine\n"
	  "goes idle first. Ctrl-C interrupts a long run (after the current step).\n\n"
	  "  run\n  run 100\n  run for 10us\n  run until idle\n  run until sn0.queue_stopped == 0\n",
	  "$num|for|until idle", NULL, do_run },
	{ "time", NULL, 0, 0, CMD_F_JSON | CMD_F_LOOK, "time [-j]", "Show simulated time, steps, CPU use and the next event",
	  "Simulated nanoseconds since the machine started, the steps taken, the auto\n"
	  "mode, CPU time per context and what the next step will do.\n\n  time\n",
	  "", "now_ns, steps, auto, idle, next_ns, next, process_ns, softirq_ns, hardirq_ns", do_time },
	{ "auto", NULL, 0, 1, CMD_F_JSON, "auto [on|off] [-j]", "Let the kernel core run by itself (on) or play it yourself (off)",
	  "on (the default): after an interrupt the kernel runs softirqs and NAPI polls,\n"
	  "after a wake the qdisc, so `run` drains everything. off: only the hardware\n"
	  "moves by itself (wire, DMA, write-backs, interrupt delivery, timers); you call\n"
	  "qdisc_run, poll, napi_complete... yourself.\n\n  auto off\n  auto\n",
	  "on|off", "auto (true or false; without on|off)", do_auto },
	{ 0 },
};
