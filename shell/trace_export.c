/* trace_export.c - `trace export` and `trace record`: the trace as a timeline Perfetto opens. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arg.h"
#include "cmd.h"
#include "out.h"
#include "sess.h"
#include "trace_export.h"

/*
 * The Chrome Trace Event format (JSON Object Format), which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open. One process is the CPU, with
 * a thread (a track) per context: hardirq, softirq, and one per
 * process-context thread (the application, ksoftirqd, the kworker, and
 * "shell" for what the commands call directly). Each device is a process
 * too: its NIC track holds what the hardware did (DD write-backs, frames
 * DMA'd or missed, causes raised), and its counters plot ring occupancy,
 * the qdisc and BQL's bytes in flight; the CPU process has the backlog's.
 *
 * Slices (B/E) come from the kit's timeline, instants (i) from the trace
 * records, merged in the order they were written (each timeline record
 * knows how many trace records came before it). Timestamps are simulated
 * nanoseconds / 1000: microseconds with three decimals, exact. A slice cut
 * by the window's start (its begin is older) is left out; one still open at
 * the end (a poll that never returned) ends at the last timestamp.
 */

enum { PID_CPU = 1, PID_DEV0 = 100 };
enum { TID_HARDIRQ = 1, TID_SOFTIRQ = 2, TID_SHELL = 3, TID_THREAD0 = 10, TID_NIC = 1 };

#define MAX_TRACKS 32
#define MAX_DEPTH 32

struct track {
	int pid, tid;
	const char *open[MAX_DEPTH];
	int depth;
};

struct exporter {
	struct kit *k;
	cJSON *events;
	struct track tracks[MAX_TRACKS];
	int ntracks;
	const char *threads[MAX_TRACKS]; /* process threads seen, tid TID_THREAD0 + i */
	int nthreads;
	int cur_thread; /* tid of the thread whose turn it is, 0 = the shell */
	u64 last_ns;
	unsigned long nevents;
};

/* the recording, if any: trace and timeline indices, of one machine */
static struct {
	const struct kit *k;
	bool on, have;
	u64 from, to, tl_from, tl_to;
} rec;

static cJSON *event(struct exporter *x, const char *ph, const char *name, u64 ns, int pid,
		    int tid)
{
	cJSON *e = cJSON_CreateObject();

	cJSON_AddStringToObject(e, "ph", ph);
	cJSON_AddStringToObject(e, "name", name);
	cJSON_AddNumberToObject(e, "ts", (double)ns / 1000.0);
	cJSON_AddNumberToObject(e, "pid", pid);
	cJSON_AddNumberToObject(e, "tid", tid);
	cJSON_AddItemToArray(x->events, e);
	if (ns > x->last_ns)
		x->last_ns = ns;
	x->nevents++;
	return e;
}

static void meta(struct exporter *x, const char *what, int pid, int tid, const char *name, int sort)
{
	cJSON *e = cJSON_CreateObject(), *args;

	cJSON_AddStringToObject(e, "ph", "M");
	cJSON_AddStringToObject(e, "name", what);
	cJSON_AddNumberToObject(e, "pid", pid);
	cJSON_AddNumberToObject(e, "tid", tid);
	args = cJSON_AddObjectToObject(e, "args");
	if (name)
		cJSON_AddStringToObject(args, "name", name);
	else
		cJSON_AddNumberToObject(args, "sort_index", sort);
	cJSON_AddItemToArray(x->events, e);
}

static struct track *track(struct exporter *x, int pid, int tid)
{
	for (int i = 0; i < x->ntracks; i++)
		if (x->tracks[i].pid == pid && x->tracks[i].tid == tid)
			return &x->tracks[i];
	if (x->ntracks == MAX_TRACKS)
		return NULL;
	x->tracks[x->ntracks] = (struct track){ .pid = pid, .tid = tid };
	return &x->tracks[x->ntracks++];
}

static int thread_tid(struct exporter *x, const char *name)
{
	for (int i = 0; i < x->nthreads; i++)
		if (!strcmp(x->threads[i], name))
			return TID_THREAD0 + i;
	if (x->nthreads == MAX_TRACKS)
		return TID_SHELL;
	x->threads[x->nthreads] = name;
	meta(x, "thread_name", PID_CPU, TID_THREAD0 + x->nthreads, name, 0);
	meta(x, "thread_sort_index", PID_CPU, TID_THREAD0 + x->nthreads, NULL,
	     TID_THREAD0 + x->nthreads);
	return TID_THREAD0 + x->nthreads++;
}

