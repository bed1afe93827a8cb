/* param.h - the kit's parameter table from the shell: parse, check, apply quietly, show. */
#ifndef RINGLAB_PARAM_H
#define RINGLAB_PARAM_H

#include <ringkit/ringkit.h>

struct sess;

/* Parameter id by name (rx-usecs spellings too); prints the closest name if unknown. */
int param_lookup(const char *cmd, const char *name, int *id);
/* A value for id: a number in its range or one of its words; checked, not applied. */
int param_parse(const char *cmd, int id, const char *word, long *v);
/* Apply a checked value (dev NULL = every device), with the trace printer paused:
 * reopening a device is configuration, not the data path. Prints "name: old -> new". */
int param_apply(struct sess *s, const char *cmd, struct net_device *dev, int id, long v);
/* lookup + parse + apply */
int param_set_words(struct sess *s, const char *cmd, struct net_device *dev, const char *name,
		    const char *value, bool announce);
/* "16", "modern" */
void param_fmt(int id, long v, char *buf, size_t len);

int param_show_group(struct sess *s, enum kit_param_group g, bool json);
int param_show_one(struct sess *s, const char *name, bool json);

/* ethtool (ethtool.c) */
int ethtool_run(struct sess *s, int argc, char **argv, bool json);

#endif
