package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"balcao"
	"balcao/catalog"
)

func cmdCatalog(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "balcao catalog check [DIR] | balcao catalog export [--lang L]", args,
		subcommand{"check", catalogCheck}, subcommand{"export", catalogExport})
}

func catalogCheck(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("catalog check", "[DIR]", "Check catalogue files: DIR/*.yaml laid over the default catalogue, as `balcao serve`\n"+
		"would load them from BALCAO_DATA_DIR/catalog. Without DIR, that directory is checked.\n"+
		"Prints each problem as file:line: message; exits 1 when there is any.")
	load := c.configFlags(fs, false)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var cat *catalog.Catalog
	var problems []catalog.Problem
	var err error
	if dir := fs.Arg(0); dir != "" {
		cat, problems, err = catalog.LoadDir(dir)
	} else {
		cfg, lerr := load()
		if lerr != nil {
			return lerr
		}
		cat, problems, err = catalog.Load(cfg.DataDir) // a missing directory means the default alone
	}
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(c.stdout, p.String())
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problem(s) in the catalogue", len(problems))
	}
	fmt.Fprintf(c.stderr, "catalogue OK: %d services, %d request types, %d teams\n", len(cat.Services), len(cat.RequestTypes()), len(cat.Teams))
	return nil
}

func catalogExport(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("catalog export", "", "Print the effective catalogue (default plus BALCAO_DATA_DIR/catalog) as JSON.\n"+
		"With --lang, texts in that language only; without, every translation.")
	load := c.configFlags(fs, false)
	lang := fs.String("lang", "", "pt-PT, pt-BR, en or es (default: all languages)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		return err
	}
	var v any = cat
	if *lang != "" {
		if catalog.NormLang(*lang) == "" {
			return fmt.Errorf("--lang %q: use pt-PT, pt-BR, en or es", *lang)
		}
		v = cat.Export(catalog.NormLang(*lang))
	}
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// loadCatalog loads the effective catalogue and refuses an invalid one,
// listing every problem.
func loadCatalog(cfg Config) (*catalog.Catalog, error) {
	cat, problems, err := catalog.Load(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		lines := make([]string, len(problems))
		for i, p := range problems {
			lines[i] = "  " + p.String()
		}
		return nil, fmt.Errorf("the catalogue in %s has %d problem(s); fix them (check with `balcao catalog check`):\n%s",
			filepath.Join(cfg.DataDir, "catalog"), len(problems), strings.Join(lines, "\n"))
	}
	return cat, nil
}

// syncCatalog creates the catalogue's teams (renaming them when their name
// changed) and its organisations in the database, so tickets can be routed
// to them and measured on their organisation's service levels.
func syncCatalog(ctx context.Context, store balcao.Store, cat *catalog.Catalog) error {
	for _, t := range cat.Teams {
		if err := store.UpsertTeam(ctx, &balcao.Team{Code: t.Code, Name: t.Name.Get("pt-PT"), CreatedAt: time.Now().UTC()}); err != nil {
			return fmt.Errorf("team %s: %w", t.Code, err)
		}
	}
	for _, o := range cat.Organisations {
		_, err := store.OrganisationByCode(ctx, o.Code)
		if balcao.ErrorCode(err) == balcao.ENOTFOUND {
			err = store.CreateOrganisation(ctx, &balcao.Organisation{Code: o.Code, Name: o.Name, Kind: o.Kind, CreatedAt: time.Now().UTC()})
			if balcao.ErrorCode(err) == balcao.ECONFLICT { // another instance created it meanwhile
				err = nil
			}
		}
		if err != nil {
			return fmt.Errorf("organisation %s: %w", o.Code, err)
		}
	}
	return nil
}
