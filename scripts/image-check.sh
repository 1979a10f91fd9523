#!/usr/bin/env bash
# Builds the Docker image with podman and proves it works: the web server and a worker run
# from it against this machine's PostgreSQL and Redis, then /readyz, a rater's submission
# and a PDF report are checked.
#
# The base image is made here from Debian's own packages (debootstrap bookworm with
# Debian's python3.11), so no container registry is needed; a registry's
# python:3.11-slim-bookworm does the same job elsewhere.
#
# Needs root, podman, runc, debootstrap (apt-get install podman runc debootstrap),
# PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and Redis on 127.0.0.1:6379.
# Takes a few minutes (the first run also builds the base, about 5 more). Usage:
#   bash scripts/image-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${IMAGE_CHECK_DIR:-/var/tmp/feedback360-image-check}
BASE=localhost/feedback360-base:bookworm
IMAGE=localhost/feedback360:check
PORT=${IMAGE_CHECK_PORT:-8765}
SMTP_PORT=${IMAGE_CHECK_SMTP_PORT:-8766}
DATABASE=feedback360_image_check
# Redis database 13: the check never touches the queue of anything else on this Redis.
REDIS_URL=redis://127.0.0.1:6379/13
PYTHON=${PYTHON:-.venv/bin/python}
mkdir -p "$WORK"

# Podman as root on this kind of machine: runc as the runtime, and no default ulimits
# (the container may not raise limits the host's own limits forbid).
cat >"$WORK/containers.conf" <<'EOF'
[containers]
default_ulimits = []
[engine]
runtime = "runc"
EOF
export CONTAINERS_CONF="$WORK/containers.conf"
run_podman() { podman --runtime runc "$@"; }

