/* arg.c - argument checking shared by the commands: one message style, nothing changed on failure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arg.h"
#include "cmd.h"
#include "out.h"
#include "sess.h"

int arg_dev(struct sess *s, const char *cmd, const char *word, struct net_device **dev)
{
	char names[64] = "";
	size_t n = 0;

	*dev = kit_dev_by_name(s->k, word);
	if (*dev) {
		s->cur_dev = *dev;
		return 0;
	}
	for (int i = 0; i < kit_dev_count(s->k); i++)
		n += (size_t)snprintf(names + n, n < sizeof(names) ? sizeof(names) - n : 0, "%s%s",
				      i ? " " : "", kit_dev_at(s->k, i)->name);
	out_error("%s: no device '%s' (devices: %s)", cmd, word, names);
	return CMD_FAIL;
}

int arg_dev_live(struct sess *s, const char *cmd, const char *word, struct net_device **dev)
{
	int rc = arg_dev(s, cmd, word, dev);

	if (rc)
		return rc;
	if (kit_dev_broken(*dev)) {
		out_error("%s: %s is broken after a driver crash: `driver reload` or `reset` first", cmd,
			  (*dev)->name);
		return CMD_FAIL;
	}
	return 0;
}

int arg_parse_num(const char *word, long long *v)
{
	char *end;
	long long x, mul = 1;

	if (!*word || *word == '-' || *word == '+')
		return -1;
	errno = 0;
	x = strtoll(word, &end, 0);
	if (end == word || errno)
		return -1;
	if (*end == 'k' || *end == 'K')
		mul = 1000, end++;
	else if (*end == 'M')
		mul = 1000000, end++;
	else if (*end == 'G')
		mul = 1000000000, end++;
	if (*end || x > (1LL << 62) / mul)
		return -1;
	*v = x * mul;
	return 0;
}

int arg_parse_signed(const char *word, long long *v)
{
	if (*word == '-' && !arg_parse_num(word + 1, v)) {
		*v = -*v;
		return 0;
	}
	return arg_parse_num(word, v);
}

int arg_num(const char *cmd, const char *what, const char *word, long long min, long long max,
	    long long *v)
{
	long long x;

	if (arg_parse_signed(word, &x)) {
		const char *d = word + (*word == '-');

		/* digits only, just too many of them: a number, out of range */
		if (*d && strspn(d, "0123456789") == strlen(d)) {
			out_error("%s: %s must be between %lld and %lld, not %s (out of range)", cmd,
				  what, min, max, word);
			return CMD_FAIL;
		}
		out_error("%s: %s must be a number, not '%s'", cmd, what, word);
		return CMD_USAGE;
	}
	if (x < min || x > max) {
		out_error("%s: %s must be between %lld and %lld, not %lld", cmd, what, min, max, x);
		return CMD_FAIL;
	}
	*v = x;
	return 0;
}

int arg_time(const char *cmd, const char *word, u64 *ns)
{
	static const struct { const char *unit; u64 mul; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	};
	char *end;
	unsigned long long x;

	errno = 0;
	x = (*word >= '0' && *word <= '9') ? strtoull(word, &end, 10) : 0;
	if (*word < '0' || *word > '9' || errno) {
		out_error("%s: '%s' is not a time (like 500ns, 10us, 2ms, 1s)", cmd, word);
		return CMD_USAGE;
	}
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (!strcmp(end, units[i].unit)) {
			if (x > 3600ULL * 1000000000ULL / units[i].mul) {
				out_error("%s: time must be between 1ns and 3600s, not %s", cmd, word);
				return CMD_FAIL;
			}
			*ns = x * units[i].mul;
			if (!*ns) {
				out_error("%s: time must be between 1ns and 3600s, not %s", cmd, word);
				return CMD_FAIL;
			}
			return 0;
		}
	out_error("%s: '%s' needs a unit: ns, us, ms or s (like 10us)", cmd, word);
	return CMD_USAGE;
}