/* The CPU track of work done in ctx. */
static int cpu_tid(struct exporter *x, int ctx)
{
	if (ctx == CTX_HARDIRQ)
		return TID_HARDIRQ;
	if (ctx == CTX_SOFTIRQ)
		return TID_SOFTIRQ;
	return x->cur_thread ? x->cur_thread : TID_SHELL;
}

static const char *dev_name(struct exporter *x, u8 dev)
{
	struct net_device *d = dev < kit_dev_count(x->k) ? kit_dev_at(x->k, dev) : NULL;

	return d ? d->name : NULL;
}

static void slice(struct exporter *x, const struct tl_rec *r)
{
	static const char *const cats[] = { "driver", "kernel", "thread" };
	int tid = r->cat == TLC_THREAD ? thread_tid(x, r->name) : cpu_tid(x, r->ctx);
	struct track *t = track(x, PID_CPU, tid);
	const char *dev = dev_name(x, r->dev);
	cJSON *e;

	if (!t)
		return;
	if (r->kind == TL_BEGIN) {
		if (t->depth == MAX_DEPTH)
			return;
		t->open[t->depth++] = r->name;
		e = event(x, "B", r->name, r->t, PID_CPU, tid);
		cJSON_AddStringToObject(e, "cat", cats[r->cat < 3 ? r->cat : 1]);
		if (dev)
			cJSON_AddStringToObject(cJSON_AddObjectToObject(e, "args"), "dev", dev);
		if (r->cat == TLC_THREAD)
			x->cur_thread = tid;
		return;
	}
	for (int d = t->depth - 1; d >= 0; d--) {
		if (strcmp(t->open[d], r->name))
			continue;
		while (t->depth > d) /* and what a crash left open inside it */
			event(x, "E", t->open[--t->depth], r->t, PID_CPU, tid);
		break;
	}
	if (r->cat == TLC_THREAD)
		x->cur_thread = 0;
}

static void counter(struct exporter *x, const char *name, const char *key, u32 v, u64 ns, int pid)
{
	cJSON *e = event(x, "C", name, ns, pid, 0);

	cJSON_AddNumberToObject(cJSON_AddObjectToObject(e, "args"), key, v);
}

static void counters(struct exporter *x, const struct tl_rec *r)
{
	int pid = PID_DEV0 + r->dev;

	if (r->dev == 0xff) {
		counter(x, "backlog", "packets", r->v[0], r->t, PID_CPU);
		return;
	}
	counter(x, "tx_ring in use", "descriptors", r->v[TLV_TX_RING], r->t, pid);
	counter(x, "rx_ring awaiting the driver", "frames", r->v[TLV_RX_RING], r->t, pid);
	counter(x, "qdisc", "packets", r->v[TLV_QDISC], r->t, pid);
	counter(x, "bql_inflight", "bytes", r->v[TLV_BQL], r->t, pid);
}

/* The instant a trace record becomes, if any, and whether it is the NIC's own. */
static const char *instant_name(const struct trace_rec *r, bool *nic)
{
	*nic = true;
	switch (r->type) {
	case TR_TX_DD:
		return "TX DD write-back";
	case TR_RX_DMA:
		return "RX DD write-back";
	case TR_RX_MISSED:
		return "RX missed";
	case TR_IRQ_RAISE:
		return "IRQ raised";
	default:
		break;
	}
	*nic = false;
	switch (r->type) {
	case TR_TDT:
		return "doorbell TDT";
	case TR_RDT:
		return "doorbell RDT";
	case TR_IRQ:
		return "IRQ delivered";
	case TR_IMS:
		return r->b ? "IMS (unmask)" : "IMC (mask)";
	case TR_QUEUE_STOP:
		return "netif_stop_queue";
	case TR_QUEUE_WAKE:
		return "netif_wake_queue";
	case TR_QUEUE_START:
		return "netif_start_queue";
	case TR_BQL_XOFF:
		return "BQL stops the queue";
	case TR_BQL_XON:
		return "BQL restarts the queue";
	case TR_NAPI_SCHED:
		return r->a ? "napi_schedule: MISSED" : "napi_schedule";
	case TR_NAPI_DONE:
		return "napi_complete";
	case TR_WATCHDOG:
		return "watchdog";
	case TR_BUG:
		return "BUG";
	case TR_WARN:
		return "WARNING";
	default:
		return NULL;
	}
}

