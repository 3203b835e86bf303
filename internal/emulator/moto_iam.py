"""IAM enforcement for moto 5.2.5 server mode, closer to AWS (imported by moto_launcher.py
when PREDICTOR_MOTO_IAM=1; it changes nothing until enforcement is switched on with
`POST /moto-api/reset-auth`, body `0`, text/plain).

What moto gets wrong and this module replaces:
- the decision itself: moto counts every condition but sts:ExternalId as met and checks
  every resource but S3's and named roles' against "*". Here: explicit Deny wins, then
  Allow; Action/NotAction, Resource/NotResource; conditions are evaluated for the keys
  modelled below (aws:RequestedRegion, iam:PermissionsBoundary, iam:PolicyARN,
  iam:PassedToService, ecs:task-definition of CreateService/UpdateService,
  s3:if-none-match of PutObject, web-identity claims); a negated operator on a missing
  key holds, as in AWS; a key not modelled never causes a deny and is reported as
  unchecked. Resources are checked for S3 and IAM (roles by name, managed
  policies by ARN), and for the ECS and ECR calls below; for other calls the statement's
  Resource is not checked (reported);
- action names: s3:HeadBucket is s3:ListBucket, monitoring:* is cloudwatch:*, API Gateway
  actions are apigateway:<HTTP method>;
- signatures: moto re-encodes some queries and paths and then fails valid signatures, so
  the signature is not verified (reported); the access key and session token are;
- iam:PassRole is checked for the roles an ECS task definition names;
- ECS resources are checked for CreateService, UpdateService and DeleteService (the
  service ARN);
- ECR resources are checked for calls on one repository (repositoryName, or the
  resourceArn of the tag calls): the repository ARN;
- the caller role's permissions boundary, when it has one, must also allow the action;
- AssumeRoleWithWebIdentity answers 500 in moto once enforcement is on and never reads
  the trust policy: here the token's iss must be a registered OIDC provider, its aud one
  of the provider's client IDs, and the role's trust policy must allow that provider with
  its conditions on <issuer>:aud and <issuer>:sub (token signatures are not verified).

Every decision is appended as one JSON line to $PREDICTOR_MOTO_IAM_LOG (when set):
{"decision": "ALLOW"|"DENY", "principal", "action", "resource", "reason", "unchecked"}.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import os
import threading
import time
from typing import Any

from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import AccessDeniedError, JsonRESTError
from moto.iam.models import Policy, iam_backends

_log_lock = threading.Lock()
_log_path = os.environ.get("PREDICTOR_MOTO_IAM_LOG", "")

# Condition keys this module knows the value (or the absence) of for the call at hand.
_MODELLED = {"aws:requestedregion", "iam:permissionsboundary", "iam:policyarn", "iam:passedtoservice",
             "ecs:task-definition", "s3:if-none-match"}

# Operators that negate: with the key absent from the request they hold (IAM User Guide,
# "Condition operators": a negated operator on a missing key evaluates to true).
_NEGATED = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike")

# IAM calls whose iam:PermissionsBoundary is the role's current boundary.
_BOUNDARY_OF_ROLE = {
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:DeleteRolePermissionsBoundary",
}


def _record(entry: dict[str, Any]) -> None:
    if not _log_path:
        return
    line = json.dumps(entry, sort_keys=True)
    with _log_lock, open(_log_path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def _as_list(v: Any) -> list[Any]:
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def _match(pattern: str, value: str, case: bool) -> bool:
    if not case:
        pattern, value = pattern.lower(), value.lower()
    return fnmatch.fnmatchcase(value, pattern)


def _document(policy: Any) -> dict[str, Any]:
    if isinstance(policy, Policy):
        version = next(v for v in policy.versions if v.is_default)
        return json.loads(version.document)
    if isinstance(policy, str):
        return json.loads(policy)
    return json.loads(policy["policy_document"])


def _condition_holds(op: str, expected: list[str], actual: list[str]) -> bool:
    base = op.split(":")[-1]
    if base.endswith("IfExists"):
        base = base[: -len("IfExists")]
    if base in ("StringEquals", "ArnEquals"):
        return any(a == e for a in actual for e in expected)
    if base == "StringEqualsIgnoreCase":
        return any(a.lower() == e.lower() for a in actual for e in expected)
    if base in ("StringLike", "ArnLike"):
        return any(_match(e, a, True) for a in actual for e in expected)
    if base in ("StringNotEquals", "ArnNotEquals"):
        return all(a != e for a in actual for e in expected)
    if base in ("StringNotLike", "ArnNotLike"):
        return not any(_match(e, a, True) for a in actual for e in expected)
    if base == "Bool":
        return any(a.lower() == e.lower() for a in actual for e in expected)
    return True  # an operator not modelled never causes a deny


def _conditions(cond: dict[str, Any], ctx: dict[str, list[str]], unchecked: set[str], allow: bool, strict: bool) -> bool:
    """Whether a statement's conditions hold. Keys not modelled count as met for an
    Allow and as not met for a Deny (never a false deny), unless strict (trust policies)."""
    for op, pairs in (cond or {}).items():
        base = op.split(":")[-1]
        for key, expected in pairs.items():
            k = key.lower()
            exp = [str(e) for e in _as_list(expected)]
            if k not in ctx and k not in _MODELLED and not strict:
                unchecked.add(key)
                if not allow:
                    return False
                continue
            actual = ctx.get(k)
            if base == "Null":
                if (actual is None) != (exp[0].lower() == "true"):
                    return False
                continue
            if actual is None:
                if base.endswith("IfExists") or base in _NEGATED:
                    continue
                return False
            if not _condition_holds(op, exp, actual):
                return False
    return True


def evaluate(docs: list[dict[str, Any]], action: str, resource: str | None, ctx: dict[str, list[str]],
             unchecked: set[str], principal: str | None = None, strict: bool = False) -> tuple[str, str]:
    """IAM policy evaluation: ("DENY", sid) on an explicit deny, ("ALLOW", sid), or ("IMPLICIT", "")."""
    allowed = ""
    for doc in docs:
        for st in _as_list(doc.get("Statement")):
            if "NotAction" in st:
                if any(_match(p, action, False) for p in _as_list(st["NotAction"])):
                    continue
            elif not any(_match(p, action, False) for p in _as_list(st.get("Action"))):
                continue
            if principal is not None:
                fed = _as_list((st.get("Principal") or {}).get("Federated"))
                if principal not in fed:
                    continue
            if resource is not None:
                if "NotResource" in st:
                    if any(_match(p, resource, True) for p in _as_list(st["NotResource"])):
                        continue
                elif "Resource" in st and not any(_match(p, resource, True) for p in _as_list(st["Resource"])):
                    continue
            allow = st.get("Effect") == "Allow"
            if not _conditions(st.get("Condition"), ctx, unchecked, allow, strict):
                continue
            sid = st.get("Sid", "")
            if not allow:
                return "DENY", sid
            allowed = allowed or sid or "(no sid)"
    return ("ALLOW", allowed) if allowed else ("IMPLICIT", "")


def _action(service_action: str, method: str) -> str:
    service, _, name = service_action.partition(":")
    if service == "monitoring":
        return "cloudwatch:" + name
    if service == "apigateway":
        return "apigateway:" + method.upper()
    if service_action == "s3:HeadBucket":
        return "s3:ListBucket"
    return service_action


def _param(resp: Any, name: str) -> str | None:
    try:
        v = resp._get_param(name)
    except Exception:  # noqa: BLE001 - a body that is not the expected protocol
        return None
    return v if isinstance(v, str) and v else None


def _backend(resp: Any):
    return iam_backends[resp.current_account]["aws"]


def _role_boundary(resp: Any, role_name: str) -> str | None:
    try:
        return _backend(resp).get_role(role_name).permissions_boundary_arn or None
    except Exception:  # noqa: BLE001 - no such role
        return None


def _iam_target(resp: Any, action: str) -> tuple[str | None, dict[str, list[str]]]:
    """The resource ARN and IAM condition keys of an IAM call."""
    acct = resp.current_account
    ctx: dict[str, list[str]] = {}
    role = _param(resp, "RoleName")
    policy_arn = _param(resp, "PolicyArn")
    if action in ("iam:CreateRole", "iam:PutRolePermissionsBoundary"):
        b = _param(resp, "PermissionsBoundary")
        if b:
            ctx["iam:permissionsboundary"] = [b]
    elif action in _BOUNDARY_OF_ROLE and role:
        b = _role_boundary(resp, role)
        if b:
            ctx["iam:permissionsboundary"] = [b]
    if action in ("iam:AttachRolePolicy", "iam:DetachRolePolicy") and policy_arn:
        ctx["iam:policyarn"] = [policy_arn]
    if role:
        path = _param(resp, "Path") or "/"
        return f"arn:aws:iam::{acct}:role{path}{role}", ctx
    if policy_arn:
        return policy_arn, ctx
    return None, ctx


def _ecs_task_definition(resp: Any, action: str) -> dict[str, list[str]]:
    """ecs:task-definition of CreateService/UpdateService: the revision's ARN, when named."""
    if action not in ("ecs:CreateService", "ecs:UpdateService"):
        return {}
    td = _param(resp, "taskDefinition")
    if not td:
        return {}
    if not td.startswith("arn:"):
        td = f"arn:aws:ecs:{resp.region}:{resp.current_account}:task-definition/{td}"
    return {"ecs:task-definition": [td]}


