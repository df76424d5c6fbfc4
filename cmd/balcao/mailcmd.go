package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"balcao"
)

func cmdOutbox(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("outbox", "", "List outgoing mail: what waits for a relay or a retry (pending), what was refused for good\n"+
		"(failed, with the reason) and what was sent.")
	load := c.configFlags(fs, false)
	status := fs.String("status", "pending", "pending, failed or sent")
	limit := fs.Int("limit", 50, "how many, newest first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st := balcao.OutboxStatus(*status)
	if st != balcao.OutboxPending && st != balcao.OutboxFailed && st != balcao.OutboxSent {
		return fmt.Errorf("--status %q: use pending, failed or sent", *status)
	}
	store, err := loadStore(ctx, load)
	if err != nil {
		return err
	}
	defer store.Close()
	items, err := store.ListOutbox(ctx, st, *limit)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tQUEUED\tTO\tATTEMPTS\tNEXT ATTEMPT\tLAST ERROR")
	for _, it := range items {
		next := "-"
		if st == balcao.OutboxPending {
			next = it.NextAttemptAt.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\n", it.ID, it.CreatedAt.Format(time.RFC3339), strings.Join(it.Recipients, ","),
			it.Attempts, next, oneLine(it.LastError))
	}
	return tw.Flush()
}

func cmdQuarantine(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("quarantine", "", "List messages that could not become a ticket or a follow-up, with the reason.\n"+
		"With --show ID, print one message's original bytes.")
	load := c.configFlags(fs, false)
	limit := fs.Int("limit", 50, "how many, newest first")
	show := fs.Int64("show", 0, "print the raw message with this ID")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := loadStore(ctx, load)
	if err != nil {
		return err
	}
	defer store.Close()
	list, err := store.ListQuarantine(ctx, max(*limit, 1000))
	if err != nil {
		return err
	}
	if *show != 0 {
		for _, q := range list {
			if q.ID == *show {
				_, err := c.stdout.Write(q.Raw)
				return err
			}
		}
		return fmt.Errorf("--show %d: no quarantined message with that ID", *show)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRECEIVED\tSOURCE\tFROM\tREASON")
	for i, q := range list {
		if i >= *limit {
			break
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", q.ID, q.ReceivedAt.Format(time.RFC3339), q.Envelope.Source, q.Envelope.MailFrom, oneLine(q.Reason))
	}
	return tw.Flush()
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