static void instant(struct exporter *x, const struct trace_rec *r)
{
	bool nic;
	const char *name = instant_name(r, &nic), *text;
	char line[256];
	cJSON *e;

	if (!name)
		return;
	if (nic && r->dev == 0xff)
		nic = false;
	e = event(x, "i", name, r->t, nic ? PID_DEV0 + r->dev : PID_CPU,
		  nic ? TID_NIC : cpu_tid(x, r->ctx));
	cJSON_AddStringToObject(e, "s", "t");
	kit_trace_format(x->k, r, line, sizeof(line));
	text = strstr(line, "] ");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(e, "args"), "line", text ? text + 2 : line);
}

static void names(struct exporter *x)
{
	meta(x, "process_name", PID_CPU, 0, "CPU 0", 0);
	meta(x, "process_sort_index", PID_CPU, 0, NULL, 0);
	meta(x, "thread_name", PID_CPU, TID_HARDIRQ, "hardirq", 0);
	meta(x, "thread_sort_index", PID_CPU, TID_HARDIRQ, NULL, 1);
	meta(x, "thread_name", PID_CPU, TID_SOFTIRQ, "softirq", 0);
	meta(x, "thread_sort_index", PID_CPU, TID_SOFTIRQ, NULL, 2);
	meta(x, "thread_name", PID_CPU, TID_SHELL, "shell (process context)", 0);
	meta(x, "thread_sort_index", PID_CPU, TID_SHELL, NULL, 3);
	for (int i = 0; i < kit_dev_count(x->k); i++) {
		char nic[32];

		snprintf(nic, sizeof(nic), "%s NIC", kit_dev_at(x->k, i)->name);
		meta(x, "process_name", PID_DEV0 + i, 0, kit_dev_at(x->k, i)->name, 0);
		meta(x, "process_sort_index", PID_DEV0 + i, 0, NULL, 1 + i);
		meta(x, "thread_name", PID_DEV0 + i, TID_NIC, nic, 0);
	}
}

/* trace records [from, to) and timeline records [tl_from, tl_to), merged */
static void export_range(struct exporter *x, u64 from, u64 to, u64 tl_from, u64 tl_to)
{
	u64 t_first = kit_trace_total(x->k) - kit_trace_count(x->k);
	u64 l_first = kit_timeline_total(x->k) - kit_timeline_count(x->k);
	u64 i = from, j = tl_from;

	while (i < to || j < tl_to) {
		const struct tl_rec *l = j < tl_to ? kit_timeline_at(x->k, (size_t)(j - l_first)) : NULL;

		if (l && (i >= to || l->seq <= i)) {
			if (l->kind == TL_COUNT)
				counters(x, l);
			else
				slice(x, l);
			j++;
		} else {
			instant(x, kit_trace_at(x->k, (size_t)(i - t_first)));
			i++;
		}
	}
	for (int t = 0; t < x->ntracks; t++) /* what is still running ends with the window */
		while (x->tracks[t].depth > 0)
			event(x, "E", x->tracks[t].open[--x->tracks[t].depth], x->last_ns,
			      x->tracks[t].pid, x->tracks[t].tid);
}

