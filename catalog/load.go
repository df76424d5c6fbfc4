package catalog

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

//go:embed default/*.yaml
var defaultFS embed.FS

// DefaultFiles returns the embedded default catalogue files (default/*.yaml),
// for an operator who wants a copy to start from.
func DefaultFiles() fs.FS { return defaultFS }

// Problem is one thing wrong in a catalogue file, at a line of it.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// String returns "file:line: message" (the line is left out when unknown).
func (p Problem) String() string {
	switch {
	case p.File == "":
		return p.Message
	case p.Line <= 0:
		return p.File + ": " + p.Message
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// Default returns the embedded default catalogue, parsed and checked. Each
// call parses it anew (about 10 ms): keep the result. An error means the
// binary was built with a broken catalogue; the tests make sure it is not.
func Default() (*Catalog, error) {
	c, problems, err := LoadDir("")
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return c, fmt.Errorf("catalog: default catalogue has %d problems, first: %s", len(problems), problems[0])
	}
	return c, nil
}

// Load returns the embedded default catalogue with the operator's files
// dataDir/catalog/*.yaml applied on top, in name order: their teams and
// services are added (a service already known takes the attributes the file
// gives and keeps the rest), and their request types are added, or replace
// whole the request type that has the same code. A missing dataDir/catalog
// is not an error.
//
// problems lists everything Check and the parser found, in file and line
// order; a caller that serves requests should refuse to start when it is not
// empty, since the catalogue is then only a best effort. err reports only
// files that could not be read.
func Load(dataDir string) (*Catalog, []Problem, error) {
	if dataDir == "" {
		return LoadDir("")
	}
	return loadDir(filepath.Join(dataDir, "catalog"), true)
}

// LoadDir checks the catalogue files in dir (*.yaml), for `balcao catalog
// check DIR`. The files are applied on top of the default catalogue, as
// Load applies them, so that an operator directory that only adds or
// replaces request types may name the default teams and services; its
// problems are those of the result. With dir == "" it checks the default
// catalogue alone.
func LoadDir(dir string) (*Catalog, []Problem, error) {
	return loadDir(dir, false)
}

func loadDir(dir string, missingOK bool) (*Catalog, []Problem, error) {
	files, err := defaultFiles()
	if err != nil {
		return nil, nil, err
	}
	layers := [][]namedFile{files}
	if dir != "" {
		op, err := dirFiles(dir)
		if err != nil && !(missingOK && errors.Is(err, fs.ErrNotExist)) {
			return nil, nil, fmt.Errorf("catalog: %w", err)
		}
		layers = append(layers, op)
	}
	c, problems := build(layers)
	return c, problems, nil
}

// Parse builds a catalogue from files given in memory: each layer is a map
// of file name to YAML, applied in order as Load applies the operator's files
// on top of the default. It is what the fuzz tests and tools use.
func Parse(layers ...map[string][]byte) (*Catalog, []Problem) {
	var ls [][]namedFile
	for _, l := range layers {
		var nf []namedFile
		for name, data := range l {
			nf = append(nf, namedFile{name, data})
		}
		slices.SortFunc(nf, func(a, b namedFile) int { return strings.Compare(a.name, b.name) })
		ls = append(ls, nf)
	}
	return build(ls)
}

type namedFile struct {
	name string
	data []byte
}

func defaultFiles() ([]namedFile, error) {
	entries, err := fs.Glob(defaultFS, "default/*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(entries)
	var out []namedFile
	for _, e := range entries {
		b, err := defaultFS.ReadFile(e)
		if err != nil {
			return nil, err
		}
		out = append(out, namedFile{path.Join("catalog", e), b})
	}
	return out, nil
}

func dirFiles(dir string) ([]namedFile, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	more, _ := filepath.Glob(filepath.Join(dir, "*.yml"))
	names = append(names, more...)
	slices.Sort(names)
	var out []namedFile
	for _, n := range names {
		st, err := os.Stat(n)
		if err != nil {
			return nil, err
		}
		if st.Size() > maxFileBytes {
			return nil, fmt.Errorf("%s is larger than %d bytes", n, maxFileBytes)
		}
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, namedFile{n, b})
	}
	return out, nil
}

// build parses the layers and merges them into one catalogue, then checks it.
func build(layers [][]namedFile) (*Catalog, []Problem) {
	c := &Catalog{}
	var problems []Problem
	for _, layer := range layers {
		var docs []*fileDoc
		for _, f := range layer {
			doc, ps := parseFile(f.name, f.data)
			doc.file = f.name
			problems = append(problems, ps...)
			docs = append(docs, doc)
		}
		problems = append(problems, c.merge(docs)...)
	}
	c.index()
	problems = append(problems, c.Check()...)
	sortProblems(problems)
	return c, dedupProblems(problems)
}

// merge applies one layer of files. Within a layer a code may be declared
// once; a later layer replaces what an earlier one declared. Lookups go
// through maps so that a file with very many entries costs linear time.
func (c *Catalog) merge(docs []*fileDoc) []Problem {
	var problems []Problem
	teamAt := map[string]int{}
	for i, t := range c.Teams {
		teamAt[t.Code] = i
	}
	svcOf := map[string]*Service{}
	rtIn := map[string]*Service{}
	for _, s := range c.Services {
		svcOf[s.Code] = s
		for _, rt := range s.RequestTypes {
			rtIn[rt.Code] = s
		}
	}
	teamSeen := map[string]*Team{}
	svcSeen := map[string]*Service{}
	rtSeen := map[string]*RequestType{}
	dup := func(kind, code string, first, again pos) {
		problems = append(problems, Problem{File: again.file, Line: again.at("code").line,
			Message: fmt.Sprintf("duplicate %s code %q (first declared at %s:%d)", kind, code, first.file, first.at("code").line)})
	}
	calSeen := map[string]pos{}
	orgSeen := map[string]pos{}
	for _, doc := range docs {
		c.Calendars = mergeByCode(c.Calendars, doc.Calendars, func(x *Calendar) string { return x.Code },
			func(x *Calendar) pos { return x.pos }, "calendar", doc.file, calSeen, &problems)
		c.Organisations = mergeByCode(c.Organisations, doc.Organisations, func(x *Organisation) string { return x.Code },
			func(x *Organisation) pos { return x.pos }, "organisation", doc.file, orgSeen, &problems)
		for _, t := range doc.Teams {
			if t == nil || t.Code == "" {
				problems = append(problems, Problem{File: docFile(t, doc), Line: docLine(t), Message: "team without code"})
				continue
			}
			if prev, ok := teamSeen[t.Code]; ok {
				dup("team", t.Code, prev.pos, t.pos)
				continue
			}
			teamSeen[t.Code] = t
			if i, ok := teamAt[t.Code]; ok {
				c.Teams[i] = t
			} else {
				teamAt[t.Code] = len(c.Teams)
				c.Teams = append(c.Teams, t)
			}
		}
		for _, s := range doc.Services {
			if s == nil || s.Code == "" {
				line := 0
				if s != nil {
					line = s.line
				}
				problems = append(problems, Problem{File: doc.file, Line: line, Message: "service without code"})
				continue
			}
			if prev, ok := svcSeen[s.Code]; ok && prev.hasAttributes() && s.hasAttributes() {
				dup("service", s.Code, prev.pos, s.pos)
			}
			if _, ok := svcSeen[s.Code]; !ok || s.hasAttributes() {
				svcSeen[s.Code] = s
			}
			rts := s.RequestTypes
			target := svcOf[s.Code]
			if target == nil {
				target = s
				target.RequestTypes = nil
				svcOf[s.Code] = s
				c.Services = append(c.Services, target)
			} else {
				target.update(s)
			}
			for _, rt := range rts {
				if rt == nil || rt.Code == "" {
					line := s.line
					if rt != nil {
						line = rt.line
					}
					problems = append(problems, Problem{File: doc.file, Line: line, Message: fmt.Sprintf("service %q: request type without code", s.Code)})
					continue
				}
				if prev, ok := rtSeen[rt.Code]; ok {
					dup("request type", rt.Code, prev.pos, rt.pos)
					continue
				}
				rtSeen[rt.Code] = rt
				putRequestType(rtIn[rt.Code], target, rt)
				rtIn[rt.Code] = target
			}
		}
	}
	return problems
}

// putRequestType adds rt to service s, replacing the request type with the
// same code in s, or removing it from old, the service that held it.
func putRequestType(old, s *Service, rt *RequestType) {
	if old != nil {
		i := slices.IndexFunc(old.RequestTypes, func(x *RequestType) bool { return x.Code == rt.Code })
		if i >= 0 && old == s {
			s.RequestTypes[i] = rt
			return
		}
		if i >= 0 {
			old.RequestTypes = slices.Delete(old.RequestTypes, i, i+1)
		}
	}
	s.RequestTypes = append(s.RequestTypes, rt)
}

func docFile(t *Team, doc *fileDoc) string {
	if t != nil && t.file != "" {
		return t.file
	}
	return doc.file
}

func docLine(t *Team) int {
	if t == nil {
		return 0
	}
	return t.line
}

func (s *Service) hasAttributes() bool {
	return len(s.Name) > 0 || s.Language != "" || s.Address != "" || s.Organisation != "" ||
		s.Phone != "" || s.Portal != "" || len(s.Help) > 0 || len(s.Notes) > 0 || s.Levels != nil
}

// update copies the attributes an operator file gives onto a known service.
func (s *Service) update(o *Service) {
	if len(o.Name) > 0 {
		s.Name = o.Name
	}
	if o.Organisation != "" {
		s.Organisation = o.Organisation
	}
	if o.Language != "" {
		s.Language = o.Language
	}
	if o.Address != "" {
		s.Address = o.Address
	}
	if o.Phone != "" {
		s.Phone = o.Phone
	}
	if o.Portal != "" {
		s.Portal = o.Portal
	}
	if len(o.Help) > 0 {
		s.Help = o.Help
	}
	if len(o.Notes) > 0 {
		s.Notes = o.Notes
	}
	if o.Levels != nil {
		s.Levels = o.Levels
	}
	if o.hasAttributes() {
		s.pos = o.pos
	}
}

func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
}

func dedupProblems(ps []Problem) []Problem {
	out := ps[:0]
	seen := map[Problem]bool{}
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
