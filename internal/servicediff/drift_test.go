package servicediff

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDrift(t *testing.T) {
	const img = "repo@sha256:aaaa"
	last := Recorded{TaskDefinition: "fam:4", Image: img}
	ok := Service{TaskDefinition: "fam:4", Image: img, DesiredCount: 2, Scaling: &Bounds{Min: 1, Max: 3}}
	with := func(f func(*Service)) Service { s := ok; f(&s); return s }
	tests := map[string]struct {
		run       Service
		wantCount int32
		want      []string
	}{
		"none":                  {run: ok},
		"count at the bounds":   {run: with(func(s *Service) { s.DesiredCount = 3 })},
		"another revision":      {run: with(func(s *Service) { s.TaskDefinition = "fam:5" }), want: []string{"revision: running fam:5, expected fam:4 (the service was moved to another task definition outside a release)"}},
		"another digest":        {run: with(func(s *Service) { s.Image = "repo@sha256:bbbb" }), want: []string{"image: running repo@sha256:bbbb, expected " + img + " (the running revision's image is not the digest the release recorded)"}},
		"same digest elsewhere": {run: with(func(s *Service) { s.Image = "other@sha256:aaaa" })},
		"unpinned image":        {run: with(func(s *Service) { s.Image = "repo:latest" }), want: []string{"image: running repo:latest, expected " + img + " (the running image is not pinned by digest)"}},
		"scaled below min":      {run: with(func(s *Service) { s.DesiredCount = 0 }), want: []string{"desired count: running 0, expected 1..3 (outside the autoscaling bounds: the service was scaled outside autoscaling)"}},
		"no target, configured": {run: with(func(s *Service) { s.Scaling = nil }), wantCount: 2},
		"no target, other":      {run: with(func(s *Service) { s.Scaling = nil }), wantCount: 1, want: []string{"desired count: running 2, expected 1 (the service has no scalable target and runs another count than configured)"}},
		"no target, no config":  {run: with(func(s *Service) { s.Scaling = nil })},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, f := range Drift(tc.run, last, tc.wantCount) {
				got = append(got, f.String())
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Drift (-want +got):\n%s", d)
			}
		})
	}
}

func TestFamilyRevision(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:ecs:us-east-1:123456789012:task-definition/fam:7": "fam:7",
		"fam:7": "fam:7",
	} {
		if got := FamilyRevision(in); got != want {
			t.Errorf("FamilyRevision(%q) = %q, want %q", in, got, want)
		}
	}
}
