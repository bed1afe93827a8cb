/* helpers.c - in-process shell sessions for the tests: one command line, output captured. */
#include <stdlib.h>

#include "../../shell/cmd.h"
#include "../../shell/guard.h"
#include "../../shell/out.h"
#include "../../shell/sess.h"
#include "helpers.h"

char th_out[1 << 20];
static struct sess the_sess;

struct sess *th_sess(void)
{
	guard_install();
	if (!sess_init(&the_sess, 1))
		abort();
	return &the_sess;
}

void th_done(struct sess *s)
{
	sess_fini(s);
}

int th_run(struct sess *s, const char *line)
{
	struct out_capture c;
	int rc;

	out_capture_begin(&c, th_out, sizeof(th_out));
	rc = cmd_exec_line(s, line);
	out_capture_end(&c);
	return rc;
}

const char *th_build(void)
{
	const char *b = getenv("RINGLAB_BUILD");

	return b && *b ? b : "build";
}
