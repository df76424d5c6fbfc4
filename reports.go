package balcao

import "time"

// DailyReceived counts the tickets received (created) on each day of a
// period, by request type. Days are calendar days in the time zone the
// report was asked for.
type DailyReceived struct {
	// Days lists every day of the period in order, as YYYY-MM-DD, days
	// without tickets included.
	Days []string
	// Types lists the request types received, sorted; "" stands for
	// tickets not yet classified.
	Types []string
	// Counts[d][k] is how many tickets of Types[k] arrived on Days[d].
	Counts [][]int
	Total  int
}

// BacklogAges are the upper bounds of the backlog's age buckets: less than
// a day, 1 to 3 days, 3 to 7, 7 to 30, and (the last bucket) 30 days or
// more. A ticket exactly on a bound falls in the older bucket.
var BacklogAges = [BacklogBuckets - 1]time.Duration{24 * time.Hour, 72 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour}

// BacklogBuckets is how many age buckets a backlog report has.
const BacklogBuckets = 5

// BacklogReport counts the open tickets (OpenStatuses) at an instant by
// their age then (time since they were created) and by state.
type BacklogReport struct {
	At       time.Time
	ByAge    [BacklogBuckets]int
	ByStatus map[Status]int
	// Cells[s][b] counts the tickets in state s of age bucket b.
	Cells map[Status][BacklogBuckets]int
	Total int
}

// SLACompliance counts the tickets resolved in a period and how many of
// them met their targets: a ticket meets a target when no breach of that
// clock was recorded for it.
type SLACompliance struct {
	Resolved            int
	ResolvedInTime      int // no resolution breach recorded
	FirstResponseInTime int // no first-response breach recorded
}

// Durations sums up a set of elapsed times: how many, their median and
// 90th percentile (interpolated between the two nearest values; zero when
// Count is 0).
type Durations struct {
	Count       int
	Median, P90 time.Duration
}

// ResponseTimes are the elapsed (wall-clock, not business) times of a
// period's tickets: from creation to the first response, for tickets
// created in the period and answered; from creation to resolution, for
// tickets resolved in the period. Pauses while waiting on the requester
// are included.
type ResponseTimes struct {
	FirstResponse Durations
	Resolution    Durations
}

// Percentile returns the p-th percentile (0 ≤ p ≤ 1) of sorted values,
// interpolating linearly between the two nearest ranks; 0 for none.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	p = min(max(p, 0), 1)
	pos := p * float64(len(sorted)-1)
	lo := int(pos)
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(lo)
	return sorted[lo] + time.Duration(frac*float64(sorted[lo+1]-sorted[lo]))
}

// Percentiles taken from the hourly report summaries are read from
// histograms whose buckets are 2 % wide: a median or 90th percentile then
// differs from the exact one by at most DurationRelativeError of its value
// plus DurationAbsoluteError (times under a second share one bucket). The
// counts are exact.
const (
	DurationRelativeError = 0.01
	DurationAbsoluteError = time.Second
)

// ReportRollup tells how far the hourly report summaries reach: every hour
// before RolledTo is summed up (as of ComputedAt, when the reports job last
// ran); later tickets, and the hours changed since, are counted from the
// tickets themselves. Both are zero before the first run.
type ReportRollup struct {
	RolledTo, ComputedAt time.Time
}
