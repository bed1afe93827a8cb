#!/bin/sh
# autograder.sh - make autograder: dist/autograder.zip for Gradescope.
#
# The instructor's committed tree (the reference and the hidden tests included: Gradescope
# keeps the autograder's source from students) with setup.sh and run_autograder at the top of
# the zip, as Gradescope expects, and autograder.labs naming the labs it grades.
#
# From the Makefile: BUILD, LABS.
set -eu
: "${BUILD:=build}"
stage=$BUILD/autograder
rm -rf "$stage"
mkdir -p "$stage" dist
git ls-files | while IFS= read -r f; do
	[ -f "$f" ] && cp --parents -p "$f" "$stage/"
done
cp -p tests/grade/course/setup.sh tests/grade/course/run_autograder "$stage/"
echo "$LABS" > "$stage/autograder.labs"
rm -f dist/autograder.zip
(cd "$stage" && zip -q -r -X "$OLDPWD/dist/autograder.zip" .)
echo "dist/autograder.zip: labs$(printf ' %s' $LABS); upload it as the assignment's autograder"
