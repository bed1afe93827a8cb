/* runner.c - the grader's main: points, verdicts, the score table and Gradescope's results.json. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <criterion/internal/ordered-set.h>
#include <criterion/options.h>

#include "verdict.h"

/*
 * One binary per lab (grade.mk links it): the lab's tests, the student's
 * code for that lab, the reference for the others, and this main. The
 * points files name every test; a test without a points line, or a line
 * without a test, is refused before anything runs. Criterion runs each test
 * in a worker process with the suite's timeout; the report hook below sees
 * each result in this process as it comes, classifies it (PASS, FAIL,
 * CRASH, TIMEOUT, ASAN, UBSAN, LEAK) and rewrites results.json at once, so
 * a run killed by the outer timeout still leaves what was graded. Criterion's
 * own --json is not used: 2.4.1 does not escape quotes.
 */

#ifndef GRADE_SUITE
#error "GRADE_SUITE (the lab's name) must be defined by the build"
#endif
#define STR2(x) #x
#define STR(x) STR2(x)
#define LAB STR(GRADE_SUITE)

TestSuite(GRADE_SUITE, .timeout = GRADE_TEST_TIMEOUT);

#define MAX_TESTS 128

struct result {
	char name[64];
	int points;
	char hint[256];
	bool hidden;	     /* from solutions/LAB/hidden-tests */
	char src[256];	     /* points file and line, for messages */
	bool has_test, done;
	char verdict[16];    /* PASS FAIL CRASH TIMEOUT ASAN UBSAN LEAK */
	char *detail;	     /* the failure in words */
	double seconds;
	int order;	     /* finishing order */
};

static struct result res[MAX_TESTS];
static int nres, ndone;
static const char *out_dir = "build/grade", *driver = "student", *impl = "labs/" LAB;
static char lab_dir[512], json_path[600];
static struct timespec t0;
static bool fail_fast;	/* GRADE_FAIL_FAST=1: the table and out at the first failure */
static FILE *tout;	/* the table's stream: our stdout, which Criterion's runner hides */

static double since_start(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
}

static struct result *find(const char *name)
{
	for (int i = 0; i < nres; i++)
		if (!strcmp(res[i].name, name))
			return &res[i];
	return NULL;
}

/* "name points hint text": returns the number of problems (printed). */
static int load_points(const char *path, bool hidden)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int lineno = 0, bad = 0;

	if (!f) {
		fprintf(stderr, "grade: cannot read %s\n", path);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		char name[64], *p = line, *end;
		long pts;
		size_t n;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		p += strspn(p, " \t");
		if (!*p || *p == '#')
			continue;
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
		if (!n || n >= sizeof(name) || (p[n] != ' ' && p[n] != '\t')) {
			fprintf(stderr, "grade: %s:%d: expected `name points hint` (name in a-z 0-9 _), "
				"not '%s'\n", path, lineno, line);
			bad++;
			continue;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		pts = strtol(p, &end, 10);
		if (end == p || pts < 0 || pts > 1000 || (*end && *end != ' ' && *end != '\t')) {
			fprintf(stderr, "grade: %s:%d: %s: expected the points (0 to 1000) after the name\n",
				path, lineno, name);
			bad++;
			continue;
		}
		p = end + strspn(end, " \t");
		if (find(name)) {
			fprintf(stderr, "grade: %s:%d: %s has a points line already (%s)\n", path, lineno,
				name, find(name)->src);
			bad++;
			continue;
		}
		if (nres == MAX_TESTS) {
			fprintf(stderr, "grade: %s:%d: more than %d tests\n", path, lineno, MAX_TESTS);
			bad++;
			break;
		}
		snprintf(res[nres].name, sizeof(res[nres].name), "%s", name);
		res[nres].points = (int)pts;
		snprintf(res[nres].hint, sizeof(res[nres].hint), "%s", *p ? p : "the handout");
		res[nres].hidden = hidden;
		snprintf(res[nres].src, sizeof(res[nres].src), "%s:%d", path, lineno);
		nres++;
	}
	fclose(f);
	return bad;
}

static char *slurp(const char *path, size_t max)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, max, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void artifact(char *buf, size_t len, const char *name, const char *ext)
{
	snprintf(buf, len, "%s/%s.%s", lab_dir, name, ext);
}

