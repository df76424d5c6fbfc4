// Package validate normalises and checks the values a requester types into
// the fields of a request form: free text, dates, contacts and the
// Portuguese and Brazilian identifiers (NISS, NIF, número de utente, Cartão
// de Cidadão, CPF, CNPJ, CNS …).
//
// Every function is pure: no I/O, no clock, no package state that changes.
// A value is stored in the normalised form Check returns, so two spellings
// of the same identifier compare equal in the database.
package validate

import (
	"slices"
	"strings"
	"time"
)

// Kind is a field type of the catalogue.
type Kind string

// The kinds of field Check understands.
const (
	Text       Kind = "text"
	LongText   Kind = "longtext"
	Date       Kind = "date"
	Email      Kind = "email"
	Phone      Kind = "phone"
	Choice     Kind = "choice"
	IP         Kind = "ip"
	NISS       Kind = "niss"
	NIF        Kind = "nif"
	NNU        Kind = "nnu"
	Cedula     Kind = "cedula"
	CC         Kind = "cc"
	CPF        Kind = "cpf"
	CNPJ       Kind = "cnpj"
	CNS        Kind = "cns"
	UASG       Kind = "uasg"
	BoletimCIT Kind = "boletim" // opaque text, trimmed
)

// Code identifies a problem with a value. The strings are stable: the API
// returns them and clients may switch on them.
type Code string

// The codes Check can return. Codes lists which ones each kind can produce.
const (
	CodeRequired   Code = "required"    // blank value
	CodeFormat     Code = "format"      // wrong shape: length, characters, prefix
	CodeCheckDigit Code = "check_digit" // right shape, check digit does not match
	// CodeCheckDigitUnverified comes with Result.Warning: the value is
	// accepted but its (unpublished) check digit did not match.
	CodeCheckDigitUnverified Code = "check_digit_unverified"
	CodeDateInvalid          Code = "date_invalid" // no such day, or before 1900
	CodeDateFuture           Code = "date_future"  // after Options.Now with PastOnly
	CodeChoice               Code = "choice"       // not one of Options.Choices
	CodeTooLong              Code = "too_long"     // longer than the length cap
)

// Options tune a check.
type Options struct {
	// Now is today for PastOnly; the package never reads the clock. With
	// PastOnly and a zero Now every date is in the future, so a forgotten
	// clock shows up in the first test instead of letting future dates in.
	Now time.Time
	// Choices are the allowed values of a Choice field. Matching ignores
	// case, accents and spaces and yields the spelling given here.
	Choices []string
	// PastOnly rejects dates after Now's calendar day (birth dates).
	PastOnly bool
	// MaxLen caps Text, LongText and BoletimCIT in characters; 0 means the
	// kind's default (500, 20000 and 100).
	MaxLen int
}

// Result is the outcome of Check. Value is the normalised form to store; it
// is set only when Code is "" or Warning is true. Warning means the value is
// accepted but the requester should double-check it.
type Result struct {
	Value   string
	Code    Code
	Warning bool
}

// kindCodes is read-only: the codes Check can return for each kind.
var kindCodes = map[Kind][]Code{
	Text:       {CodeRequired, CodeFormat, CodeTooLong},
	LongText:   {CodeRequired, CodeFormat, CodeTooLong},
	BoletimCIT: {CodeRequired, CodeFormat, CodeTooLong},
	Date:       {CodeRequired, CodeFormat, CodeDateInvalid, CodeDateFuture},
	Email:      {CodeRequired, CodeFormat},
	Phone:      {CodeRequired, CodeFormat},
	Choice:     {CodeRequired, CodeChoice},
	IP:         {CodeRequired, CodeFormat},
	NISS:       {CodeRequired, CodeFormat, CodeCheckDigit},
	NIF:        {CodeRequired, CodeFormat, CodeCheckDigit},
	NNU:        {CodeRequired, CodeFormat, CodeCheckDigitUnverified},
	Cedula:     {CodeRequired, CodeFormat},
	CC:         {CodeRequired, CodeFormat, CodeCheckDigit},
	CPF:        {CodeRequired, CodeFormat, CodeCheckDigit},
	CNPJ:       {CodeRequired, CodeFormat, CodeCheckDigit},
	CNS:        {CodeRequired, CodeFormat, CodeCheckDigit},
	UASG:       {CodeRequired, CodeFormat},
}

// KnownKind reports whether Check understands k.
func KnownKind(k Kind) bool {
	_, ok := kindCodes[k]
	return ok
}

// Kinds returns every kind Check understands, sorted; the slice is the
// caller's to keep.
func Kinds() []Kind {
	ks := make([]Kind, 0, len(kindCodes))
	for k := range kindCodes {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Codes returns every code Check can return for k (nil for an unknown
// kind); Fix has a sentence for each in every language.
func Codes(k Kind) []Code {
	return slices.Clone(kindCodes[k])
}

// Check normalises raw as a value of kind and reports the first problem.
// A blank raw gives CodeRequired whatever the kind: whether the field is
// required is the caller's decision. An unknown kind gives CodeFormat; the
// catalogue should have rejected it with KnownKind. A valid Value checked
// again gives the same Value.
func Check(kind Kind, raw string, opt Options) Result {
	if strings.TrimSpace(raw) == "" {
		return Result{Code: CodeRequired}
	}
	var v string
	var c Code
	switch kind {
	case Text:
		v, c = checkText(raw, MaxLength(kind, opt.MaxLen))
	case LongText:
		v, c = checkLongText(raw, MaxLength(kind, opt.MaxLen))
	case BoletimCIT:
		v, c = checkOpaque(raw, MaxLength(kind, opt.MaxLen))
	case Date:
		v, c = checkDate(raw, opt)
	case Email:
		v, c = normalizeEmail(raw)
	case Phone:
		v, c = normalizePhone(raw)
	case Choice:
		v, c = matchChoice(raw, opt.Choices)
	case IP:
		v, c = normalizeIP(raw)
	case NISS:
		v, c = NormalizeNISS(raw)
	case NIF:
		v, c = NormalizeNIF(raw)
	case NNU:
		v, c = NormalizeNNU(raw)
	case Cedula:
		v, c = NormalizeCedula(raw)
	case CC:
		v, c = NormalizeCC(raw)
	case CPF:
		v, c = NormalizeCPF(raw)
	case CNPJ:
		v, c = NormalizeCNPJ(raw)
	case CNS:
		v, c = NormalizeCNS(raw)
	case UASG:
		v, c = NormalizeUASG(raw)
	default:
		return Result{Code: CodeFormat}
	}
	switch c {
	case "":
		return Result{Value: v}
	case CodeCheckDigitUnverified:
		return Result{Value: v, Code: c, Warning: true}
	}
	return Result{Code: c}
}

// MaxLength is the longest value, in characters, Check accepts for a
// field of kind capped by maxLen (the catalogue's max_len, 0 for the kind's
// default): what a form's maxlength should say. It is 0 for the kinds whose
// length is set by their format instead (identifiers, dates, addresses).
func MaxLength(kind Kind, maxLen int) int {
	def := 0
	switch kind {
	case Text:
		def = 500
	case LongText:
		def = 20000
	case BoletimCIT:
		def = 100
	default:
		return 0
	}
	if maxLen > 0 {
		return maxLen
	}
	return def
}
