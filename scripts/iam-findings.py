"""Download the account authorization details from an AWS endpoint, and judge
cloudsplaining's findings on them (called by scripts/lint-iam.sh, in the cloudsplaining
venv).

  iam-findings.py download OUT.json
      GetAccountAuthorizationDetails (users, groups, roles, customer managed policies),
      in the shape `aws iam get-account-authorization-details` writes. The emulator
      omits PolicyName and PolicyId of managed policies; they are filled in from the ARN.
  iam-findings.py check DETAILS.json RESULTS.json PREFIX
      Counts cloudsplaining's findings per category for the policies named PREFIX*, and
      fails on any privilege-escalation, data-exfiltration, resource-exposure or
      credentials-exposure finding not justified in JUSTIFIED below. Also prints every
      Allow statement that grants a non-read action (policy_sentry's access level:
      Write, Tagging, Permissions management) on Resource "*", with its Sid: each one
      must carry a comment in infra/github-oidc/main.tf giving the AWS reason.
"""

from __future__ import annotations

import json
import sys

# (category, action) -> why it cannot be avoided. Keep each reason true.
JUSTIFIED = {
    ("CredentialsExposure", "ecr:GetAuthorizationToken"): (
        "the registry login: ECR authorizes it on \"*\" only; the token pushes and pulls"
        " nothing by itself, every image call is checked against the repository ARN"
    ),
}

RISKY = ("PrivilegeEscalation", "DataExfiltration", "ResourceExposure", "CredentialsExposure")
READ_LEVELS = ("Read", "List")


def download(out: str) -> None:
    import boto3

    iam = boto3.client("iam")
    details: dict[str, list] = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    pages = iam.get_paginator("get_account_authorization_details").paginate(
        Filter=["User", "Group", "Role", "LocalManagedPolicy"])
    for page in pages:
        for key in details:
            details[key] += page.get(key, [])
    for p in details["Policies"]:
        p.setdefault("PolicyName", p["Arn"].rsplit("/", 1)[1])
        p.setdefault("PolicyId", p["Arn"])
    with open(out, "w", encoding="utf-8") as f:
        json.dump(details, f, default=str, indent=1)


def _findings(results: dict, prefix: str) -> list[tuple[str, str, str]]:
    out = []
    for arn, policy in results.get("customer_managed_policies", {}).items():
        name = arn.rsplit("/", 1)[1]
        if not name.startswith(prefix):
            continue
        for category, body in policy.items():
            if isinstance(body, dict) and isinstance(body.get("findings"), list):
                out += [(category, str(action), name) for action in body["findings"]]
    return out


def _star_writes(details: dict, prefix: str) -> list[str]:
    from policy_sentry.querying.actions import get_action_data

    def level(action: str) -> str:
        service, name = action.split(":", 1)
        data = get_action_data(service, name) or {}
        rows = next(iter(data.values()), [])
        return rows[0]["access_level"] if rows else "unknown"

    out = []
    for p in details["Policies"]:
        if not p["PolicyName"].startswith(prefix):
            continue
        doc = next(v["Document"] for v in p["PolicyVersionList"] if v["IsDefaultVersion"])
        if isinstance(doc, str):
            doc = json.loads(doc)
        statements = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
        for s in statements:
            resources = s.get("Resource", [])
            resources = resources if isinstance(resources, list) else [resources]
            if s.get("Effect") != "Allow" or "*" not in resources:
                continue
            actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
            writes = sorted(a for a in actions if level(a) not in READ_LEVELS)
            if writes:
                cond = "conditioned" if s.get("Condition") else "unconditioned"
                out.append(f"{p['PolicyName']} {s.get('Sid', '')} ({cond}): {', '.join(writes)}")
    return out


def check(details_path: str, results_path: str, prefix: str) -> int:
    with open(details_path, encoding="utf-8") as f:
        details = json.load(f)
    with open(results_path, encoding="utf-8") as f:
        results = json.load(f)
    findings = _findings(results, prefix)
    counts: dict[str, int] = {}
    failed = 0
    for category, action, policy in sorted(findings):
        counts[category] = counts.get(category, 0) + 1
        reason = JUSTIFIED.get((category, action))
        if category in RISKY and reason is None:
            print(f"FINDING {category}: {action} in {policy}")
            failed += 1
        elif category in RISKY:
            print(f"justified {category}: {action} in {policy}: {reason}")
    print("cloudsplaining findings by category:", json.dumps(counts, sort_keys=True))
    star = _star_writes(details, prefix)
    print(f"Allow statements with non-read actions on Resource \"*\": {len(star)}")
    for line in star:
        print("  " + line)
    if failed:
        print(f"{failed} unjustified finding(s): scope the statement, or justify it in scripts/iam-findings.py")
    return 1 if failed else 0


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "download":
        download(sys.argv[2])
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == "check":
        return check(sys.argv[2], sys.argv[3], sys.argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
