package imap

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"balcao"
)

// pollOnce runs one round and fails the test on an unexpected error.
func pollOnce(t *testing.T, p *Poller) int {
	t.Helper()
	n, err := p.PollOnce(context.Background())
	if err != nil {
		t.Fatalf("PollOnce: %v", err)
	}
	return n
}

func TestDeliversOnceInUIDOrderAndMarksSeenAfterStore(t *testing.T) {
	eachServer(t, func(t *testing.T, ts *testServer) {
		c := ts.client(t)
		observer := ts.client(t)
		st, rec := newMemState(), newRecorder()
		cfg := ts.config("spms")
		cfg.BatchSize = 2 // several batches in one round
		p := newTestPoller(t, cfg, rec, st, newMemLocker())

		// First poll of an empty mailbox records where it stands.
		if n := pollOnce(t, p); n != 0 {
			t.Fatalf("first poll delivered %d", n)
		}
		v0, _ := st.get("spms")
		if v0 == 0 {
			t.Fatal("first poll did not store the UIDVALIDITY")
		}

		ids := []string{"m1@test", "m2@test", "m3@test", "m4@test", "m5@test"}
		for _, id := range ids {
			appendMsg(t, c, "INBOX", id)
		}
		// While the deliverer runs, the message must not be \Seen yet:
		// the poller reads with BODY.PEEK and marks only after nil.
		var mu sync.Mutex
		var seenTooEarly []string
		rec.before = func(id string) {
			if inspect(t, observer, "INBOX").seen(id) {
				mu.Lock()
				seenTooEarly = append(seenTooEarly, id)
				mu.Unlock()
			}
		}
		if n := pollOnce(t, p); n != len(ids) {
			t.Fatalf("delivered %d, want %d", n, len(ids))
		}
		rec.before = nil
		if got := rec.Calls(); !slices.Equal(got, ids) {
			t.Fatalf("delivery order %v, want %v", got, ids)
		}
		if len(seenTooEarly) > 0 {
			t.Fatalf("messages were \\Seen before the deliverer returned: %v", seenTooEarly)
		}
		box := inspect(t, c, "INBOX")
		for _, id := range ids {
			if !box.seen(id) {
				t.Errorf("%s not marked \\Seen after delivery", id)
			}
		}
		v, last := st.get("spms")
		if v != v0 || imap.UID(last) != box.uid["m5@test"] {
			t.Errorf("cursor (%d, %d), want (%d, %d)", v, last, v0, box.uid["m5@test"])
		}
		env := rec.envs["m1@test"]
		if env.Source != "imap:spms" || !slices.Equal(env.Recipients, []string{deskAddress}) ||
			env.MailFrom != "ana.silva@example.pt" || env.ReceivedAt.IsZero() {
			t.Errorf("envelope %+v", env)
		}

		// Nothing new: nothing delivered.
		if n := pollOnce(t, p); n != 0 {
			t.Fatalf("second poll delivered %d", n)
		}
		if got := len(rec.Calls()); got != len(ids) {
			t.Fatalf("deliverer called %d times, want %d", got, len(ids))
		}
	})
}

func TestTransientErrorLeavesMessageAndCursor(t *testing.T) {
	eachServer(t, func(t *testing.T, ts *testServer) {
		c := ts.client(t)
		st, rec := newMemState(), newRecorder()
		p := newTestPoller(t, ts.config("spms"), rec, st, newMemLocker())
		pollOnce(t, p)
		for _, id := range []string{"a@test", "b@test", "c@test"} {
			appendMsg(t, c, "INBOX", id)
		}
		failing := true
		rec.fail = func(id string) error {
			if id == "b@test" && failing {
				return fmt.Errorf("store: %w", errTransient)
			}
			return nil
		}
		n, err := p.PollOnce(context.Background())
		if !errors.Is(err, errTransient) {
			t.Fatalf("PollOnce error %v, want the deliverer's", err)
		}
		if n != 1 {
			t.Fatalf("delivered %d before the failure, want 1", n)
		}
		box := inspect(t, c, "INBOX")
		if !box.seen("a@test") || box.seen("b@test") || box.seen("c@test") {
			t.Fatalf("flags after a transient failure: %v", box.flags)
		}
		if _, last := st.get("spms"); imap.UID(last) != box.uid["a@test"] {
			t.Fatalf("cursor %d, want the UID of a@test (%d)", last, box.uid["a@test"])
		}

		failing = false
		if n := pollOnce(t, p); n != 2 {
			t.Fatalf("retry delivered %d, want 2", n)
		}
		want := []string{"a@test", "b@test", "b@test", "c@test"}
		if got := rec.Calls(); !slices.Equal(got, want) {
			t.Fatalf("calls %v, want %v", got, want)
		}
		box = inspect(t, c, "INBOX")
		if !box.seen("b@test") || !box.seen("c@test") {
			t.Fatalf("flags after the retry: %v", box.flags)
		}
	})
}

