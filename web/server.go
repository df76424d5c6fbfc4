// Package web is Balcão's HTTP face: health and metrics endpoints and the
// REST API (described by an OpenAPI 3.1 document generated from its Go
// types). The agent console (package desk) is served beside it, through
// Server.Instrument.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"balcao"
	"balcao/catalog"
	"balcao/sla"
)

// Server holds what the handlers need. Build it with its fields set, then
// call Handler once.
type Server struct {
	Store   balcao.Store
	Catalog *catalog.Catalog
	// Notifier tells requesters about decisions (approvals); may be nil.
	Notifier Notifier
	Clock    balcao.Clock
	Logger   *slog.Logger
	Version  string
	BaseURL  string
	// Levels holds the service levels of the catalogue; built from Catalog
	// when nil.
	Levels *sla.Book
	// MailListeners, when set, returns the inbound mail listeners whose
	// counters /metrics publishes; it is called at each scrape.
	MailListeners func() []MailListener

	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// Handler returns the root handler with every route.
func (s *Server) Handler() http.Handler {
	if s.Clock == nil {
		s.Clock = balcao.SystemClock{}
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Levels == nil {
		b, err := sla.New(s.Catalog)
		if err != nil {
			// Serve already refuses a catalogue whose calendars do not
			// build; a server built by hand falls back to the defaults.
			s.Logger.Error("service levels: using the defaults", "err", err)
			b, _ = sla.New(nil)
		}
		s.Levels = b
	}
	s.registry = prometheus.NewRegistry()
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "balcao_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
	}, []string{"route", "method", "code"})
	s.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "balcao_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route"})
	s.registry.MustRegister(s.requests, s.duration)
	if ws, ok := s.Store.(writeStatser); ok {
		s.registry.MustRegister(newWriteCollector(ws))
	}
	if s.MailListeners != nil {
		s.registry.MustRegister(newMailCollector(s.MailListeners))
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry}))
	s.registerAPI(mux)
	// The satisfaction page of the links sent when a ticket is resolved;
	// its form is refused when posted from another site.
	rating := http.NewCrossOriginProtection().Handler(http.HandlerFunc(s.ratingPage))
	mux.Handle("GET /avaliar/{secret}", rating)
	mux.Handle("POST /avaliar/{secret}", rating)
	return s.recoverer(s.instrument(durable(s.Store.WaitDurable, mux)))
}

// Instrument wraps another handler served beside the API (the console) in
// the same metrics by route pattern and the same panic recovery. Call it
// after Handler.
func (s *Server) Instrument(h http.Handler) http.Handler {
	return s.recoverer(s.instrument(durable(s.Store.WaitDurable, h)))
}

// Registry exposes the metrics registry so other parts of the program can
// add their collectors.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.Store.Ping(ctx); err != nil {
		s.Logger.Warn("readyz: database unreachable", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unreachable\n"))
		return
	}
	if err := s.Store.CheckMigrated(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(err.Error() + "\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// instrument counts and times requests by route pattern (never by raw
// path, which would make one series per ticket) and logs them.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.code == 0 {
			rec.code = http.StatusOK
		}
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		elapsed := time.Since(start)
		s.requests.WithLabelValues(route, r.Method, strconv.Itoa(rec.code)).Inc()
		s.duration.WithLabelValues(route).Observe(elapsed.Seconds())
		s.Logger.Debug("http", "method", r.Method, "path", r.URL.Path, "status", rec.code, "duration", elapsed)
	})
}

// recoverer turns a panic in a handler into a logged 500 rather than a
// dropped connection.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(p)
				}
				s.Logger.Error("panic in handler", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
