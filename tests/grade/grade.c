/* grade.c - the test side of the grader: the machine, commands, expectations and the test's artifacts. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "grade.h"
#include "verdict.h"

#include "../../shell/cmd.h"
#include "../../shell/cond.h"
#include "../../shell/guard.h"
#include "../../shell/out.h"
#include "../../shell/sess.h"

/*
 * Each graded test runs in a worker process of its own (Criterion forks
 * one per test), so this file keeps one session in globals. The worker's
 * stdout and stderr both go to NAME.log, appended in order: the shell's
 * output, the trace, an oops report, a sanitizer's report. A command's
 * error is read back from there, so the test's message is the shell's own.
 *
 * Verdicts other than PASS and FAIL need the worker to say why before it
 * is gone: a crash inside a command is an oops (the shell's guard catches
 * it, and names the lab function), a crash outside one is caught by our
 * signal handler, and a test that runs too long is stopped by a CPU-time
 * timer (SIGPROF) a little before Criterion's own timeout. Each writes
 * NAME.verdict, which the runner reads (verdict.h).
 */

#define LOG_TAIL (64 * 1024) /* at most this much of a command's output is read back */

static struct sess sess;
static bool begun;
static char rl_path[512], log_path[512], pcap_path[512], verdict_path[512], test_name[128];
static FILE *rl;
static unsigned long rl_line;
static char tail[LOG_TAIL + 1];

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cr_assert_fail("%s", msg);
	abort(); /* not reached: cr_assert_fail ends the test */
}

/* The verdict file: written with plain write(2), so a signal handler can use it too. */
static void verdict_write(const char *kind, const char *detail)
{
	int fd = open(verdict_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return;
	if (write(fd, kind, strlen(kind)) < 0 || write(fd, " ", 1) < 0 ||
	    write(fd, detail, strlen(detail)) < 0 || write(fd, "\n", 1) < 0) {
		/* nothing more to do: the runner falls back on Criterion's flags */
	}
	close(fd);
}

static const char *sig_text(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGILL: return "SIGILL";
	case SIGABRT: return "SIGABRT";
	default: return "signal";
	}
}

static struct sigaction guard_sa[32];

/* A fault: say which lab function was running, then let the guard have it
 * (inside a command it becomes an oops; outside, the worker dies of it). */
static void on_fault(int sig, siginfo_t *si, void *uc)
{
	const char *fn = sess.k ? kit_driver_fn_running(sess.k) : NULL;
	char detail[160];
	size_t n = 0;

	detail[0] = '\0';
	/* no stdio here: build the line by hand */
	for (const char *p = sig_text(sig); *p && n < sizeof(detail) - 1; p++)
		detail[n++] = *p;
	for (const char *p = fn ? " in " : " outside the lab functions"; *p && n < sizeof(detail) - 1; p++)
		detail[n++] = *p;
	for (const char *p = fn ? fn : ""; *p && n < sizeof(detail) - 1; p++)
		detail[n++] = *p;
	detail[n] = '\0';
	verdict_write(VERDICT_CRASH_WORD, detail);
	if (guard_sa[sig].sa_flags & SA_SIGINFO)
		guard_sa[sig].sa_sigaction(sig, si, uc);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The test's CPU time is up: a hang that no shell command's watchdog saw. */
static void on_prof(int sig)
{
	const char *fn = sess.k ? kit_driver_fn_running(sess.k) : NULL;
	char detail[160] = "no progress within " GRADE_CPU_SECONDS_STR " s of CPU time";
	size_t n = strlen(detail);

	for (const char *p = fn ? ", in " : ""; *p && n < sizeof(detail) - 1; p++)
		detail[n++] = *p;
	for (const char *p = fn ? fn : ""; *p && n < sizeof(detail) - 1; p++)
		detail[n++] = *p;
	detail[n] = '\0';
	verdict_write(VERDICT_TIMEOUT_WORD, detail);
	signal(SIGKILL, SIG_DFL);
	raise(SIGKILL);
}

static void install_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct itimerval it = { { 0, 0 }, { GRADE_CPU_SECONDS, 0 } };
	struct sigaction sa;

	guard_install();
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, &guard_sa[sigs[i]]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_prof;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPROF, &sa, NULL);
	setitimer(ITIMER_PROF, &it, NULL);
}

static void finish(void)
{
	if (!begun)
		return;
	begun = false;
	out_flush();
	if (rl) {
		fclose(rl);
		rl = NULL;
	}
	if (sess.k)
		kit_pcap_stop(sess.k);
	fflush(stdout);
}

