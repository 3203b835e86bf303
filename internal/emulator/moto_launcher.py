"""Start moto_server with what the pinned moto (emulator.go MotoVersion) lacks for predictor.

- Application Auto Scaling: ListTagsForResource, TagResource and UntagResource are not
  implemented (HTTP 500), yet the AWS provider calls them for every scalable target.
- ECS CreateService drops capacityProviderStrategy (and forces launchType EC2),
  deploymentConfiguration and availabilityZoneRebalancing, so the next plan wants to
  replace the service. We store them on the service so DescribeServices returns them.
- ECS deployments, which moto does not model (it keeps one deployment record whose task
  definition never changes; forceNewDeployment only renames it). Modelled here, as
  ECS rolling updates behave:
  - UpdateService that changes the task definition, or passes forceNewDeployment,
    starts a new PRIMARY deployment with a fresh ID (ecs-svc/...), rolloutState
    IN_PROGRESS, the service's desired count and no running tasks; the deployments that
    were PRIMARY become ACTIVE. The response returns it, as ECS's does. The service's
    taskDefinition is stored as the revision's ARN (moto keeps the string given).
  - An UpdateService that only changes the desired count keeps the PRIMARY deployment
    and sets its desired count (moto counts the tasks as running at once).
  - Each DescribeServices moves an IN_PROGRESS PRIMARY deployment on, with moto's own
    rule for running tasks: the service runs MOTO_ECS_SERVICE_RUNNING tasks (default 0).
    When that covers the desired count, the deployment turns COMPLETED with runningCount
    = desiredCount, the older deployments are removed and the service's events say
    "deployment completed" and "has reached a steady state"; otherwise it stays
    IN_PROGRESS with that many running tasks, forever (as moto's first deployment does).
  Not modelled: tasks (none are started or stopped for a deployment), the deployment
  circuit breaker and its rollback, FAILED deployments, minimumHealthyPercent /
  maximumPercent pacing, health checks, deployments of other controllers (CODE_DEPLOY,
  EXTERNAL are left to moto). Failure paths are tested against internal/testsupport/ecsfake.
- Speed only: the server lists moto's package directory (a stat per service, ~150) on
  every request to route it; the list is computed once here.
- Speed only: the first IAM call builds an IAM backend for each of the six partitions,
  each parsing the ~1,600 AWS managed policies (~0.6 CPU-s in all). Only the aws
  partition's backend loads them here: the emulator answers as arn:aws account
  123456789012, and no ARN of another partition reaches it.

Everything else is moto's own server: `python moto_launcher.py -H 127.0.0.1 -p PORT`.
"""

import json
import os
import sys

import moto.backends
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.core.utils import utcnow
from moto.ecs.exceptions import ECSException
from moto.ecs.models import EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.iam.models import IAMBackend
from moto.moto_api._internal import mock_random
from moto.server import main

_autoscaling_tags: dict[str, dict[str, str]] = {}


def _list_tags_for_resource(self) -> str:
    arn = self._get_param("ResourceARN")
    return json.dumps({"Tags": _autoscaling_tags.get(arn, {})})


def _tag_resource(self) -> str:
    arn = self._get_param("ResourceARN")
    _autoscaling_tags.setdefault(arn, {}).update(self._get_param("Tags") or {})
    return "{}"


def _untag_resource(self) -> str:
    arn = self._get_param("ResourceARN")
    for key in self._get_param("TagKeys") or []:
        _autoscaling_tags.get(arn, {}).pop(key, None)
    return "{}"


ApplicationAutoScalingResponse.list_tags_for_resource = _list_tags_for_resource
ApplicationAutoScalingResponse.tag_resource = _tag_resource
ApplicationAutoScalingResponse.untag_resource = _untag_resource

_original_create_service = EC2ContainerServiceResponse.create_service


def _create_service(self):
    result = _original_create_service(self)
    service = result.result["service"]
    strategy = self._get_param("capacityProviderStrategy")
    if strategy:
        # A service with a capacity provider strategy has no launch type in AWS.
        service.capacity_provider_strategy = strategy
        service.launch_type = None
        for deployment in service.deployments:
            deployment["launchType"] = None
            deployment["capacityProviderStrategy"] = strategy
    config = self._get_param("deploymentConfiguration")
    if config is not None:
        service.deployment_configuration = config
    rebalancing = self._get_param("availabilityZoneRebalancing")
    if rebalancing is not None:
        service.availability_zone_rebalancing = rebalancing
    return result


EC2ContainerServiceResponse.create_service = _create_service


