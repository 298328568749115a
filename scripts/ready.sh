#!/usr/bin/env bash
# Runs what CI runs, before you push.
exec bash "$(dirname "$0")/../.ci/run"
