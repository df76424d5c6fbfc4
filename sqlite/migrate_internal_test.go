package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"
)

// Migration 00013 keeps the text of the canned responses written before
// it as their pt-PT text.
func TestMigrateCannedTexts(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "m.db")+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sub, _ := fs.Sub(migrations, "migrations")
	prov, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prov.UpTo(ctx, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO canned_responses (request_type, title, body, updated_by, updated_at) VALUES ('cit-d1', 'Print', 'Envie uma captura.', 'Sara', 0)`); err != nil {
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
