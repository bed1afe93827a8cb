/* trace_export.h - `trace export FILE.json [last N]` and `trace record on|off`. */
#ifndef RINGLAB_TRACE_EXPORT_H
#define RINGLAB_TRACE_EXPORT_H

struct sess;

/* argv[0] is "export" / "record"; CMD_OK, CMD_USAGE or CMD_FAIL. */
int trace_export_cmd(struct sess *s, int argc, char **argv);
int trace_record_cmd(struct sess *s, int argc, char **argv);

#endif
