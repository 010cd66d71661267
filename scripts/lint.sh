#!/usr/bin/env bash
# lint.sh: the static part of the bar, run first by scripts/test.sh so it fails fast:
#   1. every C file in src/ agent/ tests/ bench/ is clang-format clean (.clang-format,
#      clang-format 14): `clang-format -i FILE` fixes one;
#   2. shellcheck finds nothing in any shell script of the repository (settings and the
#      reasons for each disabled check in .shellcheckrc);
#   3. cppcheck finds nothing in the C files (suppressions, each with its reason, in
#      .cppcheck-suppressions; there are no inline ones);
#   4. no file points outside the repository (the contract is README, doc/, man pages).
# Usage: scripts/lint.sh        (exits non-zero on the first violation)
set -euo pipefail
cd "$(dirname "$0")/.."

# the repository's files (git's list in a clone; a plain find in an exported tree)
files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files "$@"
  else
    local pat
    for pat in "$@"; do
      find . -path ./build\* -prune -o -path '*/node_modules' -prune -o -path "./$pat" -type f -print
    done | sed 's|^\./||' | sort -u
  fi
}

mapfile -t c_files < <(files 'src/*.[ch]' 'agent/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]')
echo "== format: clang-format --dry-run -Werror on ${#c_files[@]} C files"
clang-format --dry-run -Werror "${c_files[@]}"

# every shell script: *.sh, and any other file whose first line names sh or bash
mapfile -t sh_files < <(files '*' | while IFS= read -r f; do
  case $f in
  *.sh) echo "$f" ;;
  *.c | *.h | *.js | *.json | *.md | *.xml | *.txt | *.conf | *.1 | *.5) ;;
  *) head -n1 "$f" 2>/dev/null | grep -qE '^#!.*\b(ba|da)?sh\b' && echo "$f" ;;
  esac
done)
echo "== shellcheck on ${#sh_files[@]} scripts"
shellcheck -x "${sh_files[@]}"

echo "== cppcheck on src/ agent/ tests/ bench/"
# one configuration: the test build's (ESRA_TESTING only turns file-local helpers extern)
cppcheck --enable=warning,style,performance,portability --library=posix --std=c11 -q \
  -j"$(nproc 2>/dev/null || echo 2)" --error-exitcode=1 \
  -D_GNU_SOURCE -DESRA_TESTING -DESRA_VERSION='"lint"' -DFUZZ_PAYLOAD=DK_INSPECT \
  -Isrc -Itests/unit -Itests/harness \
  --suppressions-list=.cppcheck-suppressions src agent tests bench

echo "== no file points outside the repository"
# the contract lives in README, doc/ and the man pages: no "SPEC section N", no path to the
# workplace the project was written in
mapfile -t all_files < <(files '*' | grep -v -x 'scripts/lint.sh')
if grep -nE 'SPEC (section )?[0-9]|SPEC\.md|/work/(shared|main|wt-)|TESTBED\.md' "${all_files[@]}"; then
  echo "lint.sh: the lines above point outside the repository" >&2
  exit 1
fi
