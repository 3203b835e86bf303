package pipeline

import "dagger/predictor/internal/imageref"

// SplitRepository splits an ECR repository URL (host/name) into registry host and name.
func SplitRepository(repo string) (registry, name string, err error) {
	return imageref.SplitRepository(repo)
}
