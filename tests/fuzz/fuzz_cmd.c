/* fuzz_cmd.c - libFuzzer over the shell's parser and dispatcher: any input is commands. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shell/cmd.h"
#include "../../shell/guard.h"
#include "../../shell/out.h"
#include "../../shell/sess.h"

/*
 * Each input is split into lines; each line into commands at ';' and into
 * words by the shell's own tokenizer (cmd_split), so what is skipped is what
 * the dispatcher would run: the command is looked up by name or alias
 * (cmd_find), not by the first bytes of the line ("bench\r" is bench). Each
 * command then runs alone (cmd_exec_argv). Time advances: step, run with a
 * step count, pktgen with a small count. Commands that touch files, load
 * code, or run for seconds are skipped, as are runs without a small step
 * bound: they would fuzz the file system or the clock, not the shell. The
 * machine is made fresh every 64 inputs, so state builds up enough to reach
 * deep paths without growing forever. libFuzzer's -timeout works: the shell's
 * own watchdog uses a timer of its own, not SIGALRM.
 */

static const char *const skipped[] = { "source", "pcap", "driver", "bench", "experiment",
				       "view", "quit", "reset", "seed" };

#define MAX_STEPS 2000
#define MAX_FRAMES 200

static long number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && !*end ? v : -1;
}

/* May this command run? Time only in small steps. */
static int allowed(int argc, char **argv)
{
	const struct cmd *c = cmd_find(argv[0]);

	if (!c)
		return 1; /* an unknown command: the dispatcher's error path */
	for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (!strcmp(c->name, skipped[i]))
			return 0;
	if (!strcmp(c->name, "step"))
		return argc == 1 || (argc == 2 && number(argv[1]) >= 0 && number(argv[1]) <= MAX_STEPS);
	if (!strcmp(c->name, "run")) /* run N only: no until idle, no for TIME */
		return argc == 2 && number(argv[1]) >= 0 && number(argv[1]) <= MAX_STEPS;
	if (!strcmp(c->name, "pktgen") || !strcmp(c->name, "dev_queue_xmit") ||
	    !strcmp(c->name, "ping")) {
		for (int i = 1; i < argc; i++)
			if (number(argv[i]) > MAX_FRAMES)
				return 0;
		for (int i = 1; i + 1 < argc; i++)
			if (!strcmp(argv[i], "pcap") || !strcmp(argv[i], "start"))
				return 0;
	}
	return 1;
}

static void run_line(struct sess *s, const char *line)
{
	const char *p = line;

	while (p && *p) {
		char buf[1024], *argv[CMD_MAX_WORDS];
		const char *rest = NULL, *err;
		int argc = cmd_split(p, buf, sizeof(buf), argv, CMD_MAX_WORDS, &rest, &err);

		if (argc < 0)
			return; /* the tokenizer's error: nothing runs */
		if (argc > 0 && allowed(argc, argv))
			cmd_exec_argv(s, argc, argv);
		p = rest;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sess s;
	static int inputs;
	static char sink[1 << 16];
	char line[512];
	struct out_capture c;
	size_t i = 0;

	if (!s.k) {
		guard_install();
		if (!sess_init(&s, 1))
			return 0;
		sess_trace(&s, false);
	}
	out_capture_begin(&c, sink, sizeof(sink));
	while (i < size) {
		size_t n = 0;

		while (i < size && data[i] != '\n' && n + 1 < sizeof(line))
			line[n++] = (char)data[i++];
		i++;
		line[n] = '\0';
		if (memchr(line, '\0', n) == NULL)
			run_line(&s, line);
	}
	out_capture_end(&c);
	if (++inputs % 64 == 0) {
		sess_reset(&s);
		sess_trace(&s, false);
	}
	return 0;
}
