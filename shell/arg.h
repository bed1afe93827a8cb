/* arg.h - checking a command's arguments before any kit call: devices, numbers, times, skbs. */
#ifndef RINGLAB_ARG_H
#define RINGLAB_ARG_H

#include <ringkit/ringkit.h>

struct sess;

/*
 * Each helper prints the reason (prefixed with the command's name) and
 * returns CMD_USAGE for a word of the wrong kind or CMD_FAIL for a value out
 * of range, or 0 on success. Nothing is changed on failure.
 */

/* A device by name; also becomes s->cur_dev (the oops names it). */
int arg_dev(struct sess *s, const char *cmd, const char *word, struct net_device **dev);

/* The same, for commands that call the driver: a device a crash broke is refused. */
int arg_dev_live(struct sess *s, const char *cmd, const char *word, struct net_device **dev);

/* A number, decimal or 0x hex, with an optional k/M/G (x1000) suffix, in [min, max]. */
int arg_num(const char *cmd, const char *what, const char *word, long long min, long long max,
	    long long *v);
/* Parse only: 0, or -1 if word is not a number. */
int arg_parse_num(const char *word, long long *v);
/* The same with an optional '-': "-5" is a number (out of range where only
 * counts are allowed: the error then says the range, as for 0). */
int arg_parse_signed(const char *word, long long *v);

/* A time with its unit: ns, us, ms, s ("10us"). */
int arg_time(const char *cmd, const char *word, u64 *ns);

/* One of words ("tx|rx"); returns the index in *i. */
int arg_word(const char *cmd, const char *what, const char *word, const char *words, int *i);

/* skb#N (or N): a live skb; held = it must be the shell's (not handed over). */
int arg_skb(struct sess *s, const char *cmd, const char *word, bool held, struct sk_buff **skb);

/* "udp" | "tcp" | "icmp" -> IPPROTO_* */
int arg_proto(const char *cmd, const char *word, u8 *proto);

/*
 * Keyword arguments after the positional ones: "len 128 proto tcp". Each
 * known key may appear once; unknown keys and missing values are usage
 * errors. kind: 'n' number in [min, max], 't' time, 'w' one of words,
 * 'p' proto, 's' any string.
 */
struct arg_kv {
	const char *key;
	char kind;
	long long min, max;
	const char *words;
	bool seen;
	long long v; /* number, time in ns, word index, proto */
	const char *s;
};
int arg_kvs(const char *cmd, int argc, char **argv, struct arg_kv *kv, int nkv);

/* "[    1.234567]" */
void arg_fmt_time(u64 ns, char *buf, size_t len);

#endif
