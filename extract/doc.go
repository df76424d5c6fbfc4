// Package extract reads a request out of an inbound email: it picks the
// request type from the address and the subject (Classify) and maps the
// labelled values the mail package found in the body to the request type's
// field key paths (Fields, Describe).
//
// Everything here is a pure function of the catalogue and its arguments: no
// I/O, no clock, no package state that changes, safe for concurrent use.
// Classify and Fields work out the catalogue's words on every call;
// NewClassifier and NewExtractor do it once, for a caller that keeps the
// catalogue (it is immutable) and handles many messages.
//
// # Subjects
//
// The services prescribe one exact subject per request type ("CIT –
// Retificação de CIT"). People type them by hand, so Classify compares the
// words of the subject, not its characters: case, accents, punctuation and
// the kind of dash do not count, and a missing or extra word or a small typo
// still matches, as long as the subject points to one request type and not
// equally well to a sibling (see Classify for the rule and its threshold).
//
// # Fields
//
// The mail package turns "Label: value" lines, bullets and pasted tables
// into Pairs, each with the nearest heading above it as its Section. Fields
// finds each label among the labels (in every catalogue language), aliases
// and keys of the request type's fields, uses the section (and the words a
// label carries beyond the field's name) to choose between groups, and
// numbers the items of repeatable groups in the order they appear.
package extract
