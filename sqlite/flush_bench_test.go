//go:build unix

package sqlite

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// BenchmarkLogFlush writes a commit's worth of log in place and flushes it,
// as the group committer's flusher does, and reports the CPU the process
// spent a round (user and system: a flush's cost is mostly the kernel's).
// 40 KiB is about one message's frames, 300 KiB a commit of four under the
// load test; the two tell how much of a flush's cost is fixed.
//
//	go test -run '^$' -bench LogFlush -benchtime 2000x -count 3 ./sqlite/
func BenchmarkLogFlush(b *testing.B) {
	for _, size := range []int{40 << 10, 300 << 10} {
		b.Run(strconv.Itoa(size>>10)+"KiB", func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "log"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			// Written over in place, as the log is once it starts again
			// from its beginning: no flush has to record a new size.
			const span = 32 << 20
			if _, err := f.WriteAt(make([]byte, span), 0); err != nil {
				b.Fatal(err)
			}
			if err := datasync(f); err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, size)
			for i := range buf {
				buf[i] = byte(i)
			}
			off := int64(0)
			cpu0 := processCPU()
			b.ResetTimer()
			for b.Loop() {
				if _, err := f.WriteAt(buf, off); err != nil {
					b.Fatal(err)
				}
				if err := datasync(f); err != nil {
					b.Fatal(err)
				}
				off = (off + int64(size)) % (span - int64(size))
			}
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
