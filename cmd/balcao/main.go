// Command balcao is the Balcão service desk: one binary that serves the web
// console, the REST API and (in later versions) mail intake, and manages the
// database, users and API tokens from the command line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr))
}

// cli carries the streams and environment of one invocation.
type cli struct {
	environ        []string
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	name, summary string
	run           func(ctx context.Context, c *cli, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the HTTP server (migrates the database and creates the first admin when needed)", cmdServe},
		{"migrate", "apply database migrations and exit", cmdMigrate},
		{"user", "manage users: user create", cmdUser},
		{"approver", "grant the approver permission for a service: approver add", cmdApprover},
		{"team", "put staff in teams for the console: team add-member | list", cmdTeam},
		{"token", "manage API tokens: token create | list | revoke", cmdToken},
		{"catalog", "check or export the service catalogue: catalog check [DIR] | export", cmdCatalog},
		{"outbox", "list outgoing mail: pending, failed (with the reason) or sent", cmdOutbox},
		{"quarantine", "list messages kept aside, with the reason; --show ID prints one", cmdQuarantine},
		{"version", "print the version", cmdVersion},
		{"help", "show help; `help env` lists the environment variables", cmdHelp},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: balcao <command> [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `balcao <command> --help` for a command's flags, `balcao help env` for configuration.")
}

// errUsage marks an error already explained by printed usage.
var errUsage = errors.New("usage")

func run(ctx context.Context, args, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{environ: environ, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" {
		usage(stdout)
		return 0
	}
	for _, cmd := range commands() {
		if cmd.name != name {
			continue
		}
		err := cmd.run(ctx, c, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		default:
			fmt.Fprintf(stderr, "balcao %s: %v\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "balcao: unknown command %q\n\n", name)
	usage(stderr)
	return 2
}

func cmdVersion(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("version", "", "Print the version of balcao.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "balcao %s\n", version)
	return nil
}

func cmdHelp(ctx context.Context, c *cli, args []string) error {
	if len(args) > 0 && args[0] == "env" {
		fmt.Fprint(c.stdout, envHelp())
		return nil
	}
	usage(c.stdout)
	return nil
}

// subcommand is one verb of a command such as `balcao token create`.
type subcommand struct {
	name string
	run  func(ctx context.Context, c *cli, args []string) error
}

// dispatch runs the subcommand named by args[0]. With no arguments it
// prints usage and is a usage error; with --help it prints usage.
func (c *cli) dispatch(ctx context.Context, usage string, args []string, subs ...subcommand) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(c.stdout, "Usage: "+usage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	names := make([]string, len(subs))
	for i, sub := range subs {
		if sub.name == args[0] {
			return sub.run(ctx, c, args[1:])
		}
		names[i] = sub.name
	}
	return fmt.Errorf("unknown subcommand %q; use %s", args[0], strings.Join(names, ", "))
}

// flags makes a flag set whose --help prints a usage line and description.
func (c *cli) flags(name, argsUsage, description string) *flag.FlagSet {
	fs := flag.NewFlagSet("balcao "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprintf(c.stdout, "Usage: balcao %s [flags] %s\n\n%s\n", name, argsUsage, description)
		var n int
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(c.stdout, "\nFlags:")
			fs.SetOutput(c.stdout)
			fs.PrintDefaults()
			fs.SetOutput(c.stderr)
		}
	}
	return fs
}

// configFlags loads the environment and registers the flags that override
// it; call the returned function after parsing.
func (c *cli) configFlags(fs *flag.FlagSet, withHTTP bool) func() (Config, error) {
	cfg, envErr := LoadConfig(c.environ)
	dataDir := fs.String("data-dir", "", "data directory (overrides BALCAO_DATA_DIR)")
	dbURL := fs.String("database-url", "", "database URL (overrides BALCAO_DATABASE_URL)")
	var httpAddr *string
	if withHTTP {
		httpAddr = fs.String("http-addr", "", "HTTP listen address (overrides BALCAO_HTTP_ADDR)")
	}
	return func() (Config, error) {
		if envErr != nil {
			return cfg, envErr
		}
		overrides := map[string]string{"BALCAO_DATA_DIR": *dataDir, "BALCAO_DATABASE_URL": *dbURL}
		if httpAddr != nil {
			overrides["BALCAO_HTTP_ADDR"] = *httpAddr
		}
		for _, v := range envVars {
			if o := overrides[v.name]; o != "" {
				if err := v.set(&cfg, o); err != nil {
					return cfg, fmt.Errorf("flag for %s: %v", v.name, err)
				}
			}
		}
		cfg.finish()
		return cfg, nil
	}
}
