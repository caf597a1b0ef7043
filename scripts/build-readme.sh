#!/bin/sh
# Assembles README.md from its parts so each part has one owner: the header below, docs/core.md, and the
# sections in docs/ (workflows, bench, systemd, postgres, docker, dashboard, hakurun). Run after editing any of them.
set -eu
cd "$(dirname "$0")/.."
{
cat <<'HEAD'
# HakuRiver for the JVM

A lightweight, self-hosted cluster manager for 3–20 machines — a Java re-implementation of
[HakuRiver](docs/core.md), wire-compatible with the original Python Host, Runner, client and dashboard.

On a fresh Debian/Ubuntu machine with JDK 17+ and Maven:

```bash
# 1. Build and run the embedded default: a Host and a Runner on this machine (SQLite and a shared dir under
#    ./data/demo, plain-process tasks), one sample task end to end, then it serves until Ctrl-C.
mvn -q -DskipTests package && bin/hakuriver demo

# 2. Run the tests (unit + integration; Docker/systemd/browser tests skip unless provisioned, see "Tests").
mvn -B verify
```

The demo prints the API/dashboard URL (`http://127.0.0.1:8000/`) and ready-to-paste client commands, and an
`export HAKURIVER_CONFIG=…` line that points every `hakuriver.client` example below at it. Tasks that name no
container run as plain processes there, unless Docker answers and the `hakuriver-base` environment exists (it says
which). Ctrl-C stops the demo and kills its unfinished tasks.

![Dashboard](docs/img/dashboard-overview.png)

Contents: [What it is](#what-it-is) · [Configuration](#configuration) · [Scheduling](#scheduling-a-real-queue) · [GPUs](#gpus) ·
[Client](#client) · [Workflows](#work-that-runs-itself) · [Security](#security) · [Backends](#execution-backends) · [API](#http-api) · [Tests](#tests) · [Benchmarks](#benchmarks) ·
[systemd](#running-under-systemd) · [PostgreSQL](#two-hosts-on-postgresql) · [Docker](#docker-environments) · [Dashboard](#web-dashboard) · [hakurun](#parameter-sweeps-hakurun-and-hakuriverclient-sweep)

HEAD
cat docs/core.md
for part in workflows bench systemd postgres docker dashboard hakurun; do
  [ -f "docs/$part.md" ] || continue
  echo
  # each part starts with a level-1 title; demote every heading one level inside the README. Links written
  # relative to docs/ (../bench/README.md, img/x.png, other.md) are made relative to the README's folder.
  awk '/^```/ { code = !code; print; next }
       code { print; next }
       { if ($0 ~ /^#+ /) $0 = "#" $0
         gsub(/\]\(\.\.\//, "](")
         gsub(/\]\(img\//, "](docs/img/")
         s = $0; out = ""
         while (match(s, /\]\([A-Za-z0-9_-]+\.md[)#]/)) {
           out = out substr(s, 1, RSTART + 1) "docs/" substr(s, RSTART + 2, RLENGTH - 2); s = substr(s, RSTART + RLENGTH)
         }
         print out s }' "docs/$part.md"
done
} > README.md
echo "README.md written ($(wc -l < README.md) lines)"
