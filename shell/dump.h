/* dump.h - snapshots as text and as JSON (e1000_dump's idea): rings, devices, counters. */
#ifndef RINGLAB_DUMP_H
#define RINGLAB_DUMP_H

#include <ringkit/ringkit.h>

struct cJSON;

void dump_ip(__be32 a, char *buf, size_t len);	 /* "192.168.0.1" */
void dump_mac(const u8 *m, char *buf, size_t len); /* "00:53:4e:55:4c:30" */
void dump_icr(u32 v, char *buf, size_t len);	 /* "TXDW|RXT0" or "0" */
const char *dump_napi_state(enum napi_view_state st);

/* The ring with owners and head/tail/next_to_use/next_to_clean markers. */
void dump_ring_text(const struct dev_snap *d, bool tx);
struct cJSON *dump_ring_json(const struct dev_snap *d, bool tx, bool slots);

void dump_dev_text(const struct dev_snap *d, struct net_device *dev);
struct cJSON *dump_dev_json(const struct dev_snap *d, struct net_device *dev);
/* Every counter of the stats table, by the kit's names. */
struct cJSON *dump_stats_json(struct net_device *dev, bool named); /* named: "dev" first */
/* LRO sessions */
void dump_lro_text(const struct dev_snap *d);
struct cJSON *dump_lro_json(const struct dev_snap *d);

#endif
