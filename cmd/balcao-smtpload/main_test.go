package main

import (
	"os"
	"testing"
	"time"
)

func TestStatCPU(t *testing.T) {
	// A command name with spaces and a parenthesis must not shift the
	// fields: utime 1234 and stime 56 are the 14th and 15th.
	line := "4242 (balcao (x) y) S 1 4242 4242 0 -1 4194560 1500 0 0 0 1234 56 0 0 20 0 9 0 100 1000000 2000 18446744073709551615\n"
	if got := statCPU([]byte(line)); got != 1290 {
		t.Fatalf("statCPU = %d, want 1290", got)
	}
	for _, bad := range []string{"", "4242 (balcao", "4242 (balcao) S 1 2"} {
		if got := statCPU([]byte(bad)); got != -1 {
			t.Errorf("statCPU(%q) = %d, want -1", bad, got)
		}
	}
}

func TestProcessCPUAndStealReadThisMachine(t *testing.T) {
	before := processCPU(os.Getpid())
	if before < 0 {
		t.Fatal("no CPU time read for this process")
	}
	// Spin until the kernel has counted at least two ticks more.
	for end := time.Now().Add(5 * time.Second); processCPU(os.Getpid()) < before+2; {
		if time.Now().After(end) {
			t.Fatal("five seconds of spinning counted no CPU time")
		}
	}
	if s := readSteal(); s.total <= 0 || s.steal < 0 || s.steal > s.total {
		t.Fatalf("readSteal = %+v", s)
	}
}
