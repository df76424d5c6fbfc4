package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestResponsesWaitForDurability(t *testing.T) {
	waited := 0
	ok := func(context.Context) error { waited++; return nil }
	h := durable(ok, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if waited != 0 {
			t.Error("waited before the handler ran: a wait must cover what the handler read")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"number":"SD-2026-000001"}`))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/tickets", nil))
	if waited != 1 || rec.Code != http.StatusCreated || rec.Body.String() != `{"number":"SD-2026-000001"}` {
		t.Fatalf("waited %d times, answer %d %q", waited, rec.Code, rec.Body.String())
	}

	// A handler that writes nothing still waits before its empty answer.
	waited = 0
	rec = httptest.NewRecorder()
	durable(ok, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if waited != 1 || rec.Code != http.StatusOK {
		t.Fatalf("empty answer: waited %d times, code %d", waited, rec.Code)
	}
}

func TestResponseIs503WhenWritesCannotBeConfirmed(t *testing.T) {
	failing := func(context.Context) error { return errors.New("flushing the database log to disk: EIO") }
	h := durable(failing, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/api/v1/tickets/SD-2026-000001")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"number":"SD-2026-000001"}`))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/tickets", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Location") != "" || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("answer %d, headers %v: want 503 with Retry-After and none of the handler's headers", rec.Code, rec.Header())
	}
	if got := rec.Body.String(); got == "" || got == `{"number":"SD-2026-000001"}` {
		t.Fatalf("body %q: the handler's answer must not go out", got)
	}
}