int arg_word(const char *cmd, const char *what, const char *word, const char *words, int *i)
{
	const char *w = words;
	size_t n = strlen(word);

	for (int k = 0; *w; k++) {
		size_t l = strcspn(w, "|");

		if (l == n && !strncmp(w, word, n)) {
			*i = k;
			return 0;
		}
		w += l;
		if (*w)
			w++;
	}
	out_error("%s: %s must be %s, not '%s'", cmd, what, words, word);
	return CMD_USAGE;
}

int arg_skb(struct sess *s, const char *cmd, const char *word, bool held, struct sk_buff **skb)
{
	const char *p = !strncmp(word, "skb#", 4) ? word + 4 : word;
	long long id;

	if (!strcmp(word, "skb#last") || !strcmp(word, "$skb")) {
		sess_prune(s); /* the newest skb you still hold */
		if (!s->nheld) {
			out_error("%s: %s: you hold no skb (skb alloc makes one)", cmd, word);
			return CMD_FAIL;
		}
		p = "0";
		id = s->held[s->nheld - 1];
	} else if (arg_parse_num(p, &id) || id <= 0 || id > 0xffffffffLL) {
		out_error("%s: '%s' is not an skb handle (like skb#766 or skb#last, from skb alloc)",
			  cmd, word);
		return CMD_USAGE;
	}
	*skb = kit_skb_find(s->k, (u32)id);
	if (!*skb) {
		out_error("%s: skb#%lld does not exist (freed, or never allocated)", cmd, id);
		return CMD_FAIL;
	}
	if (held && (*skb)->kit_place != SKB_USER) {
		out_error("%s: skb#%lld is not yours (skb alloc makes skbs you hold): it is in %s",
			  cmd, id, skb_place_name((enum skb_place)(*skb)->kit_place));
		return CMD_FAIL;
	}
	return 0;
}

int arg_proto(const char *cmd, const char *word, u8 *proto)
{
	int i;
	int rc = arg_word(cmd, "proto", word, "udp|tcp|icmp", &i);

	if (!rc)
		*proto = i == 0 ? IPPROTO_UDP : i == 1 ? IPPROTO_TCP : IPPROTO_ICMP;
	return rc;
}

int arg_kvs(const char *cmd, int argc, char **argv, struct arg_kv *kv, int nkv)
{
	for (int i = 0; i < argc; i++) {
		struct arg_kv *k = NULL;
		int rc = 0, w;
		u64 t;
		u8 p;

		for (int j = 0; j < nkv; j++)
			if (!strcmp(argv[i], kv[j].key))
				k = &kv[j];
		if (!k) {
			char keys[160] = "";
			size_t n = 0;

			for (int j = 0; j < nkv; j++)
				n += (size_t)snprintf(keys + n, n < sizeof(keys) ? sizeof(keys) - n : 0,
						      "%s%s", j ? ", " : "", kv[j].key);
			out_error("%s: unknown argument '%s' (expected %s)", cmd, argv[i], keys);
			return CMD_USAGE;
		}
		if (k->seen) {
			out_error("%s: %s given twice", cmd, k->key);
			return CMD_USAGE;
		}
		if (i + 1 >= argc) {
			out_error("%s: %s needs a value", cmd, k->key);
			return CMD_USAGE;
		}
		k->s = argv[++i];
		switch (k->kind) {
		case 'n': rc = arg_num(cmd, k->key, k->s, k->min, k->max, &k->v); break;
		case 't': rc = arg_time(cmd, k->s, &t); k->v = (long long)t; break;
		case 'w': rc = arg_word(cmd, k->key, k->s, k->words, &w); k->v = w; break;
		case 'p': rc = arg_proto(cmd, k->s, &p); k->v = p; break;
		default: break;
		}
		if (rc)
			return rc;
		k->seen = true;
	}
	return 0;
}

void arg_fmt_time(u64 ns, char *buf, size_t len)
{
	snprintf(buf, len, "[%5llu.%06llu]", (unsigned long long)(ns / NSEC_PER_SEC),
		 (unsigned long long)(ns % NSEC_PER_SEC / NSEC_PER_USEC));
}
