// Predictor deploys the AI Predictor FastAPI backend to AWS: terraform plan and apply,
// the backend image build, the push to ECR and a watched ECS rollout, in one pipeline.
package main

import (
	"dagger/predictor/internal/dagger"
)

// Predictor is the deployment pipeline.
type Predictor struct {
	// Repository source.
	Source *dagger.Directory
}

// New creates the pipeline for a source tree.
func New(
	// Repository source.
	// +defaultPath="/"
	// +ignore=[".git", "**/.terraform", "**/*.tfstate", "**/*.tfplan", "**/__pycache__", "**/.venv"]
	source *dagger.Directory,
) *Predictor {
	return &Predictor{Source: source}
}
