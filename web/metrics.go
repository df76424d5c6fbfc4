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

// MailListener is a mail listener whose counters /metrics publishes
// (smtp.Server).
type MailListener interface {
	Protocol() string
	Stats() balcao.MailStats
}

// mailCollector publishes the mail listeners' counters, by protocol.
type mailCollector struct {
	listeners                       func() []MailListener
	sessions, messages, rcptRefused *prometheus.Desc
}

func newMailCollector(listeners func() []MailListener) *mailCollector {
	return &mailCollector{listeners: listeners,
		sessions: prometheus.NewDesc("balcao_mail_sessions_total",
			"Connections served by the inbound mail listeners.", []string{"protocol"}, nil),
		messages: prometheus.NewDesc("balcao_mail_messages_total",
			"Inbound messages by outcome: accepted (stored, 250), refused (5xx, the sender bounces it) or deferred (4xx, the sender retries).",
			[]string{"protocol", "outcome"}, nil),
		rcptRefused: prometheus.NewDesc("balcao_mail_recipients_refused_total",
			"RCPT commands refused because the address is not one of the desk's.", []string{"protocol"}, nil),
	}
}

func (c *mailCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.sessions
	ch <- c.messages
	ch <- c.rcptRefused
}

func (c *mailCollector) Collect(ch chan<- prometheus.Metric) {
	for _, l := range c.listeners() {
		st, p := l.Stats(), l.Protocol()
		ch <- prometheus.MustNewConstMetric(c.sessions, prometheus.CounterValue, float64(st.Sessions), p)
		ch <- prometheus.MustNewConstMetric(c.messages, prometheus.CounterValue, float64(st.Accepted), p, "accepted")
		ch <- prometheus.MustNewConstMetric(c.messages, prometheus.CounterValue, float64(st.Refused), p, "refused")
		ch <- prometheus.MustNewConstMetric(c.messages, prometheus.CounterValue, float64(st.Deferred), p, "deferred")
		ch <- prometheus.MustNewConstMetric(c.rcptRefused, prometheus.CounterValue, float64(st.RecipientsRefused), p)
	}
}
