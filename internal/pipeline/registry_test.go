package pipeline

import (
	"testing"
)

func TestSplitRepository(t *testing.T) {
	reg, name, err := SplitRepository("123.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev")
	if err != nil || reg != "123.dkr.ecr.us-east-1.amazonaws.com" || name != "predictor-model-dev" {
		t.Fatalf("SplitRepository = %q, %q, %v", reg, name, err)
	}
	if _, _, err := SplitRepository("nohost"); err == nil {
		t.Fatal("SplitRepository accepted a name without a host")
	}
}
