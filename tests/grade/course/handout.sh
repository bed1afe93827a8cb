#!/bin/sh
# handout.sh - make handout: the students' tarball, dist/ringlab-student-VERSION.tar.gz.
#
# The committed tree without the reference's source and the instructor's tests: no
# solutions/L/*.c, no hidden tests, no mutants, variants or grader faults. The reference the
# programs and the grader link goes in as solutions/libsolutions.a (the objects this build
# made, debug information stripped; member L__F.o is solutions/L/F.c) with solutions/MANIFEST,
# so the handout's Makefile links it instead of compiling solutions/.
#
# The fault drivers of tests/drivers/ (each a model answer with one bug) go in compiled too.
#
# From the Makefile: BUILD, VERSION, SOL_SRC (the reference's sources and the fault drivers,
# built already).
set -eu
: "${BUILD:=build}" "${VERSION:=unknown}"
name=ringlab-student-$VERSION
stage=$BUILD/handout/$name
rm -rf "$BUILD/handout"
mkdir -p "$stage/solutions" "$BUILD/handout/members" dist

git ls-files | grep -Ev '^(solutions/|tests/drivers/.*\.c$|tests/mutants/|tests/variants/|tests/grade/faults/|tests/grade/cut/|labs/cut\.sh$|tests/grade/mutants\.sh$)' |
	while IFS= read -r f; do
		[ -f "$f" ] && cp --parents -p "$f" "$stage/"
	done

for f in $SOL_SRC; do
	o=$BUILD/obj/${f%.c}.o
	m=$(printf %s "${f#solutions/}" | sed 's|/|__|; s|\.c$|.o|')
	objcopy --strip-debug "$o" "$BUILD/handout/members/$m"
	echo "$f" >> "$stage/solutions/MANIFEST"
done
(cd "$BUILD/handout/members" && ar rcs "$OLDPWD/$stage/solutions/libsolutions.a" *.o)
cat > "$stage/solutions/README.md" <<'TXT'
# The reference, compiled

`libsolutions.a` holds the kit's reference driver functions compiled (one member per file of
`MANIFEST`); the programs link it, and `make grade` links it for every lab but the one being
graded, whose functions come from your files in `labs/`. The source is your instructor's.
TXT
# the fault drivers are model answers with one bug each: they go in compiled, as the reference
mkdir -p "$stage/tests/drivers"
for f in tests/drivers/*.c; do
	so=$BUILD/tests/drivers/$(basename "$f" .c).so
	strip --strip-debug -o "$stage/tests/drivers/$(basename "$so")" "$so"
done
echo "$VERSION" > "$stage/.version"
tar -C "$BUILD/handout" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
	-cf - "$name" | gzip -n > "dist/$name.tar.gz"
echo "dist/$name.tar.gz: $(find "$stage" -type f | wc -l) files, no solution source, no hidden test"
