/* bench.c - how fast the simulator runs: scenarios measured against a bare ring in the same run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kit.h"

/*
 * Each scenario builds a fresh machine, turns the per-change hardware steps
 * off (the hardware catches up at the next interrupt instead; the result is
 * the same) and runs packets through until the machine is idle. The wall
 * time of that run gives simulated packets per wall second. In the same
 * process, right after, a bare single-producer/single-consumer ring of
 * pointers (power-of-two size, free-running indices) moves as many elements:
 * enqueued until half full, then all dequeued, over and over. That is the
 * floor of any ring bookkeeping here: about 1 ns per element, numbers.md's
 * figure for bursts (one element at a time costs 2.4 to 3.2 ns, so the
 * ratio against this floor is the harsher one).
 *
 * Each scenario runs in a child process of its own (fork), so its peak
 * resident memory is its own, not the largest of those before it.
 */

struct scenario {
	const char *name;
	u64 packets; /* default */
	int (*setup)(struct kit *k, u64 packets, char *err, size_t errlen);
	const char *what; /* counter that says how many packets went through */
};

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int set(struct kit *k, struct net_device *dev, const char *name, long v, char *err,
	       size_t errlen)
{
	return kit_param_set(k, dev, kit_param_find(name), v, err, errlen);
}

/*
 * TX: sn0 sends into the sink; the driver reclaims on a throttled interrupt.
 * The batching scenarios queue each burst of 32 behind a busy qdisc and then
 * run it, as the batching experiment does: with a sender that runs the qdisc
 * at every packet the CPU, not the wire, is the limit, nothing ever waits in
 * the qdisc, and every batch would hold one packet (batching's per-call
 * overhead measured, none of what it saves).
 */
static int tx_setup(struct kit *k, u64 n, unsigned int len, enum tx_batch_mode mode, char *err,
		    size_t errlen)
{
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	struct kit_pkt p = { .len = len, .proto = IPPROTO_UDP };
	int rc;

	if (set(k, NULL, "wire_peer", 0, err, errlen) ||
	    set(k, sn0, "tx_ring", 1024, err, errlen) ||
	    set(k, sn0, "itr", 20000, err, errlen) ||
	    set(k, sn0, "batching", mode, err, errlen))
		return -EINVAL;
	rc = kit_sender_start(sn0, &p, n);
	if (!rc && mode != TX_BATCH_NONE)
		kit_sender_hold_qdisc(k, true);
	return rc;
}

static int tx64_none(struct kit *k, u64 n, char *e, size_t l)
{
	return tx_setup(k, n, 60, TX_BATCH_NONE, e, l);
}

static int tx64_btx(struct kit *k, u64 n, char *e, size_t l)
{
	return tx_setup(k, n, 60, TX_BATCH_BTX, e, l);
}

static int tx64_more(struct kit *k, u64 n, char *e, size_t l)
{
	return tx_setup(k, n, 60, TX_BATCH_XMIT_MORE, e, l);
}

static int tx1500(struct kit *k, u64 n, char *e, size_t l)
{
	return tx_setup(k, n, 1514, TX_BATCH_NONE, e, l);
}

/* RX: a remote sender at line rate into sn1, NAPI (and LRO), nothing sent back. */
static int rx_setup(struct kit *k, u64 n, unsigned int len, u8 proto, bool lro, long napi,
		    u64 rate, char *err, size_t errlen)
{
	struct net_device *sn1 = kit_dev_by_name(k, "sn1");
	struct pktgen_cfg c;

	if (set(k, NULL, "wire_peer", 0, err, errlen) ||
	    set(k, sn1, "rx_ring", 1024, err, errlen) ||
	    set(k, sn1, "napi", napi, err, errlen) ||
	    set(k, sn1, "lro", lro, err, errlen) ||
	    set(k, NULL, "sock_rcvq", 4096, err, errlen))
		return -EINVAL;
	pktgen_cfg_default(&c);
	c.count = n;
	c.len = len;
	c.proto = proto;
	c.tcp_ts = proto == IPPROTO_TCP;
	c.rate_pps = rate;
	return kit_pktgen(sn1, &c, err, errlen);
}

/* Offered at a rate the simulated CPU keeps up with, so every frame is worked. */
static int rx64_napi(struct kit *k, u64 n, char *e, size_t l)
{
	return rx_setup(k, n, 60, IPPROTO_UDP, false, SIMNIC_NAPI_MODERN, 500000, e, l);
}

static int rx1500_lro(struct kit *k, u64 n, char *e, size_t l)
{
	return rx_setup(k, n, 1514, IPPROTO_TCP, true, SIMNIC_NAPI_MODERN, 0, e, l);
}

/* Interrupt per frame at twice what the CPU can take: most are dropped. */
static int rx64_overload(struct kit *k, u64 n, char *e, size_t l)
{
	return rx_setup(k, n, 60, IPPROTO_UDP, false, SIMNIC_NONAPI, 1000000, e, l);
}

static const struct scenario scenarios[] = {
	{ "tx-64-nobatch", 2000000, tx64_none, "hw_tx_frames" },
	{ "tx-64-btx", 2000000, tx64_btx, "hw_tx_frames" },
	{ "tx-64-xmit_more", 2000000, tx64_more, "hw_tx_frames" },
	{ "tx-1500", 1000000, tx1500, "hw_tx_frames" },
	{ "rx-64-napi", 2000000, rx64_napi, "hw_rx_frames" },
	{ "rx-1500-lro", 1000000, rx1500_lro, "hw_rx_frames" },
	{ "rx-64-irq-overload", 1000000, rx64_overload, "hw_rx_frames" },
};