void grade_begin(const char *lab, const char *name)
{
	const char *out = getenv("GRADE_OUT"), *driver = getenv("GRADE_DRIVER");
	char dir[400], err[256];
	int fd;

	if (begun)
		die("grade_begin called twice in test %s", name);
	snprintf(dir, sizeof(dir), "%s/%s", out && *out ? out : "build/grade", lab);
	snprintf(test_name, sizeof(test_name), "%s", name);
	snprintf(rl_path, sizeof(rl_path), "%s/%s.rl", dir, name);
	snprintf(log_path, sizeof(log_path), "%s/%s.log", dir, name);
	snprintf(pcap_path, sizeof(pcap_path), "%s/%s.pcap", dir, name);
	snprintf(verdict_path, sizeof(verdict_path), "%s/%s.verdict", dir, name);
	unlink(verdict_path);

	fflush(stdout);
	fflush(stderr);
	fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (fd < 0)
		die("grade: cannot write %s: %s (make grade makes the folder)", log_path,
		    strerror(errno));
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	rl = fopen(rl_path, "w");
	if (!rl)
		die("grade: cannot write %s: %s", rl_path, strerror(errno));
	fprintf(rl, "# Test %s/%s, as the grader ran it. Replay it on your code (it stops at the\n"
		"# first unmet expectation, where `ring sn0 tx`, `trace last 20` and `view` show why):\n"
		"#   ringlab --driver %s -f %s\n",
		lab, name, driver && *driver ? driver : "student", rl_path);
	rl_line = 3;
	fflush(rl);

	install_handlers();
	atexit(finish);
	if (!sess_init(&sess, 1))
		die("grade: cannot create the machine");
	sess.interactive = false;
	begun = true;
	/* The replay loads the student's code as a .so, which reopens every
	 * device; do the same here, so both machines start alike. */
	sess_trace_detach(&sess);
	if (kit_driver_load(sess.k, NULL, err, sizeof(err)) < 0)
		die("grade: cannot reopen the devices: %s", err);
	sess_trace_attach(&sess);
	if (kit_pcap_start(kit_dev_by_name(sess.k, "sn0"), pcap_path, err, sizeof(err)))
		die("grade: cannot capture to %s: %s", pcap_path, err);
	printf("==== test %s/%s\n", lab, name);
}

static void need_begun(const char *what)
{
	if (!begun)
		die("%s before grade_begin(LAB, NAME): start the test with grade_begin", what);
}

/* Read the log from offset off (at most LOG_TAIL bytes, the last ones). */
static const char *read_back(off_t off)
{
	int fd = open(log_path, O_RDONLY);
	off_t end;
	ssize_t n;

	tail[0] = '\0';
	if (fd < 0)
		return tail;
	end = lseek(fd, 0, SEEK_END);
	if (end - off > LOG_TAIL)
		off = end - LOG_TAIL;
	n = pread(fd, tail, LOG_TAIL, off);
	close(fd);
	tail[n > 0 ? n : 0] = '\0';
	return tail;
}

/* The line of text that starts with prefix (and the indented ones after it), into buf. */
static bool find_lines(const char *text, const char *prefix, char *buf, size_t len)
{
	const char *p = strstr(text, prefix), *e;
	size_t n = 0;

	if (!p || !len)
		return false;
	buf[0] = '\0';
	for (int lines = 0; *p && lines < 12; lines++) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if (lines && strncmp(p, "  ", 2))
			break;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%.*s", lines ? "\n" : "",
				      (int)(e - p), p);
		if (!*e)
			break;
		p = e + 1;
	}
	return true;
}

