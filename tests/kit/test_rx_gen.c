/* test_rx_gen.c - pktgen's plain runs and the receive shortcuts give the general paths' answers. */
#include "kit.h"
#include "hw/nic_hw.h"
#include "core/stack.h"
#include "helpers.h"

/*
 * A pktgen source's emit called straight, with buffers of every room around
 * the frame's length, on two machines: one whose run has no fault bits (the
 * plain emit, for 60-byte UDP the one with the minimum frame's writer
 * inline) and one whose PSH bit faults no UDP frame but sends every frame
 * down the general path (pick, frame_tmpl_build). Each call's length, the
 * bytes written and left alone, the payload record (where a buffer was
 * given), the template flag and the next arrival must agree.
 */
struct gen {
	struct kit *m;
	struct rx_source *src;
};

static struct gen gen_new(u8 proto, unsigned int len, u32 flows, u32 burst, u32 faults)
{
	struct pktgen_cfg c;
	char err[256];
	struct gen g;
	struct net_device *dev;

	g.m = kit_new(1);
	cr_assert_not_null(g.m, "kit_new(1) returned NULL");
	kit_set_auto(g.m, false);
	dev = kit_dev_by_name(g.m, "sn1");
	pktgen_cfg_default(&c);
	c.count = 3000;
	c.proto = proto;
	c.tcp_ts = proto == IPPROTO_TCP;
	c.len = len;
	c.flows = flows;
	c.burst = burst;
	c.rate_pps = 50000;
	c.faults = faults;
	cr_assert_eq(kit_pktgen(dev, &c, err, sizeof(err)), 0, "pktgen: %s", err);
	cr_assert_eq(dev->nic->nsrc, 1, "%d sources, expected 1", dev->nic->nsrc);
	g.src = dev->nic->src[0];
	return g;
}

static size_t first_diff_byte(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i = 0;

	while (i < n && a[i] == b[i])
		i++;
	return i;
}

static void gen_free(struct gen *g)
{
	/* the source is the NIC's: kit_free destroys it */
	kit_free(g->m);
}

static void emit_against_general(u8 proto, unsigned int len, unsigned int other_len)
{
	static const struct { u32 flows, burst; } runs[] = { { 1, 1 }, { 3, 4 }, { 7, 1 } };
	static unsigned char b0[2200], b1[2200];

	for (size_t r = 0; r < ARRAY_SIZE(runs); r++) {
		struct gen a = gen_new(proto, len, runs[r].flows, runs[r].burst, 0);
		struct gen b = gen_new(proto, len, runs[r].flows, runs[r].burst, PKTGEN_F_PSH);
		struct gen c = gen_new(proto, other_len, runs[r].flows, runs[r].burst, 0);

		/* the run takes an emit of its own: not the general one, nor the
		 * plain one of its protocol that other_len takes */
		cr_assert_neq((void *)a.src->emit, (void *)b.src->emit,
			      "%u bytes, run %zu: the plain run takes the general emit", len, r);
		cr_assert_neq((void *)a.src->emit, (void *)c.src->emit,
			      "%u bytes, run %zu: the run takes the %u-byte run's emit", len, r,
			      other_len);
		for (unsigned int i = 0; i < 2999; i++) {
			/* rooms around the length, none, a whole buffer; now and then
			 * no buffer */
			unsigned int room = i % 5 == 0 ? 2048 : len - 10 + (i * 7) % 21;
			bool nobuf = i % 13 == 6;
			unsigned int l0, l1;

			memset(b0, 0xa5, sizeof(b0));
			memset(b1, 0xa5, sizeof(b1));
			a.src->pl = b.src->pl = (struct frame_payload){ .off = 1, .len = 2, .sum = 3 };
			l0 = a.src->emit(a.src, nobuf ? NULL : b0, nobuf ? 0 : room);
			l1 = b.src->emit(b.src, nobuf ? NULL : b1, nobuf ? 0 : room);
			cr_assert_eq(l0, l1,
				     "%u bytes, run %zu, frame %u, room %u: length %u, expected %u",
				     len, r, i, room, l0, l1);
			cr_assert_eq(memcmp(b0, b1, sizeof(b0)), 0,
				     "%u bytes, run %zu, frame %u, room %u: bytes differ at %zu", len,
				     r, i, room, first_diff_byte(b0, b1, sizeof(b0)));
			cr_assert_eq(a.src->tmpl, b.src->tmpl,
				     "%u bytes, run %zu, frame %u: tmpl %d, expected %d", len, r, i,
				     a.src->tmpl, b.src->tmpl);
			if (nobuf) /* (the record is read only for a frame written) */
				goto next;
			cr_assert_eq(a.src->pl.len, b.src->pl.len,
				     "%u bytes, run %zu, frame %u, room %u: payload length %u, "
				     "expected %u", len, r, i, room, a.src->pl.len, b.src->pl.len);
			if (b.src->pl.len) {
				cr_assert_eq(a.src->pl.off, b.src->pl.off,
					     "%u bytes, run %zu, frame %u: payload at %u, expected %u",
					     len, r, i, a.src->pl.off, b.src->pl.off);
				cr_assert_eq(a.src->pl.sum, b.src->pl.sum,
					     "%u bytes, run %zu, frame %u: payload sum %#x, expected %#x",
					     len, r, i, (unsigned)a.src->pl.sum, (unsigned)b.src->pl.sum);
			}
next:
			cr_assert_eq(a.src->next_at, b.src->next_at,
				     "%u bytes, run %zu, frame %u: next at %llu, expected %llu", len,
				     r, i, (unsigned long long)a.src->next_at,
				     (unsigned long long)b.src->next_at);
		}
		gen_free(&a);
		gen_free(&b);
		gen_free(&c);
	}
}

Test(rx_gen, the_minimum_udp_frames_emit_is_the_general_paths)
{
	emit_against_general(IPPROTO_UDP, 60, 61);
}

Test(rx_gen, a_big_tcp_frames_emit_is_the_general_paths)
{
	emit_against_general(IPPROTO_TCP, 1514, 100);
	emit_against_general(IPPROTO_TCP, 131, 130); /* payloads of 65 and 64 bytes */
}
