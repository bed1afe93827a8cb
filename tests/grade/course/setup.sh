#!/usr/bin/env bash
# setup.sh - Gradescope's set-up step for the ringlab autograder (runs once, as root, when the
# autograder image is built): the Debian/Ubuntu packages, then the kit and the grader built in
# /autograder/source so each submission only builds the student's files.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v make >/dev/null || ! command -v gcc >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq make gcc >/dev/null
fi
# the -dev packages and tools the grader uses (the Makefile installs what is missing)
make -s deps-test
make -s -j"$(nproc)" grade-prereqs
echo "setup.sh: ringlab's grader is ready in $(pwd)"
