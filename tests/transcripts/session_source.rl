# Sourced by session_cmds.rl: runs as its own script.
time