/* The first lines of a sanitizer report in the log, or NULL. */
static char *sanitizer_report(const char *log, const char **kind)
{
	const char *p = strstr(log, "ERROR: AddressSanitizer"), *e;
	char *out;
	int lines = 0;

	*kind = "ASAN";
	if (!p) {
		p = strstr(log, "runtime error:");
		*kind = "UBSAN";
		if (!p)
			return NULL;
		while (p > log && p[-1] != '\n')
			p--;
	} else {
		while (p > log && p[-1] != '\n')
			p--;
	}
	/* the report's first line, what was accessed, and its top frames */
	e = p;
	while (*e && lines < 6) {
		const char *nl = strchr(e, '\n');

		if (!nl) {
			e += strlen(e);
			break;
		}
		e = nl + 1;
		lines++;
	}
	out = malloc((size_t)(e - p) + 1);
	if (!out)
		return NULL;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	/* drop blank lines and the "==PID==" prefix noise of ASan's lines */
	for (char *q = out; (q = strstr(q, "\n\n"));)
		memmove(q, q + 1, strlen(q));
	if (strlen(out) && out[strlen(out) - 1] == '\n')
		out[strlen(out) - 1] = '\0';
	return out;
}

static const char *sig_name(int sig)
{
	static char buf[24];

	switch (sig) {
	case SIGILL: return "SIGILL";
	case SIGABRT: return "SIGABRT";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGKILL: return "SIGKILL";
	case SIGSEGV: return "SIGSEGV";
	default: snprintf(buf, sizeof(buf), "signal %d", sig); return buf;
	}
}

static void classify(struct criterion_test_stats *st, struct result *r)
{
	char path[700], *log, *vfile, *san;
	const char *kind, *msg = NULL;

	artifact(path, sizeof(path), r->name, "log");
	log = slurp(path, 4 << 20);
	artifact(path, sizeof(path), r->name, "verdict");
	vfile = slurp(path, 4096);
	if (vfile)
		vfile[strcspn(vfile, "\n")] = '\0';
	for (struct criterion_assert_stats *a = st->asserts; a; a = a->next)
		if (!a->passed && a->message && *a->message) {
			msg = a->message;
			break;
		}
	if (log && (san = sanitizer_report(log, &kind))) {
		snprintf(r->verdict, sizeof(r->verdict), "%s", kind);
		r->detail = san;
	} else if (vfile && !strncmp(vfile, VERDICT_TIMEOUT_WORD " ", 8)) {
		snprintf(r->verdict, sizeof(r->verdict), "TIMEOUT");
		r->detail = malloc(strlen(vfile) + (msg ? strlen(msg) : 0) + 8);
		if (r->detail)
			sprintf(r->detail, "%s%s%s", vfile + 8, msg && !strncmp(msg, "at line ", 8) ?
				"\n" : "", msg && !strncmp(msg, "at line ", 8) ? msg : "");
	} else if (vfile && !strncmp(vfile, VERDICT_CRASH_WORD " ", 6)) {
		snprintf(r->verdict, sizeof(r->verdict), "CRASH");
		r->detail = strdup(vfile + 6);
		if (msg && !strncmp(msg, "at line ", 8)) {
			/* the oops happened in a command: say which */
			char *d = malloc(strlen(r->detail) + strlen(msg) + 8);

			if (d) {
				sprintf(d, "%s\n%s", r->detail, msg);
				free(r->detail);
				r->detail = d;
			}
		}
	} else if (st->timed_out) {
		snprintf(r->verdict, sizeof(r->verdict), "TIMEOUT");
		r->detail = strdup("the test ran past its " STR(GRADE_TEST_TIMEOUT) " s limit");
	} else if (st->crashed) {
		char d[96];

		snprintf(d, sizeof(d), "%s, outside the lab functions' calls", sig_name(st->signal));
		snprintf(r->verdict, sizeof(r->verdict), "CRASH");
		r->detail = strdup(d);
	} else if (st->test_status == CR_STATUS_FAILED || st->exit_code) {
		bool leak = vfile && !strncmp(vfile, VERDICT_LEAK_WORD " ", 5);

		snprintf(r->verdict, sizeof(r->verdict), leak ? "LEAK" : "FAIL");
		if (leak && msg) {
			size_t first = strcspn(msg, "\n"); /* the check's lines repeat the leak */

			r->detail = malloc(strlen(vfile) + first + 4);
			if (r->detail)
				sprintf(r->detail, "%s\n%.*s", vfile + 5, (int)first, msg);
		} else if (msg) {
			r->detail = strdup(msg);
		} else {
			char d[96];

			snprintf(d, sizeof(d), "the test's process exited with status %d", st->exit_code);
			r->detail = strdup(d);
		}
	} else {
		snprintf(r->verdict, sizeof(r->verdict), "PASS");
	}
	free(log);
	free(vfile);
}

