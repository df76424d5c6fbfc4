// Package balcao holds the domain of the Balcão service desk: tickets, their
// states and numbers, requesters, organisations, teams, and the interfaces the
// storage and channel packages implement. It imports no driver, no HTTP and no
// other package of the project, so every other package can depend on it.
package balcao

import (
	"errors"
	"fmt"
)

// Error codes classify failures independently of transport. Only the HTTP
// package maps them to statuses; an EINTERNAL error is logged, never shown.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
)

// Error is a domain error: a machine-readable code and a message that can be
// shown to the person who caused it.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("balcao error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns a domain error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first domain error in err's chain,
// EINTERNAL for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of a domain error, or a generic
// message for internal errors so their details never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// IsNotFound reports whether err is a domain ENOTFOUND error.
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }
