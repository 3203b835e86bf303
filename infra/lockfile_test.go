package infra_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sumsFile maps the zh: hashes of hashicorp/aws 5.100.0 to the release's files.
const sumsFile = "hashicorp-aws-5.100.0.sha256sums"

// readSums parses sumsFile: "<sha256>  <file name or note>" per line, # comments.
func readSums(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(sumsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line := regexp.MustCompile(`^([0-9a-f]{64})  (\S.*)$`)
	sums := map[string]string{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		l := s.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("%s: malformed line %q", sumsFile, l)
		}
		if _, dup := sums[m[1]]; dup {
			t.Fatalf("%s: %s listed twice", sumsFile, m[1])
		}
		sums[m[1]] = m[2]
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return sums
}

// lockHashes returns the aws provider's version and hashes from a lock file.
func lockHashes(t *testing.T, path string) (version string, zh, h1 []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `terraform providers lock` there and commit the file)", err)
	}
	block := regexp.MustCompile(`(?s)provider "registry\.terraform\.io/hashicorp/aws" \{(.*?)\n\}`).FindSubmatch(b)
	if block == nil {
		t.Fatalf("%s has no hashicorp/aws entry", path)
	}
	if m := regexp.MustCompile(`version\s+=\s+"([^"]+)"`).FindSubmatch(block[1]); m != nil {
		version = string(m[1])
	}
	for _, m := range regexp.MustCompile(`"(zh|h1):([^"]+)"`).FindAllSubmatch(block[1], -1) {
		if string(m[1]) == "zh" {
			zh = append(zh, string(m[2]))
		} else {
			h1 = append(h1, string(m[2]))
		}
	}
	return version, zh, h1
}

// TestLockFilesCoverEveryPlatform checks that each lock file verifies the provider on
// every engine platform users run (linux amd64/arm64 engines, Apple silicon and Intel
// Macs): it must hold every zh: hash of the release, not only the one h1: hash of the
// platform it was made on (hashicorp/terraform#32124).
func TestLockFilesCoverEveryPlatform(t *testing.T) {
	sums := readSums(t)
	var all []string
	byPlatform := map[string]string{}
	unattributed := 0
	for sum, name := range sums {
		all = append(all, sum)
		if p, ok := strings.CutPrefix(name, "terraform-provider-aws_5.100.0_"); ok {
			byPlatform[strings.TrimSuffix(p, ".zip")] = sum
		} else {
			unattributed++
		}
	}
	sort.Strings(all)
	for _, dir := range []string{".", "github-oidc"} {
		t.Run(dir, func(t *testing.T) {
			version, zh, h1 := lockHashes(t, filepath.Join(dir, ".terraform.lock.hcl"))
			if version != "5.100.0" {
				t.Fatalf("locked version %s; %s lists 5.100.0: update both", version, sumsFile)
			}
			sort.Strings(zh)
			if diff := cmp.Diff(all, zh); diff != "" {
				t.Errorf("zh: hashes differ from the release's published set in %s (-want +got):\n%s", sumsFile, diff)
			}
			for _, p := range []string{"linux_amd64", "linux_arm64", "darwin_arm64"} {
				if byPlatform[p] == "" {
					t.Errorf("%s names no archive for %s", sumsFile, p)
				}
			}
			// The release ships 14 platform archives and the manifest; with all 15
			// listed, darwin_amd64's archive is among the unattributed ones.
			if byPlatform["manifest.json"] == "" || unattributed+len(byPlatform)-1 != 14 {
				t.Errorf("%s lists %d archives and manifest %q, want the release's 14 archives and its manifest", sumsFile, unattributed+len(byPlatform)-1, byPlatform["manifest.json"])
			}
			// The h1: hash the emulator tests verify against the linux_amd64 mirror.
			if !contains(h1, "edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0=") {
				t.Errorf("h1: hash of linux_amd64 missing: got %v", h1)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
