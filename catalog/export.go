package catalog

import (
	"encoding/json"

	"balcao"
)

// Exported is the catalogue in one language, as `balcao catalog export` and
// GET /api/v1/catalog show it.
type Exported struct {
	Language string            `json:"language"`
	Teams    []ExportedTeam    `json:"teams"`
	Services []ExportedService `json:"services"`
}

// ExportedTeam is a team in one language.
type ExportedTeam struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// ExportedService is a service in one language, with its enabled request
// types.
type ExportedService struct {
	Code         string                `json:"code"`
	Name         string                `json:"name"`
	Organisation string                `json:"organisation,omitempty"`
	Language     string                `json:"language"`
	Address      string                `json:"address,omitempty"`
	Phone        string                `json:"phone,omitempty"`
	Portal       string                `json:"portal,omitempty"`
	Help         string                `json:"help,omitempty"`
	Notes        []string              `json:"notes,omitempty"`
	RequestTypes []ExportedRequestType `json:"request_types"`
}

// ExportedRequestType is a request type in one language.
type ExportedRequestType struct {
	Code            string               `json:"code"`
	Service         string               `json:"service"`
	Title           string               `json:"title"`
	Subject         string               `json:"subject,omitempty"`
	Help            string               `json:"help,omitempty"`
	Notes           []string             `json:"notes,omitempty"`
	Team            string               `json:"team"`
	Impact          int                  `json:"impact"`
	Urgency         int                  `json:"urgency"`
	Priority        int                  `json:"priority"`
	Approval        bool                 `json:"approval"`
	Channels        []balcao.Channel     `json:"channels"`
	Address         string               `json:"address,omitempty"`
	Language        string               `json:"language"`
	ReturnsProtocol bool                 `json:"returns_protocol,omitempty"`
	Template        string               `json:"template,omitempty"` // key path of the group the Excel template fills
	Fields          []ExportedField      `json:"fields"`
	OneOf           []ExportedOneOf      `json:"one_of,omitempty"`
	Attachments     []ExportedAttachment `json:"attachments,omitempty"`
}

// ExportedField is a field in one language. Path is the key path with "[]"
// standing for an item index ("medicos[].cedula").
type ExportedField struct {
	Key         string           `json:"key"`
	Path        string           `json:"path"`
	Label       string           `json:"label"`
	Type        string           `json:"type"`
	Required    bool             `json:"required"`
	Help        string           `json:"help,omitempty"`
	Choices     []ExportedChoice `json:"choices,omitempty"`
	PastOnly    bool             `json:"past_only,omitempty"`
	MaxLen      int              `json:"max_len,omitempty"`
	Default     string           `json:"default,omitempty"`
	Aliases     []string         `json:"aliases,omitempty"`
	Repeat      bool             `json:"repeat,omitempty"`
	Min         int              `json:"min,omitempty"`
	Max         int              `json:"max,omitempty"`
	ItemLabel   string           `json:"item_label,omitempty"`
	Conditional bool             `json:"conditional,omitempty"`
	OneOf       []ExportedOneOf  `json:"one_of,omitempty"`
	Fields      []ExportedField  `json:"fields,omitempty"`
}

// ExportedChoice is an allowed value and how it reads in the language.
type ExportedChoice struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// ExportedOneOf is an "at least one of" rule; Fields are key paths.
type ExportedOneOf struct {
	Label  string   `json:"label"`
	Fields []string `json:"fields"`
}

// ExportedAttachment is an attachment slot in one language.
type ExportedAttachment struct {
	Key        string   `json:"key"`
	Label      string   `json:"label"`
	Help       string   `json:"help,omitempty"`
	Required   bool     `json:"required"`
	MediaTypes []string `json:"media_types"`
	Max        int      `json:"max"`
	MaxBytes   int64    `json:"max_bytes,omitempty"`
}

