// Package errs is the one error type that crosses package boundaries in jianfu.
//
// Domain and store code say what kind of failure happened (invalid input, not found, conflict,
// forbidden, ...), which field or row it concerns, and a message a Chinese-speaking user can read.
// The HTTP layers map kinds to status codes in one place; nothing else inspects error strings.
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that callers can react without parsing text.
type Kind int

// The kinds of failure. Other is an internal fault (a bug, a broken database) and is never shown
// to users in detail.
const (
	Other        Kind = iota
	Invalid           // the input is malformed or breaks a rule
	NotFound          // the object does not exist or is outside the caller's scope
	Conflict          // a duplicate code, a concurrent change, a forbidden state
	Forbidden         // the caller may not do this
	Unauthorized      // the caller is not logged in
	TooLarge          // a body or upload is over its limit
	RateLimited       // too many attempts
)

// Code is the stable machine-readable name of a kind, used in the API's error body.
func (k Kind) Code() string {
	switch k {
	case Invalid:
		return "invalid"
	case NotFound:
		return "not_found"
	case Conflict:
		return "conflict"
	case Forbidden:
		return "forbidden"
	case Unauthorized:
		return "unauthorized"
	case TooLarge:
		return "too_large"
	case RateLimited:
		return "rate_limited"
	}
	return "internal"
}

// Error is a classified error. Msg is in Chinese and safe to show to the user; Field names the
// input field (or "第3行 B列" style location) it concerns, if any; Err is the wrapped cause.
type Error struct {
	Kind  Kind
	Field string
	Msg   string
	Err   error
}

func (e *Error) Error() string {
	s := e.Msg
	if e.Field != "" {
		s = e.Field + ": " + s
	}
	if e.Err != nil {
		if s != "" {
			return s + ": " + e.Err.Error()
		}
		return e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error of the given kind with a user-facing message.
func E(kind Kind, msg string) *Error { return &Error{Kind: kind, Msg: msg} }

// Field builds an Invalid error about one named field.
func Field(field, msg string) *Error { return &Error{Kind: Invalid, Field: field, Msg: msg} }

// Wrap classifies an underlying error.
func Wrap(kind Kind, msg string, err error) *Error { return &Error{Kind: kind, Msg: msg, Err: err} }

// Errorf wraps an internal error with context, for errors users must not see in detail.
func Errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// KindOf returns the kind of the first *Error in err's chain, or Other.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Other
}

// As returns the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err is of the given kind.
func Is(err error, kind Kind) bool { return KindOf(err) == kind }

// List collects several problems (for example every bad row of an import) so that the user sees
// them all at once rather than one per attempt.
type List struct {
	Items []*Error
}

// Add appends a problem located at field.
func (l *List) Add(field, msg string) { l.Items = append(l.Items, Field(field, msg)) }

// Err returns nil when the list is empty, otherwise an Invalid error carrying the list.
func (l *List) Err() error {
	if len(l.Items) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Msg: fmt.Sprintf("共有 %d 处错误", len(l.Items)), Err: l}
}

func (l *List) Error() string {
	s := ""
	for i, it := range l.Items {
		if i > 0 {
			s += "; "
		}
		s += it.Error()
		if i == 19 && len(l.Items) > 20 {
			s += fmt.Sprintf("; 另有 %d 处", len(l.Items)-20)
			break
		}
	}
	return s
}

// ListOf returns the problem list inside err, if any.
func ListOf(err error) (*List, bool) {
	var l *List
	ok := errors.As(err, &l)
	return l, ok
}