static int print_table(void);

static bool passed(const struct result *r)
{
	return !strcmp(r->verdict, "PASS");
}

static void replay_hint(const struct result *r, char *buf, size_t len)
{
	snprintf(buf, len, "hint: %s\nreplay: ringlab --driver %s -i -f %s/%s.rl (log: %s/%s.log, pcap: "
		 "%s/%s.pcap)", r->hint, driver, lab_dir, r->name, lab_dir, r->name, lab_dir, r->name);
}

/* results.json, Gradescope's format, with every test graded so far. */
static void write_json(void)
{
	cJSON *j = cJSON_CreateObject(), *tests = NULL;
	int score = 0, max = 0, number = 0;
	char tmp[700], out[256], *text;
	FILE *f;

	for (int i = 0; i < nres; i++) {
		max += res[i].points;
		if (res[i].done && passed(&res[i]))
			score += res[i].points;
	}
	cJSON_AddNumberToObject(j, "score", score);
	cJSON_AddNumberToObject(j, "execution_time", since_start());
	snprintf(out, sizeof(out), "lab %s (%s): %d/%d, %d of %d tests graded", LAB, impl, score, max,
		 ndone, nres);
	cJSON_AddStringToObject(j, "output", out);
	cJSON_AddStringToObject(j, "visibility", "visible");
	cJSON_AddStringToObject(j, "stdout_visibility", "hidden");
	tests = cJSON_AddArrayToObject(j, "tests");
	for (int i = 0; i < nres; i++) {
		struct result *r = &res[i];
		cJSON *t;
		char buf[1024], *o;
		size_t n;

		number++;
		if (!r->done)
			continue;
		t = cJSON_CreateObject();
		snprintf(buf, sizeof(buf), "%s/%s", LAB, r->name);
		cJSON_AddStringToObject(t, "name", buf);
		snprintf(buf, sizeof(buf), "%d", number);
		cJSON_AddStringToObject(t, "number", buf);
		cJSON_AddNumberToObject(t, "score", passed(r) ? r->points : 0);
		cJSON_AddNumberToObject(t, "max_score", r->points);
		cJSON_AddStringToObject(t, "status", passed(r) ? "passed" : "failed");
		cJSON_AddNumberToObject(t, "execution_time", r->seconds);
		replay_hint(r, buf, sizeof(buf));
		n = strlen(r->verdict) + (r->detail ? strlen(r->detail) : 0) + strlen(buf) + 8;
		o = malloc(n);
		if (o) {
			if (passed(r))
				snprintf(o, n, "PASS");
			else
				snprintf(o, n, "%s: %s\n%s", r->verdict, r->detail ? r->detail : "", buf);
			cJSON_AddStringToObject(t, "output", o);
			free(o);
		}
		cJSON_AddStringToObject(t, "output_format", "text");
		cJSON_AddItemToObject(t, "tags", cJSON_CreateStringArray((const char *[]){ LAB }, 1));
		cJSON_AddStringToObject(t, "visibility", r->hidden ? "after_published" : "visible");
		cJSON_AddItemToArray(tests, t);
	}
	text = cJSON_Print(j);
	cJSON_Delete(j);
	snprintf(tmp, sizeof(tmp), "%s.tmp", json_path);
	f = fopen(tmp, "w");
	if (f && text) {
		fputs(text, f);
		fputc('\n', f);
	}
	if (f && !fclose(f))
		rename(tmp, json_path);
	free(text);
}

ReportHook(POST_TEST)(struct criterion_test_stats *st)
{
	struct result *r = find(st->test->name);
	char path[700];
	static const char *const exts[] = { "rl", "log", "pcap", "verdict" };

	if (!r || strcmp(st->test->category, LAB))
		return;
	classify(st, r);
	r->seconds = st->elapsed_time;
	r->done = true;
	r->order = ndone++;
	if (passed(r)) /* artifacts are for failing tests */
		for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
			artifact(path, sizeof(path), r->name, exts[i]);
			unlink(path);
		}
	else {
		artifact(path, sizeof(path), r->name, "verdict");
		unlink(path);
	}
	write_json();
	if (fail_fast && !passed(r)) {
		/* enough for the grader's own tests, which only ask whether a mutant loses points */
		print_table();
		_exit(1);
	}
}

