package tf

import (
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"time"
)

// LockInfo is what terraform writes into a state lock (the S3 backend's <key>.tflock).
type LockInfo struct {
	ID        string
	Operation string
	Who       string
	Created   time.Time
}

// ParseLockInfo reads a lock object's JSON.
func ParseLockInfo(data []byte) (LockInfo, error) {
	var l LockInfo
	if err := json.Unmarshal(data, &l); err != nil {
		return LockInfo{}, fmt.Errorf("read state lock info: %w", err)
	}
	if l.ID == "" {
		return LockInfo{}, fmt.Errorf("read state lock info: no ID in %q", data)
	}
	return l, nil
}

// Who is how terraform names this process's user in a lock: user@host.
func Who() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

// OwnApplyLock reports whether l is the lock an apply started at or after since took
// as who: the only lock deployctl ever force-unlocks.
func OwnApplyLock(l LockInfo, who string, since time.Time) bool {
	return l.Operation == "OperationTypeApply" && l.Who == who && !l.Created.Before(since.Add(-time.Second))
}
