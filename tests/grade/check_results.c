/* check_results.c - validate a grader's results.json against Gradescope's format (make test-grade). */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/*
 * usage: check_results FILE [SCORE MAX]
 * Checks: top-level score, execution_time, stdout_visibility and tests[];
 * each test with name, number, score, max_score, status, output,
 * execution_time and a visibility Gradescope knows; the score is the sum of
 * the tests' scores. With SCORE MAX: the score and the sum of max_score are
 * those. Prints one line per problem; exit 0 if there is none.
 */

static int problems;

static void bad(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(const char *file, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", file);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	problems++;
}

static const cJSON *num(const char *file, const cJSON *o, const char *key, const char *who)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v)) {
		printf("%s: %s has no number \"%s\"\n", file, who, key);
		problems++;
		return NULL;
	}
	return v;
}

int main(int argc, char **argv)
{
	static const char *const vis[] = { "hidden", "after_due_date", "after_published", "visible" };
	FILE *f;
	char *buf;
	long n;
	cJSON *j;
	const cJSON *tests, *t, *v;
	double sum = 0, max = 0;

	if (argc != 2 && argc != 4) {
		fprintf(stderr, "usage: check_results FILE [SCORE MAX]\n");
		return 2;
	}
	f = fopen(argv[1], "r");
	if (!f) {
		printf("%s: cannot read it\n", argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		printf("%s: cannot read it\n", argv[1]);
		return 1;
	}
	buf[n] = '\0';
	fclose(f);
	j = cJSON_Parse(buf);
	free(buf);
	if (!j) {
		printf("%s: not valid JSON (near: %.40s)\n", argv[1], cJSON_GetErrorPtr());
		return 1;
	}
	num(argv[1], j, "score", "the top level");
	num(argv[1], j, "execution_time", "the top level");
	v = cJSON_GetObjectItemCaseSensitive(j, "stdout_visibility");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "hidden"))
		bad(argv[1], "stdout_visibility is not \"hidden\"");
	tests = cJSON_GetObjectItemCaseSensitive(j, "tests");
	if (!cJSON_IsArray(tests))
		bad(argv[1], "no tests[] array");
	cJSON_ArrayForEach(t, tests)
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(t, "name"), *s, *m;
		const char *who = cJSON_IsString(name) ? name->valuestring : "a test";
		bool known = false;

		if (!cJSON_IsString(name))
			bad(argv[1], "a test has no name");
		s = num(argv[1], t, "score", who);
		m = num(argv[1], t, "max_score", who);
		num(argv[1], t, "execution_time", who);
		if (s && m && (s->valuedouble < 0 || s->valuedouble > m->valuedouble))
			bad(argv[1], "%s: score out of 0..max_score (%g)", who, s->valuedouble);
		if (s)
			sum += s->valuedouble;
		if (m)
			max += m->valuedouble;
		v = cJSON_GetObjectItemCaseSensitive(t, "visibility");
		for (size_t i = 0; cJSON_IsString(v) && i < sizeof(vis) / sizeof(vis[0]); i++)
			known |= !strcmp(v->valuestring, vis[i]);
		if (!known)
			bad(argv[1], "%s: visibility is not one of hidden, after_due_date, after_published, "
				"visible", who);
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(t, "output")))
			bad(argv[1], "%s: no output text", who);
		v = cJSON_GetObjectItemCaseSensitive(t, "status");
		if (!cJSON_IsString(v) || (strcmp(v->valuestring, "passed") && strcmp(v->valuestring, "failed")))
			bad(argv[1], "%s: status is not passed or failed", who);
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(t, "number")))
			bad(argv[1], "%s: no number", who);
	}
	v = cJSON_GetObjectItemCaseSensitive(j, "score");
	if (cJSON_IsNumber(v) && fabs(v->valuedouble - sum) > 1e-9)
		bad(argv[1], "score %g is not the sum of the tests' scores (%g)", v->valuedouble, sum);
	if (argc == 4) {
		double want = atof(argv[2]), wmax = atof(argv[3]);

		if (cJSON_IsNumber(v) && fabs(v->valuedouble - want) > 1e-9)
			bad(argv[1], "score %g, expected %g", v->valuedouble, want);
		if (fabs(max - wmax) > 1e-9)
			bad(argv[1], "the tests' max_score add up to %g, expected %g", max, wmax);
	}
	cJSON_Delete(j);
	return problems ? 1 : 0;
}
