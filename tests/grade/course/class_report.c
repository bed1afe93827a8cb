/* class_report.c - make grade-class's gradebook and summary from each student's results.json.
 *
 *   class_report COLUMNS OUTROOT GRADEBOOK.csv SUMMARY.md STUDENTS
 *
 * COLUMNS has one line per graded test, `lab name points`, in the order of the points files.
 * OUTROOT/STUDENT/LAB/results.json is what make grade wrote for that student (missing: the
 * student scores 0 on that lab); STUDENTS has a line `KEY NAME` per
 * student: KEY the folder under OUTROOT, NAME the student's folder name for the gradebook. The gradebook has one row per student and lab (student, lab,
 * score, max, then one column per test, empty for another lab's tests); the summary says per
 * test how many students failed it and the most common failure message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "slurp.h"

#define MAXCOL 256
#define MAXMSG 64

struct column {
	char lab[32], name[64];
	int points, failed;
	int nmsg;
	struct {
		char *text;
		int count;
	} msg[MAXMSG];
};

static struct column col[MAXCOL];
static int ncol;

/* The first line of s, at most 160 characters, in a fresh string. */
static char *first_line(const char *s)
{
	size_t n = strcspn(s, "\n");
	char *t;

	if (n > 160)
		n = 160;
	t = malloc(n + 1);
	if (t) {
		memcpy(t, s, n);
		t[n] = '\0';
	}
	return t;
}

static void fail(struct column *c, const char *why)
{
	char *line = first_line(why);
	int i;

	c->failed++;
	if (!line)
		return;
	for (i = 0; i < c->nmsg; i++)
		if (!strcmp(c->msg[i].text, line)) {
			c->msg[i].count++;
			free(line);
			return;
		}
	if (c->nmsg < MAXMSG) {
		c->msg[c->nmsg].text = line;
		c->msg[c->nmsg++].count = 1;
	} else
		free(line);
}

static void csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else
		fputs(s, f);
}

/* One student's lab: a gradebook row, and the failures counted. */
static void grade_row(FILE *csv, const char *root, const char *dir, const char *student,
		      const char *lab)
{
	char path[4096], full[160];
	char *buf;
	cJSON *j, *tests;
	const cJSON *o;
	int score = 0, max = 0;
	const char *why = "no results: the grader did not run";

	snprintf(path, sizeof(path), "%s/%s/%s/results.json", root, dir, lab);
	buf = slurp(path);
	j = buf ? cJSON_Parse(buf) : NULL;
	free(buf);
	tests = j ? cJSON_GetObjectItemCaseSensitive(j, "tests") : NULL;
	o = j ? cJSON_GetObjectItemCaseSensitive(j, "output") : NULL;
	if (cJSON_IsString(o) && cJSON_GetArraySize(tests) == 0)
		why = o->valuestring;
	for (int i = 0; i < ncol; i++) {
		if (strcmp(col[i].lab, lab))
			continue;
		max += col[i].points;
	}
	csv_field(csv, student);
	fprintf(csv, ",%s", lab);
	/* the scores first, to know the total */
	int got[MAXCOL];
	for (int i = 0; i < ncol; i++) {
		const cJSON *t;

		got[i] = -1;
		if (strcmp(col[i].lab, lab))
			continue;
		got[i] = 0;
		snprintf(full, sizeof(full), "%s/%s", lab, col[i].name);
		cJSON_ArrayForEach(t, tests)
		{
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(t, "name");
			const cJSON *s = cJSON_GetObjectItemCaseSensitive(t, "score");
			const cJSON *out = cJSON_GetObjectItemCaseSensitive(t, "output");

			if (!cJSON_IsString(n) || strcmp(n->valuestring, full))
				continue;
			got[i] = cJSON_IsNumber(s) ? s->valueint : 0;
			if (got[i] < col[i].points)
				fail(&col[i], cJSON_IsString(out) ? out->valuestring : "failed");
			break;
		}
		if (!t)
			fail(&col[i], why);
		score += got[i];
	}
	fprintf(csv, ",%d,%d", score, max);
	for (int i = 0; i < ncol; i++)
		if (got[i] < 0)
			fputs(",", csv);
		else
			fprintf(csv, ",%d", got[i]);
	fputc('\n', csv);
	cJSON_Delete(j);
}

int main(int argc, char **argv)
{
	FILE *cf, *csv, *md;
	char line[256];
	static char stud[1024][256], key[1024][16];
	int nstud = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: class_report COLUMNS OUTROOT GRADEBOOK.csv SUMMARY.md STUDENTS\n");
		return 2;
	}
	if (!(cf = fopen(argv[5], "r"))) {
		fprintf(stderr, "class_report: cannot read %s\n", argv[5]);
		return 2;
	}
	while (nstud < 1024 && fgets(stud[nstud], sizeof(stud[0]), cf)) {
		char *sp = strchr(stud[nstud], ' ');

		stud[nstud][strcspn(stud[nstud], "\n")] = '\0';
		if (!sp || sp - stud[nstud] >= 16)
			continue;
		memcpy(key[nstud], stud[nstud], (size_t)(sp - stud[nstud]));
		key[nstud][sp - stud[nstud]] = '\0';
		memmove(stud[nstud], sp + 1, strlen(sp + 1) + 1);
		nstud++;
	}
	fclose(cf);
	if (!(cf = fopen(argv[1], "r"))) {
		fprintf(stderr, "class_report: cannot read %s\n", argv[1]);
		return 2;
	}
	while (fgets(line, sizeof(line), cf) && ncol < MAXCOL)
		if (sscanf(line, "%31s %63s %d", col[ncol].lab, col[ncol].name, &col[ncol].points) == 3)
			ncol++;
	fclose(cf);
	if (!(csv = fopen(argv[3], "w")) || !(md = fopen(argv[4], "w"))) {
		fprintf(stderr, "class_report: cannot write %s or %s\n", argv[3], argv[4]);
		return 2;
	}
	fputs("student,lab,score,max", csv);
	for (int i = 0; i < ncol; i++)
		fprintf(csv, ",%s/%s", col[i].lab, col[i].name);
	fputc('\n', csv);
	for (int s = 0; s < nstud; s++)
		for (int i = 0; i < ncol; i++) {
			int seen = 0;

			for (int k = 0; k < i; k++)
				seen |= !strcmp(col[k].lab, col[i].lab);
			if (!seen)
				grade_row(csv, argv[2], key[s], stud[s], col[i].lab);
		}
	fclose(csv);

	fprintf(md, "# Class summary\n\n%d student%s. Per test: how many failed it, and the most "
		    "common failure.\n\n", nstud, nstud == 1 ? "" : "s");
	fputs("| test | points | failed | most common failure |\n|---|---|---|---|\n", md);
	for (int i = 0; i < ncol; i++) {
		int best = -1;

		for (int k = 0; k < col[i].nmsg; k++)
			if (best < 0 || col[i].msg[k].count > col[i].msg[best].count)
				best = k;
		fprintf(md, "| %s/%s | %d | %d/%d | ", col[i].lab, col[i].name, col[i].points,
			col[i].failed, nstud);
		if (best >= 0) {
			for (const char *p = col[i].msg[best].text; *p; p++)
				fputs(*p == '|' ? "\\|" : (char[]){ *p, 0 }, md);
			fprintf(md, " (%d)", col[i].msg[best].count);
		}
		fputs(" |\n", md);
		for (int k = 0; k < col[i].nmsg; k++)
			free(col[i].msg[k].text);
	}
	fclose(md);
	printf("%s: %d student%s; %s\n", argv[3], nstud, nstud == 1 ? "" : "s", argv[4]);
	return 0;
}
