package catalog

import (
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"balcao"
	"balcao/validate"
)

// Attachment describes a file sent with a request, as far as validation
// needs it. Slot is the key of the AttachmentSlot it was sent for, when the
// channel knows it (a portal upload field); "" lets Validate assign it by
// media type.
type Attachment struct {
	Filename  string `json:"filename"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	Slot      string `json:"slot,omitempty"`
}

// FieldProblem is one missing or invalid value of a request.
//
// Field is the key path of the value ("utente.niss", "medicos[2].cedula",
// with items counted from 0) or the key of an attachment slot. Label names
// the field as the requester sees it, in the requested language, with its
// group or item ("Médico 3 – Número de cédula profissional"; items counted
// from 1). Fix says how to put it right; Message is "Label: Fix". A Warning
// is a value that was accepted but should be checked (an NNU whose check
// digit does not match).
type FieldProblem struct {
	Field   string `json:"field"`
	Label   string `json:"label"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
	Warning bool   `json:"warning,omitempty"`
}

// Problem codes of the catalogue's own rules; value-level codes come from
// the validate package ("required", "format", "check_digit", ...).
const (
	CodeRequired           = "required"
	CodeOneOf              = "one_of"
	CodeTooMany            = "too_many"
	CodeAttachmentRequired = "attachment_required"
	CodeAttachmentType     = "attachment_type"
	CodeAttachmentSize     = "attachment_too_large"
	CodeColumnMissing      = "column_missing"
)

