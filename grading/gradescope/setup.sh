#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, to build the autograder image (Ubuntu): what
# `npm run grade` needs on a fresh Debian/Ubuntu machine, as .ci/run installs it.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Jupyter's client and nbclient (the execution report), numpy, bubblewrap (the sandbox), and what fetches Node.
apt-get install -y -qq python3 python3-nbclient python3-jupyter-client python3-nbformat python3-numpy bubblewrap curl xz-utils ca-certificates >/dev/null
# Node: the current LTS major the course is tested on (README), from nodejs.org.
major=${COURSE_NODE_MAJOR:-24}
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  base="https://nodejs.org/dist/latest-v${major}.x"
  tarball=$(curl -fsSL "$base/SHASUMS256.txt" | awk '/linux-x64.tar.xz$/ {print $2}')
  curl -fsSL "$base/$tarball" | tar -xJ -C /usr/local --strip-components=1
fi
npm ci --no-audit --no-fund
# build/ ships in the archive; this compiles only if a source is newer.
node kernel/build-lib.js --strict
# The sandbox runs submitted code as a uid of its own, which must read the course.
chmod -R a+rX .
d=$PWD; while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
