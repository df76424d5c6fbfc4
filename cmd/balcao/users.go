package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"balcao"
	"balcao/secret"
)

func cmdUser(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "balcao user create --email E --role ROLE [--name N] [--org CODE] [--password-stdin]", args,
		subcommand{"create", userCreate})
}

func userCreate(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("user create", "", "Create a user. Without --password-stdin a password is generated and printed once.\n"+
		"Roles: requester, org_manager, agent, supervisor, admin.")
	load := c.configFlags(fs, false)
	email := fs.String("email", "", "email address (required)")
	role := fs.String("role", "", "role (required): requester, org_manager, agent, supervisor or admin")
	name := fs.String("name", "", "full name")
	org := fs.String("org", "", "code of the user's organisation (e.g. the código da unidade de saúde)")
	lang := fs.String("language", "pt-PT", "language: pt-PT, pt-BR, en or es")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *role == "" {
		return fmt.Errorf("--email and --role are required")
	}
	if !balcao.Role(*role).Valid() {
		return fmt.Errorf("--role %q is not a role; use requester, org_manager, agent, supervisor or admin", *role)
	}
	switch *lang {
	case "pt-PT", "pt-BR", "en", "es":
	default:
		return fmt.Errorf("--language %q: use pt-PT, pt-BR, en or es", *lang)
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	password, generated := "", false
	if *fromStdin {
		line, err := bufio.NewReader(c.stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("--password-stdin: no password on standard input")
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password, generated = secret.GeneratePassword(), true
	}
	hash, err := secret.HashPassword(password)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer store.Close()
	u := &balcao.User{Email: *email, Name: *name, Role: balcao.Role(*role), Language: *lang, PasswordHash: hash, CreatedAt: time.Now().UTC()}
	if *org != "" {
		// The catalogue's organisations exist before the first serve.
		cat, err := loadCatalog(cfg)
		if err != nil {
			return err
		}
		if err := syncCatalog(ctx, store, cat); err != nil {
			return err
		}
		o, err := store.OrganisationByCode(ctx, *org)
		if err != nil {
			return fmt.Errorf("--org: %s", balcao.ErrorMessage(err))
		}
		u.OrganisationID = o.ID
	}
	if err := store.CreateUser(ctx, u); err != nil {
		return fmt.Errorf("%s", balcao.ErrorMessage(err))
	}
	fmt.Fprintf(c.stderr, "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
	if generated {
		fmt.Fprintf(c.stdout, "%s\n", password)
		fmt.Fprintln(c.stderr, "the password above is shown only now")
	}
	return nil
}

func cmdToken(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "balcao token create --email E --name NAME | balcao token list | balcao token revoke ID", args,
		subcommand{"create", tokenCreate}, subcommand{"list", tokenList}, subcommand{"revoke", tokenRevoke})
}

func tokenCreate(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("token create", "", "Create an API token acting as an existing user and print it alone on stdout.\n"+
		"Only its SHA-256 is stored: the token cannot be shown again.")
	load := c.configFlags(fs, false)
	email := fs.String("email", "", "email of the user the token acts as (required)")
	name := fs.String("name", "", "what uses the token, e.g. \"integração RNU\" (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return fmt.Errorf("--email and --name are required")
	}
	store, err := loadStore(ctx, load)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.UserByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("--email: %s; create the user first with `balcao user create`", balcao.ErrorMessage(err))
	}
	token, hash := secret.NewToken()
	t := &balcao.APIToken{UserID: u.ID, Name: *name, Hash: hash, CreatedAt: time.Now().UTC()}
	if err := store.CreateToken(ctx, t); err != nil {
		return fmt.Errorf("%s", balcao.ErrorMessage(err))
	}
	fmt.Fprintln(c.stdout, token)
	fmt.Fprintf(c.stderr, "token %d for %s created; it is shown only now\n", t.ID, u.Email)
	return nil
}

func tokenList(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("token list", "", "List API tokens (never their secrets).")
	load := c.configFlags(fs, false)
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := loadStore(ctx, load)
	if err != nil {
		return err
	}
	defer store.Close()
	list, err := store.ListTokens(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSER\tNAME\tCREATED\tLAST USED\tSTATE")
	when := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Format(time.RFC3339)
	}
	for _, t := range list {
		state := "valid"
		if !t.RevokedAt.IsZero() {
			state = "revoked " + when(t.RevokedAt)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.UserEmail, t.Name, when(t.CreatedAt), when(t.LastUsedAt), state)
	}
	return tw.Flush()
}

func tokenRevoke(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("token revoke", "ID", "Revoke an API token by the ID shown in `balcao token list`.")
	load := c.configFlags(fs, false)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("give the ID of one token, as shown by `balcao token list`")
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not a token ID; use the number shown by `balcao token list`", fs.Arg(0))
	}
	store, err := loadStore(ctx, load)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.RevokeToken(ctx, id, time.Now().UTC()); err != nil {
		return fmt.Errorf("%s", balcao.ErrorMessage(err))
	}
	fmt.Fprintf(c.stderr, "token %d revoked\n", id)
	return nil
}

func cmdApprover(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "balcao approver add --email E --service SERVICE", args, subcommand{"add", approverAdd})
}

func approverAdd(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("approver add", "", "Let a staff user approve or reject the requests of a service that need approval\n"+
		"(e.g. --service cit for CIT rectifications, models F and G).")
	load := c.configFlags(fs, false)
	email := fs.String("email", "", "the user's email (required)")
	service := fs.String("service", "", "catalogue service code, e.g. cit (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *service == "" {
		return fmt.Errorf("--email and --service are required")
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		return err
	}
	if cat.Service(*service) == nil {
		return fmt.Errorf("--service %q is not a service of the catalogue; `balcao catalog export` lists them", *service)
	}
	store, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := staffUser(ctx, store, *email, "may approve")
	if err != nil {
		return err
	}
	if err := store.GrantApprover(ctx, u.ID, *service); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "%s may now approve requests of %s\n", u.Email, *service)
	return nil
}

// staffUser finds the member of staff a command acts on; its errors name
// --email, and say what only staff may do.
func staffUser(ctx context.Context, store balcao.Store, email, only string) (*balcao.User, error) {
	u, err := store.UserByEmail(ctx, email)
	if err != nil {
		return nil, fmt.Errorf("--email: %s", balcao.ErrorMessage(err))
	}
	if !u.Role.IsStaff() {
		return nil, fmt.Errorf("%s is a %s; only agents, supervisors and admins %s", u.Email, u.Role, only)
	}
	return u, nil
}