/* Print text indented by ind spaces after the first line. */
static void print_indented(const char *text, int ind)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");

		fprintf(tout, "%.*s\n", (int)n, p);
		p += n;
		if (*p == '\n') {
			p++;
			if (*p)
				fprintf(tout, "%*s", ind, "");
		}
	}
}

static int print_table(void)
{
	int score = 0, max = 0, w = 4;

	for (int i = 0; i < nres; i++)
		if ((int)strlen(res[i].name) > w)
			w = (int)strlen(res[i].name);
	fprintf(tout, "lab %s: %s, %d tests\n", LAB, impl, nres);
	fprintf(tout, "  %-*s  points  verdict\n", w, "test");
	for (int i = 0; i < nres; i++) {
		struct result *r = &res[i];
		char pts[16], hint[1024];
		int got = r->done && passed(r) ? r->points : 0;

		max += r->points;
		score += got;
		snprintf(pts, sizeof(pts), "%d/%d", got, r->points);
		fprintf(tout, "  %-*s  %-6s  %s%s", w, r->name, pts, r->done ? r->verdict : "NOT RUN",
		       r->hidden ? " (hidden)" : "");
		if (!r->done || passed(r)) {
			fprintf(tout, "\n");
			continue;
		}
		fprintf(tout, "\n%*s", w + 4, "");
		print_indented(r->detail ? r->detail : "", w + 4);
		replay_hint(r, hint, sizeof(hint));
		fprintf(tout, "%*s", w + 4, "");
		print_indented(hint, w + 4);
	}
	fprintf(tout, "Score: %d/%d\n", score, max);
	fflush(tout);
	return score == max ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct criterion_test_set *set;
	const char *points = getenv("GRADE_POINTS"), *e;
	char *list, *tok, *save = NULL;
	int bad = 0, rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	fflush(stdout);
	tout = fdopen(dup(STDOUT_FILENO), "w");
	if (!tout)
		tout = stdout;
	if ((e = getenv("GRADE_OUT")) && *e)
		out_dir = e;
	if ((e = getenv("GRADE_DRIVER")) && *e)
		driver = e;
	if ((e = getenv("GRADE_IMPL")) && *e)
		impl = e;
	snprintf(lab_dir, sizeof(lab_dir), "%s/%s", out_dir, LAB);
	snprintf(json_path, sizeof(json_path), "%s/results.json", lab_dir);
	if (!points || !*points) {
		fprintf(stderr, "grade: GRADE_POINTS names no points file (make grade sets it)\n");
		return 2;
	}
	list = strdup(points);
	for (tok = strtok_r(list, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		bad += load_points(tok, strstr(tok, "hidden-tests") != NULL);
	free(list);

	set = criterion_initialize();
	FOREACH_SET(struct criterion_suite_set *s, set->suites) {
		FOREACH_SET(struct criterion_test *t, s->tests) {
			struct result *r;

			if (strcmp(t->category, LAB)) {
				fprintf(stderr, "grade: test %s/%s: a graded test of lab %s is "
					"Test(%s, NAME)\n", t->category, t->name, LAB, LAB);
				bad++;
				continue;
			}
			r = find(t->name);
			if (!r) {
				fprintf(stderr, "grade: test %s/%s has no points line (add `%s POINTS HINT` "
					"to the points file beside it)\n", LAB, t->name, t->name);
				bad++;
			} else {
				r->has_test = true;
			}
		}
	}
	for (int i = 0; i < nres; i++)
		if (!res[i].has_test) {
			fprintf(stderr, "grade: %s: points for %s, but no Test(%s, %s) exists\n",
				res[i].src, res[i].name, LAB, res[i].name);
			bad++;
		}
	if (bad) {
		fprintf(stderr, "grade: lab %s refused: %d problem%s in its tests and points\n", LAB, bad,
			bad == 1 ? "" : "s");
		criterion_finalize(set);
		return 2;
	}
	unlink(json_path);
	write_json(); /* an empty run is a result too: 0 of N graded */
	criterion_options.logging_threshold = CRITERION_LOG_LEVEL_QUIET;
	criterion_options.jobs = (e = getenv("GRADE_JOBS")) && atoi(e) > 0 ? (size_t)atoi(e) : 2;
	criterion_options.measure_time = true;
	if ((e = getenv("GRADE_FILTER")) && *e)
		criterion_options.pattern = e;
	fail_fast = (e = getenv("GRADE_FAIL_FAST")) && !strcmp(e, "1");
	criterion_run_all_tests(set);
	criterion_finalize(set);
	write_json();
	rc = print_table();
	(void)argc;
	(void)argv;
	return rc;
}
