#!/usr/bin/env bash
# Names the service worker's cache after this build: writes a hash of the built site's files
# into <site>/sw.js (`const BUILD = "…"`), so each deploy's worker keeps its own cache and drops
# the others (www/sw.js). The datasets (data/) are left out: they have a cache of their own.
# Run after every build: build-threads.sh (Trunk's post_build hook) and build-site.sh call it;
# it can run twice on one site (the light build's files join the site after the first run).
# By hand: scripts/stamp-sw.sh <site folder>.
set -euo pipefail
SITE="${1:?give the site folder}"
cd "$SITE"
[ -f sw.js ] || exit 0
BUILD="$(find . -type f ! -path './data/*' ! -name sw.js -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
sed -i "s/^const BUILD = \".*\";/const BUILD = \"$BUILD\";/" sw.js
grep -q "^const BUILD = \"$BUILD\";" sw.js
