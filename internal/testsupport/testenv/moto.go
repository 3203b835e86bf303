package testenv

import (
	"flag"
	"os"
	"strconv"
	"sync"
	"testing"

	"dagger/predictor/internal/emulator"
)

// Moto is one running emulator process, started by this harness and stopped by its PID.
type Moto = emulator.Moto

// MotoOptions tune a dedicated emulator.
type MotoOptions = emulator.Options

// startMoto starts an emulator outside a test's lifetime (the caller must Stop it).
func startMoto(opts MotoOptions) (*Moto, error) { return emulator.Start(opts) }

var (
	shared     *Moto
	sharedErr  error
	sharedOnce sync.Once
)

// SharedMoto returns the test package's emulator, starting it on first use. Pair it
// with Main in the package's TestMain so the process is stopped at the end.
func SharedMoto(tb testing.TB) *Moto {
	tb.Helper()
	skipShort(tb)
	sharedOnce.Do(func() { shared, sharedErr = startMoto(MotoOptions{}) })
	if sharedErr != nil {
		missing(tb, "AWS emulator unavailable: %v", sharedErr)
	}
	return shared
}

// NewMoto starts an emulator for one test only, stopped at the test's end.
func NewMoto(tb testing.TB, opts MotoOptions) *Moto {
	tb.Helper()
	skipShort(tb)
	m, err := startMoto(opts)
	if err != nil {
		missing(tb, "AWS emulator unavailable: %v", err)
	}
	tb.Cleanup(func() { _ = m.Stop() })
	return m
}

// skipShort skips a test that needs the emulator under `go test -short`, the quick
// path: starting moto alone costs seconds, and its tests apply whole stacks.
func skipShort(tb testing.TB) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("-short: needs the AWS emulator")
	}
}

// minParallel is how many parallel tests an end-to-end package runs at once unless
// -parallel is given, instead of GOMAXPROCS (2 here): its tests mostly wait on the
// emulator, on deployments and on the provider's fixed delays, not on the CPU.
const minParallel = 4

// Main runs the package's tests (at least minParallel at once), then stops the shared
// emulator and removes the deployctl binary, if the tests started or built them.
// Use it as `func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }`.
func Main(m *testing.M) int {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if p := flag.Lookup("test.parallel"); !set && p != nil {
		if n, err := strconv.Atoi(p.Value.String()); err == nil && n < minParallel {
			_ = p.Value.Set(strconv.Itoa(minParallel))
		}
	}
	code := m.Run()
	if shared != nil {
		_ = shared.Stop()
	}
	if deployctlDir != "" {
		_ = os.RemoveAll(deployctlDir)
	}
	return code
}
