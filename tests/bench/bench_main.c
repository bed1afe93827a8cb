/* bench_main.c - `make bench`: every scenario, a table on stdout and build/bench.json. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ringkit/ringkit.h>

/*
 * Three measurements per scenario:
 *  - wall time: the kit's own bench row (simulated packets per wall second
 *    against a bare ring in the same process, peak memory);
 *  - instructions per packet, when valgrind is installed: callgrind counts the
 *    instructions of this program running the scenario's simulation alone
 *    (--sim-only: packets, simulated ns, CPU ns, the outcome's hash) at two
 *    packet counts; the difference divided by the packet
 *    difference drops the set-up and tear-down. Shared cores do not move it;
 *  - memory: peak resident memory at 100 k and at 10 M packets; the bench
 *    fails if they are more than 1 MiB apart (nothing on the path allocates).
 */

#define INSTR_LO 50000ULL
#define INSTR_HI 150000ULL
#define RSS_LO 100000ULL
#define RSS_HI 10000000ULL
#define RSS_SLACK_KIB 1024ULL

struct result {
	struct bench_row row;
	double instr_per_pkt; /* < 0: not measured */
	u64 rss_lo_kib, rss_hi_kib; /* 0: not measured */
};

static void usage(void)
{
	fprintf(stderr, "usage: ringlab-bench [--json FILE] [--packets N] [--no-instr] "
			"[--no-rss] [--sim-only] [--trace] [SCENARIO...]\n");
}

static bool trace; /* --trace: the machines keep their trace, as the shell's does */

static bool have_valgrind(void)
{
	return system("valgrind --version >/dev/null 2>&1") == 0;
}

/* Instructions callgrind counted for `self --sim-only --packets n name`; 0 on failure. */
static u64 callgrind_instr(const char *self, const char *name, u64 n, u64 *done)
{
	char out[128], cmd[1024], line[256];
	u64 total = 0;
	FILE *f;

	snprintf(out, sizeof(out), "/tmp/ringlab-bench-cg.%ld.%s.%llu", (long)getpid(), name,
		 (unsigned long long)n);
	snprintf(cmd, sizeof(cmd),
		 "valgrind --tool=callgrind --callgrind-out-file=%s '%s' --sim-only%s --packets %llu "
		 "%s 2>/dev/null",
		 out, self, trace ? " --trace" : "", (unsigned long long)n, name);
	f = popen(cmd, "r");
	if (!f)
		return 0;
	*done = 0;
	while (fgets(line, sizeof(line), f)) {
		char nm[64];
		unsigned long long d;

		if (sscanf(line, "%63s %llu", nm, &d) == 2 && !strcmp(nm, name))
			*done = d;
	}
	if (pclose(f) != 0) {
		unlink(out);
		return 0;
	}
	f = fopen(out, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (sscanf(line, "totals: %llu", &v) == 1 || sscanf(line, "summary: %llu", &v) == 1)
			total = v;
	}
	fclose(f);
	unlink(out);
	return total;
}

static double instr_per_pkt(const char *self, const char *name)
{
	u64 d_lo = 0, d_hi = 0;
	u64 lo = callgrind_instr(self, name, INSTR_LO, &d_lo);
	u64 hi = lo ? callgrind_instr(self, name, INSTR_HI, &d_hi) : 0;

	if (!lo || !hi || d_hi <= d_lo || hi <= lo)
		return -1;
	return (double)(hi - lo) / (double)(d_hi - d_lo);
}

static int sim_only(int nonly, const char **only, u64 packets)
{
	for (int i = 0; i < nonly; i++) {
		struct bench_sim r;

		int rc = kit_bench_sim(only[i], packets, &r);

		if (rc == -ENOMEM) {
			fprintf(stderr, "ringlab-bench: %s: cannot create the machine: out of memory or "
					"address space (ulimit -v)\n", only[i]);
			return 1;
		}
		if (rc) {
			bool known = false;

			for (int j = 0; j < kit_bench_count(); j++)
				known |= !strcmp(kit_bench_name(j), only[i]);
			if (known)
				fprintf(stderr, "ringlab-bench: %s could not be set up (out of memory or "
						"address space? ulimit -v)\n", only[i]);
			else
				fprintf(stderr, "ringlab-bench: no scenario '%s'\n", only[i]);
			return 1;
		}
		printf("%s %llu %llu %llu %016llx\n", only[i], (unsigned long long)r.packets,
		       (unsigned long long)r.sim_ns, (unsigned long long)r.cpu_ns,
		       (unsigned long long)r.sig);
	}
	return 0;
}

