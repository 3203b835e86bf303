#!/usr/bin/env bash
# Static IAM analysis of infra/ and infra/github-oidc with checkov (called by `make lint-iam`).
#
# The policies are built with `for` expressions, which checkov cannot evaluate in .tf
# source (it would pass them unread). So each root is also planned against a throwaway
# AWS emulator and checkov reads the rendered plan JSON; `--repo-root-for-plan-enrichment`
# applies the `#checkov:skip=CKV_...:reason` comments of the source to the plan's resources.
# Any finding that is not suppressed inline with a reason fails the lint.
#
#   1. checkov over infra/ source (trust policies, attachments, static documents);
#   2. checkov over the plans of infra/ (envs/dev.tfvars) and infra/github-oidc;
#   3. cloudsplaining over the roles as IAM stores them: infra/github-oidc's plan is
#      applied to the emulator, its account authorization details downloaded, and
#      scripts/iam-findings.py fails on any privilege-escalation, data-exfiltration,
#      resource-exposure or credentials-exposure finding it does not justify, and lists
#      every Allow of a non-read action on Resource "*".
#
# Needs: checkov and cloudsplaining (.bin/checkov-venv, .bin/cloudsplaining-venv, which
# `make lint-iam` installs), terraform with the provider mirror, and a python with moto
# (the test emulator).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
checkov="${CHECKOV:-$root/.bin/checkov-venv/bin/checkov}"
splaining="${CLOUDSPLAINING_VENV:-$root/.bin/cloudsplaining-venv}"
mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
python="${MOTO_PYTHON:-$root/.tools/venv/bin/python}"

# The IAM checks: admin and "*" actions, privilege escalation, credentials exposure,
# data exfiltration, permissions management and write access without constraints,
# "*" resources for restrictable actions, public or cross-service trust, managed admin
# policies, full IAM privileges, KMS key policies with a "*" principal.
checks="CKV_AWS_1,CKV_AWS_33,CKV_AWS_40,CKV_AWS_49,CKV_AWS_60,CKV_AWS_61,CKV_AWS_62,CKV_AWS_63"
checks+=",CKV_AWS_107,CKV_AWS_108,CKV_AWS_109,CKV_AWS_110,CKV_AWS_111,CKV_AWS_274,CKV_AWS_275,CKV_AWS_283"
checks+=",CKV_AWS_286,CKV_AWS_287,CKV_AWS_288,CKV_AWS_289,CKV_AWS_290,CKV_AWS_355,CKV2_AWS_40"

[ -x "$splaining/bin/cloudsplaining" ] || { echo "lint-iam: $splaining/bin/cloudsplaining not found; run \`make lint-iam\` (installs cloudsplaining into .bin/cloudsplaining-venv)" >&2; exit 1; }
[ -x "$checkov" ] || { echo "lint-iam: $checkov not found; run \`make lint-iam\` (installs checkov into .bin/checkov-venv)" >&2; exit 1; }
command -v terraform >/dev/null || { echo "lint-iam: terraform not found; install Terraform 1.11" >&2; exit 1; }
"$python" -c "import moto.server" 2>/dev/null || { echo "lint-iam: $python has no moto; run \`make emulator\` (the pinned emulator in .tools/venv) or set MOTO_PYTHON" >&2; exit 1; }

work="$(mktemp -d)"
moto_pid=""
cleanup() {
	if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "== checkov (IAM checks) over infra/ source"
"$checkov" -d "$root/infra" --framework terraform --check "$checks" --skip-download --compact --quiet

port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# The repo's launcher, as the tests and the rehearsal run it (the calls moto lacks).
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$python" "$root/internal/emulator/moto_launcher.py" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
# The first answer imports every moto backend: seconds, more on a loaded machine.
for _ in $(seq 1 600); do
	curl -fsS "http://127.0.0.1:$port/moto-api/data.json" >/dev/null 2>&1 && break
	kill -0 "$moto_pid" 2>/dev/null || { echo "lint-iam: the emulator exited:" >&2; tail -20 "$work/moto.log" >&2; exit 1; }
	sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/moto-api/data.json" >/dev/null || { echo "lint-iam: the emulator did not answer within 2 minutes" >&2; exit 1; }

cat >"$work/terraformrc" <<EOF
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
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
# The roots take the emulator's address from here, not from -var aws_endpoint (infra/README.md).
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"

# plan_json NAME SRC ARGS...: copy SRC without its backend (a local plan needs none),
# plan it against the emulator and write NAME.json.
plan_json() {
	local name="$1" src="$2"
	shift 2
	mkdir -p "$work/$name"
	cp -r "$src"/. "$work/$name"
	rm -rf "$work/$name/.terraform" "$work/$name/backend.tf"
	(
		cd "$work/$name"
		terraform init -input=false -no-color >/dev/null
		terraform plan -input=false -no-color -out plan.bin -var "aws_endpoint=http://127.0.0.1:$port" "$@" >/dev/null
		terraform show -json plan.bin >"$work/$name.json"
	)
}

plan_json infra "$root/infra" -var-file=envs/dev.tfvars
# github-oidc reads the environments from ../envs: without them beside its copy it
# would plan no environment's policies at all.
cp -r "$root/infra/envs" "$work/envs"
plan_json github-oidc "$root/infra/github-oidc" -var github_repository=octo-org/predictor

for name in infra github-oidc; do
	src="$root/infra"
	[ "$name" = github-oidc ] && src="$root/infra/github-oidc"
	echo "== checkov (IAM checks) over the rendered plan of $name"
	"$checkov" -f "$work/$name.json" --framework terraform_plan --repo-root-for-plan-enrichment "$src" \
		--check "$checks" --skip-download --compact --quiet
done
echo "-- suppressed inline (each with its reason):"
grep -rn --include='*.tf' 'checkov:skip=' "$root/infra" | sed "s|$root/||" || true

echo "== cloudsplaining over infra/github-oidc's roles as IAM stores them"
(cd "$work/github-oidc" && terraform apply -input=false -no-color plan.bin >/dev/null)
AWS_DEFAULT_REGION=us-east-1 "$splaining/bin/python" "$root/scripts/iam-findings.py" download "$work/details.json"
mkdir -p "$work/cloudsplaining"
"$splaining/bin/cloudsplaining" scan --input-file "$work/details.json" --output "$work/cloudsplaining" --skip-open-report >/dev/null
"$splaining/bin/python" "$root/scripts/iam-findings.py" check "$work/details.json" "$work/cloudsplaining/iam-results-details.json" predictor-github-
