/* pcap.c - capture a device's frames to a classic pcap file (libpcap), in simulated time. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nic_hw.h"

/*
 * Frames are written as the NIC sees them: a transmitted frame when its
 * first bit leaves, a received one when it lands in a buffer (its last bit
 * in), so the two ends of a wire differ by the frame's time on it
 * (wire_ps: preamble, frame, FCS and gap at the link speed). Timestamps are
 * simulated nanoseconds (pcap's nanosecond magic), so a capture of the same
 * script is the same file every time.
 */

struct kit_pcap {
	pcap_t *p[KIT_MAX_DEVS];
	pcap_dumper_t *d[KIT_MAX_DEVS];
	char path[KIT_MAX_DEVS][256];
};

const char *pcap_msg(const char *path, const char *msg)
{
	size_t n = strlen(path);

	if (!strncmp(msg, path, n) && msg[n] == ':' && msg[n + 1] == ' ')
		return msg + n + 2;
	return msg;
}

static void close_one(struct kit_pcap *c, int i)
{
	if (c->d[i])
		pcap_dump_close(c->d[i]);
	if (c->p[i])
		pcap_close(c->p[i]);
	c->d[i] = NULL;
	c->p[i] = NULL;
}

int kit_pcap_start(struct net_device *dev, const char *path, char *err, size_t errlen)
{
	struct kit *k = dev->kit;
	struct kit_pcap *c = k->pcap;
	pcap_t *p;
	pcap_dumper_t *d;

	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		k->pcap = c;
	}
	p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO);
	if (!p) {
		snprintf(err, errlen, "libpcap could not open a capture");
		return -ENOMEM;
	}
	d = pcap_dump_open(p, path);
	if (!d) {
		snprintf(err, errlen, "cannot write %s: %s", path, pcap_msg(path, pcap_geterr(p)));
		pcap_close(p);
		return -EINVAL;
	}
	close_one(c, dev->ifindex);
	c->p[dev->ifindex] = p;
	c->d[dev->ifindex] = d;
	snprintf(c->path[dev->ifindex], sizeof(c->path[0]), "%s", path);
	return 0;
}

const char *kit_pcap_path(const struct net_device *dev)
{
	const struct kit_pcap *c = dev->kit->pcap;

	return c && c->d[dev->ifindex] ? c->path[dev->ifindex] : NULL;
}

void kit_pcap_stop(struct kit *k)
{
	if (!k->pcap)
		return;
	for (int i = 0; i < KIT_MAX_DEVS; i++)
		close_one(k->pcap, i);
	free(k->pcap);
	k->pcap = NULL;
}

void pcap_tap(struct kit *k, struct net_device *dev, const unsigned char *frame,
	      unsigned int len, u64 t)
{
	struct pcap_pkthdr h;
	pcap_dumper_t *d;

	if (likely(!k->pcap) || !(d = k->pcap->d[dev->ifindex]))
		return;
	h.ts.tv_sec = (time_t)(t / NSEC_PER_SEC);
	h.ts.tv_usec = (suseconds_t)(t % NSEC_PER_SEC); /* nanoseconds: nano precision */
	h.caplen = len;
	h.len = len;
	pcap_dump((u_char *)d, &h, frame);
}
