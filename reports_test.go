package balcao

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	h := time.Hour
	for _, c := range []struct {
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 0.5, 0},
		{[]time.Duration{h}, 0.9, h},
		{[]time.Duration{h, 3 * h}, 0.5, 2 * h},
		{[]time.Duration{h, 2 * h, 3 * h}, 0.5, 2 * h},
		{[]time.Duration{h, 2 * h, 3 * h}, 0.9, 2*h + 48*time.Minute},
		{[]time.Duration{h, 2 * h, 3 * h}, 1, 3 * h},
		{[]time.Duration{h, 2 * h, 3 * h}, 0, h},
		{[]time.Duration{h, 2 * h, 3 * h}, 7, 3 * h},
	} {
		if got := Percentile(c.in, c.p); got != c.want {
			t.Errorf("Percentile(%v, %v) = %v, want %v", c.in, c.p, got, c.want)
		}
	}
}