func TestPermanentErrorMarksHandled(t *testing.T) {
	ts := startMemServer(t, imap.CapSet{imap.CapIMAP4rev2: {}})
	c := ts.client(t)
	st, rec := newMemState(), newRecorder()
	p := newTestPoller(t, ts.config("spms"), rec, st, newMemLocker())
	pollOnce(t, p)
	for _, id := range []string{"a@test", "bad@test", "c@test"} {
		appendMsg(t, c, "INBOX", id)
	}
	rec.fail = func(id string) error {
		if id == "bad@test" {
			return balcao.Errorf(balcao.EINVALID, "message too large")
		}
		return nil
	}
	if n := pollOnce(t, p); n != 2 {
		t.Fatalf("delivered %d, want 2 (the refused one is not counted)", n)
	}
	box := inspect(t, c, "INBOX")
	if !box.seen("bad@test") {
		t.Fatal("a permanently refused message must be marked handled")
	}
	if _, last := st.get("spms"); imap.UID(last) != box.uid["c@test"] {
		t.Fatalf("cursor %d, want %d", last, box.uid["c@test"])
	}
	if n := pollOnce(t, p); n != 0 || len(rec.Calls()) != 3 {
		t.Fatalf("the refused message came back: %v", rec.Calls())
	}
}

func TestMoveToProcessados(t *testing.T) {
	eachServer(t, func(t *testing.T, ts *testServer) {
		c := ts.client(t)
		st, rec := newMemState(), newRecorder()
		cfg := ts.config("spms")
		cfg.After = "move:Processados"
		p := newTestPoller(t, cfg, rec, st, newMemLocker())
		ids := []string{"a@test", "b@test", "c@test"}
		for _, id := range ids {
			appendMsg(t, c, "INBOX", id)
		}
		if n := pollOnce(t, p); n != 3 {
			t.Fatalf("delivered %d, want 3", n)
		}
		if n := folderCount(t, c, "INBOX"); n != 0 {
			t.Fatalf("INBOX still holds %d messages", n)
		}
		moved := inspect(t, c, "Processados")
		if !slices.Equal(moved.order, ids) {
			t.Fatalf("Processados holds %v, want %v", moved.order, ids)
		}
		for _, id := range ids {
			if !moved.seen(id) {
				t.Errorf("%s moved unread", id)
			}
		}
		// A new message after the move is still found (the cursor is not
		// confused by the emptied folder).
		appendMsg(t, c, "INBOX", "d@test")
		if n := pollOnce(t, p); n != 1 {
			t.Fatalf("delivered %d, want 1", n)
		}
		if n := folderCount(t, c, "Processados"); n != 4 {
			t.Fatalf("Processados holds %d, want 4", n)
		}
	})
}

func TestDeleteAfterStore(t *testing.T) {
	ts := startMemServer(t, imap.CapSet{imap.CapIMAP4rev2: {}})
	c := ts.client(t)
	cfg := ts.config("spms")
	cfg.After = "delete"
	rec := newRecorder()
	p := newTestPoller(t, cfg, rec, newMemState(), newMemLocker())
	appendMsg(t, c, "INBOX", "a@test")
	appendMsg(t, c, "INBOX", "b@test")
	if n := pollOnce(t, p); n != 2 {
		t.Fatalf("delivered %d", n)
	}
	if n := folderCount(t, c, "INBOX"); n != 0 {
		t.Fatalf("INBOX still holds %d", n)
	}
}

