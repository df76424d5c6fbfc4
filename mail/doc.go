// Package mail understands one raw email message, purely: no database, no
// network, no file system. Parse turns the bytes into a Message (headers,
// text, HTML, attachments, automatic-mail class, forwarded original, with
// charset problems repaired and passwords redacted); StripQuoted and
// StripQuotedHTML cut quoted history; NormalizeSubject gives a key for
// matching subjects; Pairs finds "Label: value" data in any of the shapes
// requesters use; SanitizeHTML makes mail HTML safe to show.
//
// Everything here is deterministic and safe for concurrent use.
package mail
