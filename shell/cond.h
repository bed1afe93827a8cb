/* cond.h - conditions on the machine (DEV.FIELD OP N) for `expect` and `run until`. */
#ifndef RINGLAB_COND_H
#define RINGLAB_COND_H

#include <ringkit/ringkit.h>

struct sess;

struct cond {
	struct net_device *dev;
	int kind;	  /* a stats counter, a tx./rx. ring field or a device field */
	int index;	  /* its row */
	int op;		  /* == != <= >= < > */
	long long value;  /* N */
	char field[64];	  /* FIELD as written */
	char text[128];	  /* "sn0.tx_packets == 12" */
};

/* Parse argv (the words after the command, joined) into c; on error prints
 * one line prefixed with cmd and returns CMD_USAGE or CMD_FAIL. */
int cond_parse(struct sess *s, const char *cmd, int argc, char **argv, struct cond *c);
long long cond_value(const struct cond *c);
bool cond_holds(const struct cond *c, long long *actual);
/* One line: the TX (or RX) ring's indices and registers, the queue (or NAPI), a few counters. */
void cond_state(struct net_device *dev, bool rx, char *buf, size_t len);
/* `run until COND`: step until it holds; fails if the machine goes idle (or
 * max_steps pass) first. */
int cond_run_until(struct sess *s, int argc, char **argv, u64 max_steps);

#endif
