package rollout

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fullTaskDefinition sets every registrable field (and the read-only ones).
func fullTaskDefinition() *types.TaskDefinition {
	return &types.TaskDefinition{
		TaskDefinitionArn:  aws.String(taskDefOne),
		Family:             aws.String(family),
		Revision:           1,
		Status:             types.TaskDefinitionStatusActive,
		Compatibilities:    []types.Compatibility{types.CompatibilityFargate},
		RequiresAttributes: []types.Attribute{{Name: aws.String("com.amazonaws.ecs.capability.logging-driver.awslogs")}},
		ContainerDefinitions: []types.ContainerDefinition{
			{Name: aws.String("sidecar"), Image: aws.String("public.ecr.aws/x/y:1"), Environment: []types.KeyValuePair{{Name: aws.String("APP_VERSION"), Value: aws.String("keep")}}},
			{
				Name: aws.String("backend"), Image: aws.String(oldImage), Essential: aws.Bool(true), User: aws.String("10001"),
				Environment: []types.KeyValuePair{
					{Name: aws.String("APP_ENV"), Value: aws.String("dev")},
					{Name: aws.String("APP_VERSION"), Value: aws.String("old")},
					{Name: aws.String("S3_DATA_BUCKET"), Value: aws.String("b")},
				},
				PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(8000)}},
				MountPoints:  []types.MountPoint{{SourceVolume: aws.String("tmp"), ContainerPath: aws.String("/tmp")}},
			},
		},
		Cpu:                           aws.String("256"),
		Memory:                        aws.String("512"),
		NetworkMode:                   types.NetworkModeAwsvpc,
		RequiresCompatibilities:       []types.Compatibility{types.CompatibilityFargate},
		ExecutionRoleArn:              aws.String("arn:aws:iam::123456789012:role/exec"),
		TaskRoleArn:                   aws.String("arn:aws:iam::123456789012:role/task"),
		Volumes:                       []types.Volume{{Name: aws.String("tmp")}},
		RuntimePlatform:               &types.RuntimePlatform{CpuArchitecture: types.CPUArchitectureArm64, OperatingSystemFamily: types.OSFamilyLinux},
		EphemeralStorage:              &types.EphemeralStorage{SizeInGiB: 30},
		PlacementConstraints:          []types.TaskDefinitionPlacementConstraint{{Type: types.TaskDefinitionPlacementConstraintTypeMemberOf, Expression: aws.String("attribute:x == y")}},
		ProxyConfiguration:            &types.ProxyConfiguration{ContainerName: aws.String("sidecar")},
		InferenceAccelerators:         []types.InferenceAccelerator{{DeviceName: aws.String("d"), DeviceType: aws.String("t")}},
		IpcMode:                       types.IpcModeTask,
		PidMode:                       types.PidModeTask,
		EnableFaultInjection:          aws.Bool(true),
		TrustedExecutionConfiguration: &types.TrustedExecutionConfiguration{},
	}
}

func TestNewRevisionInput(t *testing.T) {
	t.Parallel()
	td := fullTaskDefinition()
	before := fullTaskDefinition()
	tags := []types.Tag{{Key: aws.String("Project"), Value: aws.String("predictor")}}
	got, err := newRevisionInput(td, tags, "backend", testImage, "v2")
	if err != nil {
		t.Fatal(err)
	}

	// Every field of the registration is set: a field added to the SDK and not copied
	// fails here.
	v := reflect.ValueOf(got).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.IsExported() && v.Field(i).IsZero() {
			t.Errorf("RegisterTaskDefinitionInput.%s is not copied", f.Name)
		}
	}

	want := fullTaskDefinition().ContainerDefinitions
	want[1].Image = aws.String(testImage)
	want[1].Environment[1].Value = aws.String("v2")
	opts := cmpopts.IgnoreUnexported(types.ContainerDefinition{}, types.KeyValuePair{}, types.PortMapping{}, types.MountPoint{})
	if diff := cmp.Diff(want, got.ContainerDefinitions, opts); diff != "" {
		t.Errorf("containers (-want +got):\n%s", diff)
	}
	// Only containers changed: compare the rest field by field with the source.
	rest := &ecs.RegisterTaskDefinitionInput{
		Family: before.Family, ContainerDefinitions: got.ContainerDefinitions, Cpu: before.Cpu, Memory: before.Memory,
		NetworkMode: before.NetworkMode, RequiresCompatibilities: before.RequiresCompatibilities,
		ExecutionRoleArn: before.ExecutionRoleArn, TaskRoleArn: before.TaskRoleArn, Volumes: before.Volumes,
		RuntimePlatform: before.RuntimePlatform, EphemeralStorage: before.EphemeralStorage,
		PlacementConstraints: before.PlacementConstraints, ProxyConfiguration: before.ProxyConfiguration,
		InferenceAccelerators: before.InferenceAccelerators, IpcMode: before.IpcMode, PidMode: before.PidMode,
		EnableFaultInjection: before.EnableFaultInjection, TrustedExecutionConfiguration: before.TrustedExecutionConfiguration,
		Tags: tags,
	}
	if diff := cmp.Diff(rest, got, cmpopts.IgnoreUnexported(ecs.RegisterTaskDefinitionInput{}), cmp.Exporter(func(reflect.Type) bool { return true })); diff != "" {
		t.Errorf("registration (-want +got):\n%s", diff)
	}
	// The source is untouched.
	if diff := cmp.Diff(before, td, cmp.Exporter(func(reflect.Type) bool { return true })); diff != "" {
		t.Errorf("source task definition modified (-before +after):\n%s", diff)
	}
}

func TestNewRevisionInputErrors(t *testing.T) {
	t.Parallel()
	if _, err := newRevisionInput(fullTaskDefinition(), nil, "api", testImage, "v2"); err == nil ||
		err.Error() != `find container "api" in task definition `+taskDefOne+`: not found (containers: sidecar, backend)` {
		t.Errorf("error = %v", err)
	}
}

func TestSetEnv(t *testing.T) {
	t.Parallel()
	kv := func(n, v string) types.KeyValuePair {
		return types.KeyValuePair{Name: aws.String(n), Value: aws.String(v)}
	}
	tests := map[string]struct {
		in, want []types.KeyValuePair
	}{
		"added":              {in: []types.KeyValuePair{kv("A", "1")}, want: []types.KeyValuePair{kv("A", "1"), kv("APP_VERSION", "v2")}},
		"replaced in place":  {in: []types.KeyValuePair{kv("APP_VERSION", "v1"), kv("A", "1")}, want: []types.KeyValuePair{kv("APP_VERSION", "v2"), kv("A", "1")}},
		"duplicates dropped": {in: []types.KeyValuePair{kv("APP_VERSION", "v1"), kv("APP_VERSION", "v0")}, want: []types.KeyValuePair{kv("APP_VERSION", "v2")}},
		"empty":              {want: []types.KeyValuePair{kv("APP_VERSION", "v2")}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := setEnv(tc.in, "APP_VERSION", "v2")
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreUnexported(types.KeyValuePair{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSameTaskDefinition(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		a, b string
		want bool
	}{
		"arn and short":  {taskDefOne, family + ":1", true},
		"other revision": {taskDefOne, family + ":2", false},
		"empty":          {"", "", false},
		"family only":    {family, family, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := sameTaskDefinition(tc.a, tc.b); got != tc.want {
				t.Errorf("sameTaskDefinition(%q, %q) = %v", tc.a, tc.b, got)
			}
		})
	}
}
