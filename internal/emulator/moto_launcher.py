"""Start moto_server with the few calls moto 5.2.5 lacks for predictor's infrastructure.

- Application Auto Scaling: ListTagsForResource, TagResource and UntagResource are not
  implemented (HTTP 500), yet the AWS provider calls them for every scalable target.
- ECS CreateService drops capacityProviderStrategy (and forces launchType EC2),
  deploymentConfiguration and availabilityZoneRebalancing, so the next plan wants to
  replace the service. We store them on the service so DescribeServices returns them.
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
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.iam.models import IAMBackend
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
