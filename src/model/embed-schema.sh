#!/bin/sh
# Turns schema/NNN_name.sql files into a C table of {version, sql} so
# hallmarkctl carries its migrations with it.
echo "/* Generated from the schema directory by src/model/embed-schema.sh. */"
echo "static const struct migration { int version; const char *sql; } migrations[] = {"
for f in "$@"; do
	v=$(basename "$f" | sed 's/_.*//; s/^0*//')
	printf '\t{%s,\n' "$v"
	sed 's/\\/\\\\/g; s/"/\\"/g; s/^/\t"/; s/$/\\n"/' "$f"
	printf '\t},\n'
done
echo "};"
