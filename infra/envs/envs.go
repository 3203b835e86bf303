// Package envs is the one list of environments: each file <name>.tfvars in this
// directory is an environment, and the files are embedded into every Go binary
// (deployctl, the Dagger module) when it is built. Adding an environment is adding a
// file here; internal/envcfg reads the list and its per-environment properties.
package envs

import "embed"

// Files holds every <name>.tfvars of this directory.
//
//go:embed *.tfvars
var Files embed.FS
