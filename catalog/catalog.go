// Package catalog loads, checks and serves the declarative catalogue of the
// desk: the teams, the services (CIT, WebRNU, Compras.gov.br, Conecte SUS,
// Segurança Social) and, for each service, its request types with their
// subject, fields, required attachments, routing and defaults.
//
// The catalogue is YAML an operator can read and edit. A default catalogue,
// transcribed from the services' own communication models, is embedded in the
// binary (default/*.yaml); operator files in DATA/catalog/*.yaml add teams,
// services and request types, or replace a request type by code.
//
// A loaded Catalog is immutable and safe for concurrent use. Validation of a
// request (RequestType.Validate) is the single place where every channel —
// email, portal, phone, API — checks and normalises structured values.
package catalog

import (
	"slices"
	"strings"
	"sync"

	"balcao"
)

// The languages every Text of the catalogue is written in. LangPT (pt-PT) is
// the fallback.
const (
	LangPT = "pt-PT"
	LangBR = "pt-BR"
	LangEN = "en"
	LangES = "es"
)

// Languages lists the languages of the catalogue, fallback first.
var Languages = []string{LangPT, LangBR, LangEN, LangES}

// Text is a string in several languages, keyed by language tag (pt-PT,
// pt-BR, en, es).
type Text map[string]string

