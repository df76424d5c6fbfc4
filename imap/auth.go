package imap

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// tokenCommandTimeout bounds how long TokenCommand may take.
const tokenCommandTimeout = 30 * time.Second

// xoauth2 is the client side of SASL XOAUTH2 (Google and Microsoft), which
// go-sasl does not ship: one message "user=U^Aauth=Bearer T^A^A". On
// failure the server sends a JSON challenge describing the error; the
// protocol wants an empty answer to it before the final NO. We stop there
// instead and report the JSON: the connection is dropped anyway.
type xoauth2 struct {
	user, token string
}

func (a *xoauth2) Start() (mech string, ir []byte, err error) {
	return "XOAUTH2", []byte("user=" + a.user + "\x01auth=Bearer " + a.token + "\x01\x01"), nil
}

func (a *xoauth2) Next(challenge []byte) ([]byte, error) {
	return nil, fmt.Errorf("XOAUTH2 refused: %s", strings.TrimSpace(string(challenge)))
}

// fetchToken runs the token command and returns the access token it printed.
// Errors carry the command's standard error, never its output.
func fetchToken(ctx context.Context, command string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, tokenCommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("took longer than %v", tokenCommandTimeout)
		}
		if msg != "" {
			return "", fmt.Errorf("token command failed: %v: %s", err, msg)
		}
		return "", fmt.Errorf("token command failed: %v", err)
	}
	token := strings.TrimSpace(stdout.String())
	if token == "" {
		return "", errors.New("token command printed no access token")
	}
	if strings.ContainsFunc(token, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
		return "", errors.New("token command printed more than one token (spaces, control characters or several lines)")
	}
	return token, nil
}