/* The first timeline record written at or after trace record seq. */
static u64 tl_at_seq(struct kit *k, u64 seq)
{
	u64 first = kit_timeline_total(k) - kit_timeline_count(k), lo = first,
	    hi = kit_timeline_total(k);

	while (lo < hi) {
		u64 mid = lo + (hi - lo) / 2;

		if (kit_timeline_at(k, (size_t)(mid - first))->seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool recording_of(const struct sess *s)
{
	return rec.have && rec.k == s->k && rec.from <= kit_trace_total(s->k);
}

int trace_export_cmd(struct sess *s, int argc, char **argv)
{
	struct kit *k = s->k;
	u64 t_first = kit_trace_total(k) - kit_trace_count(k);
	u64 l_first = kit_timeline_total(k) - kit_timeline_count(k);
	u64 from = t_first, to = kit_trace_total(k), tl_from, tl_to = kit_timeline_total(k);
	u64 lost = 0;
	const char *file, *what = "the whole trace";
	struct exporter *x;
	cJSON *root, *other;
	char *text;
	size_t len;
	FILE *f;
	int rc;

	if (argc < 2) {
		out_error("trace export: missing argument: the file to write (FILE.json)");
		return CMD_USAGE;
	}
	file = argv[1];
	len = strlen(file);
	if (len < 6 || strcmp(file + len - 5, ".json")) {
		out_error("trace export: '%s' must end in .json (Chrome Trace Event format)", file);
		return CMD_USAGE;
	}
	if (argc == 3 && !strcmp(argv[2], "last")) {
		out_error("trace export last: missing argument: how many records");
		return CMD_USAGE;
	}
	if (argc == 3 || argc > 4 || (argc == 4 && strcmp(argv[2], "last"))) {
		out_error("trace export: after the file, only `last N`, not '%s'", argv[2]);
		return CMD_USAGE;
	}
	if (argc == 4) {
		long long n;

		if ((rc = arg_num("trace export last", "the count", argv[3], 1, 65536, &n)))
			return rc;
		if (to - from > (u64)n)
			from = to - (u64)n;
		what = "the last records";
	} else if (recording_of(s)) {
		from = rec.from;
		to = rec.on ? to : rec.to;
		tl_to = rec.on ? tl_to : rec.tl_to;
		if (from < t_first) {
			lost = t_first - from;
			from = t_first;
		}
		what = rec.on ? "the recording (still on)" : "the recording";
	}
	tl_from = tl_at_seq(k, from);
	if (recording_of(s) && argc != 4 && tl_from < rec.tl_from)
		tl_from = rec.tl_from;
	if (tl_from < l_first) { /* the timeline's ring is shorter: cut both there */
		tl_from = l_first;
		if (kit_timeline_count(k) && kit_timeline_at(k, 0)->seq > from) {
			lost += kit_timeline_at(k, 0)->seq - from;
			from = kit_timeline_at(k, 0)->seq;
		}
	}
	if (to < from)
		to = from;
	if (tl_to < tl_from)
		tl_to = tl_from;
	x = calloc(1, sizeof(*x));
	if (!x) {
		out_error("trace export: out of memory");
		return CMD_FAIL;
	}
	x->k = k;
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "displayTimeUnit", "ns");
	x->events = cJSON_AddArrayToObject(root, "traceEvents");
	names(x);
	export_range(x, from, to, tl_from, tl_to);
	other = cJSON_AddObjectToObject(root, "otherData");
	cJSON_AddStringToObject(other, "source", "ringlab trace export");
	cJSON_AddNumberToObject(other, "trace_records", (double)(to - from));
	cJSON_AddNumberToObject(other, "timeline_records", (double)(tl_to - tl_from));
	cJSON_AddNumberToObject(other, "seed", (double)s->seed);
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	f = text ? fopen(file, "w") : NULL;
	if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0 || fclose(f)) {
		out_error("trace export: cannot write %s: %s", file, strerror(errno));
		if (f)
			fclose(f);
		free(text);
		free(x);
		return CMD_FAIL;
	}
	free(text);
	out_printf("trace export: %s, %llu records, %lu events, to %s (open it in Perfetto or "
		   "chrome://tracing)\n",
		   what, (unsigned long long)(to - from), x->nevents, file);
	if (lost)
		out_printf("trace export: the first %llu records of the recording were overwritten "
			   "(the trace keeps %u): record a shorter run\n",
			   (unsigned long long)lost, 1u << 16);
	free(x);
	return CMD_OK;
}

int trace_record_cmd(struct sess *s, int argc, char **argv)
{
	int rc, w;

	if (argc < 2) {
		out_error("trace record: missing argument: on or off");
		return CMD_USAGE;
	}
	if (argc > 2) {
		out_error("trace record: too many arguments, from '%s'", argv[2]);
		return CMD_USAGE;
	}
	if ((rc = arg_word("trace record", "the switch", argv[1], "on|off", &w)))
		return rc;
	if (w == 0) {
		rec.k = s->k;
		rec.on = rec.have = true;
		rec.from = kit_trace_total(s->k);
		rec.tl_from = kit_timeline_total(s->k);
		out_printf("trace record: on at %.6f s (trace record off to stop, trace export "
			   "FILE.json to write it)\n",
			   (double)kit_now(s->k) / 1e9);
		return CMD_OK;
	}
	if (!recording_of(s) || !rec.on) {
		out_error("trace record off: no recording is on (trace record on starts one)");
		return CMD_FAIL;
	}
	rec.on = false;
	rec.to = kit_trace_total(s->k);
	rec.tl_to = kit_timeline_total(s->k);
	out_printf("trace record: off at %.6f s, %llu records (trace export FILE.json writes "
		   "them)\n",
		   (double)kit_now(s->k) / 1e9, (unsigned long long)(rec.to - rec.from));
	return CMD_OK;
}