// Get returns the text in lang (any spelling NormLang accepts), falling back
// to pt-PT, then to any language present, so it never returns "" for a
// non-empty Text.
func (t Text) Get(lang string) string {
	if len(t) == 0 {
		return ""
	}
	if v := t[lang]; v != "" {
		return v
	}
	if v := t[NormLang(lang)]; v != "" {
		return v
	}
	for _, l := range Languages {
		if v := t[l]; v != "" {
			return v
		}
	}
	keys := make([]string, 0, len(t))
	for k, v := range t {
		if v != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	return t[keys[0]]
}

// NormLang maps a language tag as it arrives from a browser, a mail header or
// an API client ("pt", "pt_PT", "PT-br", "en-GB", "es-419") to one of
// Languages, or "" when it is none of them.
func NormLang(lang string) string {
	l := strings.ToLower(strings.TrimSpace(strings.ReplaceAll(lang, "_", "-")))
	switch {
	case l == "":
		return ""
	case l == "pt-br":
		return LangBR
	case l == "pt" || strings.HasPrefix(l, "pt-"):
		return LangPT
	case l == "en" || strings.HasPrefix(l, "en-"):
		return LangEN
	case l == "es" || strings.HasPrefix(l, "es-"):
		return LangES
	}
	return ""
}

// pos is where a catalogue element was declared, for lint messages: its
// file, its first line, and the line of each of its keys.
type pos struct {
	file string
	line int
	keys map[string]int
}

func (p *pos) setPos(file string, line int, keys map[string]int) {
	p.file, p.line, p.keys = file, line, keys
}

// at returns the position of key within the element, or of the element when
// the key is absent.
func (p pos) at(key string) pos {
	if l, ok := p.keys[key]; ok {
		return pos{file: p.file, line: l}
	}
	return p
}

// Pos returns the file and line where the element was declared ("" and 0 for
// elements built in code).
func (p pos) Pos() (file string, line int) { return p.file, p.line }

// Team is a queue of the desk that request types route to.
type Team struct {
	pos
	Code string `yaml:"code" json:"code"`
	Name Text   `yaml:"name" json:"name"`
}

// Service is a public digital service whose support the desk provides, with
// its intake address and its request types.
type Service struct {
	pos
	Code         string `yaml:"code" json:"code"`
	Name         Text   `yaml:"name" json:"name"`
	Organisation string `yaml:"organisation" json:"organisation,omitempty"`
	// Language is the language of the service and of its requesters: pt-PT
	// for Portuguese services, pt-BR for Brazilian ones.
	Language string `yaml:"language" json:"language"`
	// Address is the intake email address, "" for services without email
	// intake.
	Address string `yaml:"address" json:"address,omitempty"`
	Phone   string `yaml:"phone" json:"phone,omitempty"`
	Portal  string `yaml:"portal" json:"portal,omitempty"`
	Help    Text   `yaml:"help" json:"help,omitempty"`
	Notes   []Text `yaml:"notes" json:"notes,omitempty"`
	// Levels are the service's service levels and lifecycle durations;
	// nil keeps Balcão's defaults.
	Levels       *Levels        `yaml:"service_levels" json:"service_levels,omitempty"`
	RequestTypes []*RequestType `yaml:"request_types" json:"request_types"`
}

// RequestType is one kind of request a service accepts: what the requester
// must send, where it is routed and how it is prioritised.
type RequestType struct {
	pos
	// Code is the stable identifier, lowercase and hyphenated (cit-a1).
	Code  string `yaml:"code" json:"code"`
	Title Text   `yaml:"title" json:"title"`
	// Subject is the exact email subject the service prescribes, "" where it
	// prescribes none.
	Subject string `yaml:"subject" json:"subject,omitempty"`
	// Help says when to use the request type; Notes are the service's
	// warnings and rules that apply to it.
	Help  Text   `yaml:"help" json:"help,omitempty"`
	Notes []Text `yaml:"notes" json:"notes,omitempty"`
	Team  string `yaml:"team" json:"team"`
	// Impact and Urgency are the defaults of new tickets, 1 high to 3 low.
	Impact   int  `yaml:"impact" json:"impact"`
	Urgency  int  `yaml:"urgency" json:"urgency"`
	Approval bool `yaml:"approval" json:"approval"`
	// Channels are the channels that accept this request type.
	Channels []balcao.Channel `yaml:"channels" json:"channels"`
	// ReturnsProtocol is set when the service answers a request with a
	// protocol number the requester uses to follow it.
	ReturnsProtocol bool `yaml:"returns_protocol" json:"returns_protocol,omitempty"`
	// Disabled request types are kept for the tickets that have them but are
	// no longer offered, nor matched by address.
	Disabled bool     `yaml:"disabled" json:"disabled,omitempty"`
	Fields   []*Field `yaml:"fields" json:"fields"`
	// OneOf requires at least one of several top-level fields.
	OneOf       []*OneOf          `yaml:"one_of" json:"one_of,omitempty"`
	Attachments []*AttachmentSlot `yaml:"attachments" json:"attachments,omitempty"`

	service *Service
	once    sync.Once
	plan    *plan
}

// Service returns the service the request type belongs to (nil for a
// request type built in code and not part of a catalogue).
func (rt *RequestType) Service() *Service { return rt.service }

// Language returns the language of the request type's service, pt-PT when
// unknown.
func (rt *RequestType) Language() string {
	if rt.service != nil && NormLang(rt.service.Language) != "" {
		return NormLang(rt.service.Language)
	}
	return LangPT
}

// Address returns the intake email address of the request type's service.
func (rt *RequestType) Address() string {
	if rt.service == nil {
		return ""
	}
	return rt.service.Address
}

// Priority returns the ITIL priority (1 to 5) of the request type's default
// impact and urgency.
func (rt *RequestType) Priority() int { return balcao.PriorityFor(rt.Impact, rt.Urgency) }

// Accepts reports whether the request type may arrive through channel ch.
func (rt *RequestType) Accepts(ch balcao.Channel) bool { return slices.Contains(rt.Channels, ch) }

// Field is one value a request type asks for, or a group of them.
//
// A leaf field has a Type (one of the validate package's kinds). A group has
// Fields; its children are addressed as "group.child", and, when Repeat is
// set, as "group[i].child" with i counted from 0. A Conditional group ("se
// aplicável") is optional, but once any of its fields is given its required
// fields must be given too; in a conditional repeatable group this holds for
// each item.
type Field struct {
	pos
	Key   string `yaml:"key" json:"key"`
	Label Text   `yaml:"label" json:"label"`
	// Type is a validate.Kind for leaf fields and "group" (or empty) for
	// groups.
	Type     string `yaml:"type" json:"type"`
	Required bool   `yaml:"required" json:"required"`
	Help     Text   `yaml:"help" json:"help,omitempty"`
	// Aliases are other spellings of the label seen in real messages ("Nº de
	// utente", "Nr. utente"), used to read values out of emails and
	// spreadsheet headers.
	Aliases []string  `yaml:"aliases" json:"aliases,omitempty"`
	Choices []*Choice `yaml:"choices" json:"choices,omitempty"`
	// PastOnly refuses dates in the future (birth dates).
	PastOnly bool `yaml:"past_only" json:"past_only,omitempty"`
	// MaxLen caps text values, in characters; 0 means the default of the
	// field's type.
	MaxLen int `yaml:"max_len" json:"max_len,omitempty"`
	// Default is the value used when none is given.
	Default string `yaml:"default" json:"default,omitempty"`

	Fields      []*Field `yaml:"fields" json:"fields,omitempty"`
	OneOf       []*OneOf `yaml:"one_of" json:"one_of,omitempty"`
	Repeat      bool     `yaml:"repeat" json:"repeat,omitempty"`
	Min         int      `yaml:"min" json:"min,omitempty"`
	Max         int      `yaml:"max" json:"max,omitempty"`
	ItemLabel   Text     `yaml:"item_label" json:"item_label,omitempty"`
	Conditional bool     `yaml:"conditional" json:"conditional,omitempty"`
	// Template marks the repeatable group whose items may come as rows of
	// the service's Excel template ("o ficheiro Excel tipo").
	Template bool `yaml:"template" json:"template,omitempty"`
}

// IsGroup reports whether the field is a group of fields rather than a value.
func (f *Field) IsGroup() bool { return f.Type == "group" || (f.Type == "" && len(f.Fields) > 0) }

// Choice is one allowed value of a choice field. Value is what is stored;
// Label, where given, is what is shown in each language; Aliases are other
// spellings accepted on input.
type Choice struct {
	pos
	Value   string   `yaml:"value" json:"value"`
	Label   Text     `yaml:"label" json:"label,omitempty"`
	Aliases []string `yaml:"aliases" json:"aliases,omitempty"`
}

// Display returns the choice as shown in lang.
func (c *Choice) Display(lang string) string {
	if s := c.Label.Get(lang); s != "" {
		return s
	}
	return c.Value
}

// OneOf requires at least one of several sibling fields ("NISS ou nº de
// beneficiário"). Fields are keys of fields of the same group.
type OneOf struct {
	pos
	Label  Text     `yaml:"label" json:"label"`
	Fields []string `yaml:"fields" json:"fields"`
}

// AttachmentSlot is a file a request type asks for: a screenshot, the XML of
// a web service call, the Excel template, a selfie.
type AttachmentSlot struct {
	pos
	Key      string `yaml:"key" json:"key"`
	Label    Text   `yaml:"label" json:"label"`
	Help     Text   `yaml:"help" json:"help,omitempty"`
	Required bool   `yaml:"required" json:"required"`
	// MediaTypes are the accepted media types; "image/*" accepts any image.
	MediaTypes []string `yaml:"media_types" json:"media_types"`
	// Max is how many files the slot takes (default 1).
	Max int `yaml:"max" json:"max,omitempty"`
	// MaxBytes caps the size of each file; 0 means no cap of its own.
	MaxBytes int64 `yaml:"max_bytes" json:"max_bytes,omitempty"`
}

// Catalog is a loaded, indexed catalogue. It is immutable after loading.
type Catalog struct {
	Teams    []*Team    `json:"teams"`
	Services []*Service `json:"services"`
	// Calendars and Organisations hold the business calendars and the
	// organisations with their own service levels.
	Calendars     []*Calendar     `json:"calendars,omitempty"`
	Organisations []*Organisation `json:"organisations,omitempty"`

	teams  map[string]*Team
	byCode map[string]*RequestType
	byAddr map[string][]*RequestType
}

// RequestType returns the request type with this code, or nil. Disabled
// request types are returned too, for the tickets that still carry them.
func (c *Catalog) RequestType(code string) *RequestType {
	return c.byCode[strings.ToLower(strings.TrimSpace(code))]
}

// Team returns the team with this code, or nil.
func (c *Catalog) Team(code string) *Team { return c.teams[code] }

// Service returns the service with this code, or nil.
func (c *Catalog) Service(code string) *Service {
	for _, s := range c.Services {
		if s.Code == code {
			return s
		}
	}
	return nil
}

// RequestTypes returns every enabled request type, in catalogue order.
func (c *Catalog) RequestTypes() []*RequestType {
	var out []*RequestType
	for _, s := range c.Services {
		for _, rt := range s.RequestTypes {
			if !rt.Disabled {
				out = append(out, rt)
			}
		}
	}
	return out
}

// ByAddress returns the enabled request types whose service takes email at
// addr (compared case-insensitively, angle brackets and a display name
// tolerated), in catalogue order; nil when none.
func (c *Catalog) ByAddress(addr string) []*RequestType {
	return c.byAddr[normAddr(addr)]
}

// Addresses returns the intake addresses of the catalogue, lowercased and
// sorted.
func (c *Catalog) Addresses() []string {
	out := make([]string, 0, len(c.byAddr))
	for a := range c.byAddr {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

func normAddr(addr string) string {
	a := strings.TrimSpace(addr)
	if i := strings.LastIndexByte(a, '<'); i >= 0 {
		a = a[i+1:]
		if j := strings.IndexByte(a, '>'); j >= 0 {
			a = a[:j]
		}
	}
	return strings.ToLower(strings.TrimSpace(a))
}

// index builds the lookup tables and links request types to their service.
func (c *Catalog) index() {
	c.teams = make(map[string]*Team, len(c.Teams))
	for _, t := range c.Teams {
		if _, dup := c.teams[t.Code]; !dup {
			c.teams[t.Code] = t
		}
	}
	c.byCode = make(map[string]*RequestType)
	c.byAddr = make(map[string][]*RequestType)
	for _, s := range c.Services {
		addr := normAddr(s.Address)
		for _, rt := range s.RequestTypes {
			rt.service = s
			if _, dup := c.byCode[rt.Code]; !dup {
				c.byCode[rt.Code] = rt
			}
			if addr != "" && !rt.Disabled && rt.Accepts(balcao.ChannelEmail) {
				c.byAddr[addr] = append(c.byAddr[addr], rt)
			}
		}
	}
}
