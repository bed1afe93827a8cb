/* test_drv_fast.c - the driver-call layer's and the poll loop's shortcuts give the long way's answers. */
#include "kit.h"
/* (after kit.h: its inline helpers name their machine k too) */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(drv_fast, .timeout = 120);

/* ---- the poll list's classic devices ---------------------------------------- */

/*
 * napi_classic_of answers NULL at once while k->sd.classic_listed says no
 * classic device is on the poll list. Each entry is held against the search
 * over every device, and the count against the entries that are devices.
 */
static void poll_list_as_searched(const char *when)
{
	struct list_head *e;
	int classic = 0, n = 0;

	list_for_each(e, &k->sd.poll_list) {
		struct net_device *want = NULL;

		for (int i = 0; i < k->ndevs; i++)
			if (e == &k->devs[i]->poll_list)
				want = k->devs[i];
		classic += want != NULL;
		cr_assert_eq(napi_classic_of(k, e), want, "%s: entry %d is %s, napi_classic_of gave %s",
			     when, n, want ? want->name : "a napi",
			     napi_classic_of(k, e) ? napi_classic_of(k, e)->name : "a napi");
		n++;
	}
	cr_assert_eq(k->sd.classic_listed, classic, "%s: %d classic devices counted, %d listed",
		     when, k->sd.classic_listed, classic);
}

/* Step the machine until idle, the poll list checked after every step. */
static void steps_checked(const char *what)
{
	char when[128];
	u64 n = 0;

	while (kit_step(k)) {
		snprintf(when, sizeof(when), "%s, step %llu", what, (unsigned long long)n++);
		poll_list_as_searched(when);
		cr_assert_lt(n, 5000000, "%s: no end after %llu steps", what, (unsigned long long)n);
	}
}

Test(drv_fast, classic_devices_on_the_poll_list_are_counted, .init = setup, .fini = teardown)
{
	static const long modes[][2] = {
		{ SIMNIC_NAPI_CLASSIC, SIMNIC_NAPI_CLASSIC },
		{ SIMNIC_NAPI_CLASSIC, SIMNIC_NAPI_MODERN },
		{ SIMNIC_NAPI_MODERN, SIMNIC_NAPI_CLASSIC },
		{ SIMNIC_NAPI_MODERN, SIMNIC_NAPI_MODERN },
	};
	char err[256], what[64];
	u64 polled = 0;

	poll_list_as_searched("new machine");
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		setp(k, sn0, "napi", modes[m][0]);
		setp(k, sn1, "napi", modes[m][1]);
		setp(k, sn0, "weight", 4);
		setp(k, sn1, "weight", 3);
		poll_list_as_searched("modes set");
		/* with auto on: interrupts, polls, completions, reschedules */
		kit_set_auto(k, true);
		gen_rx(sn0, 60, 0, IPPROTO_UDP, 60);
		gen_rx(sn1, 60, 200000, IPPROTO_UDP, 60);
		snprintf(what, sizeof(what), "modes %zu, auto", m);
		steps_checked(what);
		/* with auto off: both scheduled and left listed, then polled by hand
		 * and the mode changed under a listed device */
		kit_set_auto(k, false);
		gen_rx(sn0, 20, 0, IPPROTO_UDP, 60);
		gen_rx(sn1, 20, 0, IPPROTO_UDP, 60);
		snprintf(what, sizeof(what), "modes %zu, manual", m);
		steps_checked(what);
		for (int i = 0; i < 3; i++) {
			int w0 = kit_poll(sn0, 2, err, sizeof(err));
			int w1 = kit_poll(sn1, 2, err, sizeof(err));

			polled += (u64)(w0 > 0 ? w0 : 0) + (u64)(w1 > 0 ? w1 : 0);
			poll_list_as_searched("polled by hand");
		}
		setp(k, sn1, "napi", modes[m][1] == SIMNIC_NAPI_CLASSIC ? SIMNIC_NAPI_MODERN :
									 SIMNIC_NAPI_CLASSIC);
		poll_list_as_searched("sn1's mode changed while listed");
		kit_net_rx_action(k);
		poll_list_as_searched("a round after the change");
		kit_set_auto(k, true);
		steps_checked("auto again");
	}
	cr_assert_gt(polled, 0, "no poll by hand did any work");
	cr_assert_eq(k->sd.classic_listed, 0, "%d classic devices counted on an idle machine",
		     k->sd.classic_listed);
	check_clean(k);
}