/* One line through the shell, recorded in the replay script. Returns the status. */
static int run_line(const char *line, bool fail_on_error, bool is_expect)
{
	char prefix[600], what[4096], msg[6000];
	bool was_oopsed = sess.oopsed;
	const char *text;
	off_t off;
	int rc;

	need_begun(is_expect ? "grade_expect" : "grade_cmd");
	if (strchr(line, '\n'))
		die("grade_cmd: one line at a time, not '%s'", line);
	fprintf(rl, "%s\n", line);
	fflush(rl);
	rl_line++;
	out_set_loc(rl_path, rl_line);
	out_flush();
	fflush(stdout);
	off = lseek(STDOUT_FILENO, 0, SEEK_END);
	rc = cmd_exec_line(&sess, line);
	out_flush();
	fflush(stdout);
	text = read_back(off);
	snprintf(prefix, sizeof(prefix), "%s:%lu: ", rl_path, rl_line);

	if (sess.oopsed && !was_oopsed) {
		bool hung;

		if (!find_lines(text, "Oops: ", what, sizeof(what)))
			snprintf(what, sizeof(what), "Oops (see %s)", log_path);
		what[strcspn(what, "\n")] = '\0';
		if (strrchr(what, '[') && strrchr(what, '[') > what)
			strrchr(what, '[')[-1] = '\0'; /* "[linked solution]": the grader links it */
		hung = strstr(what, "soft lockup") != NULL;
		verdict_write(hung ? VERDICT_TIMEOUT_WORD : VERDICT_CRASH_WORD,
			      what + (strncmp(what, "Oops: ", 6) ? 0 : 6));
		snprintf(msg, sizeof(msg), "at line %lu `%s` (the oops: %s)", rl_line, line, log_path);
		cr_assert_fail("%s", msg);
	}
	if (rc == 0 || !fail_on_error)
		return rc;
	if (find_lines(text, prefix, what, sizeof(what))) {
		const char *w = what + strlen(prefix);

		if (is_expect && !strcmp(line, "expect clean") && strstr(w, "leaked")) {
			char leak[512];

			find_lines(strstr(w, "skb#") ? strstr(w, "skb#") : w, "skb#", leak,
				   sizeof(leak));
			leak[strcspn(leak, "\n")] = '\0';
			verdict_write(VERDICT_LEAK_WORD, leak);
		}
		if (is_expect && !strncmp(w, "expect: ", 8))
			w += 8;
		snprintf(msg, sizeof(msg), "line %lu `%s`: %s", rl_line, line, w);
	} else {
		snprintf(msg, sizeof(msg), "line %lu `%s` failed (status %d; see %s)", rl_line, line, rc,
			 log_path);
	}
	cr_assert_fail("%s", msg);
	return rc;
}

static void vline(char *buf, size_t len, const char *fmt, va_list ap)
{
	vsnprintf(buf, len, fmt, ap);
}

void grade_cmd(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vline(line, sizeof(line), fmt, ap);
	va_end(ap);
	run_line(line, true, false);
}

int grade_try(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vline(line, sizeof(line), fmt, ap);
	va_end(ap);
	return run_line(line, false, false);
}

void grade_expect(const char *cond)
{
	char line[1024];

	snprintf(line, sizeof(line), "expect %s", cond);
	run_line(line, true, true);
}

void grade_expectf(const char *fmt, ...)
{
	char cond[1000];
	va_list ap;

	va_start(ap, fmt);
	vline(cond, sizeof(cond), fmt, ap);
	va_end(ap);
	grade_expect(cond);
}

void grade_note(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	need_begun("grade_note");
	va_start(ap, fmt);
	vline(line, sizeof(line), fmt, ap);
	va_end(ap);
	line[strcspn(line, "\n")] = '\0';
	fprintf(rl, "# %s\n", line);
	fflush(rl);
	rl_line++;
	printf("# %s\n", line);
}

void grade_failf(const char *dev, const char *fmt, ...)
{
	char what[1024], state[512] = "", msg[2048];
	struct net_device *d;
	va_list ap;

	need_begun("grade_check");
	va_start(ap, fmt);
	vline(what, sizeof(what), fmt, ap);
	va_end(ap);
	d = dev ? kit_dev_by_name(sess.k, dev) : NULL;
	if (d)
		cond_state(d, false, state, sizeof(state));
	fprintf(rl, "# the grader checked here, in C, and failed: %s\n", what);
	fflush(rl);
	snprintf(msg, sizeof(msg), "after line %lu: %s%s%s", rl_line, what, state[0] ? "\n  " : "",
		 state);
	printf("grade: %s\n", msg);
	cr_assert_fail("%s", msg);
	abort(); /* not reached */
}

struct kit *grade_kit(void)
{
	need_begun("grade_kit");
	return sess.k;
}

struct net_device *grade_dev(const char *name)
{
	struct net_device *d;

	need_begun("grade_dev");
	d = kit_dev_by_name(sess.k, name);
	if (!d)
		die("grade_dev: no device '%s' (sn0, sn1)", name);
	return d;
}

struct simnic_adapter *grade_adapter(const char *name)
{
	return netdev_priv(grade_dev(name));
}

u64 grade_stat(const char *dev, const char *counter)
{
	int i = kit_stat_find(counter);

	if (i < 0)
		die("grade_stat: no counter '%s' (ethtool -S lists them)", counter);
	return kit_dev_stat(grade_dev(dev), i);
}