def _ecs_target(resp: Any, action: str) -> str | None:
    """The service ARN of ECS calls on one service (by name or ARN); None otherwise."""
    if action not in ("ecs:UpdateService", "ecs:DeleteService", "ecs:CreateService"):
        return None
    service = _param(resp, "service") or _param(resp, "serviceName")
    if not service:
        return None
    if service.startswith("arn:"):
        return service
    cluster = (_param(resp, "cluster") or "default").split("/")[-1]
    return f"arn:aws:ecs:{resp.region}:{resp.current_account}:service/{cluster}/{service}"


def _ecr_target(resp: Any) -> str | None:
    """The repository ARN of ECR calls on one repository (by name or ARN); None otherwise."""
    arn = _param(resp, "resourceArn")
    if arn:
        return arn
    name = _param(resp, "repositoryName")
    if not name:
        return None
    return f"arn:aws:ecr:{resp.region}:{resp.current_account}:repository/{name}"


def _caller_boundary(resp: Any, principal: str) -> dict[str, Any] | None:
    if ":assumed-role/" not in principal:
        return None
    role_name = principal.split(":assumed-role/")[1].split("/")[0]
    arn = _role_boundary(resp, role_name)
    if not arn:
        return None
    return _document(_backend(resp).get_policy(arn))