// Errors returns the problems that are not warnings: a request with none is
// complete.
func Errors(ps []FieldProblem) []FieldProblem {
	var out []FieldProblem
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// ToDomain converts problems to the domain's balcao.FieldProblem, as stored
// on a ticket (Problem holds the Fix sentence, Label the field's name).
func ToDomain(ps []FieldProblem) []balcao.FieldProblem {
	if len(ps) == 0 {
		return nil
	}
	out := make([]balcao.FieldProblem, len(ps))
	for i, p := range ps {
		out[i] = balcao.FieldProblem{Key: p.Field, Label: p.Label, Problem: p.Fix, Code: p.Code, Warning: p.Warning}
	}
	return out
}

// Missing validates like Validate and returns only the problems that keep
// the request from being complete (no warnings): what the desk must still
// ask the requester for.
func (rt *RequestType) Missing(values map[string]string, atts []Attachment, lang string, now time.Time) []FieldProblem {
	_, ps := rt.Validate(values, atts, lang, now)
	return Errors(ps)
}

// plan is a request type prepared for fast validation.
type plan struct {
	root  *node // a group holding the top-level fields and one-of rules
	nodes []*node
	slots []*AttachmentSlot
}

type node struct {
	f        *Field
	kind     validate.Kind
	maxLen   int
	choices  []string          // every accepted spelling, for validate.Check
	choiceOf map[string]string // spelling -> stored value
	children []*node
	byKey    map[string]*node // children by key, for groups
}

// Default lengths when a field sets no max_len.
const (
	defaultTextLen     = 500
	defaultLongTextLen = 20000
	maxItemIndex       = 9999
)

func (rt *RequestType) prepared() *plan {
	rt.once.Do(func() {
		nodes := makeNodes(rt.Fields)
		root := &node{f: &Field{OneOf: rt.OneOf}}
		root.setChildren(nodes)
		rt.plan = &plan{nodes: nodes, root: root}
		for _, s := range rt.Attachments {
			if s != nil {
				rt.plan.slots = append(rt.plan.slots, s)
			}
		}
	})
	return rt.plan
}

func (n *node) setChildren(cs []*node) {
	n.children = cs
	if n.children == nil {
		n.children = []*node{} // a group, even when empty
	}
	n.byKey = make(map[string]*node, len(cs))
	for _, c := range cs {
		if _, dup := n.byKey[c.f.Key]; !dup {
			n.byKey[c.f.Key] = c
		}
	}
}

func makeNodes(fs []*Field) []*node {
	var out []*node
	for _, f := range fs {
		if f == nil || f.Key == "" {
			continue
		}
		n := &node{f: f, kind: validate.Kind(f.Type), maxLen: f.MaxLen}
		if f.IsGroup() {
			n.setChildren(makeNodes(f.Fields))
		} else if n.maxLen == 0 {
			switch f.Type {
			case "text":
				n.maxLen = defaultTextLen
			case "longtext":
				n.maxLen = defaultLongTextLen
			}
		}
		if len(f.Choices) > 0 {
			n.choiceOf = map[string]string{}
			add := func(spelling, value string) {
				if _, dup := n.choiceOf[spelling]; dup || strings.TrimSpace(spelling) == "" {
					return
				}
				n.choices = append(n.choices, spelling)
				n.choiceOf[spelling] = value
			}
			for _, c := range f.Choices {
				if c == nil {
					continue
				}
				add(c.Value, c.Value)
				for _, l := range Languages {
					add(c.Label[l], c.Value)
				}
				for _, a := range c.Aliases {
					add(a, c.Value)
				}
			}
		}
		out = append(out, n)
	}
	return out
}

// Validate checks and normalises the values of a request of this type, as
// every channel must before a ticket is opened or updated.
//
// values maps key paths to raw values ("utente.nnu", "medicos[0].cedula").
// Each given value is normalised through validate.Check; required fields,
// one-of requirements, conditional groups, the minimum and maximum number
// of items and required attachments are enforced; unassigned attachments
// are given a slot by media type (see AssignAttachments). Values under keys
// the request type does not declare are left out of the result.
//
// normalised holds every given value, normalised when valid and trimmed as
// given when not (so nothing the requester wrote is lost); defaults fill
// blank fields. problems are in catalogue order, worded in lang (pt-PT,
// pt-BR, en or es; the service's language when lang is none of them). now
// is the reference time for dates.
//
// For a request type with a template (HasTemplate), a channel that received
// the workbook reads it with ReadTemplate and adds its rows with
// AddTemplateRows before calling Validate.
func (rt *RequestType) Validate(values map[string]string, atts []Attachment, lang string, now time.Time) (normalised map[string]string, problems []FieldProblem) {
	if lang = NormLang(lang); lang == "" {
		lang = rt.Language()
	}
	p := rt.prepared()
	v := &vstate{values: values, out: make(map[string]string, len(values)), lang: lang, now: now}
	v.findItems()
	v.nodes(p.nodes, "", "", true)
	v.oneOf(p.root, "", "", true)
	v.attachments(p.slots, rt.AssignAttachments(atts))
	return v.out, v.probs
}

type vstate struct {
	values map[string]string
	out    map[string]string
	probs  []FieldProblem
	lang   string
	now    time.Time
	items  map[string][]int // repeatable group path -> indices of items with a value
	// rowLabel, when set, replaces the group context in messages ("linha 3, ").
	rowLabel string
}

// findItems records which items of repeatable groups carry some value.
func (v *vstate) findItems() {
	for k, val := range v.values {
		i := strings.IndexByte(k, '[')
		if i <= 0 || isBlank(val) {
			continue
		}
		j := strings.IndexByte(k[i:], ']')
		if j < 2 {
			continue
		}
		digits := k[i+1 : i+j]
		idx, err := strconv.Atoi(digits)
		if err != nil || idx < 0 || idx > maxItemIndex || strconv.Itoa(idx) != digits {
			continue // only canonical indices: "[01]" would never match "[1]"
		}
		if v.items == nil {
			v.items = map[string][]int{}
		}
		v.items[k[:i]] = append(v.items[k[:i]], idx)
	}
	for g, idx := range v.items {
		slices.Sort(idx)
		v.items[g] = slices.Compact(idx)
	}
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// given reports whether any value under the group at path is not blank.
func (v *vstate) given(path string) bool {
	if len(v.items[path]) > 0 {
		return true
	}
	pfx := path + "."
	for k, val := range v.values {
		if strings.HasPrefix(k, pfx) && !isBlank(val) {
			return true
		}
	}
	return false
}

// nodes validates a list of sibling fields under prefix ("" or "group." or
// "group[1]."); ctx is the label context ("Identificação do utente – ");
// enforce says whether required rules apply.
func (v *vstate) nodes(ns []*node, prefix, ctx string, enforce bool) {
	for _, n := range ns {
		key := prefix + n.f.Key
		if n.children == nil {
			v.leaf(n, key, ctx, enforce)
			continue
		}
		gctx := ctx + n.f.Label.Get(v.lang) + " – "
		if v.rowLabel != "" {
			gctx = ctx
		}
		if !n.f.Repeat {
			e := enforce
			if n.f.Conditional {
				e = enforce && v.given(key)
			}
			v.nodes(n.children, key+".", gctx, e)
			v.oneOf(n, key+".", gctx, e)
			continue
		}
		idx := v.items[key]
		if want := min(n.f.Min, maxItemIndex+1); enforce && !n.f.Conditional && len(idx) < want {
			idx = slices.Clone(idx)
			for i := 0; len(idx) < want; i++ {
				if !slices.Contains(idx, i) {
					idx = append(idx, i)
				}
			}
			slices.Sort(idx)
		}
		if n.f.Max > 0 && len(v.items[key]) > n.f.Max {
			v.add(key, ctx+n.f.Label.Get(v.lang), CodeTooMany, msgTooMany(v.lang, n.f.Max), false)
		}
		item := n.f.ItemLabel.Get(v.lang)
		if item == "" {
			item = n.f.Label.Get(v.lang)
		}
		for _, i := range idx {
			p := key + "[" + strconv.Itoa(i) + "]."
			ictx := ctx + item + " " + strconv.Itoa(i+1) + " – "
			if v.rowLabel != "" {
				ictx = ctx
			}
			v.nodes(n.children, p, ictx, enforce)
			v.oneOf(n, p, ictx, enforce)
		}
	}
}

func (v *vstate) oneOf(g *node, prefix, ctx string, enforce bool) {
	if !enforce {
		return
	}
	for _, o := range g.f.OneOf {
		if o == nil || len(o.Fields) == 0 {
			continue
		}
		ok := false
		for _, k := range o.Fields {
			if !isBlank(v.out[prefix+k]) {
				ok = true
				break
			}
		}
		if !ok {
			var labels []string
			for _, k := range o.Fields {
				if c := g.byKey[k]; c != nil {
					labels = append(labels, c.f.Label.Get(v.lang))
				}
			}
			v.add(prefix+o.Fields[0], ctx+o.Label.Get(v.lang), CodeOneOf, msgOneOf(v.lang, labels), false)
		}
	}
}

func (v *vstate) leaf(n *node, key, ctx string, enforce bool) {
	raw, ok := v.values[key]
	raw = strings.TrimSpace(raw)
	if !ok || raw == "" {
		if n.f.Default != "" && enforce {
			v.out[key] = n.f.Default
			return
		}
		if n.f.Required && enforce {
			v.add(key, ctx+n.f.Label.Get(v.lang), CodeRequired, fixText(n.kind, validate.Code(CodeRequired), v.lang), false)
		}
		return
	}
	res := validate.Check(n.kind, raw, validate.Options{
		Now: v.now, Choices: n.choices, PastOnly: n.f.PastOnly, MaxLen: n.maxLen,
	})
	if res.Code == "" || res.Warning {
		val := res.Value
		if c, ok := n.choiceOf[val]; ok {
			val = c // validate.Check yields the spelling matched
		}
		v.out[key] = val
	} else {
		v.out[key] = raw
	}
	if res.Code != "" {
		fix := fixText(n.kind, res.Code, v.lang)
		if res.Code == "choice" && !res.Warning {
			fix = addChoices(fix, n.f.Choices, v.lang)
		}
		v.add(key, ctx+n.f.Label.Get(v.lang), string(res.Code), fix, res.Warning)
	}
}

func (v *vstate) add(field, label, code, fix string, warning bool) {
	v.probs = append(v.probs, FieldProblem{
		Field: field, Label: label, Code: code, Fix: fix, Warning: warning,
		Message: v.rowLabel + label + ": " + fix,
	})
}

// fixText is the validate package's sentence, with a fallback of our own so
// a message is never empty.
func fixText(kind validate.Kind, code validate.Code, lang string) string {
	if s := strings.TrimSpace(validate.Fix(kind, code, lang)); s != "" {
		return s
	}
	if code == CodeRequired {
		return msgRequired(lang)
	}
	return msgInvalid(lang)
}

func addChoices(fix string, cs []*Choice, lang string) string {
	var ds []string
	for _, c := range cs {
		if c != nil {
			ds = append(ds, c.Display(lang))
		}
	}
	if len(ds) == 0 {
		return fix
	}
	return strings.TrimRight(fix, ". ") + " (" + msgAllowed(lang, ds) + ")"
}

// AssignAttachments returns a copy of atts where each attachment without a
// slot (or with an unknown one) is given the first slot that accepts its
// media type and still has room, empty slots first: an image goes to the
// screenshot slot, an .xml to the XML slot, an .xlsx to the template slot.
// Attachments no slot accepts keep Slot "".
func (rt *RequestType) AssignAttachments(atts []Attachment) []Attachment {
	out := slices.Clone(atts)
	slots := rt.prepared().slots
	if len(slots) == 0 {
		return out
	}
	count := map[string]int{}
	known := map[string]*AttachmentSlot{}
	for _, s := range slots {
		known[s.Key] = s
	}
	for i := range out {
		if known[out[i].Slot] != nil {
			count[out[i].Slot]++
		} else {
			out[i].Slot = ""
		}
	}
	for pass := range 2 {
		for i := range out {
			if out[i].Slot != "" {
				continue
			}
			mt := mediaTypeOf(out[i])
			for _, s := range slots {
				if !slotAccepts(s, mt) {
					continue
				}
				if (pass == 0 && count[s.Key] == 0) || (pass == 1 && count[s.Key] < slotMax(s)) {
					out[i].Slot = s.Key
					count[s.Key]++
					break
				}
			}
		}
	}
	return out
}

func slotMax(s *AttachmentSlot) int {
	if s.Max > 0 {
		return s.Max
	}
	return 1
}

func (v *vstate) attachments(slots []*AttachmentSlot, atts []Attachment) {
	for _, s := range slots {
		label := s.Label.Get(v.lang)
		n := 0
		for _, a := range atts {
			if a.Slot != s.Key {
				continue
			}
			n++
			if !slotAccepts(s, mediaTypeOf(a)) {
				v.add(s.Key, label, CodeAttachmentType, msgAttachmentType(v.lang, a.Filename, describeMedia(s.MediaTypes, v.lang)), false)
			} else if s.MaxBytes > 0 && a.Size > s.MaxBytes {
				v.add(s.Key, label, CodeAttachmentSize, msgAttachmentSize(v.lang, a.Filename, s.MaxBytes), false)
			}
		}
		switch {
		case n == 0 && s.Required:
			v.add(s.Key, label, CodeAttachmentRequired, msgAttachmentRequired(v.lang, describeMedia(s.MediaTypes, v.lang)), false)
		case n > slotMax(s):
			v.add(s.Key, label, CodeTooMany, msgTooManyFiles(v.lang, slotMax(s)), false)
		}
	}
}

// Media types by file extension, for attachments whose sender gave none or
// a generic one. A fixed table, not the system's, so results do not depend
// on the machine.
var extMedia = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".jfif": "image/jpeg",
	".gif": "image/gif", ".bmp": "image/bmp", ".webp": "image/webp", ".tif": "image/tiff",
	".tiff": "image/tiff", ".heic": "image/heic", ".heif": "image/heif",
	".xml": "application/xml", ".pdf": "application/pdf", ".txt": "text/plain",
	".xlsx": mediaXLSX, ".xls": "application/vnd.ms-excel", ".csv": "text/csv",
}

const mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// mediaTypeOf returns the media type of an attachment: the one declared,
// lowercased and without parameters, unless it is missing or generic, in
// which case the file name's extension decides.
func mediaTypeOf(a Attachment) string {
	mt := strings.ToLower(strings.TrimSpace(a.MediaType))
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = strings.TrimSpace(mt[:i])
	}
	switch mt {
	case "", "application/octet-stream", "application/zip", "application/x-zip-compressed", "binary/octet-stream":
		if byExt, ok := extMedia[strings.ToLower(path.Ext(a.Filename))]; ok {
			return byExt
		}
	case "text/xml":
		return "application/xml"
	case "image/jpg", "image/pjpeg":
		return "image/jpeg"
	}
	return mt
}

func slotAccepts(s *AttachmentSlot, mt string) bool {
	if mt == "" {
		return false
	}
	for _, m := range s.MediaTypes {
		m = strings.ToLower(m)
		if m == "text/xml" {
			m = "application/xml"
		}
		if m == mt || (strings.HasSuffix(m, "/*") && strings.HasPrefix(mt, m[:len(m)-1])) {
			return true
		}
	}
	return false
}
