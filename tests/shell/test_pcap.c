/* test_pcap.c - a capture written by `pcap`, read back with libpcap (and tshark, if installed). */
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "../../shell/sess.h"
#include "helpers.h"

TestSuite(pcap, .timeout = 60);

struct frame {
	unsigned int len;
	u32 saddr, daddr;
	u8 proto;
};

static int read_all(const char *path, struct frame *f, int max)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
	struct pcap_pkthdr *h;
	const u_char *d;
	int n = 0;

	cr_assert(p, "libpcap cannot read %s: %s", path, err);
	cr_assert_eq(pcap_datalink(p), DLT_EN10MB, "%s: link type %d, expected %d (DLT_EN10MB)",
		     path, pcap_datalink(p), DLT_EN10MB);
	cr_assert_eq(pcap_get_tstamp_precision(p), PCAP_TSTAMP_PRECISION_NANO,
		     "%s: time stamp precision %d, expected %d (nanoseconds)", path,
		     pcap_get_tstamp_precision(p), PCAP_TSTAMP_PRECISION_NANO);
	while (n < max && pcap_next_ex(p, &h, &d) == 1) {
		cr_assert_eq(h->caplen, h->len, "%s frame %d: caplen %u, expected len %u",
			     path, n, h->caplen, h->len);
		cr_assert_geq(h->len, 34u, "%s frame %d: %u bytes, expected at least 34", path, n,
			      h->len);
		f[n].len = h->len;
		memcpy(&f[n].saddr, d + 26, 4);
		memcpy(&f[n].daddr, d + 30, 4);
		f[n].proto = d[23];
		n++;
	}
	pcap_close(p);
	return n;
}

static u32 ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

Test(pcap, capture_reads_back_with_the_snull_twist)
{
	struct sess *s = th_sess();
	char d0[] = "/tmp/ringlab-pcap-XXXXXX", cmd[2048], p0[64], p1[64];
	struct frame f[64];
	int n, tcp = 0;

	cr_assert(mkdtemp(d0), "mkdtemp %s failed: %s, expected a new directory", d0,
		  strerror(errno));
	snprintf(p0, sizeof(p0), "%s/sn0.pcap", d0);
	snprintf(p1, sizeof(p1), "%s/sn1.pcap", d0);
	snprintf(cmd, sizeof(cmd), "pcap sn0 %s; pcap sn1 %s; ping sn0 192.168.0.2 count 2;"
		 "dev_queue_xmit sn0 count 3 len 1514 proto tcp flow 1; run; pcap stop", p0, p1);
	cr_assert_eq(th_run(s, cmd), 0, "%s", th_out);
	/* sn0 sends 2 echo requests and 3 TCP segments and receives 2 replies */
	n = read_all(p0, f, 64);
	cr_assert_eq(n, 7, "sn0.pcap holds %d frames", n);
	for (int i = 0; i < n; i++) {
		if (f[i].proto == IPPROTO_TCP) {
			tcp++;
			cr_assert_eq(f[i].len, 1514u, "TCP frame %d is %u bytes, expected 1514", i,
				     f[i].len);
		}
		if (f[i].proto == IPPROTO_ICMP)
			cr_assert_eq(f[i].len, 98u, "echo frames are 98 bytes, got %u", f[i].len);
		/* as sn0 sees it: 192.168.0.1 <-> 192.168.0.2 */
		cr_assert((f[i].saddr == ip("192.168.0.1") && f[i].daddr == ip("192.168.0.2")) ||
				  (f[i].saddr == ip("192.168.0.2") && f[i].daddr == ip("192.168.0.1")),
			  "frame %d on sn0 is not 192.168.0.x", i);
	}
	cr_assert_eq(tcp, 3, "sn0.pcap holds %d TCP frames, expected 3", tcp);
	/* on sn1 the third octet is twisted: 192.168.1.1 -> 192.168.1.2 */
	n = read_all(p1, f, 64);
	cr_assert_eq(n, 7, "sn1.pcap holds %d frames", n);
	for (int i = 0; i < n; i++)
		cr_assert((f[i].saddr == ip("192.168.1.1") && f[i].daddr == ip("192.168.1.2")) ||
				  (f[i].saddr == ip("192.168.1.2") && f[i].daddr == ip("192.168.1.1")),
			  "frame %d on sn1 is not 192.168.1.x", i);
	if (system("command -v tshark >/dev/null 2>&1") == 0) {
		/* both sides: sn1's frames went through the twist, checksums fixed */
		for (int side = 0; side < 2; side++) {
			const char *p = side ? p1 : p0;

			snprintf(cmd, sizeof(cmd), "tshark -r %s -o ip.check_checksum:TRUE "
				 "-o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE -V 2>&1 | "
				 "grep -Ei 'malformed|bad checksum|\\[Checksum Status: Bad\\]|incorrect' "
				 ">/dev/null", p);
			cr_assert_neq(system(cmd), 0, "tshark warns about %s", p);
		}
	} else {
		cr_log_info("tshark is not installed: the tshark check is skipped");
	}
	unlink(p0);
	unlink(p1);
	rmdir(d0);
	th_done(s);
}

