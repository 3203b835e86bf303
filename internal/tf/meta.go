package tf

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Meta is the sidecar deployctl writes next to a saved plan (FILE.meta.json), so apply
// can refuse a plan from another environment before it runs terraform at all. The
// plan's own variables are checked as well, after init, for plans moved without it.
type Meta struct {
	Environment string `json:"environment"`
	StateBucket string `json:"state_bucket"`
	StateKey    string `json:"state_key"`
	Changes     bool   `json:"changes"`
}

// metaPath is the sidecar path of plan.
func metaPath(plan string) string { return plan + ".meta.json" }

// WriteMeta writes m next to plan.
func WriteMeta(plan string, m Meta) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode plan metadata: %w", err)
	}
	if err := os.WriteFile(metaPath(plan), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write plan metadata: %w", err)
	}
	return nil
}

// ReadMeta reads plan's sidecar; ok is false when there is none.
func ReadMeta(plan string) (m Meta, ok bool, err error) {
	data, err := os.ReadFile(metaPath(plan))
	if errors.Is(err, fs.ErrNotExist) {
		return Meta{}, false, nil
	}
	if err != nil {
		return Meta{}, false, fmt.Errorf("read plan metadata: %w", err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return Meta{}, false, fmt.Errorf("decode plan metadata %s: %w", metaPath(plan), err)
	}
	return m, true, nil
}

// CheckMetaEnvironment returns ErrPlanEnv when the sidecar names another environment.
func CheckMetaEnvironment(m Meta, plan, env string) error {
	if m.Environment != env {
		return fmt.Errorf("%w: %s was made for %s, not %s: plan again with `deployctl plan --env %s`", ErrPlanEnv, plan, m.Environment, env, env)
	}
	return nil
}
