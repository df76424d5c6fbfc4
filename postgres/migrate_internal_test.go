package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
)

// Migration 00013 keeps the text of the canned responses written before
// it as their pt-PT text.
func TestMigrateCannedTexts(t *testing.T) {
	admin := os.Getenv("BALCAO_TEST_POSTGRES_URL")
	if admin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("BALCAO_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests")
		}
		t.Skip("BALCAO_TEST_POSTGRES_URL not set")
	}
	ctx := context.Background()
	adm, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	name := fmt.Sprintf("balcao_migrate_%d", time.Now().UnixNano())
	if _, err := adm.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	defer adm.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sub, _ := fs.Sub(migrations, "migrations")
	prov, err := goose.NewProvider(goose.DialectPostgres, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prov.UpTo(ctx, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO canned_responses (request_type, title, body, updated_by, updated_at) VALUES ('cit-d1', 'Print', 'Envie uma captura.', 'Sara', now())`); err != nil {
		t.Fatal(err)
	}
	if _, err := prov.Up(ctx); err != nil {
		t.Fatal(err)
	}
	var lang, body string
	if err := db.QueryRow(`SELECT x.lang, x.body FROM canned_response_texts x JOIN canned_responses c ON c.id = x.canned_id WHERE c.title = 'Print'`).Scan(&lang, &body); err != nil {
		t.Fatal(err)
	}
	if lang != "pt-PT" || body != "Envie uma captura." {
		t.Fatalf("migrated text %q %q", lang, body)
	}
}
