/* bench_main.c - `make bench`: every scenario, a table on stdout and build/bench.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ringkit/ringkit.h>

static void usage(void)
{
	fprintf(stderr, "usage: ringlab-bench [--json FILE] [--packets N] [SCENARIO...]\n");
}

int main(int argc, char **argv)
{
	const char *json = NULL;
	u64 packets = 0;
	const char *only[16];
	int nonly = 0;
	struct bench_row rows[16];
	int n = 0;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (!strcmp(argv[i], "--packets") && i + 1 < argc)
			packets = strtoull(argv[++i], NULL, 10);
		else if (argv[i][0] != '-' && nonly < 16)
			only[nonly++] = argv[i];
		else
			return usage(), 2;
	}
	printf("%-20s %10s %9s %12s %9s %14s %7s %9s\n", "scenario", "packets", "wall s",
	       "sim pkt/s", "ns/pkt", "bare ring/s", "ratio", "rss KiB");
	for (int i = 0; i < kit_bench_count() && n < 16; i++) {
		const char *name = kit_bench_name(i);
		bool want = !nonly;

		for (int j = 0; j < nonly; j++)
			want |= !strcmp(only[j], name);
		if (!want)
			continue;
		if (kit_bench_run(name, packets, &rows[n])) {
			fprintf(stderr, "ringlab-bench: %s failed\n", name);
			return 1;
		}
		printf("%-20s %10llu %9.3f %12.0f %9.1f %14.0f %7.1f %9llu\n", rows[n].name,
		       (unsigned long long)rows[n].packets, rows[n].wall_s, rows[n].sim_pps,
		       rows[n].ns_per_pkt, rows[n].bare_ring_pps, rows[n].ratio,
		       (unsigned long long)rows[n].peak_rss_kib);
		fflush(stdout);
		n++;
	}
	if (!json)
		return 0;
	f = fopen(json, "w");
	if (!f) {
		perror(json);
		return 1;
	}
	fprintf(f, "[\n");
	for (int i = 0; i < n; i++)
		fprintf(f,
			"  {\"name\": \"%s\", \"packets\": %llu, \"wall_s\": %.6f, \"sim_pps\": %.0f, "
			"\"ns_per_pkt\": %.2f, \"bare_ring_pps\": %.0f, \"ratio\": %.3f, "
			"\"peak_rss_kib\": %llu}%s\n",
			rows[i].name, (unsigned long long)rows[i].packets, rows[i].wall_s,
			rows[i].sim_pps, rows[i].ns_per_pkt, rows[i].bare_ring_pps, rows[i].ratio,
			(unsigned long long)rows[i].peak_rss_kib, i + 1 < n ? "," : "");
	fprintf(f, "]\n");
	fclose(f);
	printf("wrote %s\n", json);
	return 0;
}
