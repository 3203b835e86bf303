// Package servicediff reads what an ECS service runs (its task definition revision,
// the container's image, task size, environment, roles, desired count and autoscaling
// bounds) and compares it: with the last completed release of the release history
// (drift of what runs) and with the service the next release would leave (the
// release diff).
package servicediff

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Service is what a service runs, as far as a release or an operator changes it.
type Service struct {
	// TaskDefinition is family:revision.
	TaskDefinition string
	Container      string
	Image          string
	CPU, Memory    string
	// Env holds the container's plain environment variables, name to value.
	Env map[string]string
	// Secrets are the names of variables injected from secrets (values never read).
	Secrets                 []string
	TaskRole, ExecutionRole string
	DesiredCount            int32
	// Scaling is the scalable target's bounds; nil when the service has none.
	Scaling *Bounds
}

// Bounds are an Application Auto Scaling target's capacity limits.
type Bounds struct{ Min, Max int32 }

// Digest is the sha256:... the image is pinned by ("" when it is not pinned).
func (s Service) Digest() string {
	if _, d, ok := strings.Cut(s.Image, "@"); ok {
		return d
	}
	return ""
}

type ecsAPI interface {
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
}

type scalingAPI interface {
	DescribeScalableTargets(context.Context, *applicationautoscaling.DescribeScalableTargetsInput, ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalableTargetsOutput, error)
}

// Reader reads running services.
type Reader struct {
	ecs     ecsAPI
	scaling scalingAPI
}

// NewReader reads through e and s (s may be nil: no autoscaling bounds are read).
func NewReader(e *ecs.Client, s *applicationautoscaling.Client) *Reader {
	r := &Reader{ecs: e}
	if s != nil {
		r.scaling = s
	}
	return r
}

// Running reads what service runs in cluster; container picks the container whose
// image is compared ("" means the only one).
func (r *Reader) Running(ctx context.Context, cluster, service, container string) (Service, error) {
	out, err := r.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{service}})
	if err != nil {
		return Service{}, fmt.Errorf("describe service %s: %w", service, err)
	}
	if len(out.Services) == 0 || aws.ToString(out.Services[0].Status) == "INACTIVE" {
		return Service{}, fmt.Errorf("describe service %s: not found in cluster %s", service, cluster)
	}
	svc := out.Services[0]
	td, err := r.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: svc.TaskDefinition})
	if err != nil {
		return Service{}, fmt.Errorf("describe task definition %s of service %s: %w", aws.ToString(svc.TaskDefinition), service, err)
	}
	s, err := fromTaskDefinition(td.TaskDefinition, container)
	if err != nil {
		return Service{}, err
	}
	s.DesiredCount = svc.DesiredCount
	if r.scaling != nil {
		if s.Scaling, err = r.bounds(ctx, cluster, service); err != nil {
			return Service{}, err
		}
	}
	return s, nil
}

func (r *Reader) bounds(ctx context.Context, cluster, service string) (*Bounds, error) {
	id := "service/" + cluster + "/" + service
	out, err := r.scaling.DescribeScalableTargets(ctx, &applicationautoscaling.DescribeScalableTargetsInput{
		ServiceNamespace: astypes.ServiceNamespaceEcs, ResourceIds: []string{id}, ScalableDimension: astypes.ScalableDimensionECSServiceDesiredCount,
	})
	if err != nil {
		return nil, fmt.Errorf("describe the scalable target of %s: %w", id, err)
	}
	for _, t := range out.ScalableTargets {
		if aws.ToString(t.ResourceId) == id {
			return &Bounds{Min: aws.ToInt32(t.MinCapacity), Max: aws.ToInt32(t.MaxCapacity)}, nil
		}
	}
	return nil, nil
}

// fromTaskDefinition reads a task definition's part of Service (no count, no bounds).
func fromTaskDefinition(td *types.TaskDefinition, container string) (Service, error) {
	if td == nil {
		return Service{}, fmt.Errorf("read task definition: empty")
	}
	name := fmt.Sprintf("%s:%d", aws.ToString(td.Family), td.Revision)
	c, err := pickContainer(td.ContainerDefinitions, container)
	if err != nil {
		return Service{}, fmt.Errorf("read task definition %s: %w", name, err)
	}
	s := Service{
		TaskDefinition: name, Container: aws.ToString(c.Name), Image: aws.ToString(c.Image),
		CPU: aws.ToString(td.Cpu), Memory: aws.ToString(td.Memory),
		TaskRole: aws.ToString(td.TaskRoleArn), ExecutionRole: aws.ToString(td.ExecutionRoleArn),
		Env: map[string]string{},
	}
	for _, kv := range c.Environment {
		s.Env[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
	}
	for _, sec := range c.Secrets {
		s.Secrets = append(s.Secrets, aws.ToString(sec.Name))
	}
	slices.Sort(s.Secrets)
	return s, nil
}

func pickContainer(cs []types.ContainerDefinition, name string) (types.ContainerDefinition, error) {
	if name == "" {
		if len(cs) != 1 {
			return types.ContainerDefinition{}, fmt.Errorf("pick a container: %d containers, pass the container name", len(cs))
		}
		return cs[0], nil
	}
	for _, c := range cs {
		if aws.ToString(c.Name) == name {
			return c, nil
		}
	}
	return types.ContainerDefinition{}, fmt.Errorf("pick container %s: not in the task definition", name)
}
