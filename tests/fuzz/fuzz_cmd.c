/* fuzz_cmd.c - libFuzzer over the shell's parser and dispatcher: any input is commands. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../shell/cmd.h"
#include "../../shell/guard.h"
#include "../../shell/out.h"
#include "../../shell/sess.h"

/*
 * Each input is split into lines and every line runs as a command, with all
 * output captured (and dropped). The machine is made fresh every 64 inputs,
 * so state builds up enough to reach deep paths without growing forever.
 * Commands that touch files, load code, or run for seconds are skipped:
 * they would fuzz the file system, not the parser.
 */

static const char *const skipped[] = { "source", "pcap", "tcpdump", "driver", "bench",
					"experiment", "exp", "view", "run", "step", "s",
					"quit", "exit", "q", "pktgen", "reset", "seed" };

static int skip(const char *line)
{
	char word[32];
	size_t n = 0;

	while (*line == ' ' || *line == '\t')
		line++;
	while (line[n] && line[n] != ' ' && line[n] != '\t' && line[n] != ';' && n + 1 < sizeof(word))
		n++;
	memcpy(word, line, n);
	word[n] = '\0';
	for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (!strcmp(word, skipped[i]))
			return 1;
	return strchr(line, ';') != NULL; /* a second command could be any of them */
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
		s.trace_on = false;
		sess_trace(&s, false);
	}
	out_capture_begin(&c, sink, sizeof(sink));
	while (i < size) {
		size_t n = 0;

		while (i < size && data[i] != '\n' && n + 1 < sizeof(line))
			line[n++] = (char)data[i++];
		i++;
		line[n] = '\0';
		if (memchr(line, '\0', n) == NULL && !skip(line))
			cmd_exec_line(&s, line);
	}
	out_capture_end(&c);
	if (++inputs % 64 == 0) {
		sess_reset(&s);
		sess_trace(&s, false);
	}
	return 0;
}
