package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestImagesPinned keeps every image pinned by digest, except the one whose digest
// could not be verified (it says so in versions.go).
func TestImagesPinned(t *testing.T) {
	pinned := regexp.MustCompile(`^[a-z0-9./_-]+:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}$`)
	unverified := map[string]bool{motoImage: true}
	for _, img := range []string{goImage, terraformImage, runtimeImage, pythonImage, motoImage, registryImage} {
		if !pinned.MatchString(img) && !unverified[img] {
			t.Errorf("image %q is not pinned by digest", img)
		}
	}
	if !strings.HasPrefix(terraformImage, "hashicorp/terraform:"+terraformVersion+"@") {
		t.Errorf("terraformImage %q is not version %s", terraformImage, terraformVersion)
	}
	if got := terraformImageFor(""); got != terraformImage {
		t.Errorf("default terraform image = %q", got)
	}
	if got := terraformImageFor("1.12.0"); got != "hashicorp/terraform:1.12.0" {
		t.Errorf("other version = %q", got)
	}
}

// TestBackendTestImageIsTheDockerfileBase: the Dagger backend tests run on the
// image's own Python (base and digest), so the tested interpreter is the shipped one.
func TestBackendTestImageIsTheDockerfileBase(t *testing.T) {
	data, err := os.ReadFile("backend/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "ARG PYTHON_IMAGE="+pythonImage+"\n") {
		t.Errorf("backend/Dockerfile's PYTHON_IMAGE is not %s", pythonImage)
	}
}
