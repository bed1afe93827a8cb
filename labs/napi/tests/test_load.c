/* test_load.c - lab napi, graded: receive livelock measured, your NAPI against the reference's capacity. */
#include "grade.h"

/*
 * The reference's capacity: what its modern NAPI delivers to the application
 * with the wire at line rate, 60-byte UDP frames, the default cost model and
 * seed 1 (`experiment livelock` prints it in its title: 859 kpps). Simulated
 * time, so it is the same on every machine; tests/grade's check of the model
 * answer (full marks) keeps this figure honest.
 */
#define REF_CAPACITY_PPS 859420.0

/* Offer 200 % of the reference's capacity to sn1 for 35 ms; return what the
 * application read per second between 15 ms (past ksoftirqd's hand-over) and 35 ms. */
static double delivered_pps(const char *mode)
{
	struct kit_snap a, b;
	u64 rate = (u64)(2 * REF_CAPACITY_PPS);

	grade_cmd("trace off");
	grade_cmd("set wire_peer 0");
	grade_cmd("set sn1 napi %s", mode);
	grade_cmd("pktgen sn1 count %llu len 60 rate %llu", (unsigned long long)(rate * 37 / 1000),
		  (unsigned long long)rate);
	grade_cmd("run for 15ms");
	kit_snapshot(grade_kit(), &a);
	grade_cmd("run for 20ms");
	kit_snapshot(grade_kit(), &b);
	grade_note("C: the application read %llu frames in these 20 ms",
		   (unsigned long long)(b.app_packets - a.app_packets));
	return (double)(b.app_packets - a.app_packets) * 1e9 / (double)(b.now - a.now);
}

Test(napi, livelock)
{
	double napi, nonapi;

	grade_begin("napi", "livelock");
	grade_note("200 %% of the CPU's capacity, modern NAPI: the ring overflows in the NIC and the");
	grade_note("CPU keeps delivering at its peak");
	napi = delivered_pps("modern");
	grade_check(napi >= 0.95 * REF_CAPACITY_PPS, "sn1",
		    "NAPI under 200 %% load delivered %.0f kpps, expected at least 95 %% of the "
		    "reference's %.0f kpps (%.0f)", napi / 1e3, REF_CAPACITY_PPS / 1e3,
		    0.95 * REF_CAPACITY_PPS / 1e3);
	grade_cmd("reset");
	grade_note("the same load without NAPI: an interrupt per frame leaves the application nothing");
	nonapi = delivered_pps("none");
	grade_check(nonapi <= 0.05 * REF_CAPACITY_PPS, "sn1",
		    "without NAPI, 200 %% load delivered %.0f kpps, expected a livelock as the "
		    "reference's (below %.0f kpps): take every frame in the handler, with netif_rx",
		    nonapi / 1e3, 0.05 * REF_CAPACITY_PPS / 1e3);
	grade_expect("no-bugs");
}
