package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"balcao"
)

func cmdTeam(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "balcao team add-member --email E --team CODE | list", args,
		subcommand{"add-member", teamAddMember}, subcommand{"list", teamList})
}

// teamAddMember puts a member of staff in a team: in the console, agents
// and supervisors see the tickets of their teams.
func teamAddMember(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("team add-member", "", "Put an agent, supervisor or admin in a team of the catalogue: the console shows them\n"+
		"that team's tickets (admins see every team anyway), and they hear of its service-level\n"+
		"warnings and breaches (supervisors included).")
	load := c.configFlags(fs, false)
	email := fs.String("email", "", "the user's email (required)")
	team := fs.String("team", "", "team code from the catalogue, e.g. spms-cit (required); `balcao team list` lists them")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *team == "" {
		return fmt.Errorf("--email and --team are required")
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		return err
	}
	ct := cat.Team(*team)
	if ct == nil {
		return fmt.Errorf("--team %q is not a team of the catalogue; `balcao team list` lists them", *team)
	}
	store, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := staffUser(ctx, store, *email, "belong to teams")
	if err != nil {
		return err
	}
	t := &balcao.Team{Code: ct.Code, Name: ct.Name.Get("pt-PT"), CreatedAt: time.Now().UTC()}
	if err := store.UpsertTeam(ctx, t); err != nil {
		return err
	}
	if err := store.AddTeamMember(ctx, t.ID, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "%s is in team %s\n", u.Email, t.Code)
	return nil
}

func teamList(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("team list", "", "List the teams of the catalogue.")
	load := c.configFlags(fs, false)
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
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "CODE\tNAME")
	for _, t := range cat.Teams {
		fmt.Fprintf(w, "%s\t%s\n", t.Code, t.Name.Get("pt-PT"))
	}
	return w.Flush()
}
