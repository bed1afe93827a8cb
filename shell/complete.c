/* complete.c - completion driven by each command's spec string, with readline on top. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include "cmd.h"
#include "complete.h"
#include "sess.h"

/*
 * A spec is "POS POS ... ; KEY:VALUE KEY:VALUE". Each POS is the completions
 * for one positional argument: alternatives joined by '|', each a literal
 * word or a class: $dev (device names), $skb (your skb handles), $file,
 * $cmd (command names), $param (parameter names), $devparam (after `set DEV`:
 * the device's settings), $pvalue (a parameter's words), $exp, $expkey (an
 * experiment's keys, for every argument after it), $bench; $num and _
 * complete nothing. KEY:VALUE pairs may follow the positional arguments in
 * any order: the keys are offered, then the VALUE after a key.
 */

struct cands {
	char **out;
	int n, max;
	const char *prefix;
	bool files;
	char **words; /* the line's words so far, the last being completed */
	int nw;
};

static void add(struct cands *c, const char *w)
{
	if (c->n >= c->max || strncmp(w, c->prefix, strlen(c->prefix)))
		return;
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->out[i], w))
			return;
	c->out[c->n++] = strdup(w);
}

static void add_cb(void *c, const char *w)
{
	add(c, w);
}

/* The words a parameter takes (napi: none classic modern), if it takes words. */
static void add_param_words(struct cands *c, const char *name)
{
	int id = kit_param_find(name);
	const char *w;

	for (long v = 0; id >= 0 && v < 16 && (w = kit_param_word(id, v)); v++)
		add(c, w);
}

static void add_class(struct sess *s, struct cands *c, const char *cls, size_t len)
{
	char buf[32];

	if (!strncmp(cls, "$dev", len) && len == 4) {
		for (int i = 0; s && s->k && i < kit_dev_count(s->k); i++)
			add(c, kit_dev_at(s->k, i)->name);
	} else if (!strncmp(cls, "$skb", len) && len == 4) {
		if (s && s->k)
			sess_prune(s);
		for (int i = 0; s && i < s->nheld; i++) {
			snprintf(buf, sizeof(buf), "skb#%u", s->held[i]);
			add(c, buf);
		}
		if (s && s->nheld)
			add(c, "skb#last");
	} else if (!strncmp(cls, "$file", len) && len == 5) {
		c->files = true;
	} else if (!strncmp(cls, "$cmd", len) && len == 4) {
		for (int i = 0; i < cmd_count(); i++)
			add(c, cmd_at(i)->name);
	} else if (!strncmp(cls, "$param", len) && len == 6) {
		for (int i = 0; i < kit_param_count(); i++)
			add(c, kit_param_at(i)->name);
	} else if (!strncmp(cls, "$devparam", len) && len == 9 && c->nw > 2) {
		/* set DEV <Tab>: the per-device settings; set NAME <Tab>: NAME's words */
		if (s && s->k && kit_dev_by_name(s->k, c->words[1])) {
			for (int i = 0; i < kit_param_count(); i++)
				if (kit_param_at(i)->group == PARAM_DEVICE)
					add(c, kit_param_at(i)->name);
		} else {
			add_param_words(c, c->words[1]);
		}
	} else if (!strncmp(cls, "$pvalue", len) && len == 7 && c->nw > 3) {
		add_param_words(c, c->words[2]); /* set DEV NAME <Tab> */
	} else if (!strncmp(cls, "$exp", len) && len == 4) {
		comp_experiments(add_cb, c);
	} else if (!strncmp(cls, "$bench", len) && len == 6) {
		comp_benches(add_cb, c);
	} else if (!strncmp(cls, "$expkey", len) && len == 7 && c->nw > 2) {
		if (!strcmp(c->words[c->nw - 2], "-o"))
			c->files = true;
		else
			comp_exp_params(c->words[1], c->words[c->nw - 2], add_cb, c);
	}
}

/* One alternatives list "a|$dev|b" of length len. */
static void add_alts(struct sess *s, struct cands *c, const char *alts, size_t len)
{
	const char *end = alts + len;

	while (alts < end) {
		size_t w = strcspn(alts, "|");
		char word[64];

		if (alts + w > end)
			w = (size_t)(end - alts);
		if (*alts == '$') {
			add_class(s, c, alts, w);
		} else if (*alts != '_' && w < sizeof(word)) {
			memcpy(word, alts, w);
			word[w] = '\0';
			add(c, word);
		}
		alts += w + 1;
	}
}

/* The n-th blank-separated token of spec (before ';'): start and length. */
static bool pos_token(const char *spec, int n, const char **tok, size_t *len)
{
	const char *p = spec, *semi = strchr(spec, ';');
	const char *end = semi ? semi : spec + strlen(spec);

	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			return false;
		*tok = p;
		*len = strcspn(p, " ;");
		if (n-- == 0)
			return true;
		p += *len;
	}
}

/* Is word one of the '|' alternatives in tok? */
static bool is_alt(const char *tok, size_t len, const char *word)
{
	size_t wl = strlen(word);

	for (size_t i = 0; i < len;) {
		size_t w = strcspn(tok + i, "| ;");

		if (w > len - i)
			w = len - i;
		if (w == wl && !strncmp(tok + i, word, wl))
			return true;
		i += w + 1;
	}
	return false;
}