def _authorize(resp: Any, req: Any, resource: str) -> None:
    principal = req._access_key.arn
    action = _action(req._action, resp.method)
    if action == "sts:GetCallerIdentity":
        return
    service = action.split(":")[0]
    unchecked: set[str] = {"signature"}
    ctx: dict[str, list[str]] = {"aws:requestedregion": [req._region]}
    target: str | None
    if service == "s3":
        target = resource
        if action == "s3:PutObject" and resp.headers.get("If-None-Match"):
            ctx["s3:if-none-match"] = [resp.headers["If-None-Match"]]
    elif service == "iam":
        target, extra = _iam_target(resp, action)
        ctx.update(extra)
    elif service == "ecs":
        target = _ecs_target(resp, action)
        ctx.update(_ecs_task_definition(resp, action))
    elif service == "ecr":
        target = _ecr_target(resp)
    else:
        target = None
    if target is None:
        unchecked.add(f"resource of {service}")
    docs = [_document(p) for p in req._access_key.collect_policies()]
    decision, sid = evaluate(docs, action, target, ctx, unchecked)
    reason = f"statement {sid}" if sid else "no statement allows it"
    if decision == "ALLOW":
        boundary = _caller_boundary(resp, principal)
        if boundary is not None and evaluate([boundary], action, target, ctx, unchecked)[0] != "ALLOW":
            decision, reason = "DENY", "outside the caller's permissions boundary"
    checks = [(decision, action, target, reason)]
    if decision == "ALLOW" and action == "ecs:RegisterTaskDefinition":
        checks += _pass_role_checks(resp, docs, unchecked)
    for decision, act, target, reason in checks:
        _record({"decision": "ALLOW" if decision == "ALLOW" else "DENY", "principal": principal, "action": act,
                 "resource": target or "*", "reason": reason, "unchecked": sorted(unchecked)})
        if decision != "ALLOW":
            message = f"User: {principal} is not authorized to perform: {act} on resource: {target or '*'}"
            if "json" in (resp.headers.get("Content-Type") or "") or resp.headers.get("X-Amz-Target"):
                # JSON protocols (ECS, KMS, Logs, ...) expect a JSON error body.
                raise JsonRESTError("AccessDeniedException", message)
            if act == action:
                req._raise_access_denied()  # the service's own error shape (S3's XML)
            raise AccessDeniedError(user_arn=principal, action=act)