int kit_bench_count(void)
{
	return (int)ARRAY_SIZE(scenarios);
}

const char *kit_bench_name(int i)
{
	return i >= 0 && i < kit_bench_count() ? scenarios[i].name : NULL;
}

/* The yardstick: n pointers through a 1024-slot SPSC ring, filled half way
 * then drained, over and over. */
static double bare_ring_pps(u64 n)
{
	enum { SIZE = 1024, MASK = SIZE - 1 };
	static void *ring[SIZE];
	volatile u64 sink = 0;
	u64 head = 0, tail = 0;
	double t0 = wall_now(), dt;

	for (u64 i = 0; i < n; i++) {
		ring[head++ & MASK] = (void *)(uintptr_t)(i + 1);
		if (head - tail > SIZE / 2 || i + 1 == n)
			while (tail != head)
				sink += (uintptr_t)ring[tail++ & MASK];
	}
	dt = wall_now() - t0;
	(void)sink;
	return dt > 0 ? (double)n / dt : 0;
}

static u64 fnv(u64 h, u64 v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		h = (h ^ (v & 0xff)) * 0x100000001b3ULL;
	return h;
}

static bool keep_trace;

void kit_bench_keep_trace(bool on)
{
	keep_trace = on;
}

/* The simulation of one scenario: *dt wall seconds for it. */
static int simulate(const struct scenario *s, u64 packets, struct bench_sim *out, double *dt)
{
	char err[256];
	struct kit *k;
	double t0;
	u64 h = 0xcbf29ce484222325ULL;

	k = kit_new(1);
	if (!k)
		return -ENOMEM;
	kit_set_hw_steps(k, false);
	tl_stop(k); /* nobody will export this machine's timeline */
	if (!keep_trace)
		trace_stop(k); /* nor read its trace */
	if (s->setup(k, packets, err, sizeof(err))) {
		kit_free(k);
		return -EINVAL;
	}
	t0 = wall_now();
	kit_run(k, 0, 0, NULL);
	*dt = wall_now() - t0;
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < kit_dev_count(k); i++) {
		struct net_device *dev = kit_dev_at(k, i);

		out->packets += kit_dev_stat(dev, kit_stat_find(s->what));
		for (int j = 0; j < kit_stat_count(); j++)
			h = fnv(h, kit_dev_stat(dev, j));
	}
	out->sim_ns = k->now;
	cpu_ns_sync(k);
	for (int c = 0; c < CTX_NR; c++) {
		out->cpu_ns += k->cpu.ns[c];
		h = fnv(h, k->cpu.ns[c]);
	}
	for (int c = 0; c < COST_NR; c++)
		h = fnv(fnv(h, k->cost_ns[c]), k->cost_count[c]);
	out->sig = fnv(h, k->now);
	kit_free(k);
	return 0;
}

static const struct scenario *find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	return NULL;
}

int kit_bench_sim(const char *name, u64 packets, struct bench_sim *out)
{
	const struct scenario *s = find(name);
	double dt;

	if (!s)
		return -EINVAL;
	return simulate(s, packets ? packets : s->packets, out, &dt);
}

/* One scenario, in this process. */
static int run_here(const struct scenario *s, u64 packets, struct bench_row *out)
{
	struct rusage ru;
	struct bench_sim sim;
	double dt;
	u64 done;
	int rc = simulate(s, packets, &sim, &dt);

	if (rc)
		return rc;
	done = sim.packets;
	memset(out, 0, sizeof(*out));
	out->sim_ns = sim.sim_ns;
	snprintf(out->name, sizeof(out->name), "%s", s->name);
	out->packets = done;
	out->wall_s = dt;
	out->sim_pps = dt > 0 ? (double)done / dt : 0;
	out->ns_per_pkt = done ? dt * 1e9 / (double)done : 0;
	out->bare_ring_pps = bare_ring_pps(done ? done : 1);
	out->ratio = out->sim_pps > 0 ? out->bare_ring_pps / out->sim_pps : 0;
	getrusage(RUSAGE_SELF, &ru);
	out->peak_rss_kib = (u64)ru.ru_maxrss;
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int kit_bench_run(const char *name, u64 packets, struct bench_row *out)
{
	const struct scenario *s = find(name);
	struct bench_row row;
	int fd[2], rc = -EIO, status;
	pid_t pid;

	if (!s)
		return -EINVAL;
	if (!packets)
		packets = s->packets;
	if (pipe(fd))
		return run_here(s, packets, out); /* no child: the process's own peak */
	fflush(NULL); /* nothing buffered is written twice */
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return run_here(s, packets, out);
	}
	if (pid == 0) {
		close(fd[0]);
		rc = run_here(s, packets, &row);
		if (write(fd[1], &rc, sizeof(rc)) != (ssize_t)sizeof(rc) ||
		    write(fd[1], &row, sizeof(row)) != (ssize_t)sizeof(row))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	if (read_all(fd[0], &rc, sizeof(rc)) || (!rc && read_all(fd[0], out, sizeof(*out))))
		rc = -EIO;
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return rc;
}
