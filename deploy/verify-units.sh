#!/usr/bin/env bash
# Checks the systemd units in deploy/ with `systemd-analyze verify` (CI runs it where the command exists). verify
# exits 0 on many mistakes (an unknown key, a bad value) and only says so: any line it prints fails the check.
set -euo pipefail
cd "$(dirname "$0")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for unit in *.service; do
  # A template (name@.service) is verified as one of its instances, whose %i is then filled in.
  name="${unit/@.service/@1.service}"
  cp "$unit" "$work/$name"
  out="$(cd "$work" && systemd-analyze verify "./$name" 2>&1)" || status=1
  if [ -n "$out" ]; then
    echo "$unit:"; echo "$out"; status=1
  else
    echo "$unit: verified"
  fi
done
exit "$status"
