#!/bin/sh
# make-status.sh — run once by the Dockerfile's RUN step: prints a small
# status text that the image then serves as /status.txt.
set -e
echo "$GREETING"
echo "built: $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "busybox: $(busybox | head -n 1)"