func TestCursorSurvivesNewPoller(t *testing.T) {
	eachServer(t, func(t *testing.T, ts *testServer) {
		c := ts.client(t)
		st := newMemState()
		p1 := newTestPoller(t, ts.config("spms"), newRecorder(), st, newMemLocker())
		pollOnce(t, p1)
		appendMsg(t, c, "INBOX", "a@test")
		appendMsg(t, c, "INBOX", "b@test")
		if n := pollOnce(t, p1); n != 2 {
			t.Fatalf("delivered %d", n)
		}
		// Someone marks both unread again in Outlook: only the cursor now
		// stands between them and a second delivery.
		box := inspect(t, c, "INBOX")
		for _, id := range []string{"a@test", "b@test"} {
			setFlags(t, c, "INBOX", box.uid[id], imap.StoreFlagsDel, imap.FlagSeen)
		}
		rec2 := newRecorder()
		p2 := newTestPoller(t, ts.config("spms"), rec2, st, newMemLocker())
		if n := pollOnce(t, p2); n != 0 || len(rec2.Calls()) != 0 {
			t.Fatalf("a new poller re-delivered %v", rec2.Calls())
		}
		appendMsg(t, c, "INBOX", "c@test")
		if n := pollOnce(t, p2); n != 1 || !slices.Equal(rec2.Calls(), []string{"c@test"}) {
			t.Fatalf("new poller delivered %v, want [c@test]", rec2.Calls())
		}
	})
}