static int write_json(const char *json, const struct result *r, int n)
{
	FILE *f = fopen(json, "w");

	if (!f) {
		perror(json);
		return 1;
	}
	fprintf(f, "[\n");
	for (int i = 0; i < n; i++) {
		const struct bench_row *w = &r[i].row;

		fprintf(f,
			"  {\"name\": \"%s\", \"packets\": %llu, \"wall_s\": %.6f, \"sim_pps\": %.0f, "
			"\"ns_per_pkt\": %.2f, \"bare_ring_pps\": %.0f, \"ratio\": %.3f, "
			"\"peak_rss_kib\": %llu, \"sim_ns\": %llu",
			w->name, (unsigned long long)w->packets, w->wall_s, w->sim_pps, w->ns_per_pkt,
			w->bare_ring_pps, w->ratio, (unsigned long long)w->peak_rss_kib,
			(unsigned long long)w->sim_ns);
		if (r[i].instr_per_pkt >= 0)
			fprintf(f, ", \"instr_per_pkt\": %.1f", r[i].instr_per_pkt);
		if (r[i].rss_hi_kib)
			fprintf(f, ", \"rss_100k_kib\": %llu, \"rss_10m_kib\": %llu",
				(unsigned long long)r[i].rss_lo_kib,
				(unsigned long long)r[i].rss_hi_kib);
		fprintf(f, "}%s\n", i + 1 < n ? "," : "");
	}
	fprintf(f, "]\n");
	fclose(f);
	printf("wrote %s\n", json);
	return 0;
}

int main(int argc, char **argv)
{
	const char *json = NULL;
	u64 packets = 0;
	const char *only[16];
	int nonly = 0, n = 0, bad = 0;
	bool instr = true, rss = true, sim = false;
	static struct result res[16];
	char self[4096];
	ssize_t len;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (!strcmp(argv[i], "--packets") && i + 1 < argc)
			packets = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--no-instr"))
			instr = false;
		else if (!strcmp(argv[i], "--no-rss"))
			rss = false;
		else if (!strcmp(argv[i], "--sim-only"))
			sim = true;
		else if (!strcmp(argv[i], "--trace"))
			kit_bench_keep_trace(trace = true);
		else if (argv[i][0] != '-' && nonly < 16)
			only[nonly++] = argv[i];
		else
			return usage(), 2;
	}
	if (sim)
		return sim_only(nonly, only, packets);
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		instr = false;
	else
		self[len] = 0;
	if (instr && !have_valgrind()) {
		printf("(valgrind is not installed: no instructions per packet)\n");
		instr = false;
	}
	printf("%-20s %10s %9s %12s %9s %14s %7s %9s %13s %10s\n", "scenario", "packets",
	       "wall s", "sim pkt/s", "ns/pkt", "bare ring/s", "ratio", "rss KiB", "sim ns",
	       "instr/pkt");
	for (int i = 0; i < kit_bench_count() && n < 16; i++) {
		const char *name = kit_bench_name(i);
		struct result *r = &res[n];
		bool want = !nonly;

		for (int j = 0; j < nonly; j++)
			want |= !strcmp(only[j], name);
		if (!want)
			continue;
		if (kit_bench_run(name, packets, &r->row)) {
			fprintf(stderr, "ringlab-bench: %s failed: the machine could not be made or set "
					"up (out of memory or address space? ulimit -v)\n", name);
			return 1;
		}
		r->instr_per_pkt = instr ? instr_per_pkt(self, name) : -1;
		printf("%-20s %10llu %9.3f %12.0f %9.1f %14.0f %7.1f %9llu %13llu ", r->row.name,
		       (unsigned long long)r->row.packets, r->row.wall_s, r->row.sim_pps,
		       r->row.ns_per_pkt, r->row.bare_ring_pps, r->row.ratio,
		       (unsigned long long)r->row.peak_rss_kib, (unsigned long long)r->row.sim_ns);
		if (r->instr_per_pkt >= 0)
			printf("%10.0f\n", r->instr_per_pkt);
		else
			printf("%10s\n", "-");
		fflush(stdout);
		n++;
	}
	if (rss) {
		printf("memory, peak resident at %llu and %llu packets (flat: within %llu KiB):\n",
		       RSS_LO, RSS_HI, RSS_SLACK_KIB);
		for (int i = 0; i < n; i++) {
			struct bench_row lo, hi;
			u64 d;

			if (kit_bench_run(res[i].row.name, RSS_LO, &lo) ||
			    kit_bench_run(res[i].row.name, RSS_HI, &hi)) {
				fprintf(stderr, "ringlab-bench: %s failed\n", res[i].row.name);
				return 1;
			}
			res[i].rss_lo_kib = lo.peak_rss_kib;
			res[i].rss_hi_kib = hi.peak_rss_kib;
			d = hi.peak_rss_kib > lo.peak_rss_kib ? hi.peak_rss_kib - lo.peak_rss_kib
							      : lo.peak_rss_kib - hi.peak_rss_kib;
			printf("  %-20s %9llu KiB %9llu KiB  %s\n", res[i].row.name,
			       (unsigned long long)lo.peak_rss_kib, (unsigned long long)hi.peak_rss_kib,
			       d <= RSS_SLACK_KIB ? "flat" : "GROWS");
			fflush(stdout);
			bad |= d > RSS_SLACK_KIB;
		}
	}
	if (json && write_json(json, res, n))
		return 1;
	if (bad) {
		fprintf(stderr, "ringlab-bench: memory grows with packets\n");
		return 1;
	}
	return 0;
}
