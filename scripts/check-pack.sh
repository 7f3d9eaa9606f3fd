#!/usr/bin/env bash
# The package as a user gets it: npm pack, install the tarball into an empty
# folder (its dependencies from the registry, no dev dependencies), then run
# both bins from there: --help, a parity run and a short bench run against a
# user's node:http server, and the bench with neither wrk nor autocannon.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/wirecore-pack-XXXXXX")
trap 'rm -rf "$work"' EXIT

cd "$root"
npm run build --silent
tarball=$(npm pack --silent --pack-destination "$work")
echo "== packed $tarball ($(du -k "$work/$tarball" | cut -f1) KiB)"

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "./$tarball"
echo "== installed: $(ls node_modules | tr '\n' ' ')"
test ! -e node_modules/autocannon && echo "== autocannon is not installed (a dev dependency of wirecore)"

echo "== npx wirecore-parity --help (first lines)"
npx wirecore-parity --help | head -4
echo "== npx wirecore-bench --help (first lines)"
npx wirecore-bench --help | head -4
npx wirecore-parity --version
npx wirecore-bench --version

cp "$root/test/fixtures/tools/node-http-server.mjs" server.mjs
echo "== npx wirecore-parity on a user's node:http server (host, framing), with the built-in net target beside it"
set +e
npx wirecore-parity --target "node server.mjs" --name mine --builtin net --cases host,framing-content-length --out PARITY.md --junit parity.xml --quiet
echo "exit code: $? (1: node:http fails unwaived cases)"
set -e
grep -c "<testcase" parity.xml | sed 's/^/JUnit test cases: /'

if command -v wrk >/dev/null; then
  echo "== npx wirecore-bench with wrk (1 round of 1 s, 2 connections), wirecore's net beside it"
  npx wirecore-bench --target "node server.mjs" --name mine --with "wirecore net" --scenarios plaintext --rounds 1 --duration 1 --warmup 0 --connections 2 --quiet
fi

echo "== npx wirecore-bench with neither wrk nor autocannon on the PATH"
bin="$work/bin"
mkdir "$bin"
ln -s "$(command -v node)" "$bin/node"
ln -s "$(command -v sh)" "$bin/sh"
set +e
PATH="$bin" node node_modules/.bin/wirecore-bench --target "node server.mjs" --scenarios plaintext --rounds 1 --duration 1 --no-pin
echo "exit code: $?"
set -e