/* Each frame's timestamps, in ns. */
static int read_ts(const char *path, unsigned long long *ts, int max)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
	struct pcap_pkthdr *h;
	const u_char *d;
	int n = 0;

	cr_assert(p, "libpcap cannot read %s: %s", path, err);
	while (n < max && pcap_next_ex(p, &h, &d) == 1)
		ts[n++] = (unsigned long long)h->ts.tv_sec * 1000000000ULL +
			  (unsigned long long)h->ts.tv_usec;
	pcap_close(p);
	return n;
}

/* A frame leaves one end (first bit) and lands at the other (last bit) a wire time later. */
Test(pcap, the_two_ends_differ_by_the_wire_time)
{
	struct sess *s = th_sess();
	char d0[] = "/tmp/ringlab-pcap-XXXXXX", cmd[512], p0[64], p1[64];
	unsigned long long a[8], b[8], wire;
	int na, nb;

	cr_assert(mkdtemp(d0), "mkdtemp %s failed: %s", d0, strerror(errno));
	snprintf(p0, sizeof(p0), "%s/sn0.pcap", d0);
	snprintf(p1, sizeof(p1), "%s/sn1.pcap", d0);
	snprintf(cmd, sizeof(cmd), "pcap sn0 %s; pcap sn1 %s; ping sn0 192.168.0.2 count 2; pcap stop",
		 p0, p1);
	cr_assert_eq(th_run(s, cmd), 0, "%s", th_out);
	na = read_ts(p0, a, 8);
	nb = read_ts(p1, b, 8);
	cr_assert_eq(na, 4, "sn0.pcap holds %d frames, expected 4 (2 requests, 2 replies)", na);
	cr_assert_eq(nb, 4, "sn1.pcap holds %d frames, expected 4", nb);
	/* 98-byte frames at 10 Gb/s: (8 preamble + 98 + 4 FCS + 12 gap) bytes x 0.8 ns */
	wire = 97;
	for (int i = 0; i < 4; i += 2) {
		cr_assert_eq(b[i] - a[i], wire, "request %d: sent at %llu ns, received at %llu ns: "
			     "%llu ns apart, expected the wire time %llu", i / 2, a[i], b[i],
			     b[i] - a[i], wire);
		cr_assert_eq(a[i + 1] - b[i + 1], wire, "reply %d: sent at %llu ns, received at "
			     "%llu ns: %llu ns apart, expected %llu", i / 2, b[i + 1], a[i + 1],
			     a[i + 1] - b[i + 1], wire);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", d0);
	cr_assert_eq(system(cmd), 0, "cannot remove %s", d0);
	th_done(s);
}
