package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

// proxyModule is one module version the Go module proxy refuses, to be served from a
// local clone of its repository.
type proxyModule struct {
	Path, Version string
	// Repo is the clone's git directory; Rev the commit or tag; Subdir the module's
	// directory inside the repository ("" for the root).
	Repo, Rev, Subdir string
}

// parseProxySpec reads path@version=gitdir#rev[:subdir], or path@version=modcache for
// a version already in the local module cache.
func parseProxySpec(s string) (proxyModule, error) {
	modPart, src, ok := strings.Cut(s, "=")
	if !ok {
		return proxyModule{}, fmt.Errorf("parse %q: want path@version=gitdir#rev[:subdir]", s)
	}
	path, version, ok := strings.Cut(modPart, "@")
	if !ok {
		return proxyModule{}, fmt.Errorf("parse %q: no @version", s)
	}
	if src == "modcache" {
		return proxyModule{Path: path, Version: version}, nil
	}
	repo, rev, ok := strings.Cut(src, "#")
	if !ok {
		return proxyModule{}, fmt.Errorf("parse %q: no #rev", s)
	}
	rev, subdir, _ := strings.Cut(rev, ":")
	return proxyModule{Path: path, Version: version, Repo: repo, Rev: rev, Subdir: subdir}, nil
}

// writeProxyModule writes m's .info, .mod and .zip in the GOPROXY file layout under
// dir. The go command checks the zip's hash against go.sum, so a wrong revision fails
// the build instead of slipping through.
func writeProxyModule(dir string, m proxyModule) error {
	escPath, err := module.EscapePath(m.Path)
	if err != nil {
		return fmt.Errorf("escape %s: %w", m.Path, err)
	}
	escVer, err := module.EscapeVersion(m.Version)
	if err != nil {
		return fmt.Errorf("escape %s: %w", m.Version, err)
	}
	vdir := filepath.Join(dir, escPath, "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", vdir, err)
	}
	base := filepath.Join(vdir, escVer)
	if m.Repo == "" {
		return copyFromModCache(filepath.Join(dir, escPath), escPath, escVer)
	}
	gomod, err := gitShow(m.Repo, m.Rev, filepath.ToSlash(filepath.Join(m.Subdir, "go.mod")))
	if err != nil {
		return err
	}
	if err := os.WriteFile(base+".mod", gomod, 0o644); err != nil {
		return fmt.Errorf("write %s.mod: %w", base, err)
	}
	info, err := json.Marshal(map[string]any{"Version": m.Version, "Time": time.Unix(0, 0).UTC()})
	if err != nil {
		return fmt.Errorf("encode info: %w", err)
	}
	if err := os.WriteFile(base+".info", info, 0o644); err != nil {
		return fmt.Errorf("write %s.info: %w", base, err)
	}
	f, err := os.Create(base + ".zip")
	if err != nil {
		return fmt.Errorf("create %s.zip: %w", base, err)
	}
	defer f.Close()
	src, err := gitExport(m.Repo, m.Rev)
	if err != nil {
		return err
	}
	defer os.RemoveAll(src)
	if err := copyRootLicense(src, m.Subdir); err != nil {
		return err
	}
	if err := zip.CreateFromDir(f, module.Version{Path: m.Path, Version: m.Version}, filepath.Join(src, m.Subdir)); err != nil {
		return fmt.Errorf("zip %s@%s: %w", m.Path, m.Version, err)
	}
	list := filepath.Join(vdir, "list")
	old, _ := os.ReadFile(list)
	if !strings.Contains(string(old), m.Version+"\n") {
		if err := os.WriteFile(list, append(old, m.Version+"\n"...), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", list, err)
		}
	}
	return f.Close()
}

// copyFromModCache serves a version from the module cache's download directory as
// the module's only and latest version: the codegen runs `go get` on the module
// without a version, which needs the version list that the proxy may refuse.
func copyFromModCache(modDir, escPath, escVer string) error {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return fmt.Errorf("find the module cache: %w", err)
	}
	src := filepath.Join(strings.TrimSpace(string(out)), "cache", "download", escPath, "@v", escVer)
	for _, ext := range []string{".info", ".mod", ".zip"} {
		b, err := os.ReadFile(src + ext)
		if err != nil {
			return fmt.Errorf("read %s%s from the module cache (go mod download it first): %w", escVer, ext, err)
		}
		if err := os.WriteFile(filepath.Join(modDir, "@v", escVer+ext), b, 0o644); err != nil {
			return fmt.Errorf("write %s%s: %w", escVer, ext, err)
		}
		if ext == ".info" {
			if err := os.WriteFile(filepath.Join(modDir, "@latest"), b, 0o644); err != nil {
				return fmt.Errorf("write @latest: %w", err)
			}
		}
	}
	return os.WriteFile(filepath.Join(modDir, "@v", "list"), nil, 0o644)
}

// gitExport writes rev's tree to a new temporary directory with git archive, as the go
// command does when it builds a module zip from a repository.
func gitExport(repo, rev string) (string, error) {
	dir, err := os.MkdirTemp("", "proxy-src-")
	if err != nil {
		return "", fmt.Errorf("create export dir: %w", err)
	}
	archive := exec.Command("git", "--git-dir", repo, "archive", "--format=tar", rev)
	untar := exec.Command("tar", "-x", "-C", dir)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return "", fmt.Errorf("pipe git archive: %w", err)
	}
	untar.Stdin = pipe
	if err := untar.Start(); err != nil {
		return "", fmt.Errorf("start tar: %w", err)
	}
	if err := archive.Run(); err != nil {
		return "", fmt.Errorf("archive %s at %s: %w", repo, rev, err)
	}
	if err := untar.Wait(); err != nil {
		return "", fmt.Errorf("extract %s at %s: %w", repo, rev, err)
	}
	return dir, nil
}

// copyRootLicense gives a module in a subdirectory the repository's LICENSE when it has
// none of its own, as the go command does (modfetch), so the zip's hash is the one in
// go.sum.
func copyRootLicense(src, subdir string) error {
	if subdir == "" {
		return nil
	}
	dst := filepath.Join(src, subdir, "LICENSE")
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(src, "LICENSE"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read root license: %w", err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	return nil
}

func gitShow(repo, rev, path string) ([]byte, error) {
	out, err := exec.Command("git", "--git-dir", repo, "show", rev+":"+path).Output()
	if err != nil {
		return nil, fmt.Errorf("read %s at %s in %s: %w", path, rev, repo, err)
	}
	return out, nil
}