/* key is an alternative of a positional argument already given as another
 * alternative ("count" after "pcap"): it cannot come now. */
static bool excluded(const char *spec, const char *key, char **words, int nw)
{
	const char *tok;
	size_t len;

	for (int n = 0; pos_token(spec, n, &tok, &len); n++) {
		if (!is_alt(tok, len, key))
			continue;
		for (int i = 1; i < nw - 1; i++)
			if (strcmp(words[i], key) && is_alt(tok, len, words[i]))
				return true;
	}
	return false;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int comp_candidates(struct sess *s, const char *line, int point, char **out, int max, bool *files)
{
	char *words[CMD_MAX_WORDS], buf[1024];
	int nw = 0, nargs = 0;
	struct cands c = { out, 0, max, "", false, words, 0 };
	const struct cmd *cmd;
	const char *prev, *kv;
	size_t o = 0;

	/* blank-separated words before point; the last one is being completed */
	for (int i = 0; i < point && o + 2 < sizeof(buf); i++) {
		bool blank = line[i] == ' ' || line[i] == '\t';

		if (!blank && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t') && nw < CMD_MAX_WORDS)
			words[nw++] = buf + o;
		if (blank) {
			if (o && buf[o - 1])
				buf[o++] = '\0';
		} else {
			buf[o++] = line[i];
		}
	}
	buf[o] = '\0';
	if (point == 0 || line[point - 1] == ' ' || line[point - 1] == '\t')
		words[nw++] = buf + o + 1, buf[o + 1] = '\0'; /* a new, empty word */
	c.prefix = words[nw - 1];
	c.nw = nw;
	*files = false;
	if (nw == 1) {
		for (int i = 0; i < cmd_count(); i++)
			add(&c, cmd_at(i)->name);
		goto done;
	}
	cmd = cmd_find(words[0]);
	if (!cmd || !cmd->complete)
		goto done;
	for (int i = 1; i < nw - 1; i++)
		if (strcmp(words[i], "-j"))
			nargs++;
	if ((cmd->flags & CMD_F_JSON) && c.prefix[0] == '-')
		add(&c, "-j");
	prev = nw > 2 ? words[nw - 2] : "";
	kv = strchr(cmd->complete, ';');
	if (kv) {
		/* after a key: its value */
		for (const char *p = kv + 1; *p;) {
			size_t w;
			const char *colon;

			p += strspn(p, " ");
			w = strcspn(p, " ");
			colon = memchr(p, ':', w);
			if (colon && (size_t)(colon - p) == strlen(prev) && !strncmp(p, prev, strlen(prev))) {
				add_alts(s, &c, colon + 1, w - (size_t)(colon - p) - 1);
				goto done;
			}
			p += w;
		}
	}
	{
		const char *tok;
		size_t len;

		if (pos_token(cmd->complete, nargs, &tok, &len)) {
			add_alts(s, &c, tok, len);
			goto done;
		}
		/* a last positional "$expkey" stands for every argument after it */
		for (int n = nargs - 1; n >= 0; n--)
			if (pos_token(cmd->complete, n, &tok, &len)) {
				if (len == 7 && !strncmp(tok, "$expkey", 7)) {
					add_alts(s, &c, tok, len);
					goto done;
				}
				break;
			}
	}
	/* past the positional arguments: the keys not given yet */
	for (const char *p = kv ? kv + 1 : ""; *p;) {
		size_t w, k;
		char key[48];
		bool used = false;

		p += strspn(p, " ");
		w = strcspn(p, " ");
		k = strcspn(p, ":");
		if (k < w && k < sizeof(key)) {
			memcpy(key, p, k);
			key[k] = '\0';
			for (int i = 1; i < nw - 1; i++)
				used |= !strcmp(words[i], key);
			if (!used && !excluded(cmd->complete, key, words, nw))
				add(&c, key);
		}
		p += w;
	}
done:
	*files = c.files;
	qsort(out, (size_t)c.n, sizeof(*out), cmp);
	return c.n;
}

/* ---- readline -------------------------------------------------------------- */

static char *found[COMP_MAX];
static int nfound, next_found;

static char *gen(const char *text, int state)
{
	if (next_found < nfound)
		return found[next_found++];
	return NULL;
}

static char **attempt(const char *text, int start, int end)
{
	bool files;
	char **m;

	rl_attempted_completion_over = 1; /* never file names unless the spec says so */
	for (int i = next_found; i < nfound; i++)
		free(found[i]);
	nfound = comp_candidates(sess_current, rl_line_buffer, end, found, COMP_MAX, &files);
	next_found = 0;
	if (files && nfound == 0)
		return rl_completion_matches(text, rl_filename_completion_function);
	/* "len=" takes its value right after the '=' */
	rl_completion_append_character =
		nfound == 1 && found[0][0] && found[0][strlen(found[0]) - 1] == '=' ? '\0' : ' ';
	m = rl_completion_matches(text, gen);
	return m;
}

void comp_install(void)
{
	rl_attempted_completion_function = attempt;
	rl_completer_word_break_characters = " \t";
}