def _task_definition_arn(backend, ref):
    """The ARN of task definition ref (ARN, family:revision or family), as ECS shows it."""
    if not ref:
        return ref
    try:
        return backend.describe_task_definition(ref).arn
    except ECSException:  # unknown or malformed: leave moto's own value
        return ref


def _running_capacity() -> int:
    """How many tasks moto counts as running for a service (its MOTO_ECS_SERVICE_RUNNING)."""
    try:
        return max(int(os.environ.get("MOTO_ECS_SERVICE_RUNNING", "0")), 0)
    except ValueError:
        return 0


def _primary(service):
    return next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)


def _start_deployment(service) -> None:
    """Start a new PRIMARY deployment of the service's task definition, as ECS does."""
    now = utcnow()
    template = _primary(service) or (service.deployments[0] if service.deployments else {})
    for d in service.deployments:
        if d.get("status") == "PRIMARY":
            d["status"] = "ACTIVE"
            d["updatedAt"] = now
    deployment_id = f"ecs-svc/{mock_random.randint(0, 32**12)}"
    deployment = dict(template)  # launch type, platform, network, capacity providers
    deployment.update(
        id=deployment_id,
        status="PRIMARY",
        taskDefinition=service.task_definition,
        desiredCount=service.desired_count,
        runningCount=0,
        pendingCount=service.desired_count,
        failedTasks=0,
        rolloutState="IN_PROGRESS",
        rolloutStateReason=f"ECS deployment {deployment_id} in progress.",
        createdAt=now,
        updatedAt=now,
    )
    service.deployments.insert(0, deployment)


def _event(service, message: str) -> None:
    service.events.insert(0, {"id": str(mock_random.uuid4()), "createdAt": utcnow(), "message": message})


def _advance(service) -> None:
    """Move an IN_PROGRESS PRIMARY deployment on by moto's running-task rule."""
    deployment = _primary(service)
    if deployment is None or deployment.get("rolloutState") != "IN_PROGRESS":
        return
    desired, running = service.desired_count, _running_capacity()
    if running < desired:
        deployment.update(runningCount=running, pendingCount=desired - running)
        return
    now = utcnow()
    deployment.update(
        runningCount=desired,
        pendingCount=0,
        rolloutState="COMPLETED",
        rolloutStateReason=f"ECS deployment {deployment['id']} completed.",
        updatedAt=now,
    )
    service.deployments = [deployment]
    service.running_count, service.pending_count = desired, 0
    _event(service, f"(service {service.name}) (deployment {deployment['id']}) deployment completed.")
    _event(service, f"(service {service.name}) has reached a steady state.")


_original_update_service = EC2ContainerServiceBackend.update_service


def _update_service(self, service_properties):
    name = service_properties["service"].split("/")[-1]
    service = self._get_service(service_properties.get("cluster", "default"), name)
    before = _task_definition_arn(self, service.task_definition)
    # moto would give its single record a new ID in place; a new deployment replaces that.
    force = service_properties.pop("force_new_deployment", False)
    service = _original_update_service(self, service_properties)
    service.task_definition = _task_definition_arn(self, service.task_definition)
    if service.deployment_controller.get("type", "ECS") != "ECS":
        return service
    if service.task_definition != before or force:
        _start_deployment(service)
    elif (deployment := _primary(service)) is not None:
        deployment["desiredCount"] = service.desired_count
        if deployment.get("rolloutState") == "COMPLETED":
            deployment.update(runningCount=service.running_count, pendingCount=0)
    return service


_original_describe_services = EC2ContainerServiceBackend.describe_services


def _describe_services(self, cluster_str, service_names_or_arns):
    services, failures = _original_describe_services(self, cluster_str, service_names_or_arns)
    for service in services:
        if service.deployment_controller.get("type", "ECS") == "ECS":
            _advance(service)
    return services, failures


EC2ContainerServiceBackend.update_service = _update_service
EC2ContainerServiceBackend.describe_services = _describe_services

_moto_modules = tuple(moto.backends.list_of_moto_modules())
moto.backends.list_of_moto_modules = lambda: _moto_modules

_init_aws_policies = IAMBackend._init_aws_policies


def _aws_partition_policies(self):
    return _init_aws_policies(self) if self.partition == "aws" else []


IAMBackend._init_aws_policies = _aws_partition_policies

if os.environ.get("PREDICTOR_MOTO_IAM") == "1":
    # IAM enforcement closer to AWS (moto_iam.py, beside this file): action names,
    # conditions, resources, web identity; off until /moto-api/reset-auth turns it on.
    import moto_iam

    moto_iam.install()

if __name__ == "__main__":
    sys.exit(main())
