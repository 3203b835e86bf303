#!/usr/bin/env bash
# Regenerates the change fixtures of internal/cost (local-task-size.json,
# local-private.json): plans of the real infra/ root for `local` against the emulator
# (moto through the repo's launcher), made by deployctl and terraform:
#   1. bootstrap, plan and apply local (infra/envs/local.tfvars);
#   2. stand in for the pipeline's first rollout: register a revision of terraform's
#      task definition with another image and point the service at it (ECS deployments
#      are not modelled by the emulator, so `deployctl rollout` would never complete);
#   3. plan and apply again: the autoscaling minimum becomes min_capacity (1), so the
#      prior state of the next plans runs one Fargate Spot task;
#   4. plan with task_cpu 512 / task_memory 1024 -> local-task-size.json;
#   5. plan with network_mode "private" (new interface endpoints) -> local-private.json.
# Needs go, terraform 1.11.4 with the provider mirror (/opt/tf-plugins or
# $TF_PLUGIN_MIRROR), python with moto (`make emulator`: .tools/venv), the AWS CLI and jq.
# Usage: internal/cost/testdata/gen-change-fixtures.sh (from anywhere in the repo).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../../.." && pwd)
out="$repo/internal/cost/testdata"
tmp=$(mktemp -d)
moto_pid=""
cleanup() {
	if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$repo" && go build -o "$tmp/deployctl" ./cmd/deployctl)

port=$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cp "$repo/internal/emulator/moto_launcher.py" "$tmp/"
(cd "$tmp" && MOTO_IAM_LOAD_MANAGED_POLICIES=true exec "${MOTO_PYTHON:-$repo/.tools/venv/bin/python}" moto_launcher.py -H 127.0.0.1 -p "$port" >moto.log 2>&1) &
moto_pid=$!
endpoint="http://127.0.0.1:$port"
for _ in $(seq 300); do
	if curl -fsS "$endpoint/moto-api/data.json" >/dev/null 2>&1; then break; fi
	sleep 0.1
done
curl -fsS "$endpoint/moto-api/data.json" >/dev/null

mirror=${TF_PLUGIN_MIRROR:-/opt/tf-plugins}
cat >"$tmp/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
EOF
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="$endpoint" TF_CLI_CONFIG_FILE="$tmp/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

mkdir -p "$tmp/work"
(cd "$repo/infra" && tar --exclude='.terraform' --exclude='*.tfstate' --exclude='*.tfplan' -cf - .) | (mkdir -p "$tmp/infra" && cd "$tmp/infra" && tar -xf -)
tfvars="$tmp/infra/envs/local.tfvars"
cp "$tfvars" "$tmp/local.tfvars.orig"

dc() { "$tmp/deployctl" "$@" --env local --infra-dir "$tmp/infra" --workdir "$tmp/work"; }
# plan exits 2 when there are changes.
plan() {
	local code=0
	dc plan "$@" >"$tmp/plan.out" 2>&1 || code=$?
	if [ "$code" -ne 0 ] && [ "$code" -ne 2 ]; then
		cat "$tmp/plan.out" >&2
		exit "$code"
	fi
}

dc bootstrap >/dev/null
plan --out first.tfplan
dc apply --plan first.tfplan >/dev/null

cluster=$(aws ecs list-clusters --query 'clusterArns[0]' --output text)
service=$(aws ecs list-services --cluster "$cluster" --query 'serviceArns[0]' --output text)
taskdef=$(aws ecs describe-services --cluster "$cluster" --services "$service" --query 'services[0].taskDefinition' --output text)
aws ecs describe-task-definition --task-definition "$taskdef" --query taskDefinition --output json |
	jq '{family, taskRoleArn, executionRoleArn, networkMode, requiresCompatibilities, cpu, memory, runtimePlatform,
	     containerDefinitions: [.containerDefinitions[] | .image = "example.invalid/predictor@sha256:0000000000000000000000000000000000000000000000000000000000000001"]}
	    | with_entries(select(.value != null))' >"$tmp/release.json"
release=$(aws ecs register-task-definition --cli-input-json "file://$tmp/release.json" --query 'taskDefinition.taskDefinitionArn' --output text)
aws ecs update-service --cluster "$cluster" --service "$service" --task-definition "$release" --desired-count 1 >/dev/null

plan --out rolled.tfplan
dc apply --plan rolled.tfplan >/dev/null

sed -i -e 's/^task_cpu .*/task_cpu                 = 512/' -e 's/^task_memory .*/task_memory              = 1024/' "$tfvars"
plan --out size.tfplan --json size.json
jq . "$tmp/work/size.json" >"$out/local-task-size.json"
cp "$tmp/local.tfvars.orig" "$tfvars"

sed -i -e 's/^network_mode .*/network_mode             = "private"/' "$tfvars"
plan --out private.tfplan --json private.json
jq . "$tmp/work/private.json" >"$out/local-private.json"
cp "$tmp/local.tfvars.orig" "$tfvars"

echo "wrote $out/local-task-size.json and $out/local-private.json"