// Export returns the catalogue's teams, services and enabled request types
// with every text in lang (pt-PT when lang is not a catalogue language).
func (c *Catalog) Export(lang string) *Exported {
	if lang = NormLang(lang); lang == "" {
		lang = LangPT
	}
	e := &Exported{Language: lang, Teams: []ExportedTeam{}, Services: []ExportedService{}}
	for _, t := range c.Teams {
		e.Teams = append(e.Teams, ExportedTeam{Code: t.Code, Name: t.Name.Get(lang)})
	}
	for _, s := range c.Services {
		es := ExportedService{
			Code: s.Code, Name: s.Name.Get(lang), Organisation: s.Organisation, Language: s.Language,
			Address: s.Address, Phone: s.Phone, Portal: s.Portal, Help: s.Help.Get(lang),
			Notes: texts(s.Notes, lang), RequestTypes: []ExportedRequestType{},
		}
		for _, rt := range s.RequestTypes {
			if !rt.Disabled {
				es.RequestTypes = append(es.RequestTypes, rt.Export(lang))
			}
		}
		e.Services = append(e.Services, es)
	}
	return e
}

// Export returns the request type with every text in lang.
func (rt *RequestType) Export(lang string) ExportedRequestType {
	if lang = NormLang(lang); lang == "" {
		lang = rt.Language()
	}
	svc := ""
	if rt.service != nil {
		svc = rt.service.Code
	}
	out := ExportedRequestType{
		Code: rt.Code, Service: svc, Title: rt.Title.Get(lang), Subject: rt.Subject,
		Help: rt.Help.Get(lang), Notes: texts(rt.Notes, lang), Team: rt.Team,
		Impact: rt.Impact, Urgency: rt.Urgency, Priority: rt.Priority(), Approval: rt.Approval,
		Channels: rt.Channels, Address: rt.Address(), Language: rt.Language(),
		ReturnsProtocol: rt.ReturnsProtocol, Template: rt.TemplateGroup(),
		Fields: exportFields(rt.Fields, "", lang), OneOf: exportOneOf(rt.OneOf, "", lang),
	}
	if out.Channels == nil {
		out.Channels = []balcao.Channel{}
	}
	for _, a := range rt.Attachments {
		if a == nil {
			continue
		}
		out.Attachments = append(out.Attachments, ExportedAttachment{
			Key: a.Key, Label: a.Label.Get(lang), Help: a.Help.Get(lang), Required: a.Required,
			MediaTypes: a.MediaTypes, Max: slotMax(a), MaxBytes: a.MaxBytes,
		})
	}
	return out
}

func exportFields(fs []*Field, prefix, lang string) []ExportedField {
	out := []ExportedField{}
	for _, f := range fs {
		if f == nil {
			continue
		}
		path := prefix + f.Key
		typ := f.Type
		if f.IsGroup() {
			typ = "group"
		}
		ef := ExportedField{
			Key: f.Key, Path: path, Label: f.Label.Get(lang), Type: typ, Required: f.Required,
			Help: f.Help.Get(lang), PastOnly: f.PastOnly, MaxLen: f.MaxLen, Default: f.Default,
			Aliases: f.Aliases, Repeat: f.Repeat, Min: f.Min, Max: f.Max,
			ItemLabel: f.ItemLabel.Get(lang), Conditional: f.Conditional,
		}
		for _, c := range f.Choices {
			if c != nil {
				ef.Choices = append(ef.Choices, ExportedChoice{Value: c.Value, Label: c.Display(lang)})
			}
		}
		if f.IsGroup() {
			inner := path + "."
			if f.Repeat {
				inner = path + "[]."
			}
			ef.Fields = exportFields(f.Fields, inner, lang)
			ef.OneOf = exportOneOf(f.OneOf, inner, lang)
		}
		out = append(out, ef)
	}
	return out
}

func exportOneOf(rules []*OneOf, prefix, lang string) []ExportedOneOf {
	var out []ExportedOneOf
	for _, o := range rules {
		if o == nil {
			continue
		}
		eo := ExportedOneOf{Label: o.Label.Get(lang)}
		for _, k := range o.Fields {
			eo.Fields = append(eo.Fields, prefix+k)
		}
		out = append(out, eo)
	}
	return out
}

func texts(ts []Text, lang string) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Get(lang))
	}
	return out
}

// MarshalJSON writes the whole catalogue with every language of every text,
// as it was loaded (disabled request types included, marked so).
func (c *Catalog) MarshalJSON() ([]byte, error) {
	type all struct {
		Languages []string   `json:"languages"`
		Teams     []*Team    `json:"teams"`
		Services  []*Service `json:"services"`
	}
	return json.Marshal(all{Languages: Languages, Teams: c.Teams, Services: c.Services})
}
