package web

import (
	"github.com/prometheus/client_golang/prometheus"

	"balcao"
)

// writeStatser is a store whose single writer counts its work (SQLite).
type writeStatser interface {
	WriteStats() (balcao.WriteStats, bool)
}

// writeCollector publishes the writer's counters: with the request counter
// they tell how many writes share a commit, and how long the log's flushes
// take, the two figures that bound intake on one database file.
type writeCollector struct {
	src                                 writeStatser
	batches, requests, flushes, flushed *prometheus.Desc
}

func newWriteCollector(src writeStatser) *writeCollector {
	return &writeCollector{src: src,
		batches: prometheus.NewDesc("balcao_store_write_batches_total",
			"Write transactions committed by the store's single writer (SQLite's group commit).", nil, nil),
		requests: prometheus.NewDesc("balcao_store_write_requests_total",
			"Write requests carried by those transactions; divided by the batches, the mean batch.", nil, nil),
		flushes: prometheus.NewDesc("balcao_store_log_flushes_total",
			"Flushes of the database log to disk, each making every batch committed before it durable.", nil, nil),
		flushed: prometheus.NewDesc("balcao_store_log_flush_seconds_total",
			"Time spent in those flushes.", nil, nil),
	}
}

func (c *writeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.batches
	ch <- c.requests
	ch <- c.flushes
	ch <- c.flushed
}

func (c *writeCollector) Collect(ch chan<- prometheus.Metric) {
	st, ok := c.src.WriteStats()
	if !ok {
		return
	}
	ch <- prometheus.MustNewConstMetric(c.batches, prometheus.CounterValue, float64(st.Batches))
	ch <- prometheus.MustNewConstMetric(c.requests, prometheus.CounterValue, float64(st.Requests))
	ch <- prometheus.MustNewConstMetric(c.flushes, prometheus.CounterValue, float64(st.Flushes))
	ch <- prometheus.MustNewConstMetric(c.flushed, prometheus.CounterValue, st.FlushTime.Seconds())
}
