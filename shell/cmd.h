/* cmd.h - the command table: one row per command drives parsing, help, completion and the docs. */
#ifndef RINGLAB_CMD_H
#define RINGLAB_CMD_H

#include <stdbool.h>

struct sess;

/* What a handler returns. */
enum {
	CMD_OK = 0,
	CMD_FAIL = 1,  /* failed; the reason is printed */
	CMD_USAGE = 2, /* wrong arguments; the reason is printed, the dispatcher adds the usage */
};

#define CMD_F_JSON 0x1	  /* takes -j / --json */
#define CMD_F_REPEAT 0x2  /* Enter on an empty line repeats it (step) */
#define CMD_F_NOGUARD 0x4 /* runs no kit code itself (help, source, quit) */
#define CMD_F_LOOK 0x8	  /* only looks (ring, time): Enter still repeats the step before it */

typedef int (*cmd_fn)(struct sess *s, int argc, char **argv, bool json);

struct cmd {
	const char *name;
	const char *aliases;  /* space-separated other names, or NULL */
	int min, max;	      /* arguments after the name, -j not counted; max -1 = any */
	unsigned int flags;   /* CMD_F_* */
	const char *usage;    /* one line: "ring DEV tx|rx [-j]" */
	const char *summary;  /* one line, no final period */
	const char *help;     /* the long help: paragraphs and examples */
	const char *complete; /* completion spec (complete.c) */
	const char *json;     /* the -j keys, for the docs */
	cmd_fn fn;
};

/* Each module's rows, ending with a row whose name is NULL. */
extern const struct cmd cmd_dev_table[];
extern const struct cmd cmd_tx_table[];
extern const struct cmd cmd_rx_table[];
extern const struct cmd cmd_gro_table[];
extern const struct cmd cmd_time_table[];
extern const struct cmd cmd_look_table[];
extern const struct cmd cmd_session_table[];
extern const struct cmd cmd_traffic_table[];
/* cmd_flows.c: `flows`, a row of the Looking table */
int cmd_flows(struct sess *s, int argc, char **argv, bool json);
extern const struct cmd cmd_cond_table[];
int cmd_experiment(struct sess *s, int argc, char **argv, bool json); /* cmd_exp.c */

/* All commands, in help order; groups of the table for help and the docs. */
struct cmd_group {
	const char *title;
	const struct cmd *rows;
};
extern const struct cmd_group cmd_groups[];
int cmd_count(void);
const struct cmd *cmd_at(int i);
const struct cmd *cmd_find(const char *name); /* by name or alias */
/* The command name closest to word (edit distance), for "did you mean". */
/* The command name nearest word, or NULL if none is near enough to suggest. */
const char *cmd_closest(const char *word);
/* Is a name distance edits from word near enough to suggest? (1 for 3 letters, 3 for 8) */
bool cmd_close_enough(const char *word, int distance);
int cmd_distance(const char *a, const char *b);
bool cmd_has_name(const struct cmd *c, const char *name);

/*
 * Split a line into words: blanks separate, '...' and "..." quote, a
 * backslash escapes, '#' at the start of a word begins a comment, ';' ends a
 * command. Returns the number of words (argv points into buf), or -1 with a
 * message in err. *rest is set to what follows a ';' (NULL at the end).
 */
#define CMD_MAX_WORDS 64
int cmd_split(const char *line, char *buf, size_t buflen, char **argv, int max,
	      const char **rest, const char **err);

/* Run one line (commands separated by ';'); stops at the first failure. */
int cmd_exec_line(struct sess *s, const char *line);
int cmd_exec_argv(struct sess *s, int argc, char **argv);

/* The usage line and the pointer to help, after a wrong-arguments error. */
void cmd_usage(const struct cmd *c);
/* "ring: missing argument: tx or rx": what the first of c's required words
 * (from its usage line) that argv lacks is; "missing the option: -g -G ..." */
void cmd_missing(struct sess *s, const struct cmd *c, int argc, char **argv);
/* `help` and `help CMD` */
void cmd_help_all(void);
void cmd_help_one(const struct cmd *c);

/* docs/commands.md, generated */
void docs_generate(void);

#endif
