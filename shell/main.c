/* main.c - ringlab: options, then the interactive shell, a script, -c commands or a pipe. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arg.h"
#include "cmd.h"
#include "guard.h"
#include "out.h"
#include "repl.h"
#include "script.h"
#include "sess.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ringlab [OPTIONS] [FILE]\n"
		"A NIC, its descriptor rings and the kernel's network stack core, one call at a time.\n\n"
		"  -c, --command 'CMD; CMD'  run these commands and exit; each command counts as a\n"
		"                            line, so an error in the third says -c:3:\n"
		"  -f, --file FILE           run the commands in FILE and exit (or: ringlab FILE)\n"
		"  -k, --keep-going          in a script, go on after a failed command\n"
		"  -i, --interactive         after -c or -f (even one stopped by a failed command or\n"
		"                            an unmet expect), stay in the shell with that machine\n"
		"      --seed N              the simulation's seed (default 1)\n"
		"      --driver X            solution (default), student, student:LAB[:DIR] (lab LAB\n"
		"                            from labs/LAB or DIR, the others linked) or FILE.so\n"
		"      --view                start in the full-screen ring view (interactive only)\n"
		"      --gen-docs            print docs/commands.md\n"
		"  -h, --help                this help\n"
		"  -V, --version             the version\n\n"
		"Without -c or FILE: an interactive shell on a terminal, or the commands read from a\n"
		"pipe (no prompt). Exit status: 0 ok, 1 a command failed, 2 bad options, 3 a\n"
		"driver crashed (oops), 4 a BUG: line, 130 interrupted; when several apply (-k:\n"
		"an oops and a failed command), 1 before 130 before 3 before 4. `help` inside\n"
		"lists the commands.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "command", required_argument, NULL, 'c' }, { "file", required_argument, NULL, 'f' },
		{ "keep-going", no_argument, NULL, 'k' },    { "seed", required_argument, NULL, 'S' },
		{ "driver", required_argument, NULL, 'D' },  { "view", no_argument, NULL, 'v' },
		{ "gen-docs", no_argument, NULL, 'G' },	     { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },	     { "interactive", no_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmds = NULL, *file = NULL, *driver = NULL;
	bool keep_going = false, view = false, stay = false;
	long long seed = 1;
	struct sess s;
	int o, rc = 0;

	while ((o = getopt_long(argc, argv, "c:f:ikhV", opts, NULL)) != -1) {
		switch (o) {
		case 'c': cmds = optarg; break;
		case 'f': file = optarg; break;
		case 'k': keep_going = true; break;
		case 'i': stay = true; break;
		case 'S':
			if (arg_parse_num(optarg, &seed) || seed > SEED_MAX) {
				fprintf(stderr, "ringlab: --seed must be a number from 0 to %lld, not "
					"'%s'\n", SEED_MAX, optarg);
				return EXIT_USAGE;
			}
			break;
		case 'D': driver = optarg; break;
		case 'v': view = true; break;
		case 'G': docs_generate(); return 0;
		case 'h': usage(stdout); return 0;
		case 'V': printf("ringlab %s\n", RINGLAB_VERSION); return 0;
		default: /* getopt said which option */
			fprintf(stderr, "usage: ringlab [OPTIONS] [FILE]   (ringlab --help)\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc && !file && !cmds)
		file = argv[optind++];
	if (optind < argc || (file && cmds)) {
		fprintf(stderr, "ringlab: one of -c, -f or FILE, not more (see --help)\n");
		return EXIT_USAGE;
	}
	if (stay && !cmds && !file) {
		fprintf(stderr, "ringlab: -i goes with -c or -f: the shell stays after the script\n");
		return EXIT_USAGE;
	}
	if (view && (cmds || file)) {
		fprintf(stderr, "ringlab: --view is for the interactive shell, not with %s "
			"(a script can't use the full-screen view)\n", cmds ? "-c" : "a script file");
		return EXIT_USAGE;
	}
	if (view && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "ringlab: --view needs a terminal (it is full-screen)\n");
		return EXIT_USAGE;
	}
	guard_install();
	repl_signals();
	if (!sess_init(&s, (u64)seed))
		return EXIT_FAILED;
	s.keep_going = keep_going;
	s.interactive = !cmds && !file && isatty(STDIN_FILENO);
	if (driver && strcmp(driver, "solution")) {
		char line[SESS_PATH_MAX + 16];
		struct out_capture c;
		static char quiet[8192];

		if (!strncmp(driver, "student:", 8)) {
			/* student:LAB[:DIR] -> driver student LAB [DIR] */
			const char *lab = driver + 8, *dir = strchr(lab, ':');

			snprintf(line, sizeof(line), "driver student '%.*s'%s%s%s",
				 (int)(dir ? (size_t)(dir - lab) : strlen(lab)), lab, dir ? " '" : "",
				 dir ? dir + 1 : "", dir ? "'" : "");
		} else {
			snprintf(line, sizeof(line), "driver '%s'", driver);
		}
		out_capture_begin(&c, quiet, sizeof(quiet));
		rc = cmd_exec_line(&s, line);
		out_capture_end(&c);
		if (rc) {
			/* the command's first line, without its "driver: " */
			char *msg = strstr(quiet, "driver: ") ? strstr(quiet, "driver: ") + 8 : quiet;

			msg[strcspn(msg, "\n")] = '\0';
			fprintf(stderr, "ringlab: --driver %s: %s\n", driver, msg);
			sess_fini(&s);
			return EXIT_USAGE;
		}
	}
	if (cmds)
		rc = script_run_string(&s, cmds, "-c");
	else if (file)
		rc = script_run_file(&s, file, "ringlab");
	else if (!s.interactive)
		rc = script_run_stream(&s, stdin, "<stdin>");
	else {
		if (view)
			cmd_exec_line(&s, "view");
		repl_run(&s, true);
	}
	if (stay && (cmds || file) && !s.interrupted) {
		/* -i: the machine as the script left it, for ring, trace and view */
		out_printf("ringlab: the script %s; the shell is yours (ring, trace, view; quit to "
			   "leave)\n", rc ? "stopped at the line above" : "ran to its end");
		out_flush();
		s.interactive = isatty(STDIN_FILENO);
		if (s.interactive)
			repl_run(&s, true);
		else
			script_run_stream(&s, stdin, "<stdin>");
		rc = 0;
	}
	out_flush();
	if (rc)
		rc = EXIT_FAILED;
	else if (s.interrupted)
		rc = EXIT_INTERRUPTED;
	else if (s.oopsed && !s.interactive)
		rc = EXIT_OOPS;
	else if (sess_bugs(&s) && !s.interactive)
		rc = EXIT_BUG;
	sess_fini(&s);
	return rc;
}