step() { printf '== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

cleanup() {
  run_podman rm -f feedback360-check-web feedback360-check-worker >/dev/null 2>&1 || true
  [ -n "${smtp_pid:-}" ] && kill "$smtp_pid" 2>/dev/null || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "$DATABASE" 2>/dev/null || true
  redis-cli -n 13 flushdb >/dev/null 2>&1 || true
}
trap cleanup EXIT

if ! run_podman image exists "$BASE"; then
  step "base image from Debian bookworm's packages (debootstrap)"
  rootfs="$WORK/rootfs"
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include=python3.11,python3-pip,python3-venv,ca-certificates \
    bookworm "$rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log"
  # What the official python image offers and the Dockerfile relies on: `python` and `pip`
  # on the PATH, and pip allowed to install into the system's Python (the image is the
  # environment, so Debian's "externally managed" guard has nothing to protect).
  ln -sf python3 "$rootfs/usr/bin/python"
  ln -sf pip3 "$rootfs/usr/bin/pip"
  rm -f "$rootfs"/usr/lib/python3*/EXTERNALLY-MANAGED
  # Certificate authorities this machine added to its own (a TLS-inspecting proxy's, an
  # internal mirror's) go into the base too, so pip and apt reach their registries from
  # inside the build exactly as they do from the host.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null
  fi
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
  tar -C "$rootfs" -c . | run_podman import - "$BASE" >/dev/null
  rm -rf "$rootfs"
fi

step "image built with podman from the Dockerfile (base $BASE) and the last commit"
# The committed tree, not the working copy: what is checked is what a clone would build.
context="$WORK/context"
rm -rf "$context" && mkdir -p "$context"
git archive --format=tar HEAD | tar -x -C "$context"
run_podman build --network host --format docker --build-arg "BASE_IMAGE=$BASE" \
  -t "$IMAGE" "$context" >"$WORK/build.log" 2>&1 \
  || { tail -n 40 "$WORK/build.log"; fail "podman build"; }

step "a fresh database and a mail server that keeps every message"
dropdb -h 127.0.0.1 -U postgres --if-exists "$DATABASE"
createdb -h 127.0.0.1 -U postgres "$DATABASE"
redis-cli -n 13 flushdb >/dev/null
mail_dir="$WORK/mail"
rm -rf "$mail_dir"
# aiosmtpd (the test extra) writes every message it receives into a Maildir.
"$PYTHON" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$mail_dir" &
smtp_pid=$!

settings=(
  -e "DATABASE_URL=postgresql://postgres@127.0.0.1:5432/$DATABASE"
  -e "REDIS_URL=$REDIS_URL"
  -e "SMTP_URL=smtp://127.0.0.1:$SMTP_PORT"
  -e "BASE_URL=http://127.0.0.1:$PORT"
  -e "SECRET_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  -e "SURVEY_LINKS_IN_API=true"
)

step "web and worker containers on the host's network"
# --no-healthcheck: podman runs the image's HEALTHCHECK through systemd, absent here; the
# script asks /readyz itself.
run_podman run -d --name feedback360-check-web --network host --no-healthcheck \
  "${settings[@]}" "$IMAGE" \
  sh -c "feedback360 db upgrade && exec gunicorn -c python:service.gunicorn_conf \
         --bind 127.0.0.1:$PORT --workers 2 service.wsgi:app" >/dev/null
run_podman run -d --name feedback360-check-worker --network host --no-healthcheck \
  "${settings[@]}" "$IMAGE" \
  feedback360 worker >/dev/null

base="http://127.0.0.1:$PORT"
ready=""
for _ in $(seq 90); do
  if ready=$(curl -sf "$base/readyz"); then break; fi
  sleep 1
done
[ -n "$ready" ] || { curl -s "$base/readyz" || true; run_podman logs feedback360-check-web | tail -n 30; fail "/readyz"; }
echo "   /readyz: $ready"

step "the demo, loaded inside the web container"
demo=$(run_podman exec feedback360-check-web feedback360 demo)
token=$(sed -n 's/^ *HR API token: *//p' <<<"$demo")
closed=$(sed -n 's/^ *Closed round: *\([^ ]*\).*/\1/p' <<<"$demo")
link=$(sed -n 's/^ *Survey link for .*: *//p' <<<"$demo" | head -n 1)
subject=$(sed -n 's/^ *Closed round: .*(about \(.*\), .*/\1/p' <<<"$demo")
[ -n "$token" ] && [ -n "$closed" ] && [ -n "$link" ] || { echo "$demo"; fail "demo output"; }

step "a rater answers the whole survey through the API"
survey_token=${link##*/s/}
auth=(-H "Authorization: Bearer $survey_token")
answers=$(curl -sf "${auth[@]}" "$base/api/v1/survey" | "$PYTHON" -c '
import json, sys
survey = json.load(sys.stdin)
print(json.dumps({"answers": {item["id"]: 4 for skill in survey["skills"]
                              for item in skill["items"]}, "comments": {}}))')
curl -sf "${auth[@]}" -H "Content-Type: application/json" -d "$answers" \
  "$base/api/v1/survey/submit" >/dev/null || fail "submission"
status=$(curl -sf "${auth[@]}" "$base/api/v1/survey" \
  | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["response_status"])')
[ "$status" = submitted ] || fail "the response reads $status, not submitted"
echo "   response: $status"

step "the closed round's report as a PDF, rendered in the container"
pdf="$WORK/report.pdf"
curl -sf -H "Authorization: Bearer $token" -o "$pdf" "$base/api/v1/rounds/$closed/report.pdf" \
  || fail "report.pdf"
text=$(pdftotext "$pdf" -)
grep -qF "$subject" <<<"$text" || fail "the PDF does not name $subject"
echo "   report: $(pdfinfo "$pdf" | sed -n 's/^Pages: *//p') pages, names $subject"

step "the worker sends email from its container"
received() { find "$mail_dir/new" "$mail_dir/cur" -type f 2>/dev/null | wc -l; }
for _ in $(seq 30); do
  [ "$(received)" -gt 0 ] && break
  sleep 1
done
[ "$(received)" -gt 0 ] || fail "no email reached the mail server"
echo "   emails received: $(received)"

echo "Image check passed: $IMAGE"
