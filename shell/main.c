/* main.c - until the shell exists: a TX demo on sn0, with the kernel log it produces. */
#include <stdio.h>

#include <ringkit/ringkit.h>

static void print_rec(const struct trace_rec *r, void *arg)
{
	char line[256];

	kit_trace_format(arg, r, line, sizeof(line));
	puts(line);
}

int main(void)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0;
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	char err[256];

	if (!k) {
		fprintf(stderr, "ringlab: cannot create the machine\n");
		return 1;
	}
	sn0 = kit_dev_by_name(k, "sn0");
	kit_param_set(k, sn0, kit_param_find("tx_ring"), 16, err, sizeof(err));
	kit_param_set(k, sn0, kit_param_find("tx_wake_thresh"), 4, err, sizeof(err));
	kit_trace_subscribe(k, print_rec, k);
	printf("ringlab TX demo: sn0 (16-descriptor ring) sends 24 frames to sn1\n");
	kit_xmit_frames(sn0, &p, 24);
	kit_run(k, 100000, 0, NULL);
	kit_trace_subscribe(k, NULL, NULL);
	printf("queue stops %llu, wakes %llu, doorbells %llu, tx_packets %llu; check: %d problems\n",
	       (unsigned long long)kit_dev_stat(sn0, kit_stat_find("queue_stops")),
	       (unsigned long long)kit_dev_stat(sn0, kit_stat_find("queue_wakes")),
	       (unsigned long long)kit_dev_stat(sn0, kit_stat_find("doorbells")),
	       (unsigned long long)kit_dev_stat(sn0, kit_stat_find("tx_packets")),
	       kit_check(k, err, sizeof(err)));
	kit_free(k);
	return 0;
}
