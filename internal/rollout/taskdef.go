package rollout

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// VersionVar is the environment variable rollout sets to the deployed version.
const VersionVar = "APP_VERSION"

// newRevisionInput returns the registration of a copy of td in which only the image of
// the container named container is replaced by image and its APP_VERSION variable is
// set to version (added, or replaced in place). Every registrable field is copied;
// read-only fields (ARN, revision, status, compatibilities, requiresAttributes,
// registration and deregistration times) are not registrable and are left out.
func newRevisionInput(td *types.TaskDefinition, tags []types.Tag, container, image, version string) (*ecs.RegisterTaskDefinitionInput, error) {
	idx := -1
	var names []string
	for i, c := range td.ContainerDefinitions {
		names = append(names, aws.ToString(c.Name))
		if aws.ToString(c.Name) == container {
			idx = i
		}
	}
	if idx < 0 {
		return nil, fmt.Errorf("find container %q in task definition %s: %w (containers: %s)",
			container, aws.ToString(td.TaskDefinitionArn), ErrNotFound, strings.Join(names, ", "))
	}
	// Copy the slice so the caller's task definition is not modified.
	containers := append([]types.ContainerDefinition(nil), td.ContainerDefinitions...)
	c := containers[idx]
	c.Image = aws.String(image)
	c.Environment = setEnv(c.Environment, VersionVar, version)
	containers[idx] = c

	return &ecs.RegisterTaskDefinitionInput{
		Family:                        td.Family,
		ContainerDefinitions:          containers,
		Cpu:                           td.Cpu,
		Memory:                        td.Memory,
		NetworkMode:                   td.NetworkMode,
		RequiresCompatibilities:       td.RequiresCompatibilities,
		ExecutionRoleArn:              td.ExecutionRoleArn,
		TaskRoleArn:                   td.TaskRoleArn,
		Volumes:                       td.Volumes,
		RuntimePlatform:               td.RuntimePlatform,
		EphemeralStorage:              td.EphemeralStorage,
		PlacementConstraints:          td.PlacementConstraints,
		ProxyConfiguration:            td.ProxyConfiguration,
		InferenceAccelerators:         td.InferenceAccelerators,
		IpcMode:                       td.IpcMode,
		PidMode:                       td.PidMode,
		EnableFaultInjection:          td.EnableFaultInjection,
		TrustedExecutionConfiguration: td.TrustedExecutionConfiguration,
		Tags:                          tags,
	}, nil
}

// setEnv returns env with name set to value: replaced where it is, else appended. The
// input slice is not modified.
func setEnv(env []types.KeyValuePair, name, value string) []types.KeyValuePair {
	out := make([]types.KeyValuePair, 0, len(env)+1)
	found := false
	for _, kv := range env {
		if aws.ToString(kv.Name) == name {
			if found {
				continue // drop duplicates: ECS would pass the last one, we pass ours
			}
			kv.Value = aws.String(value)
			found = true
		}
		out = append(out, kv)
	}
	if !found {
		out = append(out, types.KeyValuePair{Name: aws.String(name), Value: aws.String(value)})
	}
	return out
}

// containerState is what rollout compares to decide whether an image is already deployed.
func containerState(td *types.TaskDefinition, container string) (image, version string, ok bool) {
	for _, c := range td.ContainerDefinitions {
		if aws.ToString(c.Name) != container {
			continue
		}
		for _, kv := range c.Environment {
			if aws.ToString(kv.Name) == VersionVar {
				version = aws.ToString(kv.Value)
			}
		}
		return aws.ToString(c.Image), version, true
	}
	return "", "", false
}
