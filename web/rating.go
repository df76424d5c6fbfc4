package web

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"balcao"
)

func (s *Server) registerRatingAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{
		OperationID: "get-rating", Method: http.MethodGet, Path: "/api/v1/tickets/{number}/rating", Tags: []string{"Satisfaction"},
		Summary:     "Get a ticket's satisfaction rating",
		Description: "The rating the requester gave (null when none) and whether it can still be given or changed.",
		Security:    security,
		Errors:      []int{http.StatusUnauthorized, http.StatusNotFound},
	}, s.getRating)
	huma.Register(api, huma.Operation{
		OperationID: "put-rating", Method: http.MethodPut, Path: "/api/v1/tickets/{number}/rating", Tags: []string{"Satisfaction"},
		Summary: "Rate a resolved ticket (requesters)",
		Description: "The requester rates their resolved ticket from 1 (very dissatisfied) to 5 (very satisfied), with an optional " +
			"comment. One rating per ticket; it can be changed while the ticket can be reopened (10 days after its resolution " +
			"by default). The same is possible without an account through the link sent by email when the ticket is resolved.",
		Security: security,
		Errors:   []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, s.putRating)
}

// RatingBody is a requester's rating.
type RatingBody struct {
	Score   int    `json:"score" minimum:"1" maximum:"5" doc:"1 very dissatisfied … 5 very satisfied"`
	Comment string `json:"comment,omitempty" maxLength:"2000"`
}

// RatingOut is a ticket's rating and whether it can change.
type RatingOut struct {
	Rating *struct {
		Score     int       `json:"score"`
		Comment   string    `json:"comment"`
		RatedAt   time.Time `json:"rated_at"`
		UpdatedAt time.Time `json:"updated_at"`
	} `json:"rating" doc:"null until the requester rates the ticket"`
	Open  bool       `json:"open" doc:"The requester may rate or change the rating now"`
	Until *time.Time `json:"until" doc:"When rating closes (the end of the reopen window)"`
}

// RatingOutput wraps RatingOut.
type RatingOutput struct{ Body RatingOut }

// RatingNumberInput names a ticket.
type RatingNumberInput struct {
	Number string `path:"number" example:"SD-2026-000123"`
}

// RatingPutInput is a rating for a ticket.
type RatingPutInput struct {
	Number string `path:"number" example:"SD-2026-000123"`
	Body   RatingBody
}

func (s *Server) ratingOut(ctx context.Context, t *balcao.Ticket) (*RatingOutput, error) {
	out := &RatingOutput{}
	open, until := s.Levels.RatingOpen(t, s.Clock.Now())
	out.Body.Open, out.Body.Until = open, optTime(until)
	r, err := s.Store.Rating(ctx, t.ID)
	switch {
	case err == nil:
		out.Body.Rating = &struct {
			Score     int       `json:"score"`
			Comment   string    `json:"comment"`
			RatedAt   time.Time `json:"rated_at"`
			UpdatedAt time.Time `json:"updated_at"`
		}{r.Score, r.Comment, r.CreatedAt, r.UpdatedAt}
	case balcao.ErrorCode(err) != balcao.ENOTFOUND:
		return nil, s.apiError(err)
	}
	return out, nil
}

func (s *Server) getRating(ctx context.Context, in *RatingNumberInput) (*RatingOutput, error) {
	t, err := s.visibleTicket(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	return s.ratingOut(ctx, t)
}

func (s *Server) putRating(ctx context.Context, in *RatingPutInput) (*RatingOutput, error) {
	user := currentUser(ctx)
	t, err := s.visibleTicket(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	if t.RequesterID != user.ID {
		return nil, huma.Error403Forbidden("only the requester of the ticket rates it")
	}
	if err := s.rate(ctx, t, in.Body.Score, in.Body.Comment, balcao.Actor{ID: user.ID, Name: user.Email}); err != nil {
		return nil, err
	}
	return s.ratingOut(ctx, t)
}

// rate applies the rule of ratings (resolved, within the reopen window)
// and stores the rating.
func (s *Server) rate(ctx context.Context, t *balcao.Ticket, score int, comment string, actor balcao.Actor) error {
	now := s.Clock.Now()
	if open, until := s.Levels.RatingOpen(t, now); !open {
		if t.Status != balcao.StatusResolved {
			return huma.Error409Conflict(fmt.Sprintf("ticket %s is %s; only a resolved ticket can be rated", t.Number, t.Status))
		}
		return huma.Error409Conflict(fmt.Sprintf("ticket %s could be rated until %s", t.Number, until.Format(time.RFC3339)))
	}
	err := s.Store.SetRating(ctx, &balcao.Rating{TicketID: t.ID, Score: score, Comment: comment}, actor, now)
	if err != nil {
		return s.apiError(err)
	}
	return nil
}

// ratingPage serves GET and POST /avaliar/{secret}: the page a requester
// reaches from the link in the email, without signing in. The secret is
// the credential, so the page is never cached and sends no Referer.
func (s *Server) ratingPage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	secret := r.PathValue("secret")
	t, err := s.Store.TicketByRatingHash(r.Context(), sha256.Sum256([]byte(secret)))
	lang := pageLang(r, "")
	if err != nil {
		status := http.StatusInternalServerError
		if balcao.ErrorCode(err) == balcao.ENOTFOUND {
			status = http.StatusNotFound
		} else {
			s.Logger.Error("rating page", "err", err)
		}
		s.renderRating(w, status, ratingView{Lang: lang, Error: pageText(lang, "badlink")})
		return
	}
	lang = pageLang(r, t.Language)
	v := ratingView{Lang: lang, Number: string(t.Number), Subject: t.Subject}
	open, until := s.Levels.RatingOpen(t, s.Clock.Now())
	v.Open = open
	if !until.IsZero() {
		v.Until = until.In(time.UTC).Format("2006-01-02")
	}
	if cur, err := s.Store.Rating(r.Context(), t.ID); err == nil {
		v.Score, v.Comment, v.Rated = cur.Score, cur.Comment, true
	}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		if err := r.ParseForm(); err != nil {
			s.renderRating(w, http.StatusBadRequest, ratingView{Lang: lang, Error: pageText(lang, "badform")})
			return
		}
		score := 0
		fmt.Sscanf(r.PostFormValue("score"), "%d", &score)
		comment := strings.TrimSpace(r.PostFormValue("comment"))
		v.Comment = comment
		switch {
		case !open:
			status, v.Error = http.StatusConflict, pageText(lang, "closed")
		case score < 1 || score > 5:
			status, v.Error, v.ErrorField = http.StatusUnprocessableEntity, pageText(lang, "noscore"), "score"
		case len([]rune(comment)) > balcao.MaxRatingComment:
			status, v.Error, v.ErrorField = http.StatusUnprocessableEntity, fmt.Sprintf(pageText(lang, "toolong"), balcao.MaxRatingComment), "comment"
		default:
			err := s.Store.SetRating(r.Context(), &balcao.Rating{TicketID: t.ID, Score: score, Comment: comment},
				balcao.Actor{ID: t.RequesterID, Name: t.RequesterEmail}, s.Clock.Now())
			if err != nil {
				s.Logger.Error("rating", "ticket", t.Number, "err", err)
				s.renderRating(w, http.StatusInternalServerError, ratingView{Lang: lang, Error: pageText(lang, "failed")})
				return
			}
			v.Score, v.Rated, v.Saved = score, true, true
		}
	}
	s.renderRating(w, status, v)
}
