/* results_merge.c - one Gradescope results.json from several labs' (the autograder's last step).
 *
 *   results_merge OUT.json IN.json...
 *
 * Scores and execution times add up, the tests follow one another, the outputs are joined.
 * Status 1 (and OUT untouched) when an input cannot be read or is not a results.json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "slurp.h"

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

int main(int argc, char **argv)
{
	cJSON *out, *tests;
	double score = 0, secs = 0;
	size_t outlen = 1;
	char *output, *text, tmp[4096];
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: results_merge OUT.json IN.json...\n");
		return 2;
	}
	out = cJSON_CreateObject();
	tests = cJSON_CreateArray();
	output = calloc(1, 1);
	for (int i = 2; i < argc; i++) {
		char *buf = slurp(argv[i]);
		cJSON *in = buf ? cJSON_Parse(buf) : NULL, *t;
		const cJSON *o;

		free(buf);
		if (!cJSON_IsObject(in)) {
			fprintf(stderr, "results_merge: %s is not a results.json\n", argv[i]);
			return 1;
		}
		score += num(in, "score");
		secs += num(in, "execution_time");
		o = cJSON_GetObjectItemCaseSensitive(in, "output");
		if (cJSON_IsString(o)) {
			size_t n = strlen(o->valuestring);
			char *grown = realloc(output, outlen + n + 1);

			if (!grown)
				return 1;
			output = grown;
			if (outlen > 1)
				strcat(output, "\n");
			strcat(output, o->valuestring);
			outlen += n + 1;
		}
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(in, "tests"))
			cJSON_AddItemToArray(tests, cJSON_Duplicate(t, 1));
		cJSON_Delete(in);
	}
	cJSON_AddNumberToObject(out, "score", score);
	cJSON_AddNumberToObject(out, "execution_time", secs);
	cJSON_AddStringToObject(out, "output", output);
	cJSON_AddStringToObject(out, "visibility", "visible");
	cJSON_AddStringToObject(out, "stdout_visibility", "hidden");
	cJSON_AddItemToObject(out, "tests", tests);
	free(output);
	text = cJSON_Print(out);
	cJSON_Delete(out);
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	f = fopen(tmp, "w");
	if (!f || !text || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, argv[1]) != 0) {
		fprintf(stderr, "results_merge: cannot write %s\n", argv[1]);
		return 1;
	}
	free(text);
	return 0;
}
