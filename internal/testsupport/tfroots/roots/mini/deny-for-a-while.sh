#!/bin/sh
# deny-for-a-while.sh ENDPOINT SECONDS: turn on moto's IAM enforcement now (every
# request with the test credentials is denied) and off again after SECONDS, in the
# background, so terraform's state save fails once and a later push succeeds.
set -eu
endpoint=$1
seconds=$2
curl -fsS -X POST -H 'Content-Type: text/plain' --data 0 "$endpoint/moto-api/reset-auth" >/dev/null
setsid sh -c "sleep $seconds; curl -fsS -X POST -H 'Content-Type: text/plain' --data 1000000000 '$endpoint/moto-api/reset-auth'" </dev/null >/dev/null 2>&1 &