func TestUIDValidityChangeRefetchesSafely(t *testing.T) {
	eachServer(t, func(t *testing.T, ts *testServer) {
		c := ts.client(t)
		if err := c.Create("Pedidos", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		st, rec := newMemState(), newRecorder()
		cfg := ts.config("spms")
		cfg.Folder = "Pedidos"
		p := newTestPoller(t, cfg, rec, st, newMemLocker())
		appendMsg(t, c, "Pedidos", "a@test")
		appendMsg(t, c, "Pedidos", "b@test")
		appendMsg(t, c, "Pedidos", "old-read@test", imap.FlagSeen)
		// First poll: every unseen message, not the one already read.
		if n := pollOnce(t, p); n != 2 {
			t.Fatalf("first poll delivered %d (%v), want 2", n, rec.Calls())
		}
		v1, last1 := st.get("spms")
		if last1 != 3 {
			t.Fatalf("cursor after the first poll (%d, %d), want last UID 3", v1, last1)
		}

		// The folder is recreated: UIDs start again at 1 under a new
		// UIDVALIDITY. The old cursor (last UID 3) must not hide them.
		if err := c.Delete("Pedidos").Wait(); err != nil {
			t.Fatal(err)
		}
		if err := c.Create("Pedidos", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		appendMsg(t, c, "Pedidos", "a@test") // the same message again
		appendMsg(t, c, "Pedidos", "read@test", imap.FlagSeen)
		appendMsg(t, c, "Pedidos", "c@test")
		appendMsg(t, c, "Pedidos", "d@test")
		appendMsg(t, c, "Pedidos", "e@test")
		if n := pollOnce(t, p); n != 4 {
			t.Fatalf("after the UIDVALIDITY change delivered %d, want 4", n)
		}
		want := []string{"a@test", "b@test", "a@test", "c@test", "d@test", "e@test"}
		if got := rec.Calls(); !slices.Equal(got, want) {
			t.Fatalf("calls %v, want %v", got, want)
		}
		if got := rec.Stored(); !slices.Equal(got, []string{"a@test", "b@test", "c@test", "d@test", "e@test"}) {
			t.Fatalf("stored %v: the duplicate must be dropped by the deliverer", got)
		}
		v2, last2 := st.get("spms")
		if v2 == v1 || last2 != 5 {
			t.Fatalf("cursor (%d, %d), want a new UIDVALIDITY and UID 5", v2, last2)
		}
		// Back to incremental polling under the new UIDVALIDITY.
		appendMsg(t, c, "Pedidos", "f@test")
		if n := pollOnce(t, p); n != 1 || rec.Calls()[len(rec.Calls())-1] != "f@test" {
			t.Fatalf("incremental poll delivered %d: %v", n, rec.Calls())
		}
	})
}

func TestUIDValidityChangeInterruptedResumes(t *testing.T) {
	ts := startMemServer(t, imap.CapSet{imap.CapIMAP4rev2: {}})
	c := ts.client(t)
	st, rec := newMemState(), newRecorder()
	p := newTestPoller(t, ts.config("spms"), rec, st, newMemLocker())
	st.SetCursor(context.Background(), "spms", 999999, 40) // from another life of the folder
	appendMsg(t, c, "INBOX", "a@test")
	appendMsg(t, c, "INBOX", "b@test")
	appendMsg(t, c, "INBOX", "c@test")
	rec.fail = func(id string) error {
		if id == "b@test" {
			return errTransient
		}
		return nil
	}
	if _, err := p.PollOnce(context.Background()); !errors.Is(err, errTransient) {
		t.Fatalf("err %v", err)
	}
	// The catch-up is not finished: the old cursor stays, so the next round
	// catches up again, and finds only what is still unseen.
	if v, _ := st.get("spms"); v != 999999 {
		t.Fatalf("cursor moved to UIDVALIDITY %d before the catch-up finished", v)
	}
	rec.fail = nil
	if n := pollOnce(t, p); n != 2 {
		t.Fatalf("delivered %d, want 2", n)
	}
	if got, want := rec.Calls(), []string{"a@test", "b@test", "b@test", "c@test"}; !slices.Equal(got, want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
	if _, last := st.get("spms"); last != 3 {
		t.Fatalf("last UID %d, want 3", last)
	}
}

func TestIdleWakesWithinASecond(t *testing.T) {
	eachServer(t, func(t *testing.T, ts *testServer) {
		if ts.kind == "mem" && strings.Contains(t.Name(), "rev1") {
			t.Skip("same IDLE code as mem")
		}
		c := ts.client(t)
		rec := newRecorder()
		cfg := ts.config("spms")
		cfg.PollInterval = time.Minute // only IDLE can explain a fast delivery
		p := newTestPoller(t, cfg, rec, newMemState(), newMemLocker())
		appendMsg(t, c, "INBOX", "first@test")
		runPoller(t, p)
		rec.waitFor(t, "first@test", 5*time.Second)
		for i := range 3 {
			// Let the poller finish the round and settle into IDLE: go-imap's
			// in-process server (unlike Dovecot) does not report at the start
			// of IDLE what arrived since the last command, so an APPEND in
			// that gap waits for the safety-net poll.
			time.Sleep(300 * time.Millisecond)
			id := fmt.Sprintf("idle%d@test", i)
			appendMsg(t, c, "INBOX", id)
			took := rec.waitFor(t, id, 3*time.Second)
			t.Logf("%s delivered %v after APPEND", id, took)
			if took > time.Second {
				t.Fatalf("%s delivered %v after APPEND, want under 1s", id, took)
			}
		}
	})
}

func TestTwoPollersOneLock(t *testing.T) {
	eachServer(t, func(t *testing.T, ts *testServer) {
		if strings.Contains(t.Name(), "rev1") {
			t.Skip("server-independent")
		}
		c := ts.client(t)
		st, lk := newMemState(), newMemLocker()
		recA, recB := newRecorder(), newRecorder()
		cfg := ts.config("spms")
		cfg.PollInterval = 100 * time.Millisecond
		stopA := runPoller(t, newTestPoller(t, cfg, recA, st, lk))
		stopB := runPoller(t, newTestPoller(t, cfg, recB, st, lk))
		var ids []string
		for i := range 6 {
			id := fmt.Sprintf("m%d@test", i)
			ids = append(ids, id)
			appendMsg(t, c, "INBOX", id)
		}
		deadline := time.Now().Add(5 * time.Second)
		for len(recA.Stored())+len(recB.Stored()) < len(ids) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond) // room for a wrongful second delivery
		a, b := recA.Calls(), recB.Calls()
		if len(a) > 0 && len(b) > 0 {
			t.Fatalf("both pollers delivered: A %v, B %v", a, b)
		}
		winner, stopWinner, other := recA, stopA, recB
		if len(b) > 0 {
			winner, stopWinner, other = recB, stopB, recA
		}
		if got := winner.Calls(); !slices.Equal(got, ids) {
			t.Fatalf("delivered %v, want each of %v once", got, ids)
		}
		// When the holder stops, the other takes over.
		stopWinner()
		appendMsg(t, c, "INBOX", "later@test")
		other.waitFor(t, "later@test", 5*time.Second)
		if got := other.Calls(); !slices.Equal(got, []string{"later@test"}) {
			t.Fatalf("the second poller delivered %v, want only later@test", got)
		}
	})
}

func TestCancelStopsRunPromptly(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		d := startDovecot(t, dovecotOptions{})
		ts := &testServer{kind: "dovecot", addr: d.addr, user: d.user, pass: d.pass, dovecot: d}
		rec := newRecorder()
		cfg := ts.config("spms")
		cfg.PollInterval = time.Hour
		stop := runPoller(t, newTestPoller(t, cfg, rec, newMemState(), newMemLocker()))
		appendMsg(t, ts.client(t), "INBOX", "a@test")
		rec.waitFor(t, "a@test", 5*time.Second)
		time.Sleep(200 * time.Millisecond) // in IDLE now
		if took := stop(); took > 500*time.Millisecond {
			t.Fatalf("Run took %v to stop", took)
		}
	})
	t.Run("polling", func(t *testing.T) {
		t.Parallel()
		d := startDovecot(t, dovecotOptions{extra: "imap_capability = IMAP4rev1 LITERAL+ UIDPLUS\n"})
		ts := &testServer{kind: "dovecot", addr: d.addr, user: d.user, pass: d.pass, dovecot: d}
		cfg := ts.config("spms")
		cfg.PollInterval = time.Hour
		stop := runPoller(t, newTestPoller(t, cfg, newRecorder(), newMemState(), newMemLocker()))
		time.Sleep(300 * time.Millisecond)
		if took := stop(); took > 500*time.Millisecond {
			t.Fatalf("Run took %v to stop", took)
		}
	})
	t.Run("waiting-for-lock", func(t *testing.T) {
		t.Parallel()
		lk := newMemLocker()
		release, _, _ := lk.TryLock(context.Background(), "imap:spms")
		defer release()
		cfg := MailboxConfig{Name: "spms", Addr: "127.0.0.1:1", TLS: "none", Username: "u", Password: "p", PollInterval: time.Hour}
		stop := runPoller(t, newTestPoller(t, cfg, newRecorder(), newMemState(), lk))
		time.Sleep(100 * time.Millisecond)
		if took := stop(); took > 500*time.Millisecond {
			t.Fatalf("Run took %v to stop", took)
		}
	})
	t.Run("backing-off", func(t *testing.T) {
		t.Parallel()
		cfg := MailboxConfig{Name: "spms", Addr: fmt.Sprintf("127.0.0.1:%d", freePort(t)), TLS: "none", Username: "u", Password: "p"}
		p := newTestPoller(t, cfg, newRecorder(), newMemState(), newMemLocker())
		p.minBackoff, p.maxBackoff = time.Hour, time.Hour
		stop := runPoller(t, p)
		time.Sleep(200 * time.Millisecond)
		if took := stop(); took > 500*time.Millisecond {
			t.Fatalf("Run took %v to stop", took)
		}
	})
}

