package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"balcao"
	"balcao/desk"
	"balcao/secret"
	"balcao/sla"
	"balcao/web"
)

// serveGCPercent is the garbage collector's target of `balcao serve` when
// GOGC is not set.
const serveGCPercent = 200

func cmdServe(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("serve", "", "Run the service: migrate the database, create the first admin account if there is none\n"+
		"(its one-time password is printed in the log), and serve HTTP until SIGTERM or Ctrl-C.")
	load := c.configFlags(fs, true)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	log := cfg.logger()
	if os.Getenv("GOGC") == "" {
		// The server's live heap is small (tens of MB) and every message
		// it reads is garbage a moment later: collecting at 200 % growth
		// instead of Go's 100 % cut intake's CPU by about 9 % for about
		// 40 MB more at peak (docs/PERFORMANCE.md). GOGC and GOMEMLIMIT
		// set by the operator win.
		debug.SetGCPercent(serveGCPercent)
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := bootstrapAdmin(ctx, store, cfg, log); err != nil {
		return err
	}
	levels, err := sla.New(cat)
	if err != nil {
		return fmt.Errorf("catalogue: %v", err)
	}
	if err := syncCatalog(ctx, store, cat); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (BALCAO_HTTP_ADDR): %w", cfg.HTTPAddr, err)
	}
	if cfg.baseURLDerived {
		cfg.deriveBaseURL(ln.Addr().String()) // the real port when :0 was asked
	}
	in := newIntake(cfg, store, cat, levels, log)
	// The mail listeners start after the web handler is built; /metrics
	// reads them once HTTP serves, which is after they started.
	var mailSvc *mailService
	srv := &web.Server{Store: store, Catalog: cat, Levels: levels, Notifier: in, Clock: balcao.SystemClock{}, Logger: log, Version: version, BaseURL: cfg.BaseURL,
		MailListeners: func() []web.MailListener { return mailSvc.listeners() }}
	console := &desk.Server{Store: store, Catalog: cat, Clock: balcao.SystemClock{}, Logger: log, Replier: in,
		SecureCookies: strings.HasPrefix(cfg.BaseURL, "https://"), BaseURL: cfg.BaseURL}
	root := http.NewServeMux()
	root.Handle("/", srv.Handler())
	consoleHandler := srv.Instrument(console.Handler())
	for _, p := range desk.Paths {
		root.Handle(p, consoleHandler)
	}
	httpSrv := &http.Server{
		Handler:           root,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("balcao listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "database", store.Dialect(),
		"request_types", len(cat.RequestTypes()), "version", version)
	mailSvc, err = startMail(ctx, cfg, store, cat, levels, in, log)
	if err != nil {
		ln.Close()
		return err
	}
	if cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			ln.Close()
			mailSvc.stop(context.Background())
			return err
		}
		defer stopDebug()
	}
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		mailSvc.stop(context.Background())
		return err
	case <-ctx.Done():
	}
	// Stop accepting connections and let in-flight requests finish. The
	// web and mail sides stop side by side: HTTP's listener closes at once
	// instead of after the mail sessions have ended.
	log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	mailDone := make(chan struct{})
	go func() {
		defer close(mailDone)
		mailSvc.stop(sctx)
	}()
	err = httpSrv.Shutdown(sctx)
	<-mailDone
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// bootstrapAdmin creates the first admin account when there is none and
// prints its password once, in the log.
func bootstrapAdmin(ctx context.Context, store balcao.Store, cfg Config, log *slog.Logger) error {
	n, err := store.CountUsers(ctx, balcao.RoleAdmin)
	if err != nil || n > 0 {
		return err
	}
	if u, err := store.UserByEmail(ctx, cfg.AdminEmail); err == nil {
		return fmt.Errorf("no admin exists but %s is already a %s; make an admin with `balcao user create --role admin`", u.Email, u.Role)
	}
	password := secret.GeneratePassword()
	hash, err := secret.HashPassword(password)
	if err != nil {
		return err
	}
	u := &balcao.User{Email: cfg.AdminEmail, Name: "Administrador", Role: balcao.RoleAdmin, PasswordHash: hash, CreatedAt: time.Now().UTC()}
	if err := store.CreateUser(ctx, u); err != nil {
		if balcao.ErrorCode(err) == balcao.ECONFLICT {
			// Another instance, started at the same time, made it.
			if n, cerr := store.CountUsers(ctx, balcao.RoleAdmin); cerr == nil && n > 0 {
				return nil
			}
		}
		return err
	}
	log.Warn("created the first admin account; this password is shown only now, change it after signing in",
		"email", u.Email, "password", password)
	return nil
}
