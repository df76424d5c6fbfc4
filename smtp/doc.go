// Package smtp is Balcão's SMTP wire: an SMTP/LMTP listener that hands
// inbound messages to a balcao.MailDeliverer, a composer and sender for
// outbound mail through a relay, and an in-process SMTP sink for tests.
//
// The listener is built on github.com/emersion/go-smtp; sending uses
// github.com/wneessen/go-mail; composing uses the standard library's MIME
// encoders. Nothing outside this package needs to import either library: callers talk in balcao.Envelope,
// Outgoing and plain byte slices.
//
// # Inbound contract
//
// A message is answered 250 only after DeliverMail returned nil, that is
// after it is durably stored. A transient failure is answered 451 4.3.0 so
// the sending MTA keeps the message and retries; only a balcao EINVALID
// error is answered with a permanent 554 5.6.0. An MTA that hears 250 may
// delete its copy, so the order matters more than anything else here.
//
// # Why the listener speaks plaintext
//
// The listener is meant to sit behind the organisation's MTA (Postfix,
// Exim, Exchange) on loopback or an internal network, or to receive from
// internal systems. The front MTA already terminates TLS from the
// Internet, applies SPF/DKIM/DMARC, rate limits and spam filtering, and
// queues; adding STARTTLS on the hop between it and Balcão would need a
// certificate for an internal name and protect nothing the network
// boundary does not already protect. For the same reason there is no AUTH:
// the listener must not be exposed to the Internet directly; bind it to
// 127.0.0.1 or an internal address.
package smtp