// A server without IDLE and MOVE: the poller polls every PollInterval and
// moves with COPY, STORE \Deleted and UID EXPUNGE.
func TestDovecotWithoutIdleAndMove(t *testing.T) {
	t.Parallel()
	d := startDovecot(t, dovecotOptions{extra: "imap_capability = IMAP4rev1 LITERAL+ UIDPLUS\n"})
	ts := &testServer{kind: "dovecot", addr: d.addr, user: d.user, pass: d.pass, dovecot: d}
	c := ts.client(t)
	if caps := c.Caps(); caps.Has(imap.CapIdle) || caps.Has(imap.CapMove) {
		t.Fatalf("imap_capability did not hide IDLE and MOVE: %v", caps)
	}
	rec := newRecorder()
	cfg := ts.config("spms")
	cfg.After = "move:Processados"
	cfg.PollInterval = 300 * time.Millisecond
	runPoller(t, newTestPoller(t, cfg, rec, newMemState(), newMemLocker()))
	appendMsg(t, c, "INBOX", "a@test")
	rec.waitFor(t, "a@test", 5*time.Second)
	appendMsg(t, c, "INBOX", "b@test")
	rec.waitFor(t, "b@test", 5*time.Second)
	deadline := time.Now().Add(3 * time.Second)
	for folderCount(t, c, "Processados") != 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := folderCount(t, c, "INBOX"); n != 0 {
		t.Fatalf("INBOX holds %d after COPY/EXPUNGE fallback", n)
	}
	if got := inspect(t, c, "Processados").order; !slices.Equal(got, []string{"a@test", "b@test"}) {
		t.Fatalf("Processados holds %v", got)
	}
}

