package main

import (
	"context"
	"fmt"

	"balcao/postgres"
	"balcao/sqldb"
	"balcao/sqlite"
)

// openStore opens the configured database, migrating it when asked.
func openStore(ctx context.Context, cfg Config, migrate bool) (*sqldb.DB, error) {
	opt := sqldb.Options{NumberPrefix: cfg.NumberPrefix, MaxAttachmentBytes: cfg.MaxAttachmentBytes}
	if path := cfg.sqlitePath(); path != "" {
		s, err := sqlite.Open(ctx, path, migrate, opt)
		if err != nil {
			return nil, fmt.Errorf("open SQLite database %s: %w", path, err)
		}
		return s, nil
	}
	s, err := postgres.Open(ctx, cfg.DatabaseURL, migrate, opt)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL database: %w", err)
	}
	return s, nil
}

// loadStore reads the configuration (once the flags are parsed) and opens
// the database, migrating it: what every command that works on data needs.
func loadStore(ctx context.Context, load func() (Config, error)) (*sqldb.DB, error) {
	cfg, err := load()
	if err != nil {
		return nil, err
	}
	return openStore(ctx, cfg, true)
}

func cmdMigrate(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("migrate", "", "Apply every pending database migration and exit. `balcao serve` does the same at start.")
	load := c.configFlags(fs, false)
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := loadStore(ctx, load)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(c.stdout, "database migrated (%s)\n", s.Dialect())
	return nil
}