def _pass_role_checks(resp: Any, docs: list[dict[str, Any]], unchecked: set[str]) -> list[tuple[str, str, str, str]]:
    try:
        body = json.loads(resp.body or "{}")
    except ValueError:
        return []
    out = []
    for key in ("taskRoleArn", "executionRoleArn"):
        arn = body.get(key)
        if not arn:
            continue
        ctx = {"iam:passedtoservice": ["ecs-tasks.amazonaws.com"]}
        decision, sid = evaluate(docs, "iam:PassRole", arn, ctx, unchecked)
        out.append((decision, "iam:PassRole", arn, f"statement {sid}" if sid else "no statement allows it"))
    return out


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))


def _web_identity(resp: Any) -> None:
    role_arn = _param(resp, "RoleArn") or ""
    entry = {"principal": "web-identity", "action": "sts:AssumeRoleWithWebIdentity", "resource": role_arn,
             "unchecked": ["token signature"]}

    def deny(reason: str) -> None:
        _record({**entry, "decision": "DENY", "reason": reason})
        raise AccessDeniedError(user_arn="web-identity", action="sts:AssumeRoleWithWebIdentity")

    try:
        claims = _claims(_param(resp, "WebIdentityToken") or "")
    except (IndexError, ValueError):
        deny("token is not a JWT")
    iss = str(claims.get("iss", "")).removeprefix("https://")
    entry["principal"] = f"{iss}|{claims.get('sub', '')}"
    if claims.get("exp") is not None and float(claims["exp"]) < time.time():
        deny("token expired")
    provider_arn = f"arn:aws:iam::{resp.current_account}:oidc-provider/{iss}"
    try:
        provider = _backend(resp).get_open_id_connect_provider(provider_arn)
    except Exception:  # noqa: BLE001 - no such provider
        deny(f"no OIDC provider {provider_arn}")
    auds = [str(a) for a in _as_list(claims.get("aud"))]
    if not set(auds) & set(provider.client_id_list):
        deny(f"audience {auds} is not a client ID of {provider_arn}")
    try:
        role = _backend(resp).get_role_by_arn(role_arn)
    except Exception:  # noqa: BLE001 - no such role
        deny(f"no role {role_arn}")
    ctx = {f"{iss}:aud".lower(): auds, f"{iss}:sub".lower(): [str(claims.get("sub", ""))],
           "aws:requestedregion": ["us-east-1"]}
    trust = json.loads(role.assume_role_policy_document)
    decision, sid = evaluate([trust], "sts:AssumeRoleWithWebIdentity", None, ctx, set(), principal=provider_arn, strict=True)
    if decision != "ALLOW":
        deny("the role's trust policy does not allow this token (aud/sub)")
    _record({**entry, "decision": "ALLOW", "reason": f"trust statement {sid}"})


def _authenticate_and_authorize_action(self: Any, iam_request_cls: type, resource: str = "*") -> None:
    if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
        ActionAuthenticatorMixin.request_count += 1
        return
    if self.headers.get("X-Amz-Target") in ActionAuthenticatorMixin.PUBLIC_OPERATIONS:
        return
    action = self._get_action()
    if action == "AssumeRoleWithWebIdentity":
        _web_identity(self)
        return
    from urllib.parse import urlparse

    parsed = urlparse(self.uri)
    path = parsed.path + ("?" + parsed.query if parsed.query else "")
    req = iam_request_cls(account_id=self.current_account, method=self.method, path=path, data=self.data,
                          body=self.raw_body, headers=self.headers, action=action)
    _authorize(self, req, resource)


def install() -> None:
    ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate_and_authorize_action