func TestReconnectsAfterServerRestart(t *testing.T) {
	t.Parallel()
	d := startDovecot(t, dovecotOptions{})
	ts := &testServer{kind: "dovecot", addr: d.addr, user: d.user, pass: d.pass, dovecot: d}
	rec := newRecorder()
	cfg := ts.config("spms")
	cfg.PollInterval = time.Minute
	runPoller(t, newTestPoller(t, cfg, rec, newMemState(), newMemLocker()))
	appendMsg(t, ts.client(t), "INBOX", "before@test")
	rec.waitFor(t, "before@test", 5*time.Second)
	d.restart()
	appendMsg(t, ts.client(t), "INBOX", "after@test")
	rec.waitFor(t, "after@test", 10*time.Second)
	if got := rec.Calls(); !slices.Equal(got, []string{"before@test", "after@test"}) {
		t.Fatalf("calls %v", got)
	}
}

func TestPollOnceLocked(t *testing.T) {
	ts := startMemServer(t, imap.CapSet{imap.CapIMAP4rev2: {}})
	lk := newMemLocker()
	release, _, _ := lk.TryLock(context.Background(), "imap:spms")
	defer release()
	p := newTestPoller(t, ts.config("spms"), newRecorder(), newMemState(), lk)
	if _, err := p.PollOnce(context.Background()); !errors.Is(err, ErrLocked) {
		t.Fatalf("err %v, want ErrLocked", err)
	}
}

func TestLoginFailureIsReported(t *testing.T) {
	ts := startMemServer(t, imap.CapSet{imap.CapIMAP4rev2: {}})
	cfg := ts.config("spms")
	cfg.Password = "wrong"
	p := newTestPoller(t, cfg, newRecorder(), newMemState(), newMemLocker())
	_, err := p.PollOnce(context.Background())
	if err == nil || !strings.Contains(err.Error(), "login as desk") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("err %v", err)
	}
}

func TestMissingFolderIsReported(t *testing.T) {
	ts := startMemServer(t, imap.CapSet{imap.CapIMAP4rev2: {}})
	cfg := ts.config("spms")
	cfg.Folder = "Nao-Existe"
	p := newTestPoller(t, cfg, newRecorder(), newMemState(), newMemLocker())
	if _, err := p.PollOnce(context.Background()); err == nil || !strings.Contains(err.Error(), `"Nao-Existe"`) {
		t.Fatalf("err %v", err)
	}
}

// Folder names outside ASCII travel in modified UTF-7.
func TestMoveToNonASCIIFolder(t *testing.T) {
	t.Parallel()
	d := startDovecot(t, dovecotOptions{})
	ts := &testServer{kind: "dovecot", addr: d.addr, user: d.user, pass: d.pass, dovecot: d}
	c := ts.client(t)
	cfg := ts.config("spms")
	cfg.After = "move:Concluídos"
	p := newTestPoller(t, cfg, newRecorder(), newMemState(), newMemLocker())
	appendMsg(t, c, "INBOX", "a@test")
	if n := pollOnce(t, p); n != 1 {
		t.Fatalf("delivered %d", n)
	}
	if got := inspect(t, c, "Concluídos").order; !slices.Equal(got, []string{"a@test"}) {
		t.Fatalf("Concluídos holds %v", got)
	}
}

func TestPollerNeedsCollaborators(t *testing.T) {
	cfg := MailboxConfig{Name: "spms", Addr: "127.0.0.1:1", TLS: "none", Username: "u", Password: "p"}
	if err := NewPoller(cfg, newRecorder(), newMemState(), nil, nil).Run(context.Background()); err == nil {
		t.Fatal("Run without a Locker accepted")
	}
	cfg.TLS = "carrier-pigeon"
	if _, err := NewPoller(cfg, newRecorder(), newMemState(), newMemLocker(), nil).PollOnce(context.Background()); err == nil ||
		!strings.Contains(err.Error(), "carrier-pigeon") {
		t.Fatalf("invalid config: %v", err)
	}
}
