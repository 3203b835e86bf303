package tf

import (
	"testing"
	"time"
)

func TestOwnApplyLock(t *testing.T) {
	start := time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC)
	raw := []byte(`{"ID":"4f1c","Operation":"OperationTypeApply","Info":"","Who":"ci@runner","Version":"1.11.4","Created":"2026-11-29T03:00:05Z","Path":"b/k"}`)
	l, err := ParseLockInfo(raw)
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		lock  LockInfo
		who   string
		since time.Time
		want  bool
	}{
		"ours":                  {l, "ci@runner", start, true},
		"someone else's":        {l, "dev@laptop", start, false},
		"taken before we ran":   {l, "ci@runner", start.Add(time.Minute), false},
		"a plan's, not apply's": {LockInfo{ID: "x", Operation: "OperationTypePlan", Who: "ci@runner", Created: start.Add(time.Second)}, "ci@runner", start, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := OwnApplyLock(tc.lock, tc.who, tc.since); got != tc.want {
				t.Errorf("OwnApplyLock = %v, want %v", got, tc.want)
			}
		})
	}
	if _, err := ParseLockInfo([]byte(`{}`)); err == nil {
		t.Error("a lock without an ID parsed")
	}
}
