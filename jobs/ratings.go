package jobs

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"strings"
	"time"

	"balcao"
)

// RatingNotifier sends the requester the link to rate a resolved ticket
// (the intake package implements it).
type RatingNotifier interface {
	NotifyRatingRequest(tx balcao.Tx, t *balcao.Ticket, link string, now time.Time) error
}

// RatingPath is where a satisfaction link points, under the base URL,
// followed by the link's secret.
const RatingPath = "/avaliar/"

// Ratings asks requesters for their satisfaction once a ticket is
// resolved: each resolved ticket gets one link, whose secret is stored
// only as its SHA-256, sent to the requester in the ticket's language.
type Ratings struct {
	Store    balcao.Store
	Notifier RatingNotifier
	BaseURL  string
	Locker   Locker
	Clock    balcao.Clock
	Logger   *slog.Logger
	Interval time.Duration // default 1 minute
}

// NewRatingSecret returns a link secret and its SHA-256.
func NewRatingSecret() (string, [32]byte) {
	b := make([]byte, 32)
	rand.Read(b)
	secret := base64.RawURLEncoding.EncodeToString(b)
	return secret, sha256.Sum256([]byte(secret))
}

// RunOnce sends the links due now and returns how many it sent.
func (j *Ratings) RunOnce(ctx context.Context) (int, error) {
	sent := 0
	for {
		now := j.Clock.Now()
		ts, err := j.Store.RatingsToRequest(ctx, now, 100)
		if err != nil || len(ts) == 0 {
			return sent, err
		}
		for _, t := range ts {
			secret, hash := NewRatingSecret()
			link := strings.TrimRight(j.BaseURL, "/") + RatingPath + secret
			err := j.Store.Update(ctx, func(tx balcao.Tx) error {
				if err := tx.CreateRatingLink(t.ID, hash, now); err != nil {
					return err
				}
				if j.Notifier == nil {
					return nil
				}
				return j.Notifier.NotifyRatingRequest(tx, t, link, now)
			})
			switch {
			case err == nil:
				sent++
			case balcao.ErrorCode(err) != balcao.ECONFLICT: // another instance sent it meanwhile
				return sent, err
			}
		}
	}
}

// Run sends links at start and then every Interval until ctx ends, in one
// instance at a time.
func (j *Ratings) Run(ctx context.Context) {
	every(ctx, j.Interval, time.Minute, j.Locker, "ratings", j.Logger, func(ctx context.Context) {
		if _, err := j.RunOnce(ctx); err != nil && ctx.Err() == nil {
			j.Logger.Error("satisfaction requests", "err", err)
		}
	})
}
