package web

import (
	"bufio"
	"context"
	"net"
	"net/http"
)

// durable holds back each response until every write committed before it
// is on disk (balcao.Store.WaitDurable): a page or an API answer never
// shows data that a crash could still undo. The wait is usually nothing;
// under a stream of writes, at most one flush of the database log.
func durable(wait func(context.Context) error, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dw := &durableWriter{ResponseWriter: w, wait: wait, ctx: r.Context()}
		h.ServeHTTP(dw, r)
		// A handler that wrote nothing still answers (an empty 200).
		dw.check()
	})
}

type durableWriter struct {
	http.ResponseWriter
	wait    func(context.Context) error
	ctx     context.Context
	checked bool
	failed  bool
}

// check waits once, before the first byte of the answer.
func (d *durableWriter) check() {
	if d.checked {
		return
	}
	d.checked = true
	if err := d.wait(d.ctx); err != nil {
		d.failed = true
		h := d.ResponseWriter.Header()
		for k := range h {
			delete(h, k)
		}
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Retry-After", "5")
		d.ResponseWriter.WriteHeader(http.StatusServiceUnavailable)
		d.ResponseWriter.Write([]byte("the database could not confirm its writes to disk; try again\n"))
	}
}

func (d *durableWriter) WriteHeader(code int) {
	d.check()
	if !d.failed {
		d.ResponseWriter.WriteHeader(code)
	}
}

func (d *durableWriter) Write(b []byte) (int, error) {
	d.check()
	if d.failed {
		return len(b), nil
	}
	return d.ResponseWriter.Write(b)
}

func (d *durableWriter) Flush() {
	d.check()
	if f, ok := d.ResponseWriter.(http.Flusher); ok && !d.failed {
		f.Flush()
	}
}

func (d *durableWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	d.check()
	return http.NewResponseController(d.ResponseWriter).Hijack()
}

func (d *durableWriter) Unwrap() http.ResponseWriter { return d.ResponseWriter }
